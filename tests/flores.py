"""The FLORES-200 devtest sample of tests/data/flores: real sentences with their professional translations."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent / "data" / "flores" / "devtest-sample.tsv"
COLUMNS = {"ar": "arb_Arab", "fa": "pes_Arab", "en": "eng_Latn"}


@lru_cache(maxsize=1)
def rows() -> tuple[dict[str, str], ...]:
    """Each row: `line` (in devtest), `arb_Arab`, `pes_Arab`, `eng_Latn`."""
    with SAMPLE.open(encoding="utf-8", newline="") as stream:
        return tuple(csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))
