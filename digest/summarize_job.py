"""The `summarize` job as a library call: read, translate what needs it, summarize, write.

Inputs are source articles (translated first), English articles, or the article JSON
that `mtdigest translate` writes (read back as is). Every model the job needs is loaded
once, before any work, so a missing model stops the job with the message that says how
to get it — and, for the summarizer, that `--method extractive` needs none.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.article import Article, article_error, content_id, unique_ids
from core.errors import InputError, MtdigestError
from core.output import check_writable, write_atomic
from ingest.readers import JSON_SUFFIXES, JSONL_SUFFIXES, read_bytes, read_file, read_inputs, read_path
from modelstore.ensure import ensure_models
from modelstore.lock import Lock, ModelEntry, load_lock
from mt.engine import TranslationEngine
from mt.loading import load_translator
from mt.pipeline import JobReport, TranslateSettings, choose_translators, translate_inputs
from mt.progress import SUMMARIZE, Progress
from mt.translate import pass_through
from seq2seq.decoding import DecodingOptions
from summarize.core import METHODS, summarize
from summarize.engine import Summarizer, SummaryOptions, load_summarizer
from summarize.length import target_sentences
from summarize.output import FORMATS, render_summary
from summarize.text import has_english


@dataclass
class SummarizeRequest:
    inputs: list[str]
    output: Path
    formats: list[str] = field(default_factory=lambda: ["json"])
    method: str = "abstractive"
    sentences: int | None = None
    ratio: float | None = None
    back_translate: bool = False
    summary_model: str | None = None  # summarizer alias (default: the lock's)
    # Translation and back-translation; its lock, engine, device and precision serve the summarizer too.
    translate: TranslateSettings = field(default_factory=TranslateSettings)
    options: SummaryOptions | None = None  # default: the summarizer's (beam 1 with `--fast`)


def run_summarize(request: SummarizeRequest, progress: Progress | None = None) -> JobReport:
    """Read, translate (where needed), summarize and write every input; bad inputs are reported, not fatal."""
    _check(request)
    articles: list[Article] = []
    report = JobReport()
    for item in read_articles(request.inputs):
        (report.failed if isinstance(item, MtdigestError) else articles).append(item)  # type: ignore[arg-type]
    if not articles:
        return report
    unique_ids(articles)
    for article in articles:
        if article.language == "en" and any(s.english is None for s in article.sentences()):
            pass_through(article)
    untranslated = [a for a in articles if not has_english(a)]
    foreign = {a.language for a in articles if a.language not in (None, "en")}
    needs_lock = request.method == "abstractive" or untranslated or (request.back_translate and foreign)
    lock = load_lock(request.translate.lock_path) if needs_lock else None
    if lock is not None:  # every model the job needs, fetched on first use or named at once
        ensure_models(_needed_models(lock, request, untranslated, foreign), offline=request.translate.offline,
                      progress=request.translate.pull_progress)

    summarizer = _load_summarizer(lock, request) if request.method == "abstractive" else None
    back = _load_back_translators(lock, request, foreign) if request.back_translate and lock else {}
    if untranslated:
        translated = translate_inputs(untranslated, request.translate, progress)
        report.failed += translated.failed
        report.stats += translated.stats
    failed_ids = {getattr(e, "article_id", None) for e in report.failed}
    options = request.options or (SummaryOptions(beam_size=1) if request.translate.fast else SummaryOptions())
    back_options = DecodingOptions(beam_size=request.translate.beam_size)
    todo = [a for a in articles if a.id not in failed_ids]
    if progress:
        progress.start(SUMMARIZE, len(todo))
    for article in todo:
        try:
            summarize(article, summarizer, method=request.method, sentences=request.sentences, ratio=request.ratio,
                      back_translator=back.get(article.language or ""), options=options, back_options=back_options)
        except MtdigestError as error:
            report.failed.append(article_error(article, error))
            continue
        finally:
            if progress:
                progress.advance(SUMMARIZE)
        try:
            rendered = {fmt: render_summary(article, fmt) for fmt in request.formats}
            for fmt, text in rendered.items():
                path = request.output / f"{article.id}.{fmt}"
                write_atomic(path, text)
                report.written.append(path)
        except OSError as error:
            report.failed.append(article_error(article, f"cannot write output ({error})"))
    return report


def _check(request: SummarizeRequest) -> None:
    """Everything that can be wrong with the request itself, found before any model time."""
    check_writable(request.output)  # `-o` naming a file: exit 2 now, not after translating everything
    if request.method not in METHODS:
        raise MtdigestError(f"unknown method '{request.method}' (use {' or '.join(METHODS)})")
    unknown = [f for f in request.formats if f not in FORMATS]
    if unknown:
        raise MtdigestError(f"unknown format {', '.join(unknown)} (use {', '.join(FORMATS)})")
    try:
        target_sentences(1, request.sentences, request.ratio)
    except ValueError as error:
        raise MtdigestError(str(error)) from None


def _needed_models(lock: Lock, request: SummarizeRequest, untranslated: list[Article],
                   foreign: set[Any]) -> list[ModelEntry]:
    """The translators of the untranslated articles, the summarizer, and the back-translators, as the job will
    load them."""
    t = request.translate
    needed = [lock.get(alias) for alias in choose_translators(untranslated, lock, t.model)[0] if alias]
    if request.method == "abstractive":
        needed.append(_summary_entry(lock, request))
    if request.back_translate:
        needed += [lock.back_translator_for(language, t.model) for language in sorted(foreign)]
    return needed


def _summary_entry(lock: Lock, request: SummarizeRequest) -> ModelEntry:
    """`--summary-model`, else the lock's default summarizer."""
    return lock.get(request.summary_model) if request.summary_model else lock.summarizer()


