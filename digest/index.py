"""The index of a digest run: every article written, as a reader scans it, and every input that failed.

Per article: the English title (linking to its digest), the title as written, the outlet in English
and as written, the date, and a one-line summary; a link to the day's brief when there is one.
Cells wrap between words only, so Persian and Arabic words are never cut (their letters would lose
their joins).
"""

from __future__ import annotations

from collections.abc import Sequence

from digest.bidi import english_html, english_md, md_isolate
from digest.html import outlet_html
from digest.styles import page
from digest.markdown import outlet_md
from digest.wording import long_date, shorten
from core.article import Article
from core.errors import MtdigestError
from core.output import escape_html as escape
from core.output import md_cell

ONE_LINE = 160  # characters


def one_line(article: Article) -> str:
    """The article in one line: its first summary sentence, else its first English sentence, cut at a word."""
    if article.summary and article.summary.sentences:
        text = article.summary.sentences[0].english
    else:
        text = next((s.english or "" for s in article.sentences() if s.english), "")
    return shorten(text, ONE_LINE)


def _titles(article: Article) -> tuple[str, str]:
    """(English title, title as written or "")."""
    english_title = article.title.english or (article.title.source if article.language == "en" else "") or article.id
    source_title = article.title.source if article.language != "en" else ""
    return shorten(english_title, ONE_LINE), source_title


def render_index_markdown(articles: Sequence[Article], formats: Sequence[str], failed: Sequence[MtdigestError],
                          brief: str | None = None) -> str:
    """`index.md`: one row per digest, then the failures."""
    lines = ["# Digests", ""] + ([f"[The daily brief](./{md_cell(brief)})", ""] if brief else [])
    lines += ["| title | outlet | date | in one line | files |", "|---|---|---|---|---|"]
    for article in articles:
        english_title, source_title = _titles(article)
        files = " ".join(f"[{fmt}](./{article.id}.{fmt})" for fmt in formats)  # ./: never read as a URL scheme
        title = english_md(english_title) + (f"<br>{md_isolate(source_title)}" if source_title else "")
        lines.append(f"| {title} | {outlet_md(article)} | {md_cell(long_date(article.published) or 'date unknown')} | "
                     f"{english_md(one_line(article))} | {files} |")
    if failed:
        lines += ["", "## Failed inputs", ""] + [f"- {md_cell(str(error))}" for error in failed]
    return "\n".join(lines) + "\n"


def render_index_html(articles: Sequence[Article], formats: Sequence[str], failed: Sequence[MtdigestError],
                      brief: str | None = None) -> str:
    """`index.html`: the same, self-contained."""
    rows = []
    for article in articles:
        english_title, source_title = _titles(article)
        main = "html" if "html" in formats else formats[0]
        others = " ".join(f'<a href="./{escape(article.id)}.{fmt}">{fmt}</a>' for fmt in formats)
        lang = escape(article.language or "und")
        written = (f'<span class="src" lang="{lang}" dir="rtl">{escape(source_title)}</span>'
                   if source_title else "")
        rows.append(
            f'<tr><td dir="ltr"><a href="./{escape(article.id)}.{main}">{english_html(english_title)}</a>'
            f'<br>{written}</td><td dir="ltr">{outlet_html(article)}</td>'
            f'<td dir="ltr">{escape(long_date(article.published) or "date unknown")}</td>'
            f'<td dir="ltr"><span class="one-line">{english_html(one_line(article))}</span></td><td>{others}</td></tr>'
        )
    failures = "".join(f'<li dir="ltr">{english_html(str(error))}</li>' for error in failed)
    failed_block = f'<section><h2 dir="ltr">Failed inputs</h2><ul>{failures}</ul></section>' if failures else ""
    brief_link = f'<p dir="ltr"><a href="./{escape(brief)}">The daily brief</a></p>' if brief else ""
    body = (f'<h1 dir="ltr">Digests</h1>{brief_link}<table class="index" dir="ltr"><thead><tr><th scope="col">Title</th>'
            '<th scope="col">Outlet</th><th scope="col">Date</th><th scope="col">In one line</th>'
            f'<th scope="col">Files</th></tr></thead><tbody>{"".join(rows)}</tbody></table>{failed_block}')
    return page("Digests", body, running="Digests")
