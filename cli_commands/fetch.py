"""`mtdigest fetch`: outlets' feeds and pages into an archive; and web pages as inputs of every command."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from cli_commands.common import reports_errors, say, stderr, usage_error
from cli_commands.options import QuietOpt

if TYPE_CHECKING:
    from fetch import FetchReport, PoliteClient

FeedsOpt = Annotated[Optional[Path], typer.Option(
    "--feeds", help="TOML feed list: [[feeds]] with url, optional outlet and language (see feeds.example.toml).")]
MaxPerFeedOpt = Annotated[Optional[int], typer.Option(
    "--max-per-feed", min=1, help="Only the first N entries of each feed (feeds list the newest first).")]
DelayOpt = Annotated[float, typer.Option(
    "--delay", min=0.0, help="Seconds between two requests to one host (longer when its robots.txt asks).")]


def check_date(value: str | None, option: str) -> None:
    if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        usage_error(f"{option} {value!r} is not a YYYY-MM-DD date")


@contextlib.contextmanager
def reading_urls() -> Iterator[None]:
    """While a command runs, its `http://`/`https://` inputs are fetched (one polite client for all of them)
    and read as pages or feeds; ingestion itself never goes to the network."""
    from ingest.readers import url_reader

    clients: list[PoliteClient] = []  # made on the first URL: a command over files never loads the HTTP client

    def read(url: str) -> Iterator[Any]:
        from fetch import ClientSettings, PoliteClient, read_url

        if not clients:
            clients.append(PoliteClient(ClientSettings()))
        return read_url(url, clients[0])

    token = url_reader.set(read)
    try:
        yield
    finally:
        url_reader.reset(token)
        for client in clients:
            client.close()


def fetch_sources(urls: list[str], feeds: Path | None, archive: Path, since: str | None,
                  max_per_feed: int | None, delay: float, **client: Any) -> FetchReport:
    """Fetch the URLs and the feed list into `archive` (`fetch` and `brief --feeds`); `client`: more
    `ClientSettings` (timeouts, retries)."""
    from fetch import ClientSettings, FeedSource, FetchSettings, fetch_archive, load_feed_list

    check_date(since, "--since")
    sources = [FeedSource(url) for url in urls] + (load_feed_list(feeds) if feeds else [])
    if not sources:
        usage_error("nothing to fetch: give feed or page URLs, or --feeds FILE")
    settings = FetchSettings(since=since, max_per_feed=max_per_feed, client=ClientSettings(delay=delay, **client))
    return fetch_archive(archive, sources, settings)


def tell_fetched(report: FetchReport, archive: Path, quiet: bool) -> None:
    """The duplicates, then (unless quiet) one line of what the run did; failures are the caller's to print."""
    for line in report.duplicates:
        say(f"duplicate: {line}")
    if not quiet:
        say(f"fetched {len(report.stored)} new article(s) into {archive}; {report.seen} already there, "
            f"{len(report.duplicates)} duplicate(s), {report.older} older than --since, "
            f"{len(report.unchanged)} feed(s) unchanged; {len(report.failed)} failed")


@reports_errors
def fetch(
    urls: Annotated[Optional[list[str]], typer.Argument(metavar="URL...", help="Feeds (RSS, Atom) or article pages.")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="The archive: <id>.json, raw/, and its fetch state.")] = ...,  # type: ignore[assignment]
    feeds: FeedsOpt = None,
    since: Annotated[Optional[str], typer.Option(help="Leave out feed entries published before YYYY-MM-DD.")] = None,
    max_per_feed: MaxPerFeedOpt = None,
    delay: DelayOpt = 1.0,
    timeout: Annotated[float, typer.Option(min=0.01, help="Seconds to wait for a server's answer (and for each "
                                           "part of it) before giving up.")] = 30.0,
    retries: Annotated[int, typer.Option(min=0, help="Retries after a 429 or 5xx answer, a timeout or a dropped "
                                         "connection (waiting as Retry-After says, else 1, 2, 4 s).")] = 3,
    quiet: QuietOpt = False,
) -> None:
    """Fetch what is new in outlets' feeds (and pages) into an archive that `mtdigest brief ARCHIVE` reads."""
    report = fetch_sources(urls or [], feeds, output, since, max_per_feed, delay, read_timeout=timeout,
                           connect_timeout=min(timeout, 10.0), retries=retries)
    for error in report.failed:
        stderr.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
    tell_fetched(report, output, quiet)
    if report.failed:
        raise typer.Exit(1)
