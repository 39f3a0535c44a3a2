"""SQLite cache of sentence translations, so re-rendering a digest or re-running a brief costs no model time.

Keyed by model alias + revision + decoding options + source language + normalized
sentence; the engine is not part of the key (both engines run the same weights).
WAL mode lets two `mtdigest` processes share one cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    english TEXT NOT NULL,
    flags TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def default_cache_path() -> Path:
    """`MTDIGEST_CACHE` if set, else `translations.sqlite` in the user's cache directory."""
    env = os.environ.get("MTDIGEST_CACHE")
    return Path(env) if env else Path(platformdirs.user_cache_dir("mtdigest")) / "translations.sqlite"


def cache_key(model: dict[str, Any], options: dict[str, Any], language: str, text: str) -> str:
    """Stable key over everything that changes the output of a sentence."""
    fields = [model["alias"], model["revision"], options, language, text]
    if model.get("target_token"):  # the target-language token steers the output as much as the text does
        fields.append(model["target_token"])
    material = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheStats:
    path: Path
    entries: int
    bytes: int
    models: dict[str, int]


class TranslationCache:
    """A process-safe key → (english, flags) store."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection may be used from another thread than the one that opened it (Ray calls actors
        # from its own threads); calls never overlap, and SQLite itself is serialized.
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def get_many(self, keys: Iterable[str]) -> dict[str, tuple[str, list[dict[str, str]]]]:
        found: dict[str, tuple[str, list[dict[str, str]]]] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start: start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key, english, flags FROM translations WHERE key IN ({marks})", chunk)
            found.update({key: (english, json.loads(flags)) for key, english, flags in rows})
        return found

    def put_many(self, model: str, items: Iterable[tuple[str, str, list[dict[str, str]]]]) -> None:
        now = time.time()
        rows = [(key, model, english, json.dumps(flags, ensure_ascii=False), now) for key, english, flags in items]
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT OR REPLACE INTO translations (key, model, english, flags, created) VALUES (?, ?, ?, ?, ?)", rows
            )

    def stats(self) -> CacheStats:
        models = dict(self._db.execute("SELECT model, COUNT(*) FROM translations GROUP BY model").fetchall())
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return CacheStats(path=self.path, entries=sum(models.values()), bytes=size, models=models)

    def clear(self) -> int:
        """Delete every entry; returns how many there were."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            count = self._db.execute("DELETE FROM translations").rowcount
        self._db.execute("VACUUM")
        return count

    def close(self) -> None:
        self._db.close()
