"""The `calibrate` job: translate reference sources with the chosen model, score each sentence's confidence
and its chrF++ against the reference, and report what every review threshold would catch.

The reference pairs are read by `ingest.references`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.article import Article, Paragraph, Sentence
from core.normalize import normalize_text
from core.pairs import Pair
from mt.pipeline import TranslateSettings, TranslationSession
from mt.qa.calibration import (
    BAD_BELOW, THRESHOLDS, ThresholdRow, explain, suggest_threshold, threshold_row, threshold_rows,
)


@dataclass
class ScoredPair:
    pair: Pair
    english: str
    confidence: float | None
    chrf_pp: float


@dataclass
class Calibration:
    """The report: one row per threshold, the suggestion and the current threshold's row, with signatures."""

    language: str
    signature: str  # the translation's signature and sacrebleu's chrF++ signature
    scored: list[ScoredPair]
    rows: list[ThresholdRow]
    suggested: ThresholdRow | None
    current: ThresholdRow
    bad_below: float = BAD_BELOW

    @property
    def reason(self) -> str:
        return explain(self.suggested, len(self.scored), self.bad_below)

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language, "signature": self.signature, "sentences": len(self.scored),
            "bad_below": self.bad_below, "bad": self.current.bad,
            "thresholds": [r.as_dict() for r in self.rows],
            "suggested": self.suggested.as_dict() if self.suggested else None, "reason": self.reason,
            "current": self.current.as_dict(),
            "pairs": [{"where": s.pair.where, "source": s.pair.source, "reference": s.pair.reference,
                       "english": s.english, "confidence": s.confidence, "chrf_pp": s.chrf_pp} for s in self.scored],
        }


def calibrate(pairs: Sequence[Pair], language: str, settings: TranslateSettings,
              thresholds: Sequence[float] = THRESHOLDS, bad_below: float = BAD_BELOW) -> Calibration:
    """Translate the sources as the translating commands would (cache, clause splits, `--model`), then score."""
    from sacrebleu.metrics import CHRF

    sentences = [Sentence(f"p{n}.s1", p.source, normalize_text(p.source, language))
                 for n, p in enumerate(pairs, start=1)]
    article = Article(id="calibration", language=language,
                      paragraphs=[Paragraph(s.id.split(".")[0], [s]) for s in sentences])
    with TranslationSession(settings) as session:
        report = session.translate_inputs([article])
    if report.failed:
        raise report.failed[0]
    chrf = CHRF(word_order=2)
    scored = [ScoredPair(p, s.english or "", s.confidence,
                         round(chrf.sentence_score(s.english or "", [p.reference]).score, 1))
              for p, s in zip(pairs, sentences)]
    points = [(s.confidence, s.chrf_pp) for s in scored]
    rows = threshold_rows(points, thresholds, bad_below)
    signature = f"{article.models.get('translate', {}).get('signature', '')} · chrF++:{chrf.get_signature()}"
    return Calibration(language, signature, scored, rows, suggest_threshold(rows),
                       threshold_row(points, settings.review_below, bad_below), bad_below)
