"""Marker files that record what was checked, so `models list` and every model load know a model's state
without re-hashing.

Two small JSON files, both ignored by `verify` when it looks for unexpected files:

- `MODEL_DIR/.mtdigest-verified.json`: the revision and, per file that was hashed and found matching the
  lock, the size and sha256 plus the file's mtime at that moment. A file's record stays valid while the
  lock pins that hash and the file keeps its size and mtime; any change to a file (or to the lock)
  invalidates it. The model counts as verified when every locked file has a valid record; loading a model
  re-hashes only the files without one (see `verify.check_before_load`).
- `MODEL_DIR/ct2-<quantization>/mtdigest-convert.json`: what a CTranslate2 conversion was made from.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from modelstore.hashing import FileDigest
from modelstore.lock import LockedFile, ModelEntry

VERIFIED_MARKER = ".mtdigest-verified.json"
CONVERT_MARKER = "mtdigest-convert.json"
CONVERTED_PREFIX = "ct2-"
STAGING_DIRNAME = ".partial"


def is_safe_relative(path: str) -> bool:
    """A plain relative POSIX path inside its root: no absolute path, no `..`, no backslashes or empty parts."""
    if not path or "\\" in path or path.startswith("/") or "\x00" in path:
        return False
    parts = PurePosixPath(path).parts
    return bool(parts) and all(part not in ("", ".", "..") for part in parts) and ":" not in parts[0]


def is_bookkeeping(relative: str) -> bool:
    """Paths inside a model directory that are ours, not the model's: markers and converted copies."""
    first = relative.split("/", 1)[0]
    return first.startswith(".mtdigest-") or first.startswith(CONVERTED_PREFIX)


def local_files(root: Path) -> list[str]:
    """Every file under a model directory (relative POSIX paths), bookkeeping excluded."""
    if not root.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath).relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        if not prefix:
            dirnames[:] = [d for d in dirnames if not d.startswith(CONVERTED_PREFIX)]
        found.extend(prefix + name for name in filenames if not is_bookkeeping(prefix + name))
    return sorted(found)


def write_verified_marker(entry: ModelEntry, root: Path, digests: Iterable[FileDigest]) -> None:
    """Record that these files were hashed and matched the lock (call only when they did)."""
    files = {}
    for digest in digests:
        stat = (root / digest.path).stat()
        files[digest.path] = {"size": digest.size, "sha256": digest.sha256, "mtime_ns": stat.st_mtime_ns}
    _write_json(root / VERIFIED_MARKER, {"repo": entry.repo, "revision": entry.revision, "files": files})


def clear_verified_marker(root: Path) -> None:
    (root / VERIFIED_MARKER).unlink(missing_ok=True)


def recorded_files(entry: ModelEntry, root: Path) -> dict[str, Any]:
    """Per-file records of the verified marker (`size`, `sha256`, `mtime_ns`), when it is for this revision."""
    marker = _read_json(root / VERIFIED_MARKER)
    if not marker or marker.get("revision") != entry.revision or not isinstance(marker.get("files"), dict):
        return {}
    return marker["files"]


def unchanged_since_hashed(locked: LockedFile, seen: Any, stat: os.stat_result) -> bool:
    """The marker saw this file with the lock's sha256 (and size), and its size and mtime are still the same.

    A stat, not a hash: an edit that restores both size and mtime goes unnoticed (`models verify` re-hashes).
    """
    if locked.sha256 is None or not isinstance(seen, dict) or seen.get("sha256") != locked.sha256:
        return False
    if locked.size is not None and seen.get("size") != locked.size:
        return False
    return stat.st_size == seen.get("size") and stat.st_mtime_ns == seen.get("mtime_ns")


def is_verified(entry: ModelEntry, root: Path) -> bool:
    """True when the marker covers exactly the lock's files and hashes and no file changed since."""
    recorded = recorded_files(entry, root)
    if not entry.files or set(recorded) != {f.path for f in entry.files}:
        return False
    for locked in entry.files:
        try:
            stat = (root / locked.path).stat()
        except OSError:
            return False
        if not unchanged_since_hashed(locked, recorded[locked.path], stat):
            return False
    return True


def conversion_record(entry: ModelEntry, converted: Path) -> dict[str, Any] | None:
    """The conversion marker of `converted` when it belongs to this revision and the model file exists."""
    record = _read_json(converted / CONVERT_MARKER)
    if not record or record.get("source_revision") != entry.revision or not (converted / "model.bin").is_file():
        return None
    return record


def current_conversions(entry: ModelEntry, root: Path) -> list[str]:
    """Quantizations with an up-to-date CTranslate2 copy beside this model."""
    if not root.is_dir():
        return []
    found = []
    for child in sorted(root.iterdir()):
        if child.is_dir() and child.name.startswith(CONVERTED_PREFIX):
            record = conversion_record(entry, child)
            if record is not None and record.get("quantization") == child.name[len(CONVERTED_PREFIX):]:
                found.append(record["quantization"])
    return found


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomically, through a temporary name of this writer's own (two processes may refresh a marker at once)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
