"""`mtdigest` command line: parses options, shows progress, maps errors to exit codes.

Everything it does is a call into the library (`mt`, `summarize`, `ingest`,
`modelstore`); nothing here translates, summarizes or renders by itself.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import signal
from collections.abc import Callable, Iterator
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from modelstore.lock import load_lock
from modelstore.store import model_state, models_home
from mt.errors import MtdigestError

app = typer.Typer(
    help="Persian and Arabic news into English: translations, summaries, bilingual digests and daily briefs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(
    help="The pinned models: list, pull, verify, convert, export/import for offline machines, path.", no_args_is_help=True
)
app.add_typer(models_app, name="models")
cache_app = typer.Typer(help="The translation cache (SQLite; MTDIGEST_CACHE to move it).", no_args_is_help=True)
app.add_typer(cache_app, name="cache")

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
        except KeyboardInterrupt:
            stderr.print(
                "interrupted: every output already written is complete; run the same command again to finish "
                "(translated sentences are cached and cost no model time)", highlight=False, soft_wrap=True,
            )
            raise typer.Exit(EXIT_INTERRUPTED) from None

    return wrapper  # type: ignore[return-value]


EXIT_INTERRUPTED = 130


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops a run the way Ctrl-C does: finally-blocks run, no half-written files stay."""
    raise KeyboardInterrupt


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress callback drawing one bar per article and one overall (on stderr)."""
    if quiet or not stderr.is_terminal:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=stderr, transient=False,
    )
    tasks: dict[str, TaskID] = {}
    overall = bars.add_task("all articles", total=0)
    done: dict[str, int] = {}

    def advance(article_id: str, count: int, total: int) -> None:
        if article_id not in tasks:
            tasks[article_id] = bars.add_task(article_id, total=total)
            bars.update(overall, total=(bars.tasks[overall].total or 0) + total)
        bars.update(tasks[article_id], completed=count)
        bars.advance(overall, count - done.get(article_id, 0))
        done[article_id] = count

    with bars:
        yield advance


def _finish(report: Any, quiet: bool) -> None:
    """Say what was written and what failed; exit 1 when any input failed."""
    for error in report.failed:
        stderr.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
    if not quiet:
        stderr.print(f"wrote {len(report.written)} file(s); {len(report.failed)} input(s) failed", highlight=False)
    if report.failed:
        raise typer.Exit(1)


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
    signal.signal(signal.SIGTERM, _interrupt)


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
            "size": entry.size,
            "state": model_state(entry, home),
            "converted": current_conversions(entry, model_dir(entry, home)),
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


def _pull_bars(quiet: bool) -> Any:
    from rich.progress import DownloadColumn, TransferSpeedColumn

    from modelstore.pull import PullProgress

    class Bars(PullProgress):
        def __init__(self) -> None:
            self.bars = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                 TransferSpeedColumn(), console=stderr, transient=False)
            self.task: TaskID | None = None

        def file_started(self, alias: str, path: str, total: int | None, resumed_from: int) -> None:
            note = " (resuming)" if resumed_from else ""
            self.task = self.bars.add_task(f"{alias}: {path}{note}", total=total, completed=resumed_from)

        def advance(self, nbytes: int) -> None:
            if self.task is not None:
                self.bars.advance(self.task, nbytes)

    return None if quiet or not stderr.is_terminal else Bars()


def _say(message: str) -> None:
    stderr.print(message, highlight=False, soft_wrap=True)


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
    bars = _pull_bars(quiet)
    for entry in entries:
        if source is None:
            from modelstore.hub import hub_fetch, hub_files

            fetch, list_files = hub_fetch, hub_files
        else:
            nested = source / entry.dirname / entry.revision
            root = nested if nested.is_dir() else source
            fetch, list_files = local_dir_fetch(root), local_dir_files(root)
        with bars.bars if bars is not None else contextlib.nullcontext():
            (result,) = pull_models(locked, [entry.alias], fetch, list_files=list_files,
                                    update_lock=update_lock, progress=bars)
        locked = load_lock(locked.path) if update_lock else locked
        got = f"fetched {len(result.fetched)} file(s)" + (f" ({len(result.resumed)} resumed)" if result.resumed else "")
        if result.replaced:
            got += f", replaced {len(result.replaced)} that did not match the lock ({', '.join(result.replaced)})"
        _say(f"{entry.alias}: {got}, kept {len(result.kept)} already here → {result.directory}")
        if result.unrecorded and update_lock:
            _say(f"{entry.alias}: recorded sha256 of {len(result.unrecorded)} file(s) in {locked.path}: "
                 + ", ".join(f.path for f in result.unrecorded))
        elif result.unrecorded:
            _say(f"[yellow]{entry.alias}: {len(result.unrecorded)} file(s) have no sha256 in the lock, so they are "
                 f"unverified[/]: " + ", ".join(f"{f.path} ({f.sha256})" for f in result.unrecorded)
                 + f". Run `mtdigest models pull {entry.alias} --update-lock` to record them.")
        if result.verified:
            _say(f"{entry.alias}: verified against the lock")


@models_app.command("verify")
@reports_errors
def models_verify(
    aliases: Annotated[Optional[list[str]], typer.Argument(help="Lock aliases (default: every model on this machine).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Per-file findings as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress bars.")] = False,
    lock: LockOption = None,
) -> None:
    """Re-hash what is on disk against the lock; exit 4 on any mismatch, missing, extra or unrecorded file."""
    from mt.errors import IntegrityError
    from modelstore.verify import OK, total_bytes, verify_model

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
                _say(f"{report.alias}: verified ({len(report.checks)} files) in {report.directory}")
                continue
            if report.unlisted:
                _say(f"{report.alias}: the lock lists no files; run `mtdigest models pull {report.alias} --update-lock`")
            for check in report.checks:
                if check.status != OK:
                    _say(f"{report.alias}: {check.describe()}")
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
        _say(f"{entry.alias}: {done} ({quantization}) → {result.directory}")
        if result.unverified:
            _say(f"[yellow]{entry.alias}: converted from files the lock has no sha256 for[/] "
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
    _say(f"wrote {result.path} ({result.bytes / 1e6:,.1f} MB): {', '.join(result.aliases)}. "
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
        _say(f"{model.alias}: {placed} → {model.directory}; {lock_note}")


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
    from mt.errors import ModelMissing

    entry = load_lock(lock).get(alias)
    path = resolve_model(entry)
    if quantization is not None:
        path = converted_dir(entry, quantization)
        if conversion_record(entry, path) is None:
            raise ModelMissing(f"'{alias}' has no CTranslate2 copy at {quantization}: run `mtdigest models convert {alias} --quantization {quantization}`")
    typer.echo(str(path))


InputsArg = Annotated[list[str], typer.Argument(metavar="INPUT...", help="Files, directories, JSON/JSONL, or - for stdin.")]
OutputOpt = Annotated[Path, typer.Option("-o", "--output", help="Directory for <article id>.<format> files.")]
EngineOpt = Annotated[str, typer.Option(help="auto | ctranslate2 | transformers (auto: CTranslate2 when converted).")]
DeviceOpt = Annotated[str, typer.Option(help="auto | cpu | cuda.")]
PrecisionOpt = Annotated[
    str, typer.Option(help="auto, or fp32|bf16|fp16 (transformers), int8|int8_float16|float16 (CTranslate2).")
]
ModelOpt = Annotated[Optional[str], typer.Option(help="Lock alias of the translator (default: per language, from the lock).")]
BeamOpt = Annotated[int, typer.Option(help="Beam size.")]
FastOpt = Annotated[bool, typer.Option("--fast", help="Greedy decoding (beam 1).")]
BatchOpt = Annotated[int, typer.Option(help="Token budget of one batch (padded).")]
GlossaryOpt = Annotated[Optional[Path], typer.Option(help="TSV/CSV of source<TAB>english terms to keep consistent.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the translation cache.")]
QuietOpt = Annotated[bool, typer.Option("-q", "--quiet", help="No progress bars.")]


@app.command()
@reports_errors
def translate(
    inputs: InputsArg,
    output: OutputOpt,
    fmt: Annotated[str, typer.Option("--format", help="json | md | txt | html (comma-separated for several).")] = "json",
    engine: EngineOpt = "auto",
    device: DeviceOpt = "auto",
    precision: PrecisionOpt = "auto",
    model: ModelOpt = None,
    beam: BeamOpt = 4,
    fast: FastOpt = False,
    max_batch_tokens: BatchOpt = 4096,
    glossary: GlossaryOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    lock: LockOption = None,
) -> None:
    """Translate articles sentence by sentence into English, keeping every sentence id."""
    from digest.jobs import run_translate

    formats = _formats(fmt, ("json", "md", "txt", "html"))
    settings = _translate_settings(lock, engine, device, precision, model, beam, fast, max_batch_tokens, glossary,
                                   no_cache)
    with _progress(quiet) as progress:
        report = run_translate(inputs, output, formats, settings, progress=progress)
    _finish(report, quiet)


@app.command()
@reports_errors
def digest(
    inputs: InputsArg,
    output: OutputOpt,
    fmt: Annotated[str, typer.Option("--format", help="html | md | json (comma-separated; default all three).")] = "html,md,json",
    method: Annotated[str, typer.Option(help="Summary: abstractive (locked BART model) | extractive (no model) | none.")] = "abstractive",
    sentences: Annotated[Optional[int], typer.Option(help="Summary length in sentences (default 3-5 by length).")] = None,
    ratio: Annotated[Optional[float], typer.Option(help="Summary length as a share of the article's sentences.")] = None,
    from_json: Annotated[bool, typer.Option("--from-json", help="Inputs are article JSON from earlier runs: re-render, translating nothing again.")] = False,
    engine: EngineOpt = "auto",
    device: DeviceOpt = "auto",
    precision: PrecisionOpt = "auto",
    model: ModelOpt = None,
    beam: BeamOpt = 4,
    fast: FastOpt = False,
    max_batch_tokens: BatchOpt = 4096,
    glossary: GlossaryOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    lock: LockOption = None,
) -> None:
    """Side-by-side bilingual digests (English beside the source, sentence by sentence) with a summary."""
    from digest.jobs import SummarySettings, run_digest

    formats = _formats(fmt, ("html", "md", "json"))
    if method not in ("abstractive", "extractive", "none"):
        stderr.print(f"[bold red]error:[/] unknown --method {method!r} (use abstractive, extractive or none)")
        raise typer.Exit(2)
    settings = _translate_settings(lock, engine, device, precision, model, beam, fast, max_batch_tokens, glossary,
                                   no_cache)
    summary = SummarySettings(method=method, sentences=sentences, ratio=ratio, engine=engine)
    with _progress(quiet) as progress:
        report = run_digest(inputs, output, formats, settings, summary, from_json=from_json, progress=progress)
    _finish(report, quiet)


def _translate_settings(
    lock: Path | None, engine: str, device: str, precision: str, model: str | None, beam: int, fast: bool,
    max_batch_tokens: int, glossary: Path | None, no_cache: bool,
) -> Any:
    """The translation options every translating command shares."""
    from mt.pipeline import TranslateSettings

    return TranslateSettings(
        lock_path=lock, engine=engine, device=device, precision=precision, model=model,
        beam_size=1 if fast else beam, max_batch_tokens=max_batch_tokens, glossary=glossary, use_cache=not no_cache,
    )


def _formats(value: str, allowed: tuple[str, ...]) -> list[str]:
    formats = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in allowed]
    if unknown or not formats:
        stderr.print(f"[bold red]error:[/] unknown format {', '.join(unknown) or value!r} (use {', '.join(allowed)})")
        raise typer.Exit(2)
    return formats


@app.command()
@reports_errors
def inspect(
    inputs: Annotated[list[str], typer.Argument(metavar="FILE...", help="Files, directories (recursive) or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines: one article object per line.")] = False,
) -> None:
    """Show what ingestion makes of each input: language, metadata, sentences with ids, removed lines."""
    from rich.markup import escape
    from rich.text import Text

    from ingest import read_inputs

    failed = 0
    for item in read_inputs(inputs):
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


@app.command()
@reports_errors
def summarize(
    inputs: InputsArg,
    output: OutputOpt,
    fmt: Annotated[str, typer.Option("--format", help="json | md (comma-separated for several).")] = "json",
    method: Annotated[str, typer.Option(help="abstractive (locked BART model) | extractive (no model needed).")] = "abstractive",
    sentences: Annotated[Optional[int], typer.Option(help="Summary length in sentences (default 4, fewer for short articles).")] = None,
    ratio: Annotated[Optional[float], typer.Option(help="Summary length as a share of the article's sentences, in (0, 1].")] = None,
    back_translate: Annotated[bool, typer.Option("--back-translate", help="Also translate the summary back into the article's language (NLLB).")] = False,
    engine: EngineOpt = "auto",
    device: DeviceOpt = "auto",
    precision: PrecisionOpt = "auto",
    summary_model: Annotated[Optional[str], typer.Option(help="Lock alias of the summarizer (default: the lock's).")] = None,
    model: ModelOpt = None,
    beam: BeamOpt = 4,
    fast: FastOpt = False,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    lock: LockOption = None,
) -> None:
    """English summaries linked to their supporting sentences (source articles are translated first)."""
    from summarize.pipeline import SummarizeRequest, run_summarize

    formats = _formats(fmt, ("json", "md"))
    if method not in ("abstractive", "extractive"):
        stderr.print(f"[bold red]error:[/] unknown --method {method!r} (use abstractive or extractive)")
        raise typer.Exit(2)
    if sentences is not None and ratio is not None:
        stderr.print("[bold red]error:[/] give --sentences or --ratio, not both")
        raise typer.Exit(2)
    request = SummarizeRequest(
        inputs=inputs, output=output, formats=formats, method=method, sentences=sentences, ratio=ratio,
        back_translate=back_translate, lock_path=lock, engine=engine, device=device, precision=precision,
        summary_model=summary_model, translate_model=model, beam_size=1 if fast else beam,
        translate_beam_size=1 if fast else beam, use_cache=not no_cache,
    )
    with _progress(quiet) as progress:
        report = run_summarize(request, progress=progress)
    _finish(report, quiet)


@app.command()
@reports_errors
def compare(
    source: Annotated[str, typer.Argument(help="The source article (any input `inspect` reads).")],
    translation: Annotated[Path, typer.Argument(help="English translation from anywhere: UTF-8 text, any line breaks.")],
    output: OutputOpt,
    fmt: Annotated[str, typer.Option("--format", help="html | md | json (comma-separated; default all three).")] = "html,md,json",
    no_model: Annotated[bool, typer.Option("--no-model", help="Align by length, numbers and names only; do not translate the source ourselves.")] = False,
    engine: EngineOpt = "auto",
    device: DeviceOpt = "auto",
    precision: PrecisionOpt = "auto",
    model: ModelOpt = None,
    beam: BeamOpt = 4,
    fast: FastOpt = False,
    glossary: GlossaryOpt = None,
    no_cache: NoCacheOpt = False,
    lock: LockOption = None,
) -> None:
    """Align an English translation to its source sentence by sentence, flag every pair, and report.

    Writes <id>.<format> side-by-side views and <id>.report.json (coverage, flags, chrF/BLEU against our own
    translation when a model is here).
    """
    from mt.qa.compare import report_text, run_compare

    formats = _formats(fmt, ("html", "md", "json"))
    settings = _translate_settings(lock, engine, device, precision, model, beam, fast, 4096, glossary, no_cache)
    job = run_compare(source, translation, output, formats, settings, use_model=not no_model)
    _say(report_text(job.comparison.report))
    _say(f"wrote {len(job.written)} file(s) to {output}")


@cache_app.command("stats")
@reports_errors
def cache_stats(as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False) -> None:
    """Where the cache is, how many sentences it holds per model, and its size on disk."""
    from mt.cache import TranslationCache

    cache = TranslationCache()
    stats = cache.stats()
    cache.close()
    if as_json:
        typer.echo(json.dumps({"path": str(stats.path), "entries": stats.entries, "bytes": stats.bytes,
                               "models": stats.models}))
        return
    stdout.print(f"{stats.path}: {stats.entries} sentences, {stats.bytes / 1e6:.1f} MB", highlight=False)
    for alias, count in sorted(stats.models.items()):
        stdout.print(f"  {alias}: {count}", highlight=False)


@cache_app.command("clear")
@reports_errors
def cache_clear() -> None:
    """Delete every cached translation (the next run translates again)."""
    from mt.cache import TranslationCache

    cache = TranslationCache()
    removed = cache.clear()
    cache.close()
    stdout.print(f"removed {removed} cached sentences from {cache.path}", highlight=False)


@app.command()
@reports_errors
def brief(
    inputs: InputsArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="A directory (brief.<format> + articles/) or one brief.html|md|json file.")],
    fmt: Annotated[str, typer.Option("--format", help="html | md | json for a directory output (default all three).")] = "html,md,json",
    date: Annotated[Optional[str], typer.Option(help="The brief's date, YYYY-MM-DD (default today).")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only articles published on or after YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only articles published on or before YYYY-MM-DD.")] = None,
    method: Annotated[str, typer.Option(help="Summaries: abstractive (locked BART model) | extractive (no model).")] = "abstractive",
    engine: EngineOpt = "auto",
    device: DeviceOpt = "auto",
    precision: PrecisionOpt = "auto",
    model: ModelOpt = None,
    beam: BeamOpt = 4,
    fast: FastOpt = False,
    max_batch_tokens: BatchOpt = 4096,
    glossary: GlossaryOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    lock: LockOption = None,
) -> None:
    """One English morning read: the day's articles grouped into stories across languages."""
    from digest.brief import run_brief
    from digest.jobs import SummarySettings

    formats = _formats(fmt, ("html", "md", "json"))
    for value in (date, since, until):
        if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            stderr.print(f"[bold red]error:[/] {value!r} is not a YYYY-MM-DD date")
            raise typer.Exit(2)
    settings = _translate_settings(lock, engine, device, precision, model, beam, fast, max_batch_tokens, glossary,
                                   no_cache)
    summary = SummarySettings(method=method, engine=engine)
    with _progress(quiet) as progress:
        report = run_brief(inputs, output, formats, settings, summary, date, since, until, progress=progress)
    _finish(report, quiet)

