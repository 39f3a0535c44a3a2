"""Time per article by decoding setting: translation beams and summary beams, realistic lengths, one process.

    python bench/decoding.py [--article seeds/002_31b79cce48f1d696.txt] [--beams 1,2,4] [--summary-beams 1,2,4]
                             [--rounds 3]

bench/pipeline.py's models and lock (built and converted there first; its realistic mode: each greedy translation
stops at 1.1 x its own source tokens, beam > 1 runs in groups of 4 rows of similar length, each to its longest, no
degeneration retries; summaries run to their maximum, 142 tokens for 4 sentences). The article is read and its
models loaded once; then, for `--rounds` rounds (median), every translation beam translates all its sentences
(no cache) and every summary beam summarizes the English of the greedy translation, in turn, so that other load
on a shared machine hits all settings alike; the fastest run of each is printed too (the least disturbed one). What a first `digest` run adds to these (start-up, imports, model
loading, ingestion, checks, rendering) is in pipeline.py's table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import repo_path  # noqa: F401 - first: the repository on sys.path

from bench import pipeline as bench_pipeline  # noqa: E402
from bench.translate import finish  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--article", default=str(bench_pipeline.DEFAULT_ARTICLE))
    parser.add_argument("--beams", default="1,2,4", help="translation beams")
    parser.add_argument("--summary-beams", default="1,2,4")
    args, translator, summarizer, map_note = bench_pipeline.parse_and_load(parser, argv)
    from ingest import read_inputs
    from mt.engine import DecodingOptions
    from mt.translate import TranslateOptions, translate_articles
    from summarize.core import summarize
    from summarize.engine import SummaryOptions

    (article,) = [a for a in read_inputs([args.article]) if not isinstance(a, Exception)]
    beams = [int(b) for b in args.beams.split(",") if b.strip()]
    summary_beams = [int(b) for b in args.summary_beams.split(",") if b.strip()]
    print(f"{len(os.sched_getaffinity(0))} CPU cores, load average {os.getloadavg()[0]:.2f}; {Path(args.article).name}, "
          f"{len(article.sentences())} sentences; translator {map_note}; median of {args.rounds} rounds", flush=True)

    def translate(beam: int) -> float:
        fresh = next(a for a in read_inputs([args.article]) if not isinstance(a, Exception))
        started = time.perf_counter()
        translate_articles([fresh], translator, TranslateOptions(DecodingOptions(beam_size=beam)))
        return time.perf_counter() - started

    translate(1)  # warm-up: weights, thread pools
    translate_articles([article], translator, TranslateOptions(DecodingOptions(beam_size=1)))

    def summary(beam: int) -> float:
        started = time.perf_counter()
        summarize(article, summarizer, options=SummaryOptions(beam_size=beam))
        return time.perf_counter() - started

    summary(1)  # warm-up
    seconds: dict[str, list[float]] = {**{f"translate beam {b}": [] for b in beams},
                                       **{f"summary beam {b}": [] for b in summary_beams}}
    for _ in range(args.rounds):
        for b in beams:
            seconds[f"translate beam {b}"].append(translate(b))
        for b in summary_beams:
            seconds[f"summary beam {b}"].append(summary(b))
    medians = {k: statistics.median(v) for k, v in seconds.items()}
    for name, median in medians.items():
        base = medians.get(name.rsplit(" ", 1)[0] + " 1", median)
        print(f"  {name:<18} {median:6.2f} s  x{median / base:4.2f} of beam 1; fastest {min(seconds[name]):6.2f} s  "
              f"runs {[round(s, 2) for s in seconds[name]]}")
    return finish({"seconds": seconds, "median_s": medians}, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
