"""`mtdigest digest` on the seeds with tiny models: structure of every format, failures, re-rendering, and a
real headless browser check of the HTML layout. Tiny models make noise: nothing here judges translation quality.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from cli import app
from ingest import read_inputs
from core.article import Article
from digest.styles import CITE_SCRIPT
from tests.browser import ARTIFACTS, DESKTOP, PHONE, headless_browser, needs_browser, page_problems, set_width

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SCHEMA = json.loads((ROOT / "digest" / "schema" / "article-v1.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def env(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    cache = tmp_path_factory.mktemp("digest-cache") / "cache.sqlite"
    return {"MTDIGEST_LOCK": str(tiny_models / "models.lock"), "MTDIGEST_HOME": str(tiny_models / "home"),
            "MTDIGEST_CACHE": str(cache)}


@pytest.fixture(scope="module")
def digests(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("digests")
    result = CliRunner().invoke(app, ["digest", str(SEEDS), "-o", str(out), "--fast", "-q"], env=env)
    assert result.exit_code == 0, result.output
    return out


def test_a_fully_cached_digest_never_loads_the_translation_weights(
    digests: Path, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seq2seq.backends

    opened: list[str] = []
    for name in ("open_ctranslate2", "open_transformers"):
        real = getattr(seq2seq.backends, name)
        monkeypatch.setattr(seq2seq.backends, name, lambda *a, _real=real, _name=name, **k: (opened.append(_name),
                                                                                          _real(*a, **k))[1])
    args = ["digest", str(SEEDS), "-o", str(tmp_path / "again"), "--fast", "--method", "extractive", "-q"]
    result = CliRunner().invoke(app, args, env=env)  # every sentence is in the cache the `digests` run filled
    assert result.exit_code == 0, result.output
    assert opened == []
    first = json.loads(next(digests.glob("*.json")).read_text(encoding="utf-8"))
    again = json.loads((tmp_path / "again" / f"{first['id']}.json").read_text(encoding="utf-8"))
    assert [s["english"] for p in again["paragraphs"] for s in p["sentences"]] == \
        [s["english"] for p in first["paragraphs"] for s in p["sentences"]]
    # A sentence the cache lacks loads them on first use.
    novel = tmp_path / "novel.txt"
    seed = SEEDS.joinpath("000_41b56ad6ca49ea79.txt").read_text(encoding="utf-8")
    novel.write_text(seed.replace("آرزوی موفقیت کرد", "آرزوی موفقیت و پیروزی کرد"), encoding="utf-8")
    result = CliRunner().invoke(app, ["digest", str(novel), "-o", str(tmp_path / "novel"), "--fast", "--method",
                                      "extractive", "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert len(opened) == 1


def source_articles() -> list[Article]:
    return [a for a in read_inputs([str(SEEDS)]) if isinstance(a, Article)]


def test_all_three_formats_and_the_index_are_written(digests: Path) -> None:
    ids = [a.id for a in source_articles()]
    assert len(ids) == 5
    expected = {f"{i}.{fmt}" for i in ids for fmt in ("html", "md", "json")} | {"index.html", "index.md"}
    assert {p.name for p in digests.iterdir()} == expected
    index = (digests / "index.md").read_text(encoding="utf-8")
    assert all(f"](./{i}.html)" in index for i in ids)


def test_json_validates_against_the_schema_and_keeps_every_sentence(digests: Path) -> None:
    for source in source_articles():
        data = json.loads((digests / f"{source.id}.json").read_text(encoding="utf-8"))
        jsonschema.validate(data, SCHEMA)
        sentences = [s for p in data["paragraphs"] for s in p["sentences"]]
        assert [(s["id"], s["source"]) for s in sentences] == [(s.id, s.source) for s in source.sentences()]
        assert all(s["english"] for s in sentences)
        assert data["models"]["translate"]["alias"] == "tiny-nllb"
        assert data["summary"]["method"] == "abstractive" and data["summary"]["sentences"]
        assert data["models"]["summarize"]["alias"] == "tiny-bart"
        # --fast is greedy for every model: the translation and the summary signatures both say beam 1.
        assert "|beam:1|" in data["models"]["translate"]["signature"]
        assert "|beam:1|" in data["models"]["summarize"]["signature"]
        assert data["models"]["translate"]["license"] == "mit" and data["models"]["translate"]["commercial_use"]
        for rendered in (digests / f"{source.id}.html", digests / f"{source.id}.md"):
            footer = rendered.read_text(encoding="utf-8").rsplit("check the source before quoting", 1)[1]
            assert "Model licences: tiny-bart: mit; tiny-nllb: mit." in footer


def test_html_has_every_sentence_once_in_order_beside_its_english(digests: Path) -> None:
    for source in source_articles():
        html = (digests / f"{source.id}.html").read_text(encoding="utf-8")
        rows = re.findall(r'<tr id="(p\d+\.s\d+)">.*?<td class="en[^"]*" lang="en"[^>]*>(.*?)</td>'
                          r'<td class="src" lang="(\w+)" dir="(\w+)">(.*?)</td></tr>', html, flags=re.S)
        assert [r[0] for r in rows] == [s.id for s in source.sentences()]
        assert all(r[1].strip() for r in rows)
        assert all(r[3] == "rtl" for r in rows)
        own = html.replace(f"<script>{CITE_SCRIPT}</script>", "")  # the cite buttons' script, the page's only one
        assert "http://" not in own and "https://" not in own and "<script" not in own
        assert f'<p class="source-title src" lang="{source.language}" dir="rtl">' in html


def _cells(row: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_markdown_table_is_well_formed(digests: Path) -> None:
    for source in source_articles():
        lines = (digests / f"{source.id}.md").read_text(encoding="utf-8").splitlines()
        start = lines.index("## Full text, sentence by sentence") + 2
        table = []
        for line in lines[start:]:
            if not line.startswith("|"):
                break
            table.append(line)
        assert _cells(table[1]) == ["---", "---", "---"]
        rows = [_cells(line) for line in table[2:]]
        assert all(len(cells) == 3 for cells in rows)
        assert [re.sub(r"<a id=.*?</a>", "", r[0]) for r in rows] == [s.id for s in source.sentences()]


def test_from_json_rerenders_without_any_model(digests: Path, env: dict[str, str], tmp_path: Path) -> None:
    inputs = sorted(str(p) for p in digests.glob("*.json"))
    out = tmp_path / "again"
    no_models = {**env, "MTDIGEST_HOME": str(tmp_path / "empty-home")}
    result = CliRunner().invoke(app, ["digest", *inputs, "--from-json", "-o", str(out), "-q"], env=no_models)
    assert result.exit_code == 0, result.output
    for path in inputs:
        assert json.loads((out / Path(path).name).read_text(encoding="utf-8")) == json.loads(
            Path(path).read_text(encoding="utf-8"))


def test_a_failed_article_leaves_no_partial_file_and_the_others_are_written(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "000_41b56ad6ca49ea79.html").mkdir(parents=True)  # this article's HTML cannot be written
    inputs = [str(SEEDS / "000_41b56ad6ca49ea79.txt"), str(SEEDS / "003_74ed4e50eb75564b.txt"),
              str(tmp_path / "missing.txt")]
    result = CliRunner().invoke(app, ["digest", *inputs, "-o", str(out), "--fast", "--method", "extractive"], env=env)
    assert result.exit_code == 1
    assert "missing.txt" in result.output and "000_41b56ad6ca49ea79" in result.output
    assert (out / "003_74ed4e50eb75564b.html").is_file() and (out / "index.html").is_file()
    assert not list(out.glob("000_41b56ad6ca49ea79.json")) and not list(out.rglob("*.part"))


def test_missing_models_exit_3_with_instructions(tmp_path: Path) -> None:
    env = {"MTDIGEST_HOME": str(tmp_path / "home"), "MTDIGEST_LOCK": str(ROOT / "models.lock"),
           "MTDIGEST_CACHE": str(tmp_path / "c.sqlite")}
    result = CliRunner().invoke(app, ["digest", str(SEEDS), "-o", str(tmp_path / "out")], env=env)
    assert result.exit_code == 3
    assert ("mtdigest models pull opus-mt-tc-bible-big-iir-en" in result.output
            or "mtdigest models pull opus-mt-tc-big-ar-en" in result.output)
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


@needs_browser
def test_html_in_a_real_browser(digests: Path) -> None:
    with headless_browser() as driver:
        driver.get((digests / "003_74ed4e50eb75564b.html").as_uri())
        geometry = """return [...document.querySelectorAll('table.pairs tbody tr')].map(tr => {
            const en = tr.querySelector('td.en').getBoundingClientRect();
            const src = tr.querySelector('td.src');
            const s = src.getBoundingClientRect();
            return {enTop: en.top, enLeft: en.left, enBottom: en.bottom, srcTop: s.top, srcLeft: s.left,
                    dir: getComputedStyle(src).direction};
        });"""
        desktop = driver.execute_script(geometry)
        assert desktop and all(r["dir"] == "rtl" for r in desktop)
        assert all(abs(r["enTop"] - r["srcTop"]) < 1 and r["enLeft"] < r["srcLeft"] for r in desktop)
        driver.save_screenshot(str(ARTIFACTS / "digest-desktop.png"))
        driver.set_window_size(390, 900)
        phone = driver.execute_script(geometry)
        assert all(r["srcTop"] >= r["enBottom"] - 1 and abs(r["enLeft"] - r["srcLeft"]) < 2 for r in phone)
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        driver.save_screenshot(str(ARTIFACTS / "digest-phone.png"))
        fetched = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert fetched == []
        for width in (DESKTOP, PHONE):  # every page the run wrote, read as the pages promise
            set_width(driver, width)
            for page in sorted(digests.glob("*.html")):
                driver.get(page.as_uri())
                assert page_problems(driver) == [], page.name


def test_outputs_get_the_usual_file_permissions(tmp_path: Path) -> None:
    from core.output import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.md", "text")
    finally:
        os.umask(old)
    assert (tmp_path / "a.md").stat().st_mode & 0o777 == 0o644


def test_nul_bytes_never_reach_the_page_and_english_cells_are_isolates() -> None:
    from digest.render import render
    from core.article import Article, Flag, Paragraph, Sentence, Title

    english = "Prices rose \u202eby 15 percent"  # an override the text never closes (pasted into compare)
    article = Article(id="nul", language="fa", title=Title("عنوان\x00", "Title\x00"), paragraphs=[Paragraph("p1", [
        Sentence("p1.s1", "قیمت\x00ها ۱۵ درصد بالا رفت.", "قیمت ها 15 درصد بالا رفت.", english=english,
                 flags=[Flag("number_missing", "15")])])])
    html, markdown = render(article, "html"), render(article, "md")
    for text in (html, markdown):
        assert "\x00" not in text and "\ufffd" in text
    shown = english.replace("\u202e", "⟨RLO⟩")  # visible, and no longer reordering anything
    assert f'<td class="en" lang="en"><span dir="ltr">{shown}</span><span class="flag"' in html
    assert f"\u2066{shown}\u2069" in markdown  # and the English is an isolate (LRI … PDI) all the same
    assert "\u202e" not in html and "\u202e" not in markdown
    assert article.to_dict()["paragraphs"][0]["sentences"][0]["english"] == english  # JSON keeps it as written


@needs_browser
def test_a_bidi_override_in_a_sentence_leaves_the_next_row_and_the_english_column_unchanged(tmp_path: Path) -> None:
    from digest.render import render
    from core.article import Flag, Paragraph, Sentence, Title

    def article(override: str) -> Article:
        first = f"وزیر گفت {override}قیمت‌ها ۱۵ درصد بالا رفت. و دیگر"
        rows = [Sentence("p1.s1", first, first, english=f"The minister said {override}prices rose 15 percent.",
                         flags=[Flag("number_missing", "15")]),
                Sentence("p1.s2", "نشست در تهران برگزار شد.", "نشست در تهران برگزار شد.",
                         english="The meeting was held in Tehran on 5 March.", flags=[Flag("length_ratio", "x")])]
        return Article(id="bidi", language="fa", title=Title("عنوان", "Title"), paragraphs=[Paragraph("p1", rows)])

    geometry = """return [...document.querySelectorAll('table.pairs tbody tr')].map(tr => [...tr.cells].map(td => {
        const r = td.getBoundingClientRect();
        return {left: r.left, top: r.top, width: r.width, height: r.height, text: td.innerText};
    }));"""
    pages = {}
    with headless_browser() as driver:
        for name, override in (("plain", ""), ("override", "\u202e")):
            path = tmp_path / f"{name}.html"
            path.write_text(render(article(override), "html"), encoding="utf-8")
            driver.get(path.as_uri())
            pages[name] = driver.execute_script(geometry)
            driver.save_screenshot(str(ARTIFACTS / f"digest-bidi-{name}.png"))
    plain, overridden = pages["plain"], pages["override"]
    assert overridden[1] == plain[1]  # the next row: same boxes, same text
    english = overridden[0][1]
    assert english["left"] == plain[0][1]["left"] and english["width"] == plain[0][1]["width"]
    assert english["text"].startswith("The minister said ⟨RLO⟩prices rose 15 percent.")
    assert english["text"].rstrip().endswith("number missing: 15")  # the flag and its detail stay after the English
    assert "⟨RLO⟩" in overridden[0][2]["text"]  # shown in the source cell, where it was written


def test_a_cached_re_run_makes_no_summary_call_and_loads_no_summarizer(
    digests: Path, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import summarize.engine

    loaded: list[str] = []
    real = summarize.engine.load_summarizer
    monkeypatch.setattr(summarize.engine, "load_summarizer",
                        lambda entry, *a, **k: (loaded.append(entry.alias), real(entry, *a, **k))[1])
    again = tmp_path / "again"
    result = CliRunner().invoke(app, ["digest", str(SEEDS), "-o", str(again), "--fast", "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert loaded == []  # every summary came from the cache the `digests` run filled
    for first in digests.glob("0*.json"):
        before = json.loads(first.read_text(encoding="utf-8"))
        after = json.loads((again / first.name).read_text(encoding="utf-8"))
        assert after["summary"] == before["summary"]
        assert after["models"]["summarize"]["signature"] == before["models"]["summarize"]["signature"]
    # Other summary settings are another key: the summarizer is loaded (once) and run.
    result = CliRunner().invoke(app, ["digest", str(SEEDS / "003_74ed4e50eb75564b.txt"), "-o", str(tmp_path / "longer"),
                                      "--fast", "--sentences", "1", "-q"], env=env)
    assert result.exit_code == 0 and loaded == ["tiny-bart"]


def test_the_last_lines_say_what_was_cached_and_where_to_start_reading(
    digests: Path, env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "again"
    result = CliRunner().invoke(app, ["digest", str(SEEDS / "003_74ed4e50eb75564b.txt"), "-o", str(out), "--fast",
                                      "--method", "extractive"], env=env)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert re.search(r"wrote 5 file\(s\); (\d+) of \1 sentences from the cache; 0 input\(s\) failed", lines[-2])
    assert lines[-1] == f"open {out / 'index.html'}"

