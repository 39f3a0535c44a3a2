"""Where `pull` gets bytes from. A source is one function that fetches one file.

`FetchFile(entry, path, part, advance)` appends the bytes of `path` (in `entry.repo` at
`entry.revision`) to the file `part`, starting at the size `part` already has, and calls
`advance(n)` as bytes arrive. Starting at the existing size is what makes an interrupted pull
resume. `pull` never cares which source it has: the hub (`modelstore.hub.hub_fetch`) or a local
directory holding the repository's files (`local_dir_fetch`, used by `pull --from DIR` and tests).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from modelstore.hashing import CHUNK
from modelstore.lock import LockedFile, ModelEntry
from core.errors import ModelSourceError


class FetchFile(Protocol):
    def __call__(self, entry: ModelEntry, path: str, part: Path, advance: Callable[[int], None]) -> None: ...


ListFiles = Callable[[ModelEntry], list[LockedFile]]


def local_dir_fetch(root: Path) -> FetchFile:
    """A source reading `root/<path>`: a checkout or `hf download --local-dir` copy of the pinned revision."""

    def fetch(entry: ModelEntry, path: str, part: Path, advance: Callable[[int], None]) -> None:
        source = root / path
        if not source.is_file():
            raise ModelSourceError(f"{source}: not found in the local source for '{entry.alias}'")
        offset = part.stat().st_size if part.exists() else 0
        with source.open("rb") as src, part.open("ab") as dst:
            src.seek(offset)
            while chunk := src.read(CHUNK):
                dst.write(chunk)
                advance(len(chunk))

    return fetch


def local_dir_files(root: Path) -> ListFiles:
    """For entries whose lock lists no files: the loadable files found in `root`."""

    def list_files(entry: ModelEntry) -> list[LockedFile]:
        from modelstore.hub import needed_files

        names = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
        sizes = {name: (root / name).stat().st_size for name in names}
        return [LockedFile(path=name, size=sizes[name]) for name in needed_files(names)]

    return list_files
