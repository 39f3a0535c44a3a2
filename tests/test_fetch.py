"""`mtdigest fetch` and its client against a local site (tests/fetch_site.py), asserting from the server's log."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jsonschema
import pytest

from fetch import ClientSettings, FeedSource, FetchError, FetchSettings, PoliteClient, fetch_archive, page_article
from fetch.state import STATE_NAME
from ingest.readers import read_path
from tests.fetch_site import (  # noqa: F401 - fixtures: site, straight_to_the_loopback
    DELAY, PERSIAN, SEEDS, Site, build_site, feed_list, page_path, persian_feed, published, rss, run_fetch, seed,
    seed_page, serve, site, straight_to_the_loopback,
)

FAST = ClientSettings(delay=0.0, read_timeout=0.5, connect_timeout=0.5, retries=1, backoff=0.05)
ENGLISH = ("<html><body><article><h1>Syria and Iran sign a new air defence deal</h1><p>The defence ministers of "
           "Syria and Iran signed a new air defence agreement in Damascus on Sunday.</p><p>Officials said the "
           "agreement would be carried out over the next 5 years.</p></article></body></html>")


def article_pages(site: Site) -> list[str]:
    return [r.path for r in site.log if r.path.startswith("/news/")]


# ------------------------------------------------------------------------------------------- the client

def test_robots_txt_forbidden_path_is_never_requested(site: Site) -> None:
    site.add("/private/secret.html", seed_page(seed("000")))
    with PoliteClient(FAST) as client, pytest.raises(FetchError, match="robots.txt forbids") as caught:
        client.get(site.url("/private/secret.html"))
    assert caught.value.path == site.url("/private/secret.html")
    assert [r.path for r in site.log] == ["/robots.txt"]


def test_redirect_loops_and_long_chains_fail_naming_the_url(site: Site) -> None:
    site.add("/loop-a", "", status=302, headers={"Location": "/loop-b"})
    site.add("/loop-b", "", status=302, headers={"Location": "/loop-a"})
    for hop in range(7):
        site.add(f"/hop/{hop}", "", status=301, headers={"Location": f"/hop/{hop + 1}"})
    site.add("/to-file", "", status=302, headers={"Location": "file:///etc/passwd"})
    with PoliteClient(FAST) as client:
        with pytest.raises(FetchError, match="redirect loop"):
            client.get(site.url("/loop-a"))
        with pytest.raises(FetchError, match="more than 5 redirects"):
            client.get(site.url("/hop/0"))
        with pytest.raises(FetchError, match="redirected to file"):
            client.get(site.url("/to-file"))
        with pytest.raises(FetchError, match="only http and https"):
            client.get("file:///etc/passwd")
    assert len(site.requests("/loop-a")) == 1 and len(site.requests("/hop/5")) == 1
    assert not site.requests("/hop/6")  # the sixth redirect is never followed


def test_a_500_then_200_endpoint_is_retried_after_its_retry_after(site: Site) -> None:
    answers = iter([(500, {"Retry-After": "1"}, b"busy"), (200, {"Content-Type": "text/html"}, b"<p>ok</p>")])
    site.routes["/flaky"] = lambda _: next(answers)
    with PoliteClient(FAST) as client:
        assert client.get(site.url("/flaky")).content == b"<p>ok</p>"
    first, second = site.requests("/flaky")
    assert second.at - first.at >= 0.95


def test_slow_pages_time_out_and_big_or_wrong_bodies_are_refused(site: Site) -> None:
    def slow(_: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        time.sleep(1.5)
        return 200, {"Content-Type": "text/html"}, b"<p>late</p>"

    site.routes["/slow"] = slow
    site.routes["/drip"] = lambda _: (200, {"Content-Type": "text/html"}, [b"<p>", *[b"x"] * 10, b"</p>"])
    site.add("/big", b"<p>" + b"x" * 5000 + b"</p>")
    site.add("/picture", b"\x89PNG\r\n\x1a\n", "image/png")
    settings = ClientSettings(delay=0.0, read_timeout=0.3, connect_timeout=0.3, total_timeout=0.5, retries=0,
                              max_bytes=1000)
    with PoliteClient(settings) as client:
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            client.get(site.url("/slow"))
        assert time.monotonic() - started < 1.2
        with pytest.raises(FetchError, match="still sending after 0.5 s"):  # each part within the read timeout
            client.get(site.url("/drip"))
        with pytest.raises(FetchError, match="MB limit"):
            client.get(site.url("/big"))
        with pytest.raises(FetchError, match="content type image/png"):
            client.get(site.url("/picture"))


def test_every_request_names_mtdigest_and_waits_its_turn_per_host(site: Site) -> None:
    with PoliteClient(ClientSettings(delay=DELAY)) as client:
        for prefix in PERSIAN:
            client.get(site.url(page_path(prefix)))
    assert all(r.headers["user-agent"].startswith("mtdigest/") for r in site.log)
    times = [r.at for r in site.log]
    assert len(times) == 4  # robots.txt, then the three pages
    assert min(b - a for a, b in zip(times, times[1:])) >= DELAY - 0.02


def test_a_page_declared_windows_1256_only_in_its_header_is_decoded_by_it(site: Site) -> None:
    with PoliteClient(FAST) as client:
        response = client.get(site.url(page_path("004")))
    assert b"charset" not in response.content.lower() and response.charset == "windows-1256"
    article = page_article(response)
    (from_file,) = read_path(seed("004"))
    assert article.url == site.url(page_path("004"))
    assert article.language == "ar" and article.title.source == from_file.title.source  # type: ignore[union-attr]
    assert "باقري" in " ".join(s.source for s in article.sentences())


# ------------------------------------------------------------------------------------------- the archive

def test_fetch_archives_the_feeds_and_the_second_morning_fetches_only_what_is_new(tmp_path: Path) -> None:
    with serve(build_site(persian=("000", "002"))) as site:  # 003 appears the next morning
        morning_runs(site, tmp_path)


def morning_runs(site: Site, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    feeds = feed_list(site, tmp_path / "feeds.toml")
    code, output = run_fetch("--feeds", str(feeds), "-o", str(archive))
    assert code == 0, output
    stored = sorted(archive.glob("*.json"))
    assert [p.name[:3] for p in stored] == ["000", "001", "002", "004"]
    assert len(list((archive / "raw").iterdir())) == 4 and (archive / STATE_NAME).is_file()
    schema = json.loads((SEEDS.parent / "digest" / "schema" / "article-v1.schema.json").read_text(encoding="utf-8"))
    for path in stored:
        data = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
        assert data["schema_version"] == 1 and data["url"].startswith(site.base + "/news/")
        assert data["language"] == ("fa" if path.name[:3] in PERSIAN else "ar") and data["paragraphs"]
        assert data["published"] == published(path.name[:3]) or published(path.name[:3]) is None
        assert data["outlet"]
    persian = json.loads(stored[0].read_text(encoding="utf-8"))
    assert persian["outlet"] == "Persian seeds"  # the feed list's outlet wins
    assert (archive / "raw" / f"{stored[3].stem}.html").read_bytes() == seed_page(seed("004"), "windows-1256", False)
    times = [r.at for r in site.log]
    assert min(b - a for a, b in zip(times, times[1:])) >= DELAY - 0.02  # one host: one request per DELAY
    assert "fetched 4 new article(s)" in output

    first_pages = article_pages(site)
    site.log.clear()
    code, output = run_fetch("--feeds", str(feeds), "-o", str(archive))
    assert code == 0, output
    assert article_pages(site) == []  # nothing downloaded again
    for feed in ("/fa/rss.xml", "/ar/atom.xml"):
        (request,) = site.requests(feed)
        assert request.headers["if-none-match"] and request.headers["if-modified-since"]
    assert "2 feed(s) unchanged" in output

    # The next morning the Persian feed has one more entry: only that page is downloaded.
    site.add_feed("/fa/rss.xml", persian_feed(PERSIAN), "application/rss+xml", '"fa-2"', hour=13)
    site.log.clear()
    code, output = run_fetch("--feeds", str(feeds), "-o", str(archive))
    assert code == 0, output
    assert article_pages(site) == [page_path("003")] and len(first_pages) == 4
    assert "fetched 1 new article(s)" in output and "1 feed(s) unchanged" in output
    assert len(list(archive.glob("*.json"))) == 5


def test_bad_input_is_one_line_per_url_and_the_rest_is_fetched(site: Site, tmp_path: Path) -> None:
    site.add("/broken.xml", "<rss version='2.0'><channel><title>broken</tit", "application/rss+xml")
    site.add("/private/secret.html", seed_page(seed("000")))
    site.add("/english.html", ENGLISH)
    site.add("/empty.html", "<html><body><nav>Home</nav></body></html>")
    site.add("/always-500.html", "", status=500)
    site.add("/loop.html", "", status=302, headers={"Location": "/loop.html"})
    site.add("/copy/of-001.html", seed_page(seed("001")))

    def slow(_: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        time.sleep(1.5)
        return 200, {"Content-Type": "text/html"}, b""

    site.routes["/slow.html"] = slow
    bad = ["/missing.html", "/always-500.html", "/slow.html", "/loop.html", "/empty.html", "/english.html",
           "/private/secret.html"]
    site.add_feed("/mixed.xml", rss("mixed", [(p, p, None) for p in bad] + [("good", page_path("003"), None)]),
                  "application/rss+xml", '"m"')
    site.add_feed("/copies.xml", rss("copies", [("copy", "/copy/of-001.html", None)]), "application/rss+xml", '"c"')
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feeds]]\nurl = "{site.url("/mixed.xml")}"\nlanguage = "fa"\n'
                     f'[[feeds]]\nurl = "{site.url("/broken.xml")}"\n'
                     f'[[feeds]]\nurl = "{site.url("/ar/atom.xml")}"\n'
                     f'[[feeds]]\nurl = "{site.url("/copies.xml")}"\n', encoding="utf-8")
    archive = tmp_path / "archive"
    code, output = run_fetch("--feeds", str(feeds), "-o", str(archive))
    assert code == 1
    lines = output.splitlines()
    for path in bad + ["/broken.xml"]:
        named = [line for line in lines if site.url(path) in line and line.startswith("error:")]
        assert len(named) == 1, (path, output)
    assert any(line.startswith("duplicate: ") and "of-001" in line for line in lines)  # 001 is in two feeds
    assert sorted(p.name[:3] for p in archive.glob("*.json")) == ["001", "003", "004"]
    assert not site.requests("/private/secret.html")
    assert not [p for p in archive.rglob("*") if p.name.endswith(".part")]

    # The next run tries again what may work then (404, 500, timeout, the loop) and nothing that cannot.
    site.log.clear()
    code, output = run_fetch("--feeds", str(feeds), "-o", str(archive))
    assert code == 1
    asked = {r.path for r in site.log}
    assert {"/missing.html", "/always-500.html", "/slow.html", "/loop.html", "/mixed.xml"} <= asked
    assert not asked & {"/empty.html", "/english.html", "/copy/of-001.html", page_path("003"), page_path("001")}


def test_an_interrupted_fetch_resumes_without_refetching_what_it_stored(
        site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fetch.archive

    archive = tmp_path / "archive"
    sources = [FeedSource(site.url("/fa/rss.xml")), FeedSource(site.url("/ar/atom.xml"))]
    written = []
    real = fetch.archive.write_atomic

    def interrupted(path: Path, text: str | bytes) -> None:
        if path.suffix == ".json" and len(written) == 2:
            raise KeyboardInterrupt
        real(path, text)
        if path.suffix == ".json":
            written.append(path)

    monkeypatch.setattr(fetch.archive, "write_atomic", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch_archive(archive, sources, FetchSettings(client=FAST))
    monkeypatch.setattr(fetch.archive, "write_atomic", real)
    report = fetch_archive(archive, sources, FetchSettings(client=FAST))
    assert len(written) == 2 and len(report.stored) == 3 and not report.failed
    pages = article_pages(site)
    assert all(pages.count(page_path(p.name[:3])) == 1 for p in written)  # stored before: not downloaded again
    assert not [p for p in archive.rglob("*") if p.name.endswith(".part")]


def test_the_example_feed_list_loads_and_says_its_urls_are_unverified(tmp_path: Path) -> None:
    from fetch import load_feed_list
    from core.errors import UsageError

    example = Path(__file__).resolve().parent.parent / "feeds.example.toml"
    sources = load_feed_list(example)
    assert {s.language for s in sources} == {"fa", "ar"} and all(s.url.startswith("https://") for s in sources)
    assert "UNVERIFIED" in example.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[feeds]]\noutlet = "no url"\n', encoding="utf-8")
    with pytest.raises(UsageError, match="feed 1 has no url"):
        load_feed_list(bad)


def test_a_site_whose_robots_txt_fails_is_left_alone(site: Site) -> None:
    site.add("/robots.txt", "", status=503)
    with PoliteClient(FAST) as client, pytest.raises(FetchError, match="robots.txt could not be read"):
        client.get(site.url(page_path("000")))
    assert {r.path for r in site.log} == {"/robots.txt"}  # asked (and retried), the page never


def test_canonical_urls_drop_what_never_changes_the_article() -> None:
    from fetch import article_id_for, canonical_url

    same = ["HTTPS://Example.org:443/news/12?b=2&a=1&utm_source=rss#top", "https://example.org/news/12?a=1&b=2"]
    assert canonical_url(same[0]) == canonical_url(same[1]) == "https://example.org/news/12?a=1&b=2"
    assert article_id_for(same[0]) == article_id_for(same[1]) != article_id_for("https://example.org/news/13")
    assert article_id_for("https://example.org/news/12").startswith("12-")


def test_rss_1_0_and_feeds_served_as_html_are_read_as_feeds() -> None:
    from fetch import parse_feed

    rdf = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
           '<channel rdf:about="http://x/"><title>RDF seeds</title><link>http://x/</link><description>d</description>'
           '</channel><item rdf:about="http://x/a"><title>a</title><link>http://x/a</link>'
           "<dc:date>2024-03-18T10:00:00Z</dc:date></item></rdf:RDF>").encode()
    feed = parse_feed(rdf, "http://x/rss", "application/rdf+xml")
    assert feed is not None and feed.title == "RDF seeds"
    assert [(e.url, e.published) for e in feed.entries] == [("http://x/a", "2024-03-18")]
    as_html = parse_feed(rss("mislabelled", [("a", "/a", None)]).encode(), "http://x/feed", "text/html")
    assert as_html is not None and [e.url for e in as_html.entries] == ["http://x/a"]
    assert parse_feed(seed_page(seed("000")), "http://x/page", "text/html") is None
    with pytest.raises(FetchError, match="malformed feed"):
        parse_feed(b"<rss version='2.0'><channel><title>x</tit", "http://x/broken", "")


def test_an_article_written_but_not_yet_recorded_when_killed_is_not_fetched_again(
        site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fetch.state import FetchState

    archive = tmp_path / "archive"
    sources = [FeedSource(site.url("/ar/atom.xml"))]
    real = FetchState.remember

    def killed(self: FetchState, urls: list[str], status: str, *args: object) -> None:
        if status == "stored":
            raise KeyboardInterrupt  # after the article's files were written, before the state knew
        real(self, urls, status, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(FetchState, "remember", killed)
    with pytest.raises(KeyboardInterrupt):
        fetch_archive(archive, sources, FetchSettings(client=FAST))
    (orphan,) = archive.glob("*.json")
    monkeypatch.setattr(FetchState, "remember", real)
    report = fetch_archive(archive, sources, FetchSettings(client=FAST))
    assert [p.name for p in report.stored] != [orphan.name] and len(report.stored) == 1 and report.seen == 1
    assert len([r for r in site.log if r.path == page_path(orphan.name[:3])]) == 1
