"""Translation with CTranslate2 (a converted copy of the pinned model): int8 on CPU, int8_float16 on CUDA."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seq2seq.backends import CTranslate2Model
from mt.engine import DecodingOptions, Scored, TranslationEngine, output_budget


# Tokens scored per CTranslate2 batch: the logits over the vocabulary of every target position of a batch are
# held at once (NLLB: 256k pieces a position), so scoring runs in smaller batches than translation.
SCORE_BATCH_TOKENS = 512


class CTranslate2Engine(CTranslate2Model, TranslationEngine):
    # Vocabularies this large decode English through the map `models convert` writes: there the output projection
    # dominates, and the map makes greedy decoding 1.3-1.4x faster (NLLB-200's 256k pieces) even with the separate
    # confidence pass it then needs. Smaller ones (the OPUS-MT defaults, 61-62k) gain less from a map than
    # that pass costs, so they decode in full and greedy decoding yields the confidence itself (bench/README.md).
    MAP_MIN_VOCABULARY = 100_000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if int(self.config.get("vocab_size") or 0) < self.MAP_MIN_VOCABULARY:
            self.vocabulary_map = None

    def generate_ids(self, ids: list[list[int]], options: DecodingOptions, target: str = "en",
                     callback: Callable[[Any], bool] | None = None) -> list[list[int]]:
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
            return_scores=callback is not None,
            callback=callback,
        )
        return [self.content_ids(self.tokenizer.convert_tokens_to_ids(r.hypotheses[0])) for r in results]

    def translate_scored(self, source_ids: list[list[int]], options: DecodingOptions, target: str = "en") -> list[Scored]:
        """Greedy decoding over the whole vocabulary with no penalty scores its own output: the log-probability
        CTranslate2 reports at each step is the plain model's, what forced decoding would give (tests check within
        1e-3), so no second pass runs. A beam, a penalty or the vocabulary map changes the distribution the search
        sees: those outputs are scored by forced decoding."""
        plain = options.beam_size == 1 and options.repetition_penalty == 1.0 and options.no_repeat_ngram_size == 0
        if not plain or (self.vocabulary_map is not None and target == "en"):
            return super().translate_scored(source_ids, options, target)
        steps: list[list[tuple[int, float]]] = [[] for _ in source_ids]

        def collect(step: Any) -> bool:
            steps[step.batch_id].append((step.token_id, step.log_prob))
            return False

        outputs = self.generate_ids(source_ids, options, target, callback=collect)
        content = [[p for token, p in row if token not in self.special_ids] for row in steps]
        if any(len(p) != len(ids) for p, ids in zip(content, outputs)):  # steps not one per output token
            scores = self.score_ids(source_ids, outputs, target)
        else:
            scores = [(float(sum(p)), len(p)) for p in content]
        return [Scored(self.decode(ids), logprob, tokens) for ids, (logprob, tokens) in zip(outputs, scores)]

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
