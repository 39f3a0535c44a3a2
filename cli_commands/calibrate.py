"""`mtdigest calibrate`: tune `--review-below` on reference translations (e.g. FLORES-200 devtest)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.table import Table

from cli_commands.common import reports_errors, stderr, stdout, usage_error
from cli_commands.options import translation_options

if TYPE_CHECKING:
    from mt.calibrate import Calibration
    from mt.pipeline import TranslateSettings


@reports_errors
@translation_options
def calibrate(
    refs: Annotated[Optional[list[Path]], typer.Argument(
        metavar="REFS...", help="TSV files of reference pairs: source<TAB>reference, one pair a line.")] = None,
    source: Annotated[Optional[list[Path]], typer.Option(
        "--source", help="Plain text, one source sentence a line (e.g. FLORES-200 devtest/pes_Arab.devtest); "
                         "paired with the --reference given in the same position (repeatable).")] = None,
    reference: Annotated[Optional[list[Path]], typer.Option(
        "--reference", help="Plain text, the English reference of each --source line, line by line "
                            "(e.g. devtest/eng_Latn.devtest).")] = None,
    language: Annotated[str, typer.Option(help="The sources' language (fa, ar).")] = ...,  # type: ignore[assignment]
    bad_below: Annotated[float, typer.Option(
        "--bad-below", help="A translation with chrF++ against its reference below this counts as bad.")] = 40.0,
    as_json: Annotated[bool, typer.Option("--json", help="The whole report, with every pair, as JSON.")] = False,
    *,
    settings: TranslateSettings,
) -> None:
    """For each confidence threshold: how many flagged sentences are bad (precision), what share of the bad ones
    are flagged (recall); and the threshold to use."""
    from mt.calibrate import calibrate as run_calibrate
    from ingest.references import read_pairs

    sources, references = list(source or []), list(reference or [])
    if len(sources) != len(references):
        usage_error(f"{len(sources)} --source but {len(references)} --reference: give them in pairs")
    if not refs and not sources:
        usage_error("no REFS: give TSV files of source<TAB>reference, or --source FILE --reference FILE")
    if not 0 <= bad_below <= 100:
        usage_error(f"--bad-below {bad_below}: must be between 0 and 100 (chrF++)")
    pairs, failed = read_pairs(list(refs or []), list(zip(sources, references)))
    for error in failed:
        stderr.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
    if not pairs:
        raise typer.Exit(1)
    report = run_calibrate(pairs, language, settings, bad_below=bad_below)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_table(report)
    if failed:
        raise typer.Exit(1)


def _print_table(report: Calibration) -> None:
    def share(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    table = Table(title=f"{len(report.scored)} sentences ({report.language}), {report.current.bad} below "
                        f"chrF++ {report.bad_below:g}", caption="* suggested (best F1)")
    for column in ("threshold", "flagged", f"flagged, chrF++ < {report.bad_below:g}", "precision", "recall", "F1"):
        table.add_column(column, justify="right")
    for row in report.rows:
        mark = " *" if report.suggested is not None and row.threshold == report.suggested.threshold else ""
        table.add_row(f"{row.threshold:g}{mark}", str(row.flagged), str(row.flagged_bad), share(row.precision),
                      share(row.recall), share(row.f1))
    stdout.print(table)
    current = report.current
    for line in (f"suggested: {report.reason}",
                 f"now (--review-below {current.threshold:g}): flags {current.flagged}, precision "
                 f"{share(current.precision)}, recall {share(current.recall)}",
                 f"signature: {report.signature}"):
        stdout.print(line, highlight=False, markup=False, soft_wrap=True)
