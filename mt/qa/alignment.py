"""Sentence alignment of a source text and an English translation from anywhere.

A Gale–Church dynamic program over beads 1–1, 1–2, 2–1, 1–0 and 0–1. Each bead costs

    −log P(bead type) + length cost (Gale–Church δ, `mt.qa.length`, with c re-estimated
    from the document's totals) + anchor penalties (source numbers the English lacks and
    English numbers the source lacks; Latin-script names and glossary terms not carried;
    quotations on one side only) − similarity bonus (when our own translation of each
    source sentence is given: character 3-gram F1 between the English and ours, above
    the document's baseline for unrelated pairs).

Anchors count the same evidence whichever way a stretch is cut, so they only ever pull
sentences toward the English that states the same numbers and names.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ingest.normalize import fold
from mt.glossary import Glossary
from mt.qa.checks import MIN_QUOTE_WORDS, latin_names, quoted_spans
from mt.qa.length import LengthModel, chars, length_model
from mt.qa.numbers import english_numbers, source_numbers, source_number_words

# Bead priors: Gale & Church's (0.0099 for a deletion or an insertion; 0.089 for
# 2–1 or 1–2, shared between the two directions).
PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.0445, (1, 2): 0.0445}
NUMBER_PENALTY = 2.5
NAME_PENALTY = 2.0
QUOTE_PENALTY = 1.0
SIMILARITY_WEIGHT = 12.0
NGRAM = 3


@dataclass(frozen=True)
class Bead:
    """Source sentence indices aligned to English sentence indices (either may be empty)."""

    source: tuple[int, ...]
    english: tuple[int, ...]

    @property
    def kind(self) -> str:
        return f"{len(self.source)}-{len(self.english)}"


@dataclass(frozen=True)
class Alignment:
    beads: list[Bead]
    ratio: float  # English characters per source character, as estimated on this document
    similarity: bool  # whether our own translation took part
    signature: str


def char_ngrams(text: str, n: int = NGRAM) -> Counter[str]:
    """Character n-grams of lower-cased text with whitespace collapsed."""
    text = " ".join(text.lower().split())
    return Counter(text[i: i + n] for i in range(max(len(text) - n + 1, 0)))


def ngram_f1(a: Counter[str], b: Counter[str]) -> float:
    """F1 of shared character n-grams (0 when either side is empty)."""
    total_a, total_b = sum(a.values()), sum(b.values())
    if not total_a or not total_b:
        return 0.0
    overlap = sum((a & b).values())
    return 2 * overlap / (total_a + total_b)


class _Side:
    """What the cost function needs of one source or English sentence, computed once."""

    def __init__(self, chars: int, numbers: list[frozenset[str]], values: frozenset[str], digits: list[str],
                 names: list[str], text: str, quotes: int, grams: Counter[str] | None) -> None:
        self.chars, self.numbers, self.values, self.digits = chars, numbers, values, digits
        self.names, self.text, self.quotes, self.grams = names, text, quotes, grams


def _source_side(text: str, glossary: Glossary | None, ours: str | None) -> _Side:
    mentions = source_numbers(text)
    names = list(dict.fromkeys(latin_names(text)))
    if glossary:
        folded = fold(text)
        names += [t.english for t in glossary.terms if fold(t.source) in folded]
    known = frozenset().union(*(m.values for m in mentions)) | source_number_words(text)
    quotes = sum(1 for q in quoted_spans(text) if len(q.split()) >= MIN_QUOTE_WORDS)
    return _Side(chars(text), [m.values for m in mentions], known, [], [n.lower() for n in names], "", quotes,
                 char_ngrams(ours) if ours is not None else None)


def _english_side(text: str) -> _Side:
    digits, values = english_numbers(text)
    return _Side(chars(text), [], frozenset(values), digits, [], text.lower(), len(quoted_spans(text)),
                 char_ngrams(text))


def align(
    source: Sequence[str],
    english: Sequence[str],
    language: str | None = None,
    ours: Sequence[str] | None = None,
    glossary: Glossary | None = None,
) -> Alignment:
    """Align source sentences to English sentences; `ours` is our translation of each source sentence."""
    n, m = len(source), len(english)
    src = [_source_side(t, glossary, ours[i] if ours else None) for i, t in enumerate(source)]
    eng = [_english_side(t) for t in english]
    prior = length_model(language)
    total_src, total_eng = sum(s.chars for s in src), sum(e.chars for e in eng)
    ratio = min(max(total_eng / total_src, 0.6), 2.5) if total_src and total_eng else prior.ratio
    lengths = LengthModel(ratio, prior.variance)
    use_similarity = bool(ours) and any(s.grams for s in src)
    baseline = _baseline(src, eng) if use_similarity else 0.0

    @lru_cache(maxsize=None)
    def grams(side: str, start: int, stop: int) -> Counter[str]:
        items = src if side == "s" else eng
        total: Counter[str] = Counter()
        for k in range(start, stop):
            total.update(items[k].grams or {})
        return total

    def cost(i0: int, i1: int, j0: int, j1: int) -> float:
        s_items, e_items = src[i0:i1], eng[j0:j1]
        value = -math.log(PRIORS[(i1 - i0, j1 - j0)])
        if s_items and e_items:
            value += lengths.cost(sum(s.chars for s in s_items) + len(s_items) - 1,
                                  sum(e.chars for e in e_items) + len(e_items) - 1)
        e_values = frozenset().union(*(e.values for e in e_items)) if e_items else frozenset()
        s_values = frozenset().union(*(s.values for s in s_items)) if s_items else frozenset()
        missing = sum(1 for s in s_items for mention in s.numbers if not mention & e_values)
        added = sum(1 for e in e_items for d in e.digits if d not in s_values)
        value += NUMBER_PENALTY * (missing + added)
        e_text = " ".join(e.text for e in e_items)
        value += NAME_PENALTY * sum(1 for s in s_items for name in s.names if name not in e_text)
        s_quotes, e_quotes = sum(s.quotes for s in s_items), sum(e.quotes for e in e_items)
        value += QUOTE_PENALTY * max(s_quotes - e_quotes, 0)
        if use_similarity and s_items and e_items:
            value -= SIMILARITY_WEIGHT * (ngram_f1(grams("s", i0, i1), grams("e", j0, j1)) - baseline)
        return value

    beads = _best_path(n, m, cost)
    signature = (f"gale-church|c:{ratio:.2f}|s2:{lengths.variance}|anchors:numbers,names,quotes"
                 f"|sim:{f'char{NGRAM}-f1' if use_similarity else 'none'}")
    return Alignment(beads, ratio, use_similarity, signature)


def _baseline(src: list[_Side], eng: list[_Side]) -> float:
    """Median similarity of unrelated pairs (far off the diagonal): what "no match" scores here."""
    n, m = len(src), len(eng)
    scores = []
    for i in range(n):
        for j in range(0, m, max(1, m // 12)):
            if abs(j - i * m / max(n, 1)) > 3 and src[i].grams:
                scores.append(ngram_f1(src[i].grams, eng[j].grams or Counter()))
    return statistics.median(scores) if scores else 0.2


def _best_path(n: int, m: int, cost: "callable") -> list[Bead]:  # type: ignore[valid-type]
    """The minimum-cost sequence of beads, searched in a band around the length diagonal."""
    width = max(20, 2 * abs(n - m) + 10, (max(n, m) * 3) // 20)
    inf = float("inf")
    best: dict[tuple[int, int], tuple[float, tuple[int, int]]] = {(0, 0): (0.0, (0, 0))}
    for i in range(n + 1):
        centre = round(i * m / n) if n else 0
        for j in range(max(0, centre - width), min(m, centre + width) + 1):
            if i == 0 and j == 0:
                continue
            choice = (inf, (0, 0))
            for di, dj in PRIORS:
                if di > i or dj > j or (i - di, j - dj) not in best:
                    continue
                total = best[(i - di, j - dj)][0] + cost(i - di, i, j - dj, j)
                if total < choice[0]:
                    choice = (total, (di, dj))
            if choice[0] < inf:
                best[(i, j)] = choice
    if (n, m) not in best:  # the band missed the corner (very uneven texts): search everything
        return _best_path_full(n, m, cost)
    return _trace(best, n, m)


def _best_path_full(n: int, m: int, cost: "callable") -> list[Bead]:  # type: ignore[valid-type]
    best: dict[tuple[int, int], tuple[float, tuple[int, int]]] = {(0, 0): (0.0, (0, 0))}
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            options = [(best[(i - di, j - dj)][0] + cost(i - di, i, j - dj, j), (di, dj))
                       for di, dj in PRIORS if di <= i and dj <= j]
            best[(i, j)] = min(options)
    return _trace(best, n, m)


def _trace(best: dict[tuple[int, int], tuple[float, tuple[int, int]]], n: int, m: int) -> list[Bead]:
    beads = []
    i, j = n, m
    while (i, j) != (0, 0):
        di, dj = best[(i, j)][1]
        beads.append(Bead(tuple(range(i - di, i)), tuple(range(j - dj, j))))
        i, j = i - di, j - dj
    return beads[::-1]
