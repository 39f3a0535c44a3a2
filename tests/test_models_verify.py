"""`models verify` / `list` / `path`: re-hashing catches a flipped byte, a missing file and an extra file;
the check before every load trusts the verified marker (a stat) and re-hashes only what changed."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from modelstore.integrity import VERIFIED_MARKER
from modelstore.lock import load_lock
from modelstore.pull import pull_models
from modelstore.sources import local_dir_fetch
from modelstore.store import model_dir, model_state
from modelstore.verify import EXTRA, MISMATCH, MISSING, check_before_load, verify_model
from core.errors import IntegrityError
from tests.test_models_pull import make_fake_model

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pulled(tmp_path: Path):
    lock_path, source, contents = make_fake_model(tmp_path)
    home = tmp_path / "home"
    pull_models(load_lock(lock_path), [], local_dir_fetch(source), home=home)
    entry = load_lock(lock_path).get("fake")
    env = {"MTDIGEST_LOCK": str(lock_path), "MTDIGEST_HOME": str(home)}
    return entry, home, model_dir(entry, home), env


def verify_cli(env: dict[str, str], *args: str):
    return CliRunner().invoke(app, ["models", "verify", "-q", *args], env=env)


def test_intact_model_verifies_and_bookkeeping_is_not_extra(pulled) -> None:
    entry, home, root, env = pulled
    (root / "ct2-int8").mkdir()
    (root / "ct2-int8" / "model.bin").write_bytes(b"converted")
    report = verify_model(entry, home)
    assert report.verified and not report.problems
    result = verify_cli(env)
    assert result.exit_code == 0 and "fake: verified" in result.output


def test_flipped_byte_is_a_mismatch_naming_the_file(pulled) -> None:
    entry, home, root, env = pulled
    weights = root / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[4242] ^= 0x01
    weights.write_bytes(bytes(data))
    assert model_state(entry, home) == "present"  # size unchanged, but the mtime invalidated the marker
    report = verify_model(entry, home)
    assert [(c.path, c.status) for c in report.problems] == [("model.safetensors", MISMATCH)]
    result = verify_cli(env, "fake")
    assert result.exit_code == 4
    assert "model.safetensors: does not match the lock" in result.output


def test_missing_and_extra_files_are_reported(pulled) -> None:
    entry, home, root, env = pulled
    (root / "tokenizer.json").unlink()
    (root / "notes.txt").write_text("not part of the model")
    report = verify_model(entry, home)
    assert sorted((c.path, c.status) for c in report.problems) == [("notes.txt", EXTRA), ("tokenizer.json", MISSING)]
    result = verify_cli(env, "fake", "--json")
    assert result.exit_code == 4
    statuses = {f["path"]: f["status"] for f in json.loads(result.output)[0]["files"]}
    assert statuses["tokenizer.json"] == "missing" and statuses["notes.txt"] == "extra"


def test_extra_file_alone_fails_verification(pulled) -> None:
    entry, home, root, env = pulled
    (root / "sub").mkdir()
    (root / "sub" / "stray.bin").write_bytes(b"x")
    assert [(c.path, c.status) for c in verify_model(entry, home).problems] == [("sub/stray.bin", EXTRA)]
    assert verify_cli(env).exit_code == 4


def test_verified_marker_follows_the_files(pulled) -> None:
    entry, home, root, env = pulled
    assert model_state(entry, home) == "verified"
    stat = (root / "config.json").stat()
    os.utime(root / "config.json", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000))
    assert model_state(entry, home) == "present"
    assert verify_cli(env).exit_code == 0
    assert model_state(entry, home) == "verified"


def test_list_json_and_path(pulled) -> None:
    entry, home, root, env = pulled
    runner = CliRunner()
    listed = runner.invoke(app, ["models", "list", "--json"], env=env)
    assert listed.exit_code == 0
    (row,) = json.loads(listed.output)["models"]
    assert row["state"] == "verified" and row["converted"] == [] and row["size"] == entry.size
    path = runner.invoke(app, ["models", "path", "fake"], env=env)
    assert path.exit_code == 0 and path.output.strip() == str(root)
    no_ct2 = runner.invoke(app, ["models", "path", "fake", "--quantization", "int8"], env=env)
    assert no_ct2.exit_code == 3 and "models convert fake" in no_ct2.output
    missing = runner.invoke(app, ["models", "path", "fake"], env={**env, "MTDIGEST_HOME": str(home / "elsewhere")})
    assert missing.exit_code == 3 and "models pull fake" in missing.output


# Loading a model: a stat per file while the verified marker holds, a re-hash of what changed otherwise.

@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file the load check hashes, in order (a spy on the one hashing call it makes)."""
    import modelstore.verify

    seen: list[str] = []
    real = modelstore.verify.digest_file

    def spy(root: Path, relative: str, on_bytes=None):
        seen.append(relative)
        return real(root, relative, on_bytes)

    monkeypatch.setattr(modelstore.verify, "digest_file", spy)
    return seen


def flip_byte(path: Path, at: int = 4242) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_load_check_of_an_untouched_model_hashes_nothing(pulled, hashes: list[str]) -> None:
    entry, home, root, env = pulled
    check_before_load(entry, root)
    assert hashes == []


def test_load_check_rehashes_only_the_changed_file_and_refreshes_the_marker(pulled, hashes: list[str]) -> None:
    entry, home, root, env = pulled
    stat = (root / "config.json").stat()
    os.utime(root / "config.json", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000))  # touched, same bytes
    check_before_load(entry, root)
    assert hashes == ["config.json"]
    assert model_state(entry, home) == "verified"
    check_before_load(entry, root)
    assert hashes == ["config.json"]  # the refreshed marker holds again


