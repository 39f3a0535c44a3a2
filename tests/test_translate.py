"""Translation engines and pipeline on the tiny real-architecture models, for both engines.

Tiny models have random weights: these tests check alignment, batching, limits,
caching and flags, never translation quality.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from modelstore.lock import Lock, load_lock
from modelstore.convert import convert_model
from core.article import Article, Paragraph, Sentence, Title
from mt.batching import batches_by_tokens
from seq2seq.cache import TranslationCache
from mt.clauses import split_for_model
from mt.qa.degenerate import degeneration
from mt.engine import DecodingOptions, TranslationEngine, output_budget
from core.errors import InputError, ModelMissing, UnsupportedLanguage
from mt.glossary import load_glossary
from seq2seq.backends import find_converted
from mt.loading import load_translator
from mt.translate import TranslateOptions, translate_articles
from tests.tiny_models import TRANSLATORS

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ENGINES = ["transformers", "ctranslate2"]
FAST = TranslateOptions(DecodingOptions(beam_size=1))


@pytest.fixture(scope="session")
def tiny_home(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Lock, Path]:
    """A private copy of the tiny models with CTranslate2 conversions beside them."""
    root = tmp_path_factory.mktemp("translate-home")
    shutil.copytree(tiny_models / "home", root / "home")
    lock = load_lock(tiny_models / "models.lock")
    for alias in TRANSLATORS:
        convert_model(lock.get(alias), "int8", root / "home")
    return lock, root / "home"


@pytest.fixture(scope="session")
def engines(tiny_home: tuple[Lock, Path]) -> dict[tuple[str, str], TranslationEngine]:
    lock, home = tiny_home
    return {
        (alias, engine): load_translator(lock.get(alias), engine=engine, home=home)
        for alias in TRANSLATORS
        for engine in ENGINES
    }


class CountingEngine(TranslationEngine):
    """Wraps a real engine to count model calls and record the token ids that reached the model."""

    def __init__(self, inner: TranslationEngine) -> None:
        self.__dict__.update(inner.__dict__)
        self.inner, self.calls, self.seen = inner, 0, []
        self.engine_name = inner.engine_name

    def translate_scored(self, source_ids: list[list[int]], options: DecodingOptions) -> list[Scored]:
        self.calls += 1
        self.seen.extend(source_ids)
        return self.inner.translate_scored(source_ids, options)

    def generate_ids(self, source_ids: list[list[int]], options: DecodingOptions) -> list[list[int]]:
        return self.inner.generate_ids(source_ids, options)

    def score_ids(self, source_ids: list[list[int]], target_ids: list[list[int]]) -> list[tuple[float, int]]:
        return self.inner.score_ids(source_ids, target_ids)


def seed_article(name: str, language: str, repeat: int = 1) -> Article:
    lines = [line for line in (SEEDS / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    body = lines[1:] * repeat
    paragraphs = [
        Paragraph(f"p{i}", [Sentence(f"p{i}.s1", line, line)]) for i, line in enumerate(body, start=1)
    ]
    return Article(id=name.split(".")[0], language=language, title=Title(lines[0]), paragraphs=paragraphs)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("alias", TRANSLATORS)  # fresh saves and the layouts pulled from the hub
def test_every_sentence_id_gets_english_and_the_model_is_recorded(engines: dict, alias: str, engine: str) -> None:
    persian = seed_article("000_41b56ad6ca49ea79.txt", "fa")
    arabic = seed_article("001_2fc5d2ec209e6642.txt", "ar")
    before = [[s.id for s in p.sentences] for p in persian.paragraphs]
    stats = translate_articles([persian, arabic], engines[(alias, engine)], FAST)
    for article in (persian, arabic):
        assert article.title.english
        assert all(s.english for s in article.sentences())
        assert article.models["translate"]["engine"] == engine
        assert article.models["translate"]["alias"] == alias
        assert article.models["translate"]["signature"].startswith(f"{alias}@")
        assert article.timings["translate_s"] >= 0
    assert [[s.id for s in p.sentences] for p in persian.paragraphs] == before
    assert stats.units == 2 + len(persian.sentences()) + len(arabic.sentences())


def test_both_engines_give_the_same_result_structure(engines: dict) -> None:
    shapes = []
    for engine in ENGINES:
        article = seed_article("003_74ed4e50eb75564b.txt", "fa")
        translate_articles([article], engines[("tiny-nllb", engine)], FAST)
        data = article.to_dict()
        shapes.append((sorted(data), [[sorted(s) for s in p["sentences"]] for p in data["paragraphs"]],
                       sorted(data["models"]["translate"])))
    assert shapes[0] == shapes[1]


@pytest.mark.parametrize("engine", ENGINES)
def test_forty_times_the_seed_translates_every_sentence(engines: dict, engine: str) -> None:
    article = seed_article("002_31b79cce48f1d696.txt", "fa", repeat=40)
    translate_articles([article], engines[("tiny-nllb", engine)], FAST)
    assert len(article.sentences()) > 400
    assert all(s.english and s.english.strip() for s in article.sentences())


@pytest.mark.parametrize("engine", ENGINES)
def test_long_sentences_are_split_and_output_is_not_capped(
    engines: dict, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner = engines[("tiny-nllb", engine)]
    spy = CountingEngine(inner)
    text = " ".join(SEEDS.joinpath("000_41b56ad6ca49ea79.txt").read_text(encoding="utf-8").splitlines()[3:8])
    article = Article(id="long", language="fa", paragraphs=[Paragraph("p1", [Sentence("p1.s1", text, text)])])
    options = TranslateOptions(DecodingOptions(beam_size=1), max_sentence_tokens=60)
    translate_articles([article], spy, options)
    sentence = article.sentences()[0]
    assert any(f.code == "split" for f in sentence.flags)
    assert all(len(ids) <= 60 for ids in spy.seen)
    assert sentence.english
    # The tiny model's generation_config says max_length=64; our budget follows the input instead.
    # The tiny model's generation_config says max_length=64 (real NLLB: 200, CTranslate2: 256);
    # the limit we pass follows the input instead.
    budgets = capture_output_limits(inner, monkeypatch)
    source = [max(spy.seen, key=len)]
    inner.generate_ids(source, DecodingOptions(beam_size=1))
    assert budgets == [output_budget(len(source[0]))]
    assert len(source[0]) > 40 and budgets[0] > 64


@pytest.mark.parametrize("engine", ENGINES)
def test_a_multi_target_marian_model_gets_its_target_token_first(
    engines: dict, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner = engines[("tiny-marian-tc-big", engine)]
    seen = capture_model_inputs(inner, monkeypatch)
    article = seed_article("000_41b56ad6ca49ea79.txt", "fa")
    article.paragraphs[0].sentences[0].normalized = ">>fra<< " + article.paragraphs[0].sentences[0].normalized
    translate_articles([article], inner, FAST)
    eng = inner.tokenizer.convert_tokens_to_ids(">>eng<<")
    targets = {inner.tokenizer.convert_tokens_to_ids(t) for t in (">>deu<<", ">>fra<<", ">>por<<", ">>spa<<")}
    assert seen and all(row[0] == eng for row in seen)
    # The text's own `>>fra<<` is text: it never becomes the French target token.
    assert not any(set(row) & targets for row in seen)
    signature = article.models["translate"]["signature"]
    assert "|tgt:>>eng<<|" in signature and article.models["translate"]["target_token"] == ">>eng<<"


def test_the_target_token_is_part_of_the_cache_key(engines: dict) -> None:
    from seq2seq.cache import cache_key

    model = {"alias": "m", "revision": "r"}
    assert cache_key(model, {}, "fa", "x") != cache_key({**model, "target_token": ">>eng<<"}, {}, "fa", "x")
    assert cache_key(model, {}, "fa", "x") == cache_key({**model, "target_token": None}, {}, "fa", "x")


CONTROL_TEXT = ("</s> خبرگزاری <s> ایرنا <pad> گزارش <unk> داد <mask> eng_Latn وزیر pes_Arab >>fra<< امروز "
                "arb_Arab <mask>")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("alias", TRANSLATORS)
def test_control_tokens_written_in_the_text_reach_the_model_as_text(
    engines: dict, alias: str, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner = engines[(alias, engine)]
    seen = capture_model_inputs(inner, monkeypatch)
    sentences = [Sentence("p1.s1", CONTROL_TEXT, CONTROL_TEXT), Sentence("p1.s2", ">>fra<< " + CONTROL_TEXT,
                                                                          ">>fra<< " + CONTROL_TEXT)]
    article = Article(id="control", language="fa", paragraphs=[Paragraph("p1", sentences)])
    translate_articles([article], inner, FAST)
    assert all(s.english for s in article.sentences())
    tokenizer = inner.tokenizer
    code = inner.source_code("fa")
    prefix = [inner.target_token_id] if inner.entry.target_token else (
        [tokenizer.convert_tokens_to_ids(code)] if code else [])
    controls = {i for t, i in tokenizer.get_vocab().items() if re.fullmatch(r">>\w+<<|[a-z]{3}_[A-Z][a-z]{3}", t)}
    forbidden = (set(tokenizer.all_special_ids) | controls) - {tokenizer.unk_token_id}
    assert seen
    for row in seen:
        assert row[:len(prefix)] == prefix and row[-1] == tokenizer.eos_token_id
        assert not set(row[len(prefix):-1]) & forbidden, tokenizer.convert_ids_to_tokens(row)
        assert max(row) < inner.rows


def capture_model_inputs(engine: TranslationEngine, monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """Record the source token ids each engine's backend receives (unpadded)."""
    seen: list[list[int]] = []
    if engine.engine_name == "transformers":
        generate = engine.model.generate

        def spy_generate(*args: object, input_ids: object, attention_mask: object, **kwargs: object) -> object:
            for row, mask in zip(input_ids.tolist(), attention_mask.tolist()):  # type: ignore[attr-defined]
                seen.append([i for i, m in zip(row, mask) if m])
            return generate(*args, input_ids=input_ids, attention_mask=attention_mask, **kwargs)

        monkeypatch.setattr(engine.model, "generate", spy_generate)
    else:
        translator = engine.translator

        class Spy:
            def __getattr__(self, name: str) -> object:  # scoring and the rest: the real translator
                return getattr(translator, name)

            def translate_batch(self, source: list[list[str]], *args: object, **kwargs: object) -> object:
                seen.extend(engine.tokenizer.convert_tokens_to_ids(row) for row in source)
                return translator.translate_batch(source, *args, **kwargs)

        monkeypatch.setattr(engine, "translator", Spy())
    return seen


