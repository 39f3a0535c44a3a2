"""Ingestion of the five seeds, seen through `mtdigest inspect --json`, against hand-checked gold.

Gold files (tests/data/ingest/<seed id>.json) list the body lines (as kept, after a
glued prefix is cut), the removed lines and fragments with their reasons, the title,
the metadata the text states, and the language. Kept lines are scored with
precision/recall: every kept line must be body, every body line kept.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO_ROOT / "seeds").glob("*.txt"))
GOLD_DIR = REPO_ROOT / "tests" / "data" / "ingest"


def _squash(text: str) -> str:
    return " ".join(text.split())


def kept_lines(article: dict) -> list[str]:
    """Each kept paragraph as one line of text (whitespace squashed)."""
    return [_squash(" ".join(s["source"] for s in p["sentences"])) for p in article["paragraphs"]]


def precision_recall(article: dict, gold: dict) -> tuple[float, float]:
    kept = kept_lines(article)
    body = [_squash(line["text"]) for line in gold["body"]]
    hits = sum(1 for line in kept if line in body)
    found = sum(1 for line in body if line in kept)
    return (hits / len(kept) if kept else 1.0), (found / len(body) if body else 1.0)


@pytest.fixture(scope="module")
def inspected() -> dict[str, dict]:
    result = CliRunner().invoke(app, ["inspect", "--json", *[str(p) for p in SEEDS]])
    assert result.exit_code == 0, result.output
    articles = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {a["id"]: a for a in articles}


@pytest.fixture(scope="module")
def golds() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD_DIR.glob("*.json"))}


def test_every_seed_has_gold(golds: dict[str, dict]) -> None:
    assert sorted(golds) == [p.stem for p in SEEDS]


@pytest.mark.parametrize("seed", [p.stem for p in SEEDS])
def test_kept_lines_match_gold(seed: str, inspected: dict[str, dict], golds: dict[str, dict]) -> None:
    article, gold = inspected[seed], golds[seed]
    precision, recall = precision_recall(article, gold)
    kept = kept_lines(article)
    body = [_squash(line["text"]) for line in gold["body"]]
    assert [line for line in kept if line not in body] == [], "boilerplate kept"
    assert [line for line in body if line not in kept] == [], "body line dropped"
    assert (precision, recall) == (1.0, 1.0)
    assert kept == body  # and in document order


@pytest.mark.parametrize("seed", [p.stem for p in SEEDS])
def test_removed_lines_and_reasons_match_gold(seed: str, inspected: dict[str, dict], golds: dict[str, dict]) -> None:
    removed = [(r["text"], r["reason"]) for r in inspected[seed]["removed"]]
    assert removed == [(r["text"], r["reason"]) for r in golds[seed]["removed"]]


@pytest.mark.parametrize("seed", [p.stem for p in SEEDS])
def test_metadata_matches_gold(seed: str, inspected: dict[str, dict], golds: dict[str, dict]) -> None:
    article, gold = inspected[seed], golds[seed]
    assert article["id"] == seed
    assert article["schema_version"] == 1
    assert article["language"] == gold["language"]
    assert article["language_confidence"] >= 0.9
    assert article["title"]["source"] == gold["title"]
    for key in ("published", "published_as_written", "outlet", "author", "news_code"):
        assert article[key] == gold[key], key


@pytest.mark.parametrize("seed", [p.stem for p in SEEDS])
def test_sentences_are_exact_substrings_with_stable_ids(seed: str, inspected: dict[str, dict]) -> None:
    text = (REPO_ROOT / "seeds" / f"{seed}.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    article = inspected[seed]
    for p_number, paragraph in enumerate(article["paragraphs"], start=1):
        assert paragraph["id"] == f"p{p_number}"
        for s_number, sentence in enumerate(paragraph["sentences"], start=1):
            assert sentence["id"] == f"p{p_number}.s{s_number}"
            assert any(sentence["source"] in line for line in lines), sentence["source"]
            assert sentence["source"] == sentence["source"].strip()
            assert sentence["normalized"]
            assert sentence["english"] is None


def test_persian_normalization_restores_zwnj_in_seed(inspected: dict[str, dict]) -> None:
    sentences = [s for p in inspected["000_41b56ad6ca49ea79"]["paragraphs"] for s in p["sentences"]]
    lead = sentences[0]
    assert "میدانیم" in lead["source"] and "می\u200cدانیم" in lead["normalized"]
    normalized = " ".join(s["normalized"] for s in sentences)
    assert "گروه\u200cهای" in normalized and "گروههای" not in normalized


def test_seed_paragraph_is_split_into_sentences(inspected: dict[str, dict]) -> None:
    paragraphs = inspected["002_31b79cce48f1d696"]["paragraphs"]
    caesar = next(p for p in paragraphs if "سزار" in p["sentences"][0]["source"])
    assert [s["source"].split()[-1] for s in caesar["sentences"]] == ["کودکانشان.", "کنیم."]


def test_inspect_human_view_shows_language_ids_and_removed() -> None:
    result = CliRunner().invoke(app, ["inspect", str(REPO_ROOT / "seeds" / "003_74ed4e50eb75564b.txt")])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "fa (1.00)" in out or "fa (0.9" in out
    assert "p1.s1" in out and "p8.s1" in out
    assert "read_more" in out and "captcha" in out and "1224974" in out


def precision_recall_table() -> list[tuple[str, float, float]]:
    """Per-seed figures, for the closing note (`python -m tests.test_ingest`)."""
    result = CliRunner().invoke(app, ["inspect", "--json", *[str(p) for p in SEEDS]])
    articles = {a["id"]: a for a in map(json.loads, result.stdout.splitlines())}
    rows = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        rows.append((path.stem, *precision_recall(articles[path.stem], gold)))
    return rows


if __name__ == "__main__":
    for seed, p, r in precision_recall_table():
        print(f"{seed}  precision {p:.3f}  recall {r:.3f}")
