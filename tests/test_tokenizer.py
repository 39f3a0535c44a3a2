"""seq2seq.tokenizer: Marian and BART tokenizers read without transformers give exactly transformers' ids and text."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seq2seq.tokenizer import MarianSentencePiece, NllbTokenizersFile, TokenizersFile, TransformersTokenizer, load_tokenizer
from tests.flores import COLUMNS, rows
from tests.tiny_models import seed_files

# Every layout of the test models (as saved today and as the pinned repos are pulled), and a generic
# tokenizer.json (transformers' TokenizersBackend class: a word-level one, like the benchmarks' stand-ins).
# The Persian default (opus-mt-tc-bible-big-iir) ships no tokenizer_config.json at all: the tc-big layout without it.
DIRECT = {"tiny--marian": MarianSentencePiece, "tiny--marian-tc-big": MarianSentencePiece,
          "tc-big-without-tokenizer-config": MarianSentencePiece,
          "tiny--bart": TokenizersFile, "tiny--distilbart-hub": TokenizersFile, "generic-word-level": TokenizersFile,
          "tiny--nllb": NllbTokenizersFile, "tiny--nllb-hub": NllbTokenizersFile}
HOSTILE = [
    ">>fra<< bonjour", ">>eng<<", ">>x<< y", "a >>deu<< b", ">>", "a<<b", "</s> x <mask> y eng_Latn <pad> <unk> <s>",
    "  spaced  out  ", "", "émoji 🙂 ٣٤٥ ۱۲۳ \u200c zwnj \u200f rlm", "It's a test , isn't it ? Yes !",
]


def _model_dir(tiny_models: Path, name: str) -> Path:
    return next((tiny_models / "home" / name).iterdir())


@pytest.fixture(scope="module")
def generic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    words = sorted({w for path in seed_files() for w in path.read_text(encoding="utf-8").split()})[:400]
    vocab = {token: i for i, token in enumerate(["<s>", "<pad>", "</s>", "<unk>", *words, "It's", ",", "?"])}
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    core.decoder = decoders.WordPiece(prefix="##", cleanup=False)
    core.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    directory = tmp_path_factory.mktemp("generic-word-level")
    PreTrainedTokenizerFast(tokenizer_object=core, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                            unk_token="<unk>").save_pretrained(directory)
    return directory


def _texts() -> list[str]:
    """The seeds' lines, hostile strings, and real sentences in the three languages (FLORES-200 devtest sample)."""
    lines = [line for path in seed_files() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    real = [row[column] for row in rows()[:60] for column in COLUMNS.values()]
    return lines + HOSTILE + real


@pytest.fixture(scope="module", params=sorted(DIRECT))
def pair(request: pytest.FixtureRequest, tiny_models: Path, generic_dir: Path,
         tmp_path_factory: pytest.TempPathFactory) -> tuple[object, TransformersTokenizer]:
    if request.param == "generic-word-level":
        directory = generic_dir
    elif request.param == "tc-big-without-tokenizer-config":
        directory = tmp_path_factory.mktemp("tc-bible") / "model"
        shutil.copytree(_model_dir(tiny_models, "tiny--marian-tc-big"), directory)
        (directory / "tokenizer_config.json").unlink()
    else:
        directory = _model_dir(tiny_models, request.param)
    fast = load_tokenizer(directory)
    assert type(fast) is DIRECT[request.param]
    return fast, TransformersTokenizer(directory)


@pytest.mark.parametrize("target", [False, True])
def test_text_ids_equal_transformers(pair: tuple, target: bool) -> None:
    fast, reference = pair
    texts = _texts()
    assert fast.encode_text(texts, target=target) == reference.encode_text(texts, target=target)
    assert fast.template() == reference.template()


def test_special_tokens_and_vocabulary_equal_transformers(pair: tuple) -> None:
    fast, reference = pair
    for name in ("unk_token_id", "pad_token_id", "eos_token_id", "bos_token_id", "bos_token"):
        assert getattr(fast, name) == getattr(reference, name), name
    if isinstance(fast, TokenizersFile):
        assert fast.mask_token_id == getattr(reference, "mask_token_id", None)
    assert sorted(fast.all_special_ids) == sorted(reference.all_special_ids)
    assert len(fast) == len(reference)
    assert fast.get_vocab() == reference.get_vocab()
    tokens = [*list(reference.get_vocab())[:300], "not-a-piece", ">>eng<<"]
    assert fast.convert_tokens_to_ids(tokens) == reference.convert_tokens_to_ids(tokens)
    assert fast.convert_tokens_to_ids("not-a-piece") == reference.convert_tokens_to_ids("not-a-piece")


def test_decoding_equals_transformers(pair: tuple) -> None:
    """Random id sequences over the whole vocabulary (specials included), every decode flag."""
    fast, reference = pair
    rng = random.Random(7)
    for _ in range(150):
        ids = [rng.randrange(len(reference)) for _ in range(rng.randrange(1, 24))]
        assert fast.convert_ids_to_tokens(ids) == reference.convert_ids_to_tokens(ids)
        for skip in (True, False):
            for clean in (True, False):
                flags = {"skip_special_tokens": skip, "clean_up_tokenization_spaces": clean}
                assert fast.decode(ids, **flags) == reference.decode(ids, **flags), (ids, flags)


@pytest.mark.parametrize("name", ["tiny--nllb", "tiny--nllb-hub", "legacy-behaviour"])
def test_nllb_templates_follow_src_lang_as_transformers_does(tiny_models: Path, tmp_path: Path, name: str) -> None:
    """`[code] text </s>` for the language set last (the pulled config's `src_lang: null`: eng_Latn), or
    `text </s> [code]` under `legacy_behaviour`; the same ids as transformers' NllbTokenizer either way."""
    directory = _model_dir(tiny_models, "tiny--nllb" if name == "legacy-behaviour" else name)
    if name == "legacy-behaviour":
        directory = shutil.copytree(directory, tmp_path / "model")
        config = json.loads((directory / "tokenizer_config.json").read_text(encoding="utf-8"))
        (directory / "tokenizer_config.json").write_text(json.dumps({**config, "legacy_behaviour": True}),
                                                         encoding="utf-8")
    ours, reference = load_tokenizer(directory), TransformersTokenizer(directory)
    assert isinstance(ours, NllbTokenizersFile)
    assert ours.template() == reference.template()  # the config's own src_lang
    for code in ("pes_Arab", "arb_Arab", "eng_Latn"):
        ours.src_lang = reference.src_lang = code
        assert ours.template() == reference.template()
        texts = _texts()[:5]
        assert [ours.template()[0] + row + ours.template()[1] for row in ours.encode_text(texts)] == \
            reference._hf(texts)["input_ids"]
    expected = ([], [ours.eos_token_id, ours.convert_tokens_to_ids("eng_Latn")]) if name == "legacy-behaviour" \
        else ([ours.convert_tokens_to_ids("eng_Latn")], [ours.eos_token_id])
    assert ours.template() == expected


def test_an_nllb_layout_without_tokenizer_json_is_left_to_transformers(tiny_models: Path, tmp_path: Path) -> None:
    directory = shutil.copytree(_model_dir(tiny_models, "tiny--nllb-hub"), tmp_path / "model")
    (directory / "tokenizer.json").unlink()
    tokenizer = load_tokenizer(directory)
    assert isinstance(tokenizer, TransformersTokenizer)
    tokenizer.src_lang = "pes_Arab"
    assert tokenizer.template() == ([tokenizer.convert_tokens_to_ids("pes_Arab")], [tokenizer.eos_token_id])


def test_reading_the_default_models_tokenizers_imports_no_transformers(tiny_models: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from seq2seq.tokenizer import load_tokenizer\n"
        f"for d in {[str(_model_dir(tiny_models, name)) for name in sorted(DIRECT) if name.startswith('tiny')]!r}:\n"
        "    load_tokenizer(Path(d)).encode_text(['سلام'])\n"
        "print(sorted(m for m in ('transformers', 'torch') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"


def test_a_marian_layout_with_more_special_tokens_is_left_to_transformers(tiny_models: Path, tmp_path: Path) -> None:
    directory = tmp_path / "model"
    shutil.copytree(_model_dir(tiny_models, "tiny--marian-tc-big"), directory)
    config = json.loads((directory / "tokenizer_config.json").read_text(encoding="utf-8"))
    config["additional_special_tokens"] = [">>deu<<"]
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    assert isinstance(load_tokenizer(directory), TransformersTokenizer)


@pytest.mark.parametrize("translator", ["tiny-marian-tc-big", "tiny-nllb-hub"])
def test_a_digest_on_ctranslate2_imports_neither_transformers_nor_torch(
    tiny_models: Path, tmp_path: Path, translator: str
) -> None:
    """The lock's default shapes (Marian translators and the distilbart summarizer, as pulled) or NLLB as pulled
    (`--model`), CTranslate2 copies: the whole first run, tokenizers included, stays clear of the 3-second
    transformers/torch import."""
    from modelstore.convert import convert_model
    from modelstore.lock import load_lock
    from tests.tiny_models import product_shaped_lock

    home = tmp_path / "home"
    shutil.copytree(tiny_models / "home", home)
    lock_path = product_shaped_lock(tiny_models, tmp_path / "models.lock")
    lock = load_lock(lock_path)
    for alias in (translator, "tiny-distilbart-hub"):
        convert_model(lock.get(alias), "int8", home)
    probe = ("import atexit, sys; atexit.register(lambda: print('heavy', sorted({'torch', 'transformers'} & "
             "set(sys.modules)))); from cli import app; sys.argv = ['mtdigest', *sys.argv[1:]]; app()")
    env = {**os.environ, "MTDIGEST_LOCK": str(lock_path), "MTDIGEST_HOME": str(home),
           "MTDIGEST_CACHE": str(tmp_path / "cache.sqlite"), "HF_HUB_OFFLINE": "1"}
    seed = next(path for path in seed_files() if path.name.startswith("003_"))  # Persian: the tc-big layout
    run = subprocess.run([sys.executable, "-c", probe, "digest", str(seed), "-o", str(tmp_path / "out"), "--fast",
                          "--engine", "ctranslate2", "--model", translator, "-q"], env=env, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "heavy []"
    record = json.loads(next((tmp_path / "out").glob("0*.json")).read_text(encoding="utf-8"))
    assert record["models"]["translate"]["engine"] == record["models"]["summarize"]["engine"] == "ctranslate2"
    assert record["models"]["translate"]["alias"] == translator
