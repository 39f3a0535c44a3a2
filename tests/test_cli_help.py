"""What `--help` tells a new user: the environment variables, install hints as written, one name for inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent


def help_of(*command: str) -> str:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    return result.output


def test_top_level_help_lists_the_environment_variables() -> None:
    text = help_of()
    for name in ("MTDIGEST_HOME", "MTDIGEST_LOCK", "MTDIGEST_CACHE", "MTDIGEST_LOG", "HF_HUB_OFFLINE"):
        assert name in text


def test_the_ray_install_hint_keeps_its_extra() -> None:
    assert "pip install 'mtdigest[ray]'" in help_of("batch")


@pytest.mark.parametrize("command", ["translate", "digest", "brief", "summarize", "inspect", "batch"])
def test_every_command_names_its_inputs_the_same(command: str) -> None:
    assert "INPUT..." in help_of(command)


def test_commands_that_run_no_model_import_neither_torch_nor_transformers() -> None:
    import subprocess
    import sys

    code = ("import sys; import cli, digest.jobs, digest.brief, digest.batch, digest.summarize_job, digest.compare_job; "
            "heavy = sorted({'torch', 'transformers', 'ctranslate2'} & set(sys.modules)); print(heavy); "
            "sys.exit(1 if heavy else 0)")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr  # --help, inspect, --from-json, cache, models list stay fast


COMMANDS = [["translate"], ["digest"], ["brief"], ["summarize"], ["inspect"], ["batch"], ["compare"], ["fetch"],
            ["models", "pull"], ["models", "list"], ["cache", "clear"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_shows_no_python_type_labels(command: list[str]) -> None:
    text = help_of(*command)
    assert "<bool>" not in text and "<list" not in text and "list[" not in text


def test_the_summary_length_default_is_stated_the_same_everywhere() -> None:
    def sentences_help(command: str) -> str:
        text = " ".join(help_of(command).split())
        return text[text.index("--sentences"):].split("--ratio")[0]

    stated = {command: sentences_help(command) for command in ("digest", "summarize", "batch")}
    assert len(set(stated.values())) == 1, stated
    assert "at most 4" in stated["digest"]  # what `summarize.length.DEFAULT_SENTENCES` makes of it


def test_models_list_fits_80_columns(tmp_path: Path) -> None:
    env = {"COLUMNS": "80", "MTDIGEST_LOCK": str(ROOT / "models.lock"), "MTDIGEST_HOME": str(tmp_path)}
    result = CliRunner().invoke(app, ["models", "list"], env=env)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    for alias in ("opus-mt-tc-big-ar-en", "opus-mt-tc-bible-big-iir-en", "nllb-200-distilled-600m",
                  "distilbart-cnn-12-6"):
        assert alias in result.output
    assert "BLEU 42.8, chrF++ 65.4" in result.output  # the published score, on its own line
    assert "size recorded on first pull" not in result.output  # every shipped model has a size
    assert "239M parameters" in result.output and "2,483 MB" in result.output
