"""Render a digest as Markdown: reader facts, summary, a three-column table GitHub renders, then how it was made.

Every source-script fragment in an English line (outlet, date as written, a name the model left in
the source script) is a Unicode isolate, so it cannot reorder the line around it.
"""

from __future__ import annotations

import re

from digest.bidi import english_md, md_isolate
from digest.meta import LANGUAGE_NAMES, header_of, original_link
from digest.wording import long_date, low_confidence, outlet_names, shorten, warnings_banner
from core.article import Article, Flag, Sentence
from core.output import md_cell

def _flags(flags: list[Flag]) -> str:
    return "".join(f" ⚠ *{md_cell(f.code.replace('_', ' '))}*" + (f" ({english_md(f.detail)})" if f.detail else "")
                   for f in flags)


def _anchor(sentence_id: str) -> str:
    """The HTML anchor of a sentence (`p3.s2` → `p3s2`): word characters only, so it is safe in a link or a row."""
    return re.sub(r"[^\w-]", "", sentence_id)


def md_url(url: str) -> str:
    """A web address (`original_link`: no spaces) as a Markdown autolink / link target, `<…>` kept closed."""
    return f"<{url.replace('<', '%3C').replace('>', '%3E')}>"


def outlet_md(article: Article) -> str:
    """The outlet in English with its native name beside it (an isolate), or whichever of the two is known."""
    english, native = outlet_names(article)
    return " ".join(p for p in (md_cell(english), md_isolate(native)) if p)


def _facts(article: Article) -> list[str]:
    outlet = outlet_md(article)
    published = md_cell(long_date(article.published) or "date unknown")
    if article.published_as_written and article.published_as_written != article.published:
        published += f" (as written: {md_isolate(article.published_as_written)})"
    facts = [("Outlet", outlet), ("Published", published)]
    if article.author:
        facts.append(("Author", md_isolate(article.author)))
    if url := original_link(article.url):
        facts.append(("Original", md_url(url)))
    return [f"- **{label}:** {value}" for label, value in facts]


def _banner(article: Article) -> list[str]:
    text = warnings_banner(article)
    return ["", f"> ⚠ **{text}:** read them against the source."] if text else []


def _check_first(article: Article) -> list[str]:
    """The review queue: each sentence the model is least sure of, linked to its row."""
    doubtful = low_confidence(article)
    if not doubtful:
        return []
    return ["", "## Check first", "", *(
        f"- [{md_cell(s.id)}](#{_anchor(s.id)}) (confidence {s.confidence:.3f}): "
        f"{english_md(shorten(s.english or '', 160), isolated=True)}" for s in doubtful)]


def _english(s: Sentence) -> str:
    if s.merged_into and not s.english:
        return english_md(f"(translated together with {s.merged_into})", isolated=True)
    return english_md(s.english or "", isolated=True)


def render_markdown(article: Article) -> str:
    """The Markdown digest of one article."""
    head = header_of(article)
    lines = [f"# {english_md(head.english_title)}", ""]
    if article.title.source and article.language != "en":
        lines += [f"**{md_isolate(article.title.source)}**", ""]
    lines += _facts(article) + _banner(article) + _check_first(article)
    by_id = {s.id: s for s in article.sentences()}
    if article.summary and article.summary.sentences:
        lines += ["", f"## Summary ({md_cell(article.summary.method)})", ""]
        for n, sentence in enumerate(article.summary.sentences, start=1):
            support = ", ".join(f"[{md_cell(sid)}](#{_anchor(sid)})" for sid in sentence.support if sid in by_id)
            lines.append(f"{n}. {english_md(sentence.english)}{_flags(sentence.flags)}"
                         + (f" — from {support}" if support else ""))
            if article.language != "en":
                lines += [f"   > {md_isolate(by_id[sid].source)}" for sid in sentence.support if sid in by_id]
        if article.summary.back_translation:
            lines += ["", f"> {md_isolate(article.summary.back_translation)}"]
    language = LANGUAGE_NAMES.get(article.language or "", article.language or "und")
    lines += ["", "## Full text, sentence by sentence", "",
              f"| id | English | Original ({md_cell(language)}) |", "|---|---|---|"]
    for paragraph in article.paragraphs:
        for s in paragraph.sentences:
            lines.append(f"| <a id=\"{_anchor(s.id)}\"></a>{md_cell(s.id)} | {_english(s)}"
                         f"{_flags(s.flags)} | {md_isolate(s.source)} |")
    if article.removed:
        lines += ["", "<details><summary>Removed page furniture</summary>", ""]
        lines += [f"- {md_isolate(r.text)} — *{md_cell(r.reason)}*" for r in article.removed]
        lines += ["", "</details>"]
    lines += ["", "<details><summary>About this digest</summary>", ""]
    lines += [f"- **{label}:** {md_isolate(value) if label in ('Source file', 'URL') else md_cell(value)}"
              for label, value in head.about]
    lines += ["", "</details>"]
    if head.signature:
        lines += ["", "<sub>Machine translation: check the source before quoting. "
                      f"<code>{md_cell(head.signature)}</code></sub>"]
    if head.licences:
        lines += ["", f"<sub>{md_cell(head.licences)}</sub>"]
    return "\n".join(lines) + "\n"
