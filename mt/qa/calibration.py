"""How well a confidence threshold finds bad translations, measured against reference translations.

A sentence is *bad* when its chrF++ against the reference is below `bad_below` (40 by default: well under the
57-65 that the lock's models score on FLORES-200 devtest as a whole, see models.lock); it is *flagged* at a
threshold when its confidence is below it, exactly as `mt.review.review_flags` flags it. For each threshold:
precision = flagged and bad / flagged, recall = flagged and bad / bad. A sentence with no confidence (an
empty output) is never flagged, so a bad one counts against recall.

    rows = threshold_rows([(0.31, 22.5), (0.72, 61.0), ...])
    best = suggest_threshold(rows)          # best F1; on a tie the lower threshold (fewer sentences to check)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

BAD_BELOW = 40.0
THRESHOLDS = tuple(round(0.05 * step, 2) for step in range(1, 20))  # 0.05 .. 0.95


@dataclass(frozen=True)
class ThresholdRow:
    """What flagging below `threshold` would do on the reference set."""

    threshold: float
    flagged: int
    flagged_bad: int
    bad: int
    precision: float | None  # None when nothing is flagged
    recall: float | None  # None when no sentence is bad
    f1: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def threshold_row(points: Sequence[tuple[float | None, float]], threshold: float,
                  bad_below: float = BAD_BELOW) -> ThresholdRow:
    """Precision and recall of flagging below `threshold`, over (confidence, chrF++) pairs."""
    bad = [c for c, score in points if score < bad_below]
    flagged = sum(c is not None and c < threshold for c, _ in points)
    caught = sum(c is not None and c < threshold for c in bad)
    precision, recall = _ratio(caught, flagged), _ratio(caught, len(bad))
    f1 = round(2 * caught / (flagged + len(bad)), 3) if flagged or bad else None  # 2PR / (P + R)
    return ThresholdRow(threshold, flagged, caught, len(bad), precision, recall, f1)


def threshold_rows(points: Sequence[tuple[float | None, float]], thresholds: Sequence[float] = THRESHOLDS,
                   bad_below: float = BAD_BELOW) -> list[ThresholdRow]:
    """One row per threshold, in the order given."""
    return [threshold_row(points, t, bad_below) for t in thresholds]


def suggest_threshold(rows: Sequence[ThresholdRow]) -> ThresholdRow | None:
    """The row with the best F1 (precision and recall weighed alike); on a tie the lowest threshold, which asks
    readers to check fewer sentences. None when no threshold catches any bad sentence."""
    scored = [r for r in rows if r.f1]
    return min(scored, key=lambda r: (-(r.f1 or 0.0), r.threshold)) if scored else None


def explain(best: ThresholdRow | None, sentences: int, bad_below: float = BAD_BELOW) -> str:
    """One sentence saying what the suggestion rests on."""
    if best is None:
        return (f"no threshold catches a sentence with chrF++ below {bad_below:g} among {sentences} sentences: "
                f"nothing to tune on (more, or harder, reference pairs are needed)")
    return (f"--review-below {best.threshold:g}: the best F1 ({best.f1:.3f}) of the grid; it flags {best.flagged} "
            f"of {sentences} sentences, {best.flagged_bad} of them below chrF++ {bad_below:g} (precision "
            f"{best.precision:.3f}), and catches {best.flagged_bad} of the {best.bad} below it (recall "
            f"{best.recall:.3f})")
