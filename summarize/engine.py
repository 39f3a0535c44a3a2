"""The abstractive summarizer: one BART-family model loaded once, `summarize_texts` as its verb.

Two back ends share this interface, as the translation engines do: PyTorch
transformers, and CTranslate2 when `mtdigest models convert` has made a copy
(chosen by `load_summarizer` exactly like `mt.loading.load_translator`, through `seq2seq.backends`).
Inputs must fit the model's window; `summarize.chunking` makes sure they do.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from modelstore.ensure import EXTRACTIVE_HINT
from modelstore.lock import ModelEntry
from seq2seq.backends import LazyModel, Seq2SeqModel, halving_on_oom, resolve_engine
from core.errors import ModelMissing

DEFAULT_WINDOW = 1024


@dataclass(frozen=True)
class SummaryOptions:
    """Decoding and length settings of abstractive summaries (recorded in every output's signature).

    The final summary may use `tokens_per_sentence` tokens per requested sentence (at least
    `min_tokens_per_sentence`); each chunk of a long article is summarized in at most
    `chunk_summary_tokens` (capped at a quarter of the window so map-reduce always shrinks).
    Defaults follow distilbart-cnn's own (no-repeat 3, length penalty 2, 56–142 tokens at 4 sentences) except the
    beam: 2, not its config's 4, which its author found enough for distilbart-cnn-12-6 on CNN/DailyMail without
    hurting ROUGE-2 ("Num_beams: Faster Summarization without Distillation", discuss.huggingface.co/t/2009);
    beam 4 costs more here for nothing published (bench/README.md, issue 23).
    """

    beam_size: int = 2
    no_repeat_ngram_size: int = 3
    length_penalty: float = 2.0
    tokens_per_sentence: int = 32
    min_tokens_per_sentence: int = 14
    chunk_summary_tokens: int = 142
    batch_size: int = 4

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Limits:
    """Output length bounds (content tokens) of one generation call."""

    min_tokens: int
    max_tokens: int


class Summarizer(Seq2SeqModel, ABC):
    """One loaded summarization model; `summarize_texts` maps English texts (within the window) to summaries."""

    def __init__(self, entry: ModelEntry, model_dir: Path, device: str, precision: str) -> None:
        super().__init__(entry, model_dir, device, precision)
        self.window = int(self.config.get("max_position_embeddings") or DEFAULT_WINDOW)

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids as the encoder sees them (start and end tokens included; see `Seq2SeqModel.encode`)."""
        return self.encode(texts)

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in self.token_ids(texts)] if texts else []

    def decode(self, ids: list[int]) -> str:
        content = [i for i in ids if i not in self.special_ids]
        return self.tokenizer.decode(content, skip_special_tokens=True, clean_up_tokenization_spaces=True).strip()

    def summarize_texts(self, texts: list[str], limits: Limits, options: SummaryOptions) -> list[str]:
        """One summary per text; a text longer than the window is an error (chunk it first)."""
        ids = self.token_ids(texts)
        too_long = [len(row) for row in ids if len(row) > self.window]
        if too_long:
            raise ValueError(f"input of {max(too_long)} tokens exceeds the {self.window}-token window; chunk it first")
        out: list[str] = []
        step = max(1, options.batch_size)
        for start in range(0, len(ids), step):
            batch = ids[start:start + step]
            out.extend(self.decode(row) for row in halving_on_oom(
                lambda rows: self.generate_ids(rows, limits, options), batch))
        return out

    @abstractmethod
    def generate_ids(self, ids: list[list[int]], limits: Limits, options: SummaryOptions) -> list[list[int]]:
        """Generated ids for a batch of tokenized inputs."""


class LazySummarizer(LazyModel):
    """A summarizer loaded on first use: its lock `entry` is known at once (enough for the summary cache),
    the model (tokenizer and weights) only when a summary is not in the cache."""


def load_summarizer(
    entry: ModelEntry,
    engine: str = "auto",
    device: str = "auto",
    precision: str = "auto",
    home: Path | None = None,
) -> Summarizer:
    """Load a summarization model once; CTranslate2 when a converted copy exists (engine="auto").

    Raises ModelMissing saying how to get the model, and that `--method extractive` needs none;
    IntegrityError when its files no longer match the lock (see `modelstore.verify.check_before_load`).
    """
    if entry.role != "summarize":
        raise ValueError(f"model '{entry.alias}' is a {entry.role} model, not a summarizer")
    try:
        source, converted = resolve_engine(entry, engine, home)
    except ModelMissing as missing:
        raise ModelMissing(f"{missing} {EXTRACTIVE_HINT}") from None
    if converted is not None:
        from summarize.engine_ctranslate2 import CTranslate2Summarizer

        return CTranslate2Summarizer(entry, source, converted, device=device, compute_type=precision)
    from summarize.engine_transformers import TransformersSummarizer

    return TransformersSummarizer(entry, source, device=device, precision=precision)
