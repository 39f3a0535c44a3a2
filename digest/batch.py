"""`mtdigest batch`: digest a whole corpus, in this process or across a Ray cluster, resumably.

One code path does the work, two schedulers run it:

    read (stateless, per input file) → plan (skip what the manifest says is done; pack the rest
    into batches of about `batch_sentences`) → `BatchWorker` per batch (translate, summarize,
    render, write atomically; one result per article) → manifest

In-process, the batches run one after another in one `BatchWorker`. With Ray, the reads are
tasks over a `ray.data` Dataset and the batches go through `map_batches` with `BatchWorker`
as the callable class: an actor pool whose actors load the models once and take many
batches, one GPU each when the cluster has GPUs. Batches are planned before either scheduler
runs, so both translate exactly the same batches and write identical outputs.

A failing article is recorded as failed and the batch goes on. A worker that dies (a crash, an OOM kill) is
restarted by Ray and its batch retried, one article at a time; an article its worker died on `retries + 1`
times is reported failed instead of tried again (`digest.attempts`), so healthy batches always finish and the
run always completes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest.attempts import Attempts
from digest.batch_inputs import list_inputs, read_input
from digest.jobs import SummarySettings, add_roundtrip, roundtrip_entries
from digest.manifest import Manifest, plan
from digest.render import render
from modelstore.ensure import ensure_models
from modelstore.lock import ModelEntry, load_lock
from core.article import Article
from core.errors import MtdigestError
from core.output import check_writable, write_atomic
from mt.pipeline import TranslateSettings, TranslationSession

FAULT_ENV = "MTDIGEST_INJECT_FAULT"
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
class RayOptions:
    address: str | None = None
    """As `ray.init` takes it. None: the cluster at RAY_ADDRESS if set, else a new runtime on this machine;
    "local": always a new one; "auto", HOST:PORT or ray://HOST:PORT: a running cluster."""
    actors: int = 0
    """Actor pool size; 0: one per GPU in the cluster, else one per CPU."""
    gpus_per_actor: float | None = None
    """None: 1 when the cluster has GPUs, else CPU actors."""
    retries: int = 2
    """Retries of an article whose worker died on it; then it is reported failed (its batch-mates go on)."""


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


# ---------------------------------------------------------------- the per-batch work

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


# ---------------------------------------------------------------- the run and its two schedulers

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


class InProcess:
    """Batches one after another in this process, in one worker (models loaded once)."""

    def __init__(self, worker_args: dict[str, Any]) -> None:
        self.worker_args = worker_args
        self.worker: BatchWorker | None = None

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.worker and self.worker.session.cache:
            self.worker.session.cache.close()

    def read(self, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [row for file in files for row in read_input(file)]

    def process(self, batches: list[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        if not batches:
            return
        self.worker = BatchWorker(**self.worker_args)
        self.worker.load_models([Article.from_dict(a) for batch in batches for a in batch])
        for batch in batches:
            yield self.worker.process(batch)


class OnRay:
    """Reads as Ray tasks, batches through an actor pool (`map_batches` with `BatchWorker`)."""

    def __init__(self, worker_args: dict[str, Any], options: RayOptions, quiet: bool = False) -> None:
        self.worker_args = worker_args
        self.options = options
        self.quiet = quiet
        self.started = False

    def __enter__(self) -> OnRay:
        import ray
        import ray.data

        if not ray.is_initialized():
            ray.init(address=self.options.address, include_dashboard=False, log_to_driver=not self.quiet)
            self.started = True
        self.context = ray.data.DataContext.get_current()
        self.saved = (self.context.max_errored_blocks, self.context.enable_progress_bars)
        # A batch that raises out of its worker is dropped (and reported), not fatal to the whole run.
        self.context.max_errored_blocks = -1
        self.context.enable_progress_bars = not self.quiet
        return self

    def __exit__(self, *exc: object) -> None:
        import ray

        self.context.max_errored_blocks, self.context.enable_progress_bars = self.saved
        if self.started:
            ray.shutdown()

    def read(self, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        import ray.data

        if not files:
            return []
        dataset = ray.data.from_items(files, override_num_blocks=min(len(files), 256))
        return dataset.flat_map(read_input).take_all()  # a read task whose worker dies is retried by Ray

    def pool(self) -> dict[str, Any]:
        """Actor pool size and resources per actor: one GPU each when the cluster has GPUs, else one CPU."""
        import ray
        import ray.data

        resources = ray.cluster_resources()
        gpus = resources.get("GPU", 0)
        per_actor = self.options.gpus_per_actor if self.options.gpus_per_actor is not None else (1 if gpus else 0)
        actors = self.options.actors or max(1, int(gpus // per_actor) if per_actor else int(resources.get("CPU", 1)))
        return {"compute": ray.data.ActorPoolStrategy(size=actors), "num_cpus": 1,
                **({"num_gpus": per_actor} if per_actor else {})}

    def process(self, batches: list[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        import ray.data

        if not batches:
            return
        rows = [{"batch": i, "articles": json.dumps(b, ensure_ascii=False)} for i, b in enumerate(batches)]
        # Ray Data's defaults restart a dead actor and retry its batches without limit; the attempt records
        # (`BatchWorker.process`) make that finite: an article its worker keeps dying on is reported instead.
        dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            BatchWorker, fn_constructor_kwargs=self.worker_args, batch_size=1, batch_format="numpy", **self.pool(),
        )
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            yield [json.loads(r) for r in batch["result"]]
