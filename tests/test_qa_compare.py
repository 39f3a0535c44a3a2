"""`mtdigest compare` end to end on a seed with a stand-in English translation, with and without a model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from mt.article import Article
from mt.qa import compare_translation
from tests.test_qa_align import SEEDS, as_text, perturbed, seed_article, standin

SEED = SEEDS[2]  # 002: a title, numbers (503428, ۲۰۱۱), a quotation, 15 sentences


def stand_in_translation(tmp_path: Path) -> tuple[Path, list]:
    article = seed_article(SEED)
    case = perturbed(article, 2, merges=1, splits=1, drops=1, inserts=0)
    title = standin(article.title.source, "fa", "title")[:-1]
    path = tmp_path / "english.txt"
    path.write_text(f"{title}\n\n{as_text(case.english, 7)}", encoding="utf-8")
    return path, case.gold


def run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args, env=env)
    stderr = getattr(result, "stderr", "") if getattr(result, "stderr_bytes", None) is not None else ""
    return result.exit_code, result.output + stderr


def _check_outputs(out: Path, article_id: str) -> dict:
    for fmt in ("html", "md", "json"):
        assert (out / f"{article_id}.{fmt}").is_file()
    data = json.loads((out / f"{article_id}.json").read_text(encoding="utf-8"))
    article = Article.from_dict(data)
    sentences = article.sentences()
    assert all(s.english is not None for s in sentences)
    for s in sentences:
        if s.merged_into:  # 2–1: English on the first, the second linked to it
            assert s.english == "" and any(f.code == "merged" for f in s.flags)
            assert next(t for t in sentences if t.id == s.merged_into).english
        elif not s.english:
            assert any(f.code == "dropped" for f in s.flags)
    html = (out / f"{article_id}.html").read_text(encoding="utf-8")
    assert 'class="flag"' in html  # the digest shows the flags
    try:
        import jsonschema
    except ImportError:
        pass
    else:
        schema = json.loads((Path(__file__).parent.parent / "digest" / "schema" / "article-v1.schema.json")
                            .read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
    return json.loads((out / f"{article_id}.report.json").read_text(encoding="utf-8"))


def test_compare_without_a_model(tmp_path: Path) -> None:
    english, _ = stand_in_translation(tmp_path)
    env = {"MTDIGEST_HOME": str(tmp_path / "empty-home"), "MTDIGEST_CACHE": str(tmp_path / "c.sqlite")}
    (tmp_path / "empty-home").mkdir()
    code, output = run(["compare", str(SEED), str(english), "-o", str(tmp_path / "out")], env)
    assert code == 0, output
    assert "without model similarity" in output and "coverage" in output
    report = _check_outputs(tmp_path / "out", SEED.stem)
    assert report["similarity"]["model"] is None
    assert "no translation model here" in report["similarity"]["note"]
    beads = report["alignment"]["beads"]
    assert beads["2-1"] >= 1 and beads["1-2"] >= 1 and beads["1-0"] >= 1
    assert report["coverage"]["english"] == 1.0 and report["coverage"]["source"] < 1.0
    assert report["flags"]["by_code"].get("dropped", 0) >= 1


def test_compare_with_the_tiny_model(tmp_path: Path, tiny_models: Path) -> None:
    english, _ = stand_in_translation(tmp_path)
    env = {"MTDIGEST_LOCK": str(tiny_models / "models.lock"), "MTDIGEST_HOME": str(tiny_models / "home"),
           "MTDIGEST_CACHE": str(tmp_path / "c.sqlite")}
    code, output = run(["compare", str(SEED), str(english), "-o", str(tmp_path / "out"), "--format", "json,html",
                        "--fast", "--engine", "transformers"], env)
    assert code == 0, output
    assert "chrF" in output and "BLEU" in output
    report = json.loads((tmp_path / "out" / f"{SEED.stem}.report.json").read_text(encoding="utf-8"))
    similarity = report["similarity"]
    assert similarity["model"] and similarity["pairs"] > 0
    assert 0 <= similarity["chrf"] <= 100 and 0 <= similarity["bleu"] <= 100
    assert similarity["chrf_signature"].startswith("nrefs:1") and "sim:char3-f1" in report["alignment"]["signature"]
    assert not (tmp_path / "out" / f"{SEED.stem}.md").exists()
    code, output = run(["compare", str(SEED), str(english), "-o", str(tmp_path / "out2"), "--no-model"], env)
    assert code == 0 and "--no-model given" in output


def test_compare_library_recovers_the_stand_in_alignment(tmp_path: Path) -> None:
    english, gold = stand_in_translation(tmp_path)
    article = seed_article(SEED)
    result = compare_translation(article, english.read_text(encoding="utf-8"))
    ids = [s.id for s in article.sentences()]
    got = {(tuple(link["source"]), tuple(link["english"])) for link in result.report["alignment"]["links"]}
    # gold is over sentences and English without the title line: shift English by one, add the title bead
    expected = {(tuple(ids[i] for i in b.source), tuple(j + 1 for j in b.english)) for b in gold}
    expected.add((("title",), (0,)))
    share = len(got & expected) / len(expected)
    print(f"\ncompare on {SEED.stem}: {share:.0%} of beads recovered without a model")
    assert share >= 0.9


def test_compare_rejects_unusable_inputs(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    code, output = run(["compare", str(SEED), str(empty), "-o", str(tmp_path / "out"), "--no-model"], {})
    assert code != 0 and "empty" in output
    code, output = run(["compare", str(SEED), str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o"),
                        "--no-model"], {})
    assert code != 0 and "cannot read" in output


def test_translation_carries_quality_flags(tmp_path: Path, tiny_models: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """translate_articles runs the checks: the JSON and digest badges carry them (tiny-model noise gets flagged)."""
    from mt.pipeline import TranslateSettings, translate_inputs
    from mt.qa import QA_CODES, check_article

    monkeypatch.setenv("MTDIGEST_HOME", str(tiny_models / "home"))
    monkeypatch.setenv("MTDIGEST_CACHE", str(tmp_path / "c.sqlite"))
    article = seed_article(SEED)
    settings = TranslateSettings(lock_path=tiny_models / "models.lock", engine="transformers", beam_size=1)
    report = translate_inputs([article], settings)
    assert not report.failed
    codes = {f.code for s in article.sentences() for f in s.flags}
    assert codes & QA_CODES
    before = [[(f.code, f.detail) for f in s.flags] for s in article.sentences()]
    check_article(article)
    assert [[(f.code, f.detail) for f in s.flags] for s in article.sentences()] == before
