"""`mtdigest brief` on the seeds with tiny models: grouping must hold when translations are noise."""

from __future__ import annotations

import contextlib
import html
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from seq2seq.backends import Seq2SeqModel
from mt.engine_ctranslate2 import CTranslate2Engine
from mt.engine_transformers import TransformersEngine
from summarize.engine_ctranslate2 import CTranslate2Summarizer
from summarize.engine_transformers import TransformersSummarizer
from tests.browser import ARTIFACTS, DESKTOP, PHONE, headless_browser, needs_browser, page_problems, set_width

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ENGLISH = ("Syria and Iran sign a new air defence deal\n\n"
           "The defence ministers of Syria and Iran signed a new air defence agreement in Damascus on Sunday.\n\n"
           "Officials said the agreement would be carried out over the next 5 years.\n")
BRIEF_FILES = ("brief.html", "brief.md", "brief.json")


@contextlib.contextmanager
def counting_model_calls() -> Iterator[Counter]:
    """Counts model loads and generate calls (translation and summaries, both engines)."""
    calls: Counter = Counter()
    with pytest.MonkeyPatch.context() as patch:
        init = Seq2SeqModel.__init__

        def counted_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            calls["load"] += 1
            init(self, *args, **kwargs)

        patch.setattr(Seq2SeqModel, "__init__", counted_init)
        for cls in (CTranslate2Engine, TransformersEngine, CTranslate2Summarizer, TransformersSummarizer):
            def counted(self, *args, _original=cls.generate_ids, **kwargs):  # type: ignore[no-untyped-def]
                calls["generate"] += 1
                return _original(self, *args, **kwargs)

            patch.setattr(cls, "generate_ids", counted)
        yield calls


def env_for(models: Path, cache: Path) -> dict[str, str]:
    return {"MTDIGEST_LOCK": str(models / "models.lock"), "MTDIGEST_HOME": str(models / "home"),
            "MTDIGEST_CACHE": str(cache)}


def run_brief(env: dict[str, str], out: Path, *inputs: str, extra: tuple[str, ...] = ()) -> dict:
    result = CliRunner().invoke(app, ["brief", *inputs, "-o", str(out), "--fast", "--method", "extractive",
                                      "--date", "2024-03-19", "-q", *extra], env=env)
    assert result.exit_code == 0, result.output
    return json.loads((out / "brief.json").read_text(encoding="utf-8"))


def readable(page: str) -> str:
    """A rendered page's text: tags, Markdown escapes and bidi isolates taken out, entities resolved."""
    return re.sub(r"\\([|\\\[\]`<])", r"\1", html.unescape(re.sub(r"<[^>]+>|[\u2066-\u2069]", "", page)))


def stories(data: dict) -> list[set[str]]:
    return [{article[:3] for article in story["articles"]} for story in data["stories"]]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def seeds_brief(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, Counter]:
    """One brief of the seeds (translated by the tiny model): its folder, JSON and model calls."""
    root = tmp_path_factory.mktemp("seeds-brief")
    with counting_model_calls() as calls:
        data = run_brief(env_for(tiny_models, root / "cache.sqlite"), root / "brief", str(SEEDS))
    return root / "brief", data, calls


@pytest.fixture()
def env(tiny_models: Path, tmp_path: Path) -> dict[str, str]:
    return env_for(tiny_models, tmp_path / "cache.sqlite")


def test_seeds_make_three_stories_across_languages(seeds_brief: tuple[Path, dict, Counter]) -> None:
    out, data, calls = seeds_brief
    assert calls["load"] == 1 and calls["generate"] > 0  # one translation model, loaded once
    assert sorted(map(sorted, stories(data))) == [["000"], ["001", "002"], ["003", "004"]]
    assert data["schema_version"] == 1 and data["date"] == "2024-03-19"
    assert data["range"] == ["2024-03-18", "2024-03-18"]
    first = data["stories"][0]
    assert {a[:3] for a in first["articles"]} == {"003", "004"}  # two sources, most recent first
    assert {s["language"] for s in first["sources"]} == {"fa", "ar"}
    assert all(s["outlet_english"] and "published" in s for s in first["sources"])
    assert {s["outlet_english"] for s in first["sources"]} == {"ISCA News", "Unknown outlet"}  # never an id
    assert first["lede"] and first["summary"].startswith(first["lede"])
    assert data["coverage"] == "1 of 5 articles dated: 18 March 2024"
    assert all((out / s["digest"]).is_file() for story in data["stories"] for s in story["sources"])
    assert [story["id"] for story in data["stories"]] == ["s1", "s2", "s3"]
    for name in ("brief.html", "brief.md"):
        text = readable((out / name).read_text(encoding="utf-8"))
        assert all(story["headline"] in text for story in data["stories"])
        assert "tiny-nllb@" in text and "[mit]" in text  # the footer names each model and its licence
    assert "[mit]" in data["signature"]


