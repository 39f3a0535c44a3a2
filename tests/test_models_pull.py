"""`models pull` from a local source injected at the one function that fetches a file (no network)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tomllib
from pathlib import Path

import pytest
import tomli_w
from typer.testing import CliRunner

from cli import app
from modelstore.hub import needed_files
from modelstore.lock import load_lock
from modelstore.pull import pull_models, staging_dir
from modelstore.sources import local_dir_fetch, local_dir_files
from modelstore.store import model_dir, model_state
from core.errors import IntegrityError, ModelSourceError

REV = "0123456789abcdef0123456789abcdef01234567"
HEADER = "# pinned models for the tests\n# second comment line\n"


def make_fake_model(tmp: Path, *, hashed: bool = True, listed: bool = True) -> tuple[Path, Path, dict[str, bytes]]:
    """A source directory with a few files and a lock pinning them: (lock path, source dir, contents)."""
    contents = {
        "config.json": b'{"model_type": "fake"}\n',
        "tokenizer.json": ("{" + '"vocab": "' + "x" * 5000 + '"}').encode(),
        "model.safetensors": os.urandom(300_000),
    }
    source = tmp / "source"
    source.mkdir(parents=True)
    for name, data in contents.items():
        (source / name).write_bytes(data)
    files = []
    for name, data in contents.items():
        record = {"path": name}
        if hashed or name == "model.safetensors":
            record |= {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        files.append(record)
    lock = {
        "lock_version": 1,
        "defaults": {"translate": {"fa": "fake"}},
        "models": [{
            "alias": "fake", "role": "translate", "architecture": "marian", "repo": "test-org/fake-mt",
            "revision": REV, "license": "cc-by-4.0", "languages": ["fa"], **({"files": files} if listed else {}),
        }],
    }
    lock_path = tmp / "models.lock"
    lock_path.write_text(HEADER + tomli_w.dumps(lock), encoding="utf-8")
    return lock_path, source, contents


@pytest.fixture
def fake(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes], Path]:
    lock_path, source, contents = make_fake_model(tmp_path)
    return lock_path, source, contents, tmp_path / "home"


def counting(fetch, seen: list[int]):
    def wrapped(entry, path, part, advance):
        fetch(entry, path, part, lambda n: (seen.append(n), advance(n)))
    return wrapped


def test_fresh_pull_places_verified_files_and_leaves_no_staging(fake) -> None:
    lock_path, source, contents, home = fake
    lock = load_lock(lock_path)
    (result,) = pull_models(lock, ["fake"], local_dir_fetch(source), home=home)
    entry = lock.get("fake")
    root = model_dir(entry, home)
    assert sorted(result.fetched) == sorted(contents) and result.verified
    assert {p: (root / p).read_bytes() for p in contents} == contents
    assert model_state(entry, home) == "verified"
    assert not (home / ".partial").exists()
    (again,) = pull_models(lock, ["fake"], local_dir_fetch(source), home=home)
    assert again.fetched == [] and sorted(again.kept) == sorted(contents)


def test_interrupted_download_resumes_from_the_partial_file(fake) -> None:
    lock_path, source, contents, home = fake
    lock = load_lock(lock_path)
    entry = lock.get("fake")
    cut = 100_000

    def dying(entry_, path, part, advance):
        if path != "model.safetensors":
            return local_dir_fetch(source)(entry_, path, part, advance)
        with part.open("ab") as handle:
            handle.write(contents[path][:cut])
        raise ConnectionError("connection reset by peer")

    with pytest.raises(ModelSourceError, match="model.safetensors.*resume"):
        pull_models(lock, ["fake"], dying, home=home)
    assert not model_dir(entry, home).exists()
    part = staging_dir(entry, home) / "model.safetensors.part"
    assert part.stat().st_size == cut

    seen: list[int] = []
    (result,) = pull_models(lock, ["fake"], counting(local_dir_fetch(source), seen), home=home)
    assert result.resumed == ["model.safetensors"]
    assert sum(seen) == len(contents["model.safetensors"]) - cut  # only the missing tail was read
    assert (model_dir(entry, home) / "model.safetensors").read_bytes() == contents["model.safetensors"]
    assert model_state(entry, home) == "verified"


def test_hash_mismatch_names_the_file_and_keeps_what_the_user_had(fake) -> None:
    lock_path, source, contents, home = fake
    lock = load_lock(lock_path)
    entry = lock.get("fake")
    root = model_dir(entry, home)
    root.mkdir(parents=True)
    (root / "config.json").write_bytes(contents["config.json"])  # a user's partial copy
    corrupt = bytearray(contents["model.safetensors"])
    corrupt[1234] ^= 0xFF
    (source / "model.safetensors").write_bytes(bytes(corrupt))

    with pytest.raises(IntegrityError, match="model.safetensors"):
        pull_models(lock, ["fake"], local_dir_fetch(source), home=home)
    assert (root / "config.json").read_bytes() == contents["config.json"]
    assert not (root / "model.safetensors").exists() and not (root / "tokenizer.json").exists()
    staged = staging_dir(entry, home)
    assert not (staged / "model.safetensors").exists() and not (staged / "model.safetensors.part").exists()

    result = CliRunner().invoke(app, ["models", "pull", "fake", "--from", str(source), "-q"],
                                env={"MTDIGEST_LOCK": str(lock_path), "MTDIGEST_HOME": str(home)})
    assert result.exit_code == 4
    assert "model.safetensors" in result.output and "Traceback" not in result.output


def test_mismatch_on_a_fresh_pull_leaves_no_model_directory(fake) -> None:
    lock_path, source, contents, home = fake
    (source / "tokenizer.json").write_bytes(contents["tokenizer.json"][:-1] + b"!")
    lock = load_lock(lock_path)
    with pytest.raises(IntegrityError, match="tokenizer.json"):
        pull_models(lock, [], local_dir_fetch(source), home=home)
    assert not model_dir(lock.get("fake"), home).exists()


def test_update_lock_records_missing_hashes_and_keeps_the_rest(tmp_path: Path) -> None:
    lock_path, source, contents = make_fake_model(tmp_path, hashed=False)
    home = tmp_path / "home"
    env = {"MTDIGEST_LOCK": str(lock_path), "MTDIGEST_HOME": str(home)}
    runner = CliRunner()

    plain = runner.invoke(app, ["models", "pull", "--from", str(source), "-q"], env=env)
    assert plain.exit_code == 0, plain.output
    assert "no sha256 in the lock" in plain.output and "--update-lock" in plain.output
    assert model_state(load_lock(lock_path).get("fake"), home) == "present"

    before = tomllib.loads(lock_path.read_text())
    recorded = runner.invoke(app, ["models", "pull", "fake", "--from", str(source), "--update-lock", "-q"], env=env)
    assert recorded.exit_code == 0, recorded.output
    assert "recorded sha256 of 2 file(s)" in recorded.output
    text = lock_path.read_text()
    assert text.startswith(HEADER)
    after = tomllib.loads(text)
    assert after["defaults"] == before["defaults"]
    files = {f["path"]: f for f in after["models"][0]["files"]}
    for name, data in contents.items():
        assert files[name] == {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert model_state(load_lock(lock_path).get("fake"), home) == "verified"


def test_entry_without_files_pulls_what_loading_needs(tmp_path: Path) -> None:
    lock_path, source, contents = make_fake_model(tmp_path, listed=False)
    (source / "README.md").write_text("card")
    (source / "pytorch_model.bin").write_bytes(b"old weights")
    home = tmp_path / "home"
    lock = load_lock(lock_path)
    (result,) = pull_models(lock, ["fake"], local_dir_fetch(source), home=home,
                            list_files=local_dir_files(source), update_lock=True)
    assert sorted(result.fetched) == sorted(contents)
    entry = load_lock(lock_path).get("fake")
    assert sorted(f.path for f in entry.files) == sorted(contents)
    assert model_state(entry, home) == "verified"


def test_needed_files_prefers_safetensors_and_skips_the_rest() -> None:
    repo = ["README.md", "config.json", "generation_config.json", "model.safetensors", "pytorch_model.bin",
            "tf_model.h5", "sentencepiece.bpe.model", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]
    assert needed_files(repo) == ["config.json", "generation_config.json", "sentencepiece.bpe.model",
                                  "tokenizer.json", "tokenizer_config.json", "model.safetensors"]
    sharded = ["config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors",
               "model-00002-of-00002.safetensors", "pytorch_model.bin"]
    assert needed_files(sharded)[1:] == sharded[1:4]


def test_hub_source_refuses_when_offline(fake, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    from modelstore.hub import hub_fetch

    lock_path, _, _, home = fake
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(ModelSourceError, match="HF_HUB_OFFLINE"):
        pull_models(load_lock(lock_path), ["fake"], hub_fetch, home=home)
    assert not model_dir(load_lock(lock_path).get("fake"), home).exists()


def test_update_lock_keeps_the_comments_of_a_hand_written_lock(tmp_path: Path) -> None:
    from modelstore.lock import LockedFile
    from modelstore.lockwrite import record_files

    lock_path = tmp_path / "models.lock"
    shutil.copy(Path(__file__).resolve().parent.parent / "models.lock", lock_path)
    before = lock_path.read_text()
    alias = next(a for a, e in load_lock(lock_path).models.items() if any(f.sha256 is None for f in e.files))
    target = next(f for f in load_lock(lock_path).get(alias).files if f.sha256 is None)
    record_files(lock_path, {alias: [LockedFile(target.path, 7, "e" * 64)]})
    after = lock_path.read_text()
    assert [line for line in before.splitlines() if "#" in line] == [line for line in after.splitlines() if "#" in line]
    changed = load_lock(lock_path)
    assert next(f for f in changed.get(alias).files if f.path == target.path) == LockedFile(target.path, 7, "e" * 64)
    untouched = load_lock(Path(__file__).resolve().parent.parent / "models.lock")
    assert {a: e for a, e in changed.models.items() if a != alias} == {a: e for a, e in untouched.models.items() if a != alias}


class _RangeServer:
    """A local stand-in for the hub's `resolve` endpoint: serves files, honours `Range` unless told not to."""

    def __init__(self, root: Path, honour_range: bool = True) -> None:
        import http.server
        import threading

        served: list[int] = []
        self.served = served

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                data = (root / self.path.rsplit("/", 1)[-1]).read_bytes()
                start = 0
                header = self.headers.get("Range")
                if header and honour_range:
                    start = int(header.split("=")[1].split("-")[0])
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                self.wfile.write(data[start:])
                served.append(len(data) - start)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.template = f"http://127.0.0.1:{self.httpd.server_address[1]}/{{repo_id}}/resolve/{{revision}}/{{filename}}"


