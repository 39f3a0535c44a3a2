"""sha256 and size of model files, streamed so multi-GB weights never sit in memory."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20
OnBytes = Callable[[int], None]


@dataclass(frozen=True)
class FileDigest:
    """What was measured on disk for one file of a model (path relative to the model directory)."""

    path: str
    size: int
    sha256: str


def sha256_file(path: Path, on_bytes: OnBytes | None = None) -> str:
    """Hex sha256 of a file; `on_bytes(n)` is called as chunks are read (for progress bars)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if on_bytes is not None:
                on_bytes(len(chunk))
    return digest.hexdigest()


def digest_file(root: Path, relative: str, on_bytes: OnBytes | None = None) -> FileDigest:
    """Size and sha256 of `root/relative`."""
    path = root / relative
    return FileDigest(path=relative, size=path.stat().st_size, sha256=sha256_file(path, on_bytes))
