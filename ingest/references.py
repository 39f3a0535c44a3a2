"""Reference translations for `mtdigest calibrate`, as sentence pairs.

They come as TSV files (source<TAB>reference, one pair a line) or as two plain-text files with one sentence a
line, paired by line number (FLORES-200: `devtest/pes_Arab.devtest` with `devtest/eng_Latn.devtest`). A bad file
is an InputError naming it (and the line); the other files are still read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.errors import InputError, MtdigestError
from core.pairs import Pair
from ingest.readers import read_file


def _lines(path: Path) -> list[str]:
    data = read_file(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text ({exc})") from None
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


def read_tsv(path: Path) -> list[Pair]:
    """Pairs of a source<TAB>reference file; blank lines are skipped, any other line without exactly one tab
    is an InputError naming the file and line."""
    pairs = []
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        parts = line.rstrip("\r").split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise InputError(f"{path}:{number}", "expected source<TAB>reference (two non-empty fields)")
        pairs.append(Pair(parts[0].strip(), parts[1].strip(), f"{path}:{number}"))
    return pairs


def read_parallel(source: Path, reference: Path) -> list[Pair]:
    """Pairs of two plain-text files paired by line; both must have the same number of lines."""
    sources, references = _lines(source), _lines(reference)
    if len(sources) != len(references):
        raise InputError(f"{source}", f"{len(sources)} lines, but {reference} has {len(references)}: "
                         f"the files must pair line by line")
    return [Pair(s.strip(), r.strip(), f"{source}:{n}")
            for n, (s, r) in enumerate(zip(sources, references), start=1) if s.strip() and r.strip()]


def read_pairs(tsvs: Sequence[Path], parallel: Sequence[tuple[Path, Path]]) -> tuple[list[Pair], list[MtdigestError]]:
    """Every pair of every input; a bad input is reported and the others are read."""
    pairs: list[Pair] = []
    failed: list[MtdigestError] = []
    inputs = [(read_tsv, (path,)) for path in tsvs] + [(read_parallel, files) for files in parallel]
    for reader, args in inputs:
        try:
            pairs += reader(*args)  # type: ignore[operator]
        except InputError as error:
            failed.append(error)
    return pairs, failed
