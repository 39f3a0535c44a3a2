"""Imported first by benchmark scripts run as `python bench/NAME.py`: puts the repository on `sys.path` and takes
bench/ off it (bench/summarize.py would shadow the `summarize` package)."""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(REPO))