def _load_summarizer(lock: Lock | None, request: SummarizeRequest) -> Summarizer:
    assert lock is not None
    t = request.translate
    return load_summarizer(_summary_entry(lock, request), t.engine, t.device, t.precision)


def _load_back_translators(lock: Lock, request: SummarizeRequest, languages: set[Any]) -> dict[str, TranslationEngine]:
    """One NLLB engine per language needing back-translation (loaded once per alias)."""
    engines: dict[str, TranslationEngine] = {}
    by_alias: dict[str, TranslationEngine] = {}
    t = request.translate
    for language in sorted(languages):
        entry = lock.back_translator_for(language, t.model)
        if entry.alias not in by_alias:
            by_alias[entry.alias] = load_translator(entry, t.engine, t.device, t.precision)
        engines[language] = by_alias[entry.alias]
    return engines


def read_articles(inputs: Sequence[str]) -> Iterator[Article | InputError]:
    """Like `ingest.read_inputs`, and article JSON (`schema_version`, e.g. from `mtdigest translate`) is read back as is."""
    return read_inputs(inputs, read_stdin=lambda data: _read_data(data, "-", content_id(data), None),
                       read_one=_read_file)


def _read_file(path: Path, where: str) -> Iterator[Article | InputError]:
    if path.suffix.lower() not in JSON_SUFFIXES | JSONL_SUFFIXES:
        yield from read_path(path, where)
        return
    try:
        data = read_file(path, where)
    except InputError as error:
        yield error
        return
    yield from _read_data(data, where, path.stem, path)


def _read_data(data: bytes, where: str, stem: str, path: Path | None) -> Iterator[Article | InputError]:
    objects = _article_objects(data)
    if objects is None:
        if path is not None:
            yield from read_path(path, where)
        else:
            head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
            yield from read_bytes(data, where, stem, "json-or-jsonl" if head in (b"{", b"[") else None)
        return
    for number, obj in enumerate(objects, start=1):
        try:
            yield Article.from_dict(obj)
        except (KeyError, TypeError, ValueError) as error:
            at = where if len(objects) == 1 else f"{where}[{number}]"
            yield InputError(at, f"not a usable mtdigest article JSON ({type(error).__name__}: {error})")


def _article_objects(data: bytes) -> list[dict[str, Any]] | None:
    """The article objects in JSON / JSON Lines data, or None when it is not article JSON."""
    text = data.decode("utf-8-sig", errors="replace").strip()
    if not text or text[0] not in "{[":
        return None
    try:
        parsed = json.loads(text)
        objects = parsed if isinstance(parsed, list) else [parsed]
    except (json.JSONDecodeError, RecursionError):  # RecursionError: nested too deeply to be an article
        try:  # JSON Lines end records at \n only: U+2028 and friends are valid inside JSON strings
            objects = [json.loads(line) for line in text.split("\n") if line.strip()]
        except (json.JSONDecodeError, RecursionError):
            return None
    if objects and all(isinstance(o, dict) and "schema_version" in o and "paragraphs" in o for o in objects):
        return objects
    return None
