"""SQLite cache of sentence translations, so re-rendering a digest or re-running a brief costs no model time.

Keyed by model alias + revision + decoding options + source language + normalized
sentence; the engine is not part of the key (both engines run the same weights), nor its precision or
English vocabulary map (`modelstore.vmap`: CTranslate2 decoding restricted to the pieces English uses), which
change the arithmetic, not the model. A lookup needs only the lock entry: a fully cached job never opens the
model, so it could not know them.
WAL mode lets two `mtdigest` processes share one cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from core.errors import CacheError, MtdigestWarning

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    english TEXT NOT NULL,
    flags TEXT NOT NULL,
    created REAL NOT NULL,
    confidence REAL
)
"""
# Caches written before confidences were kept lack the column; their rows count as misses (retranslated once).
_CONFIDENCE = "ALTER TABLE translations ADD COLUMN confidence REAL"
# `confidence` of an output with no tokens (None in the article), so that NULL can mean "not recorded".
_NO_TOKENS = -1.0
# Abstractive summaries: what the summarizer wrote for an article's English (and the record of the model).
_SUMMARIES = """
CREATE TABLE IF NOT EXISTS summaries (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created REAL NOT NULL
)
"""


Cached = tuple[str, list[dict[str, str]], "float | None"]
"""What the cache holds for one sentence: its English, its flags and the model's confidence in it."""


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


_FIX = "make it writable, point MTDIGEST_CACHE at another file, or run with --no-cache"


class TranslationCache:
    """A process-safe key → (english, flags) store.

    A file that is not a SQLite database (garbage, a truncated copy) is moved aside with a warning and the
    cache starts anew; a cache that cannot be opened or written (a directory, read-only, a full disk) is a
    CacheError naming the file.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_cache_path()
        if self.path.is_dir():
            raise CacheError(f"{self.path}: the translation cache path is a directory; {_FIX}")
        try:
            self._db = self._open()
        except sqlite3.OperationalError as error:
            raise CacheError(f"{self.path}: cannot use the translation cache ({error}); {_FIX}") from None
        except sqlite3.DatabaseError as error:  # not a database at all
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            try:
                os.replace(self.path, aside)
            except OSError as move_error:
                raise CacheError(f"{self.path}: the translation cache is not a readable database ({error}) and "
                                 f"cannot be moved aside ({move_error.strerror}); {_FIX}") from None
            warnings.warn(MtdigestWarning(
                f"{self.path}: the translation cache was not a readable database ({error}); moved it aside to "
                f"{aside.name} and started a new one"))
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CacheError(f"{self.path}: cannot create the cache's directory ({error.strerror}); {_FIX}") from None
        # One connection may be used from another thread than the one that opened it (Ray calls actors
        # from its own threads); calls never overlap, and SQLite itself is serialized.
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            db.execute(_SUMMARIES)
            columns = {row[1] for row in db.execute("PRAGMA table_info(translations)")}
            if "confidence" not in columns:
                with contextlib.suppress(sqlite3.OperationalError):  # another process added it just now
                    db.execute(_CONFIDENCE)
            db.execute("SELECT key, model, english, flags, created, confidence FROM translations LIMIT 1").fetchall()
        except sqlite3.Error:
            db.close()
            raise
        return db

    def get_many(self, keys: Iterable[str]) -> dict[str, Cached]:
        """(english, flags, confidence) of every key found with its confidence recorded."""
        with self._reported("read"):
            return self._get_many(keys)

    def _get_many(self, keys: Iterable[str]) -> dict[str, Cached]:
        found: dict[str, Cached] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start: start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key, english, flags, confidence FROM translations WHERE key IN ({marks}) "
                                    "AND confidence IS NOT NULL", chunk)
            found.update({key: (english, json.loads(flags), None if score == _NO_TOKENS else score)
                          for key, english, flags, score in rows})
        return found

    @contextlib.contextmanager
    def _reported(self, verb: str) -> Iterator[None]:
        """SQLite failures mid-run (a full disk, the file made read-only) as one CacheError line."""
        try:
            yield
        except sqlite3.Error as error:
            raise CacheError(f"{self.path}: cannot {verb} the translation cache ({error}); {_FIX}") from None

    def put_many(self, model: str, items: Iterable[tuple[str, str, list[dict[str, str]], float | None]]) -> None:
        """Store (key, english, flags, confidence) rows of one model."""
        with self._reported("write"):
            self._put_many(model, items)

    def _put_many(self, model: str, items: Iterable[tuple[str, str, list[dict[str, str]], float | None]]) -> None:
        now = time.time()
        rows = [(key, model, english, json.dumps(flags, ensure_ascii=False), now,
                 _NO_TOKENS if score is None else score) for key, english, flags, score in items]
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO translations (key, model, english, flags, created, confidence) "
                                 "VALUES (?, ?, ?, ?, ?, ?)", rows)

    def get_summary(self, key: str) -> dict[str, Any] | None:
        """A cached summary (`put_summary`'s value), or None."""
        with self._reported("read"):
            row = self._db.execute("SELECT value FROM summaries WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put_summary(self, key: str, value: dict[str, Any]) -> None:
        with self._reported("write"), self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("INSERT OR REPLACE INTO summaries (key, value, created) VALUES (?, ?, ?)",
                             (key, json.dumps(value, ensure_ascii=False), time.time()))

    def delete_many(self, keys: Iterable[str]) -> None:
        """Forget these entries (the output of a model found broken)."""
        rows = [(key,) for key in keys]
        with self._reported("write"), self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("DELETE FROM translations WHERE key = ?", rows)

    def stats(self) -> CacheStats:
        with self._reported("read"):
            return self._stats()

    def _stats(self) -> CacheStats:
        models = dict(self._db.execute("SELECT model, COUNT(*) FROM translations GROUP BY model").fetchall())
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return CacheStats(path=self.path, entries=sum(models.values()), bytes=size, models=models)

    def clear(self) -> int:
        """Delete every entry; returns how many there were."""
        with self._reported("clear"):
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                count = self._db.execute("DELETE FROM translations").rowcount
                self._db.execute("DELETE FROM summaries")
            self._db.execute("VACUUM")
        return count

    def close(self) -> None:
        self._db.close()
