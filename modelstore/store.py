"""Where pinned models live on disk, and resolving a lock entry to a local directory.

Layout: `MTDIGEST_HOME/<org>--<name>/<revision>/` holds the files of one pinned
revision, exactly as `models pull` writes them; converted engines live beside
them. Every command finds models through `resolve_model`, tests included.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from core.errors import ModelMissing, UsageError
from modelstore.integrity import current_conversions, is_verified
from modelstore.lock import ModelEntry


def models_home() -> Path:
    """`MTDIGEST_HOME` if set, else the user's cache directory; a UsageError (exit 2) when that is a file."""
    env = os.environ.get("MTDIGEST_HOME")
    home = Path(env) if env else Path(platformdirs.user_cache_dir("mtdigest")) / "models"
    if home.exists() and not home.is_dir():
        raise UsageError(f"{home}: the models home {'(MTDIGEST_HOME) ' if env else ''}is a file, not a directory; "
                         f"point MTDIGEST_HOME at the directory that holds the models")
    return home


def model_dir(entry: ModelEntry, home: Path | None = None) -> Path:
    """The directory that holds (or would hold) this exact revision."""
    return (home or models_home()) / entry.dirname / entry.revision


def converted_dir(entry: ModelEntry, quantization: str, home: Path | None = None) -> Path:
    """Where `models convert` puts the CTranslate2 copy of this revision at this quantization."""
    return model_dir(entry, home) / f"ct2-{quantization}"


def missing_files(entry: ModelEntry, home: Path | None = None) -> list[str]:
    """Locked files not present on disk (all of them when the directory is absent)."""
    root = model_dir(entry, home)
    expected = [f.path for f in entry.files] or ["config.json"]
    return [p for p in expected if not (root / p).is_file()]


STATES = ("missing", "present", "verified", "converted")


def model_state(entry: ModelEntry, home: Path | None = None) -> str:
    """`missing` | `present` | `verified` | `converted`, from disk and the marker files (no hashing).

    `missing`: a locked file is absent. `present`: all there, not (or no longer) verified.
    `verified`: `models verify`/`pull`/`import` hashed every file against the lock and nothing changed since.
    `converted`: present, not known to be corrupt, and an up-to-date CTranslate2 copy exists beside it.
    """
    if missing_files(entry, home):
        return "missing"
    root = model_dir(entry, home)
    if current_conversions(entry, root):
        return "converted"
    return "verified" if is_verified(entry, root) else "present"


def resolve_model(entry: ModelEntry, home: Path | None = None) -> Path:
    """The local directory of a locked model, or ModelMissing saying how to get it."""
    missing = missing_files(entry, home)
    if missing:
        raise ModelMissing(missing_model_message(entry, home, missing))
    return model_dir(entry, home)


def missing_model_message(entry: ModelEntry, home: Path | None, missing: list[str]) -> str:
    """One actionable message: which model, how to fetch it, how to use a local copy."""
    target = model_dir(entry, home)
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    return (
        f"model '{entry.alias}' ({entry.role}: {entry.repo}@{entry.revision[:12]}) is not on this machine "
        f"(missing {shown} in {target}). "
        f"Get it with `mtdigest models pull {entry.alias}` on a machine that reaches the Hugging Face hub, "
        f"or bring it from one with `mtdigest models export {entry.alias} -o models.tar` there and "
        f"`mtdigest models import models.tar` here. A local copy of that revision works too: put its files in "
        f"{target}, or set MTDIGEST_HOME to the directory that holds {entry.dirname}/{entry.revision}/."
    )
