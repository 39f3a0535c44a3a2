"""What every command shares: consoles, option types, error and interrupt handling, progress bars."""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TaskID, TextColumn, TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from core.errors import MtdigestError
from mt.progress import LEDES, SUMMARIZE, TRANSLATE, WRITE
from mt.review import REVIEW_BELOW

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
                "(translated sentences are cached and cost no model time)",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(EXIT_INTERRUPTED) from None

    return wrapper  # type: ignore[return-value]


EXIT_INTERRUPTED = 130


def log_path() -> Path:
    """Where library messages go: `MTDIGEST_LOG`, else `mtdigest.log` in the user's log directory."""
    import platformdirs

    env = os.environ.get("MTDIGEST_LOG")
    return Path(env) if env else Path(platformdirs.user_log_dir("mtdigest")) / "mtdigest.log"


class _MessageLog(logging.FileHandler):
    """The log file, created (with its directory) only when a first message comes."""

    def _open(self) -> Any:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


def route_messages(verbose: bool) -> None:
    """mtdigest's own warnings (`MtdigestWarning`) as one `warning:` line each on stderr; everything the
    libraries say (transformers, torch, huggingface_hub warnings and log records) to the log file, and with
    `--verbose` on stderr too, after a line saying where the log is."""
    from core.errors import MtdigestWarning

    path = log_path()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "mtdigest", False)]:
        root.removeHandler(handler)  # a second invocation in one process (tests) replaces the first's
        handler.close()
    handlers: list[logging.Handler] = [_MessageLog(path, delay=True, encoding="utf-8")]
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
        say(f"library messages: shown here and logged to {path}")
    for handler in handlers:
        handler.mtdigest = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.captureWarnings(True)

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if issubclass(category, MtdigestWarning):
            stderr.print(f"[bold yellow]warning:[/] {message}", highlight=False, soft_wrap=True)
        else:
            logging.getLogger("py.warnings").warning("%s: %s", category.__name__, message)

    warnings.showwarning = show  # type: ignore[assignment]
    warnings.simplefilter("always", MtdigestWarning)


def interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops a run the way Ctrl-C does: finally-blocks run, no half-written files stay."""
    raise KeyboardInterrupt


class RateColumn(ProgressColumn):
    """Items per second of a stage (rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f}/s" if speed else "", style="progress.data.speed")


class StageBars:
    """The CLI's `mt.progress.Progress`: one bar per stage (translate, summarize, write), each with its
    total from the start, its rate and the time left; rich redraws them ten times a second."""

    LABELS = {TRANSLATE: "translate (sentences)", SUMMARIZE: "summarize (articles)", WRITE: "write (articles)",
              LEDES: "ledes (stories)"}

    def __init__(self, bars: Progress) -> None:
        self.bars = bars
        self.tasks: dict[str, TaskID] = {}

    def start(self, stage: str, total: float) -> None:
        if total > 0 and stage not in self.tasks:  # nothing left to do (all cached) draws no bar
            self.tasks[stage] = self.bars.add_task(self.LABELS.get(stage, stage), total=total)

    def advance(self, stage: str, amount: float = 1) -> None:
        if stage in self.tasks:
            self.bars.advance(self.tasks[stage], amount)


@contextlib.contextmanager
def progress_bars(quiet: bool, console: Console | None = None) -> Iterator[StageBars | None]:
    """Stage bars on stderr (None when quiet or not on a terminal)."""
    console = console or stderr
    if quiet or not console.is_terminal:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    with bars:
        yield StageBars(bars)


def pull_bars(quiet: bool) -> Any:
    """Download bars for `models pull` and for the models a job fetches on first use (None when quiet or
    not on a terminal); shown from the first file until `done()`."""
    if quiet or not stderr.is_terminal:
        return None
    from rich.progress import DownloadColumn, TransferSpeedColumn

    from modelstore.pull import PullProgress

    class Bars(PullProgress):
        def __init__(self) -> None:
            self.bars = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                 TransferSpeedColumn(), console=stderr, transient=False)
            self.task: TaskID | None = None
            self.shown = False

        def file_started(self, alias: str, path: str, total: int | None, resumed_from: int) -> None:
            if not self.shown:
                self.bars.start()
                self.shown = True
            note = " (resuming)" if resumed_from else ""
            self.task = self.bars.add_task(f"{alias}: {path}{note}", total=total, completed=resumed_from)

        def advance(self, nbytes: int) -> None:
            if self.task is not None:
                self.bars.advance(self.task, nbytes)

        def done(self) -> None:
            if self.shown:
                self.bars.stop()
                self.shown = False

    return Bars()


