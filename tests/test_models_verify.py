"""`models verify` / `list` / `path`: re-hashing catches a flipped byte, a missing file and an extra file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from modelstore.lock import load_lock
from modelstore.pull import pull_models
from modelstore.sources import local_dir_fetch
from modelstore.store import model_dir, model_state
from modelstore.verify import EXTRA, MISMATCH, MISSING, verify_model
from tests.test_models_pull import make_fake_model


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
