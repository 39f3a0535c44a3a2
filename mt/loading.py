"""The one resolver from a lock entry to a loaded engine: lock → local directory → engine.

CTranslate2 is chosen whenever `models convert` has produced a copy, because it is
the fast path on CPU; transformers is the fallback that needs no conversion.
"""

from __future__ import annotations

from pathlib import Path

from transformers.utils import logging as transformers_logging

from modelstore.lock import ModelEntry
from modelstore.store import converted_dir, resolve_model
from mt.engine import TranslationEngine
from mt.errors import ModelMissing

# Library code never prints: keep transformers' own progress bars and advice off the terminal.
transformers_logging.disable_progress_bar()
transformers_logging.set_verbosity_error()

ENGINES = ("auto", "ctranslate2", "transformers")
# Preferred converted copies, fastest first; CTranslate2 runs any of them on CPU or CUDA.
QUANTIZATIONS = ("int8", "int8_float16", "int8_bfloat16", "float16", "bfloat16", "float32")


def find_converted(entry: ModelEntry, home: Path | None = None) -> Path | None:
    """The converted CTranslate2 copy of this exact revision, if `models convert` made one."""
    for quantization in QUANTIZATIONS:
        path = converted_dir(entry, quantization, home)
        if (path / "model.bin").is_file():
            return path
    return None


def load_translator(
    entry: ModelEntry,
    engine: str = "auto",
    device: str = "auto",
    precision: str = "auto",
    home: Path | None = None,
) -> TranslationEngine:
    """Load a translation model once; raises ModelMissing with instructions when it is absent."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine '{engine}' (expected one of {', '.join(ENGINES)})")
    source = resolve_model(entry, home)
    converted = find_converted(entry, home)
    if engine == "ctranslate2" and converted is None:
        raise ModelMissing(
            f"model '{entry.alias}' has no CTranslate2 copy yet: run `mtdigest models convert {entry.alias}` "
            f"(or use --engine transformers)"
        )
    if converted is not None and engine in ("auto", "ctranslate2"):
        from mt.engine_ctranslate2 import CTranslate2Engine

        return CTranslate2Engine(entry, source, converted, device=device, compute_type=precision)
    from mt.engine_transformers import TransformersEngine

    return TransformersEngine(entry, source, device=device, precision=precision)
