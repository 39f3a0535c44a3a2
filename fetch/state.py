"""What an archive has already fetched: `ARCHIVE/.mtdigest-fetch.sqlite`.

`urls`: every canonical URL met, with the article it gave (stored, the duplicate of another, or rejected for
good: no article, another language), so it is never downloaded again. `contents`: the text hash of every
stored article, so the same article under two URLs or in two feeds is stored once. `feeds`: each feed's ETag
and Last-Modified, sent back as a conditional request.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from core.errors import OutputError

STATE_NAME = ".mtdigest-fetch.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (url TEXT PRIMARY KEY, article_id TEXT, status TEXT NOT NULL, seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contents (hash TEXT PRIMARY KEY, article_id TEXT NOT NULL, url TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feeds (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, checked TEXT NOT NULL);
"""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class FetchState:
    """The archive's memory; every change is committed at once, so an interrupted run keeps what it stored."""

    def __init__(self, archive: Path) -> None:
        self.path = archive / STATE_NAME
        try:
            archive.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"{self.path}: cannot use the fetch state ({exc}); move it aside to start afresh") from None

    def close(self) -> None:
        self._db.close()

    def status(self, url: str) -> tuple[str, str | None] | None:
        """(status, article id) of a canonical URL met before, or None."""
        row = self._db.execute("SELECT status, article_id FROM urls WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else None

    def same_content(self, digest: str) -> tuple[str, str] | None:
        """(article id, URL) of the stored article with this text hash, or None."""
        row = self._db.execute("SELECT article_id, url FROM contents WHERE hash = ?", (digest,)).fetchone()
        return (row[0], row[1]) if row else None

    def stored_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT article_id FROM contents")}

    def remember(self, urls: list[str], status: str, article_id: str | None = None, digest: str | None = None) -> None:
        """Record canonical URLs as met (`stored`, `duplicate` or `rejected`), and a stored article's hash."""
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO urls VALUES (?, ?, ?, ?)",
                                 [(url, article_id, status, _now()) for url in dict.fromkeys(urls)])
            if digest is not None and article_id is not None:
                self._db.execute("INSERT OR REPLACE INTO contents VALUES (?, ?, ?)", (digest, article_id, urls[0]))

    def validators(self, feed_url: str) -> dict[str, str]:
        """The conditional-request headers for a feed fetched before."""
        row = self._db.execute("SELECT etag, last_modified FROM feeds WHERE url = ?", (feed_url,)).fetchone()
        headers = {}
        if row and row[0]:
            headers["If-None-Match"] = row[0]
        if row and row[1]:
            headers["If-Modified-Since"] = row[1]
        return headers

    def feed_read(self, feed_url: str, etag: str | None, last_modified: str | None) -> None:
        """A feed whose every entry was dealt with: its validators, for the next run's conditional request."""
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO feeds VALUES (?, ?, ?, ?)", (feed_url, etag, last_modified, _now()))
