"""ingest.langid_model: py3langid's model decompressed once, read back identical, rebuilt when damaged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from ingest import langid_model
from tests.tiny_models import seed_files

TEXTS = [line for path in seed_files() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:40]
TEXTS += ["The minister met his counterpart in Tehran.", "Der Minister traf seinen Amtskollegen.", "x"]


@pytest.fixture(scope="module")
def reference() -> list:
    shipped = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return [shipped.rank(text) for text in TEXTS]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(langid_model, "cache_dir", lambda: tmp_path / "cache")
    return tmp_path / "cache"


def test_the_copy_is_written_once_and_ranks_as_the_shipped_model(cache: Path, reference: list) -> None:
    first = langid_model.load_identifier()
    copies = list(cache.glob("langid-*.bin"))
    assert len(copies) == 1 and not list(cache.glob("*.tmp"))
    stamp = copies[0].stat().st_mtime_ns
    second = langid_model.load_identifier()
    assert copies[0].stat().st_mtime_ns == stamp  # read, not rewritten
    assert [first.rank(t) for t in TEXTS] == reference
    assert [second.rank(t) for t in TEXTS] == reference


def test_a_damaged_copy_is_rebuilt(cache: Path, reference: list) -> None:
    langid_model.load_identifier()
    copy = next(cache.glob("langid-*.bin"))
    copy.write_bytes(copy.read_bytes()[: 1000])
    assert [langid_model.load_identifier().rank(t) for t in TEXTS] == reference
    assert copy.stat().st_size > 1000


def test_an_unwritable_cache_still_identifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: list) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(langid_model, "cache_dir", lambda: blocked / "cache")
    assert [langid_model.load_identifier().rank(t) for t in TEXTS] == reference
    assert os.listdir(tmp_path) == ["a-file"]


def test_the_copy_is_mapped_not_read(cache: Path) -> None:
    """The tables are views of the file (reading 68 MB whole cost 0.3-0.4 s of every process); the .npz copy of
    an earlier release is removed when the new copy is written."""
    cache.mkdir(parents=True)
    legacy = cache / "langid-0123456789abcdef.npz"
    legacy.write_bytes(b"old")
    langid_model.load_identifier()
    assert not legacy.exists()
    mapped = langid_model.load_identifier()
    assert isinstance(mapped.tk_nextmove, memoryview) and isinstance(mapped.tk_output, memoryview)
    assert not mapped.nb_ptc.flags.owndata and not mapped.nb_ptc.flags.writeable
