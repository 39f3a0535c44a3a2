"""Translate a batch of articles, loading each model it needs once.

Articles a model cannot take are collected as errors while the rest of the batch
runs; a missing model stops the job before any work, with the message that says
how to get it.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modelstore.convert import QUANTIZATIONS
from modelstore.ensure import ensure_models
from modelstore.lock import Lock, ModelEntry, load_lock, parse_choice
from core.article import Article, article_error
from seq2seq.backends import ENGINES, TRANSFORMERS_PRECISIONS
from seq2seq.cache import TranslationCache
from mt.engine import DecodingOptions
from core.errors import MtdigestError, UsageError
from mt.glossary import load_glossary
from mt.loading import LazyTranslator, load_translator
from mt.progress import TRANSLATE, Progress
from mt.qa.roundtrip import QE_METHODS
from mt.review import REVIEW_BELOW
from mt.translate import TranslateOptions, TranslationStats, pass_through, translate_articles


@dataclass
class TranslateSettings:
    """Which model and how: what the CLI's translation options map to."""

    lock_path: Path | None = None
    engine: str = "auto"
    device: str = "auto"
    precision: str = "auto"
    model: tuple[str, ...] = ()  # `--model` values: ALIAS or LANG=ALIAS (see `Lock.translator_for`)
    beam_size: int = 1  # greedy: see `DecodingOptions`
    fast: bool = False  # `--fast`: greedy summaries too (translation is greedy by default already)
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    length_penalty: float = 1.0
    review_below: float = REVIEW_BELOW  # `low_confidence` below this model confidence (`mt.review`)
    qe: str = "none"  # `--qe roundtrip`: also score each sentence by a round trip (`mt.qa.roundtrip`)
    max_batch_tokens: int = 4096
    glossary: Path | None = None
    use_cache: bool = True
    max_input_mb: float = 50.0  # inputs over this are refused unread (`ingest.readers.max_input_mb`)
    offline: bool = False  # never fetch a missing model (also HF_HUB_OFFLINE=1)
    pull_progress: Any = None  # a `modelstore.pull.PullProgress` shown while missing models are fetched


def check_settings(settings: TranslateSettings) -> None:
    """A UsageError (exit 2) for the first option value no engine could run, before any model is loaded."""
    s = settings
    numbers = (("--beam", s.beam_size, s.beam_size >= 1, "at least 1"),
               ("--no-repeat-ngram", s.no_repeat_ngram_size, s.no_repeat_ngram_size >= 0, "0 (off) or more"),
               ("--repetition-penalty", s.repetition_penalty,
                math.isfinite(s.repetition_penalty) and s.repetition_penalty > 0, "a number above 0 (1.0: off)"),
               ("--length-penalty", s.length_penalty, math.isfinite(s.length_penalty), "a finite number"),
               ("--review-below", s.review_below, 0 <= s.review_below <= 1, "between 0 and 1"),
               ("--max-batch-tokens", s.max_batch_tokens, s.max_batch_tokens >= 1, "at least 1"))
    for option, value, ok, wanted in numbers:
        if not ok:
            raise UsageError(f"{option} {value}: must be {wanted}")
    if s.qe not in QE_METHODS:
        raise UsageError(f"--qe {s.qe}: use {' or '.join(QE_METHODS)}")
    if s.engine not in ENGINES:
        raise UsageError(f"--engine {s.engine}: use one of {', '.join(ENGINES)}")
    allowed = {"transformers": TRANSFORMERS_PRECISIONS, "ctranslate2": QUANTIZATIONS}.get(
        s.engine, TRANSFORMERS_PRECISIONS + QUANTIZATIONS)
    if s.precision != "auto" and s.precision not in allowed:
        raise UsageError(f"--precision {s.precision}: {'--engine ' + s.engine if s.engine != 'auto' else 'the engines'}"
                         f" take auto or {', '.join(allowed)}")
    if not re.fullmatch(r"auto|cpu|cuda(:\d+)?", s.device):
        raise UsageError(f"--device {s.device}: use auto, cpu or cuda (cuda:N for one GPU)")
    if s.device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise UsageError(f"--device {s.device}: no CUDA GPU is available on this machine (use --device cpu)")


@dataclass
class JobReport:
    """What a batch job wrote and which inputs failed (and why)."""

    written: list[Path] = field(default_factory=list)
    failed: list[MtdigestError] = field(default_factory=list)
    stats: list[TranslationStats] = field(default_factory=list)


def choose_translators(
    articles: list[Article], lock: Lock, choice: Sequence[str] = ()
) -> tuple[dict[str, list[Article]], list[MtdigestError]]:
    """Group articles by the lock alias that translates them (`choice`: the `--model` values); English needs
    none (alias "")."""
    groups: dict[str, list[Article]] = defaultdict(list)
    failed: list[MtdigestError] = []
    for article in articles:
        if article.language == "en":
            groups[""].append(article)
            continue
        entry: ModelEntry = lock.translator_for(article.language or "", choice)
        problem = _untranslatable(article, entry)
        if problem:
            failed.append(article_error(article, problem))
            continue
        groups[entry.alias].append(article)
    return groups, failed


