"""`mtdigest translate` with the lock shaped like the shipped one (Marian defaults per language, NLLB as
options): which model each article gets, `--model ALIAS` vs `--model LANG=ALIAS`, and usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from tests.tiny_models import product_shaped_lock

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PERSIAN, ARABIC = SEEDS / "000_41b56ad6ca49ea79.txt", SEEDS / "001_2fc5d2ec209e6642.txt"


@pytest.fixture()
def env(tiny_models: Path, tmp_path: Path) -> dict[str, str]:
    lock = product_shaped_lock(tiny_models, tmp_path / "models.lock")
    return {"MTDIGEST_HOME": str(tiny_models / "home"), "MTDIGEST_LOCK": str(lock),
            "MTDIGEST_CACHE": str(tmp_path / "cache.sqlite")}


def translated_models(env: dict[str, str], tmp_path: Path, *model: str) -> dict[str, dict]:
    """{article id: its `models.translate` record} after `mtdigest translate` of one Persian and one Arabic seed."""
    out = tmp_path / "out"
    args = ["translate", str(PERSIAN), str(ARABIC), "-o", str(out), "--format", "json", "--fast", "--engine",
            "transformers", "-q", *[f"--model={m}" for m in model]]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))["models"]["translate"] for p in out.glob("*.json")}


def test_each_language_gets_its_default_and_the_record_names_licence_and_target_token(
    env: dict[str, str], tmp_path: Path
) -> None:
    models = translated_models(env, tmp_path)
    persian, arabic = models[PERSIAN.stem], models[ARABIC.stem]
    assert persian["alias"] == "tiny-marian-tc-big" and persian["target_token"] == ">>eng<<"
    assert "|tgt:>>eng<<|" in persian["signature"]
    assert arabic["alias"] == "tiny-marian" and "target_token" not in arabic
    assert persian["license"] == "mit" and persian["commercial_use"] is True


def test_a_model_alias_changes_only_the_languages_it_serves(env: dict[str, str], tmp_path: Path) -> None:
    models = translated_models(env, tmp_path, "tiny-marian")  # serves Arabic only
    assert models[ARABIC.stem]["alias"] == "tiny-marian"
    assert models[PERSIAN.stem]["alias"] == "tiny-marian-tc-big"  # Persian keeps its default


def test_a_model_per_language(env: dict[str, str], tmp_path: Path) -> None:
    models = translated_models(env, tmp_path, "fa=tiny-nllb", "ar=tiny-nllb-hub")
    assert models[PERSIAN.stem]["alias"] == "tiny-nllb" and models[ARABIC.stem]["alias"] == "tiny-nllb-hub"
    models = translated_models(env, tmp_path, "fa=tiny-nllb")
    assert models[PERSIAN.stem]["alias"] == "tiny-nllb" and models[ARABIC.stem]["alias"] == "tiny-marian"


@pytest.mark.parametrize(("model", "message"), [
    ("nope", "no model with alias 'nope'"),
    ("tiny-bart", "not a translator"),
    ("fa=tiny-marian", "does not translate 'fa'"),
])
def test_a_bad_model_choice_is_a_usage_error_before_any_model_time(
    env: dict[str, str], tmp_path: Path, model: str, message: str
) -> None:
    result = CliRunner().invoke(app, ["translate", str(PERSIAN), "-o", str(tmp_path / "out"), f"--model={model}",
                                      "-q"], env=env)
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
