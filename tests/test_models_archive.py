"""`models export` → `models import`: the tiny models travel to a fresh home and translate there, offline."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from modelstore.archive import MANIFEST, import_archive
from modelstore.lock import load_lock
from modelstore.store import model_dir, model_state
from core.errors import IntegrityError, ModelSourceError


@pytest.fixture(scope="module")
def exported(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A writable copy of the tiny models and an archive of all three: (lock path, archive)."""
    work = tmp_path_factory.mktemp("export")
    shutil.copytree(tiny_models / "home", work / "home")
    shutil.copy(tiny_models / "models.lock", work / "models.lock")
    archive = work / "tiny.tar"
    env = {"MTDIGEST_LOCK": str(work / "models.lock"), "MTDIGEST_HOME": str(work / "home"), "HF_HUB_OFFLINE": "1"}
    result = CliRunner().invoke(app, ["models", "export", "tiny-nllb", "tiny-marian", "tiny-bart", "-o", str(archive), "-q"], env=env)
    assert result.exit_code == 0, result.output
    return work / "models.lock", archive


def test_round_trip_into_a_fresh_home_is_verified_and_translates(exported, tmp_path: Path, monkeypatch) -> None:
    lock_path, archive = exported
    home, new_lock = tmp_path / "home", tmp_path / "models.lock"
    env = {"MTDIGEST_LOCK": str(new_lock), "MTDIGEST_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    result = CliRunner().invoke(app, ["models", "import", str(archive), "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.count("imported, verified") == 3 and "added its entry" in result.output

    imported = load_lock(new_lock)
    assert set(imported.models) == {"tiny-nllb", "tiny-marian", "tiny-bart"}
    assert imported.models["tiny-nllb"] == load_lock(lock_path).models["tiny-nllb"]
    assert {a: model_state(e, home) for a, e in imported.models.items()} == dict.fromkeys(imported.models, "verified")
    assert not (home / ".partial").exists()

    listed = CliRunner().invoke(app, ["models", "list", "--json"], env=env)
    assert {m["state"] for m in json.loads(listed.output)["models"]} == {"verified"}

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from mt.engine import DecodingOptions
    from mt.loading import load_translator

    engine = load_translator(imported.get("tiny-nllb"), engine="transformers", device="cpu", home=home)
    assert engine.model_dir == model_dir(imported.get("tiny-nllb"), home)
    (english,) = engine.translate(["خبرگزاری ایرنا گزارش داد."], "fa", DecodingOptions(beam_size=1))
    assert isinstance(english, str) and english


def test_import_into_a_lock_that_pins_the_same_models(exported, tmp_path: Path) -> None:
    lock_path, archive = exported
    target_lock = tmp_path / "models.lock"
    shutil.copy(lock_path, target_lock)
    before = target_lock.read_text()
    result = import_archive(archive, target_lock, tmp_path / "home")
    assert [m.lock_action for m in result.models] == ["already"] * 3 and all(m.placed for m in result.models)
    assert target_lock.read_text() == before
    again = import_archive(archive, target_lock, tmp_path / "home")
    assert not any(m.placed for m in again.models)


def _rewrite(archive: Path, out: Path, change) -> Path:
    """Copy an archive member by member, letting `change(info, data)` alter or add members."""
    with tarfile.open(archive) as src, tarfile.open(out, "w") as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read() if info.isfile() else b""
            for new_info, new_data in change(info, data):
                dst.addfile(new_info, io.BytesIO(new_data) if new_info.isfile() else None)
    return out


def test_tampered_file_imports_nothing(exported, tmp_path: Path) -> None:
    lock_path, archive = exported

    def flip(info, data):
        if "tiny--marian/" in info.name and info.name.endswith("model.safetensors"):
            data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
        yield info, data

    bad = _rewrite(archive, tmp_path / "bad.tar", flip)
    home, new_lock = tmp_path / "home", tmp_path / "models.lock"
    with pytest.raises(IntegrityError, match="model.safetensors"):
        import_archive(bad, new_lock, home)
    assert not new_lock.exists()
    assert not home.exists() or not any(home.iterdir())
    result = CliRunner().invoke(app, ["models", "import", str(bad), "-q"],
                                env={"MTDIGEST_LOCK": str(new_lock), "MTDIGEST_HOME": str(home)})
    assert result.exit_code == 4 and "model.safetensors" in result.output


@pytest.mark.parametrize("evil", ["../../escaped.txt", "/tmp/absolute.txt", "link"])
def test_path_traversal_and_links_are_refused(exported, tmp_path: Path, evil: str) -> None:
    _, archive = exported

    def add_evil(info, data):
        yield info, data
        if info.name == MANIFEST:
            extra = tarfile.TarInfo("mtdigest-models/" + evil if not evil.startswith("/") else evil)
            if evil == "link":
                extra.type, extra.linkname = tarfile.SYMTYPE, "/etc/passwd"
                yield extra, b""
            else:
                extra.size = 4
                yield extra, b"evil"

    bad = _rewrite(archive, tmp_path / "evil.tar", add_evil)
    home = tmp_path / "sub" / "home"
    with pytest.raises(ModelSourceError, match="refusing|not listed"):
        import_archive(bad, tmp_path / "models.lock", home)
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "sub" / "escaped.txt").exists()
    assert not home.exists() or not any(home.rglob("*.safetensors"))


def test_not_an_archive(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar at all")
    with pytest.raises(ModelSourceError):
        import_archive(junk, tmp_path / "models.lock", tmp_path / "home")
