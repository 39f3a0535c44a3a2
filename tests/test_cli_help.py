"""What `--help` tells a new user: the environment variables, install hints as written, one name for inputs."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli import app


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
    from pathlib import Path

    code = ("import sys; import cli, digest.jobs, digest.brief, digest.batch, summarize.pipeline, digest.compare_job; "
            "heavy = sorted({'torch', 'transformers', 'ctranslate2'} & set(sys.modules)); print(heavy); "
            "sys.exit(1 if heavy else 0)")
    run = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr  # --help, inspect, --from-json, cache, models list stay fast
