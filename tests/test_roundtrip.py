"""`--qe roundtrip`: our English back into the source language and chrF against the source, per sentence.
Tiny random models: these tests check the plumbing and the arithmetic, never what a round trip says about
quality."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from sacrebleu.metrics import CHRF
from typer.testing import CliRunner

from cli import app
from modelstore.lock import load_lock
from core.article import Article, Paragraph, Sentence, Title
from seq2seq.cache import TranslationCache
from mt.engine import DecodingOptions, TranslationEngine
from mt.loading import load_translator
from mt.qa.roundtrip import add_roundtrip_chrf, roundtrip_models
from mt.translate import TranslateOptions, translate_articles
from tests.tiny_models import product_shaped_lock

ROOT = Path(__file__).resolve().parent.parent
PERSIAN = ROOT / "seeds" / "000_41b56ad6ca49ea79.txt"
SCHEMA = json.loads((ROOT / "digest" / "schema" / "article-v1.schema.json").read_text(encoding="utf-8"))
GREEDY = DecodingOptions(beam_size=1)
TEXTS = ["وزیر امور خارجه ایران امروز به دوحه سفر کرد.", "قیمت‌ها ۱۵ درصد افزایش یافت."]


@pytest.fixture(scope="module")
def nllb(tiny_models: Path) -> TranslationEngine:
    return load_translator(load_lock(tiny_models / "models.lock").get("tiny-nllb"), "transformers",
                           home=tiny_models / "home")


def article() -> Article:
    sentences = [Sentence(f"p1.s{n}", t, t) for n, t in enumerate(TEXTS, start=1)]
    sentences.append(Sentence("p1.s3", "He said: yes.", "He said: yes.", language="en"))
    return Article(id="a", language="fa", title=Title("سفر وزیر"), paragraphs=[Paragraph("p1", sentences)])


def test_each_translated_sentence_gets_the_chrf_of_its_round_trip_and_the_translation_stays(
    nllb: TranslationEngine, tmp_path: Path
) -> None:
    cache = TranslationCache(tmp_path / "cache.sqlite")
    doc = article()
    translate_articles([doc], nllb, TranslateOptions(GREEDY), cache)
    before = [(s.english, s.confidence, [f.code for f in s.flags]) for s in doc.sentences()]
    rows_before = cache.stats().entries
    add_roundtrip_chrf([doc], {"fa": nllb}, GREEDY, cache)
    assert [(s.english, s.confidence, [f.code for f in s.flags]) for s in doc.sentences()] == before
    first, second, kept = doc.sentences()
    assert kept.roundtrip_chrf is None  # kept as written in English: nothing to send back
    for sentence in (first, second):
        back = nllb.translate([sentence.english], "en", GREEDY, target="fa")[0]
        assert sentence.roundtrip_chrf == round(CHRF().sentence_score(back, [sentence.normalized]).score, 1)
        assert 0 <= sentence.roundtrip_chrf <= 100
    assert doc.models["roundtrip"]["alias"] == "tiny-nllb" and "|into:fa|chrF:nrefs:1" in doc.models["roundtrip"]["signature"]
    assert doc.timings["roundtrip_s"] >= 0
    # Round trips are cached under keys of their own: the translations' rows are untouched, a re-run needs no model.
    assert cache.stats().entries == rows_before + len({first.english, second.english})
    again = article()
    translate_articles([again], nllb, TranslateOptions(GREEDY), cache)

    class NoModel:
        entry, engine_name = nllb.entry, "cache"

        def describe(self) -> dict:
            return nllb.describe()

    add_roundtrip_chrf([again], {"fa": NoModel()}, GREEDY, cache)  # type: ignore[dict-item]
    assert [s.roundtrip_chrf for s in again.sentences()] == [s.roundtrip_chrf for s in doc.sentences()]


def test_the_back_translator_is_the_lock_nllb_when_the_translator_is_marian(tiny_models: Path, tmp_path: Path) -> None:
    lock = load_lock(product_shaped_lock(tiny_models, tmp_path / "models.lock"))
    doc = article()
    assert lock.translator_for("fa").architecture == "marian"
    assert roundtrip_models([doc], lock)["fa"].architecture == "nllb"
    assert roundtrip_models([doc], lock, ["fa=tiny-nllb-hub"])["fa"].alias == "tiny-nllb-hub"
    doc.language = "en"
    assert roundtrip_models([doc], lock) == {}


@pytest.fixture()
def env(tiny_models: Path, tmp_path: Path) -> dict[str, str]:
    lock = product_shaped_lock(tiny_models, tmp_path / "models.lock")
    return {"MTDIGEST_HOME": str(tiny_models / "home"), "MTDIGEST_LOCK": str(lock),
            "MTDIGEST_CACHE": str(tmp_path / "cache.sqlite")}


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--fast", "--engine", "transformers", "-q"], env=env)
    return result.exit_code, result.output


def test_translate_and_digest_with_qe_roundtrip(env: dict[str, str], tmp_path: Path) -> None:
    code, output = run(env, "translate", str(PERSIAN), "-o", str(tmp_path / "plain"))
    assert code == 0, output
    code, output = run(env, "translate", str(PERSIAN), "-o", str(tmp_path / "qe"), "--qe", "roundtrip")
    assert code == 0, output
    plain, scored = (json.loads((tmp_path / d / f"{PERSIAN.stem}.json").read_text(encoding="utf-8"))
                     for d in ("plain", "qe"))
    jsonschema.validate(scored, SCHEMA)
    sentences = [s for p in scored["paragraphs"] for s in p["sentences"]]
    assert all(s["roundtrip_chrf"] is None for p in plain["paragraphs"] for s in p["sentences"])  # off by default
    assert all(isinstance(s["roundtrip_chrf"], float) for s in sentences if s["english"])
    assert [s["english"] for s in sentences] == [s["english"] for p in plain["paragraphs"] for s in p["sentences"]]
    assert scored["models"]["roundtrip"]["alias"] == "tiny-nllb" and "roundtrip" not in plain["models"]

    code, output = run(env, "digest", str(PERSIAN), "-o", str(tmp_path / "digest"), "--method", "extractive",
                       "--qe", "roundtrip", "--format", "html")
    assert code == 0, output
    html = (tmp_path / "digest" / f"{PERSIAN.stem}.html").read_text(encoding="utf-8")
    assert "round-trip chrF " in html


def test_a_missing_back_translator_stops_the_job_before_any_work(env: dict[str, str], tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    for model in Path(env["MTDIGEST_HOME"]).iterdir():  # every model but the NLLB ones
        if "nllb" not in model.name:
            os.symlink(model, home / model.name)
    code, output = run({**env, "MTDIGEST_HOME": str(home)}, "translate", str(PERSIAN), "-o", str(tmp_path / "out"),
                       "--qe", "roundtrip")
    assert code == 3 and "tiny-nllb" in output, output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    code, output = run(env, "translate", str(PERSIAN), "-o", str(tmp_path / "out"), "--qe", "bogus")
    assert code == 2 and "--qe bogus" in output, output


def test_batch_with_qe_roundtrip_and_its_manifest(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "batch"
    args = ["batch", str(PERSIAN), "-o", str(out), "--method", "none", "--format", "json"]
    code, output = run(env, *args)
    assert code == 0, output
    code, output = run(env, *args, "--qe", "roundtrip")  # asked for now: the article is redone
    assert code == 0, output
    data = json.loads((out / f"{PERSIAN.stem}.json").read_text(encoding="utf-8"))
    assert all(isinstance(s["roundtrip_chrf"], float) for p in data["paragraphs"] for s in p["sentences"])
    result = CliRunner().invoke(app, [*args, "--qe", "roundtrip", "--fast", "--engine", "transformers"], env=env)
    assert result.exit_code == 0 and "0 article(s) done, 1 unchanged" in result.output, result.output
