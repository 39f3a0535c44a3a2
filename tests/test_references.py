"""ingest.references: the reference pairs of `mtdigest calibrate`, and a clear error for each bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InputError
from ingest.references import read_pairs, read_tsv


def test_reference_files_are_read_and_bad_ones_reported(tmp_path: Path) -> None:
    good = tmp_path / "good.tsv"
    good.write_text("سلام\tHello\n\nقیمت‌ها\tPrices\n", encoding="utf-8")
    assert [(p.source, p.reference, p.where) for p in read_tsv(good)] == [
        ("سلام", "Hello", f"{good}:1"), ("قیمت‌ها", "Prices", f"{good}:3")]
    bad = tmp_path / "bad.tsv"
    bad.write_text("سلام\tHello\nno tab here\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.tsv:2: expected source<TAB>reference"):
        read_tsv(bad)
    src, ref, short = tmp_path / "src.txt", tmp_path / "ref.txt", tmp_path / "short.txt"
    src.write_text("یک\nدو\n", encoding="utf-8")
    ref.write_text("One\nTwo\n", encoding="utf-8")
    short.write_text("One\n", encoding="utf-8")
    pairs, failed = read_pairs([bad, good], [(src, ref), (src, short), (tmp_path / "gone.txt", ref)])
    assert [p.reference for p in pairs] == ["Hello", "Prices", "One", "Two"]
    assert [str(e).split(":")[0] for e in failed] == [str(bad), str(src), str(tmp_path / "gone.txt")]
    assert "2 lines, but" in str(failed[1])
