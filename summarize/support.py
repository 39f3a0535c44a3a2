"""Link each summary sentence to the article sentences that support it, by lexical overlap.

A summary sentence's content words are weighted by IDF over the article; an article
sentence's support is the share of that weight it contains. The best sentence is taken
if it covers at least `min_coverage`; further sentences are added (strongest first, up to
`max_support`) while each covers a meaningful share of what is still uncovered. Ids point
at real sentences of the article, hence to their source text: the bilingual summary.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from summarize.text import content_terms


@dataclass(frozen=True)
class SupportOptions:
    min_coverage: float = 0.25  # the best sentence must cover this share of the summary sentence
    min_gain: float = 0.15  # each further sentence must cover this much more of it
    max_support: int = 3


def _idf(documents: list[set[str]]) -> dict[str, float]:
    n = len(documents)
    df = Counter(t for doc in documents for t in doc)
    return {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df.items()}


def link_support(
    summary: list[str],
    sentences: list[tuple[str, str]],
    options: SupportOptions = SupportOptions(),
) -> list[list[str]]:
    """For each summary sentence, the ids of its supporting sentences (strongest first; [] if none)."""
    documents = [set(content_terms(text)) for _, text in sentences]
    idf = _idf(documents)
    unseen = math.log(1 + len(documents)) + 1  # a word found nowhere weighs most
    links: list[list[str]] = []
    for line in summary:
        terms = set(content_terms(line))
        weight = {t: idf.get(t, unseen) for t in terms}
        total = sum(weight.values())
        if total == 0:
            links.append([])
            continue
        uncovered = set(terms)
        chosen: list[int] = []
        while len(chosen) < options.max_support:
            best, best_gain = -1, 0.0
            for i, doc in enumerate(documents):
                if i in chosen:
                    continue
                gain = sum(weight[t] for t in uncovered & doc) / total
                if gain > best_gain + 1e-12:
                    best, best_gain = i, gain
            needed = options.min_coverage if not chosen else options.min_gain
            if best < 0 or best_gain < needed:
                break
            chosen.append(best)
            uncovered -= documents[best]
        links.append([sentences[i][0] for i in chosen])
    return links
