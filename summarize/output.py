"""Render summarized articles: JSON (the article object with `summary`) or a bilingual Markdown summary."""

from __future__ import annotations

import json

from core.article import Article
from core.output import md_cell

FORMATS = ("json", "md")


def render_summary(article: Article, fmt: str) -> str:
    """The summarized article in one of FORMATS."""
    if fmt == "json":
        return json.dumps(article.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return _markdown(article)
    raise ValueError(f"unknown format '{fmt}' (expected one of {', '.join(FORMATS)})")


def _markdown(article: Article) -> str:
    """Each summary sentence beside its supporting sentences, in English and as written in the source."""
    summary = article.summary
    by_id = {s.id: s for s in article.sentences()}
    lines = [f"# {article.title.english or article.title.source or article.id}", ""]
    if article.title.source and article.title.source != article.title.english:
        lines += [f"*{article.title.source}*", ""]
    lines.append(f"- source: `{article.source_path or article.url or article.id}` ({article.language})")
    if article.published:
        lines.append(f"- published: {article.published}")
    for stage in ("translate", "summarize"):
        signature = article.models.get(stage, {}).get("signature")
        if signature:
            lines.append(f"- {stage}: `{signature}`")
    if summary is None or not summary.sentences:
        return "\n".join([*lines, "", "*No summary: the article has no English text.*"]) + "\n"
    lines += ["", f"## Summary ({summary.method})", ""]
    lines += [f"{n}. {s.english}" + "".join(f" ⚠ {f.code}: {f.detail}" for f in s.flags)
              for n, s in enumerate(summary.sentences, start=1)]
    bilingual = article.language != "en"
    header = "| # | summary | support | English | source |" if bilingual else "| # | summary | support | sentence |"
    lines += ["", "## Sources", "", header, "|" + "---|" * (header.count("|") - 1)]
    for n, s in enumerate(summary.sentences, start=1):
        found = [by_id[i] for i in s.support if i in by_id]
        ids = "<br>".join(x.id for x in found) or "—"
        english = "<br>".join(md_cell(x.english or x.source) for x in found) or "—"
        row = [str(n), md_cell(s.english), ids, english]
        if bilingual:
            row.append("<br>".join(md_cell(x.source) for x in found) or "—")
        lines.append("| " + " | ".join(row) + " |")
    if summary.back_translation:
        lines += ["", f"## Back-translation ({article.language})", "", summary.back_translation]
    return "\n".join(lines) + "\n"
