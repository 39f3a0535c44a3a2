"""Load a translation engine for a lock entry, once per process (see `seq2seq.backends`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from modelstore.lock import ModelEntry
from seq2seq.backends import LazyModel, resolve_engine
from mt.engine import TranslationEngine


def load_translator(
    entry: ModelEntry,
    engine: str = "auto",
    device: str = "auto",
    precision: str = "auto",
    home: Path | None = None,
) -> TranslationEngine:
    """Load a translation model once; ModelMissing (with instructions) when it is absent, IntegrityError
    when its files no longer match the lock."""
    source, converted = resolve_engine(entry, engine, home)
    if converted is not None:
        from mt.engine_ctranslate2 import CTranslate2Engine

        return CTranslate2Engine(entry, source, converted, device=device, compute_type=precision)
    from mt.engine_transformers import TransformersEngine

    return TransformersEngine(entry, source, device=device, precision=precision)


class LazyTranslator(LazyModel):
    """A translator loaded on first use: a job whose every sentence is cached never loads the model, nor
    needs its files. Until loaded it describes itself as engine "cache" (nothing ran)."""

    @property
    def engine_name(self) -> str:
        return self.loaded.engine_name if self.is_loaded else "cache"

    @property
    def precision(self) -> str | None:
        return self.loaded.precision if self.is_loaded else None

    @property
    def vocabulary_map(self) -> str | None:
        return self.loaded.vocabulary_map if self.is_loaded else None

    def describe(self) -> dict[str, Any]:
        if self.is_loaded:
            return self.loaded.describe()
        return {**self.entry.describe(), "engine": "cache", "device": None, "precision": None}
