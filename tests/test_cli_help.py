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
