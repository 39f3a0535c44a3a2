"""Detect the known NMT failure modes: repetition loops and runaway length."""

from __future__ import annotations

# A word or n-gram (n ≤ 4) repeated this many times in a row is a loop, not style.
MAX_REPEATS = 4
# English words per source word beyond which output is runaway (Persian/Arabic → English
# is around 1.0–1.5 words per word in news text).
MAX_LENGTH_RATIO = 3.0
MIN_WORDS_FOR_RATIO = 8


def degeneration(source: str, english: str) -> str | None:
    """A short reason when the English looks degenerate, else None."""
    words = english.split()
    for n in range(1, 5):
        run, at = _longest_run(words, n)
        if run >= MAX_REPEATS:
            return f"{' '.join(words[at: at + n])!r} repeated {run}×"
    source_words = max(len(source.split()), 1)
    if len(words) >= MIN_WORDS_FOR_RATIO and len(words) / source_words > MAX_LENGTH_RATIO:
        return f"{len(words)} English words for {source_words} source words"
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
