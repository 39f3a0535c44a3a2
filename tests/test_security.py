"""Model files are data, never code: no weights file is unpickled with code in it, no model's own Python runs.

Each attack plants a payload that would create a marker file if it ever ran, and checks that it did
not, through every way mtdigest loads a model: the transformers back end (`seq2seq.backends`), a full
`load_translator` from a lock whose hashes match the planted files, and `models convert`
(CTranslate2's converter). Article ids, which name output files and the links between them, cannot
escape the output directory or become script links. Path traversal on `models import` is covered in
test_models_archive.py.
"""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import json
import shutil
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from cli import app

from modelstore.convert import _convert
from modelstore.lock import LockedFile, ModelEntry, load_lock
from modelstore.store import model_dir
from seq2seq.backends import Seq2SeqModel, open_transformers
from core.errors import MtdigestError
from mt.loading import load_translator

WEIGHTS = "pytorch_model.bin"


class _Payload:
    """Unpickling this creates `path` (what an attacker's `os.system` would do, made observable)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.path), "w"))


@pytest.fixture()
def marker(tmp_path: Path) -> Path:
    return tmp_path / f"EXECUTED-{uuid.uuid4().hex[:8]}"


@pytest.fixture()
def marian(tiny_models: Path, tmp_path: Path) -> tuple[ModelEntry, Path]:
    """A private copy of the tiny Marian model (lock entry, home), free to tamper with."""
    entry = load_lock(tiny_models / "models.lock").get("tiny-marian")
    home = tmp_path / "home"
    shutil.copytree(model_dir(entry, tiny_models / "home"), model_dir(entry, home))
    return entry, home


def plant_pickle(path: Path, marker: Path, legacy: bool = False) -> None:
    """A `pytorch_model.bin` whose unpickling creates `marker` (zip format, or the legacy raw pickle)."""
    torch.save({"model.shared.weight": _Payload(marker)}, path, _use_new_zipfile_serialization=not legacy)


def test_the_planted_pickle_is_live(tmp_path: Path, marker: Path) -> None:
    """The payload really runs when unpickled unsafely, so the tests below that it never does mean something."""
    plant_pickle(tmp_path / WEIGHTS, marker)
    torch.load(tmp_path / WEIGHTS, weights_only=False)
    assert marker.exists()


# --- weights are never unpickled with code ------------------------------------------------


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy-pickle"])
def test_a_pickled_payload_never_runs_and_is_refused_with_a_clear_error(marian, marker: Path, legacy: bool) -> None:
    entry, home = marian
    root = model_dir(entry, home)
    (root / "model.safetensors").unlink()
    plant_pickle(root / WEIGHTS, marker, legacy)
    with pytest.raises(MtdigestError, match=WEIGHTS):
        open_transformers(root, "cpu", "fp32")
    assert not marker.exists()


def test_a_locked_pickle_with_matching_hashes_still_never_runs(marian, marker: Path) -> None:
    """The lock proves a file is the one pinned, not that it is safe: a pinned malicious .bin must not run."""
    entry, home = marian
    root = model_dir(entry, home)
    (root / "model.safetensors").unlink()
    plant_pickle(root / WEIGHTS, marker)
    data = (root / WEIGHTS).read_bytes()
    files = [f for f in entry.files if f.path != "model.safetensors"]
    files.append(LockedFile(WEIGHTS, len(data), hashlib.sha256(data).hexdigest()))
    pinned = dataclasses.replace(entry, files=tuple(files))
    translator = load_translator(pinned, engine="transformers", device="cpu", precision="fp32", home=home)
    with pytest.raises(MtdigestError, match=WEIGHTS):  # the weights are read on first use
        translator.model
    assert not marker.exists()


def test_safetensors_are_loaded_and_a_planted_pickle_beside_them_is_never_read(marian, marker: Path) -> None:
    entry, home = marian
    root = model_dir(entry, home)
    plant_pickle(root / WEIGHTS, marker)
    model, _, _ = open_transformers(root, "cpu", "fp32")
    assert model.config.model_type == "marian"
    assert not marker.exists()


def test_plain_tensor_checkpoints_still_load(marian) -> None:
    """Pinned models ship `pytorch_model.bin` (NLLB-200, OPUS-MT): tensors-only pickles load through
    torch's weights-only unpickler, so refusing code must not mean refusing those models."""
    entry, home = marian
    root = model_dir(entry, home)
    model, _, _ = open_transformers(root, "cpu", "fp32")
    torch.save(model.state_dict(), root / WEIGHTS)
    (root / "model.safetensors").unlink()
    reloaded, _, _ = open_transformers(root, "cpu", "fp32")
    assert torch.equal(reloaded.model.shared.weight, model.model.shared.weight)


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy-pickle"])
def test_conversion_never_runs_a_pickled_payload(marian, marker: Path, tmp_path: Path, legacy: bool) -> None:
    entry, home = marian
    root = model_dir(entry, home)
    (root / "model.safetensors").unlink()
    plant_pickle(root / WEIGHTS, marker, legacy)
    with pytest.raises(MtdigestError, match="not plain tensors"):
        _convert(root, tmp_path / "ct2", "float32")
    assert not marker.exists()


