"""Load a translation engine for a lock entry, once per process (see `mt.backends`)."""

from __future__ import annotations

from pathlib import Path

from modelstore.lock import ModelEntry
from mt.backends import resolve_engine
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
