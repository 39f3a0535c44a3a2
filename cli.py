"""`mtdigest` command line: parses options, shows progress, maps errors to exit codes.

Everything it does is a call into the library (`fetch`, `ingest`, `mt`, `summarize`, `digest`,
`modelstore`); the commands live in `cli_commands/`, one module per group, and this
module assembles them into the app.
"""

from __future__ import annotations

import signal
from importlib.metadata import version as package_version
from typing import Annotated

import typer

from cli_commands.articles import compare, digest, inspect, summarize, translate
from cli_commands.batch import batch
from cli_commands.brief import brief
from cli_commands.cache import cache_app
from cli_commands.calibrate import calibrate
from cli_commands.common import interrupt, route_messages, stdout
from cli_commands.fetch import fetch
from cli_commands.help_labels import plain_type_labels
from cli_commands.models import models_app
from cli_commands.score import score

plain_type_labels()
app = typer.Typer(
    help="Persian and Arabic news into English: translations, summaries, bilingual digests and daily briefs.",
    epilog="Environment: MTDIGEST_HOME (where models live), MTDIGEST_LOCK (the models.lock to use), "
           "MTDIGEST_CACHE (the translation cache file), MTDIGEST_LOG (the log file of library messages), "
           "HF_HUB_OFFLINE=1 (never fetch a model).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
for command in (fetch, digest, brief, translate, summarize, compare, score, inspect, batch, calibrate):
    app.command()(command)
app.add_typer(models_app, name="models")
app.add_typer(cache_app, name="cache")


def _version(value: bool) -> None:
    if value:
        stdout.print(f"mtdigest {package_version('mtdigest')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", envvar="MTDIGEST_VERBOSE",
        help="Also show what the libraries (transformers, torch, ...) say; it always goes to the log file "
             "(MTDIGEST_LOG, default: the user log directory).")] = False,
) -> None:
    """Persian and Arabic news into English."""
    signal.signal(signal.SIGTERM, interrupt)
    route_messages(verbose)