def test_second_run_makes_no_model_calls_and_writes_the_same_files(
        seeds_brief: tuple[Path, dict, Counter], tiny_models: Path, tmp_path: Path) -> None:
    first, _, _ = seeds_brief
    out = tmp_path / "brief"
    shutil.copytree(first, out)
    before = tree(out)
    with counting_model_calls() as calls:  # a fresh cache: only the digests written by the first run help
        run_brief(env_for(tiny_models, tmp_path / "fresh-cache.sqlite"), out, str(SEEDS))
    assert calls == Counter()
    assert tree(out) == before


def test_abstractive_summaries_are_reused_too(tiny_models: Path, tmp_path: Path) -> None:
    env = env_for(tiny_models, tmp_path / "cache.sqlite")
    args = ["brief", str(SEEDS / "003_74ed4e50eb75564b.txt"), "-o", str(tmp_path / "b"), "--fast",
            "--method", "abstractive", "-q", "--date", "2024-03-19"]
    with counting_model_calls() as first:
        assert CliRunner().invoke(app, args, env=env).exit_code == 0
    assert first["load"] == 2 and first["generate"] > 0  # translator and summarizer (once: summaries and lede)
    assert json.loads((tmp_path / "b" / "brief.json").read_text(encoding="utf-8"))["stories"][0]["lede"]
    before = tree(tmp_path / "b")
    with counting_model_calls() as second:
        result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert second == Counter() and tree(tmp_path / "b") == before


def test_digest_json_from_an_earlier_run_is_read_as_it_is(
        seeds_brief: tuple[Path, dict, Counter], tiny_models: Path, tmp_path: Path) -> None:
    first, data, _ = seeds_brief
    no_models = {**env_for(tiny_models, tmp_path / "cache.sqlite"), "MTDIGEST_HOME": str(tmp_path / "no-models")}
    with counting_model_calls() as calls:  # the brief folder: brief.*, articles/<id>.html|json
        again = run_brief(no_models, tmp_path / "again", str(first))
    assert calls == Counter()
    assert sorted(map(sorted, stories(again))) == sorted(map(sorted, stories(data)))
    mixed = tmp_path / "mixed"  # digest JSON beside its HTML and a new English article
    shutil.copytree(first / "articles", mixed)
    (mixed / "en_deal.txt").write_text(ENGLISH, encoding="utf-8")
    with_english = run_brief(no_models, tmp_path / "with-english", str(mixed))
    assert sorted(a[:3] for s in with_english["stories"] for a in s["articles"]) == [
        "000", "001", "002", "003", "004", "en_"]
    one = next((first / "articles").glob("004_*.json"))
    single = run_brief(no_models, tmp_path / "single", str(one))
    assert [s["articles"] for s in single["stories"]] == [[one.stem]]


def test_english_articles_pass_through_untranslated(env: dict[str, str], tmp_path: Path) -> None:
    article = tmp_path / "in" / "en_deal.txt"
    article.parent.mkdir()
    article.write_text(ENGLISH, encoding="utf-8")
    with counting_model_calls() as calls:
        data = run_brief(env, tmp_path / "brief", str(article))
    assert calls == Counter()  # nothing to translate: no model is even loaded
    assert data["stories"][0]["articles"] == ["en_deal"]
    assert data["stories"][0]["headline"] == "Syria and Iran sign a new air defence deal"
    assert "signed a new air defence agreement in Damascus" in data["stories"][0]["lede"]
    digest = json.loads((tmp_path / "brief" / "articles" / "en_deal.json").read_text(encoding="utf-8"))
    assert all(s["english"] == s["source"] for p in digest["paragraphs"] for s in p["sentences"])
    assert "translate" not in digest["models"]
    assert "signed a new air defence agreement" in (tmp_path / "brief" / "brief.md").read_text(encoding="utf-8")


