"""A second, optional quality signal (`--qe roundtrip`): our English translated back into the source language,
and chrF between that round trip and the source, per sentence (`sentence.roundtrip_chrf`, 0-100).

A sentence whose meaning survived the trip comes back close to what was written; a dropped clause or a wrong
name usually does not. It is a hint, not a verdict: a paraphrase the reverse model words differently scores
low too. It costs a second model pass over every sentence (the README says how much) and never changes the
translation or its cache entry: the round trips are cached under their own keys.

    entries = roundtrip_models(articles, lock, choice)          # language -> the lock's back-translator
    add_roundtrip_chrf(articles, {lang: engine, ...}, DecodingOptions(), cache)
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from modelstore.lock import Lock, ModelEntry
from core.article import Article, Sentence
from mt.batching import batches_by_tokens
from seq2seq.cache import TranslationCache, cache_key
from mt.engine import DecodingOptions, TranslationEngine

QE_METHODS = ("none", "roundtrip")


def _chrf() -> Any:
    from sacrebleu.metrics import CHRF

    return CHRF()  # chrF2 on characters, sacrebleu's defaults


def roundtrip_models(articles: Sequence[Article], lock: Lock, choice: Sequence[str] = ()) -> dict[str, ModelEntry]:
    """The back-translator of each source language among `articles`, chosen as for summaries
    (`Lock.back_translator_for`: the article's translator when it is many-to-many, else the lock's NLLB);
    a LockError (exit 2) when the lock has none for a language."""
    languages = sorted({a.language for a in articles if a.language not in (None, "en")})
    return {language: lock.back_translator_for(language, choice) for language in languages}  # type: ignore[misc]


def _scored(article: Article) -> list[Sentence]:
    """The sentences with an English of the model's to send back (not merged away, not kept as written)."""
    return [s for s in article.sentences()
            if s.english and s.merged_into is None and not any(f.code == "english_source" for f in s.flags)]


def add_roundtrip_chrf(
    articles: Sequence[Article],
    engines: Mapping[str, TranslationEngine],
    options: DecodingOptions | None = None,
    cache: TranslationCache | None = None,
    max_batch_tokens: int = 4096,
) -> None:
    """Fill `roundtrip_chrf` of every translated sentence (None where there is nothing to send back) and record
    the back-translator under `models["roundtrip"]`; `engines`: one per source language (`roundtrip_models`)."""
    options = options or DecodingOptions()
    chrf = _chrf()
    for language, engine in engines.items():
        started = time.perf_counter()
        group = [a for a in articles if a.language == language]
        for sentence in (s for a in group for s in a.sentences()):
            sentence.roundtrip_chrf = None  # a score of an earlier run (article JSON) is never left standing
        sentences = [s for a in group for s in _scored(a)]
        back = _back_translate([s.english or "" for s in sentences], engine, language, options, cache,
                               max_batch_tokens)
        for sentence, text in zip(sentences, back):
            reference = sentence.normalized or sentence.source
            sentence.roundtrip_chrf = round(chrf.sentence_score(text, [reference]).score, 1)
        model = {**engine.describe(), "signature": f"{engine.entry.alias}@{engine.entry.revision[:12]}"
                 f"|engine:{engine.engine_name}|beam:{options.beam_size}|into:{language}|chrF:{chrf.get_signature()}"}
        seconds = time.perf_counter() - started
        for article in group:  # the group's time, shared out by sentences
            article.models["roundtrip"] = model
            article.timings["roundtrip_s"] = round(seconds * len(_scored(article)) / max(len(sentences), 1), 3)


def _back_translate(texts: list[str], engine: TranslationEngine, language: str, options: DecodingOptions,
                    cache: TranslationCache | None, max_batch_tokens: int) -> list[str]:
    """Each English text in `language`, from the cache where it has it, else by the engine in token-budget
    batches (and then cached); keys of their own, so no translation's entry is touched."""
    described = engine.entry.describe()
    decoding = {**options.as_dict(), "roundtrip_into": language}
    keys = [cache_key(described, decoding, "en", text) for text in texts]
    hits = cache.get_many(keys) if cache else {}
    done: dict[str, str] = {key: hit[0] for key, hit in hits.items()}
    first: dict[str, int] = {}  # a text that comes twice is sent once
    for i, key in enumerate(keys):
        if key not in done:
            first.setdefault(key, i)
    unique = list(first.values())
    if unique:
        ids = engine.source_tokens([texts[i] for i in unique], "en")
        for batch in batches_by_tokens([len(row) for row in ids], max_batch_tokens):
            outputs = engine.translate_ids([ids[j] for j in batch], options, target=language)
            fresh = [(keys[unique[j]], text) for j, text in zip(batch, outputs)]
            done.update(fresh)
            if cache:
                cache.put_many(engine.entry.alias, [(key, text, [], None) for key, text in fresh])
    return [done[key] for key in keys]
