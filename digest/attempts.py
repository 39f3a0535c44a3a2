"""Attempt records of a `batch` run: an article that keeps killing its worker process is set aside.

A worker records an attempt at each article of a batch (a small file under `DIR/.mtdigest-batch/attempts/`,
written atomically) before it starts on them, and removes the records when they are done, whether they
succeeded or failed. A record that outlives its attempt means the worker process died on it (a crash, an OOM
kill): Ray restarts the worker and retries the batch, and a retried batch goes one article at a time, so only
the article at fault gains attempts. An article with `limit` attempts is not tried again but reported failed,
which bounds the crashes of any run however many batches were queued on the dying worker; healthy batches are
simply retried until they succeed. The records live in the output directory because every worker writes
there already (shared storage on a cluster). The driver clears them before and after each run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from core.output import write_atomic

STATE_DIR = ".mtdigest-batch"


class Attempts:
    def __init__(self, output: Path, limit: int = 1) -> None:
        self.directory = output / STATE_DIR / "attempts"
        self.limit = limit
        """Attempts after which an article whose worker died on it is reported failed instead of retried."""

    def count(self, article_id: str) -> int:
        """Attempts at this article that ended with its worker process."""
        try:
            return int((self.directory / article_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0

    def begin(self, article_ids: Iterable[str]) -> None:
        for article_id in article_ids:
            write_atomic(self.directory / article_id, str(self.count(article_id) + 1))

    def end(self, article_ids: Iterable[str]) -> None:
        for article_id in article_ids:
            (self.directory / article_id).unlink(missing_ok=True)

    def clear(self) -> None:
        """Forget every record: a new run gives every article its full number of attempts again."""
        shutil.rmtree(self.directory.parent, ignore_errors=True)
