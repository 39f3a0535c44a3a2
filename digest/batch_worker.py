"""The per-batch work of `mtdigest batch`: translate, summarize, render and write each article of a batch.

The same `BatchWorker` runs in this process and as the callable class of a Ray actor pool
(`digest.batch_schedulers`); a failing article gets a `failed` result and its batch-mates go on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from core.article import Article
from core.errors import MtdigestError
from core.output import write_atomic
from digest.attempts import Attempts
from digest.jobs import SummarySettings, add_roundtrip, roundtrip_entries
from digest.render import render
from mt.pipeline import TranslateSettings, TranslationSession

FAULT_ENV = "MTDIGEST_INJECT_FAULT"


class BatchWorker:
    """Models loaded once; then any number of batches: translate, summarize, render, write each article.

    Every article gets one result (`ok` with its outputs, or `failed` with the error); nothing an article
    does stops the others. Called with a Ray Data batch (column `articles`: JSON lists of article objects,
    one planned batch per row), it is the callable class of the actor pool.
    """

    def __init__(self, translate: TranslateSettings, summary: SummarySettings, output: str,
                 formats: Sequence[str], env: dict[str, str] | None = None, retries: int = 0) -> None:
        os.environ.update(env or {})  # the driver's MTDIGEST_* settings, on any machine of the cluster
        self.summary = summary
        self.output = Path(output)
        self.formats = list(formats)
        self.attempts = Attempts(self.output, limit=retries + 1)
        self.session = TranslationSession(translate)
        self._summarizer: Any = None

    def load_models(self, articles: list[Article]) -> None:
        """Load every model these articles need now: a missing one stops the run before any work."""
        self.session.prepare(articles)
        if self.summary.method == "abstractive":
            self.summarizer()

    def summarizer(self) -> Any:
        if self._summarizer is None:
            from summarize import load_summarizer

            s = self.session.settings
            self._summarizer = load_summarizer(self.session.lock.summarizer(), self.summary.engine, s.device, "auto")
        return self._summarizer

    def process(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One result per article of the batch, in order."""
        articles = [Article.from_dict(data) for data in batch]
        if not any(self.attempts.count(a.id) for a in articles):
            return self._attempt(articles)
        # The worker died on this batch before: one article at a time, so only the one at fault gains attempts.
        results = []
        for article in articles:
            died = self.attempts.count(article.id)
            if died >= self.attempts.limit:
                error = (f"its worker died {died} time(s) while processing it (crash or out of memory); "
                         "run again to retry")
                results.append(_result(article, error, []))
            else:
                results += self._attempt([article])
        return results

    def _attempt(self, articles: list[Article]) -> list[dict[str, Any]]:
        """Process these articles together, with an attempt recorded for each until they are done."""
        ids = [a.id for a in articles]
        self.attempts.begin(ids)
        try:
            return self._process(articles)
        finally:
            self.attempts.end(ids)

    def _process(self, articles: list[Article]) -> list[dict[str, Any]]:
        for article in articles:
            _inject_fault(article.id)
        errors: dict[str, str] = {}
        self._translate(articles, errors)
        for article in articles:
            if article.id not in errors:
                self._guard(article, errors, self._roundtrip)
        if self.summary.method != "none":
            for article in articles:
                if article.id not in errors:
                    self._guard(article, errors, self._summarize)
        outputs: dict[str, list[str]] = {}
        for article in articles:
            if article.id not in errors:
                outputs[article.id] = self._guard(article, errors, self._write) or []
        return [_result(a, errors.get(a.id), outputs.get(a.id, [])) for a in articles]

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        results = [r for articles in batch["articles"] for r in self.process(json.loads(articles))]
        return {"result": np.array([json.dumps(r, ensure_ascii=False) for r in results], dtype=object)}

    def _translate(self, articles: list[Article], errors: dict[str, str]) -> None:
        try:
            failed = self.session.translate(articles).failed
        except Exception as exc:  # noqa: BLE001 - one article's trouble must not sink its batch
            if len(articles) == 1:
                errors[articles[0].id] = _describe(exc)
            else:  # find the article at fault: the others are translated one by one
                for article in articles:
                    self._translate([article], errors)
            return
        by_input = {a.source_path or a.id: a.id for a in articles}
        for error in failed:  # an article's own error names it; others, the file they came from
            where = getattr(error, "path", None)
            errors[getattr(error, "article_id", None) or by_input.get(where, where or "?")] = str(error)

    def _roundtrip(self, article: Article) -> None:
        """`--qe roundtrip` (nothing when off)."""
        add_roundtrip([article], self.session, roundtrip_entries([article], self.session))

    def _summarize(self, article: Article) -> None:
        from summarize import summarize

        summarizer = self.summarizer() if self.summary.method == "abstractive" else None
        summarize(article, summarizer, method=self.summary.method, sentences=self.summary.sentences,
                  ratio=self.summary.ratio, options=self.summary.options(), cache=self.session.cache)

    def _write(self, article: Article) -> list[str]:
        rendered = {f"{article.id}.{fmt}": render(article, fmt) for fmt in self.formats}
        for name, text in rendered.items():
            write_atomic(self.output / name, text)
        return list(rendered)

    @staticmethod
    def _guard(article: Article, errors: dict[str, str], step: Callable[[Article], Any]) -> Any:
        try:
            return step(article)
        except Exception as exc:  # noqa: BLE001 - reported in the manifest, the batch goes on
            errors[article.id] = _describe(exc)
            return None


def _result(article: Article, error: str | None, outputs: list[str]) -> dict[str, Any]:
    keys = ("method", "alias", "revision", "engine", "precision", "signature")
    models = {stage: {k: v for k, v in info.items() if k in keys} for stage, info in article.models.items()}
    return {"id": article.id, "status": "failed" if error else "ok", "error": error, "outputs": outputs,
            "models": models, "sentences": len(article.sentences())}


def _describe(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, MtdigestError) else f"{type(exc).__name__}: {exc}"


def _inject_fault(article_id: str) -> None:
    """Fault-injection hook for testing recovery (MTDIGEST_INJECT_FAULT; unset in normal use).

    `crash-once:ID:MARKER` ends the worker process abruptly (as an OOM kill would) the first time it
    meets article ID, creating the file MARKER so the retry goes through; `crash:ID` does so every time.
    Several faults are separated by `;`.
    """
    for spec in filter(None, os.environ.get(FAULT_ENV, "").split(";")):
        kind, _, rest = spec.partition(":")
        target, _, marker = rest.partition(":")
        if target != article_id:
            continue
        if kind == "crash-once":
            try:
                Path(marker).touch(exist_ok=False)
            except FileExistsError:
                continue
        if kind in ("crash", "crash-once"):
            os._exit(75)
