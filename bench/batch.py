"""`mtdigest batch` throughput: in-process vs `--ray` with 2 CPU actors, on one machine.

    python bench/batch.py [--articles 24] [--actors 2] [--method abstractive]

By default it uses the tiny random-weight models of the tests (`python -m tests.tiny_models`, built once and
cached) so it runs in a few minutes on 2 cores: the figures measure scheduling (actor start-up, model loading
once per actor, batches spread over actors) on a model whose compute is small, not translation quality.
`--full-size` runs the real architectures instead (bench/pipeline.py's random-weight translator, the tc-big
Marian shape of the default translators since issue 15 (NLLB-200-distilled-600M before), and distilbart-cnn-12-6, CTranslate2 int8, built and converted once): random weights never emit </s>,
so every sentence runs to its full output budget (2 x source tokens + 16) and every summary to its maximum;
articles/s is therefore a lower bound for real models, and the in-process / Ray ratio is the figure. Each run is a
fresh `mtdigest batch` subprocess with its own empty translation cache, over the same corpus (the seeds plus
generated articles made of their words); wall time includes start-up (Ray's included). The Ray run's outputs
are checked to be identical to the in-process run's (timings aside).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def corpus(directory: Path, articles: int) -> int:
    """Seeds + generated articles up to `articles`; returns the number of sentences."""
    from ingest import read_inputs
    from tests.test_batch import SEEDS, generated_articles

    (directory / "seeds").mkdir(parents=True)
    for seed in SEEDS.glob("*.txt"):
        (directory / "seeds" / seed.name).write_bytes(seed.read_bytes())
    generated_articles(directory, max(0, articles - 5))
    return sum(len(a.sentences()) for a in read_inputs([str(directory)]) if not isinstance(a, Exception))


def comparable(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
        data.pop("timings", None)
        return json.dumps(data, sort_keys=True)
    return re.sub(r"(Time taken\D*?)[\d.]+ s", r"\1", text)


def run(label: str, args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", "from cli import app; app()", "batch", *args],
                            cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{label} failed:\n{result.stderr[-3000:]}")
    return seconds


def tiny_models() -> tuple[Path, Path]:
    """(lock, home) of the tests' tiny models."""
    from tests.tiny_models import cached_tiny_models

    models = cached_tiny_models()
    return models / "models.lock", models / "home"


def full_size_models() -> tuple[Path, Path]:
    """(lock, home) of bench/pipeline.py's full-size random-weight translator and summarizer."""
    from bench import pipeline, summarize

    cache = Path(pipeline.CACHE)
    translator = pipeline.install_translator(cache)
    summarizer = summarize.build(cache)
    return pipeline.write_lock(cache, translator, summarizer), summarize.home_dir(cache)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=24)
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--method", default="abstractive")
    parser.add_argument("--batch-sentences", type=int, default=32)
    parser.add_argument("--full-size", action="store_true", help="the full-size random-weight architectures")
    options = parser.parse_args()
    lock, home = full_size_models() if options.full_size else tiny_models()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sentences = corpus(work / "corpus", options.articles)
        common = [str(work / "corpus"), "--fast", "--sentences", "1", "--method", options.method,
                  "--batch-sentences", str(options.batch_sentences), "-q", "--format", "json,html"]
        rows = []
        for label, extra in (("in-process", []), (f"ray, {options.actors} actors", ["--ray", "--actors", str(options.actors)])):
            out = work / label.split(",")[0]
            env = os.environ | {"MTDIGEST_LOCK": str(lock), "MTDIGEST_HOME": str(home),
                                "MTDIGEST_CACHE": str(work / f"{out.name}.sqlite"), "OMP_NUM_THREADS": "1"}
            seconds = run(label, [*common, "-o", str(out), *extra], env)
            rows.append((label, seconds, out))
        same = all(comparable(p) == comparable(rows[1][2] / p.name)
                   for p in rows[0][2].iterdir() if p.name != "manifest.json")
    kind = "full-size random-weight models" if options.full_size else "tiny models"
    print(f"corpus: {options.articles} articles, {sentences} sentences; {kind}, {os.cpu_count()} cores; "
          f"summary {options.method}")
    print(f"{'scheduler':<16} {'wall s':>8} {'articles/s':>11} {'sentences/s':>12}")
    for label, seconds, _ in rows:
        print(f"{label:<16} {seconds:8.1f} {options.articles / seconds:11.2f} {sentences / seconds:12.1f}")
    print(f"ray / in-process wall time: {rows[1][1] / rows[0][1]:.2f}x; outputs identical: {same}")


if __name__ == "__main__":
    main()
