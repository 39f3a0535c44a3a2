"""The daily brief on the seeds with tiny models: grouping must hold when translations are noise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from digest.names import find_names, name_key
from tests.browser import ARTIFACTS, headless_browser, needs_browser

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ENGLISH = ("Syria and Iran sign a new air defence deal\n\n"
           "The defence ministers of Syria and Iran signed a new air defence agreement in Damascus on Sunday.\n\n"
           "Officials said the agreement would be carried out over the next 5 years.\n")


@pytest.fixture()
def env(tiny_models: Path, tmp_path: Path) -> dict[str, str]:
    return {"MTDIGEST_LOCK": str(tiny_models / "models.lock"), "MTDIGEST_HOME": str(tiny_models / "home"),
            "MTDIGEST_CACHE": str(tmp_path / "cache.sqlite")}


def brief(env: dict[str, str], out: Path, *inputs: str, extra: tuple[str, ...] = ()) -> dict:
    result = CliRunner().invoke(app, ["brief", *inputs, "-o", str(out), "--fast", "--method", "extractive",
                                      "--date", "2024-03-19", "-q", *extra], env=env)
    assert result.exit_code == 0, result.output
    return json.loads((out / "brief.json").read_text(encoding="utf-8"))


def stories(data: dict) -> list[set[str]]:
    return [{article[:3] for article in story["articles"]} for story in data["stories"]]


def test_names_fold_across_persian_and_arabic_spelling() -> None:
    assert name_key("باقری") == name_key("باقري")
    assert name_key("أيوب") == name_key("ایوب")
    assert find_names("اللواء محمد باقري") == find_names("سرلشکر محمد باقری") == {name_key("باقری")}
    assert find_names("سپهبد «علی محمود عباس» وزیر دفاع") == {name_key("عباس")}
    assert find_names("أكد على أهمية التعاون") == set()  # Arabic `على` is a preposition, not the name Ali


def test_seeds_make_three_stories_across_languages(env: dict[str, str], tmp_path: Path) -> None:
    data = brief(env, tmp_path / "brief", str(SEEDS))
    assert sorted(map(sorted, stories(data))) == [["000"], ["001", "002"], ["003", "004"]]
    assert data["schema_version"] == 1 and data["date"] == "2024-03-19"
    first = data["stories"][0]
    assert {a[:3] for a in first["articles"]} == {"003", "004"}  # two sources, most recent first
    assert {s["language"] for s in first["sources"]} == {"fa", "ar"}
    assert all((tmp_path / "brief" / s["digest"]).is_file() for story in data["stories"] for s in story["sources"])
    assert (tmp_path / "brief" / "brief.html").is_file() and (tmp_path / "brief" / "brief.md").is_file()
    only = data["stories"][1]["only_in"] or data["stories"][0]["only_in"]
    assert isinstance(only, dict)


def test_second_run_costs_no_model_time_and_gives_the_same_brief(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "brief"
    first = brief(env, out, str(SEEDS))
    no_models = {**env, "MTDIGEST_HOME": str(tmp_path / "no-models-here")}
    assert brief(no_models, out, str(SEEDS)) == first


def test_english_articles_pass_through_untranslated(env: dict[str, str], tmp_path: Path) -> None:
    article = tmp_path / "in" / "en_deal.txt"
    article.parent.mkdir()
    article.write_text(ENGLISH, encoding="utf-8")
    data = brief(env, tmp_path / "brief", str(article), str(SEEDS / "000_41b56ad6ca49ea79.txt"))
    english = [s for s in data["stories"] if s["articles"] == ["en_deal"]]
    assert english and english[0]["headline"] == "Syria and Iran sign a new air defence deal"
    digest = json.loads((tmp_path / "brief" / "articles" / "en_deal.json").read_text(encoding="utf-8"))
    assert all(s["english"] == s["source"] for p in digest["paragraphs"] for s in p["sentences"])
    assert "translate" not in digest["models"]


def test_since_and_until_filter_by_article_date(env: dict[str, str], tmp_path: Path) -> None:
    data = brief(env, tmp_path / "brief", str(SEEDS), extra=("--since", "2024-03-19"))
    assert "004" not in {a[:3] for story in data["stories"] for a in story["articles"]}
    assert len({a[:3] for story in data["stories"] for a in story["articles"]}) == 4  # undated ones stay


def test_a_single_file_output(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "today.html"
    result = CliRunner().invoke(app, ["brief", str(SEEDS), "-o", str(out), "--fast", "--method", "extractive", "-q"],
                                env=env)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count("<section id=\"s") == 3 and "today-articles/" in html
    assert "http://" not in html and "<script" not in html


@needs_browser
def test_brief_html_in_a_real_browser(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "brief"
    brief(env, out, str(SEEDS))
    with headless_browser() as driver:
        driver.get((out / "brief.html").as_uri())
        links = driver.execute_script("return [...document.querySelectorAll('nav a')].map(a => a.hash)")
        assert links == ["#s1", "#s2", "#s3"]
        assert driver.execute_script("return document.querySelectorAll('section h2').length") == 3
        assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
        driver.save_screenshot(str(ARTIFACTS / "brief.png"))
