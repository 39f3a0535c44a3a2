"""First use: a job fetches the pinned models it needs (exactly the locked files, verified), or, offline,
names every missing model in one message."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from modelstore.store import model_state

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ROOT = Path(__file__).resolve().parent.parent


def test_offline_the_missing_translators_and_summarizer_are_named_in_one_message(tmp_path: Path) -> None:
    env = {"MTDIGEST_HOME": str(tmp_path / "home"), "MTDIGEST_LOCK": str(ROOT / "models.lock"),
           "MTDIGEST_CACHE": str(tmp_path / "c.sqlite"), "HF_HUB_OFFLINE": "1"}
    result = CliRunner().invoke(app, ["digest", str(SEEDS), "-o", str(tmp_path / "out")], env=env)
    assert result.exit_code == 3, result.output
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    for alias in ("opus-mt-tc-bible-big-iir-en", "opus-mt-tc-big-ar-en", "distilbart-cnn-12-6"):
        assert f"'{alias}'" in line
    assert "3 model(s)" in line and "offline" in line
    assert ("mtdigest models pull opus-mt-tc-bible-big-iir-en opus-mt-tc-big-ar-en distilbart-cnn-12-6" in line
            or "mtdigest models pull opus-mt-tc-big-ar-en opus-mt-tc-bible-big-iir-en distilbart-cnn-12-6" in line)
    assert "models import" in line and "MTDIGEST_HOME" in line and not (tmp_path / "out").exists()
    extractive = CliRunner().invoke(app, ["digest", str(SEEDS), "-o", str(tmp_path / "out"), "--method",
                                          "extractive", "--offline"], env={**env, "HF_HUB_OFFLINE": "0"})
    assert extractive.exit_code == 3 and "2 model(s)" in extractive.output  # no summarizer needed


@pytest.fixture()
def local_hub(tiny_models: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The hub's `resolve` endpoint on 127.0.0.1, serving the tiny models' files; yields the paths asked for."""
    from huggingface_hub import constants

    from modelstore.hub import _connect_error

    asked: list[str] = []
    home = tiny_models / "home"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            repo, _, rest = self.path.lstrip("/").partition("/resolve/")
            revision, _, name = rest.partition("/")
            path = home / repo.replace("/", "--") / revision / name
            if not path.is_file():
                self.send_response(404)
                self.end_headers()
                return
            data = path.read_bytes()
            asked.append(f"{repo}/{name}")
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE",
                        f"http://127.0.0.1:{server.server_address[1]}/{{repo_id}}/resolve/{{revision}}/{{filename}}")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    _connect_error.cache_clear()
    try:
        yield asked
    finally:
        server.shutdown()
        _connect_error.cache_clear()


def empty_home(tiny_models: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A models home with nothing in it yet, over the tiny models' lock."""
    home = tmp_path / "home"
    return home, {"MTDIGEST_HOME": str(home), "MTDIGEST_LOCK": str(tiny_models / "models.lock"),
                  "MTDIGEST_CACHE": str(tmp_path / "c.sqlite")}


def test_a_first_digest_fetches_exactly_the_pinned_models_it_needs_then_goes_on(
    tiny_models: Path, tmp_path: Path, local_hub: list[str]
) -> None:
    from modelstore.lock import load_lock

    home, env = empty_home(tiny_models, tmp_path)
    article = SEEDS / "003_74ed4e50eb75564b.txt"
    result = CliRunner().invoke(app, ["digest", str(article), "-o", str(tmp_path / "out"), "--fast",
                                      "--format", "json", "-q"], env=env)
    assert result.exit_code == 0, result.output
    lock = load_lock(tiny_models / "models.lock")
    assert {p.name for p in home.iterdir() if not p.name.startswith(".")} == {"tiny--nllb", "tiny--bart"}
    for alias in ("tiny-nllb", "tiny-bart"):
        entry = lock.get(alias)
        assert model_state(entry, home) == "verified"  # every file checked against the lock, as `models pull` does
        assert sorted(name for repo_name in local_hub if (name := repo_name.partition(entry.repo + "/")[2])) == \
            sorted(f.path for f in entry.files)
    data = json.loads((tmp_path / "out" / f"{article.stem}.json").read_text(encoding="utf-8"))
    assert data["models"]["translate"]["alias"] == "tiny-nllb" and data["summary"]["method"] == "abstractive"
    fetched = sum(len(lock.get(a).files) for a in ("tiny-nllb", "tiny-bart"))
    assert len(local_hub) == fetched
    again = CliRunner().invoke(app, ["digest", str(article), "-o", str(tmp_path / "out2"), "--fast", "--format",
                                     "json", "-q"], env=env)
    assert again.exit_code == 0 and len(local_hub) == fetched  # nothing fetched twice
    shutil.rmtree(home)
    offline = CliRunner().invoke(app, ["digest", str(article), "-o", str(tmp_path / "out3"), "--offline", "-q"],
                                 env=env)
    assert offline.exit_code == 3 and len(local_hub) == fetched


def test_a_first_batch_fetches_the_models_before_its_workers_start(
    tiny_models: Path, tmp_path: Path, local_hub: list[str]
) -> None:
    home, env = empty_home(tiny_models, tmp_path)
    result = CliRunner().invoke(app, ["batch", str(SEEDS / "003_74ed4e50eb75564b.txt"), "-o", str(tmp_path / "out"),
                                      "--fast", "--format", "json", "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert {p.name for p in home.iterdir() if not p.name.startswith(".")} == {"tiny--nllb", "tiny--bart"}
    assert (tmp_path / "out" / "003_74ed4e50eb75564b.json").is_file()
    offline = CliRunner().invoke(app, ["batch", str(SEEDS / "000_41b56ad6ca49ea79.txt"), "-o", str(tmp_path / "o2"),
                                       "--fast", "--offline", "-q"], env={**env, "MTDIGEST_HOME": str(tmp_path / "h2")})
    assert offline.exit_code == 3 and "2 model(s)" in offline.output
