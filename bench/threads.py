"""CTranslate2 threads and batch sizes for one article vs a day's batch, on the cores this machine has.

    python bench/threads.py [--model tc-big] [--article-sentences 16] [--day-sentences 80] [--repeats 3]

The full-size random tc-big (the default translator's shape, bench/translate.py's build, int8), one process,
raw `translate_batch` on bench/translate.py's workload (S = 40 source tokens, greedy, forced to T = 44 target
tokens so every configuration does the same work), configurations run in turn for `--repeats` rounds (median):

  intra N             one translator, N threads on one batch (what the product does: intra_threads = cores)
  inter 2 x intra N/2 two workers, the batch split in two (`max_batch_size`), N/2 threads each
  batch B             intra = cores, the workload cut into batches of B sentences, one after the other

for an article (16 sentences, about seed 002's 15 + title) and for a day (80 sentences, about the five seeds).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import translate as bench_translate  # noqa: E402
from bench.translate import CACHE, SHAPES  # noqa: E402


def configurations(cores: int) -> list[tuple[str, int, int, int]]:
    """(name, inter_threads, intra_threads, batch size; 0: all at once)."""
    rows = [(f"intra {cores}", 1, cores, 0)]
    if cores >= 2:
        rows.append((f"inter 2 x intra {cores // 2}", 2, cores // 2, 0))
    if cores >= 4:
        rows.append((f"inter {cores // 2} x intra 2", cores // 2, 2, 0))
    rows += [(f"intra {cores}, batch {b}", 1, cores, b) for b in (8, 16, 32)]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="tc-big", choices=sorted(SHAPES))
    parser.add_argument("--article-sentences", type=int, default=16)
    parser.add_argument("--day-sentences", type=int, default=80)
    parser.add_argument("--src-tokens", type=int, default=40)
    parser.add_argument("--tgt-tokens", type=int, default=44)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cache", default=str(CACHE))
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    import ctranslate2

    cache, spec = Path(args.cache), SHAPES[args.model]
    bench_translate.build(cache, shape=args.model)
    cores = len(os.sched_getaffinity(0))
    tokenizer = spec.tokenizer(cache)
    texts = bench_translate.workload(args.day_sentences, args.src_tokens)
    ids = tokenizer([spec.source_text(t) for t in texts], add_special_tokens=True)["input_ids"]
    source = [tokenizer.convert_ids_to_tokens(row) for row in ids]
    prefix = [bench_translate.NLLB_CODES["en"]] if spec.prefix_tokens else None
    length = args.tgt_tokens + spec.prefix_tokens
    rows = configurations(cores)
    translators = {(inter, intra): ctranslate2.Translator(str(bench_translate.converted_dir(cache, args.model)),
                                                          device="cpu", compute_type="int8",
                                                          inter_threads=inter, intra_threads=intra)
                   for _, inter, intra, _ in rows}
    workloads = {"article": source[:args.article_sentences], "day": source}

    def run(batch: list[list[str]], inter: int, intra: int, size: int) -> int:
        translator = translators[(inter, intra)]
        chunk = size or (math.ceil(len(batch) / inter) if inter > 1 else len(batch))
        generated = 0
        for start in range(0, len(batch), size or len(batch)):
            part = batch[start:start + (size or len(batch))]
            results = translator.translate_batch(
                part, target_prefix=[prefix] * len(part) if prefix else None, beam_size=1, max_input_length=0,
                min_decoding_length=length, max_decoding_length=length, max_batch_size=0 if size else chunk)
            generated += sum(len(r.hypotheses[0]) - spec.prefix_tokens for r in results)
        return generated

    print(f"{spec.title}: {cores} CPU cores, load average {os.getloadavg()[0]:.2f}; greedy, {args.src_tokens} -> "
          f"{args.tgt_tokens} tokens a sentence, median of {args.repeats} interleaved rounds")
    for batch in workloads.values():
        for _, inter, intra, size in rows:
            run(batch[:4], inter, intra, size)  # warm-up
    seconds: dict[str, dict[str, list[float]]] = {w: {name: [] for name, *_ in rows} for w in workloads}
    for _ in range(args.repeats):
        for work, batch in workloads.items():
            for name, inter, intra, size in rows:
                t0 = time.perf_counter()
                run(batch, inter, intra, size)
                seconds[work][name].append(time.perf_counter() - t0)
    out = {"cores": cores, "model": args.model, "results": {}}
    for work, batch in workloads.items():
        base = statistics.median(seconds[work][rows[0][0]])
        print(f"\n{work}: {len(batch)} sentences")
        for name, *_ in rows:
            median = statistics.median(seconds[work][name])
            rate = len(batch) * args.tgt_tokens / median
            print(f"  {name:<26} {median:6.2f} s  {rate:7.1f} tok/s  x{base / median:4.2f}")
            out["results"].setdefault(work, {})[name] = {"seconds": seconds[work][name], "median_s": median,
                                                         "tok_s": rate}
    return bench_translate.finish(out, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
