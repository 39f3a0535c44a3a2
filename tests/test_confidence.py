"""The model's own confidence in each sentence: forced-decoding scores, both engines, the cache and the review
flag. Tiny random models give near-uniform (tiny) probabilities: these tests check the arithmetic and the
plumbing, never translation quality."""

from __future__ import annotations

import math
import random
import shutil
import unicodedata
from pathlib import Path

import pytest

from modelstore.convert import convert_model
from modelstore.lock import load_lock
from core.article import Article, Paragraph, Sentence, Title
from seq2seq.cache import TranslationCache
from mt.engine import DecodingOptions, TranslationEngine, confidence, output_budget
from mt.loading import load_translator
from mt.translate import TranslateOptions, signature, translate_articles
from tests.browser import ARTIFACTS, headless_browser, needs_browser, pdf_pages, print_pdf

TEXTS = ["وزیر امور خارجه ایران امروز به دوحه سفر کرد.", "قیمت‌ها ۱۵ درصد افزایش یافت."]
ALIASES = ["tiny-nllb", "tiny-marian-tc-big"]
GREEDY = TranslateOptions(DecodingOptions(beam_size=1))


@pytest.fixture(scope="module")
def engines(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], TranslationEngine]:
    home = tmp_path_factory.mktemp("confidence") / "home"
    shutil.copytree(tiny_models / "home", home)
    lock = load_lock(tiny_models / "models.lock")
    for alias in ALIASES:
        convert_model(lock.get(alias), "int8", home)
    return {(alias, engine): load_translator(lock.get(alias), engine, home=home)
            for alias in ALIASES for engine in ("transformers", "ctranslate2")}


def mean(score: tuple[float, int]) -> float:
    return score[0] / score[1]


def article() -> Article:
    return Article(id="a", language="fa", title=Title("سفر وزیر"),
                   paragraphs=[Paragraph("p1", [Sentence(f"p1.s{n}", t, t) for n, t in enumerate(TEXTS, start=1)])])


@pytest.mark.parametrize("alias", ALIASES)
def test_forced_decoding_of_the_greedy_output_reproduces_the_greedy_scores(engines: dict, alias: str) -> None:
    import torch

    engine = engines[(alias, "transformers")]
    ids = engine.source_tokens(TEXTS, "fa")
    input_ids, attention = engine.padded(ids)
    extra = {}
    if engine.target_code("en"):
        extra["forced_bos_token_id"] = engine.tokenizer.convert_tokens_to_ids(engine.target_code("en"))
    with torch.inference_mode():  # greedy search with its own per-step scores, as generate reports them
        generated = engine.model.generate(input_ids=input_ids, attention_mask=attention, num_beams=1,
                                          do_sample=False, max_new_tokens=output_budget(input_ids.shape[1]),
                                          output_scores=True, return_dict_in_generate=True, **extra)
        steps = engine.model.compute_transition_scores(generated.sequences, generated.scores, normalize_logits=True)
    outputs = engine.generate_ids(ids, DecodingOptions(beam_size=1))
    forced = engine.score_ids(ids, outputs)
    for row, (output, score) in enumerate(zip(outputs, forced)):
        produced = generated.sequences[row, 1:].tolist()
        own = [float(v) for token, v in zip(produced, steps[row].tolist()) if token not in engine.special_ids]
        assert len(own) == score[1] == len(output)
        assert mean(score) == pytest.approx(sum(own) / len(own), abs=1e-3)


