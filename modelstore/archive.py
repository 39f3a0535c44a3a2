"""Carry models to machines without the hub: one tar with the files, their lock entries and a manifest.

Layout of the archive (uncompressed: weights do not compress):

    mtdigest-models/manifest.json
    mtdigest-models/models/<org>--<name>/<revision>/<file>...

`import_archive` trusts nothing in the archive until it has checked it: every member must be a regular
file listed in the manifest under a safe path (no links, no absolute paths, no `..`), every file is
extracted into a staging directory under the models home and hashed against the manifest (and against
the target lock where that pins the same revision), and only then is anything placed or the lock changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import uuid
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from modelstore.hashing import CHUNK, FileDigest, OnBytes
from modelstore.integrity import STAGING_DIRNAME, is_safe_relative, write_verified_marker
from modelstore.lock import LockedFile, ModelEntry, load_lock, parse_lock
from modelstore.lockwrite import add_entries, entry_table, record_files
from modelstore.store import model_dir, models_home
from modelstore.verify import verify_model
from core.errors import IntegrityError, LockError, ModelSourceError

ROOT = "mtdigest-models"
MANIFEST = f"{ROOT}/manifest.json"
FORMAT, FORMAT_VERSION = "mtdigest-models", 1


@dataclass
class ExportResult:
    path: Path
    aliases: list[str]
    bytes: int


@dataclass
class ImportedModel:
    alias: str
    directory: Path
    placed: bool  # False: an identical verified copy was already here
    lock_action: str  # "added" | "already" | "conflict: ..."


@dataclass
class ImportResult:
    lock_path: Path
    models: list[ImportedModel] = field(default_factory=list)


def export_models(entries: list[ModelEntry], out: Path, home: Path | None = None,
                  on_bytes: OnBytes | None = None) -> ExportResult:
    """Verify each model here, then write the archive (atomically: `out` appears only when complete)."""
    models, total = [], 0
    for entry in entries:
        report = verify_model(entry, home, on_bytes)
        if report.unlisted:
            raise LockError(f"'{entry.alias}': the lock lists no files; run `mtdigest models pull {entry.alias} --update-lock` first")
        if not report.intact:
            details = "; ".join(c.describe() for c in report.problems)
            raise IntegrityError(f"'{entry.alias}' cannot be exported, it does not match the lock: {details}")
        files = [LockedFile(d.path, d.size, d.sha256) for d in report.digests]
        table = entry_table(entry)
        table["files"] = [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in files]
        models.append({"alias": entry.alias, "lock_entry": table})
        total += sum(f.size or 0 for f in files)
    manifest = {"format": FORMAT, "version": FORMAT_VERSION, "mtdigest": _own_version(), "models": models}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
            for entry in entries:
                root = model_dir(entry, home)
                for locked in entry.files:
                    info = tar.gettarinfo(root / locked.path, arcname=_member(entry, locked.path))
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    with (root / locked.path).open("rb") as handle:
                        tar.addfile(info, handle)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return ExportResult(path=out, aliases=[e.alias for e in entries], bytes=total)


def import_archive(archive: Path, lock_path: Path, home: Path | None = None, *, update_lock: bool = False,
                   on_bytes: OnBytes | None = None) -> ImportResult:
    """Check everything in the archive, then place the models and add lock entries the target lacks.

    With `update_lock`, hashes the target lock lacks for the same revision are filled in from the archive.
    """
    home = home or models_home()
    try:
        tar = tarfile.open(archive, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise ModelSourceError(f"{archive}: not a readable model archive ({exc})") from None
    staging = home / STAGING_DIRNAME / f"import-{uuid.uuid4().hex[:12]}"
    try:
        with tar:
            entries = _read_manifest(tar, archive)
            target = load_lock(lock_path) if lock_path.exists() else None
            expected = _expected_members(entries, target)
            _check_members(tar, expected, archive)
            for member_name, (entry, locked) in expected.items():
                _extract_checked(tar, member_name, staging / entry.dirname / entry.revision / locked.path,
                                 entry, locked, archive, on_bytes)
            result = ImportResult(lock_path=lock_path)
            for entry in entries:
                result.models.append(_place(entry, staging / entry.dirname / entry.revision, home))
            _merge_lock(entries, target, lock_path, result, update_lock)
            return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.parent.rmdir()
        except OSError:
            pass


def _read_manifest(tar: tarfile.TarFile, archive: Path) -> list[ModelEntry]:
    try:
        member = tar.getmember(MANIFEST)
        handle = tar.extractfile(member) if member.isfile() else None
        manifest = json.loads(handle.read(16 << 20)) if handle else None
    except (KeyError, ValueError, tarfile.TarError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelSourceError(f"{archive}: no mtdigest manifest (not made by `mtdigest models export`?)")
    if manifest.get("version") != FORMAT_VERSION:
        raise ModelSourceError(f"{archive}: archive format version {manifest.get('version')} is not supported")
    tables = [m.get("lock_entry") for m in manifest.get("models", []) if isinstance(m, dict)]
    lock = parse_lock({"models": tables}, Path(f"{archive}!manifest.json"))
    for entry in lock.models.values():
        bad = [f.path for f in entry.files if not is_safe_relative(f.path) or f.sha256 is None or f.size is None]
        if bad or not entry.files:
            raise ModelSourceError(f"{archive}: manifest entry '{entry.alias}' has unsafe or unhashed files: {bad}")
    return list(lock.models.values())


def _member(entry: ModelEntry, path: str) -> str:
    return f"{ROOT}/models/{entry.dirname}/{entry.revision}/{path}"


def _expected_members(entries: list[ModelEntry], target: Any) -> dict[str, tuple[ModelEntry, LockedFile]]:
    """Member name → (entry, file with the hash it must have): the manifest's, cross-checked with the target lock."""
    expected = {}
    for entry in entries:
        pinned = target.models.get(entry.alias) if target is not None else None
        same = pinned is not None and (pinned.repo, pinned.revision) == (entry.repo, entry.revision)
        target_hashes = {f.path: f.sha256 for f in pinned.files} if same else {}
        for locked in entry.files:
            if target_hashes.get(locked.path) not in (None, locked.sha256):
                raise IntegrityError(
                    f"'{entry.alias}': {locked.path} in the archive has sha256 {locked.sha256}, "
                    f"but your lock records {target_hashes[locked.path]}; nothing was imported"
                )
            expected[_member(entry, locked.path)] = (entry, locked)
    return expected


