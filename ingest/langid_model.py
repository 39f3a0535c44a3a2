"""py3langid's model, decompressed once into the user's cache.

py3langid ships its model LZMA-compressed and decompresses it in every process: about 1 s of each `inspect`,
`digest` or `translate` on 2 cores, most of the language-identification cost of a first digest (bench/README.md,
issue 23). The arrays are written once, uncompressed (68 MB), into the user's cache directory and read back in about a
tenth of that time; a missing, stale or unreadable copy is rebuilt, and a cache that cannot be written only costs
the second again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from array import array
from pathlib import Path
from typing import Any

_TYPECODES = {2: "H", 4: "I", 8: "L"}


def cache_dir() -> Path:
    """Where the decompressed model goes: the user's cache directory (one copy for every job and cache file)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("mtdigest"))


def _copy_path(model_file: Path) -> Path:
    """One file per shipped model (its size and modification time), so an upgraded py3langid is never served
    an old copy."""
    stat = model_file.stat()
    key = hashlib.sha256(f"{model_file}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    return cache_dir() / f"langid-{key}.npz"


def _as_stdlib(values: Any) -> array:
    """A NumPy unsigned array as py3langid keeps its state tables (stdlib `array`)."""
    import numpy as np

    values = np.ascontiguousarray(values)
    out = array(_TYPECODES[values.dtype.itemsize])
    out.frombytes(memoryview(values).cast("B"))
    return out


def _write(path: Path, parts: tuple) -> None:
    import numpy as np

    ptc, pc, classes, nextmove, row, output = parts
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, ptc=ptc, pc=pc, classes=np.array(classes),
                     nextmove=np.frombuffer(nextmove, dtype=f"u{nextmove.itemsize}"),
                     row=np.frombuffer(row, dtype=f"u{row.itemsize}"), output=np.asarray(output, dtype=np.int32))
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _read(path: Path) -> tuple:
    import numpy as np

    with np.load(path, allow_pickle=False) as data:
        return (data["ptc"], data["pc"], data["classes"].tolist(), _as_stdlib(data["nextmove"]),
                _as_stdlib(data["row"]), data["output"].tolist())


def load_identifier() -> Any:
    """py3langid's LanguageIdentifier (normalized probabilities) from the cached copy, made on first use."""
    import numpy as np
    from py3langid import modelio
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    model_file = Path(MODEL_DIR) / MODEL_FILE
    path = _copy_path(model_file)
    try:
        parts = _read(path)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # absent, cut short or not ours
        parts = modelio.load_model(model_file)
        try:
            _write(path, parts)
        except OSError:
            pass  # a read-only cache: decompress again next time
    ptc, pc, classes, nextmove, row, output = parts
    return LanguageIdentifier(np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=True, tk_row=row)
