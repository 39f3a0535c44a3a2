"""The index of a digest run: every article written, with links, and every input that failed."""

from __future__ import annotations

from collections.abc import Sequence
from mt.output import escape_html as escape

from digest.html import CSS
from digest.meta import LANGUAGE_NAMES
from mt.article import Article
from mt.errors import MtdigestError
from mt.output import md_cell


def _row_facts(article: Article) -> tuple[str, str, str, str]:
    title = article.title.english or article.title.source or article.id
    language = LANGUAGE_NAMES.get(article.language or "", article.language or "?")
    return title, language, article.published or "", article.outlet or ""


def render_index_markdown(articles: Sequence[Article], formats: Sequence[str], failed: Sequence[MtdigestError]) -> str:
    """`index.md`: one row per digest, then the failures."""
    lines = ["# Digests", "", "| article | title | language | published | outlet | files |", "|---|---|---|---|---|---|"]
    for article in articles:
        title, language, published, outlet = _row_facts(article)
        files = " ".join(f"[{fmt}](./{article.id}.{fmt})" for fmt in formats)  # ./: never read as a URL scheme
        lines.append(f"| {md_cell(article.id)} | {md_cell(title)} | {md_cell(language)} | {md_cell(published)} | "
                     f"{md_cell(outlet)} | {files} |")
    if failed:
        lines += ["", "## Failed inputs", ""] + [f"- {md_cell(str(error))}" for error in failed]
    return "\n".join(lines) + "\n"


def render_index_html(articles: Sequence[Article], formats: Sequence[str], failed: Sequence[MtdigestError]) -> str:
    """`index.html`: the same, self-contained."""
    rows = []
    for article in articles:
        title, language, published, outlet = _row_facts(article)
        main = "html" if "html" in formats else formats[0]
        others = " ".join(f'<a href="./{escape(article.id)}.{fmt}">{fmt}</a>' for fmt in formats)
        rows.append(
            f'<tr><td><a href="./{escape(article.id)}.{main}">{escape(title)}</a></td><td>{escape(language)}</td>'
            f'<td>{escape(published)}</td><td dir="auto">{escape(outlet)}</td><td>{others}</td></tr>'
        )
    failures = "".join(f"<li>{escape(str(error))}</li>" for error in failed)
    failed_block = f"<section><h2>Failed inputs</h2><ul>{failures}</ul></section>" if failures else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Digests</title>'
        f"<style>{CSS} table.index td, table.index th {{ padding: .3rem .6rem; text-align: start; }}</style></head>"
        f'<body><h1>Digests</h1><table class="index"><thead><tr><th scope="col">Title</th><th scope="col">Language</th>'
        f'<th scope="col">Published</th><th scope="col">Outlet</th><th scope="col">Files</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{failed_block}</body></html>\n"
    )