def test_load_check_without_a_marker_hashes_every_file_once(pulled, hashes: list[str]) -> None:
    entry, home, root, env = pulled
    (root / VERIFIED_MARKER).unlink()
    check_before_load(entry, root)
    check_before_load(entry, root)
    assert sorted(hashes) == sorted(f.path for f in entry.files)
    assert model_state(entry, home) == "verified"


def test_load_check_names_the_model_the_file_both_hashes_and_the_fix(pulled) -> None:
    entry, home, root, env = pulled
    flip_byte(root / "model.safetensors")
    with pytest.raises(IntegrityError) as caught:
        check_before_load(entry, root)
    message = str(caught.value)
    expected = next(f.sha256 for f in entry.files if f.path == "model.safetensors")
    actual = hashlib.sha256((root / "model.safetensors").read_bytes()).hexdigest()
    assert "'fake'" in message and "model.safetensors" in message and expected in message and actual in message
    assert "mtdigest models pull fake" in message and "mtdigest models verify fake" in message
    assert "\n" not in message and caught.value.exit_code == 4


def test_load_check_catches_a_truncated_file_by_its_size(pulled, hashes: list[str]) -> None:
    entry, home, root, env = pulled
    weights = root / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(IntegrityError, match=r"model\.safetensors: does not match the lock \(expected 300000 bytes, found 1000 bytes\)"):
        check_before_load(entry, root)
    assert hashes == []  # the size alone tells


def test_an_edit_that_restores_size_and_mtime_passes_the_load_check_but_not_verify(pulled) -> None:
    """The trade-off of a stat-only check: only `models verify` (a full re-hash) sees this."""
    entry, home, root, env = pulled
    weights = root / "model.safetensors"
    before = weights.stat()
    flip_byte(weights)
    os.utime(weights, ns=(before.st_atime_ns, before.st_mtime_ns))
    check_before_load(entry, root)
    assert verify_cli(env, "fake").exit_code == 4


def test_files_the_lock_has_no_hash_for_get_a_size_check_only(tmp_path: Path, hashes: list[str]) -> None:
    lock_path, source, contents = make_fake_model(tmp_path, hashed=False)  # only the weights are hashed
    home = tmp_path / "home"
    pull_models(load_lock(lock_path), [], local_dir_fetch(source), home=home)
    hashes.clear()  # what the pull hashed
    pinned = load_lock(lock_path).get("fake")
    # Sizes recorded for every file, hashes for the weights only (as the hub publishes them).
    entry = dataclasses.replace(pinned, files=tuple(dataclasses.replace(f, size=len(contents[f.path]))
                                                    for f in pinned.files))
    root = model_dir(entry, home)
    assert model_state(entry, home) == "present"  # not provably verified...
    check_before_load(entry, root)
    assert hashes == []  # ...yet the pull's marker spares loading a re-hash of the weights
    flip_byte(root / "tokenizer.json", at=100)  # same size, no hash to compare: unnoticed by design
    check_before_load(entry, root)
    assert hashes == []
    (root / "config.json").write_bytes(contents["config.json"] + b" ")
    with pytest.raises(IntegrityError, match=r"config\.json: does not match the lock \(expected 23 bytes, found 24 bytes\)"):
        check_before_load(entry, root)


def test_a_read_only_models_home_still_loads(pulled, monkeypatch: pytest.MonkeyPatch) -> None:
    import modelstore.verify

    entry, home, root, env = pulled
    (root / VERIFIED_MARKER).unlink()

    def refuse(*args: object) -> None:
        raise PermissionError(13, "Permission denied", str(root / VERIFIED_MARKER))

    monkeypatch.setattr(modelstore.verify, "write_verified_marker", refuse)
    check_before_load(entry, root)  # hashed, matched, the marker could not be written: still fine


def test_list_shows_the_shipped_defaults_with_licences_and_marks_non_commercial(tmp_path: Path) -> None:
    env = {"MTDIGEST_HOME": str(tmp_path / "home"), "MTDIGEST_LOCK": str(REPO_ROOT / "models.lock"),
           "COLUMNS": "250"}
    listed = CliRunner().invoke(app, ["models", "list", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    rows = {row["alias"]: row for row in json.loads(listed.output)["models"]}
    assert rows["opus-mt-tc-big-ar-en"]["default_for"] == ["ar"]
    assert rows["opus-mt-tc-bible-big-iir-en"]["default_for"] == ["fa"]
    assert rows["opus-mt-tc-bible-big-iir-en"]["target_token"] == ">>eng<<"
    assert rows["opus-mt-tc-big-ar-en"]["license"] == "cc-by-4.0" and rows["opus-mt-tc-big-ar-en"]["commercial_use"]
    for alias in ("nllb-200-distilled-600m", "nllb-200-distilled-1.3b"):
        assert rows[alias]["license"] == "cc-by-nc-4.0" and rows[alias]["commercial_use"] is False
        assert rows[alias]["default_for"] == [] and set(rows[alias]["flores200"]) == {"fa", "ar"}
    table = CliRunner().invoke(app, ["models", "list"], env=env)
    assert table.exit_code == 0
    assert "non-commercial" in table.output and "ar→en: BLEU 42.8, chrF++ 65.4" in table.output
