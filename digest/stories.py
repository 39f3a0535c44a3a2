"""Group articles that report the same event, across Persian, Arabic and English.

Language-independent evidence decides: the surnames in the source text (folded
across scripts), numbers and published dates; the English translations add their
names and numbers too, which helps when a translation spells a name differently
from the source but never overrides a date conflict. Articles on the same topic
but another event (the same general meeting a different minister, years apart)
share only the common name, which carries little weight because many articles
have it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass

from digest.names import find_names
from mt.article import Article

# Two articles are one story when the rarer names and numbers they share make up at
# least this share of the smaller article's evidence...
MIN_OVERLAP = 0.5
# ...and the shared evidence is at least one distinctive item (idf of a name in 2 of 5 articles ≈ 0.9).
MIN_SHARED_WEIGHT = 0.5
# Published dates further apart than this are different events, whatever else they share.
MAX_DAYS_APART = 3

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_ENGLISH_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:[-'][A-Z]?[a-z]+)?\b")
_ENGLISH_COMMON = {"The", "This", "That", "These", "They", "There", "What", "When", "Where", "Which", "While",
                   "Major", "General", "Minister", "President", "Chief", "Staff", "Defence", "Defense", "Army",
                   "Armed", "Forces", "Islamic", "Republic", "Iran", "Iranian", "Syria", "Syrian", "Tehran",
                   "Damascus", "He", "She", "It", "We", "In", "On", "At", "For", "And", "But", "According"}


@dataclass(frozen=True)
class Evidence:
    """What an article says that does not depend on its language."""

    article: Article
    items: frozenset[str]
    date: dt.date | None


def evidence_of(article: Article) -> Evidence:
    """Surnames (folded), numbers and English proper names of an article."""
    source = " ".join([article.title.source, *(s.normalized for s in article.sentences())])
    english = " ".join([article.title.english or "", *(s.english or "" for s in article.sentences())])
    items = {f"name:{n}" for n in find_names(source)}
    items |= {f"num:{n.replace(',', '')}" for n in _NUMBER.findall(source) if len(n.strip(",.")) >= 2}
    if article.language == "en" or article.models.get("translate"):
        items |= {f"en:{w.lower()}" for w in _ENGLISH_NAME.findall(english) if w not in _ENGLISH_COMMON}
    date = dt.date.fromisoformat(article.published) if article.published else None
    return Evidence(article, frozenset(items), date)


def _weights(evidence: list[Evidence]) -> dict[str, float]:
    """Inverse document frequency: a name every article has tells nothing."""
    df = Counter(item for e in evidence for item in e.items)
    n = max(len(evidence), 2)
    return {item: math.log(n / count) for item, count in df.items()}


def similarity(a: Evidence, b: Evidence, weights: dict[str, float]) -> tuple[float, float]:
    """(overlap coefficient, shared weight) of two articles' weighted evidence."""
    shared = sum(weights[i] for i in a.items & b.items)
    smaller = min(sum(weights[i] for i in a.items), sum(weights[i] for i in b.items))
    return (shared / smaller if smaller > 0 else 0.0), shared


def same_story(a: Evidence, b: Evidence, weights: dict[str, float]) -> bool:
    if a.date and b.date and abs((a.date - b.date).days) > MAX_DAYS_APART:
        return False
    overlap, shared = similarity(a, b, weights)
    return overlap >= MIN_OVERLAP and shared >= MIN_SHARED_WEIGHT


def group_stories(articles: list[Article]) -> list[list[Article]]:
    """Stories (lists of articles, input order kept) by single-link grouping of same-story pairs."""
    evidence = [evidence_of(a) for a in articles]
    weights = _weights(evidence)
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            if same_story(evidence[i], evidence[j], weights):
                parent[root(j)] = root(i)
    groups: dict[int, list[Article]] = {}
    for i, article in enumerate(articles):
        groups.setdefault(root(i), []).append(article)
    return list(groups.values())
