"""Typed errors that carry what the user needs; the CLI maps each to one line and an exit code."""

from __future__ import annotations


class MtdigestError(Exception):
    """Base class: `str(error)` is the one-line message shown to the user."""

    exit_code = 1


class InputError(MtdigestError):
    """An input that cannot be read or used; names the file and the problem."""

    def __init__(self, path: str, problem: str, article_id: str | None = None) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
        # Set when the problem is one article's: a file (JSONL, stdin) may hold others that are fine.
        self.article_id = article_id


class UnsupportedLanguage(InputError):
    """An article in a language the tool does not translate."""


class MtdigestWarning(UserWarning):
    """Something the user should know that did not stop the run (the CLI prints it as one line)."""


class BrokenModelError(MtdigestError):
    """A model whose every output is empty or degenerate: wrong or damaged files, not bad input."""

    exit_code = 4


class CacheError(MtdigestError):
    """The translation cache cannot be opened or written (a directory, read-only, a full disk)."""

    exit_code = 2


class UsageError(MtdigestError):
    """A bad option value, found before any model time."""

    exit_code = 2


class LockError(MtdigestError):
    """A models.lock that cannot be used (missing field, bad revision, unknown alias)."""

    exit_code = 2


class ModelMissing(MtdigestError):
    """A locked model is not on this machine; the message says how to get it."""

    exit_code = 3


class IntegrityError(MtdigestError):
    """Model files that do not match their recorded sha256/size (or are missing, or unexpected)."""

    exit_code = 4


class ModelSourceError(MtdigestError):
    """A model source (the hub, a local mirror, an archive) that cannot deliver what the lock pins."""

    exit_code = 5


class OutputError(MtdigestError):
    """An output location that cannot be written (permissions, a file where a directory should be)."""

    exit_code = 2
