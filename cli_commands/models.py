"""`mtdigest models ...`: list, pull, verify, convert, export, import and locate the pinned models."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from cli_commands.bars import pull_bars
from cli_commands.common import reports_errors, say, stderr, stdout
from cli_commands.options import LockOption
from modelstore.lock import load_lock
from modelstore.store import model_state, models_home
from core.errors import MtdigestError

models_app = typer.Typer(
    help="The pinned models: list, pull, verify, convert, export/import for offline machines, path.", no_args_is_help=True
)


@models_app.command("list")
@reports_errors
def models_list(
    lock: LockOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts instead of a table.")] = False,
) -> None:
    """Every locked model with its role, languages, license, size and state here.

    States: missing | present (not verified) | verified (hashes match the lock) | converted (CTranslate2 copy ready).
    """
    from modelstore.integrity import current_conversions
    from modelstore.store import model_dir

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
            "commercial_use": entry.commercial_use,
            "target_token": entry.target_token,
            "flores200": {lang: vars(score) for lang, score in entry.flores200.items()},
            "default_for": sorted(lang for lang, alias in locked.translate_defaults.items() if alias == entry.alias)
            + (["summarize"] if locked.summarize_default == entry.alias else []),
            "size": entry.size,
            "parameters": entry.parameters,
            "state": model_state(entry, home),
            "converted": current_conversions(entry, model_dir(entry, home)),
        }
        for entry in locked.models.values()
    ]
    if as_json:
        typer.echo(json.dumps({"lock": str(locked.path), "home": str(home), "models": rows}, ensure_ascii=False))
        return
    stdout.print(f"lock: {locked.path}\nmodels: {home}", highlight=False, soft_wrap=True)
    for row in rows:
        stdout.print(_model_block(row), highlight=False)
    if any(not row["commercial_use"] for row in rows):
        stdout.print("Non-commercial models may not be used for commercial work (e.g. by a news organization): "
                     "their licence forbids it.", highlight=False)


def _model_block(row: dict[str, Any]) -> str:
    """A few short lines per model (readable in 80 columns): what it does, licence, size, state; where it comes
    from; its published scores."""
    size = f"{row['size'] / 1e6:,.0f} MB" if row["size"] is not None else (
        f"{row['parameters']} parameters" if row["parameters"] else "size recorded on first pull")
    licence = row["license"] if row["commercial_use"] else f"{row['license']} [bold red](non-commercial)[/]"
    use = f"{row['role']} {','.join(row['languages'])}"
    if row["default_for"]:
        use += f", default for {','.join(row['default_for'])}"
    lines = [f"\n[bold]{row['alias']}[/]  {row['state']}",
             f"  {use} · {licence} · {size}",
             f"  {row['repo']} @ {row['revision'][:12]}"]
    lines += [f"  FLORES-200 devtest {lang}→en: BLEU {s['bleu']:g}, chrF++ {s['chrf_pp']:g}"
              for lang, s in row["flores200"].items()]
    return "\n".join(lines)


def _selected(lock_path: Path | None, aliases: list[str] | None, here: str | None = None) -> tuple[Any, list[Any]]:
    """The lock and the entries named; none named: all of them, or with `here` those on this machine
    (`here="complete"`: every locked file present; `here="any"`: a directory exists, complete or not)."""
    from modelstore.store import missing_files, model_dir

    locked = load_lock(lock_path)
    if aliases:
        return locked, [locked.get(alias) for alias in aliases]
    entries = list(locked.models.values())
    if here == "complete":
        entries = [e for e in entries if not missing_files(e)]
    elif here == "any":
        entries = [e for e in entries if model_dir(e).is_dir()]
    if here and not entries:
        raise MtdigestError("no locked model is on this machine yet: `mtdigest models pull` or `models import` first")
    return locked, entries


@contextlib.contextmanager
def _byte_bar(quiet: bool, description: str, total: int | None) -> Iterator[Callable[[int], None] | None]:
    """One bar counting bytes (hashing, archiving), on stderr; nothing when quiet or not a terminal."""
    if quiet or not stderr.is_terminal:
        yield None
        return
    from rich.progress import DownloadColumn

    bars = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
                    console=stderr, transient=True)
    task = bars.add_task(description, total=total)
    with bars:
        yield lambda n: bars.advance(task, n)


@models_app.command("pull")
@reports_errors
def models_pull(
    aliases: Annotated[Optional[list[str]], typer.Argument(help="Lock aliases (default: every locked model).")] = None,
    update_lock: Annotated[bool, typer.Option("--update-lock", help="Record sha256/size the lock lacks, measured on the download.")] = False,
    source: Annotated[Optional[Path], typer.Option("--from", help="Copy from a directory instead of the hub: the repo's files at the locked revision, or a models home holding <org>--<name>/<revision>/.")] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress bars.")] = False,
    lock: LockOption = None,
) -> None:
    """Download exactly the locked revision of each model (resumable), verify every file, place it atomically."""
    from modelstore.pull import pull_models
    from modelstore.sources import local_dir_fetch, local_dir_files

    locked, entries = _selected(lock, aliases)
    bars = pull_bars(quiet)
    for entry in entries:
        if source is None:
            from modelstore.hub import hub_fetch, hub_files

            fetch, list_files = hub_fetch, hub_files
        else:
            nested = source / entry.dirname / entry.revision
            root = nested if nested.is_dir() else source
            fetch, list_files = local_dir_fetch(root), local_dir_files(root)
        try:
            (result,) = pull_models(locked, [entry.alias], fetch, list_files=list_files,
                                    update_lock=update_lock, progress=bars)
        finally:
            if bars is not None:
                bars.done()
        locked = load_lock(locked.path) if update_lock else locked
        got = f"fetched {len(result.fetched)} file(s)" + (f" ({len(result.resumed)} resumed)" if result.resumed else "")
        if result.replaced:
            got += f", replaced {len(result.replaced)} that did not match the lock ({', '.join(result.replaced)})"
        say(f"{entry.alias}: {got}, kept {len(result.kept)} already here → {result.directory}")
        if result.unrecorded and update_lock:
            say(f"{entry.alias}: recorded sha256 of {len(result.unrecorded)} file(s) in {locked.path}: "
                 + ", ".join(f.path for f in result.unrecorded))
        elif result.unrecorded:
            say(f"[yellow]{entry.alias}: {len(result.unrecorded)} file(s) have no sha256 in the lock, so they are "
                 f"unverified[/]: " + ", ".join(f"{f.path} ({f.sha256})" for f in result.unrecorded)
                 + f". Run `mtdigest models pull {entry.alias} --update-lock` to record them.")
        if result.verified:
            say(f"{entry.alias}: verified against the lock")


@models_app.command("verify")
@reports_errors
def models_verify(
    aliases: Annotated[Optional[list[str]], typer.Argument(help="Lock aliases (default: every model on this machine).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Per-file findings as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress bars.")] = False,
    lock: LockOption = None,
) -> None:
    """Re-hash what is on disk against the lock; exit 4 on any mismatch, missing, extra or unrecorded file."""
    from modelstore.verify import OK, total_bytes, verify_model
    from core.errors import IntegrityError

    _, entries = _selected(lock, aliases, here="any")
    reports = []
    for entry in entries:
        with _byte_bar(quiet or as_json, f"hashing {entry.alias}", total_bytes(entry)) as on_bytes:
            reports.append(verify_model(entry, on_bytes=on_bytes))
    if as_json:
        typer.echo(json.dumps([
            {"alias": r.alias, "directory": str(r.directory), "verified": r.verified, "unlisted": r.unlisted,
             "files": [{"path": c.path, "status": c.status, "expected": c.expected, "actual": c.actual} for c in r.checks]}
            for r in reports
        ]))
    else:
        for report in reports:
            if report.verified:
                say(f"{report.alias}: verified ({len(report.checks)} files) in {report.directory}")
                continue
            if report.unlisted:
                say(f"{report.alias}: the lock lists no files; run `mtdigest models pull {report.alias} --update-lock`")
            for check in report.checks:
                if check.status != OK:
                    say(f"{report.alias}: {check.describe()}")
    failed = [r.alias for r in reports if not r.verified]
    if failed:
        if as_json:
            raise typer.Exit(IntegrityError.exit_code)
        raise IntegrityError(f"not verified: {', '.join(failed)}")


@models_app.command("convert")
@reports_errors
def models_convert(
    aliases: Annotated[Optional[list[str]], typer.Argument(help="Lock aliases (default: every model on this machine).")] = None,
    quantization: Annotated[str, typer.Option("--quantization", help="int8 | int8_float16 | int8_bfloat16 | int16 | float16 | bfloat16 | float32.")] = "int8",
    force: Annotated[bool, typer.Option("--force", help="Convert again even when up to date.")] = False,
    lock: LockOption = None,
) -> None:
    """Convert pulled models to CTranslate2 (the fast engine), beside the source model; no-op when up to date."""
    from modelstore.convert import convert_model

    _, entries = _selected(lock, aliases, here="complete")
    for entry in entries:
        with stderr.status(f"converting {entry.alias} ({quantization})"):
            result = convert_model(entry, quantization, force=force)
        done = "converted" if result.converted else "up to date"
        say(f"{entry.alias}: {done} ({quantization}) → {result.directory}")
        if result.unverified:
            say(f"[yellow]{entry.alias}: converted from files the lock has no sha256 for[/] "
                 f"(`mtdigest models pull {entry.alias} --update-lock` records them)")


@models_app.command("export")
@reports_errors
def models_export(
    aliases: Annotated[list[str], typer.Argument(help="Lock aliases to put in the archive.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The .tar file to write.")],
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress bars.")] = False,
    lock: LockOption = None,
) -> None:
    """Write one archive with the models' files, lock entries and a hash manifest (verified first)."""
    from modelstore.archive import export_models

    _, entries = _selected(lock, aliases)
    with _byte_bar(quiet, "verifying", None) as on_bytes:
        result = export_models(entries, output, on_bytes=on_bytes)
    say(f"wrote {result.path} ({result.bytes / 1e6:,.1f} MB): {', '.join(result.aliases)}. "
         f"On the other machine: `mtdigest models import {result.path.name}`")


