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

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ROBOTS = "User-agent: *\nDisallow: /private/\n"
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
