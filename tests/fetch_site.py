"""A news site on 127.0.0.1 for the fetch tests: pages and feeds made from the seeds, a robots.txt, and
endpoints that misbehave; it logs every request it receives (time, path, headers) so tests can assert
from the server's side what the client did."""

from __future__ import annotations

import contextlib
import html
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from ingest.readers import read_path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ROBOTS = "User-agent: *\nDisallow: /private/\n"
PERSIAN, ARABIC = ("000", "002", "003"), ("001", "004")
DELAY = 0.2  # seconds between two requests to the site in the tests: small, so they stay fast
# A body given as a list of parts is sent part by part, DRIP seconds apart (a server that dribbles).
Answer = tuple[int, dict[str, str], "bytes | list[bytes]"]
DRIP = 0.2


@dataclass
class Request:
    at: float
    path: str
    headers: dict[str, str]


@dataclass
class Site:
    """Routes (path → fixed answer or a function of the request headers) and the request log."""

    routes: dict[str, Callable[[dict[str, str]], Answer]] = field(default_factory=dict)
    log: list[Request] = field(default_factory=list)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8",
            status: int = 200, headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = lambda _: (status, {"Content-Type": content_type, **(headers or {})}, data)

    def add_feed(self, path: str, body: str, content_type: str, etag: str, hour: int = 12) -> None:
        """A feed (last modified on 2024-03-18 at `hour`) that answers 304 to a request carrying its ETag or
        its Last-Modified date."""
        modified = format_datetime(datetime(2024, 3, 18, hour, tzinfo=timezone.utc), usegmt=True)

        def answer(headers: dict[str, str]) -> Answer:
            if headers.get("if-none-match") == etag or headers.get("if-modified-since") == modified:
                return 304, {"ETag": etag}, b""
            return 200, {"Content-Type": content_type, "ETag": etag, "Last-Modified": modified}, body.encode()

        self.routes[path] = answer

    def requests(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]


@pytest.fixture(autouse=True)
def straight_to_the_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the environment between the client and the local site (import this into a test module)."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def serve(site: Site) -> contextlib.AbstractContextManager[Site]:
    """Run `site` on a free port of 127.0.0.1 in a thread, for the `with` block."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            headers = {k.lower(): v for k, v in self.headers.items()}
            site.log.append(Request(time.monotonic(), self.path, headers))
            route = site.routes.get(self.path)
            status, extra, body = route(headers) if route else (404, {"Content-Type": "text/plain"}, b"not found")
            try:
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                parts = body if isinstance(body, list) else [body]
                self.send_header("Content-Length", str(sum(map(len, parts))))
                self.end_headers()
                for number, part in enumerate(parts):
                    if number:
                        self.wfile.flush()
                        time.sleep(DRIP)
                    self.wfile.write(part)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, *args: object) -> None:
            pass

    @contextlib.contextmanager
    def running() -> Iterator[Site]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        site.base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield site
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    return running()


def seed_page(seed: Path, encoding: str = "utf-8", meta: bool = True) -> bytes:
    """A seed article as a plain news page: its first line the title and heading, each other line a paragraph."""
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    title = html.escape(lines[0])
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
    charset = f'<meta charset="{encoding}">' if meta else ""
    page = (f"<!doctype html><html><head>{charset}<title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>\n{body}\n</article></body></html>")
    return page.encode(encoding)


def rss(title: str, items: list[tuple[str, str, str | None]]) -> str:
    """An RSS 2.0 feed of (title, link, YYYY-MM-DD or None) items."""
    def item(name: str, link: str, day: str | None) -> str:
        date = f"<pubDate>{_http_date(day)}</pubDate>" if day else ""
        return f"<item><title>{html.escape(name)}</title><link>{html.escape(link)}</link>{date}</item>"

    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{html.escape(title)}</title><link>http://127.0.0.1/</link><description>seeds</description>"
            + "".join(item(*i) for i in items) + "</channel></rss>")


def atom(title: str, entries: list[tuple[str, str, str | None]]) -> str:
    """An Atom 1.0 feed of (title, link, YYYY-MM-DD or None) entries."""
    def entry(number: int, name: str, link: str, day: str | None) -> str:
        date = f"<updated>{day}T10:00:00Z</updated>" if day else ""
        return (f"<entry><id>urn:seed:{number}</id><title>{html.escape(name)}</title>"
                f'<link rel="alternate" href="{html.escape(link)}"/>{date}</entry>')

    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{html.escape(title)}</title><id>urn:seeds</id><updated>2024-03-18T12:00:00Z</updated>"
            + "".join(entry(n, *e) for n, e in enumerate(entries)) + "</feed>")


def _http_date(day: str) -> str:
    return format_datetime(datetime.fromisoformat(day).replace(hour=10, tzinfo=timezone.utc), usegmt=True)


def seed(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def published(prefix: str) -> str | None:
    (article,) = read_path(seed(prefix))
    return article.published  # type: ignore[union-attr]


def page_path(prefix: str) -> str:
    return f"/news/{seed(prefix).stem}.html"


def persian_feed(prefixes: tuple[str, ...]) -> str:
    return rss("Persian seeds", [(seed(p).stem, page_path(p), published(p)) for p in prefixes])


def build_site(persian: tuple[str, ...] = PERSIAN) -> Site:
    """Robots.txt, the seeds as pages (004 in Windows-1256, declared only in the HTTP header), a Persian RSS
    feed (of the `persian` seeds) and an Arabic Atom feed of them."""
    site = Site()
    site.add("/robots.txt", ROBOTS, "text/plain")
    for prefix in PERSIAN + ("001",):
        site.add(page_path(prefix), seed_page(seed(prefix)))
    site.add(page_path("004"), seed_page(seed("004"), "windows-1256", meta=False), "text/html; charset=windows-1256")
    site.add_feed("/fa/rss.xml", persian_feed(persian), "application/rss+xml", '"fa-1"')
    site.add_feed("/ar/atom.xml", atom("Arabic seeds", [
        (seed(p).stem, page_path(p), published(p)) for p in ARABIC]), "application/atom+xml", '"ar-1"')
    return site


@pytest.fixture()
def site() -> Iterator[Site]:
    with serve(build_site()) as running:
        yield running


def feed_list(site: Site, path: Path) -> Path:
    """The site's two feeds as a feed list: the Persian one names its outlet, both declare their language."""
    path.write_text(f'[[feeds]]\nurl = "{site.url("/fa/rss.xml")}"\noutlet = "Persian seeds"\nlanguage = "fa"\n\n'
                    f'[[feeds]]\nurl = "{site.url("/ar/atom.xml")}"\nlanguage = "ar"\n', encoding="utf-8")
    return path


def run_fetch(*args: str) -> tuple[int, str]:
    """`mtdigest fetch ARGS` with a small per-host delay and short timeouts: (exit code, output)."""
    result = CliRunner().invoke(app, ["fetch", *args, "--delay", str(DELAY), "--timeout", "0.5", "--retries", "1"])
    return result.exit_code, result.output
