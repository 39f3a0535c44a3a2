"""Feeds and pages → an archive of article JSON, fetching only what the archive has not seen.

`ARCHIVE/<id>.json` is the article object (`schema_version` 1, ingestion done: language, paragraphs, removed
lines, with `url`, `outlet` and `published`), which `mtdigest brief ARCHIVE` reads as it is;
`ARCHIVE/raw/<id>.html` is the page as served. Each article is written atomically and then recorded in the
state, so an interrupted run leaves no half-written file and the next run goes on where it stopped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fetch.client import PAGE_TYPES, ClientSettings, PoliteClient, Response
from fetch.errors import FetchError
from fetch.feeds import Entry, Feed, FeedSource, parse_feed
from fetch.pages import page_article
from fetch.state import FetchState
from fetch.urls import article_id_for, canonical_url
from ingest.langid import LANGUAGE_NAMES
from core.article import Article, fingerprint
from core.errors import InputError, OutputError
from core.output import check_writable, write_atomic


@dataclass(frozen=True)
class FetchSettings:
    since: str | None = None  # YYYY-MM-DD: feed entries published before it are left out
    max_per_feed: int | None = None  # at most the first N entries of each feed
    client: ClientSettings = field(default_factory=ClientSettings)


@dataclass
class FetchReport:
    stored: list[Path] = field(default_factory=list)  # the article JSON written this run
    seen: int = 0  # entries and pages the archive already had: not downloaded
    older: int = 0  # feed entries published before --since
    unchanged: list[str] = field(default_factory=list)  # feeds that answered 304 Not Modified
    duplicates: list[str] = field(default_factory=list)  # one line each: an article already stored
    failed: list[InputError] = field(default_factory=list)


def fetch_archive(archive: Path, sources: Sequence[FeedSource], settings: FetchSettings,
                  client: PoliteClient | None = None) -> FetchReport:
    """Fetch every source (a feed's new entries, or a page) into `archive`; failures are reported, not fatal."""
    check_writable(archive)
    state = FetchState(archive)
    own = client is None
    client = client or PoliteClient(settings.client)
    report = FetchReport()
    try:
        _adopt(archive, state)
        job = _Archiver(archive, state, settings, client, report)
        for source in sources:
            job.source(source)
    finally:
        state.close()
        if own:
            client.close()
    return report


def _adopt(archive: Path, state: FetchState) -> None:
    """Record article JSON that a run killed between writing it and recording it left in the archive."""
    known = state.stored_ids()
    for path in sorted(archive.glob("*.json")):
        if path.stem in known:
            continue
        try:
            article = Article.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not an article of ours
        if article.url:
            state.remember([canonical_url(article.url)], "stored", article.id, fingerprint(article))


@dataclass
class _Archiver:
    archive: Path
    state: FetchState
    settings: FetchSettings
    client: PoliteClient
    report: FetchReport

    def source(self, source: FeedSource) -> None:
        """A feed (its new entries) or an article page named on the command line or in the feed list."""
        key = canonical_url(source.url)
        if self.state.status(key):
            self.report.seen += 1  # a page stored earlier (feeds are never recorded as pages)
            return
        try:
            response = self.client.get(source.url, headers=self.state.validators(key))
            if response.status == 304:
                self.report.unchanged.append(source.url)
                return
            feed = parse_feed(response.content, response.url, response.content_type)
        except InputError as error:
            self.report.failed.append(error)
            return
        if feed is None:
            self._store(response, source.url, source)
            return
        if feed.problem:
            self.report.failed.append(FetchError(source.url, feed.problem))
        done = [self._entry(entry, source, feed) for entry in self._wanted(feed)]
        if all(done) and not feed.problem:
            self.state.feed_read(key, response.headers.get("etag"), response.headers.get("last-modified"))

    def _wanted(self, feed: Feed) -> list[Entry]:
        entries = feed.entries[: self.settings.max_per_feed] if self.settings.max_per_feed else feed.entries
        since = self.settings.since
        recent = [e for e in entries if since is None or e.published is None or e.published >= since]
        self.report.older += len(entries) - len(recent)
        return recent

    def _entry(self, entry: Entry, source: FeedSource, feed: Feed) -> bool:
        """Fetch and store one entry unless it was met before; False when it should be tried again next run."""
        if self.state.status(canonical_url(entry.url)):
            self.report.seen += 1
            return True
        try:
            response = self.client.get(entry.url, accept=PAGE_TYPES)
        except InputError as error:
            self.report.failed.append(error)
            return False
        self._store(response, entry.url, source, entry.published, feed.title)
        return True

    def _store(self, response: Response, asked: str, source: FeedSource, published: str | None = None,
               feed_title: str | None = None) -> None:
        keys = [canonical_url(asked), canonical_url(response.url)]
        if known := self.state.status(keys[1]):  # redirected to a page stored earlier
            self.state.remember(keys, known[0], known[1])
            self.report.seen += 1
            return
        article_id = article_id_for(keys[1])
        try:
            article = page_article(response, article_id, source.outlet, published, feed_title)
            _check_language(article, source)
        except InputError as error:  # no article, another language: for good, never fetched again
            self.state.remember(keys, "rejected")
            self.report.failed.append(type(error)(asked, error.problem))
            return
        digest = fingerprint(article)
        if twin := self.state.same_content(digest):
            self.state.remember(keys, "duplicate", twin[0])
            self.report.duplicates.append(f"{asked}: the same article as {twin[0]} ({twin[1]}); not stored again")
            return
        path = self.archive / f"{article_id}.json"
        try:
            write_atomic(self.archive / "raw" / f"{article_id}.html", response.content)
            write_atomic(path, json.dumps(article.to_dict(), ensure_ascii=False, indent=2) + "\n")
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        self.state.remember(keys, "stored", article_id, digest)
        self.report.stored.append(path)


def _check_language(article: Article, source: FeedSource) -> None:
    declared = source.language
    if declared and article.language != declared:
        name = LANGUAGE_NAMES.get(article.language or "", article.language)
        raise FetchError(article.url or source.url, f"the page is in {name} ({article.language}), the feed list "
                                                    f"declares {LANGUAGE_NAMES.get(declared, declared)} ({declared}): "
                                                    "not archived")
