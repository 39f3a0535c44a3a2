"""`mtdigest compare` as a job: read the source and the translation, translate ours (when a model is here),
align and check with `mt.qa.compare_translation`, and write the side-by-side views and the report."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest.compare_page import render_compare_html
from digest.render import render
from ingest import read_inputs
from mt.article import Article
from mt.errors import InputError, ModelMissing, MtdigestError
from mt.glossary import load_glossary
from mt.output import check_writable, write_atomic
from mt.pipeline import translate_inputs
from mt.qa.compare import Comparison, compare_translation


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


def our_translation(article: Article, settings: Any) -> tuple[dict[str, str] | None, str | None, str | None]:
    """(our English by sentence id and "title", our model's signature, why there is none)."""
    ours = copy.deepcopy(article)
    try:
        job = translate_inputs([ours], settings)
    except ModelMissing as missing:
        return None, None, f"no translation model here ({missing})"
    if job.failed:
        return None, None, str(job.failed[0])
    english = {s.id: s.english or "" for s in ours.sentences()}
    english["title"] = ours.title.english or ""
    model = ours.models.get("translate", {})
    return english, model.get("signature") or model.get("alias"), None


def run_compare(source: str, translation: Path, output: Path, formats: list[str], settings: Any,
                use_model: bool = True) -> CompareJob:
    """Read, (translate ours,) align, check, and write `<id>.<fmt>` plus `<id>.report.json` under `output`."""
    check_writable(output)  # an -o that is a file, or unwritable: exit 2 before any model time
    article = read_source(source)
    text = read_translation(translation)
    glossary = load_glossary(settings.glossary) if getattr(settings, "glossary", None) else None
    ours, model, why = our_translation(article, settings) if use_model else (None, None, "--no-model given")
    comparison = compare_translation(article, text, ours, glossary, model)
    comparison.report["source"] = source
    comparison.report["translation"] = str(translation)
    if why:
        comparison.report["similarity"]["note"] += f" ({why})"
    job = CompareJob(comparison)
    for fmt in formats:
        path = output / f"{article.id}.{fmt}"
        write_atomic(path, render_compare_html(article, comparison.report, ours) if fmt == "html"
                     else render(article, fmt))
        job.written.append(path)
    path = output / f"{article.id}.report.json"
    write_atomic(path, json.dumps(comparison.report, ensure_ascii=False, indent=2) + "\n")
    job.written.append(path)
    return job
