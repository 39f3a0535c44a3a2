"""The `translate` and `digest` jobs as library calls: read, translate, summarize, render, write.

Each article succeeds or fails on its own: a bad input or a failed write is
reported and the rest of the batch goes on; every file is written atomically, so
nothing half-written is left and nothing already written is lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from pathlib import Path

from digest.index import render_index_html, render_index_markdown
from digest.render import render
from ingest import read_inputs
from ingest.readers import read_file
from modelstore.lock import Lock, ModelEntry
from core.article import Article, article_error, unique_ids
from seq2seq.cache import TranslationCache
from core.errors import InputError, MtdigestError, OutputError
from core.output import check_writable, write_atomic
from mt.pipeline import JobReport, TranslateSettings, TranslationSession, untranslated
from mt.progress import SUMMARIZE, TRANSLATE, WRITE, Progress
from mt.qa.roundtrip import add_roundtrip_chrf, roundtrip_models


@dataclass
class SummarySettings:
    """How to summarize: `abstractive` (a locked BART model), `extractive` (no model) or `none`.

    `greedy`: beam 1 instead of the summarizer's default beam (`--fast` asks it of every model).
    """

    method: str = "abstractive"
    sentences: int | None = None
    ratio: float | None = None
    engine: str = "auto"
    greedy: bool = False

    def options(self) -> Any:
        """The summarizer's decoding options for these settings."""
        from summarize.engine import SummaryOptions

        return SummaryOptions(beam_size=1) if self.greedy else SummaryOptions()


@dataclass
class DigestReport(JobReport):
    articles: list[Article] = field(default_factory=list)


def read_article_json(path: str) -> Iterator[Article | InputError]:
    """Articles from JSON written earlier (`translate`/`digest`): one object, or JSON Lines."""
    try:
        text = read_file(Path(path), path).decode("utf-8")
    except InputError as error:
        yield error
        return
    except UnicodeDecodeError as exc:
        yield InputError(path, f"cannot read ({exc.__class__.__name__}: {exc})")
        return
    # JSON Lines end records at \n only: U+2028 and friends are valid inside JSON strings.
    lines = [text] if text.lstrip().startswith("{") and "\n{" not in text.strip() else text.split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield Article.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError, RecursionError) as exc:  # RecursionError: nested too deeply
            where = path if len(lines) == 1 else f"{path}: line {number}"
            yield InputError(where, f"not an mtdigest article JSON ({exc})")


def collect(inputs: Sequence[str], from_json: bool = False) -> tuple[list[Article], list[MtdigestError]]:
    """Read every input; bad ones become errors instead of stopping the batch."""
    articles: list[Article] = []
    failed: list[MtdigestError] = []
    items = (item for path in inputs for item in read_article_json(path)) if from_json else read_inputs(inputs)
    for item in items:
        (failed if isinstance(item, MtdigestError) else articles).append(item)  # type: ignore[arg-type]
    unique_ids(articles)
    return articles, failed


def write_outputs(articles: list[Article], output: Path, formats: Sequence[str], report: JobReport) -> list[Article]:
    """Write each article's files; an article whose write fails is reported, the others go on."""
    done = []
    for article in articles:
        try:
            rendered = {fmt: render(article, fmt) for fmt in formats}
            for fmt, text in rendered.items():
                path = output / f"{article.id}.{fmt}"
                write_atomic(path, text)
                report.written.append(path)
            done.append(article)
        except OSError as exc:
            report.failed.append(article_error(article, f"cannot write output ({exc})"))
    return done


def run_translate(
    inputs: Sequence[str], output: Path, formats: Sequence[str], settings: TranslateSettings,
    progress: Progress | None = None,
) -> JobReport:
    """Read, translate and write every input; failures are reported, not fatal to the batch."""
    check_writable(output)
    articles, failed = collect(inputs)
    with TranslationSession(settings) as session:
        back = roundtrip_entries(articles, session)
        if back:  # a missing back-translator stops the job before any work
            session.prepare([], also=list(back.values()))
        report = session.translate_inputs(articles, progress) if articles else JobReport()
        report.failed[:0] = failed
        add_roundtrip(_succeeded(articles, report), session, back)
    write_outputs(_succeeded(articles, report), output, formats, report)
    return report


def roundtrip_entries(articles: list[Article], session: TranslationSession) -> dict[str, ModelEntry]:
    """The back-translators `--qe roundtrip` needs (none when it is off)."""
    if session.settings.qe != "roundtrip":
        return {}
    return roundtrip_models(articles, session.lock, session.settings.model)


def add_roundtrip(articles: list[Article], session: TranslationSession, back: dict[str, ModelEntry]) -> None:
    """`roundtrip_chrf` of every translated sentence, with the session's models, decoding and cache."""
    if back:
        add_roundtrip_chrf(articles, {language: session.engine(e.alias) for language, e in back.items()},
                           session.options.decoding, session.cache, session.settings.max_batch_tokens)


# Articles are translated, summarized and written in chunks of about this many sentences:
# batches still span articles, and an interrupted run keeps every chunk already written.
CHUNK_SENTENCES = 512


