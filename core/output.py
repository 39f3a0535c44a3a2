"""Output helpers shared by every writer: atomic files and Markdown-safe text.

Files are written to a temporary name and renamed, so an interrupted run never
leaves a half-written output behind.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from core.errors import OutputError


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write `text` (or bytes, as they are) to `path` so readers see either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The name is fixed before anything is created, so an interrupt at any point can clean it up.
    temp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part")
    try:
        with open(temp, "xb") if isinstance(text, bytes) else open(temp, "x", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


# Everything `str.splitlines()` breaks on: none of it may end a table row or a list item early.
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Markdown that article text must not form: cell pipes, raw HTML, links and images, code spans, entities.
_MARKDOWN_ACTIVE = re.compile(r"[\\|<\[\]`]|&(?=#?\w+;)")


def check_writable(directory: Path) -> None:
    """Prove that files can be written in `directory` (created later if absent), before any model time is spent.

    The probe is a real file, created and removed in the directory or, when it does not exist yet, in its
    nearest existing parent (nothing is created there): the kernel's answer, whatever the user, ACLs or mounts.
    """
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"{directory}: cannot write output there ({existing} is not a directory)")
    probe = existing / f".mtdigest-probe.{os.getpid()}.{uuid.uuid4().hex[:8]}.part"
    try:
        with open(probe, "x", encoding="utf-8"):
            pass
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"{directory}: cannot write output there ({exc.strerror or exc}); "
                          f"choose another -o or fix its permissions") from None


# C0/C1 controls other than tab and line breaks (NUL above all): invalid in HTML, shown as U+FFFD instead.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f]")
# Bidi embeddings, overrides and isolates: in a rendering they would reorder what follows them (the next
# cell, the ids, the English), so they are shown as what they are; JSON keeps them byte for byte.
_BIDI_CONTROLS = {"\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
                  "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI"}
_BIDI = re.compile("[" + "".join(_BIDI_CONTROLS) + "]")


def visible_controls(text: str) -> str:
    """`text` for display: NUL and other controls as U+FFFD, bidi controls as `⟨RLO⟩`, `⟨PDI⟩`, ..."""
    return _BIDI.sub(lambda m: f"⟨{_BIDI_CONTROLS[m.group(0)]}⟩", _CONTROLS.sub("\ufffd", text))


def escape_html(text: str, quote: bool = True) -> str:
    """`html.escape` of `visible_controls(text)`: a scraped page's NUL byte or unbalanced override never
    reaches a page raw."""
    import html

    return html.escape(visible_controls(text), quote=quote)


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell or list item: one line that renders as written.

    Backslash escapes keep `|`, `<`, `[`, `]`, backticks and entities literal (no injected markup,
    no broken rows); line breaks become <br>.
    """
    text = visible_controls(text)
    return _LINE_BREAKS.sub("<br>", _MARKDOWN_ACTIVE.sub(lambda m: "\\" + m.group(0), text))
