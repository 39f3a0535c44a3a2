"""How likely our model finds someone else's English, beside our own, for every aligned pair of a comparison.

Each bead with both a source and an English side is scored by forced decoding (`mt.scoring.ForcedScorer`):
the bead's source sentences joined against its English joined (a 2–1 merge is scored as one pair), and our
own English of the same sentences against the same joined source, so both sides are conditioned alike. A
pair where the model finds ours much more likely than theirs is flagged `model_disagrees`. This is the
model's belief about a text, not a quality judgement: a good human translation worded unlike the model's
can score lower than the model's own, and a fluent wrong one can score high.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from core.article import Article, Flag, Sentence
from mt.engine import Scored, confidence
from mt.qa.alignment import Alignment, Bead
from mt.review import DISAGREE_GAP, REVIEW_BELOW, review_flags

SCORE_CODES = ("model_disagrees", "low_confidence")


class Scorer(Protocol):
    """Forced-decoding scores of translations given their sources, signed by the model that gave them."""

    @property
    def signature(self) -> str: ...

    def __call__(self, sources: list[str], translations: list[str]) -> list[Scored]: ...


def score_pairs(alignment: Alignment, unit_ids: Sequence[str], sources: Sequence[str], english: Sequence[str],
                ours: Sequence[str] | None, scorer: Scorer, gap: float = DISAGREE_GAP) -> list[dict[str, Any]]:
    """One entry per aligned pair: source ids, English sentence indices, their `confidence`, `our_confidence`,
    `gap` (mean log-probability per token, ours minus theirs) and `model_disagrees` (None without ours)."""
    beads = aligned(alignment)
    joined = [" ".join(sources[i] for i in b.source) for b in beads]
    theirs = [" ".join(english[j] for j in b.english) for b in beads]
    our_english = [" ".join(t for i in b.source if (t := ours[i])) for b in beads] if ours else []
    scores = scorer(joined + joined[:len(our_english)], theirs + our_english)
    pairs = []
    for n, bead in enumerate(beads):
        them = scores[n]
        us = scores[len(beads) + n] if ours else None
        difference = None
        if us is not None and us.tokens and them.tokens:
            difference = us.logprob / us.tokens - them.logprob / them.tokens
        pairs.append({
            "source": [unit_ids[i] for i in bead.source],
            "english": list(bead.english),
            "confidence": confidence(them.logprob, them.tokens),
            "our_confidence": confidence(us.logprob, us.tokens) if us else None,
            "gap": None if difference is None else round(difference, 3),
            "model_disagrees": None if difference is None else difference > gap,
            "logprob": round(them.logprob, 4), "tokens": them.tokens,
            "our_logprob": round(us.logprob, 4) if us else None, "our_tokens": us.tokens if us else None,
        })
    return pairs


def aligned(alignment: Alignment) -> list[Bead]:
    """The beads with both a source and an English side: the pairs there are to score."""
    return [b for b in alignment.beads if b.source and b.english]


def mark_pairs(article: Article, units: Sequence[Sentence | None], alignment: Alignment,
               pairs: list[dict[str, Any]], review_below: float = REVIEW_BELOW, gap: float = DISAGREE_GAP) -> None:
    """Their confidence on the sentence (or title) holding each pair's English, with `low_confidence` below
    `review_below` and `model_disagrees` where ours beats it by more than `gap`."""
    for bead, pair in zip(aligned(alignment), pairs):
        members = [units[i] for i in bead.source]
        holder = next((m for m in members if m is not None), None)
        if holder is None:  # the title alone
            article.title.confidence = pair["confidence"]
            continue
        holder.confidence = pair["confidence"]
        holder.flags += review_flags(pair["confidence"], review_below)
        if pair["model_disagrees"]:
            holder.flags.append(Flag("model_disagrees", f"the model finds our English more likely: confidence "
                                                        f"{pair['our_confidence']:.3f} against {pair['confidence']:.3f}"
                                                        f" (log-probability gap {pair['gap']:.2f} per token > {gap})"))


def summarize_pairs(pairs: list[dict[str, Any]], signature: str, gap: float = DISAGREE_GAP) -> dict[str, Any]:
    """The report's `model_scores`: the document's confidence on both sides (token-weighted: exp of the mean
    log-probability per token over every scored pair, as a split sentence's pieces combine), how many pairs
    the model disagrees on, the threshold, and the pairs."""
    def document(logprob: str, tokens: str) -> float | None:
        scored = [p for p in pairs if p[tokens]]
        return confidence(sum(p[logprob] for p in scored), sum(p[tokens] for p in scored))

    return {
        "model": signature,
        "pairs_scored": sum(1 for p in pairs if p["confidence"] is not None),
        "document_confidence": document("logprob", "tokens"),
        "our_document_confidence": document("our_logprob", "our_tokens"),
        "model_disagrees": sum(1 for p in pairs if p["model_disagrees"]),
        "disagree_gap": gap,
        "pairs": pairs,
    }


def shown(value: float | None) -> str:
    """A confidence as printed: three decimals, "-" for none."""
    return "-" if value is None else f"{value:.3f}"
