"""`mtdigest` command line: parses options, shows progress, maps errors to exit codes.

Everything it does is a call into the library (`mt`, `summarize`, `ingest`,
`modelstore`); nothing here translates, summarizes or renders by itself.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from modelstore.lock import load_lock
from modelstore.store import model_state, models_home
from mt.errors import MtdigestError

app = typer.Typer(
    help="Persian and Arabic news into English: translations, summaries, bilingual digests and daily briefs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="The pinned models: list them and see their state on this machine.", no_args_is_help=True)
app.add_typer(models_app, name="models")

stdout = Console()
stderr = Console(stderr=True)

LockOption = Annotated[
    Optional[Path],
    typer.Option("--lock", envvar="MTDIGEST_LOCK", help="models.lock to use (default: the one shipped with mtdigest)."),
]
F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn library errors into one line on stderr and the error's exit code (no traceback)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except MtdigestError as error:
            stderr.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(error.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        stdout.print(f"mtdigest {package_version('mtdigest')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Persian and Arabic news into English."""


@models_app.command("list")
@reports_errors
def models_list(
    lock: LockOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts instead of a table.")] = False,
) -> None:
    """Every locked model with its role, languages, license, size and state here."""
    locked = load_lock(lock)
    home = models_home()
    rows = [
        {
            "alias": entry.alias,
            "role": entry.role,
            "architecture": entry.architecture,
            "repo": entry.repo,
            "revision": entry.revision,
            "languages": list(entry.languages),
            "license": entry.license,
            "size": entry.size,
            "state": model_state(entry, home),
        }
        for entry in locked.models.values()
    ]
    if as_json:
        typer.echo(json.dumps({"lock": str(locked.path), "home": str(home), "models": rows}, ensure_ascii=False))
        return
    table = Table(title=f"{locked.path}  →  {home}")
    for column in ("alias", "role", "languages", "license", "size", "state", "repo@revision"):
        table.add_column(column)
    for row in rows:
        size = "?" if row["size"] is None else f"{row['size'] / 1e6:,.0f} MB"
        table.add_row(
            row["alias"], row["role"], ",".join(row["languages"]), row["license"], size, row["state"],
            f"{row['repo']}@{row['revision'][:12]}",
        )
    stdout.print(table)
