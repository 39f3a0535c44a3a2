"""What translators and summarizers share: a pinned seq2seq model, its tokenizer, and the two back ends.

A model is resolved once (lock → local directory → engine); CTranslate2 is used
whenever `models convert` made a copy, plain transformers otherwise. Devices and
precisions are chosen here for both kinds of model. Files are checked against the
lock when a model is opened; the weights are read on first use, so a job served
entirely from the translation cache never spends the seconds (and GBs) loading them.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from modelstore.integrity import conversion_record
from modelstore.lock import ModelEntry
from modelstore.store import converted_dir, resolve_model
from modelstore.verify import check_before_load
from modelstore.vmap import vmap_id
from core.errors import IntegrityError, ModelMissing

if TYPE_CHECKING:
    from seq2seq.tokenizer import Tokenizer


@functools.cache
def quiet_transformers() -> None:
    """Library code never prints: transformers' progress bars off, and its messages to Python logging instead
    of its own terminal handler (the CLI writes them to its log file, `--verbose` shows them; a NullHandler keeps
    Python's last-resort handler from printing them for a library user who configured no logging). Called on
    the first model load: importing this module costs no transformers/torch import (about 2 s)."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.disable_default_handler()
    transformers_logging.enable_propagation()
    transformers_logging.set_verbosity_warning()
    logging.getLogger("transformers").addHandler(logging.NullHandler())

_TARGET_LANGUAGE_TOKEN = re.compile(r">>[^<>\s]+<<")
T = TypeVar("T")
R = TypeVar("R")
ENGINES = ("auto", "ctranslate2", "transformers")
TRANSFORMERS_PRECISIONS = ("fp32", "bf16", "fp16")
# Preferred converted copies, fastest first; CTranslate2 runs any of them on CPU or CUDA.
QUANTIZATIONS = ("int8", "int8_float16", "int8_bfloat16", "float16", "bfloat16", "float32")


class Seq2SeqModel:
    """A pinned model loaded once, with the facts every output records about it."""

    engine_name: str = ""
    # `<rule>:<hash>` of the target-vocabulary map decoding into English is restricted to (`modelstore.vmap`);
    # None: the whole vocabulary.
    vocabulary_map: str | None = None

    def __init__(self, entry: ModelEntry, model_dir: Path, device: str, precision: str) -> None:
        self.entry = entry
        self.model_dir = model_dir
        self.device = device
        self.precision = precision
        self.config = read_config(model_dir)

    @functools.cached_property
    def tokenizer(self) -> Tokenizer:
        """Read on first use, like the weights: a job whose sentences and summaries all come from the cache reads
        no tokenizer; Marian and BART tokenizers are read without transformers (`seq2seq.tokenizer`)."""
        from seq2seq.tokenizer import load_tokenizer

        return load_tokenizer(self.model_dir)

    @functools.cached_property
    def special_ids(self) -> frozenset[int]:
        """Start, end, pad and language-code ids: filtered out of every generated row."""
        return frozenset(self.tokenizer.all_special_ids)

    @functools.cached_property
    def rows(self) -> int:
        """Rows of the embedding table; a pulled tokenizer may know more tokens (distilbart: 50265 vs 50264 rows)."""
        return int(self.config.get("vocab_size") or len(self.tokenizer))

    @functools.cached_property
    def control_ids(self) -> frozenset[int]:
        """Ids that steer a model (start, end, padding, mask, language codes, Marian `>>eng<<` tokens): only the
        model's own template may place them, never the text."""
        return self.special_ids | {
            i for token, i in self.tokenizer.get_vocab().items() if _TARGET_LANGUAGE_TOKEN.fullmatch(token)}

    def encode(self, texts: list[str]) -> list[list[int]]:
        """Token ids of plain text as the encoder sees them, inside the model's own start/end template.

        Text stays text: `</s>`, `<mask>` or a language code written in an article are split into ordinary
        pieces, never read as control tokens (whatever still maps to one, or past the embedding table, becomes
        `<unk>`), so no article can end its input early, switch the target language or crash the model.
        """
        # The template the tokenizer adds now (NLLB: the current `src_lang` code, then `</s>`).
        prefix, suffix = self.tokenizer.template()
        return [prefix + row + suffix for row in self.text_ids(texts)]

    def text_ids(self, texts: list[str], target: bool = False) -> list[list[int]]:
        """Ids of plain text (source side, or the decoder's with `target`): control tokens and ids past the
        embedding table become `<unk>`."""
        unk = self.tokenizer.unk_token_id
        rows = self.tokenizer.encode_text(texts, target=target)
        return [[unk if i in self.control_ids or i >= self.rows else i for i in row] for row in rows]

    def describe(self) -> dict[str, Any]:
        """Alias, repo, revision, engine, device and precision: recorded beside every output."""
        return {**self.entry.describe(), "engine": self.engine_name, "device": self.device, "precision": self.precision}


def read_config(model_dir: Path) -> dict[str, Any]:
    """The model's config.json as a dict ({} when unreadable: the model load reports that better)."""
    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return config if isinstance(config, dict) else {}


def find_converted(entry: ModelEntry, home: Path | None = None) -> Path | None:
    """The converted CTranslate2 copy of this exact revision, if `models convert` made one."""
    for quantization in QUANTIZATIONS:
        path = converted_dir(entry, quantization, home)
        if (path / "model.bin").is_file():
            return path
    return None


def resolve_engine(entry: ModelEntry, engine: str, home: Path | None = None) -> tuple[Path, Path | None]:
    """(source directory, CTranslate2 copy to run or None for transformers).

    ModelMissing says what to do when the model is absent; IntegrityError when its files no longer match
    the lock (a stat per file while the verified marker holds, a re-hash of what changed otherwise).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine '{engine}' (expected one of {', '.join(ENGINES)})")
    source = resolve_model(entry, home)
    check_before_load(entry, source)
    converted = find_converted(entry, home)
    if engine == "ctranslate2" and converted is None:
        raise ModelMissing(
            f"model '{entry.alias}' has no CTranslate2 copy yet: run `mtdigest models convert {entry.alias}` "
            f"(or use --engine transformers)"
        )
    return source, (converted if engine in ("auto", "ctranslate2") else None)


def ctranslate2_placement(device: str = "auto", compute_type: str = "auto") -> tuple[str, str]:
    """(device, compute type) for CTranslate2: int8 on CPU (≈20× plain transformers on 2 cores), int8_float16 on CUDA."""
    import ctranslate2

    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if compute_type == "auto":
        compute_type = "int8_float16" if device == "cuda" else "int8"
    return device, compute_type


def open_ctranslate2(
    path: Path, device: str = "auto", compute_type: str = "auto", threads: int = 0
) -> tuple[Any, str, str]:
    """(ctranslate2.Translator, device, compute type); threads default to the cores this process may use
    (CTranslate2's own default is 4)."""
    import ctranslate2

    device, compute_type = ctranslate2_placement(device, compute_type)
    # CTranslate2 logs from C++ straight to stderr: only errors, unless the CLI's --verbose asked for more.
    ctranslate2.set_log_level(logging.WARNING if logging.getLogger().isEnabledFor(logging.INFO) else logging.ERROR)
    translator = ctranslate2.Translator(str(path), device=device, compute_type=compute_type,
                                        intra_threads=threads or len(os.sched_getaffinity(0)))
    return translator, device, compute_type


def transformers_placement(device: str = "auto", precision: str = "auto") -> tuple[str, str]:
    """(device, precision) for PyTorch: CUDA when present; bf16 where the hardware runs it (≈2.5× fp32 on a
    2-core CPU), fp16 on GPUs without bf16."""
    import torch

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if precision == "auto":
        precision = "fp16" if device.startswith("cuda") and not torch.cuda.is_bf16_supported() else "bf16"
    return device, precision


def open_transformers(model_dir: Path, device: str = "auto", precision: str = "auto") -> tuple[Any, str, str]:
    """(model in eval mode, device, precision), placed by `transformers_placement`."""
    import torch
    from transformers import AutoModelForSeq2SeqLM

    quiet_transformers()
    device, precision = transformers_placement(device, precision)
    dtype = dict(zip(TRANSFORMERS_PRECISIONS, (torch.float32, torch.bfloat16, torch.float16)))[precision]
    # safetensors, or a pickled `pytorch_model.bin` (what most pinned models ship) read with torch's
    # weights-only unpickler: no code in a weights file ever runs. Never `trust_remote_code`.
    try:
        model = AutoModelForSeq2SeqLM.from_pretrained(str(model_dir), dtype=dtype, weights_only=True,
                                                      trust_remote_code=False)
    except pickle.UnpicklingError as exc:  # the weights-only unpickler met something besides tensors
        raise IntegrityError(
            f"{model_dir}: the pickled weights (pytorch_model.bin) hold objects that are not plain tensors "
            f"(possibly code); not loading them. Pull the model again from its pinned revision "
            f"(`mtdigest models pull`) ({exc.__class__.__name__})"
        ) from None
    model = model.to(device).eval()
    return model, device, precision


def halving_on_oom(run: Callable[[list[T]], list[R]], items: list[T],
                   on_halve: Callable[[], None] | None = None) -> list[R]:
    """`run(items)`; if it runs out of memory, halve the batch and retry each half (down to one item)
    rather than fail the run. Outputs keep the order of `items`."""
    try:
        return run(items)
    except (MemoryError, RuntimeError) as exc:
        if len(items) == 1 or not is_out_of_memory(exc):
            raise
    if on_halve:
        on_halve()
    middle = len(items) // 2
    return halving_on_oom(run, items[:middle], on_halve) + halving_on_oom(run, items[middle:], on_halve)


def is_out_of_memory(exc: BaseException) -> bool:
    """Host or device out-of-memory, as torch, CUDA or CTranslate2 report it."""
    if isinstance(exc, MemoryError):
        return True
    if isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower():
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        return True
    return False


class CTranslate2Model(Seq2SeqModel):
    """A model run by CTranslate2 from its converted copy (the tokenizer comes from the source directory)."""

    engine_name = "ctranslate2"

    def __init__(
        self,
        entry: ModelEntry,
        model_dir: Path,
        converted_dir: Path,
        device: str = "auto",
        compute_type: str = "auto",
        threads: int = 0,
    ) -> None:
        super().__init__(entry, model_dir, *ctranslate2_placement(device, compute_type))
        self.converted_dir, self.threads = converted_dir, threads
        self.vocabulary_map = vmap_id(converted_dir, conversion_record(entry, converted_dir))

    @functools.cached_property
    def translator(self) -> Any:
        """The weights, read on first use: a job whose sentences are all cached never loads them."""
        return open_ctranslate2(self.converted_dir, self.device, self.precision, self.threads)[0]


class TransformersModel(Seq2SeqModel):
    """A model run by PyTorch transformers `generate`."""

    engine_name = "transformers"

    def __init__(self, entry: ModelEntry, model_dir: Path, device: str = "auto", precision: str = "auto") -> None:
        super().__init__(entry, model_dir, *transformers_placement(device, precision))

    @functools.cached_property
    def model(self) -> Any:
        """The weights, read on first use: a job whose sentences are all cached never loads them."""
        return open_transformers(self.model_dir, self.device, self.precision)[0]

    def padded(self, ids: list[list[int]]) -> tuple[Any, Any]:
        """(input ids, attention mask) tensors for a batch of token id lists, right-padded."""
        import torch

        pad = self.tokenizer.pad_token_id
        width = max(len(row) for row in ids)
        input_ids = torch.tensor([row + [pad] * (width - len(row)) for row in ids], device=self.device)
        attention = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in ids], device=self.device)
        return input_ids, attention


class LazyModel:
    """A model loaded on first use: its lock `entry` is known at once (all a cache lookup needs), the
    tokenizer and weights only when the cache lacks something; other attributes are the loaded model's."""

    def __init__(self, entry: ModelEntry, load: Callable[[], Any]) -> None:
        self.entry = entry
        self._load = load

    @functools.cached_property
    def loaded(self) -> Any:
        return self._load()

    @property
    def is_loaded(self) -> bool:
        return "loaded" in self.__dict__

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loaded, name)
