"""What every command shares: consoles, error and interrupt handling, the log of library messages, the closing
report. Option types are in `cli_commands.options`, progress bars in `cli_commands.bars`."""

from __future__ import annotations

import functools
import logging
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console

from core.errors import MtdigestError

stdout = Console()
stderr = Console(stderr=True)
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


def usage_error(message: str) -> NoReturn:
    """One line on stderr and exit 2: a bad option, before any model time."""
    stderr.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def say(message: str) -> None:
    """A progress or result line for the user, on stderr so stdout stays clean for data."""
    stderr.print(message, highlight=False, soft_wrap=True)
