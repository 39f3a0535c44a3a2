"""Sentence alignment of a source text and an English translation from anywhere.

A Gale–Church dynamic program over beads 1–1, 1–2, 2–1, 1–0 and 0–1. Each bead costs

    −log P(bead type) + length cost (Gale–Church δ, `mt.qa.length`, with c re-estimated
    from the document's totals) − anchor evidence − similarity bonus (when our own
    translation of each source sentence is given: character 3-gram F1 between the
    English and ours, above the document's baseline for unrelated pairs).

Anchors are what any translation carries over whatever its wording: numbers (by value,
across digit systems and calendars), Latin-script names and glossary terms, places of
the gazetteer (`ingest.names`: `سوریه`/`سورية` → Syria), and quotation marks. A pair's
anchor evidence is a log-likelihood ratio, translation vs. unrelated sentences: a
translation keeps an anchor of its source as often as this English keeps that kind of
anchor anywhere (at most `KEEP`) and states one its source lacks with probability `ADD`,
while an unrelated English sentence of this document holds the anchor as often as the
document's English does. So a name every sentence shares says little, a number found in
one sentence pins it, a kind of anchor this translator never carries says nothing, and
a dropped (1–0) or extra (0–1) sentence pays only its prior: its anchors are gone with
it, instead of being charged as if a translation had lost them.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.names import PLACE_KEYS, find_places
from ingest.normalize import fold
from mt.glossary import Glossary
from mt.qa.checks import MIN_QUOTE_WORDS, latin_names, quoted_spans
from mt.qa.length import LengthModel, chars, length_model
from mt.qa.numbers import english_numbers, source_number_words, source_numbers

# Bead priors: Gale & Church's (0.0099 for a deletion or an insertion; 0.089 for
# 2–1 or 1–2, shared between the two directions).
PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.0445, (1, 2): 0.0445}
# A translation states this share of its source's anchors, and one its source lacks this often.
KEEP = 0.9
ADD = 0.05
SIMILARITY_WEIGHT = 12.0
NGRAM = 3
_QUOTE = "q:"  # anchor key: the sentence quotes someone
# The gazetteer's English names as written in English text (`find_places` reads one-word spellings).
_PLACE_NAMES = re.compile(r"\b(" + "|".join(sorted(map(re.escape, set(PLACE_KEYS.values())), key=len, reverse=True))
                          + r")\b")


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


@dataclass
class _Side:
    """What the cost function needs of one source or English sentence, computed once.

    A source sentence's `anchors` are alternatives (any one of them in the English keeps
    the anchor: a Jalali year may appear as either Gregorian year); `keys` is everything
    it states. An English sentence's `anchors` are single keys, `keys` the same plus what
    it states without demanding it (number words, month names).
    """

    chars: int
    anchors: list[frozenset[str]]
    keys: frozenset[str]
    grams: Counter[str] | None
    weights: list[tuple[float, float]] = field(default_factory=list)  # per anchor: (kept, lost)


def _source_side(text: str, glossary: Glossary | None, ours: str | None) -> _Side:
    anchors = [m.values for m in source_numbers(text)]
    anchors += [frozenset({f"n:{n}"}) for n in _names([text], glossary)]
    anchors += [frozenset({f"p:{p}"}) for p in sorted(find_places(text))]
    spans = quoted_spans(text)
    if any(len(q.split()) >= MIN_QUOTE_WORDS for q in spans):
        anchors.append(frozenset({_QUOTE}))
    keys = frozenset().union(*anchors) | source_number_words(text) | ({_QUOTE} if spans else set())
    return _Side(chars(text), anchors, keys, char_ngrams(ours) if ours is not None else None)


def _english_side(text: str, names: Sequence[str]) -> _Side:
    digits, values = english_numbers(text)
    lower = text.lower()
    named = [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", lower)]
    stated = [*dict.fromkeys(digits), *(f"n:{n}" for n in named),
              *(f"p:{p}" for p in sorted(find_places(text) | set(_PLACE_NAMES.findall(text)))),
              *([_QUOTE] if quoted_spans(text) else [])]
    return _Side(chars(text), [frozenset({k}) for k in stated], frozenset(values) | frozenset(stated),
                 char_ngrams(text))


def _weigh(src: list[_Side], eng: list[_Side]) -> None:
    """Evidence per anchor: log P(under translation) / P(in an unrelated English sentence of this text).

    How often this translation keeps an anchor is the share of the source's anchors of that kind
    (numbers, names, places, quotes) found anywhere in the English, at most `KEEP`: a translator who
    writes "the Syrian capital" for `دمشق`, or never uses quotation marks, voids that kind of
    evidence instead of making every pair look wrong.
    """
    m = len(eng)
    english_keys = frozenset().union(*(e.keys for e in eng))
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for side in src:
        for anchor in side.anchors:
            total[_kind(anchor)] += 1
            found[_kind(anchor)] += bool(anchor & english_keys)
    keep = {kind: min(KEEP, (found[kind] + 0.5) / (count + 1)) for kind, count in total.items()}

    def share(anchor: frozenset[str]) -> float:
        return (sum(1 for e in eng if anchor & e.keys) + 0.5) / (m + 1)

    for side in src:
        for anchor in side.anchors:
            p_keep, p_other = keep[_kind(anchor)], share(anchor)
            side.weights.append((max(math.log(p_keep / p_other), 0.0),
                                 max(math.log((1 - p_other) / (1 - p_keep)), 0.0)))
    for side in eng:
        side.weights = [(0.0, max(math.log(share(anchor) / ADD), 0.0)) for anchor in side.anchors]


def _kind(anchor: frozenset[str]) -> str:
    """numbers, or the prefix of a name (`n:`), place (`p:`) or quote (`q:`) key."""
    key = min(anchor)
    return key[:2] if key[1:2] == ":" else "numbers"


def _anchor_cost(s_items: Sequence[_Side], e_items: Sequence[_Side]) -> float:
    """Minus the anchor evidence of a pair: kept anchors lower the cost, lost or added ones raise it."""
    e_keys = frozenset().union(*(e.keys for e in e_items))
    s_keys = frozenset().union(*(s.keys for s in s_items))
    value = 0.0
    for s in s_items:
        for anchor, (kept, lost) in zip(s.anchors, s.weights):
            value += -kept if anchor & e_keys else lost
    for e in e_items:
        value += sum(added for anchor, (_, added) in zip(e.anchors, e.weights) if not anchor & s_keys)
    return value


def align(
    source: Sequence[str],
    english: Sequence[str],
    language: str | None = None,
    ours: Sequence[str] | None = None,
    glossary: Glossary | None = None,
) -> Alignment:
    """Align source sentences to English sentences; `ours` is our translation of each source sentence."""
    n, m = len(source), len(english)
    names = _names(source, glossary)
    src = [_source_side(t, glossary, ours[i] if ours else None) for i, t in enumerate(source)]
    eng = [_english_side(t, names) for t in english]
    _weigh(src, eng)
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
        value = -math.log(PRIORS[(i1 - i0, j1 - j0)])
        if i0 == i1 or j0 == j1:  # a dropped or extra sentence: its prior says it all
            return value
        s_items, e_items = src[i0:i1], eng[j0:j1]
        value += lengths.cost(sum(s.chars for s in s_items) + len(s_items) - 1,
                              sum(e.chars for e in e_items) + len(e_items) - 1)
        value += _anchor_cost(s_items, e_items)
        if use_similarity:
            value -= SIMILARITY_WEIGHT * (ngram_f1(grams("s", i0, i1), grams("e", j0, j1)) - baseline)
        return value

    beads = _best_path(n, m, cost)
    signature = (f"gale-church|c:{ratio:.2f}|s2:{lengths.variance}|anchors:numbers,names,places,quotes"
                 f"|keep:{KEEP}|add:{ADD}|sim:{f'char{NGRAM}-f1' if use_similarity else 'none'}")
    return Alignment(beads, ratio, use_similarity, signature)


def _names(source: Sequence[str], glossary: Glossary | None) -> list[str]:
    """Every Latin-script name and glossary English of the source, lower-cased (found in English as words)."""
    found = {n.lower() for text in source for n in latin_names(text)}
    if glossary:
        folded = fold(" ".join(source))
        found |= {t.english.lower() for t in glossary.terms if fold(t.source) in folded}
    return sorted(found)


def _baseline(src: list[_Side], eng: list[_Side]) -> float:
    """Median similarity of unrelated pairs (far off the diagonal): what "no match" scores here."""
    n, m = len(src), len(eng)
    scores = []
    for i in range(n):
        for j in range(0, m, max(1, m // 12)):
            if abs(j - i * m / max(n, 1)) > 3 and src[i].grams:
                scores.append(ngram_f1(src[i].grams, eng[j].grams or Counter()))
    return statistics.median(scores) if scores else 0.2


def _best_path(n: int, m: int, cost: Callable[[int, int, int, int], float]) -> list[Bead]:
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


def _best_path_full(n: int, m: int, cost: Callable[[int, int, int, int], float]) -> list[Bead]:
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
