"""py3langid's model, decompressed once into the user's cache.

py3langid ships its model LZMA-compressed and decompresses it in every process: about 1 s of each `inspect`,
`digest` or `translate` on 2 cores, most of the language-identification cost of a first digest (bench/README.md,
issue 23). The arrays are written once, uncompressed (68 MB), into the user's cache directory and memory-mapped
from then on (a few milliseconds: a text touches a few pages); a missing, stale or unreadable copy is rebuilt, and a
cache that cannot be written only costs the second again.
"""

from __future__ import annotations

import hashlib
import json
import math
import mmap
import os
import tempfile
from pathlib import Path
from typing import Any

_HEADER = 4096  # bytes of JSON (names, types, shapes, offsets) before the arrays
_ALIGN = 64
_ARRAYS = ("ptc", "pc", "nextmove", "row", "output")


def cache_dir() -> Path:
    """Where the decompressed model goes: the user's cache directory (one copy for every job and cache file)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("mtdigest"))


def _copy_path(model_file: Path) -> Path:
    """One file per shipped model (its size and modification time), so an upgraded py3langid is never served
    an old copy."""
    stat = model_file.stat()
    key = hashlib.sha256(f"{model_file}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    return cache_dir() / f"langid-{key}.bin"


def _write(path: Path, parts: tuple) -> None:
    """The arrays raw, each at an aligned offset after a JSON header, written to a temporary file and renamed."""
    import numpy as np

    ptc, pc, classes, nextmove, row, output = parts
    arrays = dict(zip(_ARRAYS, (np.asarray(ptc), np.asarray(pc), np.frombuffer(nextmove, dtype=f"u{nextmove.itemsize}"),
                                np.frombuffer(row, dtype=f"u{row.itemsize}"), np.asarray(output, dtype=np.int32))))
    layout, offset = {}, _HEADER
    for name, values in arrays.items():
        layout[name] = [values.dtype.str, list(values.shape), offset]
        offset += -(-values.nbytes // _ALIGN) * _ALIGN
    header = json.dumps({"arrays": layout, "classes": list(classes), "size": offset}).encode()
    if len(header) > _HEADER:
        raise ValueError("language model header too long")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(header.ljust(_HEADER, b" "))
            for name, values in arrays.items():
                file.seek(layout[name][2])
                file.write(np.ascontiguousarray(values).tobytes())
            file.truncate(offset)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    for old in path.parent.glob("langid-*.npz"):  # the copies of earlier releases, read whole in every process
        try:
            old.unlink()
        except OSError:
            pass


def _read(path: Path) -> tuple:
    """The arrays as views of the mapped file: nothing is read until the identifier touches it (a few pages
    per text), where reading the whole 68 MB took 0.3-0.4 s of every process."""
    import numpy as np

    with open(path, "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    header = json.loads(mapped[:_HEADER])
    if header["size"] != len(mapped):
        raise ValueError(f"{path}: cut short")
    views = {}
    for name in _ARRAYS:
        dtype, shape, offset = header["arrays"][name]
        values = np.frombuffer(mapped, dtype=dtype, count=math.prod(shape), offset=offset).reshape(shape)
        # py3langid indexes the automaton's tables one byte of text at a time: a memoryview gives Python ints.
        views[name] = values if name in ("ptc", "pc") else memoryview(values)
    return views["ptc"], views["pc"], header["classes"], views["nextmove"], views["row"], views["output"]


def load_identifier() -> Any:
    """py3langid's LanguageIdentifier (normalized probabilities) from the cached copy, made on first use."""
    import numpy as np
    from py3langid import modelio
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    model_file = Path(MODEL_DIR) / MODEL_FILE
    path = _copy_path(model_file)
    try:
        parts = _read(path)
    except (OSError, ValueError, KeyError, TypeError):  # absent, cut short or not ours
        parts = modelio.load_model(model_file)
        try:
            _write(path, parts)
        except OSError:
            pass  # a read-only cache: decompress again next time
    ptc, pc, classes, nextmove, row, output = parts
    return LanguageIdentifier(np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=True, tk_row=row)
