"""Extractive summaries without a model: LexRank centrality with a lead prior, then MMR selection.

Sentences are TF-IDF vectors of stemmed content words; their cosine similarities form a
graph whose stationary distribution (PageRank, teleporting towards the lead, as news
puts its key facts first) ranks how central each sentence is. Sentences are then taken
greedily by maximal marginal relevance, and a sentence too similar to one already taken
is never taken, so near-duplicates (wire copy repeats, rephrased leads) are not both
selected. Everything is deterministic: fixed iterations, ties go to the earlier sentence.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from summarize.text import content_terms


@dataclass(frozen=True)
class ExtractiveOptions:
    damping: float = 0.85
    lead_weight: float = 1.0  # 0: uniform teleport; 1: teleport ∝ 1/sqrt(position)
    diversity: float = 0.3  # MMR: weight of the redundancy penalty (λ = 1 - diversity)
    duplicate_similarity: float = 0.7  # never select a sentence this similar to a selected one
    min_terms: int = 4  # shorter sentences (datelines, captions) only when nothing else is left

    def signature(self) -> str:
        return (f"extractive|lexrank+mmr|d:{self.damping}|lead:{self.lead_weight}|div:{self.diversity}"
                f"|dup:{self.duplicate_similarity}")


def similarity_matrix(texts: list[str]) -> np.ndarray:
    """Cosine similarities of the sentences' TF-IDF vectors (content words, light stemming)."""
    terms = [content_terms(t) for t in texts]
    vocabulary = sorted({t for ts in terms for t in ts})
    index = {t: i for i, t in enumerate(vocabulary)}
    n = len(texts)
    df = Counter(t for ts in terms for t in set(ts))
    matrix = np.zeros((n, len(vocabulary)))
    for row, ts in enumerate(terms):
        for term, count in Counter(ts).items():
            matrix[row, index[term]] = (1 + math.log(count)) * (math.log((1 + n) / (1 + df[term])) + 1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    return matrix @ matrix.T


def centrality(similarity: np.ndarray, options: ExtractiveOptions = ExtractiveOptions()) -> np.ndarray:
    """LexRank scores (sum to 1): PageRank over the similarity graph with a lead-biased teleport."""
    n = similarity.shape[0]
    if n == 0:
        return np.zeros(0)
    weights = similarity.copy()
    np.fill_diagonal(weights, 0.0)
    sums = weights.sum(axis=1, keepdims=True)
    transition = np.divide(weights, sums, out=np.full_like(weights, 1.0 / n), where=sums > 0)
    lead = 1.0 / np.sqrt(np.arange(1, n + 1))
    teleport = (1 - options.lead_weight) / n + options.lead_weight * lead / lead.sum()
    scores = np.full(n, 1.0 / n)
    for _ in range(100):
        updated = (1 - options.damping) * teleport + options.damping * (transition.T @ scores)
        if np.abs(updated - scores).sum() < 1e-12:
            scores = updated
            break
        scores = updated
    return scores / scores.sum()


def select_sentences(texts: list[str], count: int, options: ExtractiveOptions = ExtractiveOptions()) -> list[int]:
    """Indices of up to `count` central, mutually non-redundant sentences, in document order."""
    n = len(texts)
    if n == 0 or count <= 0:
        return []
    similarity = similarity_matrix(texts)
    scores = centrality(similarity, options)
    relevance = scores / scores.max() if scores.max() > 0 else scores
    substantial = [len(content_terms(t)) >= options.min_terms for t in texts]
    chosen: list[int] = []
    for allow_short in (False, True):
        while len(chosen) < count:
            best, best_value = -1, -math.inf
            for i in range(n):
                if i in chosen or (not allow_short and not substantial[i]):
                    continue
                redundancy = max((similarity[i, j] for j in chosen), default=0.0)
                if redundancy >= options.duplicate_similarity:
                    continue
                value = (1 - options.diversity) * relevance[i] - options.diversity * redundancy
                if value > best_value + 1e-12:
                    best, best_value = i, value
            if best < 0:
                break
            chosen.append(best)
    return sorted(chosen)
