"""How many sentences a summary has: `--sentences N`, `--ratio R`, or the news default."""

from __future__ import annotations

import math

DEFAULT_SENTENCES = 4  # news: 3–5 sentences; shorter articles get fewer (about a third of them)


def target_sentences(available: int, sentences: int | None = None, ratio: float | None = None) -> int:
    """Summary length in sentences for an article of `available` sentences (never more than it has)."""
    if sentences is not None and ratio is not None:
        raise ValueError("give either sentences or ratio, not both")
    if available <= 0:
        return 0
    if sentences is not None:
        if sentences < 1:
            raise ValueError(f"sentences must be at least 1, got {sentences}")
        return min(sentences, available)
    if ratio is not None:
        if not 0 < ratio <= 1:
            raise ValueError(f"ratio must be in (0, 1], got {ratio}")
        return max(1, min(available, round(available * ratio)))
    return max(1, min(DEFAULT_SENTENCES, math.ceil(available / 3)))