def _untranslatable(article: Article, entry: ModelEntry) -> str | None:
    """Why `entry` cannot translate this article (its language, or a sentence in a language it does not take;
    English sentences pass through untranslated), or None."""
    if article.language not in entry.languages:
        return f"model '{entry.alias}' does not translate '{article.language}'"
    takes = {*entry.languages, *(entry.language_codes if entry.architecture == "nllb" else ())}
    for sentence in article.sentences():
        if sentence.language not in (None, "en") and sentence.language not in takes:
            return (f"sentence {sentence.id} is in '{sentence.language}', which model '{entry.alias}' does not "
                    f"translate (it takes {', '.join(entry.languages)})")
    return None


class TranslationSession:
    """Models, cache and glossary loaded once for a whole job, however many calls it makes."""

    def __init__(self, settings: TranslateSettings) -> None:
        self.settings = settings
        self.lock = load_lock(settings.lock_path)
        parse_choice(self.lock, settings.model)  # a bad --model is a usage error before any model time
        self.options = TranslateOptions(
            DecodingOptions(
                beam_size=settings.beam_size,
                no_repeat_ngram_size=settings.no_repeat_ngram_size,
                repetition_penalty=settings.repetition_penalty,
                length_penalty=settings.length_penalty,
            ),
            max_batch_tokens=settings.max_batch_tokens,
            review_below=settings.review_below,
        )
        self.glossary = load_glossary(settings.glossary) if settings.glossary else None
        self.cache = TranslationCache() if settings.use_cache else None
        self.engines: dict[str, LazyTranslator] = {}

    def __enter__(self) -> TranslationSession:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.cache:
            self.cache.close()

    def engine(self, alias: str) -> LazyTranslator:
        """The session's translator for a lock alias, loaded on its first sentence the cache lacks."""
        if alias not in self.engines:
            s, entry = self.settings, self.lock.get(alias)
            self.engines[alias] = LazyTranslator(
                entry, lambda: load_translator(entry, s.engine, s.device, s.precision))
        return self.engines[alias]

    def fill_cached(self, articles: list[Article]) -> TranslationStats:
        """Fill every sentence the cache has (no model is loaded; English passes through); `missing` of the
        result is how many are left for the models: the translation's total, known before any model time."""
        groups, _ = choose_translators(articles, self.lock, self.settings.model)
        total = TranslationStats()
        for alias, group in groups.items():
            if not alias:
                for article in group:
                    pass_through(article)
                continue
            stats = translate_articles(group, self.engine(alias), self.options, self.cache, self.glossary,
                                       cached_only=True)
            total.units, total.cached = total.units + stats.units, total.cached + stats.cached
            total.missing += stats.missing
        return total

    def prepare(self, articles: list[Article], also: Sequence[ModelEntry] = ()) -> list[MtdigestError]:
        """Load every model these articles still need (fetching the missing ones on first use, with `also`,
        e.g. the summarizer, in the same go), so a missing one stops the job before any work. Articles the
        cache has whole need none: their translators are not even looked for."""
        groups, failed = choose_translators(articles, self.lock, self.settings.model)
        needed = []
        for alias, group in groups.items():
            engine = self.engine(alias) if alias else None
            if engine is not None and not engine.is_loaded and any(untranslated(a) for a in group):
                needed.append(engine)
        ensure_models([*(e.entry for e in needed), *also], offline=self.settings.offline,
                      progress=self.settings.pull_progress)
        for engine in needed:
            engine.loaded  # noqa: B018 - loaded now, so a broken model stops the job before any work
        return failed

    def translate_inputs(self, articles: list[Article], progress: Progress | None = None) -> JobReport:
        """What the cache has first, with no model; then the rest (see `translate_inputs`)."""
        filled = self.fill_cached(articles)
        if progress:
            progress.start(TRANSLATE, filled.missing)
        report = self.translate([a for a in articles if untranslated(a)], progress)
        report.stats.insert(0, filled)
        return report

    def translate(self, articles: list[Article], progress: Progress | None = None) -> JobReport:
        """Translate articles in place; English passes through; unfit articles are reported."""
        report = JobReport(failed=self.prepare(articles))
        groups, _ = choose_translators(articles, self.lock, self.settings.model)
        for alias, group in groups.items():
            if alias:
                report.stats.append(translate_articles(
                    group, self.engine(alias), self.options, self.cache, self.glossary, progress))
            else:
                for article in group:
                    pass_through(article)
        return report


def untranslated(article: Article) -> bool:
    """Whether its title or some sentence still lacks its English."""
    return bool(article.title.source.strip()) and article.title.english is None or any(
        s.english is None for s in article.sentences())


def translate_inputs(
    articles: list[Article],
    settings: TranslateSettings,
    progress: Progress | None = None,
) -> JobReport:
    """Translate already-read articles in place, loading each needed model once (none when the cache has
    every sentence)."""
    with TranslationSession(settings) as session:
        return session.translate_inputs(articles, progress)
