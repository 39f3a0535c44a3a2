"""`mtdigest batch` in-process with tiny models: manifest, resume, re-processing one changed input, failures
reported, not fatal, interruptions (SIGINT, SIGTERM) lose nothing. The Ray scheduler is tested against this one in
test_batch_ray.py."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from digest.attempts import STATE_DIR
from tests.test_reliability import interrupt_when, many_articles, mtdigest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def generated_articles(directory: Path, count: int = 3) -> list[Path]:
    """Short articles of the seeds' words (a title and two paragraphs each), none of their sentences in a seed."""
    lines = [line.strip() for seed in sorted(SEEDS.glob("*.txt"))
             for line in seed.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 80]
    paths = []
    for number in range(count):
        turn, start = divmod(number * 7, len(lines) - 1)  # past the seeds' end: the same lines, rotated
        picked = [" ".join((words := line.split()[::-1])[turn:] + words[:turn]) for line in lines[start: start + 2]]
        path = directory / f"gen_{number}.txt"
        path.write_text(f"{picked[0][:60]}\n\n" + "\n\n".join(picked) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def batch_env(tiny_models: Path, cache: Path) -> dict[str, str]:
    return {"MTDIGEST_LOCK": str(tiny_models / "models.lock"), "MTDIGEST_HOME": str(tiny_models / "home"),
            "MTDIGEST_CACHE": str(cache)}


def manifest(directory: Path) -> dict[str, dict]:
    return {e["id"]: e for e in json.loads((directory / "manifest.json").read_text(encoding="utf-8"))["articles"]}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("corpus")
    generated_articles(directory)
    shutil.copy(SEEDS / "003_74ed4e50eb75564b.txt", directory)
    (directory / "empty.txt").write_text("  \n", encoding="utf-8")  # an input that cannot be used
    return directory


def run(args: list[str], env: dict[str, str]):
    return CliRunner().invoke(app, ["batch", *args, "--fast", "--batch-sentences", "8"], env=env)


def test_manifest_resume_and_one_changed_input(tiny_models: Path, corpus: Path, tmp_path: Path) -> None:
    env = batch_env(tiny_models, tmp_path / "cache.sqlite")
    out = tmp_path / "out"
    first = run([str(corpus), "-o", str(out), "--format", "json,md"], env)
    assert first.exit_code == 1, first.output  # the empty input is reported ...
    assert "empty.txt" in first.output and "no text" in first.output
    entries = manifest(out)
    assert set(entries) == {"gen_0", "gen_1", "gen_2", "003_74ed4e50eb75564b"}  # ... and the rest went through
    for entry in entries.values():
        assert entry["status"] == "ok" and entry["error"] is None
        assert entry["outputs"] == [f"{entry['id']}.json", f"{entry['id']}.md"]
        assert all((out / name).is_file() for name in entry["outputs"])
        assert len(entry["input_sha256"]) == len(entry["article_sha256"]) == 64
        assert entry["plan"]["translate"].startswith("tiny-nllb@") and entry["plan"]["summarize"].startswith("tiny-bart@")
        assert entry["plan"]["options"]["beam_size"] == 1
        assert entry["models"]["translate"]["signature"].startswith("tiny-nllb@")
    errors = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["input_errors"]
    assert [e["input"] for e in errors] == [str(corpus / "empty.txt")]

    again = run([str(corpus / f"gen_{i}.txt") for i in range(3)] + [str(corpus / "003_74ed4e50eb75564b.txt"),
                "-o", str(out), "--format", "json,md"], env)
    assert again.exit_code == 0, again.output
    assert "0 article(s) done, 4 unchanged" in again.output
    before = {name: (out / name).stat().st_mtime_ns for name in ("gen_0.json", "gen_2.json")}

    changed = corpus / "gen_1.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("\n\n", "\n\nزیاد است.\n\n", 1), encoding="utf-8")
    third = run([str(corpus), "-o", str(out), "--format", "json,md"], env)
    assert "1 article(s) done, 3 unchanged" in third.output, third.output
    assert {name: (out / name).stat().st_mtime_ns for name in before} == before
    assert manifest(out)["gen_1"]["article_sha256"] != entries["gen_1"]["article_sha256"]

    # Asking for another format, or other models/options, re-processes; the manifest keeps the other entries.
    fourth = run([str(corpus / "gen_0.txt"), "-o", str(out), "--format", "json,md,html"], env)
    assert "1 article(s) done, 0 unchanged" in fourth.output and (out / "gen_0.html").is_file()
    assert set(manifest(out)) == set(entries)


def test_a_failing_article_is_reported_and_the_others_are_written(tiny_models: Path, corpus: Path,
                                                                   tmp_path: Path) -> None:
    env = batch_env(tiny_models, tmp_path / "cache.sqlite")
    out = tmp_path / "out"
    (out / "gen_2.json").mkdir(parents=True)  # its output cannot be written
    result = run([str(corpus / f"gen_{i}.txt") for i in range(3)] + ["-o", str(out), "--format", "json",
                 "--method", "extractive"], env)
    assert result.exit_code == 1
    assert "gen_2" in result.output
    entries = manifest(out)
    assert entries["gen_2"]["status"] == "failed" and "gen_2.json" in entries["gen_2"]["error"]
    assert entries["gen_0"]["status"] == entries["gen_1"]["status"] == "ok"
    rerun = run([str(corpus / "gen_2.txt"), "-o", str(out), "--format", "json", "--method", "extractive"], env)
    assert rerun.exit_code == 1 and "0 unchanged" in rerun.output  # a failed article is retried on the next run


def finished_articles(out: Path) -> list[str]:
    """Ids the manifest says are done, after checking the directory is consistent: nothing half-written, no
    attempt records, every entry done or still pending, every done article's outputs whole."""
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")], "a half-written file was left behind"
    assert not (out / STATE_DIR).exists()
    entries = manifest(out)
    assert {e["status"] for e in entries.values()} <= {"ok", "pending"}
    done = sorted(i for i, e in entries.items() if e["status"] == "ok")
    for article_id in done:
        assert json.loads((out / f"{article_id}.json").read_text(encoding="utf-8"))["id"] == article_id
        assert (out / f"{article_id}.md").read_text(encoding="utf-8").startswith("#")
    return done


def count_done(out: Path) -> int:
    try:
        return sum(e["status"] == "ok" for e in manifest(out).values())
    except (OSError, ValueError):
        return 0


# Both signals and both cache modes in two runs rather than four: how a signal ends a run does not depend on the cache.
@pytest.mark.parametrize(("sig", "cache"), [(signal.SIGINT, True), (signal.SIGTERM, False)],
                         ids=["SIGINT", "SIGTERM-no-cache"])
def test_interrupted_batch_keeps_finished_articles_and_resumes(tiny_models: Path, tmp_path: Path, sig: int,
                                                               cache: bool) -> None:
    inputs = many_articles(tmp_path / "in", copies=1)  # the five seeds, one batch each
    out = tmp_path / "out"
    env = batch_env(tiny_models, tmp_path / "cache.sqlite") | {"OMP_NUM_THREADS": "1"}
    args = ("batch", str(inputs), "-o", str(out), "--fast", "--method", "extractive", "--format", "json,md",
            "--batch-sentences", "1", *(() if cache else ("--no-cache",)))
    interrupt_when(mtdigest(env, *args, "-q"), lambda: count_done(out) > 0, sig)
    finished = finished_articles(out)
    assert finished
    if cache:
        with sqlite3.connect(env["MTDIGEST_CACHE"]) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = mtdigest(env, *args)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"{5 - len(finished)} article(s) done, {len(finished)} unchanged, 0 failed" in err  # only the rest redone
    assert len(finished_articles(out)) == 5
