"""One entry point for every output format of an article."""

from __future__ import annotations

import json

from digest.html import render_html
from digest.markdown import render_markdown
from core.article import Article

FORMATS = ("html", "md", "json", "txt")


def render_text(article: Article) -> str:
    """Plain English: title, then one paragraph per source paragraph."""
    paragraphs = [" ".join(s.english or "" for s in p.sentences).strip() for p in article.paragraphs]
    return "\n\n".join([article.title.english or "", *paragraphs]).strip() + "\n"


def render_json(article: Article) -> str:
    """The article object of the data model (`schema_version` 1)."""
    return json.dumps(article.to_dict(), ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"html": render_html, "md": render_markdown, "json": render_json, "txt": render_text}


def render(article: Article, fmt: str) -> str:
    """The article in one of FORMATS."""
    try:
        return RENDERERS[fmt](article)
    except KeyError:
        raise ValueError(f"unknown format '{fmt}' (expected one of {', '.join(FORMATS)})") from None
