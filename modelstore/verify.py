"""Re-hash a model on disk against the lock (`models verify`), and the cheap check before every load."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

from modelstore.hashing import FileDigest, OnBytes, digest_file
from modelstore.integrity import (
    clear_verified_marker, local_files, recorded_files, unchanged_since_hashed, write_verified_marker,
)
from modelstore.lock import ModelEntry
from modelstore.store import model_dir
from core.errors import IntegrityError

OK, MISMATCH, MISSING, EXTRA, UNRECORDED = "ok", "mismatch", "missing", "extra", "unrecorded"


@dataclass(frozen=True)
class FileCheck:
    """One file's finding. `expected`/`actual` are sha256 (or sizes, for a size mismatch) as text."""

    path: str
    status: str
    expected: str | None = None
    actual: str | None = None

    def describe(self) -> str:
        if self.status == MISMATCH:
            return f"{self.path}: does not match the lock (expected {self.expected}, found {self.actual})"
        if self.status == MISSING:
            return f"{self.path}: missing"
        if self.status == EXTRA:
            return f"{self.path}: not in the lock (unexpected file)"
        if self.status == UNRECORDED:
            return f"{self.path}: no sha256 in the lock (found {self.actual}); record it with `models pull --update-lock`"
        return f"{self.path}: ok"


@dataclass
class VerifyReport:
    alias: str
    directory: Path
    checks: list[FileCheck] = field(default_factory=list)
    digests: list[FileDigest] = field(default_factory=list)
    unlisted: bool = False  # the lock lists no files for this model, so nothing can be verified

    @property
    def problems(self) -> list[FileCheck]:
        return [c for c in self.checks if c.status in (MISMATCH, MISSING, EXTRA)]

    @property
    def unrecorded(self) -> list[FileCheck]:
        return [c for c in self.checks if c.status == UNRECORDED]

    @property
    def intact(self) -> bool:
        """Nothing is wrong: no mismatch, missing or extra file (unrecorded hashes are not wrong, only unproven)."""
        return not self.problems and not self.unlisted

    @property
    def verified(self) -> bool:
        """Every locked file has a recorded hash and matches it; nothing is missing or extra."""
        return self.intact and not self.unrecorded


def check_size(root: Path, relative: str, size: int | None) -> FileCheck | None:
    """The finding when the file is missing or its size differs from the lock's; None when it is fine."""
    try:
        stat = (root / relative).stat()
    except OSError:
        return FileCheck(relative, MISSING)
    if not S_ISREG(stat.st_mode):
        return FileCheck(relative, MISSING)
    if size is not None and stat.st_size != size:
        return FileCheck(relative, MISMATCH, f"{size} bytes", f"{stat.st_size} bytes")
    return None


def check_file(root: Path, relative: str, sha256: str | None, size: int | None,
               on_bytes: OnBytes | None = None) -> tuple[FileCheck, FileDigest | None]:
    """Compare one file with what the lock records for it."""
    wrong = check_size(root, relative, size)
    if wrong is not None:
        return wrong, None
    digest = digest_file(root, relative, on_bytes)
    if sha256 is None:
        return FileCheck(relative, UNRECORDED, None, digest.sha256), digest
    if digest.sha256 != sha256:
        return FileCheck(relative, MISMATCH, sha256, digest.sha256), digest
    return FileCheck(relative, OK, sha256, digest.sha256), digest


def verify_model(entry: ModelEntry, home: Path | None = None, on_bytes: OnBytes | None = None) -> VerifyReport:
    """Hash every locked file, report missing and unexpected files; write or clear the verified marker."""
    root = model_dir(entry, home)
    report = VerifyReport(alias=entry.alias, directory=root, unlisted=not entry.files)
    locked = {f.path: f for f in entry.files}
    for path, lf in locked.items():
        check, digest = check_file(root, path, lf.sha256, lf.size, on_bytes)
        report.checks.append(check)
        if digest is not None:
            report.digests.append(digest)
    if entry.files:
        report.checks.extend(FileCheck(p, EXTRA) for p in local_files(root) if p not in locked)
    if report.intact:  # unrecorded hashes too: loading then trusts the files the lock does pin
        write_verified_marker(entry, root, report.digests)
    elif root.is_dir():
        clear_verified_marker(root)
    return report


def check_before_load(entry: ModelEntry, root: Path) -> None:
    """Prove, cheaply, that a model's files are still the ones the lock pins, before they are loaded.

    A file the verified marker saw with the lock's sha256 and whose size and mtime have not changed since
    costs one stat. Any other file with a locked sha256 is re-hashed, and the marker refreshed when all
    match; a file the lock has no sha256 for gets its size checked only. An edit that keeps both size and
    mtime is the one change this misses, by design: `models verify` re-hashes everything.
    Raises IntegrityError naming the model, each file that differs, and how to repair it.
    """
    recorded = recorded_files(entry, root)
    matched: list[FileDigest] = []
    problems: list[FileCheck] = []
    rehashed = False
    for locked in entry.files:
        wrong = check_size(root, locked.path, locked.size)
        if wrong is not None:
            problems.append(wrong)
            continue
        if locked.sha256 is None:
            continue
        stat = (root / locked.path).stat()
        if unchanged_since_hashed(locked, recorded.get(locked.path), stat):
            matched.append(FileDigest(locked.path, stat.st_size, locked.sha256))
            continue
        check, digest = check_file(root, locked.path, locked.sha256, locked.size)
        rehashed = True
        if check.status == OK and digest is not None:
            matched.append(digest)
        else:
            problems.append(check)
    if problems:
        raise IntegrityError(load_failure_message(entry, root, problems))
    if rehashed:
        with contextlib.suppress(OSError):  # a read-only models home: still loads, re-hashes next time
            write_verified_marker(entry, root, matched)


def load_failure_message(entry: ModelEntry, root: Path, problems: list[FileCheck]) -> str:
    """One line: which model, which files differ from the lock (expected vs found), and how to repair it."""
    details = "; ".join(check.describe() for check in problems)
    return (
        f"model '{entry.alias}' ({entry.repo}@{entry.revision[:12]}) in {root} is corrupt: {details}. "
        f"Fetch it again with `mtdigest models pull {entry.alias}` (or `mtdigest models import` an archive), "
        f"then check every file with `mtdigest models verify {entry.alias}`."
    )


def total_bytes(entry: ModelEntry, home: Path | None = None) -> int:
    """Bytes `verify_model` will read (for a progress bar's total)."""
    root = model_dir(entry, home)
    return sum((root / f.path).stat().st_size for f in entry.files if (root / f.path).is_file())