def test_mixed_english_and_seeds(env: dict[str, str], tmp_path: Path) -> None:
    article = tmp_path / "in" / "en_deal.txt"
    article.parent.mkdir()
    article.write_text(ENGLISH, encoding="utf-8")
    data = run_brief(env, tmp_path / "brief", str(article), str(SEEDS / "000_41b56ad6ca49ea79.txt"),
                     str(SEEDS / "004_abe0edcc387d59e3.txt"))
    english = [s for s in data["stories"] if "en_deal" in s["articles"]]
    assert english and english[0]["headline"] == "Syria and Iran sign a new air defence deal"
    assert {s["language"] for story in data["stories"] for s in story["sources"]} == {"en", "fa", "ar"}


def test_since_and_until_filter_by_article_date(seeds_brief: tuple[Path, dict, Counter], tiny_models: Path,
                                                tmp_path: Path) -> None:
    first, _, _ = seeds_brief
    env = env_for(tiny_models, tmp_path / "cache.sqlite")
    later = run_brief(env, tmp_path / "later", str(first / "articles"), extra=("--since", "2024-03-19"))
    ids = {a[:3] for story in later["stories"] for a in story["articles"]}
    assert ids == {"000", "001", "002", "003"}  # 004 is dated 2024-03-18; undated articles stay
    window = run_brief(env, tmp_path / "window", str(first / "articles"),
                       extra=("--since", "2024-03-18", "--until", "2024-03-18"))
    assert "004" in {a[:3] for story in window["stories"] for a in story["articles"]}
    assert window["range"] == ["2024-03-18", "2024-03-18"]
    earlier = run_brief(env, tmp_path / "earlier", str(first / "articles"), extra=("--until", "2024-03-17"))
    assert "004" not in {a[:3] for story in earlier["stories"] for a in story["articles"]}


def test_a_bad_date_is_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["brief", str(SEEDS), "-o", str(tmp_path / "b"), "--since", "18/03/2024"],
                                env=env)
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_a_single_file_output(seeds_brief: tuple[Path, dict, Counter], env: dict[str, str], tmp_path: Path) -> None:
    first, _, _ = seeds_brief
    out = tmp_path / "today.html"
    result = CliRunner().invoke(app, ["brief", str(first / "articles"), "-o", str(out), "--method", "extractive",
                                      "-q"], env=env)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count("<section class=\"story\" id=\"s") == 3 and "today-articles/" in html
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert (tmp_path / "today-articles").is_dir()


@needs_browser
def test_brief_html_in_a_real_browser(seeds_brief: tuple[Path, dict, Counter]) -> None:
    out, _, _ = seeds_brief
    with headless_browser() as driver:
        driver.get((out / "brief.html").as_uri())
        links = driver.execute_script("return [...document.querySelectorAll('nav a')].map(a => a.hash)")
        assert links == ["#s1", "#s2", "#s3"]
        assert driver.execute_script("return document.querySelectorAll('section h2').length") == 3
        assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
        assert driver.execute_script("return document.querySelector('header a').href").endswith(
            "/articles/index.html")
        for width in (DESKTOP, PHONE):  # the tiny model's English may hold any script: it must be isolated
            set_width(driver, width)
            for page in ("brief.html", "articles/index.html", "articles/003_74ed4e50eb75564b.html"):
                driver.get((out / page).as_uri())
                assert page_problems(driver) == [], page
                driver.save_screenshot(str(ARTIFACTS / f"seeds-{page.replace('/', '-')}-{width}.png"))
            driver.get((out / "brief.html").as_uri())
            text = driver.execute_script("return document.body.innerText")
            assert "ISCA News" in text and "Al-Manar" in text and "004_abe0edcc387d59e3" not in text
