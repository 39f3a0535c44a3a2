"""From the feeds to the brief: `mtdigest fetch` + `mtdigest brief ARCHIVE` (and `brief --feeds`) over the seeds
served by a local site tell the same stories as the brief over the seed files; URLs are inputs of every command."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from tests.fetch_site import (  # noqa: F401 - fixtures: site, straight_to_the_loopback
    SEEDS, Site, feed_list, page_path, published, run_fetch, site, straight_to_the_loopback,
)
from tests.test_brief import env_for, run_brief, stories


def test_fetch_then_brief_tells_the_stories_of_the_seed_files(site: Site, tiny_models: Path, tmp_path: Path) -> None:
    env = env_for(tiny_models, tmp_path / "cache.sqlite")
    from_files = run_brief(env, tmp_path / "from-files", str(SEEDS))
    code, output = run_fetch("--feeds", str(feed_list(site, tmp_path / "feeds.toml")), "-o", str(tmp_path / "archive"))
    assert code == 0, output
    from_feeds = run_brief(env, tmp_path / "from-feeds", str(tmp_path / "archive"))
    assert sorted(map(sorted, stories(from_feeds))) == sorted(map(sorted, stories(from_files)))
    assert sorted(map(sorted, stories(from_feeds))) == [["000"], ["001", "002"], ["003", "004"]]
    sources = [s for story in from_feeds["stories"] for s in story["sources"]]
    assert {s["outlet"] for s in sources if s["language"] == "fa"} == {"Persian seeds"}


def test_brief_feeds_fetches_and_briefs_in_one_and_the_next_morning_only_what_is_new(
        site: Site, tiny_models: Path, tmp_path: Path) -> None:
    env = env_for(tiny_models, tmp_path / "cache.sqlite")
    feeds = feed_list(site, tmp_path / "feeds.toml")
    data = run_brief(env, tmp_path / "brief", extra=("--feeds", str(feeds), "--delay", "0.05"))
    assert sorted(map(sorted, stories(data))) == [["000"], ["001", "002"], ["003", "004"]]
    assert len(list((tmp_path / "brief" / "archive").glob("*.json"))) == 5
    site.log.clear()
    again = run_brief(env, tmp_path / "brief", extra=("--feeds", str(feeds), "--delay", "0.05"))
    assert not [r for r in site.log if r.path.startswith("/news/")] and again["stories"] == data["stories"]


def test_urls_are_inputs_of_the_commands_that_read_articles(site: Site, tiny_models: Path, tmp_path: Path) -> None:
    env = env_for(tiny_models, tmp_path / "cache.sqlite")
    page = site.url(page_path("004"))
    result = CliRunner().invoke(app, ["inspect", "--json", page, site.url("/missing.html")], env=env)
    assert result.exit_code == 1 and f"{site.url('/missing.html')}: HTTP 404" in result.output
    article = json.loads(result.output.splitlines()[0])
    assert article["url"] == page and article["language"] == "ar" and article["published"] == published("004")
    result = CliRunner().invoke(app, ["translate", page, "-o", str(tmp_path / "out"), "--fast", "-q"], env=env)
    assert result.exit_code == 0, result.output
    (translated,) = (tmp_path / "out").glob("*.json")
    assert json.loads(translated.read_text(encoding="utf-8"))["url"] == page
    feed = site.url("/ar/atom.xml")  # a feed as an input: the article of each entry
    result = CliRunner().invoke(app, ["summarize", feed, "-o", str(tmp_path / "sum"), "--method", "extractive",
                                      "--fast", "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert sorted(p.name[:3] for p in (tmp_path / "sum").glob("*.json")) == ["001", "004"]


def test_batch_reads_urls_in_the_driver(site: Site, tiny_models: Path, tmp_path: Path) -> None:
    env = env_for(tiny_models, tmp_path / "cache.sqlite")
    result = CliRunner().invoke(app, ["batch", site.url(page_path("001")), site.url("/missing.html"),
                                      "-o", str(tmp_path / "out"), "--method", "extractive", "--fast", "-q"], env=env)
    assert result.exit_code == 1 and f"{site.url('/missing.html')}: HTTP 404" in result.output
    assert [p.name[:3] for p in (tmp_path / "out").glob("*.json") if p.name[0].isdigit()] == ["001"]
