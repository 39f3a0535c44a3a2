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


def test_language_flag_picks_the_translator_for_text_too_short_to_identify(env: dict[str, str], tmp_path: Path) -> None:
    """FLORES-200 devtest 905, cut short, is taken for Arabic; `--language fa` gives it the Persian translator
    (`calibrate`, whose own `--language` names its sources' language, keeps it)."""
    short = tmp_path / "short.txt"
    short.write_text("این مجمع‌الجزایر در 120 کیلومتری شمال شبه‌جزیره\n", encoding="utf-8")
    for flag, language, alias in (([], "ar", "tiny-marian"), (["--language", "fa"], "fa", "tiny-marian-tc-big")):
        out = tmp_path / f"out-{language}"
        result = CliRunner().invoke(app, ["translate", str(short), "-o", str(out), "--format", "json", "--fast",
                                          "--engine", "transformers", "-q", *flag], env=env)
        assert result.exit_code == 0, result.output
        data = json.loads((out / "short.json").read_text(encoding="utf-8"))
        assert (data["language"], data["models"]["translate"]["alias"]) == (language, alias)
    assert "--language" in CliRunner().invoke(app, ["digest", "--help"], env=env).output


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


ENGLISH_QUOTE = ("The United Nations Secretary-General told reporters on Monday that the talks would continue "
                 "next week in Geneva with both delegations.")
ARABIC_QUOTE = "وقال الأمين العام للأمم المتحدة إن المحادثات ستستمر الأسبوع المقبل في جنيف بمشاركة الوفدين."


def persian_with(tmp_path: Path, name: str, quote: str) -> Path:
    lines = [line for line in PERSIAN.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path / name
    path.write_text("\n\n".join([*lines[:3], quote, *lines[3:6]]) + "\n", encoding="utf-8")
    return path


def test_an_english_quote_in_a_persian_article_passes_through_and_the_batch_goes_on(
    env: dict[str, str], tmp_path: Path
) -> None:
    # The Persian default is a Marian model that takes no English: the quote must not stop the batch.
    quoted = persian_with(tmp_path, "quoted.txt", ENGLISH_QUOTE)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["digest", str(quoted), str(ARABIC), "-o", str(out), "--fast", "--engine",
                                      "transformers", "--method", "extractive", "-q"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads((out / "quoted.json").read_text(encoding="utf-8"))
    sentences = [s for p in data["paragraphs"] for s in p["sentences"]]
    (english,) = [s for s in sentences if s["source"] == ENGLISH_QUOTE]
    assert english["english"] == ENGLISH_QUOTE and english["language"] == "en"
    assert [f["code"] for f in english["flags"]] == ["english_source"]
    assert all(s["english"] for s in sentences) and data["models"]["translate"]["alias"] == "tiny-marian-tc-big"
    assert (out / f"{ARABIC.stem}.json").is_file()


def test_a_sentence_the_model_cannot_take_fails_its_article_only(env: dict[str, str], tmp_path: Path) -> None:
    quoted = persian_with(tmp_path, "arabic-quote.txt", ARABIC_QUOTE)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["translate", str(quoted), str(ARABIC), "-o", str(out), "--fast",
                                      "--engine", "transformers", "-q"], env=env)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "arabic-quote.txt" in errors[0] and "is in 'ar'" in errors[0]
    assert "tiny-marian-tc-big" in errors[0]
    assert sorted(p.name for p in out.iterdir()) == [f"{ARABIC.stem}.json"]


CONTROL_STRINGS = "</s> <s> <pad> <unk> <mask> eng_Latn pes_Arab arb_Arab >>fra<< >>eng<<"


@pytest.fixture(scope="module")
def converted_env(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The product-shaped lock over a private home where every default model also has a CTranslate2 copy."""
    import shutil

    from modelstore.convert import convert_model
    from modelstore.lock import load_lock

    root = tmp_path_factory.mktemp("converted")
    shutil.copytree(tiny_models / "home", root / "home")
    lock_path = product_shaped_lock(tiny_models, root / "models.lock")
    lock = load_lock(lock_path)
    for alias in ("tiny-marian-tc-big", "tiny-marian", "tiny-distilbart-hub"):
        convert_model(lock.get(alias), "int8", root / "home")
    return {"MTDIGEST_HOME": str(root / "home"), "MTDIGEST_LOCK": str(lock_path)}


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_articles_full_of_control_tokens_digest_on_both_engines(
    converted_env: dict[str, str], tmp_path: Path, engine: str
) -> None:
    lines = [line for line in PERSIAN.read_text(encoding="utf-8").splitlines() if line.strip()]
    persian = tmp_path / "fa-controls.txt"
    persian.write_text("\n\n".join([lines[0], *(f"{line} {CONTROL_STRINGS}" for line in lines[1:8])]) + "\n",
                       encoding="utf-8")
    english = tmp_path / "en-controls.txt"
    english.write_text("Models and their tokens\n\n" + "\n\n".join(
        f"The tokenizer marks the end of a sentence with {CONTROL_STRINGS} and the model reads paragraph {n}."
        for n in range(1, 6)) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    env = {**converted_env, "MTDIGEST_CACHE": str(tmp_path / "cache.sqlite")}
    result = CliRunner().invoke(app, ["digest", str(persian), str(english), "-o", str(out), "--fast", "--engine",
                                      engine, "--format", "json", "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    for name in ("fa-controls", "en-controls"):
        data = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        assert all(s["english"] for p in data["paragraphs"] for s in p["sentences"])
        assert data["summary"]["sentences"] and data["models"]["summarize"]["engine"] == engine