@pytest.mark.parametrize("alias", ALIASES)
def test_both_engines_agree_and_a_shuffled_or_cut_translation_scores_lower(engines: dict, alias: str) -> None:
    torch_engine, ct2_engine = engines[(alias, "transformers")], engines[(alias, "ctranslate2")]
    ids = torch_engine.source_tokens(TEXTS, "fa")
    outputs = torch_engine.generate_ids(ids, DecodingOptions(beam_size=1))
    ours = torch_engine.score_ids(ids, outputs)
    for a, b in zip(ours, ct2_engine.score_ids(ids, outputs)):
        assert abs(math.exp(mean(a)) - math.exp(mean(b))) <= 0.05 and mean(a) == pytest.approx(mean(b), abs=0.05)
    shuffled = [random.Random(0).sample(row, len(row)) for row in outputs]
    cut = [row[: len(row) // 2] for row in outputs]
    for engine in (torch_engine, ct2_engine):
        for own, other, short in zip(ours, engine.score_ids(ids, shuffled), engine.score_ids(ids, cut)):
            assert mean(other) < mean(own) and mean(short) < mean(own)
    assert torch_engine.score_ids(ids, [[], outputs[1]])[0] == (0.0, 0)  # nothing written: no score
    assert confidence(0.0, 0) is None


@pytest.mark.parametrize("alias", ALIASES)
def test_greedy_ctranslate2_scores_its_own_output_without_a_second_pass(
    engines: dict, alias: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log-probabilities greedy decoding reports are the forced-decoding ones; beams and penalties still
    take the forced pass."""
    engine = engines[(alias, "ctranslate2")]
    ids = engine.source_tokens(TEXTS, "fa")
    assert engine.vocabulary_map is None  # a small vocabulary decodes in full
    forced_pass: list[int] = []
    real = engine.score_ids
    monkeypatch.setattr(engine, "score_ids", lambda *a, **k: (forced_pass.append(1), real(*a, **k))[1])
    own = engine.translate_scored(ids, DecodingOptions(beam_size=1))
    assert forced_pass == []
    outputs = engine.generate_ids(ids, DecodingOptions(beam_size=1))
    assert [s.english for s in own] == [engine.decode(row) for row in outputs]
    for scored, row, (logprob, tokens) in zip(own, outputs, real(ids, outputs)):
        assert scored.tokens == tokens == len(row) > 0
        assert scored.logprob == pytest.approx(logprob, abs=1e-3 * tokens)
    for options in (DecodingOptions(beam_size=2), DecodingOptions(beam_size=1).stricter()):
        engine.translate_scored(ids, options)
    assert len(forced_pass) == 2


@pytest.mark.parametrize("engine_name", ["transformers", "ctranslate2"])
def test_every_sentence_and_the_title_carry_a_confidence_that_the_cache_keeps(
    engines: dict, engine_name: str, tmp_path: Path
) -> None:
    engine = engines[("tiny-nllb", engine_name)]
    cache = TranslationCache(tmp_path / "cache.sqlite")
    first = article()
    translate_articles([first], engine, GREEDY, cache)
    scores = [s.confidence for s in first.sentences()]
    assert all(isinstance(c, float) and 0 <= c <= 1 and c == round(c, 3) for c in scores)
    assert first.title.confidence is not None
    again = article()
    stats = translate_articles([again], engine, GREEDY, cache)
    assert stats.cached == stats.units == 3
    assert [s.confidence for s in again.sentences()] == scores and again.title.confidence == first.title.confidence
    assert [s.flags for s in again.sentences()] == [s.flags for s in first.sentences()]


def test_the_review_flag_follows_the_threshold_which_the_signature_records(engines: dict) -> None:
    engine = engines[("tiny-nllb", "ctranslate2")]
    strict, lenient = (TranslateOptions(DecodingOptions(beam_size=1), review_below=b) for b in (1.0, 0.0))
    flagged = article()
    translate_articles([flagged], engine, strict)
    for sentence in flagged.sentences():
        assert [(f.code, f.detail) for f in sentence.flags if f.code == "low_confidence"] == [
            ("low_confidence", f"{sentence.confidence:.3f}")]
    calm = article()
    translate_articles([calm], engine, lenient)
    assert not any(f.code == "low_confidence" for s in calm.sentences() for f in s.flags)
    assert "|review:1.0" in signature(engine, strict) and "|review:0.0" in signature(engine, lenient)


def reviewed_article() -> Article:
    """Three translated sentences: one flagged for review, one merely unsure, one confident."""
    from core.article import Flag

    doc = article()
    doc.paragraphs[0].sentences.append(Sentence("p1.s3", "جمله سوم.", "جمله سوم."))
    for sentence, (english, score) in zip(doc.sentences(), [("The minister travelled to Doha.", 0.21),
                                                            ("Prices rose 15 percent.", 0.5),
                                                            ("A third sentence.", 0.9)]):
        sentence.english, sentence.confidence = english, score
        sentence.flags = [Flag("low_confidence", f"{score:.3f}")] if score < 0.35 else []
    doc.title.english = "The minister's trip"
    return doc


def test_the_review_queue_lists_exactly_the_flagged_sentences_in_html_and_markdown() -> None:
    import re

    from digest.html import render_html
    from digest.markdown import render_markdown

    page = render_html(reviewed_article())
    check = re.search(r'<section class="check".*?</section>', page, flags=re.S).group(0)
    assert re.findall(r'href="#(p\d+\.s\d+)"', check) == ["p1.s1"] and "confidence 0.210" in check
    assert page.index('class="check"') < page.index('class="pairs"')  # it opens the digest
    cells = dict(re.findall(r'<tr id="(p1\.s\d)">.*?<td class="(en[^"]*)"', page, flags=re.S))
    assert cells == {"p1.s1": "en conf-low", "p1.s2": "en conf-mid", "p1.s3": "en"}
    assert 'title="model confidence 0.500"' in page and 'class="legend"' in page
    markdown = render_markdown(reviewed_article())
    queue = markdown.split("## Check first", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"\[(p\d+\.s\d+)\]\(#", queue) == ["p1.s1"]
    confident = reviewed_article()
    for sentence in confident.sentences():
        sentence.flags = []
    assert 'class="check"' not in render_html(confident) and "## Check first" not in render_markdown(confident)


def test_the_brief_counts_sentences_to_check_per_article_and_per_story() -> None:
    from digest.brief import build_brief
    from digest.brief_render import render_brief

    one, two = reviewed_article(), reviewed_article()
    two.id = "b"
    for sentence in two.sentences():
        sentence.flags = []
    brief = build_brief([one, two], "2024-03-18")
    counts = {s.id: s.low_confidence for story in brief.stories for s in story.sources}
    assert counts == {"a": 1, "b": 0}
    assert sum(story.low_confidence for story in brief.stories) == 1
    data = brief.to_dict()
    assert {s["id"]: s["low_confidence"] for st in data["stories"] for s in st["sources"]} == counts
    html = render_brief(brief, "html")
    assert "1 sentence to check" in html and 'href="articles/a.html#check-h"' in html
    assert "1 sentence to check" in render_brief(brief, "md")


@needs_browser
def test_confidence_shading_and_its_legend_render_on_screen_in_dark_mode_and_in_print(tmp_path: Path) -> None:
    from digest.html import render_html

    page = tmp_path / "confidence.html"
    page.write_text(render_html(reviewed_article()), encoding="utf-8")
    cells = """return ['p1.s1', 'p1.s2', 'p1.s3'].map(id => {
        const td = document.getElementById(id).querySelector('td.en'), style = getComputedStyle(td);
        return [style.backgroundColor, style.borderInlineStartStyle, td.title]; })
        .concat([[getComputedStyle(document.querySelector('.legend')).display, '', '']]);"""
    with headless_browser() as driver:
        for scheme in ("light", "dark"):
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                   {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            driver.get(page.as_uri())
            low, mid, high, legend = driver.execute_script(cells)
            driver.save_screenshot(str(ARTIFACTS / f"confidence-{scheme}.png"))
            assert len({low[0], mid[0], high[0]}) == 3  # three shades...
            assert (low[1], mid[1]) == ("solid", "dashed") and high[1] == "none"  # ...and a form that is not colour
            assert low[2] == "model confidence 0.210" and legend[0] != "none"
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": []})
        low, mid, high, _ = driver.execute_script(cells)
        assert len({low[0], mid[0], high[0]}) == 3 and low[1] == "solid"  # the shades survive on paper
        text = unicodedata.normalize("NFKC", " ".join(pdf_pages(print_pdf(driver, ARTIFACTS / "confidence.pdf"))))
        assert "Check first" in text and "Model confidence" in text


def test_a_cache_written_before_confidences_were_kept_is_upgraded_and_its_rows_retranslated(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE translations (key TEXT PRIMARY KEY, model TEXT NOT NULL, english TEXT NOT NULL, "
                   "flags TEXT NOT NULL, created REAL NOT NULL)")
        db.execute("INSERT INTO translations VALUES ('k', 'tiny-nllb', 'old', '[]', 0)")
    cache = TranslationCache(path)
    assert cache.get_many(["k"]) == {}  # no confidence recorded: a miss, translated (and scored) again
    cache.put_many("tiny-nllb", [("k", "new", [], 0.42), ("e", "", [], None)])
    assert cache.get_many(["k", "e"]) == {"k": ("new", [], 0.42), "e": ("", [], None)}
