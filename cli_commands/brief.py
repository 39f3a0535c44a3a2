"""`mtdigest brief`: the daily English brief."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cli_commands.common import (
    InputsArg,
    QuietOpt,
    finish,
    parse_formats,
    progress_bars,
    reports_errors,
    stderr,
    translation_options,
)


if TYPE_CHECKING:
    from mt.pipeline import TranslateSettings


@reports_errors
@translation_options
def brief(
    inputs: InputsArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="A directory (brief.<format> + articles/) or one brief.html|md|json file.")],
    fmt: Annotated[str, typer.Option("--format", help="html | md | json for a directory output (default all three).")] = "html,md,json",
    date: Annotated[Optional[str], typer.Option(help="The brief's date, YYYY-MM-DD (default today).")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only articles published on or after YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only articles published on or before YYYY-MM-DD.")] = None,
    method: Annotated[str, typer.Option(help="Summaries: abstractive (locked BART model) | extractive (no model).")] = "abstractive",
    quiet: QuietOpt = False,
    *,
    settings: TranslateSettings,
) -> None:
    """One English morning read: the day's articles grouped into stories across languages."""
    from digest.brief import run_brief
    from digest.jobs import SummarySettings

    formats = parse_formats(fmt, ("html", "md", "json"))
    for value in (date, since, until):
        if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            stderr.print(f"[bold red]error:[/] {value!r} is not a YYYY-MM-DD date")
            raise typer.Exit(2)
    summary = SummarySettings(method=method, engine=settings.engine, greedy=settings.fast)
    with progress_bars(quiet) as progress:
        report = run_brief(inputs, output, formats, settings, summary, date, since, until, progress=progress)
    single = output.suffix.lower() in (".html", ".md", ".json")
    finish(report, quiet, open_first=output if single else output / f"brief.{'html' if 'html' in formats else formats[0]}")
