"""`mtdigest batch`: digest a whole corpus, in this process or across a Ray cluster, resumably.

One code path does the work, two schedulers run it:

    read (stateless, per input file) → plan (skip what the manifest says is done; pack the rest
    into batches of about `batch_sentences`) → `BatchWorker` per batch (translate, summarize,
    render, write atomically; one result per article; `digest.batch_worker`) → manifest

In-process, the batches run one after another in one `BatchWorker`. With Ray, the reads are
tasks over a `ray.data` Dataset and the batches go through `map_batches` with `BatchWorker`
as the callable class: an actor pool whose actors load the models once and take many
batches, one GPU each when the cluster has GPUs. Batches are planned before either scheduler
runs, so both translate exactly the same batches and write identical outputs (`digest.batch_schedulers`).

A failing article is recorded as failed and the batch goes on. A worker that dies (a crash, an OOM kill) is
restarted by Ray and its batch retried, one article at a time; an article its worker died on `retries + 1`
times is reported failed instead of tried again (`digest.attempts`), so healthy batches always finish and the
run always completes.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.output import check_writable
from digest.attempts import Attempts
from digest.batch_inputs import list_inputs
from digest.batch_schedulers import InProcess, OnRay, RayOptions
from digest.jobs import SummarySettings
from digest.manifest import Manifest, plan
from modelstore.ensure import ensure_models
from modelstore.lock import ModelEntry, load_lock
from mt.pipeline import TranslateSettings

Say = Callable[[str], None]


@dataclass
class BatchSettings:
    formats: Sequence[str] = ("html", "md", "json")
    translate: TranslateSettings = field(default_factory=TranslateSettings)
    summary: SummarySettings = field(default_factory=SummarySettings)
    batch_sentences: int = 256
    """Articles are packed into batches of about this many sentences (the unit of scheduling)."""
    force: bool = False
    """Redo every article, whatever the manifest says."""


@dataclass
class BatchReport:
    processed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(article id or input, error) for every article or input that failed."""
    manifest: Path | None = None
    seconds: float = 0.0
    sentences: int = 0
    """Sentences of the articles planned for processing."""

    @property
    def done(self) -> list[str]:
        """Articles processed successfully in this run."""
        failed = {where for where, _ in self.failed}
        return [i for i in self.processed if i not in failed]


def run_batch(
    inputs: Sequence[str], output: Path, settings: BatchSettings, ray: RayOptions | None = None,
    say: Say | None = None,
) -> BatchReport:
    """Read, plan, process and record every input; failures are reported in the manifest, not fatal."""
    started = time.perf_counter()
    output = output.resolve()
    check_writable(output)  # before any model time: OutputError, exit 2
    output.mkdir(parents=True, exist_ok=True)
    t = settings.translate
    settings = dataclasses.replace(settings, translate=dataclasses.replace(
        t, lock_path=t.lock_path and t.lock_path.resolve(), glossary=t.glossary and t.glossary.resolve()))
    worker_args = {"translate": settings.translate, "summary": settings.summary, "output": str(output),
                   "formats": list(settings.formats),
                   "env": {k: v for k, v in os.environ.items() if k.startswith("MTDIGEST_")},
                   "retries": ray.retries if ray else 0}
    scheduler = InProcess(worker_args) if ray is None else OnRay(worker_args, ray, quiet=say is None)
    manifest = Manifest() if settings.force else Manifest.load(output)
    with scheduler:
        batches, report = plan(scheduler.read(list_inputs(inputs, settings.translate.max_input_mb)), manifest,
                               output, settings)
        report.manifest = manifest.save(output)
        # First use: the models these articles need are fetched here (or all named as missing) before any
        # worker starts; workers on other machines need them in their own MTDIGEST_HOME.
        ensure_models(batch_models([a for batch in batches for a in batch], settings),
                      offline=settings.translate.offline, progress=settings.translate.pull_progress)
        if say:
            say(f"{sum(map(len, batches))} article(s) to process in {len(batches)} batch(es); "
                f"{len(report.skipped)} unchanged since the last run")
        attempts = Attempts(output)
        attempts.clear()  # left by a run that was killed: every article starts with its full attempts
        try:
            for results in scheduler.process(batches):
                for result in results:
                    _record(manifest, result, report)
                manifest.save(output)
                if say:
                    say(f"{len(report.processed)}/{sum(map(len, batches))} article(s) done")
            for entry in (manifest.articles[a["id"]] for batch in batches for a in batch):
                if entry.status == "pending":  # its batch raised out of the worker (see the Ray log)
                    entry.status = "failed"
                    entry.error = "its batch failed in the worker; run again to retry"
                    report.failed.append((entry.id, entry.error))
        finally:
            attempts.clear()
            manifest.save(output)
    report.seconds = time.perf_counter() - started
    return report


def batch_models(articles: list[dict[str, Any]], settings: BatchSettings) -> list[ModelEntry]:
    """The translators for the languages of these (planned, article-JSON) articles and the summarizer."""
    if not articles:
        return []
    lock = load_lock(settings.translate.lock_path)
    languages = sorted({a.get("language") for a in articles} - {None, "en"})
    needed = [lock.translator_for(language, settings.translate.model) for language in languages]
    if settings.translate.qe == "roundtrip":
        needed += [lock.back_translator_for(language, settings.translate.model) for language in languages]
    if settings.summary.method == "abstractive":
        needed.append(lock.summarizer())
    return needed


def _record(manifest: Manifest, result: dict[str, Any], report: BatchReport) -> None:
    entry = manifest.articles[result["id"]]
    entry.status, entry.error, entry.outputs, entry.models = (
        result["status"], result["error"], result["outputs"], result["models"])
    report.processed.append(entry.id)
    if entry.error:
        report.failed.append((entry.id, entry.error))
