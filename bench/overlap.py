"""Does translating the next article while the previous one is summarized pay, on the cores this machine has?

    python bench/overlap.py [--rounds 3] [--articles seeds/*.txt]

pipeline.py's models (tc-big shape, distilbart shape, CTranslate2 int8, realistic lengths), the product's own
calls (`mt.translate.translate_articles`, `summarize.core.summarize`, default decoding), over the five seeds,
three ways, alternated for `--rounds` rounds (median):

  batched, then summaries   every article translated in the same batches, then each summarized (what `digest`
                            and `brief` do)
  one after the other       translate article k alone, summarize it, then article k + 1
  overlapped                as above, but article k + 1 is translated in a second thread while article k is
                            summarized (CTranslate2 releases the GIL; each model keeps intra_threads = cores)
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from repo_path import REPO  # noqa: I001 - first: the repository on sys.path

from bench import pipeline as bench_pipeline  # noqa: E402
from bench.translate import finish  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", nargs="*", default=sorted(str(p) for p in (REPO / "seeds").glob("*.txt")))
    args, translator, summarizer, map_note = bench_pipeline.parse_and_load(parser, argv)
    from ingest import read_inputs
    from mt.translate import TranslateOptions, translate_articles
    from summarize.core import summarize

    def fresh() -> list:
        return [a for a in read_inputs(args.articles) if not isinstance(a, Exception)]

    def translate(article) -> None:
        translate_articles([article], translator, TranslateOptions())

    def one_after_the_other() -> float:
        articles, started = fresh(), time.perf_counter()
        for article in articles:
            translate(article)
            summarize(article, summarizer)
        return time.perf_counter() - started

    def batched() -> float:
        articles, started = fresh(), time.perf_counter()
        translate_articles(articles, translator, TranslateOptions())
        for article in articles:
            summarize(article, summarizer)
        return time.perf_counter() - started

    def overlapped() -> float:
        articles, started = fresh(), time.perf_counter()
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(translate, articles[0])
            for k, article in enumerate(articles):
                pending.result()
                if k + 1 < len(articles):
                    pending = pool.submit(translate, articles[k + 1])
                summarize(article, summarizer)
        return time.perf_counter() - started

    articles = fresh()
    print(f"{len(os.sched_getaffinity(0))} CPU cores, load average {os.getloadavg()[0]:.2f}; {len(articles)} articles, "
          f"{sum(len(a.sentences()) for a in articles)} sentences; translator {map_note}; median of {args.rounds} "
          f"rounds", flush=True)
    one_after_the_other()  # warm-up: weights, thread pools
    ways = {"batched, then summaries": batched, "one after the other": one_after_the_other, "overlapped": overlapped}
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(args.rounds):
        for name, way in ways.items():
            seconds[name].append(way())
    medians = {name: statistics.median(runs) for name, runs in seconds.items()}
    base = medians["batched, then summaries"]
    for name, median in medians.items():
        print(f"  {name:<24} {median:6.2f} s  x{base / median:4.2f} the speed of batched, then summaries; "
              f"runs {[round(s, 2) for s in seconds[name]]}")
    return finish({"seconds": seconds, "median_s": medians}, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
