"""The `calibrate` job: translate reference sources with the chosen model, score each sentence's confidence
and its chrF++ against the reference, and report what every review threshold would catch.

Reference pairs come as TSV files (source<TAB>reference, one pair a line) or as two plain-text files with one
sentence a line, paired by line number (FLORES-200: `devtest/pes_Arab.devtest` with `devtest/eng_Latn.devtest`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.normalize import normalize_text
from ingest.readers import read_file
from core.article import Article, Paragraph, Sentence
from core.errors import InputError, MtdigestError
from mt.pipeline import TranslateSettings, TranslationSession
from mt.qa.calibration import (
    BAD_BELOW, THRESHOLDS, ThresholdRow, explain, suggest_threshold, threshold_row, threshold_rows,
)


@dataclass(frozen=True)
class Pair:
    source: str
    reference: str
    where: str  # `file:line`, so a user can find the sentence again


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


def _lines(path: Path) -> list[str]:
    data = read_file(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text ({exc})") from None
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


def read_tsv(path: Path) -> list[Pair]:
    """Pairs of a source<TAB>reference file; blank lines are skipped, any other line without exactly one tab
    is an InputError naming the file and line."""
    pairs = []
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        parts = line.rstrip("\r").split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise InputError(f"{path}:{number}", "expected source<TAB>reference (two non-empty fields)")
        pairs.append(Pair(parts[0].strip(), parts[1].strip(), f"{path}:{number}"))
    return pairs


def read_parallel(source: Path, reference: Path) -> list[Pair]:
    """Pairs of two plain-text files paired by line; both must have the same number of lines."""
    sources, references = _lines(source), _lines(reference)
    if len(sources) != len(references):
        raise InputError(f"{source}", f"{len(sources)} lines, but {reference} has {len(references)}: "
                         f"the files must pair line by line")
    return [Pair(s.strip(), r.strip(), f"{source}:{n}")
            for n, (s, r) in enumerate(zip(sources, references), start=1) if s.strip() and r.strip()]


def read_pairs(tsvs: Sequence[Path], parallel: Sequence[tuple[Path, Path]]) -> tuple[list[Pair], list[MtdigestError]]:
    """Every pair of every input; a bad input is reported and the others are read."""
    pairs: list[Pair] = []
    failed: list[MtdigestError] = []
    inputs = [(read_tsv, (path,)) for path in tsvs] + [(read_parallel, files) for files in parallel]
    for reader, args in inputs:
        try:
            pairs += reader(*args)  # type: ignore[operator]
        except InputError as error:
            failed.append(error)
    return pairs, failed


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
