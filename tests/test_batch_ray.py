"""`mtdigest batch --ray` on a real local Ray runtime (loopback, 2 CPUs) with tiny models: the same outputs as
the in-process scheduler, resume, `--ray ADDRESS`, and workers that crash (their batches retried) or keep crashing
on one article (it is reported, the run completes). Needs the `ray` extra (CI installs it).

One Ray runtime serves the whole session and the corpus is small (a seed and three generated articles): most of
the time goes to abstractive summaries and to starting actor processes (each imports torch and loads the models),
so the runs and the crashes are few.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from cli_commands.batch import split_ray_address
from digest.attempts import STATE_DIR
from tests.test_batch import SEEDS, batch_env, generated_articles, manifest

# `.ci/run` installs Ray: in CI a missing Ray is a failure, never a silent skip.
ray = importlib.import_module("ray") if os.environ.get("CI") else pytest.importorskip("ray")

ARTICLES = 4


@pytest.fixture(scope="session")
def local_ray() -> Iterator[str]:
    """A Ray runtime on this machine for the whole session; its address, for drivers in other processes."""
    context = ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield context.address_info["gcs_address"]
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("ray-corpus")
    (directory / "seeds").mkdir()
    shutil.copy(SEEDS / "003_74ed4e50eb75564b.txt", directory / "seeds")
    generated_articles(directory)
    return directory


def batch(args: list[str], env: dict[str, str]):
    return CliRunner().invoke(app, ["batch", *args, "--fast", "--sentences", "1", "--batch-sentences", "8"],
                              env=env)


def summary_line(output: str) -> str:
    return re.search(r"\d+ article\(s\) done, \d+ unchanged, \d+ failed", output).group(0)


def comparable(path: Path) -> str:
    """An output with the run's timings left out (they differ from run to run)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
        data.pop("timings")
        return json.dumps(data, ensure_ascii=False, sort_keys=True)
    return re.sub(r"(Time taken\D*?)[\d.]+ s", r"\1", text)


@pytest.fixture(scope="module")
def ray_run(local_ray: str, corpus: Path, tiny_models: Path, tmp_path_factory: pytest.TempPathFactory):
    cache = tmp_path_factory.mktemp("ray-cache") / "cache.sqlite"
    out = tmp_path_factory.mktemp("ray-out")
    # `--ray` right before an input: the input is read, not taken for an address.
    result = batch(["--ray", str(corpus), "-o", str(out), "--actors", "2", "-q"], batch_env(tiny_models, cache))
    assert result.exit_code == 0, result.output
    return out, cache


def test_ray_writes_what_the_in_process_run_writes(ray_run, corpus: Path, tiny_models: Path, tmp_path: Path) -> None:
    ray_out, _ = ray_run
    local_out = tmp_path / "local"
    result = batch([str(corpus), "-o", str(local_out), "-q"], batch_env(tiny_models, tmp_path / "own-cache.sqlite"))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in local_out.iterdir() if p.name != "manifest.json")
    assert len(names) == ARTICLES * 3
    assert names == sorted(p.name for p in ray_out.iterdir() if p.name != "manifest.json")
    for name in names:
        assert comparable(ray_out / name) == comparable(local_out / name), name
    local, on_ray = manifest(local_out), manifest(ray_out)
    assert {k: (v["plan"], v["models"], v["outputs"], v["status"]) for k, v in local.items()} == \
        {k: (v["plan"], v["models"], v["outputs"], v["status"]) for k, v in on_ray.items()}


