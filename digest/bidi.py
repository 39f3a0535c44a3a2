"""Mixed-direction text made safe: a Persian or Arabic fragment inside English never takes over its line.

HTML: English blocks carry `dir="ltr"` and every source-script fragment is its own `<bdi>` (with
`lang`), so the paragraph's direction comes from the English around it. Markdown has no markup for
that, so fragments are wrapped in Unicode isolates (FSI … PDI; LRI … PDI for English).
"""

from __future__ import annotations

import re

from core.output import escape_html, md_cell

# Hebrew, Arabic, Syriac, Thaana, NKo, ... and the Arabic presentation forms.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"


def has_rtl(text: str) -> bool:
    return bool(_RTL.search(text))


def bdi(text: str, lang: str | None = None) -> str:
    """`text` escaped for HTML, isolated in a `<bdi>` when it holds right-to-left script."""
    if not has_rtl(text):
        return escape_html(text)
    attribute = f' lang="{escape_html(lang)}"' if lang else ""
    return f"<bdi{attribute}>{escape_html(text)}</bdi>"


def md_isolate(text: str, first_strong: bool = True) -> str:
    """`text` as a Markdown-safe bidi isolate (FSI … PDI, or LRI … PDI for English): a right-to-left run, or
    anything left open in it, cannot reorder the ids, flags or columns beside it."""
    opening = FSI if first_strong else LRI
    return f"{opening}{md_cell(text)}{PDI}" if text else ""


# A right-to-left run: from one RTL letter to the last of those that follow it with only spaces, digits, ZWNJ,
# diacritics and Arabic punctuation between them.
_RUN = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]"
                  "(?:[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u200c\\s0-9«»]*[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff])?")


def _runs(text: str) -> list[tuple[bool, str]]:
    """`text` cut into (is right-to-left, piece) runs, in order."""
    pieces, at = [], 0
    for match in _RUN.finditer(text):
        if match.start() > at:
            pieces.append((False, text[at:match.start()]))
        pieces.append((True, match.group(0)))
        at = match.end()
    if at < len(text):
        pieces.append((False, text[at:]))
    return pieces


def english_html(text: str) -> str:
    """English text for an HTML English block: escaped, any right-to-left run in it (a name the model left
    in the source script, a quote) isolated in its own `<bdi>`."""
    return "".join(f"<bdi>{escape_html(piece)}</bdi>" if rtl else escape_html(piece) for rtl, piece in _runs(text))


def english_md(text: str, isolated: bool = False) -> str:
    """The same for Markdown: `md_cell` text with each right-to-left run between FSI and PDI; `isolated`: the
    whole English an LRI … PDI isolate too (a table cell: nothing left open in it reaches the next cell)."""
    inner = "".join(md_isolate(piece) if rtl else md_cell(piece) for rtl, piece in _runs(text))
    return f"{LRI}{inner}{PDI}" if isolated and text else inner
