"""`summarize(article)`: an English summary of a translated (or English) article, linked to its sentences.

Abstractive: the loaded model summarizes the English (map-reduce beyond its window); each
summary sentence is then linked to the sentences that support it. Extractive: central,
non-redundant sentences are selected, so each supports itself. Both get faithfulness
flags, and optionally a back-translation into the article's language.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from core.article import Article, Flag, Summary, SummarySentence, article_error
from core.english import split_english
from modelstore.lock import ModelEntry
from seq2seq.cache import TranslationCache
from seq2seq.decoding import DecodingOptions
from summarize.backtranslate import BackTranslator, back_translate
from summarize.chunking import MapReduceTrace, summarize_long
from summarize.engine import Limits, Summarizer, SummaryOptions
from summarize.extractive import ExtractiveOptions, select_sentences
from summarize.faithfulness import Evidence, faithfulness_flags
from summarize.length import target_sentences
from summarize.support import link_support
from summarize.text import english_sentences, has_english

METHODS = ("abstractive", "extractive")


def summarize(
    article: Article,
    summarizer: Summarizer | None = None,
    *,
    method: str = "abstractive",
    sentences: int | None = None,
    ratio: float | None = None,
    back_translator: BackTranslator | None = None,
    options: SummaryOptions | None = None,
    extractive_options: ExtractiveOptions | None = None,
    back_options: DecodingOptions | None = None,
    cache: TranslationCache | None = None,
) -> Summary:
    """Summarize `article` in English, set `article.summary` and return it.

    `cache`: abstractive summaries are kept there (and served from it: the same model revision, options,
    length and English make no model call; a `LazySummarizer` is then never even loaded).
    `summarizer`: a model from `load_summarizer` (abstractive only); when None, the lock's
    default summarizer is loaded for this one call — load it once yourself for many articles.
    `sentences` / `ratio`: summary length (default: 4 sentences, fewer for short articles).
    `back_translator`: the article's NLLB translation engine, to add `summary.back_translation`.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method '{method}' (expected one of {', '.join(METHODS)})")
    if not has_english(article):
        raise article_error(article, "the article is not translated yet: translate it first")
    started = time.perf_counter()
    pairs = english_sentences(article)
    count = target_sentences(len(pairs), sentences, ratio)
    model: dict[str, Any]
    if method == "extractive":
        extractive = extractive_options or ExtractiveOptions()
        chosen = select_sentences([text for _, text in pairs], count, extractive)
        lines = [pairs[i][1] for i in chosen]
        support = [[pairs[i][0]] for i in chosen]
        model = {"alias": None, "engine": "extractive", "sentences": count, "signature": f"{extractive.signature()}|n:{count}"}
    else:
        if summarizer is None:
            summarizer = _default_summarizer()
        options = options or SummaryOptions()
        key = summary_key(summarizer.entry, options, count, pairs) if cache is not None else ""
        cached = cache.get_summary(key) if cache is not None else None
        if cached is not None:  # the same model, options and English: no model call (nor load, for a lazy one)
            lines, model = cached["lines"], cached["model"]
        else:
            lines, trace = _abstractive(article, pairs, summarizer, count, options)
            model = {**summarizer.describe(), "options": options.as_dict(), "sentences": count,
                     "window": summarizer.window, "chunks": trace.chunks, "levels": len(trace.levels),
                     "signature": signature(summarizer, options, count)}
            if cache is not None:
                cache.put_summary(key, {"lines": lines, "model": model})
        support = link_support(lines, pairs)
    evidence = Evidence(article)
    summary = Summary(method=method)
    for line, ids in zip(lines, support):
        flags = faithfulness_flags(line, evidence)
        if not ids:
            flags.append(Flag("no_support", "no sentence of the article supports this summary sentence"))
        summary.sentences.append(SummarySentence(english=line, support=ids, flags=flags))
    if back_translator is not None and article.language not in (None, "en") and summary.sentences:
        translated = back_translate([s.english for s in summary.sentences], back_translator, article.language,
                                    back_options)
        summary.back_translation = " ".join(t for t in translated if t)
        model["back_translation"] = {**back_translator.describe(), "language": article.language}
    article.summary = summary
    article.models["summarize"] = {"method": method, **model}
    article.timings["summarize_s"] = round(time.perf_counter() - started, 3)
    return summary


def summary_cached(article: Article, entry: ModelEntry, options: SummaryOptions, cache: TranslationCache,
                   sentences: int | None = None, ratio: float | None = None) -> bool:
    """Whether `summarize` would serve this (translated) article's abstractive summary from `cache`, with no
    model: what lets a job know before any model time which summaries it must make, and whether it needs
    the summarizer at all."""
    pairs = english_sentences(article)
    key = summary_key(entry, options, target_sentences(len(pairs), sentences, ratio), pairs)
    return cache.get_summary(key) is not None


def summary_key(entry: ModelEntry, options: SummaryOptions, count: int, pairs: list[tuple[str, str]]) -> str:
    """Cache key of an abstractive summary: the model's revision, the options, the length and the English by id
    (the engine is not part of it, as for translations)."""
    material = json.dumps([entry.alias, entry.revision, options.as_dict(), count, pairs], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def signature(summarizer: Summarizer, options: SummaryOptions, count: int) -> str:
    """A sacrebleu-style string of everything that produced an abstractive summary."""
    entry = summarizer.entry
    return (
        f"{entry.alias}@{entry.revision[:12]}|engine:{summarizer.engine_name}|{summarizer.precision}"
        f"|beam:{options.beam_size}|nrng:{options.no_repeat_ngram_size}|lp:{options.length_penalty}"
        f"|n:{count}|tps:{options.tokens_per_sentence}|window:{summarizer.window}|chunk:{options.chunk_summary_tokens}"
    )


def _abstractive(
    article: Article, pairs: list[tuple[str, str]], summarizer: Summarizer, count: int, options: SummaryOptions
) -> tuple[list[str], MapReduceTrace]:
    if not pairs:
        return [], MapReduceTrace()
    paragraph = {s.id: number for number, p in enumerate(article.paragraphs) for s in p.sentences}
    limits = Limits(
        min_tokens=options.min_tokens_per_sentence * count,
        max_tokens=options.tokens_per_sentence * count + options.min_tokens_per_sentence,
    )
    text, trace = summarize_long([t for _, t in pairs], [paragraph.get(i, 0) for i, _ in pairs], summarizer,
                                 limits, options)
    return split_english(text)[:count], trace


def _default_summarizer() -> Summarizer:
    from modelstore.lock import load_lock
    from summarize.engine import load_summarizer

    return load_summarizer(load_lock().summarizer())