def _check_members(tar: tarfile.TarFile, expected: dict[str, Any], archive: Path) -> None:
    seen = set()
    for member in tar.getmembers():
        name = member.name
        if not is_safe_relative(name.rstrip("/")):
            raise ModelSourceError(f"{archive}: refusing unsafe member path {name!r} (absolute or '..')")
        if member.isdir():
            continue
        if not member.isfile():
            raise ModelSourceError(f"{archive}: refusing member {name!r}: links and special files are not allowed")
        if name != MANIFEST and name not in expected:
            raise ModelSourceError(f"{archive}: member {name!r} is not listed in the manifest")
        seen.add(name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise IntegrityError(f"{archive}: incomplete archive, missing {', '.join(missing[:3])}")


def _extract_checked(tar: tarfile.TarFile, name: str, dest: Path, entry: ModelEntry, locked: LockedFile,
                     archive: Path, on_bytes: OnBytes | None) -> None:
    digest, size = hashlib.sha256(), 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    source = tar.extractfile(name)
    assert source is not None
    with source, dest.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
            if on_bytes is not None:
                on_bytes(len(chunk))
    if size != locked.size or digest.hexdigest() != locked.sha256:
        raise IntegrityError(
            f"{archive}: '{entry.alias}' file {locked.path} does not match the manifest "
            f"(expected {locked.size} bytes sha256 {locked.sha256}, got {size} bytes {digest.hexdigest()}); nothing was imported"
        )


def _place(entry: ModelEntry, staged: Path, home: Path) -> ImportedModel:
    """Put one checked model in place: a rename when new, per-file replacement of what differs otherwise."""
    root = model_dir(entry, home)
    if root.exists():
        report = verify_model(entry, home)
        if report.verified:
            return ImportedModel(entry.alias, root, placed=False, lock_action="")
        for locked in entry.files:
            (root / locked.path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged / locked.path, root / locked.path)
    else:
        root.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, root)
    write_verified_marker(entry, root, [FileDigest(f.path, f.size or 0, f.sha256 or "") for f in entry.files])
    return ImportedModel(entry.alias, root, placed=True, lock_action="")


def _merge_lock(entries: list[ModelEntry], target: Any, lock_path: Path, result: ImportResult,
                update_lock: bool) -> None:
    to_add, to_record = [], {}
    for entry, imported in zip(entries, result.models):
        pinned = target.models.get(entry.alias) if target is not None else None
        if pinned is None:
            to_add.append(entry_table(entry))
            imported.lock_action = "added"
        elif (pinned.repo, pinned.revision) == (entry.repo, entry.revision):
            recorded = {f.path for f in pinned.files if f.sha256 is not None}
            lacking = [f for f in entry.files if f.path not in recorded]
            if lacking and update_lock:
                to_record[entry.alias] = lacking
                imported.lock_action = f"recorded {len(lacking)} hash(es)"
            elif lacking:
                imported.lock_action = f"already (your lock lacks {len(lacking)} hash(es); --update-lock records them)"
            else:
                imported.lock_action = "already"
        else:
            imported.lock_action = (
                f"conflict: your lock pins {pinned.repo}@{pinned.revision[:12]}; kept it, "
                f"the imported revision is stored but unused"
            )
    if to_record:
        record_files(lock_path, to_record)
    if to_add:
        add_entries(lock_path, to_add)


def _own_version() -> str:
    try:
        return package_version("mtdigest")
    except Exception:  # noqa: BLE001 - running from a source tree without metadata
        return "unknown"

