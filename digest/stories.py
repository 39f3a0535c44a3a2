"""Group articles that report the same event, across Persian, Arabic and English.

Evidence that does not depend on translation quality decides:

- person names in the source text, found after ranks/offices/given names and folded
  across Persian/Arabic spelling (`core.names`), weight 1.0;
- places from the gazetteer, in any script, weight 0.5 (countries are in every article);
- numbers of two or more digits (ASCII-folded, so `۲۰۱۱` = `٢٠١١` = `2011`), weight 1.0;
- published dates: articles more than `MAX_DAYS_APART` days apart are never one story,
  and no story may hold two such articles (checked against every member, so a chain of
  similar articles cannot bridge two years).

Each item's weight is multiplied by its inverse document frequency in this batch,
`log((n + 1) / df)`: a name that every article has (the general who meets everyone)
counts for little, a name two articles share counts for much. English words weigh
`log(n / df)` (a word in every article counts for nothing), and only sentences the quality
checks did not flag as broken, in Latin script, count. For a pair of articles:

    evidence  E = weight of shared items / weight of the smaller article's items  (0..1)
    shared    S = weight of shared items
    english   C = tf-idf cosine of the English texts (translation, or the source when English)
    score       = E + ENGLISH_WEIGHT * C

Two articles are one story when their dates agree, `score >= MIN_SCORE` (0.5),
`E >= MIN_EVIDENCE` (0.3: the English can tip a borderline pair, never make one whose
names and numbers disagree) and `S >= MIN_SHARED_WEIGHT` (0.4: at least one distinctive
name or number in common). Pairs where one side is
English compare person names by consonant skeleton (`Bagheri` ~ `باقری`) instead of by
folded source spelling. Grouping is agglomerative: pairs are merged best score first
(ties by input order), so the result is deterministic and independent of chance.
With tiny random models the English is noise and C is ~0: the source-text evidence
alone must, and does, separate the seeds' stories.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass

from core.names import PLACE_KEYS, find_names, find_places, latin_skeleton
from core.article import Article

MIN_SCORE = 0.5
MIN_SHARED_WEIGHT = 0.4  # one name or number shared by every article of a two-article batch: log(3/2) = 0.405
ENGLISH_WEIGHT = 0.3
MIN_EVIDENCE = 0.3  # English can tip a borderline pair, never make one whose names and numbers disagree
MAX_DAYS_APART = 3
KIND_WEIGHTS = {"name": 1.0, "skeleton": 0.8, "place": 0.5, "num": 1.0}
# English similarity uses only translations a reader could trust: not flagged as broken by the
# quality checks, and mostly in Latin script (a model that echoes or garbles the source is neither).
UNTRUSTED_FLAGS = frozenset({"untranslated", "degenerate", "length_ratio"})
MIN_LATIN_SHARE = 0.9

_NUMBER = re.compile(r"\d[\d,.]*\d")
_ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_ENGLISH_NAME = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*\b")
_STOPWORDS = frozenset("""
the and for that this with from was were are has have had his her its their they them not but also which who
whom said says will would been being into over after before about between during against than then there
these those such other more most some any all each both two one new our out what when where while how
""".split())
# Capitalized English words that are not names (sentence starts, ranks, offices, adjectives of place).
_ENGLISH_NOT_NAMES = frozenset("""
The This That These They There What When Where Which While He She It We In On At For And But According
Major General Minister Ministry President Chief Staff Defence Defense Army Armed Forces Islamic Republic
Iranian Syrian Arab Israeli Russian American Lebanese Iraqi Officials Sunday Monday Tuesday Wednesday
Thursday Friday Saturday January February March April May June July August September October November December
""".split())


@dataclass(frozen=True)
class Evidence:
    """What an article says, in language-independent items (`kind:value`) plus its English words."""

    article: Article
    items: frozenset[str]
    date: dt.date | None
    english: Counter

    @property
    def is_english(self) -> bool:
        return self.article.language == "en"


def _trusted_english(article: Article) -> str:
    """The English a reader could use: sentences the quality checks did not flag as broken, mostly Latin script."""
    if article.language == "en":
        return " ".join([article.title.source, *(s.source for s in article.sentences())])
    texts = [article.title.english or ""] + [
        s.english or "" for s in article.sentences() if not any(f.code in UNTRUSTED_FLAGS for f in s.flags)]
    return " ".join(t for t in texts if _latin_share(t) >= MIN_LATIN_SHARE)


def _latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) / len(letters) if letters else 0.0


def evidence_of(article: Article) -> Evidence:
    """Names, places, numbers, date and English word counts of one article."""
    if article.language == "en":  # English sources are their own English, before or after the pipeline
        source = " ".join([article.title.source, *(s.source for s in article.sentences())])
        names = {w for w in (n.removesuffix("'s") for n in _ENGLISH_NAME.findall(source))
                 if w not in _ENGLISH_NOT_NAMES and w.lower() not in PLACE_KEYS}
        items = {f"skeleton:{k}" for k in map(latin_skeleton, names) if len(k) >= 2}
    else:
        source = " ".join([article.title.source, *(s.normalized for s in article.sentences())])
        names = find_names(source)
        items = {f"name:{n}" for n in names} | {f"skeleton:{k}" for k in map(latin_skeleton, names) if len(k) >= 2}
    items |= {f"place:{p}" for p in find_places(source)}
    items |= {f"num:{n.replace(',', '')}" for n in _NUMBER.findall(source)}
    words = Counter(w.lower() for w in _ENGLISH_WORD.findall(_trusted_english(article))
                    if len(w) >= 3 and w.lower() not in _STOPWORDS)
    try:
        date = dt.date.fromisoformat(article.published) if article.published else None
    except ValueError:
        date = None
    return Evidence(article, frozenset(items), date, words)


def _idf(counts: Counter, n: int) -> dict[str, float]:
    return {key: math.log((n + 1) / df) for key, df in counts.items()}


@dataclass(frozen=True)
class Weights:
    """Batch weights: kind weight × idf for evidence items, idf for English words."""

    items: dict[str, float]
    words: dict[str, float]

    @classmethod
    def of(cls, evidence: list[Evidence]) -> Weights:
        n = len(evidence)
        items = _idf(Counter(i for e in evidence for i in e.items), n)
        words = {w: math.log(n / df) for w, df in Counter(w for e in evidence for w in e.english).items()}
        return cls({i: KIND_WEIGHTS[i.split(":", 1)[0]] * w for i, w in items.items()}, words)


def _view(e: Evidence, other: Evidence) -> frozenset[str]:
    """Items compared for this pair: source spellings between Persian/Arabic, skeletons with English."""
    drop = "name:" if e.is_english or other.is_english else "skeleton:"
    return frozenset(i for i in e.items if not i.startswith(drop))


def english_similarity(a: Evidence, b: Evidence, weights: Weights) -> float:
    """tf-idf cosine of the two English texts (0 when either has none)."""
    if not a.english or not b.english:
        return 0.0

    def vector(e: Evidence) -> dict[str, float]:
        return {w: (1 + math.log(c)) * weights.words.get(w, 0.0) for w, c in e.english.items()}

    va, vb = vector(a), vector(b)
    dot = sum(v * vb.get(w, 0.0) for w, v in va.items())
    norm = math.sqrt(sum(v * v for v in va.values())) * math.sqrt(sum(v * v for v in vb.values()))
    return dot / norm if norm else 0.0


@dataclass(frozen=True)
class PairScore:
    evidence: float
    shared: float
    english: float
    shared_items: tuple[str, ...]

    @property
    def score(self) -> float:
        return self.evidence + ENGLISH_WEIGHT * self.english


def compare(a: Evidence, b: Evidence, weights: Weights) -> PairScore:
    """How much two articles' evidence agrees (see the module docstring for the formula)."""
    ia, ib = _view(a, b), _view(b, a)
    shared_items = ia & ib
    shared = sum(weights.items[i] for i in shared_items)
    smaller = min(sum(weights.items[i] for i in ia), sum(weights.items[i] for i in ib))
    return PairScore(shared / smaller if smaller > 0 else 0.0, shared, english_similarity(a, b, weights),
                     tuple(sorted(shared_items)))


