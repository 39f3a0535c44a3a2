"""The `translate` and `digest` jobs as library calls: read, translate, summarize, render, write.

Each article succeeds or fails on its own: a bad input or a failed write is
reported and the rest of the batch goes on; every file is written atomically, so
nothing half-written is left and nothing already written is lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from digest.index import render_index_html, render_index_markdown
from digest.render import render
from ingest import read_inputs
from modelstore.lock import load_lock
from mt.article import Article
from mt.errors import InputError, MtdigestError
from mt.output import write_atomic
from mt.pipeline import JobReport, TranslateSettings, translate_inputs
from mt.translate import ProgressCallback


@dataclass
class SummarySettings:
    """How to summarize: `abstractive` (a locked BART model), `extractive` (no model) or `none`."""

    method: str = "abstractive"
    sentences: int | None = None
    ratio: float | None = None
    engine: str = "auto"


@dataclass
class DigestReport(JobReport):
    articles: list[Article] = field(default_factory=list)


def read_article_json(path: str) -> Iterator[Article | InputError]:
    """Articles from JSON written earlier (`translate`/`digest`): one object, or JSON Lines."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        yield InputError(path, f"cannot read ({exc.__class__.__name__}: {exc})")
        return
    lines = [text] if text.lstrip().startswith("{") and "\n{" not in text.strip() else text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield Article.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError) as exc:
            where = path if len(lines) == 1 else f"{path}: line {number}"
            yield InputError(where, f"not an mtdigest article JSON ({exc})")


def collect(inputs: Sequence[str], from_json: bool = False) -> tuple[list[Article], list[MtdigestError]]:
    """Read every input; bad ones become errors instead of stopping the batch."""
    articles: list[Article] = []
    failed: list[MtdigestError] = []
    items = (item for path in inputs for item in read_article_json(path)) if from_json else read_inputs(inputs)
    for item in items:
        (failed if isinstance(item, MtdigestError) else articles).append(item)  # type: ignore[arg-type]
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
            report.failed.append(InputError(article.source_path or article.id, f"cannot write output ({exc})"))
    return done


def run_translate(
    inputs: Sequence[str], output: Path, formats: Sequence[str], settings: TranslateSettings,
    progress: ProgressCallback | None = None,
) -> JobReport:
    """Read, translate and write every input; failures are reported, not fatal to the batch."""
    articles, failed = collect(inputs)
    report = translate_inputs(articles, settings, progress) if articles else JobReport()
    report.failed[:0] = failed
    write_outputs(_succeeded(articles, report), output, formats, report)
    return report


def run_digest(
    inputs: Sequence[str], output: Path, formats: Sequence[str], settings: TranslateSettings,
    summary: SummarySettings, from_json: bool = False, progress: ProgressCallback | None = None,
) -> DigestReport:
    """Translate (what is not yet translated), summarize, and write digests plus an index."""
    articles, failed = collect(inputs, from_json)
    report = DigestReport(failed=failed)
    pending = [a for a in articles if any(s.english is None for s in a.sentences())]
    if pending:
        translated = translate_inputs(pending, settings, progress)
        report.failed += translated.failed
        report.stats += translated.stats
    articles = _succeeded(articles, report)
    if summary.method != "none":
        _summarize(articles, settings, summary, report)
        articles = _succeeded(articles, report)
    report.articles = write_outputs(articles, output, formats, report)
    if report.articles:
        index_formats = [f for f in formats if f in ("html", "md")] or ["md"]
        for fmt in index_formats:
            renderer = render_index_html if fmt == "html" else render_index_markdown
            path = output / f"index.{fmt}"
            write_atomic(path, renderer(report.articles, formats, report.failed))
            report.written.append(path)
    return report


def _summarize(articles: list[Article], settings: TranslateSettings, summary: SummarySettings,
               report: JobReport) -> None:
    from summarize import load_summarizer, summarize

    todo = [a for a in articles if a.summary is None or a.summary.method != summary.method]
    if not todo:
        return
    summarizer = None
    if summary.method == "abstractive":
        lock = load_lock(settings.lock_path)
        summarizer = load_summarizer(lock.summarizer(), summary.engine, settings.device, "auto")
    for article in todo:
        try:
            summarize(article, summarizer, method=summary.method, sentences=summary.sentences, ratio=summary.ratio)
        except MtdigestError as error:
            report.failed.append(error)


def _succeeded(articles: list[Article], report: JobReport) -> list[Article]:
    failed = {getattr(e, "path", None) for e in report.failed}
    return [a for a in articles if (a.source_path or a.id) not in failed]
