"""Which sentences a reader should check first: those the model itself is least sure of.

`confidence` is exp(mean log-probability per token) of the English the model chose (`mt.engine.Scored`):
the model's own belief, not a quality guarantee. The default threshold is a starting point, not tuned on
data (no reference translations are reachable here); `mtdigest calibrate` tunes it on references.
"""

from __future__ import annotations

from core.article import Flag, Sentence

LOW_CONFIDENCE = "low_confidence"

# A sentence whose tokens the model gave, on average, less than about one chance in three. Chosen by hand,
# not measured: see README "How sure is the model?" and calibrate it for your models and texts.
REVIEW_BELOW = 0.35

# `compare` flags `model_disagrees` (`mt.qa.agreement`) where our English beats theirs by more than this many
# nats of mean log-probability per token: the model gives each token of ours on average more than e ≈ 2.7
# times the probability of theirs. A judgement, not tuned on data (no reference translations here): a model's
# own beam output is the mode of its distribution, so a sound translation in other words is expected to score
# somewhat lower than ours; a gap this size is meant to stand out from that and point at a different meaning,
# a gap in the text or broken English. Calibrate it for your model and texts (`--disagree-gap`).
DISAGREE_GAP = 1.0


def review_flags(score: float | None, threshold: float = REVIEW_BELOW) -> list[Flag]:
    """`low_confidence` (detail: the value) when the model's confidence is below the review threshold."""
    if score is None or score >= threshold:
        return []
    return [Flag(LOW_CONFIDENCE, f"{score:.3f}")]


def needs_review(sentence: Sentence) -> bool:
    """Whether the sentence is flagged `low_confidence` (by its translation, or by `compare`'s scores)."""
    return any(f.code == LOW_CONFIDENCE for f in sentence.flags)
