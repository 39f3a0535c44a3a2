"""Re-hash a model on disk against the lock: per-file findings, and the verified marker on success."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from modelstore.hashing import FileDigest, OnBytes, digest_file
from modelstore.integrity import clear_verified_marker, local_files, write_verified_marker
from modelstore.lock import ModelEntry
from modelstore.store import model_dir

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


def check_file(root: Path, relative: str, sha256: str | None, size: int | None,
               on_bytes: OnBytes | None = None) -> tuple[FileCheck, FileDigest | None]:
    """Compare one file with what the lock records for it."""
    if not (root / relative).is_file():
        return FileCheck(relative, MISSING), None
    if size is not None and (root / relative).stat().st_size != size:
        actual = (root / relative).stat().st_size
        return FileCheck(relative, MISMATCH, f"{size} bytes", f"{actual} bytes"), None
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
    if report.verified:
        write_verified_marker(entry, root, report.digests)
    elif root.is_dir():
        clear_verified_marker(root)
    return report


def total_bytes(entry: ModelEntry, home: Path | None = None) -> int:
    """Bytes `verify_model` will read (for a progress bar's total)."""
    root = model_dir(entry, home)
    return sum((root / f.path).stat().st_size for f in entry.files if (root / f.path).is_file())