# --- a model's own code never runs -----------------------------------------------------------


def plant_remote_code(root: Path, marker: Path, model_type: str) -> None:
    """`auto_map` in config.json and tokenizer_config.json pointing at a local module that creates `marker`.

    The module name is unique per test: transformers caches the dynamic modules it imported.
    """
    module = f"custom_{uuid.uuid4().hex[:8]}"
    (root / f"{module}.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n"
        "from transformers import MarianConfig, MarianMTModel, MarianTokenizer\n"
        f"class CustomConfig(MarianConfig):\n    model_type = {model_type!r}\n"
        "class CustomModel(MarianMTModel):\n    config_class = CustomConfig\n"
        "class CustomTokenizer(MarianTokenizer):\n    pass\n",
        encoding="utf-8",
    )
    config = json.loads((root / "config.json").read_text(encoding="utf-8"))
    config["model_type"] = model_type
    config["auto_map"] = {"AutoConfig": f"{module}.CustomConfig", "AutoModelForSeq2SeqLM": f"{module}.CustomModel"}
    (root / "config.json").write_text(json.dumps(config), encoding="utf-8")
    tokenizer = json.loads((root / "tokenizer_config.json").read_text(encoding="utf-8"))
    tokenizer.pop("tokenizer_class", None)
    tokenizer["auto_map"] = {"AutoTokenizer": [f"{module}.CustomTokenizer", None]}
    (root / "tokenizer_config.json").write_text(json.dumps(tokenizer), encoding="utf-8")


