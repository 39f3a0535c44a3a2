"""The tiny models stand in for the real ones, so they must behave like them where the product relies on it.

Tokenizers must reproduce the seed text with almost no <unk> (transformers v5 silently builds a broken NLLB
tokenizer from a bare SentencePiece file), models must load through the Auto* classes and generate, the lock
must describe exactly the files on disk, and CTranslate2 must be able to convert each model.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

from modelstore.convert import supply_bart_attributes
from modelstore.integrity import VERIFIED_MARKER
from modelstore.lock import load_lock
from modelstore.store import resolve_model
from tests.tiny_models import (
    ENGLISH_TEXT, HUB_FILES, NLLB_CODES, build_tiny_models, file_records, revision_of, seed_files,
)

SEEDS = seed_files()
CLASSES = {
    "tiny-nllb": ("NllbTokenizer", "M2M100ForConditionalGeneration"),
    "tiny-nllb-hub": ("NllbTokenizer", "M2M100ForConditionalGeneration"),
    "tiny-marian": ("MarianTokenizer", "MarianMTModel"),
    "tiny-marian-tc-big": ("MarianTokenizer", "MarianMTModel"),
    "tiny-bart": ("RobertaTokenizer", "BartForConditionalGeneration"),  # v5: BartTokenizer is RobertaTokenizer
    "tiny-distilbart-hub": ("RobertaTokenizer", "BartForConditionalGeneration"),
}
NLLB = ("tiny-nllb", "tiny-nllb-hub")
MARIAN = ("tiny-marian", "tiny-marian-tc-big")
# Rows of the embedding table the tokenizer has no row for (distilbart: `<mask>`).
MISSING_ROWS = {"tiny-distilbart-hub": 1}


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread() -> Iterator[None]:
    # Tiny matrices: thread hand-offs cost more than the maths, badly so on a busy 2-core machine.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def lock_data(tiny_models: Path) -> dict[str, Any]:
    return tomllib.loads((tiny_models / "models.lock").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model_dirs(tiny_models: Path, lock_data: dict[str, Any]) -> dict[str, Path]:
    home = tiny_models / "home"
    return {m["alias"]: home / m["repo"].replace("/", "--") / m["revision"] for m in lock_data["models"]}


@pytest.fixture(scope="module")
def tokenizers(model_dirs: dict[str, Path]) -> dict[str, Any]:
    return {alias: AutoTokenizer.from_pretrained(path) for alias, path in model_dirs.items()}


def normalized(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def seed_language(text: str) -> str:
    """Persian writes Farsi yeh (U+06CC), Arabic writes Arabic yeh (U+064A)."""
    return "fa" if text.count("\u06cc") > text.count("\u064a") else "ar"


def encode(tokenizer: Any, alias: str, text: str, language: str) -> list[int]:
    if alias in NLLB:
        tokenizer.src_lang = NLLB_CODES[language]
    return tokenizer(text)["input_ids"]


def assert_faithful(tokenizer: Any, ids: list[int], text: str, **decode: Any) -> None:
    unknown = sum(i == tokenizer.unk_token_id for i in ids)
    assert unknown / len(ids) < 0.01, f"{unknown} of {len(ids)} tokens are {tokenizer.unk_token}"
    assert normalized(tokenizer.decode(ids, skip_special_tokens=True, **decode)) == normalized(text)


def test_seeds_cover_both_languages() -> None:
    assert {seed_language(p.read_text(encoding="utf-8")) for p in SEEDS} == {"fa", "ar"}


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem for p in SEEDS])
@pytest.mark.parametrize("alias", [*NLLB, *MARIAN])
def test_translator_tokenizers_reproduce_the_seeds(tokenizers: dict[str, Any], alias: str, seed: Path) -> None:
    tokenizer, text = tokenizers[alias], seed.read_text(encoding="utf-8")
    language = seed_language(text)
    ids = encode(tokenizer, alias, text, language)
    assert ids[-1] == tokenizer.eos_token_id
    if alias in NLLB:
        assert ids[0] == tokenizer.convert_tokens_to_ids(NLLB_CODES[language])
    decode = {"use_source_tokenizer": True} if alias in MARIAN else {}
    assert_faithful(tokenizer, ids, text, **decode)


@pytest.mark.parametrize("alias", [*NLLB, "tiny-bart", "tiny-distilbart-hub"])
def test_english_round_trips(tokenizers: dict[str, Any], alias: str) -> None:
    text = ENGLISH_TEXT.read_text(encoding="utf-8")
    assert_faithful(tokenizers[alias], encode(tokenizers[alias], alias, text, "en"), text)


@pytest.mark.parametrize("alias", NLLB)
def test_nllb_knows_every_language_code_like_the_real_tokenizer(tokenizers: dict[str, Any], alias: str) -> None:
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    tokenizer = tokenizers[alias]
    ids = tokenizer.convert_tokens_to_ids(list(FAIRSEQ_LANGUAGE_CODES))
    assert tokenizer.unk_token_id not in ids and len(set(ids)) == len(ids)
    # Real layout: <s> <pad> </s> <unk>, SentencePiece pieces, the language codes, then <mask> last.
    assert tokenizer.convert_ids_to_tokens([0, 1, 2, 3]) == ["<s>", "<pad>", "</s>", "<unk>"]
    assert ids == list(range(ids[0], ids[0] + len(ids))) and tokenizer.mask_token_id == len(tokenizer) - 1
    assert tokenizer.convert_tokens_to_ids("<mask>") == ids[-1] + 1
    tokenizer.src_lang = "arb_Arab"
    assert tokenizer("سوريا")["input_ids"][0] == tokenizer.convert_tokens_to_ids("arb_Arab")


@pytest.mark.parametrize("alias", list(CLASSES))
def test_models_load_through_auto_classes_and_generate(model_dirs: dict[str, Path], alias: str) -> None:
    tokenizer = AutoTokenizer.from_pretrained(model_dirs[alias])
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dirs[alias])
    assert (type(tokenizer).__name__, type(model).__name__) == CLASSES[alias]
    assert model.config.vocab_size == len(tokenizer) - MISSING_ROWS.get(alias, 0)
    extra: dict[str, Any] = {}
    if alias in ("tiny-bart", "tiny-distilbart-hub"):
        text, language = ENGLISH_TEXT.read_text(encoding="utf-8").splitlines()[0], "en"
    else:
        text = SEEDS[0].read_text(encoding="utf-8").splitlines()[1]
        language = seed_language(text)
    if alias in NLLB:
        tokenizer.src_lang = NLLB_CODES[language]
        extra["forced_bos_token_id"] = tokenizer.convert_tokens_to_ids("eng_Latn")
    inputs = tokenizer([text], return_tensors="pt")
    output = model.generate(**inputs, max_new_tokens=8, **extra)
    assert output.shape[0] == 1 and 2 <= output.shape[1] <= 9
    assert output[0, 0].item() == model.generation_config.decoder_start_token_id
    assert int(output.max()) < len(tokenizer)
    if alias in NLLB:
        assert output[0, 1].item() == extra["forced_bos_token_id"]


def test_lock_lists_exactly_the_files_on_disk(tiny_models: Path, lock_data: dict[str, Any]) -> None:
    assert lock_data["lock_version"] == 1
    assert lock_data["defaults"] == {"summarize": "tiny-bart", "translate": {"fa": "tiny-nllb", "ar": "tiny-nllb"}}
    entries = {m["alias"]: m for m in lock_data["models"]}
    expected = {
        "tiny-nllb": ("translate", "nllb", "tiny/nllb", ["fa", "ar"]),
        "tiny-nllb-hub": ("translate", "nllb", "tiny/nllb-hub", ["fa", "ar"]),
        "tiny-marian": ("translate", "marian", "tiny/marian", ["fa", "ar"]),
        "tiny-marian-tc-big": ("translate", "marian", "tiny/marian-tc-big", ["fa", "ar"]),
        "tiny-bart": ("summarize", "bart", "tiny/bart", ["en"]),
        "tiny-distilbart-hub": ("summarize", "bart", "tiny/distilbart-hub", ["en"]),
    }
    assert {a: (e["role"], e["architecture"], e["repo"], e["languages"]) for a, e in entries.items()} == expected
    for alias in NLLB:
        assert entries[alias]["language_codes"] == {"fa": "pes_Arab", "ar": "arb_Arab", "en": "eng_Latn"}
    assert "language_codes" not in entries["tiny-marian"] and "language_codes" not in entries["tiny-bart"]
    assert entries["tiny-marian-tc-big"]["target_token"] == ">>eng<<"
    for entry in entries.values():
        assert entry["license"] == "mit" and re.fullmatch(r"[0-9a-f]{40}", entry["revision"])
        root = tiny_models / "home" / entry["repo"].replace("/", "--") / entry["revision"]
        # Loading a model records what it verified in a marker beside the files: bookkeeping, not a model file.
        assert entry["files"] == [r for r in file_records(root) if r["path"] != VERIFIED_MARKER]
        assert entry["revision"] == revision_of(entry["files"])
    assert sorted(p.name for p in (tiny_models / "home").iterdir()) == sorted(
        e["repo"].replace("/", "--") for e in entries.values())


HUB = HUB_FILES


def test_hub_layouts_have_the_files_and_configs_of_the_pinned_repos(model_dirs: dict[str, Path]) -> None:
    files = {alias: sorted(p.name for p in path.iterdir() if p.name != VERIFIED_MARKER) for alias, path in model_dirs.items()}
    assert all("model.safetensors" in files[a] for a in ("tiny-nllb", "tiny-marian", "tiny-bart"))
    for alias in ("tiny-nllb-hub", "tiny-marian-tc-big", "tiny-distilbart-hub"):
        assert "pytorch_model.bin" in files[alias] and "model.safetensors" not in files[alias]
    assert files["tiny-distilbart-hub"] == ["config.json", "merges.txt", "pytorch_model.bin", "tokenizer_config.json",
                                            "vocab.json"]
    assert "generation_config.json" not in files["tiny-marian-tc-big"]
    nllb = model_dirs["tiny-nllb-hub"]
    real = HUB / "facebook--nllb-200-distilled-600M"
    for name in ("tokenizer_config.json", "special_tokens_map.json", "generation_config.json"):
        assert (nllb / name).read_bytes() == (real / name).read_bytes()
    config = json.loads((nllb / "config.json").read_text(encoding="utf-8"))
    assert config["max_length"] == 200 and config["transformers_version"] == "4.21.0.dev0"
    tc_big = json.loads((model_dirs["tiny-marian-tc-big"] / "config.json").read_text(encoding="utf-8"))
    assert tc_big["eos_token_id"] != 0 and tc_big["max_length"] is None and tc_big["num_beams"] is None
    weights = torch.load(model_dirs["tiny-marian-tc-big"] / "pytorch_model.bin", weights_only=True)
    assert {t.dtype for t in weights.values()} == {torch.float16}
    distilbart = json.loads((model_dirs["tiny-distilbart-hub"] / "config.json").read_text(encoding="utf-8"))
    assert distilbart["force_bos_token_to_be_generated"] and "forced_bos_token_id" not in distilbart


def test_product_lock_loader_resolves_every_tiny_model(tiny_models: Path, model_dirs: dict[str, Path]) -> None:
    lock = load_lock(tiny_models / "models.lock")
    assert lock.translator_for("fa").alias == "tiny-nllb" and lock.summarizer().alias == "tiny-bart"
    for alias, path in model_dirs.items():
        assert resolve_model(lock.get(alias), home=tiny_models / "home") == path


@pytest.mark.parametrize("alias", list(CLASSES))
def test_ctranslate2_converts_and_translates(
    model_dirs: dict[str, Path], tokenizers: dict[str, Any], alias: str, tmp_path: Path
) -> None:
    ctranslate2 = pytest.importorskip("ctranslate2")
    from ctranslate2.converters import TransformersConverter

    supply_bart_attributes()
    out = TransformersConverter(str(model_dirs[alias])).convert(str(tmp_path / "ct2"), quantization="int8")
    translator = ctranslate2.Translator(out, device="cpu", intra_threads=1)
    tokenizer = tokenizers[alias]
    english = alias in ("tiny-bart", "tiny-distilbart-hub")
    text = (ENGLISH_TEXT if english else SEEDS[-1]).read_text(encoding="utf-8").splitlines()[0]
    ids = encode(tokenizer, alias, text, "en" if english else seed_language(text))
    prefix = {"target_prefix": [["eng_Latn"]]} if alias in NLLB else {}
    result = translator.translate_batch([tokenizer.convert_ids_to_tokens(ids)], max_decoding_length=8, **prefix)
    hypothesis = result[0].hypotheses[0]
    assert hypothesis and all(tokenizer.convert_tokens_to_ids(t) != tokenizer.unk_token_id for t in hypothesis)


def test_builds_are_deterministic(tiny_models: Path, tmp_path: Path) -> None:
    out = build_tiny_models(tmp_path / "again")
    assert out == tmp_path / "again"
    assert (out / "models.lock").read_text(encoding="utf-8") == (tiny_models / "models.lock").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["again"]  # no staging directory left behind


def test_build_refuses_to_replace_a_directory_it_did_not_build(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        build_tiny_models(tmp_path)
    assert (tmp_path / "precious.txt").read_text(encoding="utf-8") == "keep me"
