"""Commands over articles: inspect, translate, summarize, digest, compare."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.table import Table

from cli_commands.bars import progress_bars
from cli_commands.common import finish, reports_errors, say, stderr, stdout, usage_error
from cli_commands.options import (
    InputsArg,
    LanguageOpt,
    MaxInputOpt,
    OutputOpt,
    QeOpt,
    QuietOpt,
    RatioOpt,
    SentencesOpt,
    check_summary_length,
    input_language,
    input_limit,
    parse_formats,
    translation_options,
    with_qe,
)
from cli_commands.fetch import reading_urls
from core.errors import MtdigestError
from mt.review import DISAGREE_GAP


if TYPE_CHECKING:
    from mt.pipeline import TranslateSettings


@reports_errors
@translation_options
def translate(
    inputs: InputsArg,
    output: OutputOpt,
    fmt: Annotated[str, typer.Option("--format", help="json | md | txt | html (comma-separated for several).")] = "json",
    qe: QeOpt = "none",
    quiet: QuietOpt = False,
    *,
    settings: TranslateSettings,
) -> None:
    """Translate articles sentence by sentence into English, keeping every sentence id."""
    from digest.jobs import run_translate

    formats = parse_formats(fmt, ("json", "md", "txt", "html"))
    settings = with_qe(settings, qe)
    with progress_bars(quiet) as progress:
        report = run_translate(inputs, output, formats, settings, progress=progress)
    finish(report, quiet)


@reports_errors
@translation_options
def digest(
    inputs: InputsArg,
    output: OutputOpt,
    fmt: Annotated[str, typer.Option("--format", help="html | md | json (comma-separated; default all three).")] = "html,md,json",
    method: Annotated[str, typer.Option(help="Summary: abstractive (locked BART model) | extractive (no model) | none.")] = "abstractive",
    sentences: SentencesOpt = None,
    ratio: RatioOpt = None,
    from_json: Annotated[bool, typer.Option("--from-json", help="Inputs are article JSON from earlier runs: re-render, translating nothing again.")] = False,
    qe: QeOpt = "none",
    quiet: QuietOpt = False,
    *,
    settings: TranslateSettings,
) -> None:
    """Side-by-side bilingual digests (English beside the source, sentence by sentence) with a summary."""
    from digest.jobs import SummarySettings, run_digest

    formats = parse_formats(fmt, ("html", "md", "json"))
    settings = with_qe(settings, qe)
    if method not in ("abstractive", "extractive", "none"):
        stderr.print(f"[bold red]error:[/] unknown --method {method!r} (use abstractive, extractive or none)")
        raise typer.Exit(2)
    check_summary_length(sentences, ratio)
    summary = SummarySettings(method=method, sentences=sentences, ratio=ratio, engine=settings.engine,
                              greedy=settings.fast)
    with progress_bars(quiet) as progress:
        report = run_digest(inputs, output, formats, settings, summary, from_json=from_json, progress=progress)
    index = "html" if "html" in formats else "md"
    finish(report, quiet, open_first=output / f"index.{index}")


@reports_errors
def inspect(
    inputs: InputsArg,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines: one article object per line.")] = False,
    max_input_mb: MaxInputOpt = 50.0,
    language: LanguageOpt = "auto",
) -> None:
    """Show what ingestion makes of each input: language, metadata, sentences with ids, removed lines."""
    from rich.markup import escape
    from rich.text import Text

    from ingest import read_inputs

    failed = 0
    with input_limit(max_input_mb), input_language(language), reading_urls():
        items = list(read_inputs(inputs))
    for item in items:
        if isinstance(item, MtdigestError):
            failed += 1
            stderr.print(f"[bold red]error:[/] {escape(str(item))}", highlight=False, soft_wrap=True)
            continue
        if as_json:
            typer.echo(json.dumps(item.to_dict(), ensure_ascii=False))
            continue
        stdout.rule(Text(item.id, style="bold"))
        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="dim")
        facts.add_column()
        for label, value in (
            ("language", f"{item.language} ({item.language_confidence:.2f})"),
            ("title", item.title.source),
            ("published", item.published and f"{item.published} ({item.published_as_written})"),
            ("outlet", item.outlet),
            ("author", item.author),
            ("news code", item.news_code),
            ("source", item.source_path),
            ("url", item.url),
        ):
            if value:
                facts.add_row(label, Text(str(value)))
        stdout.print(facts)
        for paragraph in item.paragraphs:
            for sentence in paragraph.sentences:
                line = Text(f"{sentence.id:>8}  ", style="cyan")
                line.append(sentence.source)
                if sentence.language:
                    line.append(f"  [{sentence.language}]", style="magenta")
                stdout.print(line)
        if item.removed:
            stdout.print(Text(f"removed ({len(item.removed)}):", style="dim"))
            for removed in item.removed:
                line = Text(f"{removed.reason:>16}  ", style="yellow")
                line.append(removed.text)
                stdout.print(line)
    if failed:
        raise typer.Exit(1)


@reports_errors
@translation_options
def summarize(
    inputs: InputsArg,
    output: OutputOpt,
    fmt: Annotated[str, typer.Option("--format", help="json | md (comma-separated for several).")] = "json",
    method: Annotated[str, typer.Option(help="abstractive (locked BART model) | extractive (no model needed).")] = "abstractive",
    sentences: SentencesOpt = None,
    ratio: RatioOpt = None,
    back_translate: Annotated[bool, typer.Option("--back-translate", help="Also translate the summary back into the article's language (NLLB).")] = False,
    summary_model: Annotated[Optional[str], typer.Option(help="Lock alias of the summarizer (default: the lock's).")] = None,
    quiet: QuietOpt = False,
    *,
    settings: TranslateSettings,
) -> None:
    """English summaries linked to their supporting sentences (source articles are translated first)."""
    from digest.summarize_job import SummarizeRequest, run_summarize

    formats = parse_formats(fmt, ("json", "md"))
    if method not in ("abstractive", "extractive"):
        stderr.print(f"[bold red]error:[/] unknown --method {method!r} (use abstractive or extractive)")
        raise typer.Exit(2)
    check_summary_length(sentences, ratio)
    request = SummarizeRequest(
        inputs=inputs, output=output, formats=formats, method=method, sentences=sentences, ratio=ratio,
        back_translate=back_translate, summary_model=summary_model, translate=settings,
    )
    with progress_bars(quiet) as progress:
        report = run_summarize(request, progress=progress)
    finish(report, quiet)


@reports_errors
@translation_options
def compare(
    source: Annotated[str, typer.Argument(help="The source article (any input `inspect` reads).")],
    translation: Annotated[Path, typer.Argument(help="English translation from anywhere: UTF-8 text, any line breaks.")],
    output: OutputOpt,
    fmt: Annotated[str, typer.Option("--format", help="html | md | json (comma-separated; default all three).")] = "html,md,json",
    no_model: Annotated[bool, typer.Option("--no-model", help="Align by length, numbers and names only; do not translate the source ourselves.")] = False,
    disagree_gap: Annotated[float, typer.Option("--disagree-gap", help="Flag model_disagrees where the model finds our English more likely than theirs by over this many nats of mean log-probability per token.")] = DISAGREE_GAP,
    *,
    settings: TranslateSettings,
) -> None:
    """Align an English translation to its source sentence by sentence, flag every pair, and report.

    Writes <id>.<format> side-by-side views and <id>.report.json (coverage, flags, chrF/BLEU against our own
    translation and the model's confidence in both, pair by pair, when a model is here).
    """
    from digest.compare_job import run_compare
    from mt.qa.compare import report_text

    formats = parse_formats(fmt, ("html", "md", "json"))
    if not (math.isfinite(disagree_gap) and disagree_gap >= 0):
        usage_error(f"--disagree-gap {disagree_gap}: must be 0 or more")
    job = run_compare(source, translation, output, formats, settings, use_model=not no_model,
                      disagree_gap=disagree_gap)
    say(report_text(job.comparison.report))
    say(f"wrote {len(job.written)} file(s) to {output}")
