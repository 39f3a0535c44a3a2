"""Convert a pulled translator or summarizer to CTranslate2, stored beside the source model.

Output: `MODEL_DIR/ct2-<quantization>/` (see `store.converted_dir`) with CTranslate2's `model.bin`,
`config.json` and vocabulary, copies of the source's tokenizer files (so the directory is usable on
its own; the product's engines read the tokenizer from the source directory), and
`mtdigest-convert.json` recording source repo, revision, file hashes, quantization and the
ctranslate2/transformers versions. A translator also gets its English target-vocabulary map (`vmap.txt`, see
`modelstore.vmap`; rule and sha256 in the record), which the CTranslate2 engine decodes with. The conversion is built in a temporary sibling directory and
renamed into place, so an interrupted run never leaves a half-written model where engines look.
Re-running is a no-op while that record matches the lock.

Checked with ctranslate2 4.8.5 and transformers 5.23: `TransformersConverter` handles
M2M100 (NLLB), Marian and BART directly; greedy output of the converted float32 models matches
`generate` token for token (BART needs `target_prefix=[["<s>"]]`, its `forced_bos_token_id`).
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import uuid
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from modelstore.integrity import CONVERT_MARKER, conversion_record, is_verified
from modelstore.lock import ModelEntry
from modelstore.store import converted_dir, resolve_model
from modelstore.verify import verify_model
from modelstore.vmap import VMAP_RULE, write_vmap
from core.errors import IntegrityError, MtdigestError

QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")
DEFAULT_QUANTIZATION = "int8"
# Copied beside the converted model; `config.json` is not among them (CTranslate2 writes its own).
TOKENIZER_FILES = (
    "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
    "sentencepiece.bpe.model", "source.spm", "target.spm", "spiece.model", "vocab.json", "merges.txt",
    "generation_config.json",
)


@dataclass
class ConvertResult:
    alias: str
    quantization: str
    directory: Path
    converted: bool  # False: an up-to-date conversion was already there
    unverified: bool = False  # the lock lacks hashes for some source files, so they could not be proven


def convert_model(entry: ModelEntry, quantization: str = DEFAULT_QUANTIZATION, home: Path | None = None,
                  force: bool = False) -> ConvertResult:
    """Convert `entry`'s local copy; refuses a copy that does not match the lock."""
    if quantization not in QUANTIZATIONS:
        raise MtdigestError(f"unknown quantization '{quantization}' (expected one of {', '.join(QUANTIZATIONS)})")
    source = resolve_model(entry, home)
    unverified = False
    if not is_verified(entry, source):
        report = verify_model(entry, home)
        if report.problems:
            details = "; ".join(c.describe() for c in report.problems)
            raise IntegrityError(f"'{entry.alias}' does not match the lock, not converting: {details}")
        unverified = not report.verified
    out = converted_dir(entry, quantization, home)
    wanted = _record(entry, quantization)
    existing = conversion_record(entry, out)
    if not force and existing is not None and _same_source(existing, wanted):
        return ConvertResult(entry.alias, quantization, out, converted=False, unverified=unverified)

    tmp = out.with_name(f"{out.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        _convert(source, tmp, quantization)
        if entry.role == "translate":
            wanted["vocabulary_map"] = write_vmap(tmp, source, _target_controls(entry))
        (tmp / CONVERT_MARKER).write_text(json.dumps(wanted, indent=1, sort_keys=True), encoding="utf-8")
        _swap_into_place(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return ConvertResult(entry.alias, quantization, out, converted=True, unverified=unverified)


# CTranslate2 4.8's BART loader reads attributes that transformers v5's BartConfig no longer
# defines unless config.json carries them; these are BART's real values (config.json still wins).
BART_LEGACY_ATTRIBUTES = {"normalize_before": False, "add_final_layer_norm": False, "normalize_embedding": True}


def supply_bart_attributes() -> None:
    from transformers import BartConfig

    for name, value in BART_LEGACY_ATTRIBUTES.items():
        if not hasattr(BartConfig, name):
            setattr(BartConfig, name, value)


def _convert(source: Path, output: Path, quantization: str) -> None:
    import ctranslate2
    from transformers.utils import logging as hf_logging

    supply_bart_attributes()

    copy = [name for name in TOKENIZER_FILES if (source / name).is_file()]
    converter = ctranslate2.converters.TransformersConverter(str(source), copy_files=copy)
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        converter.convert(str(output), quantization=quantization, force=True)
    except pickle.UnpicklingError as exc:  # torch's weights-only unpickler met something besides tensors
        raise MtdigestError(
            f"{source}: the pickled weights hold objects that are not plain tensors (possibly code); not loading them"
        ) from exc
    except (ValueError, NotImplementedError, AttributeError, KeyError) as exc:
        raise MtdigestError(f"{source}: CTranslate2 cannot convert this model ({exc})") from exc
    finally:
        if bars:
            hf_logging.enable_progress_bar()


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Replace `out` by `tmp`; the old copy is renamed away first and removed only after the swap."""
    old = None
    if out.exists():
        old = out.with_name(f"{out.name}.old-{uuid.uuid4().hex[:8]}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _target_controls(entry: ModelEntry) -> list[str]:
    """The tokens that make a translator write English: NLLB's `eng_Latn`, a multi-target Marian's `>>eng<<`."""
    return [t for t in (entry.language_codes.get("en"), entry.target_token) if t]


def _record(entry: ModelEntry, quantization: str) -> dict[str, Any]:
    return {
        "source_repo": entry.repo,
        "source_revision": entry.revision,
        "source_files": {f.path: f.sha256 for f in entry.files},
        "quantization": quantization,
        "ctranslate2": package_version("ctranslate2"),
        "transformers": package_version("transformers"),
        "vocabulary_map_rule": VMAP_RULE if entry.role == "translate" else None,
    }


def _same_source(existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
    keys = ("source_repo", "source_revision", "source_files", "quantization", "vocabulary_map_rule")
    return all(existing.get(k) == wanted.get(k) for k in keys)
