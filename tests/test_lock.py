"""models.lock validation: every kind of bad lock gets a LockError naming the file and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomli_w

from modelstore.lock import load_lock
from modelstore.store import model_dir, resolve_model
from mt.errors import LockError, ModelMissing

REPO_ROOT = Path(__file__).resolve().parent.parent
REV = "a" * 40


def entry(**overrides: object) -> dict:
    base = {
        "alias": "nllb",
        "role": "translate",
        "architecture": "nllb",
        "repo": "facebook/nllb-200-distilled-600M",
        "revision": REV,
        "license": "cc-by-nc-4.0",
        "languages": ["fa", "ar"],
        "language_codes": {"fa": "pes_Arab", "ar": "arb_Arab", "en": "eng_Latn"},
        "files": [{"path": "config.json", "size": 10, "sha256": "0" * 64}],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def summarizer(**overrides: object) -> dict:
    return entry(alias="bart", role="summarize", architecture="bart", repo="org/bart", languages=["en"],
                 language_codes=None, **overrides)


def write_lock(tmp_path: Path, models: list[dict], defaults: dict | None = None) -> Path:
    path = tmp_path / "models.lock"
    data: dict = {"lock_version": 1, "models": models}
    if defaults is not None:
        data["defaults"] = defaults
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


GOOD_DEFAULTS = {"summarize": "bart", "translate": {"fa": "nllb", "ar": "nllb"}}


def test_shipped_lock_is_valid_and_names_the_required_models() -> None:
    lock = load_lock(REPO_ROOT / "models.lock")
    repos = {e.repo for e in lock.models.values()}
    assert {
        "facebook/nllb-200-distilled-600M",
        "Helsinki-NLP/opus-mt-ar-en",
        "sshleifer/distilbart-cnn-12-6",
        "facebook/bart-large-cnn",
    } <= repos
    assert lock.translator_for("fa").repo == "facebook/nllb-200-distilled-600M"
    assert lock.translator_for("ar").repo == "facebook/nllb-200-distilled-600M"
    assert lock.summarizer().repo == "sshleifer/distilbart-cnn-12-6"
    assert any(e.role == "translate" and "fa" in e.languages and e.architecture == "marian" for e in lock.models.values())


def test_good_lock_resolves_aliases(tmp_path: Path) -> None:
    lock = load_lock(write_lock(tmp_path, [entry(), summarizer()], GOOD_DEFAULTS))
    assert lock.translator_for("fa").alias == "nllb"
    assert lock.summarizer().alias == "bart"
    assert lock.get("nllb").size == 10


@pytest.mark.parametrize(
    ("models", "defaults", "message"),
    [
        ([entry(revision=None)], None, "missing field(s) revision"),
        ([entry(role="classify")], None, "unknown role 'classify'"),
        ([entry(architecture="t5")], None, "unknown architecture 't5'"),
        ([entry(revision="main")], None, "full 40-hex commit"),
        ([entry(revision="A" * 40)], None, "full 40-hex commit"),
        ([entry(repo="nllb")], None, "org/name"),
        ([entry(languages=[])], None, "languages must be"),
        ([entry(language_codes={"fa": "pes_Arab"})], None, "language_codes"),
        ([entry(files=[{"size": 3}])], None, "needs a 'path'"),
        ([entry(files=[{"path": "x", "sha256": "abc"}])], None, "bad sha256"),
        ([entry(files=[{"path": "x", "size": -1}])], None, "bad size"),
        ([entry(), entry()], None, "defined twice"),
        ([entry(alias="Big Model")], None, "alias must be"),
        ([entry()], {"translate": {"fa": "nope"}}, "no model with alias 'nope'"),
        ([entry(), summarizer()], {"translate": {"en": "nllb"}}, "does not translate en"),
        ([entry()], {"summarize": "nllb"}, "not a summarizer"),
        ([], None, "no [[models]]"),
    ],
)
def test_bad_locks_are_rejected_with_the_reason(tmp_path: Path, models: list, defaults: dict | None, message: str) -> None:
    path = write_lock(tmp_path, models, defaults)
    with pytest.raises(LockError) as caught:
        load_lock(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_unparseable_and_absent_locks(tmp_path: Path) -> None:
    bad = tmp_path / "bad.lock"
    bad.write_text("[[models]\nalias = ", encoding="utf-8")
    with pytest.raises(LockError, match="not valid TOML"):
        load_lock(bad)
    with pytest.raises(LockError, match="lock file not found"):
        load_lock(tmp_path / "absent.lock")
    future = tmp_path / "future.lock"
    future.write_text("lock_version = 9\n", encoding="utf-8")
    with pytest.raises(LockError, match="lock_version 9"):
        load_lock(future)


def test_unknown_alias_and_missing_defaults(tmp_path: Path) -> None:
    lock = load_lock(write_lock(tmp_path, [entry()]))
    with pytest.raises(LockError, match="known: nllb"):
        lock.get("marian")
    with pytest.raises(LockError, match="names no model for language 'ur'"):
        lock.translator_for("ur")
    with pytest.raises(LockError, match="names no 'summarize' model"):
        lock.summarizer()


def test_missing_model_message_says_how_to_get_it(tmp_path: Path) -> None:
    lock = load_lock(write_lock(tmp_path, [entry()]))
    home = tmp_path / "home"
    with pytest.raises(ModelMissing) as caught:
        resolve_model(lock.get("nllb"), home)
    message = str(caught.value)
    for needle in ("nllb", "facebook/nllb-200-distilled-600M", "mtdigest models pull nllb", "models import", "MTDIGEST_HOME"):
        assert needle in message
    target = model_dir(lock.get("nllb"), home)
    target.mkdir(parents=True)
    (target / "config.json").write_text("{}", encoding="utf-8")
    assert resolve_model(lock.get("nllb"), home) == target
