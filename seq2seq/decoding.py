"""Decoding settings of a seq2seq model call, shared by translation, back-translation and their caches."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any


@dataclass(frozen=True)
class DecodingOptions:
    """Decoding settings; part of the cache key and of every output's signature.

    Greedy by default (issue 23): on 2 cores beam 4 makes an article's translation 2.5-3x slower (bench/README.md,
    `decoding.py`), for a gain no published evaluation of the default translators quantifies; `--beam 4` is how
    their published scores were decoded."""

    beam_size: int = 1
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    length_penalty: float = 1.0

    def stricter(self) -> DecodingOptions:
        """Settings for the one retry of a degenerate output: block repeats hard."""
        return replace(
            self,
            no_repeat_ngram_size=self.no_repeat_ngram_size or 3,
            repetition_penalty=max(self.repetition_penalty, 1.3),
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
