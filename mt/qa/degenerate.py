"""Detect the known NMT failure modes: repetition loops and runaway length.

`degeneration` is what translation retries on (one reason or None); `repetition` is the
per-pair check. Length outliers for the QA flags are judged in `mt.qa.length`.
"""

from __future__ import annotations

# A word or n-gram (n ≤ 4) repeated this many times in a row is a loop, not style.
MAX_REPEATS = 4
# English words per source word beyond which output is runaway (Persian/Arabic → English
# is around 1.0–1.5 words per word in news text).
MAX_LENGTH_RATIO = 3.0
MIN_WORDS_FOR_RATIO = 8
# A long output made of few distinct words is a loop even when the repeats are not adjacent.
MIN_WORDS_FOR_VARIETY = 24
MIN_DISTINCT_SHARE = 0.3


def degeneration(source: str, english: str) -> str | None:
    """A short reason when the English looks degenerate, else None."""
    words = english.split()
    reason = _adjacent_repeats(words)
    if reason:
        return reason
    source_words = max(len(source.split()), 1)
    if len(words) >= MIN_WORDS_FOR_RATIO and len(words) / source_words > MAX_LENGTH_RATIO:
        return f"{len(words)} English words for {source_words} source words"
    return None


def repetition(english: str) -> str | None:
    """A short reason when the English loops (adjacent repeats, or few distinct words), else None."""
    folded = [w.lower().strip(".,;:!?\"'()") for w in english.split()]
    reason = _adjacent_repeats(folded)
    if reason:
        return reason
    if len(folded) >= MIN_WORDS_FOR_VARIETY and len(set(folded)) / len(folded) < MIN_DISTINCT_SHARE:
        return f"only {len(set(folded))} distinct words in {len(folded)}"
    return None


def _adjacent_repeats(words: list[str]) -> str | None:
    for n in range(1, 5):
        run, at = _longest_run(words, n)
        if run >= MAX_REPEATS:
            return f"{' '.join(words[at: at + n])!r} repeated {run}×"
    return None


def _longest_run(words: list[str], n: int) -> tuple[int, int]:
    """Longest run of one n-gram repeated back to back, and the word index where it starts."""
    best, best_at = 1, 0
    for i in range(len(words) - n + 1):
        run = 1
        while words[i + run * n: i + (run + 1) * n] == words[i: i + n]:
            run += 1
        if run > best:
            best, best_at = run, i
    return best, best_at