def dates_conflict(a: Evidence, b: Evidence) -> bool:
    return bool(a.date and b.date and abs((a.date - b.date).days) > MAX_DAYS_APART)


def same_story(a: Evidence, b: Evidence, weights: Weights) -> bool:
    if dates_conflict(a, b):
        return False
    pair = compare(a, b, weights)
    return pair.score >= MIN_SCORE and pair.evidence >= MIN_EVIDENCE and pair.shared >= MIN_SHARED_WEIGHT


def group_stories(articles: list[Article]) -> list[list[Article]]:
    """Stories (lists of articles, input order kept), merged best pair first, never across dates."""
    evidence = [evidence_of(a) for a in articles]
    weights = Weights.of(evidence)
    pairs = []
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            if same_story(evidence[i], evidence[j], weights):
                pairs.append((-compare(evidence[i], evidence[j], weights).score, i, j))
    cluster = {i: {i} for i in range(len(articles))}
    for _, i, j in sorted(pairs):
        if cluster[i] is cluster[j]:
            continue
        if any(dates_conflict(evidence[x], evidence[y]) for x in cluster[i] for y in cluster[j]):
            continue
        merged = cluster[i] | cluster[j]
        for k in merged:
            cluster[k] = merged
    seen: list[set[int]] = []
    for i in range(len(articles)):
        if not any(cluster[i] is s for s in seen):
            seen.append(cluster[i])
    return [[articles[k] for k in sorted(members)] for members in seen]
