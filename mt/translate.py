"""Translate articles sentence by sentence, keeping every source id aligned to its English.

All sentences of all articles given together are cached, split where too long,
batched by a token budget across articles, translated, checked for degenerate
output (retried once with stricter decoding) and stitched back under their ids.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from core.article import Article, Flag
from seq2seq.backends import halving_on_oom
from mt.batching import batches_by_tokens
from seq2seq.cache import TranslationCache, cache_key
from mt.clauses import split_for_model
from mt.qa.checks import check_article
from mt.qa.degenerate import degeneration
from mt.engine import DecodingOptions, Scored, TranslationEngine, confidence
from core.errors import BrokenModelError
from mt.glossary import Glossary, Term, glossary_flags
from mt.progress import TRANSLATE, Progress
from mt.review import REVIEW_BELOW, review_flags


@dataclass(frozen=True)
class TranslateOptions:
    decoding: DecodingOptions = field(default_factory=DecodingOptions)
    max_batch_tokens: int = 4096
    # Longer sentences are split at clause boundaries: NMT quality falls off, and
    # models stop early, well before their position limit.
    max_sentence_tokens: int = 160
    # Sentences the model itself gives a confidence below this are flagged `low_confidence` (`mt.review`;
    # never stored in the cache: the threshold is a reading choice, not part of the translation).
    review_below: float = REVIEW_BELOW


@dataclass
class TranslationStats:
    units: int = 0
    cached: int = 0
    pieces: int = 0
    batches: int = 0
    retried: int = 0
    degenerate: int = 0
    unusable: int = 0  # units whose English came back empty or still degenerate after the retry
    oom_splits: int = 0
    missing: int = 0  # units a cache-only pass (`cached_only=True`) left for the model
    seconds: float = 0.0


@dataclass
class _Unit:
    """A title or sentence to translate, with where its English goes."""

    article: Article
    language: str
    text: str
    assign: Callable[[str, list[Flag], float | None], None]
    key: str = ""
    fired: list[Term] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    english: list[Scored] = field(default_factory=list)


def signature(engine: TranslationEngine, options: TranslateOptions) -> str:
    """A sacrebleu-style string of everything that produced a translation."""
    d = options.decoding
    target = f"|tgt:{engine.entry.target_token}" if engine.entry.target_token else ""
    vmap = f"|vmap:{engine.vocabulary_map}" if engine.vocabulary_map else ""
    return (
        f"{engine.entry.alias}@{engine.entry.revision[:12]}{target}|engine:{engine.engine_name}|{engine.precision}{vmap}"
        f"|beam:{d.beam_size}|nrng:{d.no_repeat_ngram_size}|rep:{d.repetition_penalty}|lp:{d.length_penalty}"
        f"|split:{options.max_sentence_tokens}|review:{options.review_below}"
    )


def translate_article(article: Article, engine: TranslationEngine, **kwargs: object) -> TranslationStats:
    """Translate one article in place (see `translate_articles`)."""
    return translate_articles([article], engine, **kwargs)  # type: ignore[arg-type]


def translate_articles(
    articles: Sequence[Article],
    engine: TranslationEngine,
    options: TranslateOptions | None = None,
    cache: TranslationCache | None = None,
    glossary: Glossary | None = None,
    progress: Progress | None = None,
    cached_only: bool = False,
) -> TranslationStats:
    """Fill `english` (and flags) of every title and sentence; English articles pass through.

    Cache lookups need only the engine's lock entry, so a fully cached job never touches the model (a
    `mt.loading.LazyTranslator` then never loads). `cached_only`: fill what the cache has and leave the rest
    (`stats.missing` of them) untranslated; only articles left complete are checked and signed.
    `progress`: advanced in `TRANSLATE` units, one per sentence the model translates (cache hits excluded).
    """
    options = options or TranslateOptions()
    started = time.perf_counter()
    stats = TranslationStats()
    units = [unit for article in articles for unit in _units(article)]
    stats.units = len(units)
    described, decoding = engine.entry.describe(), options.decoding.as_dict()
    for unit in units:
        if glossary:
            unit.text, unit.fired = glossary.apply(unit.text)
        unit.key = cache_key(described, decoding, unit.language, unit.text)
    hits = cache.get_many(u.key for u in units) if cache else {}
    todo: list[_Unit] = []
    for unit in units:
        if unit.key in hits:
            english, flags, score = hits[unit.key]
            stats.cached += 1
            unit.assign(english, [Flag(**f) for f in flags] + review_flags(score, options.review_below), score)
        else:
            todo.append(unit)
    if cached_only:  # the articles left incomplete are counted when they are translated
        stats.missing = len(todo)
        incomplete = {id(unit.article) for unit in todo}
        articles = [a for a in articles if id(a) not in incomplete]
        units = [u for u in units if id(u.article) not in incomplete]
        stats.units = stats.cached = len(units)
    else:
        _translate_units(todo, engine, options, stats, cache, progress)
        _check_broken(todo, engine, stats, cache)
    model = {**engine.describe(), "signature": signature(engine, options), "decoding": decoding}
    for article in articles:
        if article.language != "en":
            article.models["translate"] = model
            check_article(article, glossary)  # quality flags on every pair (numbers, script, length, names)
    stats.seconds = time.perf_counter() - started
    _record_timings(articles, units, stats.seconds)
    return stats


def _check_broken(todo: list[_Unit], engine: TranslationEngine, stats: TranslationStats,
                  cache: TranslationCache | None) -> None:
    """BrokenModelError when a sizeable job got no usable English at all: the model, not the text, is at fault."""
    if len(todo) >= BROKEN_MODEL_UNITS and stats.unusable == len(todo):
        if cache:  # never serve a broken model's output again, even once its files are repaired
            cache.delete_many(unit.key for unit in todo)
        raise BrokenModelError(
            f"model '{engine.entry.alias}' ({engine.entry.repo}@{engine.entry.revision[:12]}, {engine.engine_name}) "
            f"returned no usable English for any of {len(todo)} sentences (all empty or degenerate): its files may "
            f"be wrong or damaged; check them with `mtdigest models verify {engine.entry.alias}`"
        )


def pass_through(article: Article) -> None:
    """English articles are not translated: their English is their source."""
    article.title.english = article.title.source
    for sentence in article.sentences():
        sentence.english = sentence.source


def _units(article: Article) -> list[_Unit]:
    """The title and sentences of an article; English ones are filled in right away."""
    if article.language == "en":
        pass_through(article)
        return []

    def set_title(english: str, flags: list[Flag], confidence: float | None) -> None:
        article.title.english, article.title.confidence = english, confidence

    units = []
    if article.title.source.strip():
        units.append(_Unit(article, article.language or "", article.title.source.strip(), set_title))
    for sentence in article.sentences():
        def assign(english: str, flags: list[Flag], confidence: float | None, s=sentence) -> None:
            s.english, s.confidence = english, confidence
            s.flags = [f for f in s.flags if f.code not in _OWN_FLAGS] + flags

        if sentence.language == "en":  # a quoted English sentence is kept as written: no model call
            assign(sentence.source, [Flag("english_source", "already in English: kept as written, not translated")],
                   None)
            continue
        units.append(_Unit(article, sentence.language or article.language or "", sentence.normalized, assign))
    return units


# A job this large whose every translation is empty or degenerate has a broken model, not bad sentences.
BROKEN_MODEL_UNITS = 5

_OWN_FLAGS = {"glossary", "glossary_missed", "split", "retried", "degenerate", "empty_output", "english_source",
              "low_confidence"}


def _translate_units(
    units: list[_Unit],
    engine: TranslationEngine,
    options: TranslateOptions,
    stats: TranslationStats,
    cache: TranslationCache | None,
    progress: Progress | None,
) -> None:
    """Translate per language in waves, so an interrupted run keeps (and caches) every finished wave."""
    by_language: dict[str, list[_Unit]] = defaultdict(list)
    for unit in units:
        by_language[unit.language].append(unit)
    for language, group in by_language.items():
        tokens = _Tokens(engine, language, [unit.text for unit in group])
        for unit in group:
            unit.pieces = split_for_model(unit.text, tokens.count, options.max_sentence_tokens)
            if len(unit.pieces) > 1:
                unit.flags.append(Flag("split", f"translated in {len(unit.pieces)} clause pieces"))
        for wave in _waves(group, options.max_batch_tokens * WAVE_BATCHES):
            _translate_wave(wave, tokens, engine, options, stats, progress)
            finished = []
            for unit in wave:
                english = " ".join(part.english for part in unit.english if part.english)
                # Pieces of a split sentence: the token-weighted mean of their log-probabilities.
                score = confidence(sum(p.logprob for p in unit.english), sum(p.tokens for p in unit.english))
                flags = _dedupe(unit.flags + glossary_flags(unit.fired, english))
                if not english and unit.text.strip():
                    flags.append(Flag("empty_output", "the model returned no English for this sentence"))
                if not english or any(f.code == "degenerate" for f in flags):
                    stats.unusable += 1
                unit.assign(english, flags + review_flags(score, options.review_below), score)
                finished.append((unit.key, english, [asdict(f) for f in flags], score))
            if cache:
                cache.put_many(engine.entry.alias, finished)


class _Tokens:
    """Each text tokenized once per job and language: clause splitting, batch sizing and the model share the ids."""

    def __init__(self, engine: TranslationEngine, language: str, texts: list[str]) -> None:
        self.engine, self.language = engine, language
        unique = list(dict.fromkeys(texts))
        self.known = dict(zip(unique, engine.source_tokens(unique, language) if unique else []))

    def ids(self, text: str) -> list[int]:
        if text not in self.known:  # a clause piece of a long sentence
            self.known[text] = self.engine.source_tokens([text], self.language)[0]
        return self.known[text]

    def count(self, text: str) -> int:
        return len(self.ids(text))


# A wave is this many batches' worth of text: large enough to batch well across
# articles, small enough that an interruption loses little work.
WAVE_BATCHES = 8


def _waves(units: list[_Unit], budget: int) -> list[list[_Unit]]:
    """Consecutive groups of units whose source text stays near `budget` tokens (by characters / 4)."""
    waves: list[list[_Unit]] = [[]]
    size = 0
    for unit in units:
        cost = max(1, len(unit.text) // 4)
        if waves[-1] and size + cost > budget:
            waves.append([])
            size = 0
        waves[-1].append(unit)
        size += cost
    return [w for w in waves if w]


def _translate_wave(
    wave: list[_Unit], tokens: _Tokens, engine: TranslationEngine, options: TranslateOptions,
    stats: TranslationStats, progress: Progress | None,
) -> None:
    """Fill `unit.english` for every piece of the wave; repeated pieces are translated once.

    Progress moves with every batch, by the wave's sentences in proportion to the pieces that batch did.
    """
    texts = list(dict.fromkeys(piece for unit in wave for piece in unit.pieces))
    stats.pieces += len(texts)

    def did(pieces: int) -> None:
        if progress:
            progress.advance(TRANSLATE, len(wave) * pieces / len(texts))

    outputs = _run(engine, [tokens.ids(t) for t in texts], options.decoding, options.max_batch_tokens, stats, did)
    bad = [n for n, (text, out) in enumerate(zip(texts, outputs)) if degeneration(text, out.english)]
    notes: dict[str, list[Flag]] = {}
    if bad:
        stats.retried += len(bad)
        retried = _run(engine, [tokens.ids(texts[n]) for n in bad], options.decoding.stricter(),
                       options.max_batch_tokens, stats)
        for n, out in zip(bad, retried):
            notes[texts[n]] = [Flag("retried", "degenerate output retried with stricter decoding")]
            reason = degeneration(texts[n], out.english)
            if reason:
                stats.degenerate += 1
                notes[texts[n]].append(Flag("degenerate", reason))
            outputs[n] = out
    english = dict(zip(texts, outputs))
    for unit in wave:
        unit.english = [english[piece] for piece in unit.pieces]
        unit.flags += [flag for piece in unit.pieces for flag in notes.get(piece, [])]


def _run(
    engine: TranslationEngine,
    ids: list[list[int]],
    decoding: DecodingOptions,
    max_batch_tokens: int,
    stats: TranslationStats,
    did: Callable[[int], None] = lambda pieces: None,
) -> list[Scored]:
    """Translate tokenized texts in token-budget batches and return outputs in input order (`did`: called
    with each finished batch's size)."""
    def run(rows: list[list[int]]) -> list[Scored]:
        stats.batches += 1
        return engine.translate_scored(rows, decoding)

    def halved() -> None:
        stats.oom_splits += 1

    outputs = [Scored("", 0.0, 0)] * len(ids)
    for batch in batches_by_tokens([len(row) for row in ids], max_batch_tokens):
        for index, english in zip(batch, halving_on_oom(run, [ids[i] for i in batch], halved)):
            outputs[index] = english
        did(len(batch))
    return outputs


def _dedupe(flags: list[Flag]) -> list[Flag]:
    seen: set[tuple[str, str]] = set()
    return [f for f in flags if (f.code, f.detail) not in seen and not seen.add((f.code, f.detail))]


def _record_timings(articles: Sequence[Article], units: list[_Unit], seconds: float) -> None:
    """Share the batch time among articles by their number of source characters."""
    weight: dict[str, int] = defaultdict(int)
    for unit in units:
        weight[unit.article.id] += len(unit.text)
    total = sum(weight.values()) or 1
    for article in articles:
        article.timings["translate_s"] = round(seconds * weight[article.id] / total, 3)
