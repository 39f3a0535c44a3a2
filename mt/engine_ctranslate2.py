"""Translation with CTranslate2 (a converted copy of the pinned model): int8 on CPU, int8_float16 on CUDA."""

from __future__ import annotations

from mt.backends import CTranslate2Model
from mt.engine import DecodingOptions, TranslationEngine, output_budget


class CTranslate2Engine(CTranslate2Model, TranslationEngine):
    def generate_ids(self, ids: list[list[int]], options: DecodingOptions, target: str = "en") -> list[list[int]]:
        source = [self.tokenizer.convert_ids_to_tokens(row) for row in ids]
        target_code = self.target_code(target)
        prefix = None if target_code is None else [[target_code] for _ in source]
        results = self.translator.translate_batch(
            source,
            target_prefix=prefix,
            beam_size=options.beam_size,
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            repetition_penalty=options.repetition_penalty,
            length_penalty=options.length_penalty,
            max_input_length=0,
            max_decoding_length=output_budget(max(len(row) for row in ids)),
            # English only: the map holds the pieces English output can use (back-translation decodes in full).
            use_vmap=self.vocabulary_map is not None and target == "en",
        )
        return [self.content_ids(self.tokenizer.convert_tokens_to_ids(r.hypotheses[0])) for r in results]