def finish(report: Any, quiet: bool, open_first: Path | None = None) -> None:
    """Say what was written, what came from the cache, what failed, and (`open_first`) where to start reading;
    exit 1 when any input failed."""
    for error in report.failed:
        stderr.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
    if not quiet:
        units = sum(s.units for s in report.stats)
        cached = f"; {sum(s.cached for s in report.stats)} of {units} sentences from the cache" if units else ""
        stderr.print(f"wrote {len(report.written)} file(s){cached}; {len(report.failed)} input(s) failed",
                     highlight=False)
        if open_first is not None and open_first in report.written:
            stderr.print(f"open {open_first}", highlight=False, soft_wrap=True)
    if report.failed:
        raise typer.Exit(1)


InputsArg = Annotated[
    list[str], typer.Argument(metavar="INPUT...", help="Files, directories, JSON/JSONL, http(s) URLs, or - for stdin.")
]
SentencesOpt = Annotated[Optional[int], typer.Option(
    help="Summary length in sentences (default: a third of the article's, at least 1, at most 4).")]
RatioOpt = Annotated[Optional[float], typer.Option(
    help="Summary length as a share of the article's sentences, in (0, 1] (instead of --sentences).")]
OutputOpt = Annotated[Path, typer.Option("-o", "--output", help="Directory for <article id>.<format> files.")]
EngineOpt = Annotated[str, typer.Option(help="auto | ctranslate2 | transformers (auto: CTranslate2 when converted).")]
DeviceOpt = Annotated[str, typer.Option(help="auto | cpu | cuda.")]
PrecisionOpt = Annotated[
    str, typer.Option(help="auto, or fp32|bf16|fp16 (transformers), int8|int8_float16|float16 (CTranslate2).")
]
ModelOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--model", metavar="[LANG=]ALIAS",
        help="Translator to use instead of the lock's default: ALIAS for the languages that model serves, "
             "LANG=ALIAS for one language (repeatable: --model fa=nllb-200-distilled-1.3b --model ar=...).",
    ),
]
BeamOpt = Annotated[int, typer.Option(help="Translation beam size (1: greedy, the default; 4: as the published "
                                              "scores were decoded, about 2.5-3x the translation time).")]
FastOpt = Annotated[bool, typer.Option("--fast", help="Greedy decoding (beam 1) for translation and summaries.")]
BatchOpt = Annotated[int, typer.Option(help="Token budget of one batch (padded).")]
GlossaryOpt = Annotated[Optional[Path], typer.Option(help="TSV/CSV of source<TAB>english terms to keep consistent.")]
NoRepeatOpt = Annotated[int, typer.Option(help="Never repeat an n-gram of this size (0: off); stops repetition loops.")]
RepetitionOpt = Annotated[float, typer.Option(help="Penalty on tokens already generated (1.0: off).")]
LengthPenaltyOpt = Annotated[float, typer.Option(help="Beam search length penalty (>1 favours longer output).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the translation cache.")]
QuietOpt = Annotated[bool, typer.Option("-q", "--quiet", help="No progress bars.")]
OfflineOpt = Annotated[bool, typer.Option(
    "--offline", help="Never fetch a missing model from the hub (as HF_HUB_OFFLINE=1): say what is missing.")]
ReviewOpt = Annotated[float, typer.Option(
    "--review-below", help="Flag sentences whose model confidence is below this (0-1; 0: never) as low_confidence.")]
QeOpt = Annotated[str, typer.Option(
    "--qe", help="none | roundtrip: also translate our English back (NLLB) and give each sentence the chrF of that "
                 "round trip against the source (roundtrip_chrf; about doubles model time).")]
MaxInputOpt = Annotated[float, typer.Option(
    "--max-input-mb", help="Refuse inputs larger than this many MB (before reading them whole).")]


# Every translating command takes these options, declared once here: (parameter, Typer type, default).
TRANSLATION_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("engine", EngineOpt, "auto"),
    ("device", DeviceOpt, "auto"),
    ("precision", PrecisionOpt, "auto"),
    ("model", ModelOpt, None),
    ("beam", BeamOpt, 1),
    ("fast", FastOpt, False),
    ("max_batch_tokens", BatchOpt, 4096),
    ("no_repeat_ngram", NoRepeatOpt, 0),
    ("repetition_penalty", RepetitionOpt, 1.0),
    ("length_penalty", LengthPenaltyOpt, 1.0),
    ("review_below", ReviewOpt, REVIEW_BELOW),
    ("glossary", GlossaryOpt, None),
    ("no_cache", NoCacheOpt, False),
    ("max_input_mb", MaxInputOpt, 50.0),
    ("offline", OfflineOpt, False),
    ("lock", LockOption, None),
)


