"""Network acquisition: outlets' feeds and pages → an archive of articles, fetched politely, only what is new.

    from fetch import FeedSource, FetchSettings, fetch_archive
    report = fetch_archive(Path("archive"), [FeedSource("https://example.org/rss")], FetchSettings())

It sits on `ingest` (decoding and HTML extraction are the same as for saved pages); `ingest`, `mt` and
`summarize` never import it: URL inputs reach them through the reader the command line installs.
"""

from fetch.archive import FetchReport, FetchSettings, fetch_archive
from fetch.client import ClientSettings, PoliteClient, Response
from fetch.errors import FetchError
from fetch.feeds import FeedSource, load_feed_list, parse_feed
from fetch.pages import page_article, read_url
from fetch.urls import article_id_for, canonical_url

__all__ = [
    "ClientSettings",
    "FeedSource",
    "FetchError",
    "FetchReport",
    "FetchSettings",
    "PoliteClient",
    "Response",
    "article_id_for",
    "canonical_url",
    "fetch_archive",
    "load_feed_list",
    "page_article",
    "parse_feed",
    "read_url",
]
