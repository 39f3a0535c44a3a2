"""Summarization with CTranslate2 (a converted copy of the pinned BART model): int8 on CPU by default."""

from __future__ import annotations

from pathlib import Path

import ctranslate2

from modelstore.lock import ModelEntry
from mt.engine_ctranslate2 import pick_compute_type
from summarize.engine import Limits, Summarizer, SummaryOptions


class CTranslate2Summarizer(Summarizer):
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
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        compute_type = pick_compute_type(device, compute_type)
        super().__init__(entry, model_dir, device, compute_type)
        self.converted_dir = converted_dir
        self.translator = ctranslate2.Translator(
            str(converted_dir), device=device, compute_type=compute_type, intra_threads=threads
        )

    def generate_ids(self, ids: list[list[int]], limits: Limits, options: SummaryOptions) -> list[list[int]]:
        source = [self.tokenizer.convert_ids_to_tokens(row) for row in ids]
        # BART's forced_bos_token_id: generation starts with <s>, as transformers does.
        bos = self.tokenizer.bos_token
        prefix = [[bos] for _ in source] if bos else None
        results = self.translator.translate_batch(
            source,
            target_prefix=prefix,
            beam_size=options.beam_size,
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            length_penalty=options.length_penalty,
            max_input_length=0,
            min_decoding_length=limits.min_tokens + (1 if prefix else 0),
            max_decoding_length=limits.max_tokens + (1 if prefix else 0),
        )
        return [self.tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]
