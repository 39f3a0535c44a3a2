"""Interruption and concurrency: finished outputs stay complete, nothing half-written, the cache consistent."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def many_articles(directory: Path, copies: int) -> Path:
    """Distinct articles made from the seeds (a numbered line keeps each one different)."""
    directory.mkdir(parents=True)
    for n in range(copies):
        for seed in sorted(SEEDS.glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            lines = text.splitlines()
            lines.insert(2, f"گزارش شماره {n} از این خبر در روز {n + 1} منتشر شد.")
            (directory / f"{n:03d}_{seed.name}").write_text("\n".join(lines), encoding="utf-8")
    return directory


def mtdigest(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    code = "import sys; from cli import app; sys.argv = ['mtdigest', *sys.argv[1:]]; app()"
    return subprocess.Popen([sys.executable, "-c", code, *args], env={**os.environ, **env}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=SEEDS.parent)


@pytest.fixture()
def env(tiny_models: Path, tmp_path: Path) -> dict[str, str]:
    return {"MTDIGEST_LOCK": str(tiny_models / "models.lock"), "MTDIGEST_HOME": str(tiny_models / "home"),
            "MTDIGEST_CACHE": str(tmp_path / "cache.sqlite"), "OMP_NUM_THREADS": "1"}


def assert_outputs_complete(out: Path) -> list[Path]:
    assert not list(out.rglob("*.part")), "a half-written file was left behind"
    written = sorted(out.glob("*.json"))
    for path in written:
        assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == 1
    return written


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_digest_keeps_finished_outputs_and_resumes(env: dict[str, str], tmp_path: Path, sig: int) -> None:
    inputs = many_articles(tmp_path / "in", copies=12)
    out = tmp_path / "out"
    args = ("digest", str(inputs), "-o", str(out), "--fast", "--method", "extractive", "--engine", "transformers", "-q")
    run = mtdigest(env, *args)
    deadline = time.monotonic() + 120
    while not list(out.glob("*.json")) and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
    run.send_signal(sig)
    _, err = run.communicate(timeout=120)
    if run.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert run.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    first = assert_outputs_complete(out)
    with sqlite3.connect(env["MTDIGEST_CACHE"]) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = mtdigest(env, *args)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert len(assert_outputs_complete(out)) == 60 >= len(first)


def test_two_processes_share_cache_and_output_dir(env: dict[str, str], tmp_path: Path) -> None:
    inputs = many_articles(tmp_path / "in", copies=3)
    out = tmp_path / "out"
    args = ("digest", str(inputs), "-o", str(out), "--fast", "--method", "extractive", "-q")
    runs = [mtdigest(env, *args), mtdigest(env, *args)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    assert len(assert_outputs_complete(out)) == 15
    with sqlite3.connect(env["MTDIGEST_CACHE"]) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*) FROM translations").fetchone()[0] > 0
