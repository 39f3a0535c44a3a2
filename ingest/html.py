"""HTML page → the article's text and the page's metadata.

trafilatura extracts the main text (navigation, sidebars, related lists, comment
forms, footers and scripts left out) and the title, date, site name and author.
When it finds nothing (a tiny page), the text of <article>, <main> or <body>
without its chrome elements is used. The plain-text furniture rules then run on
the result as on any text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from ingest.boilerplate import split_site_suffix
from core.normalize import fold

_CHROME = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button")
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div", "section", "br", "tr")


# Library code never prints: trafilatura logs "discarding data" warnings for pages it gives up on.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
# libxml2 reads at most about this many nested elements, even with `huge_tree`.
MAX_PARSED_DEPTH = 2000
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^<>]*?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def nesting_depth(html: str) -> int:
    """How deep the page's elements nest (void and self-closed elements not counted), by one scan."""
    depth = deepest = 0
    for closing, tag, self_closed in _TAG.findall(html):
        if tag.lower() in _VOID or self_closed:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


@dataclass
class HtmlArticle:
    text: str
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None


def _parse(html: str) -> Any:
    """The page as an lxml tree, or None. `huge_tree`: libxml2 otherwise gives up on pages nested deeper
    than 255 elements (real CMS templates nest that deep) and returns an empty document."""
    import lxml.html

    try:
        return lxml.html.fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except Exception:  # noqa: BLE001 - lxml raises several types for broken markup
        return None


def _fallback_text(html: str) -> str:
    import lxml.etree

    root = _parse(html)
    if root is None:
        return ""
    outside_chrome = "[not(ancestor::*[" + " or ".join(f"self::{tag}" for tag in _CHROME) + "])]"
    container = next(
        (found[0] for tag in ("article", "main", "body") if (found := root.xpath(f"//{tag}{outside_chrome}"))), root
    )
    # The text is gathered, never written back into the tree: lxml parses control characters
    # (`<br>\x08`) that it then refuses to set as an element's text or tail.
    parts: list[str] = []
    walk = lxml.etree.iterwalk(container, events=("start", "end", "comment", "pi"))
    for event, element in walk:
        if element.tag in _BLOCKS:
            parts.append("\n")
        if event == "start" and element.tag in _CHROME:
            walk.skip_subtree()
        elif event == "start":
            parts.append(element.text or "")
        elif element is not container:  # the end of an element, or a comment: only its tail is text
            parts.append(element.tail or "")
    return "\n".join(line.strip() for line in "".join(parts).splitlines() if line.strip())


def extract_html(html: str) -> HtmlArticle:
    """The main text of an HTML page, one paragraph a line, with its metadata."""
    import trafilatura

    tree = _parse(html)
    document = trafilatura.bare_extraction(
        html if tree is None else tree,
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
