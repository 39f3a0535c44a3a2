"""Render one article as a self-contained, side-by-side bilingual HTML digest.

Inline CSS only (works offline, fetches nothing), table semantics so every English
sentence sits beside its source, `dir="rtl"` and `lang` on the source side, ids as
anchors so a reader can cite `p3.s2`, two columns kept on A4 and stacked on phones.
"""

from __future__ import annotations

from mt.output import escape_html as escape

from digest.meta import Header, header_of
from mt.article import Article, Flag, Summary

CSS = """
:root { color-scheme: light; --line: #d8dbe0; --muted: #5b6270; --flag: #9a3412; --flagbg: #fff4e5; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 80rem; padding: 1.5rem; font: 16px/1.55 system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; color: #1c1f24; background: #fff; }
[dir="rtl"], .src { font-family: "Vazirmatn", "Noto Naskh Arabic", "Noto Sans Arabic", "Geeza Pro", "Tahoma",
  "Segoe UI", "Arial", sans-serif; line-height: 1.9; }
header h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
header .source-title { font-size: 1.3rem; margin: 0 0 .75rem; color: #333; font-weight: 600; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem;
  font-size: .9rem; color: var(--muted); }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
section { margin: 1.5rem 0; }
h2 { font-size: 1.2rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.summary li { margin: .35rem 0; }
.support { font-size: .85rem; color: var(--muted); }
.support blockquote { margin: .2rem 0 .4rem; padding: 0 .75rem; border-inline-start: 3px solid var(--line); }
table.pairs { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.pairs th { text-align: start; font-size: .85rem; color: var(--muted); border-bottom: 2px solid var(--line); }
table.pairs col.id { width: 4.5rem; }
table.pairs td, table.pairs th { vertical-align: top; padding: .35rem .6rem; }
table.pairs tbody + tbody tr:first-child td { border-top: 1px solid var(--line); padding-top: .8rem; }
td.sid a { font: .75rem ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--muted);
  text-decoration: none; }
tr:target { background: #fffbd6; }
tr:hover td.sid a { text-decoration: underline; }
td.src { text-align: right; }
body, td, h1 { overflow-wrap: anywhere; }
.flag { display: inline-block; margin: .15rem .25rem 0 0; padding: 0 .4rem; border-radius: .6rem;
  font-size: .72rem; color: var(--flag); background: var(--flagbg); border: 1px solid #f5c89a; }
details.removed { font-size: .85rem; color: var(--muted); }
details.removed li { margin: .1rem 0; }
footer { font-size: .8rem; color: var(--muted); border-top: 1px solid var(--line); padding-top: .5rem; }
@media (max-width: 40rem) {
  body { padding: .75rem; }
  table.pairs, table.pairs tbody, table.pairs tr, table.pairs td { display: block; width: 100%; }
  table.pairs thead, table.pairs colgroup { display: none; }
  table.pairs tr { padding: .4rem 0; border-bottom: 1px solid var(--line); }
  td.sid { padding-bottom: 0; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  table.pairs tr { break-inside: avoid; }
  tr:target { background: none; }
  details.removed { display: none; }
}
"""


def render_html(article: Article) -> str:
    """The complete HTML document of one article's digest."""
    head = header_of(article)
    lang = article.language or "und"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(head.english_title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        _header(article, head, lang),
        _summary(article.summary, article, lang),
        _pairs(article, lang),
        _removed(article),
        f'<footer><p>Machine translation: check the source before quoting. {escape(head.signature)}</p>'
        + (f"<p>{escape(head.licences)}</p>" if head.licences else "") + "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _header(article: Article, head: Header, lang: str) -> str:
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in head.fields)
    source_title = (
        f'<p class="source-title src" lang="{escape(lang)}" dir="rtl">{escape(article.title.source)}</p>'
        if article.title.source and article.language != "en" else ""
    )
    return f"<header><h1>{escape(head.english_title)}</h1>{source_title}<dl class=\"meta\">{rows}</dl></header>"


def _summary(summary: Summary | None, article: Article, lang: str) -> str:
    if summary is None or not summary.sentences:
        return ""
    by_id = {s.id: s for s in article.sentences()}
    items = []
    for sentence in summary.sentences:
        support = "".join(
            f'<blockquote class="src" lang="{escape(lang)}" dir="rtl"><a href="#{escape(sid)}">{escape(sid)}</a> '
            f"{escape(by_id[sid].source)}</blockquote>"
            for sid in sentence.support if sid in by_id
        )
        support_block = f'<div class="support">{support}</div>' if support and article.language != "en" else ""
        items.append(f"<li>{escape(sentence.english)}{_flags(sentence.flags)}{support_block}</li>")
    back = (
        f'<p class="src" lang="{escape(lang)}" dir="rtl">{escape(summary.back_translation)}</p>'
        if summary.back_translation else ""
    )
    return (
        f'<section class="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary '
        f'<small>({escape(summary.method)})</small></h2><ol>{"".join(items)}</ol>{back}</section>'
    )


def _pairs(article: Article, lang: str) -> str:
    source_dir = "ltr" if article.language == "en" else "rtl"
    bodies = []
    for paragraph in article.paragraphs:
        rows = []
        for s in paragraph.sentences:
            s_lang = s.language or lang
            rows.append(
                f'<tr id="{escape(s.id)}"><td class="sid"><a href="#{escape(s.id)}" title="cite as {escape(s.id)}">'
                f"{escape(s.id)}</a></td>"
                # The English sits in its own isolate: an unterminated bidi override in it (text pasted into
                # `compare`) cannot reorder the flag chips and digits after it.
                f'<td class="en" lang="en"><span dir="ltr">{escape(s.english or "")}</span>{_flags(s.flags)}</td>'
                f'<td class="src" lang="{escape(s_lang)}" dir="{source_dir}">{escape(s.source)}</td></tr>'
            )
        bodies.append(f'<tbody id="{escape(paragraph.id)}">{"".join(rows)}</tbody>')
    return (
        '<section aria-labelledby="text-h"><h2 id="text-h">Full text, sentence by sentence</h2>'
        '<table class="pairs"><colgroup><col class="id"><col class="en"><col class="src"></colgroup>'
        '<thead><tr><th scope="col">id</th><th scope="col">English</th>'
        f'<th scope="col">Source ({escape(lang)})</th></tr></thead>{"".join(bodies)}</table></section>'
    )


def _flags(flags: list[Flag]) -> str:
    return "".join(
        f'<span class="flag" title="{escape(f.detail)}">{escape(f.code.replace("_", " "))}</span>' for f in flags
    )


def _removed(article: Article) -> str:
    if not article.removed:
        return ""
    items = "".join(
        f'<li><span dir="auto">{escape(r.text)}</span> — <em>{escape(r.reason)}</em></li>' for r in article.removed
    )
    return (
        f'<section><details class="removed"><summary>Removed page furniture ({len(article.removed)} lines)</summary>'
        f"<ul>{items}</ul></details></section>"
    )
