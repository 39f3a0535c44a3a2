"""Summarization with CTranslate2 (a converted copy of the pinned BART model): int8 on CPU by default."""

from __future__ import annotations

from seq2seq.backends import CTranslate2Model
from summarize.engine import Limits, Summarizer, SummaryOptions


class CTranslate2Summarizer(CTranslate2Model, Summarizer):
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
