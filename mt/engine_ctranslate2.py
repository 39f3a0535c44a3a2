"""Translation with CTranslate2 (a converted copy of the pinned model): int8 on CPU, int8_float16 on CUDA."""

from __future__ import annotations

from mt.backends import CTranslate2Model
from mt.engine import DecodingOptions, TranslationEngine, output_budget


# Tokens scored per CTranslate2 batch: the logits over the vocabulary of every target position of a batch are
# held at once (NLLB: 256k pieces a position), so scoring runs in smaller batches than translation.
SCORE_BATCH_TOKENS = 512


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

    def score_ids(self, ids: list[list[int]], targets: list[list[int]], target: str = "en") -> list[tuple[float, int]]:
        code = self.target_code(target)
        prefix = [] if code is None else [code]
        scored = [n for n, row in enumerate(targets) if row]
        results = self.translator.score_batch(
            [self.tokenizer.convert_ids_to_tokens(ids[n]) for n in scored],
            [prefix + self.tokenizer.convert_ids_to_tokens(targets[n]) for n in scored],
            max_input_length=0,
            max_batch_size=SCORE_BATCH_TOKENS,
            batch_type="tokens",
        ) if scored else []
        scores = [(0.0, 0)] * len(targets)
        for n, result in zip(scored, results):  # one log-prob per target token, then the end token's
            content = result.log_probs[len(prefix):len(prefix) + len(targets[n])]
            scores[n] = (float(sum(content)), len(content))
        return scores
