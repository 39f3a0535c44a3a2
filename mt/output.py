"""Write translated articles as JSON (the data model), Markdown sentence pairs or plain English text.

Files are written to a temporary name and renamed, so an interrupted run never
leaves a half-written output behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from mt.article import Article

FORMATS = ("json", "md", "txt")


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so readers see either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def render_translation(article: Article, fmt: str) -> str:
    """The article's translation in one of FORMATS."""
    if fmt == "json":
        return json.dumps(article.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "txt":
        paragraphs = [" ".join(s.english or "" for s in p.sentences).strip() for p in article.paragraphs]
        return "\n\n".join([article.title.english or "", *paragraphs]).strip() + "\n"
    if fmt == "md":
        return _markdown(article)
    raise ValueError(f"unknown format '{fmt}' (expected one of {', '.join(FORMATS)})")


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, line breaks as <br>."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def _markdown(article: Article) -> str:
    model = article.models.get("translate", {})
    lines = [
        f"# {article.title.english or article.id}",
        "",
        f"*{article.title.source}*",
        "",
        f"- source: `{article.source_path or article.url or article.id}` ({article.language})",
    ]
    if model:
        lines.append(f"- translation: `{model.get('signature', '')}`")
    lines += ["", "| id | English | Source |", "|---|---|---|"]
    for sentence in article.sentences():
        flags = "".join(f" ⚠ {f.code}" for f in sentence.flags if f.code not in ("glossary", "split"))
        lines.append(f"| {sentence.id} | {md_cell(sentence.english or '')}{flags} | {md_cell(sentence.source)} |")
    return "\n".join(lines) + "\n"
