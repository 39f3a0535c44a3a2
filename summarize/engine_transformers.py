"""Summarization with PyTorch transformers `generate` (BART family), CPU or CUDA."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import torch
from transformers import AutoModelForSeq2SeqLM
from transformers.utils import logging as hf_logging

from modelstore.lock import ModelEntry
from mt.engine_transformers import DTYPES, pick_device, pick_precision
from summarize.engine import Limits, Summarizer, SummaryOptions


@contextlib.contextmanager
def _no_progress_bars() -> Iterator[None]:
    """Library code does not draw on the terminal: transformers' weight-loading bar is turned off."""
    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


class TransformersSummarizer(Summarizer):
    engine_name = "transformers"

    def __init__(self, entry: ModelEntry, model_dir: Path, device: str = "auto", precision: str = "auto") -> None:
        device = pick_device(device)
        precision = pick_precision(device, precision)
        super().__init__(entry, model_dir, device, precision)
        with _no_progress_bars():
            model = AutoModelForSeq2SeqLM.from_pretrained(str(model_dir), dtype=DTYPES[precision])
        self.model = model.to(device).eval()

    def generate_ids(self, ids: list[list[int]], limits: Limits, options: SummaryOptions) -> list[list[int]]:
        pad = self.tokenizer.pad_token_id
        width = max(len(row) for row in ids)
        input_ids = torch.tensor([row + [pad] * (width - len(row)) for row in ids], device=self.device)
        attention = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in ids], device=self.device)
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids,
                attention_mask=attention,
                num_beams=options.beam_size,
                do_sample=False,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                length_penalty=options.length_penalty,
                early_stopping=True,
                # The model's own min_length/max_length (e.g. 56/142) would override ours.
                min_length=0,
                max_length=None,
                min_new_tokens=limits.min_tokens,
                max_new_tokens=limits.max_tokens,
            )
        return [row.tolist() for row in output]