def translation_options(command: F) -> F:
    """Give `command` the shared translation options; it receives them as one `settings: TranslateSettings`.

    Typer reads a command's options from its signature, so the wrapper's signature is the
    command's own (less `settings`) plus the shared options, and the wrapper builds the settings.
    """
    def resolved(annotation: Any) -> Any:  # postponed annotations, as `inspect.signature(eval_str=True)` does
        return eval(annotation, command.__globals__) if isinstance(annotation, str) else annotation

    own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=resolved(p.annotation))
           for p in inspect.signature(command).parameters.values() if p.name != "settings"]
    shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
              for name, annotation, default in TRANSLATION_OPTIONS]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name, _, _ in TRANSLATION_OPTIONS}
        settings = translate_settings(**values)
        from cli_commands.fetch import reading_urls

        with input_limit(settings.max_input_mb), reading_urls():
            return command(settings=settings, **kwargs)

    signature = inspect.Signature(own + shared)
    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return wrapper  # type: ignore[return-value]


def translate_settings(
    lock: Path | None,
    engine: str,
    device: str,
    precision: str,
    model: list[str] | None,
    beam: int,
    fast: bool,
    max_batch_tokens: int,
    glossary: Path | None,
    no_cache: bool,
    *,
    no_repeat_ngram: int = 0,
    repetition_penalty: float = 1.0,
    length_penalty: float = 1.0,
    review_below: float = REVIEW_BELOW,
    max_input_mb: float = 50.0,
    offline: bool = False,
) -> Any:
    """The library's settings for the options above (`--fast`: beam 1 for translation and summaries)."""
    from mt.pipeline import TranslateSettings, check_settings

    settings = TranslateSettings(
        lock_path=lock,
        engine=engine,
        device=device,
        precision=precision,
        model=tuple(model or ()),
        beam_size=1 if fast else beam,
        fast=fast,
        max_batch_tokens=max_batch_tokens,
        glossary=glossary,
        use_cache=not no_cache,
        no_repeat_ngram_size=no_repeat_ngram,
        repetition_penalty=repetition_penalty,
        length_penalty=length_penalty,
        review_below=review_below,
        max_input_mb=max_input_mb,
        offline=offline,
        pull_progress=pull_bars(quiet=False),
    )
    try:
        check_settings(settings)
    except MtdigestError as error:
        usage_error(str(error))
    return settings


def with_qe(settings: Any, qe: str) -> Any:
    """The settings with `--qe` (checked: exit 2 for an unknown method, before any model time)."""
    from mt.pipeline import check_settings

    settings.qe = qe
    try:
        check_settings(settings)
    except MtdigestError as error:
        usage_error(str(error))
    return settings


@contextlib.contextmanager
def input_limit(megabytes: float) -> Iterator[None]:
    """Readers refuse inputs over `megabytes` while the command runs (`--max-input-mb`)."""
    from ingest.readers import max_input_mb

    if not megabytes > 0:
        usage_error(f"--max-input-mb {megabytes}: must be above 0")
    token = max_input_mb.set(megabytes)
    try:
        yield
    finally:
        max_input_mb.reset(token)


def usage_error(message: str) -> NoReturn:
    """One line on stderr and exit 2: a bad option, before any model time."""
    stderr.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def check_summary_length(sentences: int | None, ratio: float | None) -> None:
    """`--sentences`/`--ratio` checked before anything is translated (exit 2)."""
    from summarize.length import target_sentences

    try:
        target_sentences(1, sentences, ratio)
    except ValueError as error:
        usage_error(f"--sentences/--ratio: {error}")


def parse_formats(value: str, allowed: tuple[str, ...]) -> list[str]:
    formats = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in allowed]
    if unknown or not formats:
        stderr.print(f"[bold red]error:[/] unknown format {', '.join(unknown) or value!r} (use {', '.join(allowed)})")
        raise typer.Exit(2)
    return formats


def say(message: str) -> None:
    """A progress or result line for the user, on stderr so stdout stays clean for data."""
    stderr.print(message, highlight=False, soft_wrap=True)
