"""Ingestion speed on long articles: sentence splitting alone and the whole of `prepare_article`.

    python bench/segment.py [--sizes 100,1000,5000] [--json FILE]

The text is a real seed article repeated to the size asked, once with its paragraph breaks and once as a
single line (the worst case for look-backs: every full stop's context is the whole paragraph). Prints kB/s
per size and layout, median of 3 runs; linear scaling shows as a flat kB/s column.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SEED = REPO / "seeds" / "002_31b79cce48f1d696.txt"


def text_of(kilobytes: int, one_line: bool) -> str:
    body = "\n".join(line for line in SEED.read_text(encoding="utf-8").splitlines()[1:] if line.strip())
    if one_line:
        body = body.replace("\n", " ")
    target = kilobytes * 1000
    copies = body * (target // len(body.encode("utf-8")) + 1)
    return copies.encode("utf-8")[:target].decode("utf-8", errors="ignore")


def timed(run, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    from ingest.article import prepare_article
    from ingest.segment import sentence_spans

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="kB, comma-separated")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    rows = []
    print(f"{'size':>8} {'layout':>10} {'split kB/s':>11} {'ingest kB/s':>12} {'sentences':>10}")
    for kilobytes in (int(s) for s in args.sizes.split(",")):
        for one_line in (False, True):
            text = text_of(kilobytes, one_line)
            split = timed(lambda: [sentence_spans(p) for p in text.split("\n")])
            article = prepare_article(text, article_id="bench")
            ingest = timed(lambda: prepare_article(text, article_id="bench"), repeats=1 if kilobytes >= 1000 else 3)
            row = {"kB": kilobytes, "layout": "one line" if one_line else "paragraphs",
                   "split_kB_s": round(kilobytes / split), "ingest_kB_s": round(kilobytes / ingest, 1),
                   "sentences": len(article.sentences())}
            rows.append(row)
            print(f"{kilobytes:>6}kB {row['layout']:>10} {row['split_kB_s']:>11} {row['ingest_kB_s']:>12} "
                  f"{row['sentences']:>10}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
