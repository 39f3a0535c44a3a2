"""`mtdigest brief`: the daily English brief."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cli_commands.bars import progress_bars
from cli_commands.common import finish, reports_errors, stderr, usage_error
from cli_commands.options import QeOpt, QuietOpt, parse_formats, translation_options, with_qe
from cli_commands.fetch import DelayOpt, FeedsOpt, MaxPerFeedOpt, fetch_sources, tell_fetched


if TYPE_CHECKING:
    from mt.pipeline import TranslateSettings


@reports_errors
@translation_options
def brief(
    inputs: Annotated[Optional[list[str]], typer.Argument(
        metavar="INPUT...", help="Files, directories (an archive of `mtdigest fetch`), http(s) URLs, - for stdin; none with --feeds.")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="A directory (brief.<format> + articles/) or one brief.html|md|json file.")] = ...,  # type: ignore[assignment]
    fmt: Annotated[str, typer.Option("--format", help="html | md | json for a directory output (default all three).")] = "html,md,json",
    date: Annotated[Optional[str], typer.Option(help="The brief's date, YYYY-MM-DD (default today).")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only articles published on or after YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only articles published on or before YYYY-MM-DD.")] = None,
    method: Annotated[str, typer.Option(help="Summaries: abstractive (locked BART model) | extractive (no model).")] = "abstractive",
    feeds: FeedsOpt = None,
    archive: Annotated[Optional[Path], typer.Option(
        help="With --feeds: the archive to fetch into and brief from (default: OUTPUT/archive, or "
             "<name>-archive beside a one-file OUTPUT).")] = None,
    max_per_feed: MaxPerFeedOpt = None,
    delay: DelayOpt = 1.0,
    qe: QeOpt = "none",
    quiet: QuietOpt = False,
    *,
    settings: TranslateSettings,
) -> None:
    """One English morning read: the day's articles grouped into stories across languages."""
    from digest.brief import run_brief
    from digest.jobs import SummarySettings

    formats = parse_formats(fmt, ("html", "md", "json"))
    settings = with_qe(settings, qe)
    for value in (date, since, until):
        if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            stderr.print(f"[bold red]error:[/] {value!r} is not a YYYY-MM-DD date")
            raise typer.Exit(2)
    summary = SummarySettings(method=method, engine=settings.engine, greedy=settings.fast)
    single = output.suffix.lower() in (".html", ".md", ".json")
    inputs = list(inputs or [])
    fetched = None
    if feeds is not None:  # fetch what is new, then brief the archive
        archive = archive or (output.parent / f"{output.stem}-archive" if single else output / "archive")
        fetched = fetch_sources([], feeds, archive, since, max_per_feed, delay)
        tell_fetched(fetched, archive, quiet)
        inputs.append(str(archive))
    elif not inputs:
        usage_error("no INPUT: give files, directories or URLs to brief, or --feeds FILE")
    with progress_bars(quiet) as progress:
        report = run_brief(inputs, output, formats, settings, summary, date, since, until, progress=progress)
    if fetched is not None:
        report.failed[:0] = fetched.failed
    finish(report, quiet, open_first=output if single else output / f"brief.{'html' if 'html' in formats else formats[0]}")
