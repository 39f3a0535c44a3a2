"""`mtdigest cache stats|clear`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cli_commands.common import reports_errors, stdout

cache_app = typer.Typer(help="The translation cache (SQLite; MTDIGEST_CACHE to move it).", no_args_is_help=True)


@cache_app.command("stats")
@reports_errors
def cache_stats(as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False) -> None:
    """Where the cache is, how many sentences it holds per model, and its size on disk."""
    from seq2seq.cache import TranslationCache

    cache = TranslationCache()
    stats = cache.stats()
    cache.close()
    if as_json:
        typer.echo(
            json.dumps(
                {"path": str(stats.path), "entries": stats.entries, "bytes": stats.bytes, "models": stats.models}
            )
        )
        return
    stdout.print(f"{stats.path}: {stats.entries} sentences, {stats.bytes / 1e6:.1f} MB", highlight=False)
    for alias, count in sorted(stats.models.items()):
        stdout.print(f"  {alias}: {count}", highlight=False)


@cache_app.command("clear")
@reports_errors
def cache_clear(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking.")] = False,
) -> None:
    """Delete every cached translation (the next run translates again); asks first unless --yes."""
    from seq2seq.cache import TranslationCache

    cache = TranslationCache()
    entries = cache.stats().entries
    if not yes and entries and not typer.confirm(
            f"Delete all {entries} cached sentences in {cache.path}? Re-translating them costs model time", default=False):
        cache.close()
        stdout.print("nothing deleted", highlight=False)
        raise typer.Exit(1)
    removed = cache.clear()
    cache.close()
    stdout.print(f"removed {removed} cached sentences from {cache.path}", highlight=False)
