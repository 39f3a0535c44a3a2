"""`mtdigest compare` as a job: read the source and the translation, translate ours (when a model is here),
align, check and score with `mt.qa.compare_translation`, and write the side-by-side views and the report;
`mtdigest score` is the same reading, alignment and scoring, printed instead of written."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest.compare_page import render_compare_html
from digest.render import render
from ingest import read_inputs
from modelstore.ensure import ensure_models
from core.article import Article
from core.errors import InputError, ModelMissing, MtdigestError
from mt.glossary import load_glossary
from core.output import check_writable, write_atomic
from mt.pipeline import TranslationSession, choose_translators, untranslated
from mt.qa.compare import Comparison, compare_translation
from mt.review import DISAGREE_GAP
from mt.scoring import ForcedScorer


@dataclass
class CompareJob:
    comparison: Comparison
    written: list[Path] = field(default_factory=list)


def read_source(path: str) -> Article:
    """The one article in SOURCE (ingested like any input)."""
    items = list(read_inputs([path]))
    for item in items:
        if isinstance(item, MtdigestError):
            raise item
    if len(items) != 1:
        raise InputError(path, f"compare takes one source article; this input holds {len(items)}")
    article = items[0]
    assert isinstance(article, Article)
    if article.language == "en":
        raise InputError(path, "the source is English: compare checks a translation against a Persian or Arabic source")
    return article


def read_translation(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the translation as UTF-8 text ({exc.__class__.__name__}: {exc})") \
            from None
    if not text.strip():
        raise InputError(str(path), "the translation is empty")
    return text


@dataclass
class ModelSide:
    """What our own model brings to a comparison: our English by sentence id (and "title") and its signature,
    a forced-decoding scorer, and why either is missing (`error`: the error behind it, if one)."""

    ours: dict[str, str] | None = None
    signature: str | None = None
    scorer: ForcedScorer | None = None
    why: str | None = None
    error: MtdigestError | None = None


def model_side(article: Article, settings: Any, translate_ours: bool = True) -> ModelSide:
    """Our translation (when `translate_ours`; cached sentences cost no model time) and a scorer, from one
    translation session, so the model loads once for both. A missing model or an article it cannot take
    leaves the side without them, saying why."""
    side = ModelSide()
    with TranslationSession(settings) as session:
        groups, failed = choose_translators([article], session.lock, settings.model)
        if failed:
            return ModelSide(why=str(failed[0]), error=failed[0])
        engine = session.engine(next(iter(groups)))
        try:
            if translate_ours:
                ours = copy.deepcopy(article)
                session.fill_cached([ours])  # all cached: ours even where the model is gone
                failed = session.translate([ours]).failed if untranslated(ours) else []
                if failed:
                    return ModelSide(why=str(failed[0]), error=failed[0])
                side.ours, side.signature = _english_of(ours)
            ensure_models([engine.entry], offline=settings.offline, progress=settings.pull_progress)
            side.scorer = ForcedScorer(engine.loaded, article.language or "", settings.max_batch_tokens)
        except ModelMissing as missing:
            side.why, side.error = f"no translation model here ({missing})", missing
    return side


def _english_of(ours: Article) -> tuple[dict[str, str], str | None]:
    """Our English by sentence id and "title", and the signature of the model that made it."""
    english = {s.id: s.english or "" for s in ours.sentences()}
    english["title"] = ours.title.english or ""
    model = ours.models.get("translate", {})
    return english, model.get("signature") or model.get("alias")


def compare_files(source: str, translation: Path, settings: Any, use_model: bool = True,
                  translate_ours: bool = True, disagree_gap: float = DISAGREE_GAP) -> tuple[Comparison, ModelSide]:
    """Read SOURCE and TRANSLATION, bring our model in (unless `use_model` is off), align, check and score:
    what `mtdigest compare` writes and `mtdigest score` prints."""
    article = read_source(source)
    text = read_translation(translation)
    glossary = load_glossary(settings.glossary) if getattr(settings, "glossary", None) else None
    side = model_side(article, settings, translate_ours) if use_model else ModelSide(why="--no-model given")
    comparison = compare_translation(article, text, side.ours, glossary, side.signature, side.scorer,
                                     settings.review_below, disagree_gap)
    report = comparison.report
    report["source"], report["translation"] = source, str(translation)
    if side.why and side.ours is None:
        report["similarity"]["note"] += f" ({side.why})"
    if side.why and side.scorer is None:
        report["model_scores"]["note"] += f" ({side.why})"
    return comparison, side


def run_compare(source: str, translation: Path, output: Path, formats: list[str], settings: Any,
                use_model: bool = True, disagree_gap: float = DISAGREE_GAP) -> CompareJob:
    """Read, (translate ours,) align, check, score, and write `<id>.<fmt>` plus `<id>.report.json` under `output`."""
    check_writable(output)  # an -o that is a file, or unwritable: exit 2 before any model time
    comparison, side = compare_files(source, translation, settings, use_model, disagree_gap=disagree_gap)
    article = comparison.article
    job = CompareJob(comparison)
    for fmt in formats:
        path = output / f"{article.id}.{fmt}"
        write_atomic(path, render_compare_html(article, comparison.report, side.ours) if fmt == "html"
                     else render(article, fmt))
        job.written.append(path)
    path = output / f"{article.id}.report.json"
    write_atomic(path, json.dumps(comparison.report, ensure_ascii=False, indent=2) + "\n")
    job.written.append(path)
    return job


def score_translation(source: str, translation: Path, settings: Any) -> Comparison:
    """`mtdigest score`: the model's confidence in each aligned pair of TRANSLATION, by forced decoding only
    (our own translation is not made: aligned by length, numbers and names); the model's absence is an error."""
    comparison, side = compare_files(source, translation, settings, translate_ours=False)
    if side.scorer is None:
        raise side.error or InputError(source, side.why or "no model to score with")
    return comparison
