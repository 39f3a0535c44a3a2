"""Progress bars on stderr: one per stage of a job (`mt.progress`), and download bars for models fetched."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TaskID, TextColumn, TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from cli_commands.common import stderr
from mt.progress import LEDES, SUMMARIZE, TRANSLATE, WRITE


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
