"""Fetch exactly the locked files of a model into the models home, verified, placed atomically.

Files are downloaded into `HOME/.partial/<org>--<name>/<revision>/` (a `.part` file per file, kept
when a download is interrupted so the next pull resumes it), checked against the lock's size and
sha256, and only when every file of the model checks out are they renamed into the model directory.
A file that fails its check is removed from the staging area and named in an IntegrityError; nothing
already in the model directory is touched.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from modelstore.hashing import FileDigest
from modelstore.integrity import STAGING_DIRNAME, is_safe_relative, is_verified, write_verified_marker
from modelstore.lock import Lock, LockedFile, ModelEntry, load_lock
from modelstore.lockwrite import record_files
from modelstore.sources import FetchFile, ListFiles
from modelstore.store import model_dir, models_home
from modelstore.verify import OK, UNRECORDED, check_file
from core.errors import IntegrityError, ModelSourceError, MtdigestError


class PullProgress:
    """Callbacks a caller may override to show progress; the library itself never prints."""

    def file_started(self, alias: str, path: str, total: int | None, resumed_from: int) -> None: ...

    def advance(self, nbytes: int) -> None: ...

    def file_finished(self, alias: str, path: str) -> None: ...

    def done(self) -> None:
        """No more files will come (a job's first-use fetch is over)."""


@dataclass
class PullResult:
    alias: str
    directory: Path
    fetched: list[str] = field(default_factory=list)  # downloaded now
    resumed: list[str] = field(default_factory=list)  # of those, continued from a partial download
    kept: list[str] = field(default_factory=list)  # already here and matching the lock
    replaced: list[str] = field(default_factory=list)  # were here but did not match the lock
    digests: list[FileDigest] = field(default_factory=list)
    unrecorded: list[LockedFile] = field(default_factory=list)  # hashes the lock lacks (measured here)
    verified: bool = False


def staging_dir(entry: ModelEntry, home: Path | None = None) -> Path:
    return (home or models_home()) / STAGING_DIRNAME / entry.dirname / entry.revision


def pull_model(
    entry: ModelEntry,
    fetch: FetchFile,
    *,
    home: Path | None = None,
    list_files: ListFiles | None = None,
    progress: PullProgress | None = None,
) -> PullResult:
    """Make `model_dir(entry)` hold the locked files. Raises IntegrityError on a hash or size mismatch."""
    progress = progress or PullProgress()
    files = list(entry.files)
    if not files:
        if list_files is None:
            raise ModelSourceError(f"the lock lists no files for '{entry.alias}' and this source cannot list them")
        files = list_files(entry)
        if not files:
            raise ModelSourceError(f"{entry.repo}@{entry.revision}: no loadable files found")
    for locked in files:
        if not is_safe_relative(locked.path):
            raise IntegrityError(f"'{entry.alias}': unsafe file path in the lock: {locked.path!r}")

    root = model_dir(entry, home)
    result = PullResult(alias=entry.alias, directory=root)
    if entry.files and is_verified(entry, root):  # nothing changed since it was last hashed
        result.kept, result.verified = [f.path for f in files], True
        return result
    todo: list[LockedFile] = []
    for locked in files:
        check, digest = check_file(root, locked.path, locked.sha256, locked.size)
        if check.status in (OK, UNRECORDED):
            result.kept.append(locked.path)
            result.digests.append(digest)  # type: ignore[arg-type]
        else:
            todo.append(locked)
            if check.status != "missing":
                result.replaced.append(locked.path)

    staging = staging_dir(entry, home)
    for locked in todo:
        result.digests.append(_fetch_checked(entry, locked, staging, root, fetch, progress, result))
    if todo:
        _place(staging, root, [f.path for f in todo])
    result.fetched = [f.path for f in todo]

    measured = {d.path: d for d in result.digests}
    listed = {f.path: f for f in entry.files}
    result.unrecorded = [
        LockedFile(path=f.path, size=measured[f.path].size, sha256=measured[f.path].sha256)
        for f in files if f.path not in listed or listed[f.path].sha256 is None
    ]
    if entry.files:  # unrecorded hashes too: loading then trusts, without re-hashing, the files the lock pins
        write_verified_marker(entry, root, result.digests)
        result.verified = not result.unrecorded
    return result


def pull_models(
    lock: Lock,
    aliases: list[str],
    fetch: FetchFile,
    *,
    home: Path | None = None,
    list_files: ListFiles | None = None,
    update_lock: bool = False,
    progress: PullProgress | None = None,
) -> list[PullResult]:
    """Pull each alias (all locked models when none is given); with `update_lock`, record measured hashes.

    Stops at the first model that fails; models pulled before it stay in place (each is complete).
    """
    entries = [lock.get(a) for a in aliases] if aliases else list(lock.models.values())
    results = []
    for entry in entries:
        result = pull_model(entry, fetch, home=home, list_files=list_files, progress=progress)
        if update_lock and result.unrecorded:
            record_files(lock.path, {entry.alias: result.unrecorded})
            recorded = load_lock(lock.path).get(entry.alias)
            write_verified_marker(recorded, model_dir(recorded, home), result.digests)
            result.verified = True
        results.append(result)
    return results


def _fetch_checked(entry: ModelEntry, locked: LockedFile, staging: Path, root: Path, fetch: FetchFile,
                   progress: PullProgress, result: PullResult) -> FileDigest:
    """Download one file into the staging area (resuming a `.part`), then check it against the lock."""
    done = staging / locked.path
    part = done.with_name(done.name + ".part")
    done.parent.mkdir(parents=True, exist_ok=True)
    if not done.is_file():
        offset = part.stat().st_size if part.exists() else 0
        if locked.size is not None and offset > locked.size:
            part.unlink()
            offset = 0
        if offset:
            result.resumed.append(locked.path)
        progress.file_started(entry.alias, locked.path, locked.size, offset)
        try:
            fetch(entry, locked.path, part, progress.advance)
        except MtdigestError:
            raise
        except Exception as exc:  # a network or disk failure: keep the .part so the next pull resumes it
            raise ModelSourceError(
                f"downloading {locked.path} of '{entry.alias}' failed ({type(exc).__name__}: {exc}); "
                "run the same pull again to resume"
            ) from exc
        progress.file_finished(entry.alias, locked.path)
        os.replace(part, done)
    check, digest = check_file(staging, locked.path, locked.sha256, locked.size)
    if check.status not in (OK, UNRECORDED):
        done.unlink(missing_ok=True)
        raise IntegrityError(
            f"'{entry.alias}' ({entry.repo}@{entry.revision[:12]}): downloaded file {check.describe()}. "
            f"Nothing was placed in {root}; the lock or the source is wrong."
        )
    return digest  # type: ignore[return-value]


def _place(staging: Path, root: Path, paths: list[str]) -> None:
    """Move verified files from staging into the model directory: one rename when it is new."""
    if not root.exists():
        root.parent.mkdir(parents=True, exist_ok=True)
        staged = {p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()}
        if staged == set(paths):
            os.replace(staging, root)
            _prune(staging.parent)
            return
    root.mkdir(parents=True, exist_ok=True)
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / path, root / path)
    shutil.rmtree(staging, ignore_errors=True)
    _prune(staging.parent)


def _prune(directory: Path) -> None:
    """Remove empty staging parents (`.partial/<org>--<name>`, `.partial`)."""
    for candidate in (directory, directory.parent):
        try:
            candidate.rmdir()
        except OSError:
            return
