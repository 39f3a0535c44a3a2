"""Translation with PyTorch transformers `generate` (NLLB/M2M100 and Marian), CPU or CUDA."""

from __future__ import annotations

import torch

from mt.backends import TransformersModel
from mt.engine import DecodingOptions, TranslationEngine, output_budget


class TransformersEngine(TransformersModel, TranslationEngine):
    def generate_ids(self, ids: list[list[int]], options: DecodingOptions, target: str = "en") -> list[list[int]]:
        input_ids, attention = self.padded(ids)
        target_code = self.target_code(target)
        extra: dict[str, object] = {}
        if target_code is not None:
            extra["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(target_code)
        if options.beam_size > 1:
            extra["early_stopping"] = True
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids,
                attention_mask=attention,
                num_beams=options.beam_size,
                do_sample=False,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                repetition_penalty=options.repetition_penalty,
                length_penalty=options.length_penalty,
                max_new_tokens=output_budget(input_ids.shape[1]),
                max_length=None,
                **extra,
            )
        return [self.content_ids(row.tolist()) for row in output]
