"""`models convert`: tiny NLLB, Marian and BART become CTranslate2 models that load and generate."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import ctranslate2
import pytest
from transformers import AutoTokenizer
from typer.testing import CliRunner

from cli import app
from modelstore.convert import convert_model
from modelstore.integrity import CONVERT_MARKER
from modelstore.lock import load_lock
from modelstore.store import converted_dir, model_dir, model_state
from modelstore.verify import verify_model
from core.errors import IntegrityError

SOURCE = {"tiny-nllb": "خبرگزاری ایرنا گزارش داد که وزیر امروز", "tiny-marian": "خبرگزاری ایرنا گزارش داد که وزیر امروز",
          "tiny-bart": "The news agency reported that the minister met officials today."}


@pytest.fixture(scope="module")
def workspace(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("convert")
    shutil.copytree(tiny_models / "home", work / "home")
    shutil.copy(tiny_models / "models.lock", work / "models.lock")
    return work / "models.lock", work / "home"


@pytest.mark.parametrize("alias", ["tiny-nllb", "tiny-marian", "tiny-bart"])
def test_converted_model_loads_and_generates(workspace, alias: str) -> None:
    lock_path, home = workspace
    entry = load_lock(lock_path).get(alias)
    result = convert_model(entry, "int8", home)
    assert result.converted and result.directory == converted_dir(entry, "int8", home)
    record = json.loads((result.directory / CONVERT_MARKER).read_text())
    assert record["source_revision"] == entry.revision and record["quantization"] == "int8"
    assert record["ctranslate2"] == ctranslate2.__version__
    assert (result.directory / "tokenizer_config.json").is_file()  # usable on its own

    tokenizer = AutoTokenizer.from_pretrained(str(result.directory))
    if entry.architecture == "nllb":
        tokenizer.src_lang = entry.language_codes["fa"]
    tokens = tokenizer.convert_ids_to_tokens(tokenizer(SOURCE[alias])["input_ids"])
    prefix = {"nllb": [[entry.language_codes.get("en")]], "bart": [["<s>"]]}.get(entry.architecture)
    translator = ctranslate2.Translator(str(result.directory), device="cpu", compute_type="int8")
    (output,) = translator.translate_batch([tokens], target_prefix=prefix, beam_size=1,
                                           max_decoding_length=8, min_decoding_length=4)
    hypothesis = output.hypotheses[0]
    assert len(hypothesis) >= 4 and all(isinstance(t, str) for t in hypothesis)
    assert set(hypothesis) <= set(tokenizer.get_vocab())

    assert model_state(entry, home) == "converted"
    assert verify_model(entry, home).verified  # the ct2 copy is not an "extra file"
    again = convert_model(entry, "int8", home)
    assert not again.converted


def test_cli_convert_is_a_no_op_when_up_to_date_and_ctranslate2_engine_translates(workspace) -> None:
    lock_path, home = workspace
    env = {"MTDIGEST_LOCK": str(lock_path), "MTDIGEST_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    first = CliRunner().invoke(app, ["models", "convert", "tiny-marian", "--quantization", "float32"], env=env)
    assert first.exit_code == 0 and "converted (float32)" in first.output, first.output
    bin_path = converted_dir(load_lock(lock_path).get("tiny-marian"), "float32", home) / "model.bin"
    stamp = bin_path.stat().st_mtime_ns
    second = CliRunner().invoke(app, ["models", "convert", "tiny-marian", "--quantization", "float32"], env=env)
    assert second.exit_code == 0 and "up to date" in second.output
    assert bin_path.stat().st_mtime_ns == stamp
    path = CliRunner().invoke(app, ["models", "path", "tiny-marian", "--quantization", "float32"], env=env)
    assert path.output.strip() == str(bin_path.parent)

    from mt.engine import DecodingOptions
    from mt.loading import load_translator

    nllb = load_lock(lock_path).get("tiny-nllb")
    convert_model(nllb, "int8", home)  # a no-op when another test of the module converted it
    engine = load_translator(nllb, engine="ctranslate2", device="cpu", home=home)
    (english,) = engine.translate(["خبرگزاری ایرنا گزارش داد."], "fa", DecodingOptions(beam_size=1))
    assert isinstance(english, str)


def test_convert_refuses_a_corrupt_source(tiny_models: Path, tmp_path: Path) -> None:
    shutil.copytree(tiny_models / "home", tmp_path / "home")
    entry = load_lock(tiny_models / "models.lock").get("tiny-bart")
    weights = model_dir(entry, tmp_path / "home") / "model.safetensors"
    weights.chmod(0o644)
    data = bytearray(weights.read_bytes())
    data[-10] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match="model.safetensors"):
        convert_model(entry, "int8", tmp_path / "home")
    assert not converted_dir(entry, "int8", tmp_path / "home").exists()


def test_bart_config_without_legacy_attributes_still_converts(tiny_models: Path, tmp_path: Path) -> None:
    """transformers v5 drops normalize_before & co. from BartConfig; CTranslate2 4.8 still reads them."""
    from modelstore.convert import _convert

    lock = load_lock(tiny_models / "models.lock")
    source = tmp_path / "bart"
    shutil.copytree(model_dir(lock.get("tiny-bart"), tiny_models / "home"), source)
    config = json.loads((source / "config.json").read_text())
    for key in ("normalize_before", "add_final_layer_norm", "normalize_embedding"):
        config.pop(key, None)
    (source / "config.json").write_text(json.dumps(config))
    _convert(source, tmp_path / "ct2", "int8")
    assert (tmp_path / "ct2" / "model.bin").is_file()


@pytest.mark.parametrize("token, english", [
    ("▁the", True), ("’s", True), ("2024", True), ("▁café", True), ("—", True), ("▁Erdoğan", True), ("%", True),
    ("▁€", True), ("▁", True), ("▁خبر", False), ("۱۲", False), ("\u200c", False), ("▁Москва", False),
    ("fra_Latn", False), ("<mask>", False), (">>deu<<", False), ("،", False), ("▁a\u0301", False),
])
def test_english_pieces_are_latin_letters_ascii_digits_and_punctuation(token: str, english: bool) -> None:
    from modelstore.vmap import english_piece

    assert english_piece(token) is english


def vmap_tokens(directory: Path) -> list[str]:
    from modelstore.vmap import VMAP_FILE

    (line,) = (directory / VMAP_FILE).read_text(encoding="utf-8").splitlines()
    key, targets = line.split("\t")
    assert key == ""  # one rule: the always-candidates of every batch
    return targets.split(" ")


@pytest.mark.parametrize("alias", ["tiny-nllb", "tiny-marian-tc-big"])
def test_convert_ships_the_english_vocabulary_map_of_the_models_own_vocabulary(workspace, alias: str) -> None:
    from modelstore.vmap import english_piece, spm_pieces, vmap_id

    lock_path, home = workspace
    entry = load_lock(lock_path).get(alias)
    result = convert_model(entry, "int8", home)
    vocabulary = json.loads((result.directory / "shared_vocabulary.json").read_text(encoding="utf-8"))
    tokens = vmap_tokens(result.directory)
    record = json.loads((result.directory / CONVERT_MARKER).read_text())["vocabulary_map"]
    assert record["rule"] == "latin1" and record["tokens"] == len(tokens) and record["vocabulary"] == len(vocabulary)
    assert tokens == [t for t in vocabulary if t in set(tokens)]  # vocabulary order: deterministic
    assert vmap_id(result.directory, json.loads((result.directory / CONVERT_MARKER).read_text())) == (
        f"latin1:{record['sha256'][:12]}")
    assert {"</s>", "<unk>"} <= set(tokens)
    assert not any(re.search(r"[\u0600-\u06ff]", t) for t in tokens)  # no Persian/Arabic piece
    if entry.architecture == "nllb":
        assert "eng_Latn" in tokens and not {"pes_Arab", "fra_Latn", "<mask>"} & set(tokens)
        assert [t for t in vocabulary if english_piece(t)] == [t for t in tokens if english_piece(t)]
        assert 0.2 < len(tokens) / len(vocabulary) < 0.8
    else:  # the shared vocab.json holds the source side's pieces too: only target.spm's are English output
        target = spm_pieces(model_dir(entry, home) / "target.spm")
        assert ">>eng<<" in tokens and not {">>deu<<", ">>fra<<"} & set(tokens)
        assert all(t in target for t in tokens if english_piece(t))
        assert [t for t in vocabulary if english_piece(t) and t in target] == [t for t in tokens if english_piece(t)]


def test_a_conversion_made_before_the_map_is_redone_and_a_changed_map_is_not_used(workspace) -> None:
    from modelstore.vmap import VMAP_FILE, vmap_id

    lock_path, home = workspace
    entry = load_lock(lock_path).get("tiny-marian")
    directory = convert_model(entry, "int8", home).directory
    marker = directory / CONVERT_MARKER
    old = json.loads(marker.read_text())
    for key in ("vocabulary_map", "vocabulary_map_rule"):
        old.pop(key)
    marker.write_text(json.dumps(old))
    (directory / VMAP_FILE).unlink()
    assert vmap_id(directory, old) is None  # the engine decodes unrestricted until it is converted again
    again = convert_model(entry, "int8", home)
    assert again.converted and (directory / VMAP_FILE).is_file()
    record = json.loads(marker.read_text())
    assert vmap_id(directory, record)
    (directory / VMAP_FILE).write_text("\t</s> <unk>\n", encoding="utf-8")
    assert vmap_id(directory, record) is None  # a map that is not the one converted is never used
