"""Summarization with PyTorch transformers `generate` (BART family), CPU or CUDA."""

from __future__ import annotations

import torch

from seq2seq.backends import TransformersModel
from summarize.engine import Limits, Summarizer, SummaryOptions


class TransformersSummarizer(TransformersModel, Summarizer):
    def generate_ids(self, ids: list[list[int]], limits: Limits, options: SummaryOptions) -> list[list[int]]:
        input_ids, attention = self.padded(ids)
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids,
                attention_mask=attention,
                num_beams=options.beam_size,
                do_sample=False,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                length_penalty=options.length_penalty,
                early_stopping=True,
                # Start with <s> as BART summarizers were trained to (and the CTranslate2 path does); old
                # configs say so only as `force_bos_token_to_be_generated`, which transformers v5 ignores.
                forced_bos_token_id=self.tokenizer.bos_token_id,
                # The model's own min_length/max_length (e.g. 56/142) would override ours.
                min_length=0,
                max_length=None,
                min_new_tokens=limits.min_tokens,
                max_new_tokens=limits.max_tokens,
            )
        return [row.tolist() for row in output]
