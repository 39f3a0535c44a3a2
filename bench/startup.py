"""Start-up time of the commands that run no model: a fresh process each, median of N runs.

    python bench/startup.py [--runs 5]

Measures `mtdigest --help`, `models list`, `cache stats`, `inspect` of one seed and `digest --from-json
--method extractive` of that seed's JSON (written first with `--method extractive`, translated by whatever
models `MTDIGEST_HOME`/`MTDIGEST_LOCK` name; with none installed that step is skipped), wall time from
process start to exit, and whether the process imported torch or transformers (it should not).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "003_74ed4e50eb75564b.txt"
PROBE = ("import atexit, sys; atexit.register(lambda: print(sorted({'torch', 'transformers'} & set(sys.modules)), "
         "file=sys.stderr)); from cli import app; sys.argv = ['mtdigest', *sys.argv[1:]]; app()")


def timed(args: list[str], runs: int, env: dict[str, str]) -> tuple[float, str]:
    times, heavy = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, cwd=REPO)
        times.append(time.perf_counter() - started)
        heavy = (run.stderr.strip().splitlines() or [""])[-1]
    return statistics.median(times), heavy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "MTDIGEST_CACHE": str(Path(scratch) / "cache.sqlite"), "HF_HUB_OFFLINE": "1"}
        commands = [["--help"], ["models", "list"], ["cache", "stats"], ["inspect", str(SEED), "--json"]]
        first = subprocess.run([sys.executable, "-c", PROBE, "digest", str(SEED), "-o", scratch, "--fast",
                                "--method", "extractive", "--format", "json", "-q"], env=env, capture_output=True)
        if first.returncode == 0:
            commands.append(["digest", str(Path(scratch) / f"{SEED.stem}.json"), "--from-json", "-o",
                             str(Path(scratch) / "again"), "--method", "extractive", "-q"])
        print(f"{'command':<40} {'median s':>9}  heavy imports")
        for command in commands:
            seconds, heavy = timed(command, args.runs, env)
            label = " ".join(c if not c.startswith("/") else Path(c).name for c in command)
            print(f"{label[:40]:<40} {seconds:>9.2f}  {heavy}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
