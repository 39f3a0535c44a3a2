"""`mtdigest summarize`: extractive with no model installed, the missing-model message, article JSON
input, and a Persian source translated first (tiny NLLB) with back-translation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from core.article import Article, Paragraph, Sentence, Title
from tests.tiny_models import product_shaped_lock

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ENGLISH_TEXT = """Ministers meet in the capital

The foreign minister met his counterpart in the capital on Monday to discuss regional security. Both sides agreed to expand cooperation in trade, energy and transport over the next five years.

The defence minister said the armed forces were ready to protect the country's borders. Officials from the two countries signed a memorandum of understanding on military training.

Analysts said the visit was a sign of closer ties between the two governments. The prime minister will travel abroad next week for a summit on economic cooperation.
"""


def run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args, env=env)
    stderr = getattr(result, "stderr", "") if getattr(result, "stderr_bytes", None) is not None else ""
    return result.exit_code, result.output + stderr


@pytest.fixture
def empty_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """No model installed at all, the shipped lock."""
    monkeypatch.delenv("MTDIGEST_LOCK", raising=False)
    (tmp_path / "empty-home").mkdir()
    return {"MTDIGEST_HOME": str(tmp_path / "empty-home")}


def test_extractive_works_with_no_model_installed(tmp_path: Path, empty_home: dict[str, str]) -> None:
    source = tmp_path / "english.txt"
    source.write_text(ENGLISH_TEXT, encoding="utf-8")
    code, output = run(["summarize", str(source), "-o", str(tmp_path / "out"), "--method", "extractive",
                        "--format", "json,md", "--sentences", "2"], empty_home)
    assert code == 0, output
    data = json.loads((tmp_path / "out" / "english.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["language"] == "en"
    assert data["summary"]["method"] == "extractive" and len(data["summary"]["sentences"]) == 2
    ids = {s["id"]: s for p in data["paragraphs"] for s in p["sentences"]}
    for line in data["summary"]["sentences"]:
        assert ids[line["support"][0]]["english"] == line["english"]
    markdown = (tmp_path / "out" / "english.md").read_text(encoding="utf-8")
    assert "## Summary (extractive)" in markdown and data["summary"]["sentences"][0]["support"][0] in markdown
    assert not list((tmp_path / "empty-home").iterdir())  # nothing was fetched or written there


def test_abstractive_without_a_model_exits_3_and_offers_extractive(tmp_path: Path, empty_home: dict[str, str]) -> None:
    source = tmp_path / "english.txt"
    source.write_text(ENGLISH_TEXT, encoding="utf-8")
    code, output = run(["summarize", str(source), "-o", str(tmp_path / "out")], empty_home)
    assert code == 3
    assert "--method extractive" in output and "models pull" in output
    assert not (tmp_path / "out").exists()


def test_sentences_and_ratio_are_exclusive(tmp_path: Path, empty_home: dict[str, str]) -> None:
    code, output = run(["summarize", "x.txt", "-o", str(tmp_path), "--sentences", "2", "--ratio", "0.5"], empty_home)
    assert code == 2 and "not both" in output


def test_translated_article_json_is_read_back_not_translated(tmp_path: Path, empty_home: dict[str, str]) -> None:
    article = Article(id="fa-json", language="fa", title=Title("عنوان", "Title"), paragraphs=[
        Paragraph("p1", [Sentence("p1.s1", "وزیر دفاع با همتای سوری خود دیدار کرد.", "وزیر دفاع با همتای سوری خود دیدار کرد.",
                                  english="The defence minister met his Syrian counterpart.")]),
        Paragraph("p2", [Sentence("p2.s1", "دو طرف بر همکاری تاکید کردند.", "دو طرف بر همکاری تاکید کردند.",
                                  english="Both sides stressed cooperation in air defence.")]),
    ])
    path = tmp_path / "fa-json.json"
    path.write_text(json.dumps(article.to_dict(), ensure_ascii=False), encoding="utf-8")
    code, output = run(["summarize", str(path), "-o", str(tmp_path / "out"), "--method", "extractive",
                        "--format", "md"], empty_home)
    assert code == 0, output
    markdown = (tmp_path / "out" / "fa-json.md").read_text(encoding="utf-8")
    assert "| # | summary | support | English | source |" in markdown
    assert "وزیر دفاع با همتای سوری خود دیدار کرد." in markdown and "p1.s1" in markdown


def test_persian_source_is_translated_then_summarized_and_back_translated(
    tmp_path: Path, tiny_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MTDIGEST_LOCK", raising=False)
    lines = [line for line in (SEEDS / "000_41b56ad6ca49ea79.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    source = tmp_path / "fa.txt"
    source.write_text("\n\n".join(lines[:3]) + "\n", encoding="utf-8")
    env = {"MTDIGEST_HOME": str(tiny_models / "home"), "MTDIGEST_LOCK": str(tiny_models / "models.lock")}
    code, output = run(["summarize", str(source), "-o", str(tmp_path / "out"), "--method", "extractive",
                        "--back-translate", "--fast", "--no-cache", "--engine", "transformers", "-q"], env)
    assert code == 0, output
    data = json.loads((tmp_path / "out" / "fa.json").read_text(encoding="utf-8"))
    assert data["language"] == "fa" and data["models"]["translate"]["alias"] == "tiny-nllb"
    assert all(s["english"] is not None for p in data["paragraphs"] for s in p["sentences"])
    assert isinstance(data["summary"]["back_translation"], str)
    assert data["models"]["summarize"]["back_translation"]["alias"] == "tiny-nllb"


def test_an_english_mask_token_is_summarized_as_text_in_the_distilbart_layout(
    tmp_path: Path, tiny_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # distilbart-cnn-12-6's tokenizer knows `<mask>` (50264), its model has 50264 rows: read as a token it
    # stopped `summarize --engine transformers` with an IndexError traceback.
    monkeypatch.delenv("MTDIGEST_LOCK", raising=False)
    source = tmp_path / "english.txt"
    source.write_text(ENGLISH_TEXT.replace("regional security.", "regional security and <mask> models </s>."),
                      encoding="utf-8")
    lock = product_shaped_lock(tiny_models, tmp_path / "models.lock")
    env = {"MTDIGEST_HOME": str(tiny_models / "home"), "MTDIGEST_LOCK": str(lock)}
    code, output = run(["summarize", str(source), "-o", str(tmp_path / "out"), "--engine", "transformers",
                        "--fast", "-q"], env)
    assert code == 0, output
    assert "Traceback" not in output
    data = json.loads((tmp_path / "out" / "english.json").read_text(encoding="utf-8"))
    assert data["models"]["summarize"]["alias"] == "tiny-distilbart-hub" and data["summary"]["sentences"]
    assert "<mask>" in data["paragraphs"][0]["sentences"][0]["english"]


def test_an_output_that_is_a_file_is_exit_2_before_anything_is_translated(tmp_path: Path, empty_home: dict[str, str]) -> None:
    source = tmp_path / "english.txt"
    source.write_text(ENGLISH_TEXT, encoding="utf-8")
    target = tmp_path / "a-file"
    target.write_text("x", encoding="utf-8")
    code, output = run(["summarize", str(source), "-o", str(target)], empty_home)  # no model here: would exit 3
    assert code == 2 and "is not a directory" in output and "Traceback" not in output
