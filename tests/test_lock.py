"""models.lock validation: every kind of bad lock gets a LockError naming the file and the problem."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import tomli_w

from modelstore.lock import load_lock, parse_choice
from modelstore.store import model_dir, resolve_model
from core.errors import LockError, ModelMissing

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


def test_shipped_lock_defaults_to_the_best_permissive_model_per_direction() -> None:
    lock = load_lock(REPO_ROOT / "models.lock")
    assert lock.translator_for("ar").repo == "Helsinki-NLP/opus-mt-tc-big-ar-en"
    persian = lock.translator_for("fa")
    assert persian.repo.startswith("Helsinki-NLP/opus-mt-tc-bible-big-")
    assert persian.target_token == ">>eng<<"
    assert lock.summarizer().repo == "sshleifer/distilbart-cnn-12-6"
    assert {"facebook/nllb-200-distilled-600M", "facebook/nllb-200-distilled-1.3B"} <= {e.repo for e in lock.models.values()}
    assert "Helsinki-NLP/opus-mt-iir-en" not in {e.repo for e in lock.models.values()}
    for language in ("fa", "ar"):
        default = lock.translator_for(language)
        assert default.commercial_use
        # The default is the best permissively licensed translator of the lock by its published FLORES-200 BLEU.
        permissive = [e for e in lock.models.values() if e.commercial_use and language in e.flores200]
        assert default is max(permissive, key=lambda e: e.flores200[language].bleu)


def test_every_shipped_translator_records_licence_and_cited_flores_scores() -> None:
    raw = tomllib.loads((REPO_ROOT / "models.lock").read_text(encoding="utf-8"))
    for model in raw["models"]:
        if model["role"] != "translate":
            continue
        assert isinstance(model["commercial_use"], bool) and model["license"]
        assert set(model["flores200"]) == set(model["languages"])
        for score in model["flores200"].values():
            assert score["bleu"] > 0 and score["chrf_pp"] > 0 and "OPUS-MT-leaderboard" in score["source"]
    lock = load_lock(REPO_ROOT / "models.lock")
    assert not lock.get("nllb-200-distilled-600m").commercial_use
    assert not lock.get("nllb-200-distilled-1.3b").commercial_use


def test_a_model_choice_applies_to_the_languages_it_serves(tmp_path: Path) -> None:
    marian = entry(alias="marian-ar", architecture="marian", languages=["ar"], language_codes=None, license="cc-by-4.0")
    lock = load_lock(write_lock(tmp_path, [entry(), marian, summarizer()], GOOD_DEFAULTS))
    assert lock.translator_for("ar", ["marian-ar"]).alias == "marian-ar"
    assert lock.translator_for("fa", ["marian-ar"]).alias == "nllb"  # Persian keeps its default
    assert lock.translator_for("ar", ["ar=nllb"]).alias == "nllb"
    assert lock.translator_for("ar", ["fa=nllb", "marian-ar"]).alias == "marian-ar"
    assert lock.translator_for("ar", ["ar=nllb", "marian-ar"]).alias == "nllb"  # LANG=ALIAS wins over ALIAS
    for choice, message in ((["nope"], "no model with alias 'nope'"), (["bart"], "not a translator"),
                            (["fa=marian-ar"], "does not translate 'fa'"),
                            (["ar=nllb", "ar=marian-ar"], "already given to 'nllb'")):
        with pytest.raises(LockError, match=message):
            parse_choice(lock, choice)


def test_back_translation_finds_an_nllb_model_when_the_default_is_marian(tmp_path: Path) -> None:
    marian = entry(alias="marian-ar", architecture="marian", languages=["ar"], language_codes=None, license="cc-by-4.0")
    lock = load_lock(write_lock(tmp_path, [marian, entry(), summarizer()],
                                {"summarize": "bart", "translate": {"ar": "marian-ar", "fa": "nllb"}}))
    assert lock.translator_for("ar").alias == "marian-ar"
    assert lock.back_translator_for("ar").alias == "nllb"
    only_marian = load_lock(write_lock(tmp_path, [marian, summarizer()], {"translate": {"ar": "marian-ar"}}))
    with pytest.raises(LockError, match="needs an NLLB model"):
        only_marian.back_translator_for("ar")


def test_licence_target_token_and_scores_are_described(tmp_path: Path) -> None:
    tc_big = entry(alias="tc-big", architecture="marian", language_codes=None, license="apache-2.0",
                   target_token=">>eng<<", flores200={"fa": {"bleu": 35.2, "chrf_pp": 59.9, "source": "x.eval"}})
    lock = load_lock(write_lock(tmp_path, [tc_big, summarizer()]))
    described = lock.get("tc-big").describe()
    assert described["license"] == "apache-2.0" and described["commercial_use"] is True
    assert described["target_token"] == ">>eng<<"
    assert lock.get("tc-big").flores200["fa"].bleu == 35.2
    assert lock.get("bart").commercial_use is False  # not recorded: follows its licence, cc-by-nc-4.0


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
        ([entry(commercial_use=True)], None, "forbids commercial use"),
        ([entry(commercial_use="yes", license="mit")], None, "commercial_use must be true or false"),
        ([entry(target_token=">>eng<<")], None, "target_token must be"),  # NLLB takes language codes instead
        ([entry(architecture="marian", language_codes=None, target_token="eng")], None, "target_token must be"),
        ([entry(flores200={"fa": {"bleu": 35.2, "chrf_pp": 59.9}})], None, "source of the figures"),
        ([entry(flores200={"ur": {"bleu": 1, "chrf_pp": 2, "source": "x"}})], None, "flores200.ur"),
        ([entry(flores200={"fa": {"bleu": 352, "chrf_pp": 59.9, "source": "x"}})], None, "flores200.fa"),
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


def test_the_default_lock_is_package_data_that_is_the_top_level_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    from modelstore.lock import default_lock_path

    monkeypatch.delenv("MTDIGEST_LOCK", raising=False)
    assert default_lock_path() == (REPO_ROOT / "models.lock").resolve()
    assert (REPO_ROOT / "modelstore" / "models.lock").resolve() == (REPO_ROOT / "models.lock").resolve()
