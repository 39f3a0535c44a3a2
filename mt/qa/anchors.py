"""What any translation carries over whatever its wording: the anchors the sentence aligner weighs.

Numbers (by value, across digit systems and calendars), Latin-script names and glossary
terms, places of the gazetteer (`core.names`: `سوریه`/`سورية` → Syria), quotation marks,
and personal names across scripts: an Arabic-script name and its Latin transliteration share
a consonant skeleton (`core.names.latin_skeleton`, coarsened here so that the usual
transliteration variants meet: `جونز`/Jones, `إيفانوف`/Ivanov), so `ابن عباس` anchors
`Ibn 'Abbas` (two-word names are matched as pairs, their skeletons being short). Only
skeletons found on both sides of the document, in sentences at like places, count, and, like
every anchor, each is weighed by how rare it is in the English.

A pair's anchor evidence is a log-likelihood ratio, translation vs. unrelated sentences: a
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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.names import PLACE_KEYS, find_places, latin_skeleton
from core.normalize import fold
from mt.glossary import Glossary
from mt.qa.checks import MIN_QUOTE_WORDS, latin_names, quoted_spans
from mt.qa.length import chars
from mt.qa.numbers import english_numbers, source_number_words, source_numbers

# A translation states this share of its source's anchors, and one its source lacks this often.
KEEP = 0.9
ADD = 0.05
NGRAM = 3
_QUOTE = "q:"  # anchor key: the sentence quotes someone
# The gazetteer's English names as written in English text (`find_places` reads one-word spellings).
PLACE_NAMES = re.compile(r"\b(" + "|".join(sorted(map(re.escape, set(PLACE_KEYS.values())), key=len, reverse=True))
                         + r")\b")
_ARABIC_WORD = re.compile("[\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff]+")
_CAPITALIZED = re.compile(r"(?<![\w'’])['’]?[A-Z][A-Za-z'’-]+")
_SOFT_C = re.compile(r"c(?=[eiy])")
MIN_SKELETON = 3  # consonants in a one-word name key: shorter ones match too much by chance
PLACED_ALIKE = 0.75  # share of a skeleton's sentences, on each side, with a partner near the same place


@dataclass
class Side:
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


def merge(sides: Sequence[Side]) -> Side:
    """One side standing for several sentences (a paragraph)."""
    grams: Counter[str] | None = None
    if any(s.grams is not None for s in sides):
        grams = Counter()
        for s in sides:
            grams.update(s.grams or {})
    return Side(sum(s.chars for s in sides) + max(len(sides) - 1, 0), [a for s in sides for a in s.anchors],
                frozenset().union(*(s.keys for s in sides)), grams, [w for s in sides for w in s.weights])


def name_skeletons(text: str, latin: bool) -> set[str]:
    """Consonant keys of the names `text` may hold: one-word keys and keys of two-word runs.

    Arabic-script words in a source sentence; capitalized words in English.
    """
    if latin:
        text = PLACE_NAMES.sub(" ", text)
    matches = list((_CAPITALIZED if latin else _ARABIC_WORD).finditer(text))
    words = [_SOFT_C.sub("s", m.group().lower()).replace("v", "f") if latin else m.group() for m in matches]
    # places are anchors of their own (the gazetteer), not names to guess at
    keys = ["" if find_places(w) else _coarse(latin_skeleton(w)) for w in words]
    found = {f"k:{k}" for k in keys if len(k) >= MIN_SKELETON}
    found |= {f"k:{keys[n]}|{keys[n + 1]}" for n in range(len(keys) - 1)
              if keys[n] and keys[n + 1] and len(keys[n] + keys[n + 1]) >= MIN_SKELETON
              and not text[matches[n].end():matches[n + 1].start()].strip()}  # two words in a row
    return found


def _coarse(skeleton: str) -> str:
    """Classes that transliteration blurs merged: ج/g, ز/s (Jones, جونز), w and y (vowels in Latin)."""
    key = skeleton.replace("j", "k").replace("z", "s").replace("w", "").replace("y", "")
    return re.sub(r"(.)\1+", r"\1", key)


def source_side(text: str, skeletons: set[str], glossary: Glossary | None, ours: str | None) -> Side:
    anchors = [m.values for m in source_numbers(text)]
    anchors += [frozenset({f"n:{n}"}) for n in source_names([text], glossary)]
    anchors += [frozenset({f"p:{p}"}) for p in sorted(find_places(text))]
    anchors += [frozenset({k}) for k in sorted(skeletons)]
    spans = quoted_spans(text)
    if any(len(q.split()) >= MIN_QUOTE_WORDS for q in spans):
        anchors.append(frozenset({_QUOTE}))
    keys = frozenset().union(*anchors) | source_number_words(text) | ({_QUOTE} if spans else set())
    return Side(chars(text), anchors, keys, char_ngrams(ours) if ours is not None else None)


def english_side(text: str, names: Sequence[str], skeletons: set[str]) -> Side:
    digits, values = english_numbers(text)
    lower = text.lower()
    named = [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", lower)]
    stated = [*dict.fromkeys(digits), *(f"n:{n}" for n in named),
              *(f"p:{p}" for p in sorted(find_places(text) | set(PLACE_NAMES.findall(text)))),
              *sorted(skeletons), *([_QUOTE] if quoted_spans(text) else [])]
    return Side(chars(text), [frozenset({k}) for k in stated], frozenset(values) | frozenset(stated),
                char_ngrams(text))


def build_sides(source: Sequence[str], english: Sequence[str], glossary: Glossary | None,
                ours: Sequence[str] | None) -> tuple[list[Side], list[Side]]:
    """Source and English sides with their anchors weighed for this document."""
    names = source_names(source, glossary)
    source_keys = [name_skeletons(t, latin=False) for t in source]
    english_keys = [name_skeletons(t, latin=True) for t in english]
    shared = _placed_alike(source_keys, english_keys)
    src = [source_side(t, source_keys[i] & shared, glossary, ours[i] if ours else None)
           for i, t in enumerate(source)]
    eng = [english_side(t, names, english_keys[j] & shared) for j, t in enumerate(english)]
    weigh(src, eng)
    return src, eng


def _placed_alike(source_keys: list[set[str]], english_keys: list[set[str]]) -> set[str]:
    """Skeletons on both sides whose places agree: nearly every sentence holding one, on either side, has one
    holding it on the other side near the same place in the document. A name and its transliteration go
    together; a common word and an English name that happen to share consonants (`ممکن`, Michigan) do not."""
    n, m = len(source_keys), len(english_keys)
    window = max(3.0, 0.1 * max(n, m))
    shared = set().union(*source_keys) & set().union(*english_keys)
    placed = set()
    for key in shared:
        rows = [i for i, keys in enumerate(source_keys) if key in keys]
        columns = [j for j, keys in enumerate(english_keys) if key in keys]
        near_rows = sum(1 for i in rows if any(abs(j - i * m / n) <= window for j in columns))
        near_columns = sum(1 for j in columns if any(abs(j - i * m / n) <= window for i in rows))
        if near_rows >= PLACED_ALIKE * len(rows) and near_columns >= PLACED_ALIKE * len(columns):
            placed.add(key)
    return placed


def weigh(src: list[Side], eng: list[Side]) -> None:
    """Evidence per anchor: log P(under translation) / P(in an unrelated English sentence of this text).

    How often this translation keeps an anchor is the share of the source's anchors of that kind
    (numbers, names, places, quotes, name skeletons) found anywhere in the English, at most `KEEP`:
    a translator who writes "the Syrian capital" for `دمشق`, or never uses quotation marks, voids
    that kind of evidence instead of making every pair look wrong.
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
    """numbers, or the prefix of a name (`n:`), place (`p:`), quote (`q:`) or skeleton (`k:`) key."""
    key = min(anchor)
    return key[:2] if key[1:2] == ":" else "numbers"


def anchor_cost(s_items: Sequence[Side], e_items: Sequence[Side]) -> float:
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


def source_names(source: Sequence[str], glossary: Glossary | None) -> list[str]:
    """Every Latin-script name and glossary English of the source, lower-cased (found in English as words)."""
    found = {n.lower() for text in source for n in latin_names(text)}
    if glossary:
        folded = fold(" ".join(source))
        found |= {t.english.lower() for t in glossary.terms if fold(t.source) in folded}
    return sorted(found)
