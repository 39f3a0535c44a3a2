"""HTML page → the article's text and the page's metadata.

trafilatura extracts the main text (navigation, sidebars, related lists, comment
forms, footers and scripts left out) and the title, date, site name and author.
When it finds nothing (a tiny page), the text of <article>, <main> or <body>
without its chrome elements is used. The plain-text furniture rules then run on
the result as on any text.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.boilerplate import split_site_suffix
from ingest.normalize import fold

_CHROME = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button")
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div", "section", "br", "tr")


@dataclass
class HtmlArticle:
    text: str
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None


def _fallback_text(html: str) -> str:
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - lxml raises several types for broken markup
        return ""
    for element in root.xpath("|".join(f"//{tag}" for tag in _CHROME)):
        element.drop_tree()
    container = (root.xpath("//article") or root.xpath("//main") or root.xpath("//body") or [root])[0]
    for element in container.iter(*_BLOCKS):
        element.tail = ("\n" + element.tail) if element.tail else "\n"
    text = container.text_content()
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def extract_html(html: str) -> HtmlArticle:
    """The main text of an HTML page, one paragraph a line, with its metadata."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=True,
        favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if not text:
        return HtmlArticle(text=_fallback_text(html))
    title = getattr(document, "title", None)
    sitename = getattr(document, "sitename", None)
    if title and sitename:
        title, _ = split_site_suffix(title, {fold(sitename)})
    return HtmlArticle(
        text=text,
        title=title or None,
        published=getattr(document, "date", None) or None,
        outlet=sitename or None,
        author=getattr(document, "author", None) or None,
        url=getattr(document, "url", None) or None,
    )
