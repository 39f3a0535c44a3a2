"""Web pages → articles, through the same decoding clues and HTML extraction as any page; URL inputs."""

from __future__ import annotations

from collections.abc import Iterator

from fetch.client import PAGE_TYPES, PoliteClient, Response
from fetch.feeds import parse_feed
from fetch.urls import article_id_for
from ingest.decoding import decode_page
from ingest.readers import from_html, given_language
from core.article import Article
from core.errors import InputError


def page_article(response: Response, article_id: str | None = None, outlet: str | None = None,
                 published: str | None = None, feed_title: str | None = None) -> Article:
    """The article of a fetched page, decoded from the header's charset, the meta tag or detection; `url` is
    where the page came from. `outlet` (the feed list's) and `published` (the feed entry's) win over the
    page's own; the feed's title names the outlet only when nothing else does."""
    text, _ = decode_page(response.content, response.url, response.charset)
    article = from_html(text, source_path=response.url, article_id=article_id or article_id_for(response.url),
                        url=response.url, outlet=outlet, published=published, language=given_language.get())
    article.outlet = article.outlet or feed_title
    return article


def read_url(url: str, client: PoliteClient) -> Iterator[Article | InputError]:
    """A URL input of any command: the article of a page, or the article of every entry of a feed."""
    try:
        response = client.get(url)
        feed = parse_feed(response.content, response.url, response.content_type)
    except InputError as error:
        yield error
        return
    if feed is None:
        try:
            yield page_article(response)
        except InputError as error:
            yield error
        return
    if feed.problem:
        yield InputError(url, feed.problem)
    for entry in feed.entries:
        try:
            yield page_article(client.get(entry.url, accept=PAGE_TYPES), published=entry.published,
                               feed_title=feed.title)
        except InputError as error:
            yield error
