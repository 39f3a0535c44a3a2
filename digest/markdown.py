"""Render a digest as Markdown: header, summary, and a two-column table GitHub renders."""

from __future__ import annotations

import re

from digest.meta import header_of
from mt.article import Article, Flag
from mt.output import md_cell


def _flags(flags: list[Flag]) -> str:
    return "".join(f" ⚠ *{md_cell(f.code.replace('_', ' '))}*" + (f" ({md_cell(f.detail)})" if f.detail else "")
                   for f in flags)


_FSI, _LRI, _PDI = "\u2068", "\u2066", "\u2069"


def _isolated(text: str, first_strong: bool = True) -> str:
    """`text` as a Markdown-safe bidi isolate (FSI … PDI, or LRI … PDI for English): a right-to-left run, or
    anything left open in it, cannot reorder the ids, flags or columns beside it."""
    opening = _FSI if first_strong else _LRI
    return f"{opening}{md_cell(text)}{_PDI}" if text else ""


def _anchor(sentence_id: str) -> str:
    """The HTML anchor of a sentence (`p3.s2` → `p3s2`): word characters only, so it is safe in a link or a row."""
    return re.sub(r"[^\w-]", "", sentence_id)


def render_markdown(article: Article) -> str:
    """The Markdown digest of one article."""
    head = header_of(article)
    lines = [f"# {md_cell(head.english_title)}", ""]
    if article.title.source and article.language != "en":
        lines += [f"**{_isolated(article.title.source)}**", ""]
    lines += [f"- **{label}:** {md_cell(value)}" for label, value in head.fields]
    by_id = {s.id: s for s in article.sentences()}
    if article.summary and article.summary.sentences:
        lines += ["", f"## Summary ({md_cell(article.summary.method)})", ""]
        for n, sentence in enumerate(article.summary.sentences, start=1):
            support = ", ".join(f"[{md_cell(sid)}](#{_anchor(sid)})" for sid in sentence.support if sid in by_id)
            lines.append(f"{n}. {md_cell(sentence.english)}{_flags(sentence.flags)}"
                         + (f" — from {support}" if support else ""))
            if article.language != "en":
                lines += [f"   > {_isolated(by_id[sid].source)}" for sid in sentence.support if sid in by_id]
        if article.summary.back_translation:
            lines += ["", f"> {_isolated(article.summary.back_translation)}"]
    lines += ["", "## Full text, sentence by sentence", "",
              f"| id | English | Source ({md_cell(article.language or 'und')}) |", "|---|---|---|"]
    for paragraph in article.paragraphs:
        for s in paragraph.sentences:
            lines.append(f"| <a id=\"{_anchor(s.id)}\"></a>{md_cell(s.id)} | {_isolated(s.english or '', False)}"
                         f"{_flags(s.flags)} | {_isolated(s.source)} |")
    if article.removed:
        lines += ["", "<details><summary>Removed page furniture</summary>", ""]
        lines += [f"- {_isolated(r.text)} — *{md_cell(r.reason)}*" for r in article.removed]
        lines += ["", "</details>"]
    if head.signature:
        lines += ["", "<sub>Machine translation: check the source before quoting. "
                      f"<code>{md_cell(head.signature)}</code></sub>"]
    if head.licences:
        lines += ["", f"<sub>{md_cell(head.licences)}</sub>"]
    return "\n".join(lines) + "\n"
