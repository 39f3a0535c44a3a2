"""Feeds: the feed list (`feeds.toml`) and RSS 2.0 / Atom / RSS 1.0 documents (feedparser) → entries."""

from __future__ import annotations

import io
import re
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from fetch.errors import FetchError
from core.errors import UsageError


@dataclass(frozen=True)
class FeedSource:
    """A URL to fetch (a feed or an article page), with what the feed list says of it."""

    url: str
    outlet: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Entry:
    url: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD


@dataclass(frozen=True)
class Feed:
    title: str | None
    entries: list[Entry]
    problem: str | None = None  # a malformed feed whose entries feedparser still recovered


def load_feed_list(path: Path) -> list[FeedSource]:
    """The `[[feeds]]` of a TOML feed list (`url`, optional `outlet` and `language`); `UsageError` otherwise."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"--feeds {path}: cannot read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"--feeds {path}: not a TOML file ({exc})") from None
    feeds = data.get("feeds")
    if not isinstance(feeds, list) or not feeds:
        raise UsageError(f"--feeds {path}: no [[feeds]] tables (each with url, optional outlet and language)")
    sources = []
    for number, feed in enumerate(feeds, start=1):
        url = feed.get("url") if isinstance(feed, dict) else None
        if not isinstance(url, str) or not url.strip():
            raise UsageError(f"--feeds {path}: feed {number} has no url")
        extra = {k: feed.get(k) for k in ("outlet", "language")}
        if any(v is not None and not isinstance(v, str) for v in extra.values()):
            raise UsageError(f"--feeds {path}: feed {number}: outlet and language must be strings")
        sources.append(FeedSource(url.strip(), **extra))
    return sources


def _date(entry: dict) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


_FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf")
# What may come before a document's first element: the XML declaration, processing instructions, comments.
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>)", re.S | re.I)


def _starts_like_a_feed(data: bytes) -> bool:
    """Whether the document's first element is a feed's (servers do send RSS as `text/html`)."""
    head = data[:2048].removeprefix(b"\xef\xbb\xbf")
    pos = 0
    while prolog := _PROLOG.match(head, pos):
        pos = prolog.end()
    return head[pos:].lstrip().lower().startswith(_FEED_ROOTS)


def parse_feed(data: bytes, url: str, content_type: str = "") -> Feed | None:
    """The feed in `data`, or None when `data` is no feed (an HTML page, to be read as an article).
    A document served as a feed or as XML that holds no feed is a `FetchError` naming the URL."""
    import feedparser

    if content_type in ("text/html", "application/xhtml+xml") and not _starts_like_a_feed(data):
        return None
    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": url,
                                                                   "content-type": content_type or "text/xml"})
    benign = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    problem = parsed.get("bozo_exception") if parsed.bozo else None
    if isinstance(problem, benign):
        problem = None
    if not parsed.version or (problem is not None and not parsed.entries):
        if content_type.endswith(("xml", "rss", "atom")) or _starts_like_a_feed(data):
            raise FetchError(url, f"malformed feed: {problem or 'no RSS or Atom elements'}")
        return None
    entries = [Entry(urljoin(url, e["link"]), e.get("title") or None, _date(e))
               for e in parsed.entries if e.get("link")]
    return Feed(parsed.feed.get("title") or None, entries, f"malformed feed: {problem}" if problem else None)