def test_ray_address_resumes_and_redoes_only_a_changed_input(ray_run, local_ray: str, corpus: Path,
                                                             tiny_models: Path) -> None:
    out, cache = ray_run
    env = batch_env(tiny_models, cache)
    # Another process joins the running cluster by its address (`--ray HOST:PORT`): its read tasks run there,
    # and the manifest says nothing needs doing.
    code = "import sys; from cli import app; sys.argv = ['mtdigest', *sys.argv[1:]]; app()"
    again = subprocess.run([sys.executable, "-c", code, "batch", str(corpus), "-o", str(out), "--fast",
                            "--sentences", "1", "--batch-sentences", "8", "--ray", local_ray],
                           env=os.environ | env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert summary_line(again.stderr) == f"0 article(s) done, {ARTICLES} unchanged, 0 failed", again.stderr
    changed = corpus / "gen_0.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nخبرگزاری گزارش داد.\n", encoding="utf-8")
    third = batch([str(corpus), "-o", str(out), "--ray", "--actors", "1"], env)
    assert third.exit_code == 0, third.output
    assert summary_line(third.output) == f"1 article(s) done, {ARTICLES - 1} unchanged, 0 failed"


def test_crashed_workers_are_retried_and_an_article_that_keeps_crashing_is_reported(
    ray_run, tiny_models: Path, tmp_path: Path
) -> None:
    _, cache = ray_run  # translations come from the cache: this test is about scheduling
    marker = tmp_path / "crashed"
    # Batches of 8 sentences: [gen_1 (3), gen_2 (4)] and [gen_0 (4)], both queued on the one actor when it dies.
    # gen_1 kills its worker once, gen_2 every time: the batch is retried one article at a time, gen_1 goes through,
    # gen_2 kills the worker again and is then reported; the other batch, killed with them, is simply retried.
    faults = f"crash-once:gen_1:{marker};crash:gen_2"
    env = batch_env(tiny_models, cache) | {"MTDIGEST_INJECT_FAULT": faults}
    out = tmp_path / "out"
    (tmp_path / "in").mkdir()
    generated = generated_articles(tmp_path / "in")  # as in the corpus, which another test changes
    inputs = [str(generated[i]) for i in (1, 2, 0)]
    result = batch([*inputs, "-o", str(out), "--ray", "--actors", "1", "--retries", "1", "--method", "extractive",
                    "-q"], env)
    assert marker.exists()  # the worker did die on gen_1 ...
    assert result.exit_code == 1, result.output
    assert "gen_2: its worker died 2 time(s) while processing it" in result.output
    entries = manifest(out)
    assert {k: v["status"] for k, v in entries.items()} == {"gen_0": "ok", "gen_1": "ok", "gen_2": "failed"}
    assert all((out / name).is_file() for name in entries["gen_0"]["outputs"] + entries["gen_1"]["outputs"])
    assert not (out / STATE_DIR).exists()  # no attempt records are left behind


@pytest.mark.parametrize(("words", "address", "inputs"), [
    (["in/", "out/"], None, ["in/", "out/"]),
    (["auto", "in/"], "auto", ["in/"]),
    (["in/", "head.example:6379"], "head.example:6379", ["in/"]),
    (["ray://10.0.0.1:10001", "in/"], "ray://10.0.0.1:10001", ["in/"]),
    (["[::1]:6379", "in/"], "[::1]:6379", ["in/"]),
    (["local", "in/"], "local", ["in/"]),
])
def test_ray_address_is_a_word_that_looks_like_one(words: list[str], address: str | None, inputs: list[str]) -> None:
    assert split_ray_address(words) == (address, inputs)


def test_an_existing_path_is_an_input_even_if_it_looks_like_an_address(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "auto").mkdir()
    assert split_ray_address(["auto"]) == (None, ["auto"])


@pytest.mark.parametrize("words", [["auto"], ["auto", "head:6379", "in/"]])
def test_ray_address_without_inputs_or_twice_is_a_usage_error(words: list[str], monkeypatch) -> None:
    import digest.batch

    monkeypatch.setattr(digest.batch, "run_batch", lambda *a, **k: pytest.fail("must not run"))
    result = CliRunner().invoke(app, ["batch", "--ray", *words, "-o", "out"])
    assert result.exit_code == 2, result.output