def run_digest(
    inputs: Sequence[str], output: Path, formats: Sequence[str], settings: TranslateSettings,
    summary: SummarySettings, from_json: bool = False, progress: Progress | None = None,
) -> DigestReport:
    """Translate (what is not yet translated), summarize, and write digests plus an index."""
    check_writable(output)
    articles, failed = collect(inputs, from_json)
    report = DigestReport(failed=failed)
    digest_articles(articles, output, formats, settings, summary, report, progress)
    if report.articles:
        index_formats = [f for f in formats if f in ("html", "md")] or ["md"]
        for fmt in index_formats:
            renderer = render_index_html if fmt == "html" else render_index_markdown
            write_reported(output / f"index.{fmt}", renderer(report.articles, formats, report.failed), report)
    return report


def write_reported(path: Path, text: str, report: JobReport) -> None:
    """Write an index or brief file; a failure (a full disk) joins the report's errors, so it is printed as one
    line with every error before it instead of ending the run with a traceback."""
    try:
        write_atomic(path, text)
    except OSError as exc:
        report.failed.append(OutputError(f"{path}: cannot write ({exc.strerror or exc})"))
        return
    report.written.append(path)


def digest_articles(
    articles: list[Article], output: Path, formats: Sequence[str], settings: TranslateSettings,
    summary: SummarySettings, report: DigestReport, progress: Progress | None = None,
    summarizer: Any = None,
) -> None:
    """Translate what is untranslated, summarize what has no summary, write each article's files.

    What the cache holds is filled first, with no model: then the work left (sentences to translate,
    summaries to make) is known before any model time, and only the models that work needs are loaded —
    none at all for a fully cached re-run. `summarizer`: one the caller shares (the brief's ledes use it
    too), else made here when needed.
    """
    with TranslationSession(settings) as session:
        pending = [a for a in articles if untranslated(a)]
        filled = session.fill_cached(pending)
        report.stats.append(filled)
        pending = [a for a in pending if untranslated(a)]
        pending_ids = {id(a) for a in pending}
        entry = _summary_model(articles, summary, session.lock)
        back = roundtrip_entries(articles, session)
        making = {id(a) for a in articles if _needs_summary(a, summary) and (
            id(a) in pending_ids or entry is None or session.cache is None
            or not _summary_cached(a, entry, summary, session.cache))}
        # Every model the job needs is fetched (first use) or named as missing here, before any work.
        session.prepare(pending, also=[*([entry] if entry is not None and making else []), *back.values()])
        if summarizer is None:  # never loaded when every summary is cached
            summarizer = _summarizer(entry, settings, summary)
        if progress:
            progress.start(TRANSLATE, filled.missing)
            progress.start(SUMMARIZE, len(making) if summary.method != "none" else 0)
            progress.start(WRITE, len(articles))
        for chunk in _chunks(articles):
            todo = [a for a in chunk if id(a) in pending_ids]
            if todo:
                translated = session.translate(todo, progress)
                report.failed += translated.failed
                report.stats += translated.stats
            done = _succeeded(chunk, report)
            add_roundtrip(done, session, back)
            if summary.method != "none":
                def summarized(article: Article) -> None:
                    if progress and id(article) in making:
                        progress.advance(SUMMARIZE)

                _summarize(done, summarizer, summary, report, session.cache, summarized)
                if progress:  # the failed articles' summaries will not be made
                    kept = {id(a) for a in done}
                    progress.advance(SUMMARIZE, sum(id(a) in making and id(a) not in kept for a in chunk))
                done = _succeeded(done, report)
            report.articles += write_outputs(done, output, formats, report)
            if progress:
                progress.advance(WRITE, len(chunk))


def _chunks(articles: list[Article]) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    size = 0
    for article in articles:
        chunk.append(article)
        size += len(article.sentences())
        if size >= CHUNK_SENTENCES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _needs_summary(article: Article, summary: SummarySettings) -> bool:
    return article.summary is None or article.summary.method != summary.method


def _summary_model(articles: list[Article], summary: SummarySettings, lock: Lock) -> ModelEntry | None:
    """The abstractive model this job would use: only when some article needs an abstractive summary."""
    if summary.method != "abstractive" or not any(_needs_summary(a, summary) for a in articles):
        return None
    return lock.summarizer()


def _summary_cached(article: Article, entry: ModelEntry, summary: SummarySettings, cache: TranslationCache) -> bool:
    from summarize.core import summary_cached

    return summary_cached(article, entry, summary.options(), cache, summary.sentences, summary.ratio)


def _summarizer(entry: ModelEntry | None, settings: TranslateSettings, summary: SummarySettings) -> Any:
    """The abstractive model when the job needs one, loaded once on its first summary not in the cache."""
    if entry is None:
        return None
    from summarize.engine import LazySummarizer, load_summarizer

    return LazySummarizer(entry, lambda: load_summarizer(entry, summary.engine, settings.device, "auto"))


def _summarize(articles: list[Article], summarizer: Any, summary: SummarySettings, report: JobReport,
               cache: TranslationCache | None, summarized: Callable[[Article], None]) -> None:
    from summarize import summarize

    for article in articles:
        if not _needs_summary(article, summary):
            continue
        try:
            summarize(article, summarizer, method=summary.method, sentences=summary.sentences, ratio=summary.ratio,
                      options=summary.options(), cache=cache)
        except InputError as error:  # this article's trouble; a missing or corrupt model (loaded on the first
            # summary the cache lacks) stops the run with its own exit code
            report.failed.append(article_error(article, error))
        summarized(article)


def _succeeded(articles: list[Article], report: JobReport) -> list[Article]:
    """The articles no error was reported for (per article, never per file: a JSONL file or stdin holds many)."""
    failed = {getattr(e, "article_id", None) for e in report.failed}
    return [a for a in articles if a.id not in failed]
