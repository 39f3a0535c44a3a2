"""How likely a loaded model finds given translations (forced decoding), in token-budget batches.

`TranslationEngine.score_ids` scores one batch of token ids; someone else's English (`mtdigest compare`,
`mtdigest score`) goes through `ForcedScorer`, which tokenizes it as the decoder writes it (`encode_target`),
sizes batches as translation does, halves one that runs out of memory, and signs its scores with the model
that gave them.
"""

from __future__ import annotations

from seq2seq.backends import halving_on_oom
from mt.batching import batches_by_tokens
from mt.engine import Scored, TranslationEngine

# Pairs longer than this many tokens on either side are not scored (their score is None): past the position
# limit of most Marian models (512), and far past the 160-token pieces translation itself feeds a model.
MAX_SCORED_TOKENS = 512


class ForcedScorer:
    """Scores (source, translation) pairs of one source language with one loaded engine."""

    def __init__(self, engine: TranslationEngine, language: str, max_batch_tokens: int = 4096) -> None:
        self.engine, self.language, self.max_batch_tokens = engine, language, max_batch_tokens

    @property
    def signature(self) -> str:
        """The model that gave the scores: alias@revision, engine, precision, and how (forced decoding)."""
        entry = self.engine.entry
        return f"{entry.alias}@{entry.revision[:12]}|engine:{self.engine.engine_name}|{self.engine.precision}|forced"

    def __call__(self, sources: list[str], translations: list[str]) -> list[Scored]:
        """The model's log-probability of each translation given its source (0 tokens: not scored)."""
        if not sources:
            return []
        source_ids = self.engine.source_tokens(sources, self.language)
        target_ids = self.engine.encode_target(translations)
        scores = [(0.0, 0)] * len(sources)
        fits = [n for n in range(len(sources))
                if len(source_ids[n]) <= MAX_SCORED_TOKENS and len(target_ids[n]) <= MAX_SCORED_TOKENS]
        lengths = [max(len(source_ids[n]), len(target_ids[n])) for n in fits]

        def run(rows: list[int]) -> list[tuple[float, int]]:
            return self.engine.score_ids([source_ids[n] for n in rows], [target_ids[n] for n in rows])

        for batch in batches_by_tokens(lengths, self.max_batch_tokens):
            rows = [fits[k] for k in batch]
            for n, score in zip(rows, halving_on_oom(run, rows)):
                scores[n] = score
        return [Scored(text, logprob, tokens) for text, (logprob, tokens) in zip(translations, scores)]
