"""robots.txt, read once per site and obeyed (the standard library's parser, RFC 9309's rules for errors).

No robots.txt (a 4xx answer) allows everything; a robots.txt that cannot be read (a 5xx answer, no connection,
a timeout) forbids everything for this run, as RFC 9309 asks, since the site may be down or overloaded.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from fetch.errors import FetchError

# The longest Crawl-delay honoured (seconds): a site asking for more is still asked once a minute at most.
MAX_CRAWL_DELAY = 60.0


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class Robots:
    """Whether this client may fetch a URL; `read(url) -> (status, text)` gets a robots.txt."""

    def __init__(self, agent: str, read: Callable[[str], tuple[int, str]]) -> None:
        """`read(url)`: (status, text) of a robots.txt, or (the HTTP status or 0, why it could not be fetched)."""
        self.agent = agent
        self._read = read
        self._sites: dict[str, RobotFileParser | None | str] = {}

    def _rules(self, url: str) -> RobotFileParser | None | str:
        """The parsed robots.txt of the URL's site; None when it has none (all allowed); why it could not be
        read (all forbidden)."""
        origin = _origin(url)
        if origin not in self._sites:
            status, text = self._read(f"{origin}/robots.txt")
            if 200 <= status < 300:
                parser = RobotFileParser()
                parser.parse(text.splitlines())
                self._sites[origin] = parser
            else:
                self._sites[origin] = None if 400 <= status < 500 else text or f"HTTP {status}"
        return self._sites[origin]

    def check(self, url: str) -> None:
        """Nothing when `url` may be fetched; a `FetchError` naming it and the rule otherwise."""
        rules = self._rules(url)
        if rules is None:
            return
        origin = _origin(url)
        if isinstance(rules, str):
            raise FetchError(url, f"{origin}/robots.txt could not be read ({rules}): nothing on that site is "
                                  "fetched this run (RFC 9309)")
        if not rules.can_fetch(self.agent, url):
            raise FetchError(url, f"{origin}/robots.txt forbids fetching this path: not fetched")

    def crawl_delay(self, url: str) -> float:
        """The Crawl-delay the site asks of us (0 when none, or robots.txt not read yet)."""
        rules = self._sites.get(_origin(url))
        if not isinstance(rules, RobotFileParser):
            return 0.0
        delay = rules.crawl_delay(self.agent)
        return min(float(delay), MAX_CRAWL_DELAY) if delay else 0.0
