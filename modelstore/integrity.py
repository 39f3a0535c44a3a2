"""Marker files that record what was checked, so `models list` knows a model's state without re-hashing.

Two small JSON files, both ignored by `verify` when it looks for unexpected files:

- `MODEL_DIR/.mtdigest-verified.json`: the revision and, per locked file, the size and sha256 that were
  checked plus the file's mtime at that moment. It stays valid while the lock pins exactly those hashes
  and every file keeps its size and mtime; any change to a file (or to the lock) invalidates it.
- `MODEL_DIR/ct2-<quantization>/mtdigest-convert.json`: what a CTranslate2 conversion was made from.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from modelstore.hashing import FileDigest
from modelstore.lock import ModelEntry

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


def is_verified(entry: ModelEntry, root: Path) -> bool:
    """True when the marker covers exactly the lock's files and hashes and no file changed since."""
    marker = _read_json(root / VERIFIED_MARKER)
    if not marker or marker.get("revision") != entry.revision or not entry.files:
        return False
    recorded = marker.get("files", {})
    if set(recorded) != {f.path for f in entry.files}:
        return False
    for locked in entry.files:
        seen = recorded[locked.path]
        if locked.sha256 is None or seen.get("sha256") != locked.sha256:
            return False
        if locked.size is not None and seen.get("size") != locked.size:
            return False
        try:
            stat = (root / locked.path).stat()
        except OSError:
            return False
        if stat.st_size != seen.get("size") or stat.st_mtime_ns != seen.get("mtime_ns"):
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
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