@pytest.fixture()
def yes_to_prompts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A user (or a script piping `yes`) who answers "y" to any question; the questions are recorded."""
    asked: list[str] = []

    def answer(prompt: str = "") -> str:
        asked.append(prompt)
        return "y"

    monkeypatch.setattr(builtins, "input", answer)
    return asked


def test_local_code_of_a_known_architecture_never_runs(marian, marker: Path, tmp_path: Path, yes_to_prompts) -> None:
    entry, home = marian
    root = model_dir(entry, home)
    plant_remote_code(root, marker, "marian")
    open_transformers(root, "cpu", "fp32")
    Seq2SeqModel(entry, root, "cpu", "fp32").tokenizer  # read on first use
    _convert(root, tmp_path / "ct2", "float32")
    assert not marker.exists() and not yes_to_prompts


@pytest.mark.parametrize("part", ["model", "tokenizer"])
def test_custom_code_is_refused_without_asking(marian, marker: Path, yes_to_prompts, part: str) -> None:
    """transformers asks on stdin ("Do you wish to run the custom code? [y/N]") unless told no."""
    entry, home = marian
    root = model_dir(entry, home)
    plant_remote_code(root, marker, f"custom-{uuid.uuid4().hex[:8]}")
    with pytest.raises(ValueError, match="custom code"):
        if part == "model":
            open_transformers(root, "cpu", "fp32")
        else:
            Seq2SeqModel(entry, root, "cpu", "fp32").tokenizer  # read on first use
    assert not marker.exists() and not yes_to_prompts


def test_conversion_refuses_custom_code_without_asking(marian, marker: Path, tmp_path: Path, yes_to_prompts) -> None:
    entry, home = marian
    root = model_dir(entry, home)
    plant_remote_code(root, marker, f"custom-{uuid.uuid4().hex[:8]}")
    with pytest.raises(MtdigestError, match="custom code"):
        _convert(root, tmp_path / "ct2", "float32")
    assert not marker.exists() and not yes_to_prompts


# --- article ids are plain file names ----------------------------------------------------------

ARTICLE = ("وزیر امور خارجه ایران روز دوشنبه در دیدار با همتای خود در تهران گفت که گفت‌وگوها ادامه می‌یابد. "
           "دو طرف درباره همکاری‌های اقتصادی و منطقه‌ای نیز گفت‌وگو کردند.")
HOSTILE_IDS = ["../../escaped", "/tmp/absolute", "javascript:alert(1)//", "..", ".hidden", "a\\..\\..\\b"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value or "" for name, value in attrs if name == "href"]


def test_record_ids_cannot_write_outside_the_output_or_become_script_links(tiny_models: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("\n".join(json.dumps({"id": i, "text": ARTICLE}, ensure_ascii=False) for i in HOSTILE_IDS),
                      encoding="utf-8")
    out = tmp_path / "deep" / "er" / "out"
    env = {"MTDIGEST_LOCK": str(tiny_models / "models.lock"), "MTDIGEST_HOME": str(tiny_models / "home"),
           "MTDIGEST_CACHE": str(tmp_path / "cache" / "cache.sqlite")}
    result = CliRunner().invoke(app, ["digest", str(inputs), "-o", str(out), "--method", "extractive", "--fast", "-q"],
                                env=env)
    assert result.exit_code == 0, result.output
    written = [p for p in tmp_path.rglob("*") if p.is_file() and "cache" not in p.parts and p != inputs]
    assert written and all(p.parent == out for p in written), written
    assert len([p for p in written if p.suffix == ".json"]) == len(HOSTILE_IDS)
    assert_plain_links(out / "index.html")
    # Article JSON from elsewhere (`--from-json`) skips ingestion: its ids are made plain file names as well.
    records = []
    for hostile, path in zip(HOSTILE_IDS, sorted(out.glob("*.json"))):
        record = json.loads(path.read_text(encoding="utf-8"))
        records.append(json.dumps({**record, "id": hostile}, ensure_ascii=False))
    (tmp_path / "hostile.jsonl").write_text("\n".join(records), encoding="utf-8")
    again = tmp_path / "deep" / "er" / "again"
    result = CliRunner().invoke(app, ["digest", str(tmp_path / "hostile.jsonl"), "-o", str(again), "--from-json",
                                      "--method", "extractive", "-q"], env=env)
    assert result.exit_code == 0, result.output
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent not in (out, tmp_path)
               and "cache" not in p.parts]
    assert written and all(p.parent == again for p in written), written
    assert_plain_links(again / "index.html")


def assert_plain_links(index: Path) -> None:
    """Every link of an index is ./<one plain file name>: no scheme, no other directory, not hidden."""
    links = _Links()
    links.feed(index.read_text(encoding="utf-8"))
    names = [h.removeprefix("./") for h in links.hrefs]
    assert links.hrefs and all(h.startswith("./") for h in links.hrefs)
    assert not [n for n in names if ":" in n or "/" in n or "\\" in n or n.startswith(".")]