@pytest.mark.parametrize("honour_range", [True, False])
def test_hub_fetch_resumes_with_a_range_request(fake, monkeypatch: pytest.MonkeyPatch, honour_range: bool) -> None:
    from huggingface_hub import constants

    from modelstore.hub import hub_fetch

    lock_path, source, contents, home = fake
    server = _RangeServer(source, honour_range)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", server.template)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    lock = load_lock(lock_path)
    entry = lock.get("fake")
    part = staging_dir(entry, home) / "model.safetensors.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(contents["model.safetensors"][:120_000])
    try:
        (result,) = pull_models(lock, ["fake"], hub_fetch, home=home)
    finally:
        server.httpd.shutdown()
    assert result.resumed == ["model.safetensors"] and result.verified
    weights = len(contents["model.safetensors"])
    assert (weights - 120_000 if honour_range else weights) in server.served
    assert (model_dir(entry, home) / "model.safetensors").read_bytes() == contents["model.safetensors"]


def test_an_unreachable_hub_is_said_once_with_what_was_tried_and_the_offline_ways(
    fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from huggingface_hub import constants

    from modelstore.hub import _connect_error, hub_fetch

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now: connections are refused at once
    lock_path, _, _, home = fake
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE",
                        f"http://127.0.0.1:{port}/{{repo_id}}/resolve/{{revision}}/{{filename}}")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    _connect_error.cache_clear()
    with pytest.raises(ModelSourceError) as caught:
        pull_models(load_lock(lock_path), ["fake"], hub_fetch, home=home)
    message = str(caught.value)
    assert "not reachable from this machine" in message and f"127.0.0.1:{port}" in message
    assert "models import" in message and "--from DIR" in message and "again" not in message
    assert not model_dir(load_lock(lock_path).get("fake"), home).exists()
