"""`DIR/manifest.json` of a `batch` run (what each article was made from, by which models, how it went),
and the plan of a run made against it.

One entry per article id: the input path and its sha256, the sha256 of the article as read
(so one changed record of a JSON Lines file re-processes only that record), the models and
options it was planned with, the outputs written, and `ok` or `failed` with the error.
A later run skips an article whose entry is `ok`, whose input hash, models and options are
unchanged, and whose outputs all still exist. The file is rewritten atomically, merged with
the entries of earlier runs, so a crash never loses what was done.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modelstore.lock import Lock, load_lock
from core.errors import MtdigestError
from core.output import write_atomic

if TYPE_CHECKING:
    from digest.batch import BatchReport, BatchSettings

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


@dataclass
class ManifestEntry:
    id: str
    input: str
    input_sha256: str
    article_sha256: str
    plan: dict[str, Any]
    """Models (alias@revision) and decoding/summary options the article was processed with."""
    status: str = "pending"
    error: str | None = None
    outputs: list[str] = field(default_factory=list)
    models: dict[str, Any] = field(default_factory=dict)
    """What actually ran, per stage: alias, revision, engine, precision, signature."""


@dataclass
class InputFailure:
    input: str
    error: str


@dataclass
class Manifest:
    articles: dict[str, ManifestEntry] = field(default_factory=dict)
    input_errors: list[InputFailure] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        """The manifest in `directory`, or an empty one (also when unreadable: everything is redone)."""
        try:
            data = json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))
            return cls(
                articles={e["id"]: ManifestEntry(**e) for e in data.get("articles", [])},
                input_errors=[InputFailure(**e) for e in data.get("input_errors", [])],
            )
        except (OSError, ValueError, TypeError, KeyError):
            return cls()

    def is_current(self, entry: ManifestEntry, directory: Path, outputs: list[str]) -> bool:
        """Whether an earlier run already made `outputs` of this article, from the same input and models."""
        old = self.articles.get(entry.id)
        return (
            old is not None
            and old.status == "ok"
            and old.article_sha256 == entry.article_sha256
            and old.plan == entry.plan
            and set(outputs) <= set(old.outputs)
            and all((directory / name).is_file() for name in outputs)
        )

    def save(self, directory: Path) -> Path:
        path = directory / MANIFEST_NAME
        data = {
            "manifest_version": MANIFEST_VERSION,
            "articles": [asdict(self.articles[key]) for key in sorted(self.articles)],
            "input_errors": [asdict(e) for e in self.input_errors],
        }
        write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return path


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_sha256(article_dict: dict[str, Any]) -> str:
    """Hash of an article as read (canonical JSON): changes when its input or the reading of it does."""
    return sha256_text(json.dumps(article_dict, ensure_ascii=False, sort_keys=True))


def plan_for(article: dict[str, Any], lock: Lock, settings: BatchSettings) -> dict[str, Any]:
    """The models (alias@revision) and options that decide this article's outputs."""
    t, s = settings.translate, settings.summary

    def pinned(get: Callable[[], Any]) -> str | None:
        try:
            entry = get()
        except MtdigestError:
            return "unavailable"
        return f"{entry.alias}@{entry.revision}"

    language = article.get("language") or ""
    glossary = hashlib.sha256(t.glossary.read_bytes()).hexdigest() if t.glossary else None
    planned = {
        "translate": None if language == "en" else pinned(
            lambda: lock.translator_for(language, t.model)),
        "summarize": pinned(lock.summarizer) if s.method == "abstractive" else None,
        "options": {"engine": t.engine, "precision": t.precision, "beam_size": t.beam_size,
                    "no_repeat_ngram_size": t.no_repeat_ngram_size, "repetition_penalty": t.repetition_penalty,
                    "length_penalty": t.length_penalty, "max_batch_tokens": t.max_batch_tokens,
                    "glossary_sha256": glossary,
                    "summary": {"method": s.method, "sentences": s.sentences, "ratio": s.ratio, "engine": s.engine,
                                "greedy": s.greedy}},
    }
    if t.qe == "roundtrip" and language != "en":  # only then: plans of runs without it stay as they were
        planned["roundtrip"] = pinned(lambda: lock.back_translator_for(language, t.model))
    return planned


def plan(
    rows: list[dict[str, Any]], manifest: Manifest, output: Path, settings: BatchSettings
) -> tuple[list[list[dict[str, Any]]], BatchReport]:
    """Batches of the articles to do (input order, about `batch_sentences` each); the rest is skipped or failed.

    Updates `manifest` in place: new entries are `pending` until their results come back.
    """
    from digest.batch import BatchReport

    report = BatchReport()
    lock = load_lock(settings.translate.lock_path)
    manifest.input_errors = []
    todo: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: (r["order"], r["index"])):
        if row["error"]:
            manifest.input_errors.append(InputFailure(row["input"], row["error"]))
            report.failed.append((row["input"], row["error"]))
            continue
        article = json.loads(row["article"])
        if article["id"] in seen:
            error = f"{row['input']}: article id '{article['id']}' is also the id of {seen[article['id']]}; outputs would collide"
            manifest.input_errors.append(InputFailure(row["input"], error))
            report.failed.append((row["input"], error))
            continue
        seen[article["id"]] = row["input"]
        entry = ManifestEntry(id=article["id"], input=row["input"], input_sha256=row["input_sha256"],
                              article_sha256=article_sha256(article), plan=plan_for(article, lock, settings))
        outputs = [f"{entry.id}.{fmt}" for fmt in settings.formats]
        if not settings.force and manifest.is_current(entry, output, outputs):
            report.skipped.append(entry.id)
            continue
        manifest.articles[entry.id] = entry
        todo.append(article)
    batches: list[list[dict[str, Any]]] = []
    size = 0
    for article in todo:
        count = sum(len(p["sentences"]) for p in article["paragraphs"])
        if not batches or size + count > settings.batch_sentences:
            batches.append([])
            size = 0
        batches[-1].append(article)
        size += count
        report.sentences += count
    return batches, report