@models_app.command("import")
@reports_errors
def models_import(
    archive: Annotated[Path, typer.Argument(help="A .tar written by `mtdigest models export`.")],
    update_lock: Annotated[bool, typer.Option("--update-lock", help="Fill in hashes your lock lacks for the same revision.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress bars.")] = False,
    lock: LockOption = None,
) -> None:
    """Check every file of an archive, then place its models here and add lock entries your lock lacks."""
    from modelstore.archive import import_archive
    from modelstore.lock import default_lock_path

    lock_path = lock or default_lock_path()
    with _byte_bar(quiet, f"checking {archive.name}", None) as on_bytes:
        result = import_archive(archive, lock_path, update_lock=update_lock, on_bytes=on_bytes)
    for model in result.models:
        placed = "imported, verified" if model.placed else "already here, verified"
        lock_note = {"added": f"added its entry to {lock_path}", "already": "lock already pins it"}.get(
            model.lock_action, model.lock_action)
        say(f"{model.alias}: {placed} → {model.directory}; {lock_note}")


@models_app.command("path")
@reports_errors
def models_path(
    alias: Annotated[str, typer.Argument(help="Lock alias.")],
    quantization: Annotated[Optional[str], typer.Option("--quantization", help="Print the CTranslate2 copy at this quantization instead.")] = None,
    lock: LockOption = None,
) -> None:
    """Print the local directory of a model (exit 3 when it is not on this machine)."""
    from modelstore.integrity import conversion_record
    from modelstore.store import converted_dir, resolve_model
    from core.errors import ModelMissing

    entry = load_lock(lock).get(alias)
    path = resolve_model(entry)
    if quantization is not None:
        path = converted_dir(entry, quantization)
        if conversion_record(entry, path) is None:
            raise ModelMissing(f"'{alias}' has no CTranslate2 copy at {quantization}: run `mtdigest models convert {alias} --quantization {quantization}`")
    typer.echo(str(path))
