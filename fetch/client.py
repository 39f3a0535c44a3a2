"""One polite, safe HTTP client for every request mtdigest makes to an outlet.

Polite: at most one request per host every `delay` seconds (longer when robots.txt asks for a Crawl-delay),
robots.txt obeyed, retries with back-off on 429 and 5xx answers (honouring `Retry-After`), a User-Agent that
names mtdigest and its version. Safe: only http and https (no `file:`, no redirect to another scheme), at
most 5 redirects and no loops, connect and read timeouts, bodies over 10 MB refused (before they are read
whole), and a content-type check, so a picture or an archive is never taken for a page.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from fetch.errors import FetchError
from fetch.robots import Robots

PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRIED = frozenset({429, 500, 502, 503, 504})


def user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("mtdigest")
    except PackageNotFoundError:  # run from a checkout that was never installed
        release = "0+unknown"
    return f"mtdigest/{release} (+https://pypi.org/project/mtdigest/; news digests for analysts)"


@dataclass(frozen=True)
class ClientSettings:
    """How politely and how patiently to fetch (the defaults are the command line's)."""

    delay: float = 1.0  # seconds between two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # for the answer to start, and between two parts of it
    total_timeout: float = 120.0  # for the whole body: a server dripping bytes is not waited on forever
    retries: int = 3  # extra attempts after a 429, a 5xx, a timeout or a dropped connection
    backoff: float = 1.0  # first wait before a retry (doubling), when the server names none
    max_wait: float = 120.0  # the longest Retry-After honoured; a longer one fails the URL
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    agent: str = field(default_factory=user_agent)


@dataclass
class Response:
    url: str  # where the body came from, after redirects
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header declares, if any."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip(" \"'"):
                return value.strip(" \"'")
        return None


def _check_url(url: str, asked: str) -> None:
    """Only http and https URLs with a host are fetched (`asked`: the URL whose redirects led here)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        where = "redirected to" if url != asked else "a"
        raise FetchError(asked, f"{where} {scheme or 'relative'}: URL; only http and https are fetched")
    if not parts.hostname:
        raise FetchError(asked, f"not a valid URL: {url!r} names no host")


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class PoliteClient:
    """`get(url)`: the final answer to one URL, redirects followed and checked, or a `FetchError`."""

    def __init__(self, settings: ClientSettings | None = None) -> None:
        self.settings = settings or ClientSettings()
        s = self.settings
        self._http = httpx.Client(
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            follow_redirects=False,
            headers={"User-Agent": s.agent},
        )
        self._last: dict[str, float] = {}
        self.robots = Robots(s.agent, self._robots_txt)

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get(self, url: str, headers: dict[str, str] | None = None,
            accept: tuple[str, ...] | None = PAGE_TYPES + FEED_TYPES, obey_robots: bool = True) -> Response:
        """The answer to `url` (a 304 too, for conditional `headers`); `accept`: the content types taken."""
        visited = [url]
        current = url
        for _ in range(self.settings.max_redirects + 1):
            _check_url(current, url)
            if obey_robots:
                self.robots.check(current)
            response = self._request(current, url, headers)
            location = response.headers.get("location")
            if response.status not in REDIRECTS or not location:
                return self._checked(url, response, accept)
            target = urljoin(current, location)
            if target in visited:
                raise FetchError(url, f"redirect loop: {current} sends back to {target}", response.status)
            visited.append(target)
            current = target
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects (last: {current})")

    def _robots_txt(self, url: str) -> tuple[int, str]:
        """(status, text) of a robots.txt; when it could not be fetched, (the HTTP status or 0, why not)."""
        try:
            response = self.get(url, accept=None, obey_robots=False)
        except FetchError as error:
            return error.status or 0, error.problem
        return response.status, response.content.decode("utf-8", "replace")

    def _checked(self, url: str, response: Response, accept: tuple[str, ...] | None) -> Response:
        if response.status == 304:
            return response
        if response.status >= 400 or response.status < 200:
            reason = httpx.codes.get_reason_phrase(response.status)
            raise FetchError(url, f"HTTP {response.status} {reason}".strip(), response.status)
        kind = response.content_type
        if accept is not None and kind and kind not in accept and not (kind.endswith("+xml") and accept != PAGE_TYPES):
            wanted = "a web page" if accept == PAGE_TYPES else "a web page or a feed"
            raise FetchError(url, f"content type {kind}: not {wanted}", response.status)
        return response

    def _wait_turn(self, url: str) -> None:
        """Sleep until this host may be asked again; the turn starts now."""
        host = urlsplit(url).netloc.lower()
        delay = max(self.settings.delay, self.robots.crawl_delay(url))
        last = self._last.get(host)
        if last is not None:
            time.sleep(max(0.0, last + delay - time.monotonic()))
        self._last[host] = time.monotonic()

    def _request(self, url: str, asked: str, headers: dict[str, str] | None) -> Response:
        """One URL, retried on 429/5xx answers, timeouts and dropped connections."""
        s = self.settings
        for attempt in range(s.retries + 1):
            last = attempt == s.retries
            self._wait_turn(url)
            try:
                with self._http.stream("GET", url, headers=headers) as answer:
                    if answer.status_code in RETRIED and not last:
                        wait = _retry_after(answer.headers.get("retry-after"))
                        if wait is not None and wait > s.max_wait:
                            raise FetchError(asked, f"HTTP {answer.status_code}, retry after {wait:.0f} s: "
                                                    f"longer than {s.max_wait:g} s", answer.status_code)
                        time.sleep(s.backoff * 2**attempt if wait is None else wait)
                        continue
                    body = b"" if answer.status_code in REDIRECTS | {304} else self._body(asked, answer)
                    return Response(str(answer.url), answer.status_code, answer.headers, body)
            except httpx.InvalidURL as exc:
                raise FetchError(asked, f"not a valid URL ({exc})") from None
            except httpx.TimeoutException:
                if last:
                    raise FetchError(asked, f"timed out (connect {s.connect_timeout:g} s, read "
                                            f"{s.read_timeout:g} s) after {attempt + 1} attempt(s)") from None
            except httpx.TransportError as exc:
                if last:
                    raise FetchError(asked, f"cannot connect ({exc or type(exc).__name__})") from None
            time.sleep(s.backoff * 2**attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _body(self, url: str, answer: Any) -> bytes:
        """The body, refused once it passes the size cap (the declared length is checked first)."""
        cap = self.settings.max_bytes
        refused = f"larger than the {cap / 1e6:g} MB limit: refused"
        declared = answer.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(url, f"{refused} (Content-Length {declared})", answer.status_code)
        chunks, size = [], 0
        deadline = time.monotonic() + self.settings.total_timeout
        for chunk in answer.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise FetchError(url, refused, answer.status_code)
            if time.monotonic() > deadline:
                raise FetchError(url, f"still sending after {self.settings.total_timeout:g} s: given up",
                                 answer.status_code)
            chunks.append(chunk)
        return b"".join(chunks)
