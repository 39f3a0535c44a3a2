"""The two schedulers of `mtdigest batch`: batches one after another in this process, or reads as Ray tasks and
batches through an actor pool of `BatchWorker`s. Both get the same planned batches, so both write the same outputs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from core.article import Article
from digest.batch_inputs import read_input
from digest.batch_worker import BatchWorker


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
