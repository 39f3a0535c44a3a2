"""Scoring a translation we did not make: forced decoding of their English and of ours for every aligned pair
(`mt.scoring`, `mt.qa.agreement`), in `mtdigest compare`'s report and page, and `mtdigest score`.

Tiny random models give near-uniform, tiny probabilities (every confidence rounds to 0.000 or 0.001), so
these tests compare mean log-probabilities per token (what a confidence is the exp of) and check the
arithmetic and the plumbing, never translation quality.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from core.article import Article, Paragraph, Sentence
from mt.engine import confidence
from mt.qa.agreement import mark_pairs, score_pairs, summarize_pairs
from mt.qa.alignment import Alignment, Bead
from mt.qa.length import LengthModel
from mt.review import DISAGREE_GAP
from mt.scoring import MAX_SCORED_TOKENS, ForcedScorer
from mt.translate import translate_articles
from tests.test_confidence import GREEDY, TEXTS, engines  # noqa: F401 - the tiny engines, both back ends
from tests.test_qa_compare import SEED, run, stand_in_translation

SOURCES = [*TEXTS, "سخنگوی وزارت خارجه در نشست خبری هفتگی به پرسش خبرنگاران پاسخ داد.",
           "او گفت مذاکرات هفته آینده ادامه خواهد یافت.", "هیئت ایرانی روز دوشنبه به تهران بازگشت."]


def mean(pair: dict, side: str = "") -> float:
    return pair[f"{side}logprob"] / pair[f"{side}tokens"]


def source_article() -> Article:
    return Article(id="a", language="fa", paragraphs=[
        Paragraph("p1", [Sentence(f"p1.s{n}", text, text) for n, text in enumerate(SOURCES, start=1)])])


@pytest.mark.parametrize("engine_name", ["transformers", "ctranslate2"])
def test_a_shuffled_translation_scores_below_ours_and_is_flagged_past_the_gap(
    engines: dict, engine_name: str  # noqa: F811
) -> None:
    """Their English: ours as is, ours shuffled, ours in reverse word order, and ours of two sentences given as
    one (2–1). (Ours cut in half is not reliably lower: a mean per token does not see what is missing, and the
    end token is not counted; omissions are the aligner's and the length checks' to catch.)"""
    engine = engines[("tiny-nllb", engine_name)]
    ours_article = source_article()
    # Our English from full-vocabulary decoding (the tiny model restricted to English pieces writes only
    # degenerate text); both sides are then scored by `engine`.
    translate_articles([ours_article], engines[("tiny-nllb", "transformers")], GREEDY)
    ours = [s.english or "" for s in ours_article.sentences()]
    words = [text.split() for text in ours]
    theirs = [ours[0], " ".join(random.Random(0).sample(words[1], len(words[1]))), " ".join(reversed(words[2])),
              f"{ours[3]} {ours[4]}"]
    beads = [Bead((0,), (0,)), Bead((1,), (1,)), Bead((2,), (2,)), Bead((3, 4), (3,))]
    alignment = Alignment(beads, 1.2, True, "test", LengthModel(1.2))
    ids = [s.id for s in ours_article.sentences()]
    scorer = ForcedScorer(engine, "fa")

    def pairs(gap: float) -> list[dict]:
        return score_pairs(alignment, ids, SOURCES, theirs, ours, scorer, gap)

    scored = pairs(DISAGREE_GAP)
    assert [p["source"] for p in scored] == [["p1.s1"], ["p1.s2"], ["p1.s3"], ["p1.s4", "p1.s5"]]
    for pair in scored:
        assert pair["confidence"] == confidence(pair["logprob"], pair["tokens"]) and pair["our_confidence"] is not None
        assert pair["gap"] == pytest.approx(mean(pair, "our_") - mean(pair), abs=1e-3)
    same, shuffled, reversed_, merged = scored
    assert same["gap"] == merged["gap"] == 0 and same["logprob"] == same["our_logprob"]
    assert mean(shuffled) < mean(shuffled, "our_") and mean(reversed_) < mean(reversed_, "our_")
    # A near-uniform random model cannot prefer any English by a nat a token: nothing passes the default.
    assert all(p["gap"] < DISAGREE_GAP and p["model_disagrees"] is False for p in scored)
    between = (shuffled["gap"] + reversed_["gap"]) / 2
    larger = "p1.s2" if shuffled["gap"] > reversed_["gap"] else "p1.s3"
    assert [p["source"] for p in pairs(between) if p["model_disagrees"]] == [[larger]]
    assert [p["source"] for p in pairs(0.0) if p["model_disagrees"]] == [["p1.s2"], ["p1.s3"]]

    article = source_article()
    flagged = pairs(0.0)
    mark_pairs(article, article.sentences(), alignment, flagged, review_below=0.0, gap=0.0)
    by_id = {s.id: s for s in article.sentences()}
    assert [s.id for s in article.sentences() if any(f.code == "model_disagrees" for f in s.flags)] == ["p1.s2",
                                                                                                      "p1.s3"]
    assert "log-probability gap" in next(f.detail for f in by_id["p1.s2"].flags if f.code == "model_disagrees")
    assert by_id["p1.s4"].confidence == merged["confidence"] and by_id["p1.s5"].confidence is None
    summary = summarize_pairs(flagged, scorer.signature, 0.0)
    assert summary["model_disagrees"] == 2 and summary["pairs_scored"] == 4 and summary["disagree_gap"] == 0.0
    assert summary["document_confidence"] == confidence(sum(p["logprob"] for p in flagged),
                                                        sum(p["tokens"] for p in flagged))
    assert "|forced" in summary["model"] and engine.entry.alias in summary["model"]


def test_the_scorer_batches_in_order_and_skips_what_it_cannot_score(engines: dict) -> None:  # noqa: F811
    engine = engines[("tiny-nllb", "transformers")]
    english = ["The minister travelled to Doha.", "Prices rose 15 percent.", "", "word " * (MAX_SCORED_TOKENS + 1)]
    sources = [*TEXTS, TEXTS[0], TEXTS[1]]
    whole = ForcedScorer(engine, "fa")(sources, english)
    one_by_one = ForcedScorer(engine, "fa", max_batch_tokens=1)(sources, english)
    assert [s.tokens for s in whole] == [s.tokens for s in one_by_one] and whole[0].tokens > 0
    assert [s.logprob for s in whole] == pytest.approx([s.logprob for s in one_by_one], abs=1e-3)
    assert whole[2].tokens == whole[3].tokens == 0  # nothing written; past the position limit: no score


@pytest.fixture
def tiny_env(tiny_models: Path, tmp_path: Path) -> dict[str, str]:
    return {"MTDIGEST_LOCK": str(tiny_models / "models.lock"), "MTDIGEST_HOME": str(tiny_models / "home"),
            "MTDIGEST_CACHE": str(tmp_path / "c.sqlite"), "COLUMNS": "160"}


def test_compare_reports_both_confidences_for_every_aligned_pair(tmp_path: Path, tiny_env: dict) -> None:
    english, _ = stand_in_translation(tmp_path)
    out = tmp_path / "out"
    code, output = run(["compare", str(SEED), str(english), "-o", str(out), "--fast", "--engine", "transformers",
                        "--disagree-gap", "0"], tiny_env)
    assert code == 0, output
    assert "model confidence (tiny-nllb@" in output and "model_disagrees on" in output
    report = json.loads((out / f"{SEED.stem}.report.json").read_text(encoding="utf-8"))
    scores = report["model_scores"]
    aligned = [link for link in report["alignment"]["links"] if link["source"] and link["english"]]
    assert [(p["source"], p["english"]) for p in scores["pairs"]] == [(l["source"], l["english"]) for l in aligned]
    assert any(len(p["source"]) == 2 for p in scores["pairs"])  # the 2–1 bead is scored as one pair
    for pair in scores["pairs"]:
        assert 0 <= pair["confidence"] <= 1 and 0 <= pair["our_confidence"] <= 1
        assert pair["model_disagrees"] is (pair["gap"] > 0)
    assert scores["pairs_scored"] == len(aligned) and scores["disagree_gap"] == 0.0
    assert scores["our_document_confidence"] == confidence(sum(p["our_logprob"] for p in scores["pairs"]),
                                                           sum(p["our_tokens"] for p in scores["pairs"]))
    disagreeing = [p["source"][0] for p in scores["pairs"] if p["model_disagrees"] and p["source"][0] != "title"]
    assert disagreeing and report["flags"]["by_code"]["model_disagrees"] == len(disagreeing)
    article = json.loads((out / f"{SEED.stem}.json").read_text(encoding="utf-8"))
    sentences = {s["id"]: s for p in article["paragraphs"] for s in p["sentences"]}
    for pair in scores["pairs"]:  # the sentence holding their English carries the model's confidence in it
        holder = next(sid for sid in pair["source"] if sid != "title") if pair["source"] != ["title"] else None
        got = article["title"]["confidence"] if holder is None else sentences[holder]["confidence"]
        assert got == pair["confidence"]
    page = (out / f"{SEED.stem}.html").read_text(encoding="utf-8")
    assert "Model confidence" in page and f"model disagrees {len(disagreeing)}" in page
    assert 'title="model confidence ' in page and 'class="legend"' in page
    (tmp_path / "empty-home").mkdir()  # ours from the cache, the model gone: similarity, but no scores
    code, output = run(["compare", str(SEED), str(english), "-o", str(tmp_path / "again"), "--fast", "--engine",
                        "transformers", "--offline"], {**tiny_env, "MTDIGEST_HOME": str(tmp_path / "empty-home")})
    assert code == 0, output
    again = json.loads((tmp_path / "again" / f"{SEED.stem}.report.json").read_text(encoding="utf-8"))
    assert again["similarity"].get("chrf") == report["similarity"]["chrf"], (again["similarity"], again["model_scores"])
    assert again["model_scores"]["model"] is None
    assert "no translation model here" in again["model_scores"]["note"]


def test_compare_without_a_model_carries_no_scores(tmp_path: Path, tiny_env: dict) -> None:
    english, _ = stand_in_translation(tmp_path)
    out = tmp_path / "out"
    code, output = run(["compare", str(SEED), str(english), "-o", str(out), "--no-model"], tiny_env)
    assert code == 0 and "model confidence" not in output, output
    report = json.loads((out / f"{SEED.stem}.report.json").read_text(encoding="utf-8"))
    assert report["model_scores"]["model"] is None and "pairs" not in report["model_scores"]
    assert "--no-model given" in report["model_scores"]["note"]
    assert not {"model_disagrees", "low_confidence"} & set(report["flags"]["by_code"])
    article = json.loads((out / f"{SEED.stem}.json").read_text(encoding="utf-8"))
    assert all(s.get("confidence") is None for p in article["paragraphs"] for s in p["sentences"])
    assert "ran without model scores" in (out / f"{SEED.stem}.html").read_text(encoding="utf-8")
    code, output = run(["compare", str(SEED), str(english), "-o", str(out), "--disagree-gap", "nan"], tiny_env)
    assert code == 2 and "--disagree-gap nan" in output


def test_score_prints_their_confidence_per_pair_and_the_document_mean(tmp_path: Path, tiny_env: dict) -> None:
    english, _ = stand_in_translation(tmp_path)
    code, output = run(["score", str(SEED), str(english), "--json", "--engine", "transformers"], tiny_env)
    assert code == 0, output
    data = json.loads(output.strip().splitlines()[-1])
    assert set(data) == {"id", "source", "translation", "model", "pairs_scored", "document_confidence", "pairs"}
    assert data["id"] == SEED.stem and data["translation"] == str(english) and "|forced" in data["model"]
    pairs = data["pairs"]
    assert pairs and data["pairs_scored"] == len(pairs) and pairs[0]["source"] == ["title"]
    for pair in pairs:
        assert pair["text"] and pair["tokens"] > 0 and pair["confidence"] == confidence(pair["logprob"], pair["tokens"])
        assert pair["our_confidence"] is None and pair["model_disagrees"] is None  # score translates nothing
    assert data["document_confidence"] == confidence(sum(p["logprob"] for p in pairs), sum(p["tokens"] for p in pairs))

    code, output = run(["score", str(SEED), str(english), "--engine", "transformers"], tiny_env)
    assert code == 0, output
    rows = {line.split()[0]: line for line in output.splitlines() if line.startswith(("title", "p"))}
    assert "p10.s1,p11.s1" in rows, output  # a 2–1 pair
    assert all("check" in rows[",".join(p["source"])] for p in pairs)
    assert f"document confidence {data['document_confidence']:.3f} over {len(pairs)} aligned pairs" in output
    code, output = run(["score", str(SEED), str(english), "--engine", "transformers", "--review-below", "0"], tiny_env)
    assert code == 0 and not [line for line in output.splitlines() if line.startswith("p") and "check" in line]

    (tmp_path / "empty-home").mkdir()
    code, output = run(["score", str(SEED), str(english), "--offline"],
                       {**tiny_env, "MTDIGEST_HOME": str(tmp_path / "empty-home")})
    assert code == 3 and "models pull tiny-nllb" in output and "Traceback" not in output
    code, output = run(["score", str(SEED), str(tmp_path / "missing.txt")], tiny_env)
    assert code != 0 and "missing.txt" in output and "cannot read" in output


def test_the_score_table_keeps_ids_figures_and_marks_in_a_narrow_terminal() -> None:
    from rich.console import Console

    from cli_commands.score import _table

    pairs = [{"source": ["title"], "confidence": 0.123, "text": "A title"},
             {"source": ["p10.s1", "p11.s1"], "confidence": 0.5, "text": "Long English text " * 12}]
    console = Console(width=60, record=True)
    console.print(_table(pairs, 0.35))
    lines = console.export_text().splitlines()
    assert any(line.startswith("title") and "0.123" in line and "check" in line for line in lines)
    assert any(line.startswith("p10.s1,p11.s1") and "0.500" in line for line in lines)
