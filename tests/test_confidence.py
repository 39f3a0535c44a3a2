"""The model's own confidence in each sentence: forced-decoding scores, both engines, the cache and the review
flag. Tiny random models give near-uniform (tiny) probabilities: these tests check the arithmetic and the
plumbing, never translation quality."""

from __future__ import annotations

import math
import random
import shutil
from pathlib import Path

import pytest

from modelstore.convert import convert_model
from modelstore.lock import load_lock
from mt.article import Article, Paragraph, Sentence, Title
from mt.cache import TranslationCache
from mt.engine import DecodingOptions, TranslationEngine, confidence, output_budget
from mt.loading import load_translator
from mt.translate import TranslateOptions, signature, translate_articles

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
