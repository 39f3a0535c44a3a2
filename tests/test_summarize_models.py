"""Summarization through the tiny real-architecture models: BART on both engines, map-reduce on a
40× seed article, and back-translation with tiny NLLB.

Tiny models have random weights: these tests check plumbing (windows, chunks, ids, codes),
never summary quality. Decoding is greedy with small length limits to keep them fast.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import ctranslate2
import pytest

from modelstore.lock import Lock, load_lock
from modelstore.store import converted_dir, model_dir
from core.article import Article, Paragraph, Sentence, Title
from mt.engine import DecodingOptions
from core.errors import ModelMissing, MtdigestError
from mt.loading import load_translator
from summarize import Limits, Summarizer, SummaryOptions, load_summarizer, summarize
from summarize.backtranslate import back_translate
from tests.tiny_models import SUMMARIZERS

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ENGLISH = [line for line in (Path(__file__).parent / "data" / "english.txt").read_text().splitlines() if line.strip()]
FAST = SummaryOptions(beam_size=1, no_repeat_ngram_size=3, tokens_per_sentence=4, min_tokens_per_sentence=1,
                      chunk_summary_tokens=8, batch_size=8)
GREEDY = DecodingOptions(beam_size=1)
FAST_LIMITS = Limits(min_tokens=1, max_tokens=6)


@pytest.fixture(scope="session")
def summarize_home(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Lock, Path]:
    """A private copy of the tiny models with CTranslate2 copies of tiny BART and tiny NLLB."""
    root = tmp_path_factory.mktemp("summarize-home")
    shutil.copytree(tiny_models / "home", root / "home")
    lock = load_lock(tiny_models / "models.lock")
    for alias in ("tiny-bart", "tiny-distilbart-hub", "tiny-nllb"):
        entry = lock.get(alias)
        ctranslate2.converters.TransformersConverter(str(model_dir(entry, root / "home"))).convert(
            str(converted_dir(entry, "int8", root / "home")), quantization="int8"
        )
    return lock, root / "home"


ENGINES = ("transformers", "ctranslate2")


@pytest.fixture(scope="session")
def all_summarizers(summarize_home: tuple[Lock, Path]) -> dict[tuple[str, str], Summarizer]:
    """Every tiny summarizer (fresh save and the distilbart hub layout) on both engines."""
    lock, home = summarize_home
    return {(alias, engine): load_summarizer(lock.get(alias), engine=engine, home=home)
            for alias in SUMMARIZERS for engine in ENGINES}


@pytest.fixture(scope="session")
def summarizers(all_summarizers: dict[tuple[str, str], Summarizer]) -> dict[str, Summarizer]:
    return {engine: all_summarizers[("tiny-bart", engine)] for engine in ENGINES}


def translated_seed(name: str, repeat: int = 1, language: str = "fa") -> Article:
    """A seed article, each line a paragraph, its sentences 'translated' by lines of English text."""
    lines = [line for line in (SEEDS / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    body = lines[1:] * repeat
    paragraphs = [
        Paragraph(f"p{i}", [Sentence(f"p{i}.s1", line, line, english=ENGLISH[i % len(ENGLISH)])])
        for i, line in enumerate(body, start=1)
    ]
    return Article(id=name.split(".")[0], language=language, title=Title(lines[0], "Title"), paragraphs=paragraphs)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("alias", SUMMARIZERS)  # a fresh save and the layout distilbart-cnn-12-6 is pulled in
def test_tiny_bart_summarizes_through_both_engines(
    all_summarizers: dict[tuple[str, str], Summarizer], alias: str, engine: str
) -> None:
    summarizer = all_summarizers[(alias, engine)]
    assert summarizer.engine_name == engine and summarizer.window == 1024
    article = translated_seed("000_41b56ad6ca49ea79.txt")
    summary = summarize(article, summarizer, sentences=2, options=FAST)
    assert summary.method == "abstractive" and article.summary is summary
    assert len(summary.sentences) <= 2
    real = {s.id for s in article.sentences()}
    for line in summary.sentences:
        assert set(line.support) <= real
        assert bool(line.support) != any(f.code == "no_support" for f in line.flags)
    described = article.models["summarize"]
    assert described["engine"] == engine and described["alias"] == alias
    assert described["signature"].startswith(f"{alias}@{summarizer.entry.revision[:12]}|engine:{engine}")
    assert article.timings["summarize_s"] >= 0
    assert summarizer.summarize_texts(["The minister met his counterpart."], FAST_LIMITS, FAST)[0] is not None


@pytest.mark.parametrize("engine", ENGINES)
def test_mask_and_other_control_tokens_in_english_text_are_summarized_as_text(
    all_summarizers: dict[tuple[str, str], Summarizer], engine: str
) -> None:
    # distilbart's tokenizer knows 50265 tokens, its model has 50264 rows: `<mask>` read as a token
    # indexed past the embedding table (IndexError) and took the whole digest batch down.
    summarizer = all_summarizers[("tiny-distilbart-hub", engine)]
    assert summarizer.tokenizer.mask_token_id >= summarizer.rows
    text = "The model fills in <mask> tokens. It stops at </s> and pads with <pad>; <s> starts <unk> text."
    ids = summarizer.token_ids([text])[0]
    inside = ids[1:-1]
    assert ids[0] == summarizer.tokenizer.bos_token_id and ids[-1] == summarizer.tokenizer.eos_token_id
    assert not set(inside) & summarizer.control_ids and max(ids) < summarizer.rows
    article = translated_seed("000_41b56ad6ca49ea79.txt")
    for sentence in article.sentences():
        sentence.english = f"{sentence.english} {text}"
    summary = summarize(article, summarizer, sentences=2, options=FAST)
    assert summary.method == "abstractive" and summary.sentences


def test_auto_engine_prefers_the_converted_copy(summarize_home: tuple[Lock, Path], tiny_models: Path) -> None:
    lock, home = summarize_home
    assert load_summarizer(lock.get("tiny-bart"), home=home).engine_name == "ctranslate2"
    with pytest.raises(ModelMissing, match="models convert tiny-bart.*--method extractive"):
        load_summarizer(lock.get("tiny-bart"), engine="ctranslate2", home=tiny_models / "home")


def test_missing_summarizer_offers_extractive(summarize_home: tuple[Lock, Path], tmp_path: Path) -> None:
    lock, _ = summarize_home
    with pytest.raises(ModelMissing) as error:
        load_summarizer(lock.get("tiny-bart"), home=tmp_path)
    assert "models pull tiny-bart" in str(error.value) and "--method extractive" in str(error.value)


def test_forty_times_seed_article_is_chunked_and_every_chunk_summarized(summarizers: dict[str, Summarizer]) -> None:
    summarizer = summarizers["ctranslate2"]
    article = translated_seed("000_41b56ad6ca49ea79.txt", repeat=40)
    texts = [s.english for s in article.sentences()]
    calls: list[list[str]] = []
    original = summarizer.summarize_texts

    def recording(inputs, limits, options):  # type: ignore[no-untyped-def]
        calls.append(list(inputs))
        return original(inputs, limits, options)

    summarizer.summarize_texts = recording  # type: ignore[method-assign]
    try:
        summary = summarize(article, summarizer, options=FAST)
    finally:
        del summarizer.summarize_texts
    assert sum(summarizer.count_tokens(texts)) > 8 * summarizer.window  # far beyond one window
    mapped = calls[0]
    assert len(mapped) >= 8
    assert all(n <= summarizer.window for call in calls for n in summarizer.count_tokens(call))
    assert " ".join(mapped) == " ".join(texts)  # every sentence, in order, in exactly one chunk
    assert len(calls[-1]) == 1  # reduced to one window
    assert article.models["summarize"]["chunks"] == sum(len(c) for c in calls[:-1])
    assert len(summary.sentences) <= 4


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
@pytest.mark.parametrize(("language", "code"), [("fa", "pes_Arab"), ("ar", "arb_Arab")])
def test_back_translation_uses_nllb_in_reverse(
    summarize_home: tuple[Lock, Path], engine: str, language: str, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock, home = summarize_home
    translator = load_translator(lock.get("tiny-nllb"), engine=engine, home=home)
    tokenizer = translator.tokenizer
    seen: dict[str, object] = {}
    if engine == "transformers":
        generate = translator.model.generate

        def spy(**kwargs):  # type: ignore[no-untyped-def]
            seen["first"] = kwargs["input_ids"][0][0].item()
            seen["target"] = kwargs["forced_bos_token_id"]
            return generate(**kwargs)

        monkeypatch.setattr(translator.model, "generate", spy)
    else:
        class Spy:
            def __init__(self, inner: ctranslate2.Translator) -> None:
                self.inner = inner

            def translate_batch(self, source, target_prefix=None, **kwargs):  # type: ignore[no-untyped-def]
                seen["first"] = tokenizer.convert_tokens_to_ids(source[0][0])
                seen["target"] = tokenizer.convert_tokens_to_ids(target_prefix[0][0])
                return self.inner.translate_batch(source, target_prefix=target_prefix, **kwargs)

        monkeypatch.setattr(translator, "translator", Spy(translator.translator))
    article = translated_seed("000_41b56ad6ca49ea79.txt", language=language)
    summary = summarize(article, method="extractive", sentences=2, back_translator=translator, back_options=GREEDY)
    assert isinstance(summary.back_translation, str)
    assert seen == {"first": tokenizer.convert_tokens_to_ids("eng_Latn"), "target": tokenizer.convert_tokens_to_ids(code)}
    assert article.models["summarize"]["back_translation"]["language"] == language
    # The engine itself still translates into English.
    assert translator.target_code() == "eng_Latn"
    assert translator.source_tokens(["سلام"], "fa")[0][0] == tokenizer.convert_tokens_to_ids("pes_Arab")


def test_back_translation_needs_nllb(summarize_home: tuple[Lock, Path]) -> None:
    lock, home = summarize_home
    marian = load_translator(lock.get("tiny-marian"), engine="transformers", home=home)
    with pytest.raises(MtdigestError, match="NLLB"):
        back_translate(["The minister met."], marian, "fa")