def capture_output_limits(engine: TranslationEngine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the output-length limit each engine hands to its backend."""
    seen: list[int] = []
    if engine.engine_name == "transformers":
        generate = engine.model.generate

        def spy_generate(*args: object, **kwargs: object) -> object:
            seen.append(kwargs["max_new_tokens"])  # type: ignore[arg-type]
            assert kwargs.get("max_length") is None
            return generate(*args, **kwargs)

        monkeypatch.setattr(engine.model, "generate", spy_generate)
    else:
        translator = engine.translator

        class Spy:
            def __getattr__(self, name: str) -> object:
                return getattr(translator, name)

            def translate_batch(self, *args: object, **kwargs: object) -> object:
                seen.append(kwargs["max_decoding_length"])  # type: ignore[arg-type]
                assert kwargs["max_input_length"] == 0
                return translator.translate_batch(*args, **kwargs)

        monkeypatch.setattr(engine, "translator", Spy())
    return seen


def test_second_run_is_served_from_the_cache_with_zero_model_calls(engines: dict, tmp_path: Path) -> None:
    spy = CountingEngine(engines[("tiny-nllb", "ctranslate2")])
    cache = TranslationCache(tmp_path / "cache.sqlite")
    first = seed_article("004_abe0edcc387d59e3.txt", "ar")
    translate_articles([first], spy, FAST, cache=cache)
    calls = spy.calls
    assert calls > 0
    second = seed_article("004_abe0edcc387d59e3.txt", "ar")
    stats = translate_articles([second], spy, FAST, cache=cache)
    assert spy.calls == calls
    assert stats.cached == stats.units and stats.batches == 0
    assert [s.english for s in second.sentences()] == [s.english for s in first.sentences()]
    assert 0 < cache.stats().entries <= stats.units  # repeated lines share an entry
    # Other decoding options are another cache key.
    translate_articles([seed_article("004_abe0edcc387d59e3.txt", "ar")], spy,
                       TranslateOptions(DecodingOptions(beam_size=2)), cache=cache)
    assert spy.calls > calls
    assert cache.clear() > 0 and cache.stats().entries == 0


def test_many_articles_share_batches(engines: dict) -> None:
    spy = CountingEngine(engines[("tiny-nllb", "ctranslate2")])
    articles = [seed_article(name, "fa") for name in ("000_41b56ad6ca49ea79.txt", "002_31b79cce48f1d696.txt")]
    stats = translate_articles(articles, spy, TranslateOptions(DecodingOptions(beam_size=1), max_batch_tokens=100_000))
    assert stats.batches <= 2  # one batch for all, plus at most one retry batch


def test_each_text_is_tokenized_once_for_splitting_batching_and_the_model(
    engines: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = CountingEngine(engines[("tiny-nllb", "ctranslate2")])
    tokenized: list[str] = []
    source_tokens = spy.source_tokens

    def counting(texts: list[str], language: str) -> list[list[int]]:
        tokenized.extend(texts)
        return source_tokens(texts, language)

    monkeypatch.setattr(spy, "source_tokens", counting)
    article = seed_article("000_41b56ad6ca49ea79.txt", "fa")
    translate_articles([article], spy, TranslateOptions(DecodingOptions(beam_size=1), max_sentence_tokens=30))
    assert any(f.code == "split" for s in article.sentences() for f in s.flags)  # clause pieces were tokenized too
    assert tokenized and len(tokenized) == len(set(tokenized))


def test_unsupported_language_for_the_model(engines: dict) -> None:
    article = seed_article("000_41b56ad6ca49ea79.txt", "ur")
    with pytest.raises(UnsupportedLanguage, match="does not translate 'ur'"):
        translate_articles([article], engines[("tiny-nllb", "transformers")], FAST)


def test_english_articles_pass_through_untranslated(engines: dict) -> None:
    spy = CountingEngine(engines[("tiny-nllb", "transformers")])
    article = Article(id="en", language="en", title=Title("Ministers meet"),
                      paragraphs=[Paragraph("p1", [Sentence("p1.s1", "They met.", "They met.")])])
    translate_articles([article], spy, FAST)
    assert spy.calls == 0 and article.sentences()[0].english == "They met." and article.title.english == "Ministers meet"


def test_glossary_terms_are_injected_and_reported(engines: dict, tmp_path: Path) -> None:
    path = tmp_path / "terms.tsv"
    path.write_text("# names\nسرلشکر باقری\tMajor General Bagheri\nباقری\tBagheri\n", encoding="utf-8")
    glossary = load_glossary(path)
    text, fired = glossary.apply("دیدار سرلشکر باقری با وزیر")
    assert "Major General Bagheri" in text and "باقری" not in text
    assert [t.english for t in fired] == ["Major General Bagheri"]
    spy = CountingEngine(engines[("tiny-nllb", "transformers")])
    sentence = "سرلشکر باقری با وزیر دفاع سوریه دیدار کرد"
    article = Article(id="g", language="fa", paragraphs=[Paragraph("p1", [Sentence("p1.s1", sentence, sentence)])])
    translate_articles([article], spy, FAST, glossary=glossary)
    reached = spy.tokenizer.decode(spy.seen[0], skip_special_tokens=True)  # the tiny vocabulary lacks "G"
    assert "Bagheri" in reached and "باقری" not in reached
    codes = {f.code for f in article.sentences()[0].flags}
    assert codes & {"glossary", "glossary_missed"}


def test_bad_glossary_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "terms.tsv"
    path.write_text("باقری\tBagheri\nonly-one-column\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"terms.tsv: line 2"):
        load_glossary(path)


def test_missing_model_and_missing_conversion(tiny_models: Path, tmp_path: Path) -> None:
    lock = load_lock(tiny_models / "models.lock")
    with pytest.raises(ModelMissing, match="mtdigest models pull tiny-nllb"):
        load_translator(lock.get("tiny-nllb"), home=tmp_path)
    assert find_converted(lock.get("tiny-nllb"), tiny_models / "home") is None
    with pytest.raises(ModelMissing, match="mtdigest models convert tiny-nllb"):
        load_translator(lock.get("tiny-nllb"), engine="ctranslate2", home=tiny_models / "home")


def test_batches_respect_the_token_budget_and_cover_every_index() -> None:
    lengths = [5, 50, 7, 30, 30, 2, 120, 9]
    batches = batches_by_tokens(lengths, 100)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= 100
        assert [lengths[i] for i in batch] == sorted(lengths[i] for i in batch)


def test_clause_splitting_keeps_every_word() -> None:
    text = "الف ب ج، د ه و؛ ز ح ط، ی ک ل و م ن س"
    pieces = split_for_model(text, lambda t: len(t.split()), 4)
    assert " ".join(pieces).split() == text.split()
    assert all(len(p.split()) <= 4 for p in pieces)
    assert split_for_model("کوتاه", lambda t: 1, 4) == ["کوتاه"]


@pytest.mark.parametrize(
    ("english", "bad"),
    [
        ("the the the the the", True),
        ("we are we are we are we are", True),
        (" ".join(f"word{i}" for i in range(30)), True),
        ("The minister met his Syrian counterpart in Tehran.", False),
    ],
)
def test_degeneration_detection(english: str, bad: bool) -> None:
    assert (degeneration("وزیر دفاع با همتای سوری دیدار کرد", english) is not None) == bad


class OutOfMemoryOverTwo(CountingEngine):
    """Fails like a real OOM on any batch of more than two sentences."""

    def translate_scored(self, source_ids: list[list[int]], options: DecodingOptions) -> list[Scored]:
        if len(source_ids) > 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return super().translate_scored(source_ids, options)


def test_an_out_of_memory_batch_is_halved_and_retried(engines: dict) -> None:
    spy = OutOfMemoryOverTwo(engines[("tiny-nllb", "ctranslate2")])
    article = seed_article("001_2fc5d2ec209e6642.txt", "ar")
    stats = translate_articles([article], spy, TranslateOptions(DecodingOptions(beam_size=1), max_batch_tokens=100_000))
    assert stats.oom_splits > 0
    assert all(s.english for s in article.sentences())


def test_errors_other_than_memory_are_not_retried(engines: dict) -> None:
    class Broken(CountingEngine):
        def translate_scored(self, source_ids: list[list[int]], options: DecodingOptions) -> list[Scored]:
            raise RuntimeError("shape mismatch")

    with pytest.raises(RuntimeError, match="shape mismatch"):
        translate_articles([seed_article("001_2fc5d2ec209e6642.txt", "ar")], Broken(engines[("tiny-nllb", "ctranslate2")]), FAST)


def test_cache_cli_stats_and_clear(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from cli import app

    path = tmp_path / "cache.sqlite"
    cache = TranslationCache(path)
    cache.put_many("tiny-nllb", [("k1", "one", [], 0.5), ("k2", "two", [], None)])
    cache.close()
    runner, env = CliRunner(), {"MTDIGEST_CACHE": str(path)}
    stats = json.loads(runner.invoke(app, ["cache", "stats", "--json"], env=env).output)
    assert stats["entries"] == 2 and stats["models"] == {"tiny-nllb": 2}
    declined = runner.invoke(app, ["cache", "clear"], env=env, input="n\n")
    assert declined.exit_code == 1 and "Delete all 2 cached sentences" in declined.output
    assert json.loads(runner.invoke(app, ["cache", "stats", "--json"], env=env).output)["entries"] == 2
    assert "removed 2" in runner.invoke(app, ["cache", "clear"], env=env, input="y\n").output
    cache = TranslationCache(path)
    cache.put_many("tiny-nllb", [("k3", "three", [], 0.25)])
    cache.close()
    assert "removed 1" in runner.invoke(app, ["cache", "clear", "--yes"], env=env).output
    assert json.loads(runner.invoke(app, ["cache", "stats", "--json"], env=env).output)["entries"] == 0


def test_translate_cli_decoding_options_reach_the_output(tiny_models: Path, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from cli import app

    env = {"MTDIGEST_LOCK": str(tiny_models / "models.lock"), "MTDIGEST_HOME": str(tiny_models / "home"),
           "MTDIGEST_CACHE": str(tmp_path / "cache.sqlite")}
    result = CliRunner().invoke(app, [
        "translate", str(SEEDS / "003_74ed4e50eb75564b.txt"), "-o", str(tmp_path / "out"), "--format", "json,md,txt",
        "--beam", "2", "--no-repeat-ngram", "3", "--repetition-penalty", "1.2", "--length-penalty", "0.8", "-q",
    ], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "003_74ed4e50eb75564b.json").read_text(encoding="utf-8"))
    assert data["models"]["translate"]["decoding"] == {
        "beam_size": 2, "no_repeat_ngram_size": 3, "repetition_penalty": 1.2, "length_penalty": 0.8}
    assert "|nrng:3|rep:1.2|lp:0.8|" in data["models"]["translate"]["signature"]
    assert all(s["english"] for p in data["paragraphs"] for s in p["sentences"])
    assert (tmp_path / "out" / "003_74ed4e50eb75564b.txt").read_text(encoding="utf-8").strip()


def test_a_model_whose_every_output_is_empty_is_broken_not_translated(
    engines: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.errors import BrokenModelError

    engine = engines[("tiny-marian", "transformers")]
    monkeypatch.setattr(engine, "generate_ids", lambda ids, options, target="en": [[] for _ in ids])
    cache = TranslationCache(tmp_path / "cache.sqlite")
    with pytest.raises(BrokenModelError) as caught:
        translate_articles([seed_article("000_41b56ad6ca49ea79.txt", "fa")], engine, FAST, cache=cache)
    assert "'tiny-marian'" in str(caught.value) and "models verify tiny-marian" in str(caught.value)
    assert cache.stats().entries == 0  # nothing of it is served from the cache later
    one = Article(id="one", language="fa", paragraphs=[Paragraph("p1", [Sentence("p1.s1", "سلام", "سلام")])])
    translate_articles([one], engine, FAST)  # one empty sentence is that sentence's flag, not a verdict
    assert "empty_output" in [f.code for f in one.sentences()[0].flags]


def test_a_broken_model_stops_digest_with_one_line_and_exit_4(
    tiny_models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cli import app
    from mt.engine_transformers import TransformersEngine

    monkeypatch.setattr(TransformersEngine, "generate_ids", lambda self, ids, options, target="en": [[] for _ in ids])
    env = {"MTDIGEST_HOME": str(tiny_models / "home"), "MTDIGEST_LOCK": str(tiny_models / "models.lock"),
           "MTDIGEST_CACHE": str(tmp_path / "cache.sqlite")}
    result = CliRunner().invoke(app, ["digest", str(SEEDS / "000_41b56ad6ca49ea79.txt"), "-o", str(tmp_path / "out"),
                                      "--engine", "transformers", "--method", "extractive", "-q"], env=env)
    assert result.exit_code == 4, result.output
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    assert line.startswith("error: model 'tiny-nllb'") and "no usable English" in line


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("alias", ["tiny-nllb", "tiny-nllb-hub"])
def test_back_translation_sources_carry_control_strings_as_text(engines: dict, alias: str, engine: str) -> None:
    inner = engines[(alias, engine)]
    english = "The summary mentions </s> and <mask> and pes_Arab and >>fra<< as plain words."
    (row,) = inner.source_tokens([english], "en")
    tokenizer = inner.tokenizer
    assert row[0] == tokenizer.convert_tokens_to_ids("eng_Latn") and row[-1] == tokenizer.eos_token_id
    assert not set(row[1:-1]) & (inner.control_ids - {tokenizer.unk_token_id})
    assert inner.translate([english], "en", DecodingOptions(beam_size=1), target="fa")[0] is not None


@pytest.mark.parametrize("alias", ["tiny-nllb", "tiny-marian", "tiny-marian-tc-big"])
def test_restricted_greedy_decoding_is_the_full_models_output_while_that_stays_in_the_map(
    tiny_home: tuple[Lock, Path], alias: str
) -> None:
    """Why this comparison: greedy decoding picks the best token of the whole vocabulary at every step; if that
    token is in the map it is also the best of the map, so restricted and full outputs agree token for token up
    to the first token the full model writes outside the map (all of it when it stays inside), and the restricted
    output never leaves the map. Random weights write whatever they like, so the sources are map pieces (a tied
    random model tends to echo its input): most full outputs then stay in the map and are compared whole."""
    import ctranslate2

    lock, home = tiny_home
    entry = lock.get(alias)
    directory = find_converted(entry, home)
    (line,) = (directory / "vmap.txt").read_text(encoding="utf-8").splitlines()
    in_map = set(line.split("\t")[1].split(" "))
    vocabulary = json.loads((directory / "shared_vocabulary.json").read_text(encoding="utf-8"))
    pieces = [t for t in vocabulary if t in in_map and not t.startswith("<")]
    first = [entry.target_token] if entry.target_token else []
    sources = [first + pieces[5 * k:5 * k + 6] + ["</s>"] for k in range(40)]
    prefix = [[entry.language_codes["en"]]] * len(sources) if entry.architecture == "nllb" else None
    translator = ctranslate2.Translator(str(directory), device="cpu", compute_type="int8")
    options = dict(beam_size=1, max_decoding_length=8, max_input_length=0, target_prefix=prefix)
    full = [r.hypotheses[0] for r in translator.translate_batch(sources, **options)]
    restricted = [r.hypotheses[0] for r in translator.translate_batch(sources, use_vmap=True, **options)]
    agreed = whole = 0
    for a, b in zip(full, restricted):
        inside = next((i for i, token in enumerate(a) if token not in in_map), len(a))
        assert set(b) <= in_map
        assert b[:inside] == a[:inside]
        agreed += inside
        whole += a == b
    assert whole >= len(sources) // 4 and agreed >= 0.75 * sum(len(a) for a in full)  # the comparison has teeth
    persian = [first + [t for t in vocabulary if re.search(r"[\u0600-\u06ff]", t)][7 * k:7 * k + 6] + ["</s>"]
               for k in range(10)]
    assert all(set(r.hypotheses[0]) <= in_map for r in translator.translate_batch(
        persian, use_vmap=True, **{**options, "target_prefix": None if prefix is None else prefix[:10]}))


def test_the_ctranslate2_engine_decodes_english_with_the_map_and_the_signature_says_so(
    engines: dict, tiny_home: tuple[Lock, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mt.engine_ctranslate2 import CTranslate2Engine

    assert engines[("tiny-nllb", "ctranslate2")].vocabulary_map is None  # 3k pieces: below the map's threshold
    monkeypatch.setattr(CTranslate2Engine, "MAP_MIN_VOCABULARY", 0)  # the tiny NLLB stands for NLLB's 256k pieces
    lock, home = tiny_home
    engine = load_translator(lock.get("tiny-nllb"), engine="ctranslate2", home=home)
    calls: list[dict] = []
    real = engine.translator

    class Recording:
        def __getattr__(self, name: str) -> object:  # scoring: the real translator
            return getattr(real, name)

        def translate_batch(self, source, **kwargs):
            calls.append(kwargs)
            return real.translate_batch(source, **kwargs)

    monkeypatch.setitem(engine.__dict__, "translator", Recording())
    article = seed_article("003_74ed4e50eb75564b.txt", "fa")
    translate_articles([article], engine, FAST)
    engine.translate(["The minister met officials."], "en", DecodingOptions(beam_size=1), target="fa")
    assert calls[0]["use_vmap"] is True and calls[-1]["use_vmap"] is False  # back-translation decodes in full
    assert re.search(r"\|vmap:latin1:[0-9a-f]{12}\|", article.models["translate"]["signature"])
    other = seed_article("003_74ed4e50eb75564b.txt", "fa")
    translate_articles([other], engines[("tiny-nllb", "transformers")], FAST)
    assert "vmap" not in other.models["translate"]["signature"]


def test_default_decoding_is_greedy_translation_with_beam_2_summaries_and_fast_makes_both_greedy() -> None:
    from cli_commands.options import TRANSLATION_OPTIONS, translate_settings
    from digest.jobs import SummarySettings

    defaults = {name: default for name, _, default in TRANSLATION_OPTIONS}
    plain = translate_settings(**defaults)
    fast = translate_settings(**{**defaults, "beam": 4, "fast": True})
    beam4 = translate_settings(**{**defaults, "beam": 4})
    assert (plain.beam_size, fast.beam_size, beam4.beam_size) == (1, 1, 4)
    assert [SummarySettings(greedy=s.fast).options().beam_size for s in (plain, fast, beam4)] == [2, 1, 2]
    assert DecodingOptions().beam_size == 1
