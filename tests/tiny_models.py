"""Tiny random-weight NLLB, Marian and BART models, built offline, for tests.

No model hub is reachable from tests or CI, yet every command should run through
the real lock -> model directory -> AutoTokenizer/AutoModelForSeq2SeqLM path.
So this module trains small tokenizers on the seed articles (plus an English
text) and saves tiny models of the same architectures, with the same files the
real hub repos ship, in the layout `models.lock` + `home/<org>--<name>/<rev>/`.

Run `python -m tests.tiny_models OUTDIR` to build a copy by hand.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import tomllib
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
SEEDS_DIR = REPO_ROOT / "seeds"
ENGLISH_TEXT = TESTS_DIR / "data" / "english.txt"
# Real files of the pinned hub repos (byte-for-byte; their sha256 equal the product lock's), the
# templates of the hub-layout test models.
HUB_FILES = TESTS_DIR / "data" / "hub"
NLLB_CODES = {"fa": "pes_Arab", "ar": "arb_Arab", "en": "eng_Latn"}
_SEED = 0
# Small enough that building all three takes seconds and generation is fast.
_DIMS = {"d_model": 32, "layers": 1, "heads": 2, "ffn": 64}


@dataclass(frozen=True)
class TinyModel:
    """One lock entry and the function that writes its files."""

    alias: str
    role: str
    architecture: str
    repo: str
    languages: list[str]
    build: Callable[[Path, Path], None]
    language_codes: dict[str, str] = field(default_factory=dict)
    target_token: str | None = None


def seed_files() -> list[Path]:
    """The Persian and Arabic seed articles the tokenizers are trained on."""
    return sorted(SEEDS_DIR.glob("*.txt"))


def _lines(paths: list[Path]) -> list[str]:
    return [line.strip() for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def _train_spm(paths: list[Path], dest: Path, model_type: str, vocab_size: int) -> Path:
    """Train a SentencePiece model on the lines of `paths` and write it to `dest`.

    Trained from an iterator into memory, single-threaded, so no temp path is recorded in the model
    and the file is byte-identical on every build.
    """
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_lines(paths)), model_writer=model, model_type=model_type, vocab_size=vocab_size,
        character_coverage=1.0, hard_vocab_limit=False, num_threads=1, shuffle_input_sentence=False,
        minloglevel=2,
    )
    dest.write_bytes(model.getvalue())
    return dest


def _seq2seq_dims(**extra: object) -> dict[str, object]:
    d = _DIMS
    return dict(
        d_model=d["d_model"], encoder_layers=d["layers"], decoder_layers=d["layers"],
        encoder_attention_heads=d["heads"], decoder_attention_heads=d["heads"],
        encoder_ffn_dim=d["ffn"], decoder_ffn_dim=d["ffn"], dropout=0.0, attention_dropout=0.0, **extra,
    )


def _save_model(model_cls: type, config: object, generation: dict[str, object], dest: Path) -> None:
    """Random weights from a fixed seed, saved the way real checkpoints are (safetensors + generation_config)."""
    import torch
    from transformers import GenerationConfig

    torch.manual_seed(_SEED)
    model = model_cls(config).eval()
    model.generation_config = GenerationConfig(**generation)
    model.save_pretrained(dest)


def _hub_file(repo_dir: str, name: str) -> Path:
    return HUB_FILES / repo_dir / name


def _scaled_config(real: dict[str, object], vocab_size: int) -> dict[str, object]:
    """A real config.json with its sizes scaled down to the tiny dims; every other field as published."""
    d = _DIMS
    scaled = dict(real)
    for key, value in (("d_model", d["d_model"]), ("encoder_layers", d["layers"]), ("decoder_layers", d["layers"]),
                       ("num_hidden_layers", d["layers"]), ("encoder_attention_heads", d["heads"]),
                       ("decoder_attention_heads", d["heads"]), ("encoder_ffn_dim", d["ffn"]),
                       ("decoder_ffn_dim", d["ffn"]), ("dropout", 0.0), ("attention_dropout", 0.0)):
        if key in scaled:
            scaled[key] = value
    scaled["vocab_size"] = vocab_size
    if "decoder_vocab_size" in scaled:
        scaled["decoder_vocab_size"] = vocab_size
    return scaled


def _as_hub_checkpoint(dest: Path, config: dict[str, object], generation: Path | None) -> None:
    """Turn a fresh `save_pretrained` directory into the layout of a 2022-era hub repo: the weights as a
    pickled `pytorch_model.bin` in the config's dtype, the published config.json (scaled), and the
    published generation_config.json or none at all."""
    import torch
    from safetensors.torch import load_file

    dtype = {"float16": torch.float16, "bfloat16": torch.bfloat16}.get(str(config.get("torch_dtype")), torch.float32)
    weights = load_file(str(dest / "model.safetensors"))
    torch.save({name: tensor.to(dtype) for name, tensor in weights.items()}, dest / "pytorch_model.bin")
    (dest / "model.safetensors").unlink()
    (dest / "config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (dest / "generation_config.json").unlink(missing_ok=True)
    if generation is not None:
        shutil.copyfile(generation, dest / "generation_config.json")


def build_nllb(dest: Path, work: Path) -> None:
    """NLLB-200 layout: SentencePiece BPE + tokenizer.json, ids shifted by one, language codes then <mask> last.

    The tokenizer.json is built from the BPE vocab/merges directly: transformers v5 builds an NLLB tokenizer
    from a bare `sentencepiece.bpe.model` without the language codes (`pes_Arab` becomes <unk>).
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES
    from transformers.tokenization_utils_sentencepiece import SentencePieceExtractor

    spm_file = _train_spm([*seed_files(), ENGLISH_TEXT], work / "nllb.model", "bpe", 3000)
    sp = spm.SentencePieceProcessor(model_file=str(spm_file))
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}  # fairseq ids; SentencePiece ids are shifted by one
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), i + 1)
    for token in [*FAIRSEQ_LANGUAGE_CODES, "<mask>"]:
        vocab[token] = len(vocab)
    _, _, merges = SentencePieceExtractor(str(spm_file)).extract()
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(spm_file.read_bytes())
    tokenizer = NllbTokenizer(
        vocab=vocab, merges=merges, _spm_precompiled_charsmap=proto.normalizer_spec.precompiled_charsmap,
        additional_special_tokens=list(FAIRSEQ_LANGUAGE_CODES), src_lang="eng_Latn", model_max_length=1024,
    )
    tokenizer.save_pretrained(dest)
    shutil.copyfile(spm_file, dest / "sentencepiece.bpe.model")
    config = M2M100Config(
        vocab_size=len(tokenizer), max_position_embeddings=1024, activation_function="relu",
        scale_embedding=True, pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
        tokenizer_class="NllbTokenizer", **_seq2seq_dims(),
    )
    generation = dict(bos_token_id=0, eos_token_id=2, pad_token_id=1, decoder_start_token_id=2, max_length=64)
    _save_model(M2M100ForConditionalGeneration, config, generation, dest)


def build_marian(dest: Path, work: Path, target_tokens: tuple[str, ...] = (), eos_in_the_middle: bool = False) -> None:
    """OPUS-MT layout: source.spm (fa+ar) and target.spm (en) unigram models, one joint vocab.json, <pad> last;
    a multi-target model's language tokens (`>>eng<<`) follow `<unk>`. `</s>` is id 0, or (as in the
    tc-bible releases, whose `eos_token_id` is 469) somewhere among the pieces."""
    import sentencepiece as spm
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    source = _train_spm(seed_files(), work / "source.spm", "unigram", 2000)
    target = _train_spm([ENGLISH_TEXT], work / "target.spm", "unigram", 2000)
    vocab = {"</s>": 0, "<unk>": 1, **{token: 2 + n for n, token in enumerate(target_tokens)}}
    for model_file in (source, target):
        sp = spm.SentencePieceProcessor(model_file=str(model_file))
        for i in range(sp.get_piece_size()):
            if not (sp.is_control(i) or sp.is_unknown(i)):
                vocab.setdefault(sp.id_to_piece(i), len(vocab))
    if eos_in_the_middle:
        order = [t for t in vocab if t != "</s>"]
        order.insert(len(order) // 4, "</s>")
        vocab = {token: n for n, token in enumerate(order)}
    pad = vocab["<pad>"] = len(vocab)
    eos = vocab["</s>"]
    shutil.copyfile(source, dest / "source.spm")
    shutil.copyfile(target, dest / "target.spm")
    (dest / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=2), encoding="utf-8")
    tokenizer = MarianTokenizer(
        source_spm=str(dest / "source.spm"), target_spm=str(dest / "target.spm"), vocab=str(dest / "vocab.json"),
        target_lang="en", model_max_length=512,
    )
    tokenizer.save_pretrained(dest)
    config = MarianConfig(
        vocab_size=len(vocab), max_position_embeddings=512, activation_function="swish", scale_embedding=True,
        pad_token_id=pad, eos_token_id=eos, bos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=eos,
        share_encoder_decoder_embeddings=True, **_seq2seq_dims(),
    )
    generation = dict(
        bos_token_id=0, eos_token_id=eos, pad_token_id=pad, decoder_start_token_id=pad, forced_eos_token_id=eos,
        bad_words_ids=[[pad]], max_length=64,
    )
    _save_model(MarianMTModel, config, generation, dest)


# The target languages of the tc-bible Indo-Iranian models, each chosen by its token.
TC_BIG_TARGETS = (">>deu<<", ">>eng<<", ">>fra<<", ">>por<<", ">>spa<<")
TC_BIG_REPO = "Helsinki-NLP--opus-mt-tc-bible-big-iir-deu_eng_fra_por_spa"


def build_marian_tc_big(dest: Path, work: Path) -> None:
    """OPUS-MT tc-big layout as pulled: separate source/target SentencePiece models, a shared vocab.json with
    the target-language tokens and `</s>` among the pieces, pytorch_model.bin in fp16 (as the tc-big
    releases of 2022 ship it, `torch_dtype: float16`), and the published config.json of the tc-bible
    release scaled down: `eos_token_id` not 0, `forced_eos_token_id`, `max_length` and `num_beams` null; no
    generation_config.json (the bible release's was not seen), the tokenizer files of the ar-en release."""
    build_marian(dest, work, TC_BIG_TARGETS, eos_in_the_middle=True)
    vocab = json.loads((dest / "vocab.json").read_text(encoding="utf-8"))
    pad = vocab["<pad>"]
    real = json.loads(_hub_file(TC_BIG_REPO, "config.json").read_text(encoding="utf-8"))
    config = {**_scaled_config(real, len(vocab)), "pad_token_id": pad, "decoder_start_token_id": pad,
              "eos_token_id": vocab["</s>"], "torch_dtype": "float16"}
    _as_hub_checkpoint(dest, config, None)
    shutil.copyfile(_hub_file(TC_BIG_REPO, "special_tokens_map.json"), dest / "special_tokens_map.json")
    shutil.copyfile(_hub_file("Helsinki-NLP--opus-mt-tc-big-ar-en", "tokenizer_config.json"),
                    dest / "tokenizer_config.json")


def build_nllb_hub(dest: Path, work: Path) -> None:
    """facebook/nllb-200-distilled-600M as pulled: pytorch_model.bin, the published config.json (scaled down,
    `max_length: 200`) and generation_config.json, and its old tokenizer_config.json (`src_lang: null`,
    `additional_special_tokens: null`, `__type: AddedToken`) with the language codes only in
    special_tokens_map.json."""
    build_nllb(dest, work)
    repo = "facebook--nllb-200-distilled-600M"
    real = json.loads(_hub_file(repo, "config.json").read_text(encoding="utf-8"))
    vocab_size = json.loads((dest / "config.json").read_text(encoding="utf-8"))["vocab_size"]
    _as_hub_checkpoint(dest, _scaled_config(real, vocab_size), _hub_file(repo, "generation_config.json"))
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        shutil.copyfile(_hub_file(repo, name), dest / name)


def build_bart(dest: Path, work: Path, hub_layout: bool = False) -> None:
    """distilbart-cnn layout: English byte-level BPE (vocab.json + merges.txt), <mask> last.

    `hub_layout`: as sshleifer/distilbart-cnn-12-6 is pulled: no tokenizer.json (the tokenizer is built from
    vocab.json + merges.txt), a 26-byte tokenizer_config.json, no generation_config.json (the generation
    settings live in config.json), pytorch_model.bin, and one embedding row fewer than the tokenizer has
    tokens: `<mask>`, the last token, has no row."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    bpe = ByteLevelBPETokenizer()
    bpe.train([str(ENGLISH_TEXT)], vocab_size=3000, min_frequency=2,
              special_tokens=["<s>", "<pad>", "</s>", "<unk>"], show_progress=False)
    vocab = bpe.get_vocab()
    vocab = dict(sorted(vocab.items(), key=lambda item: item[1]), **{"<mask>": len(vocab)})
    merges = json.loads(bpe.to_str())["model"]["merges"]
    tokenizer = BartTokenizer(vocab=vocab, merges=[tuple(m) for m in merges], model_max_length=1024)
    tokenizer.save_pretrained(dest)
    (dest / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    merges_txt = "".join(f"{a} {b}\n" for a, b in merges)
    (dest / "merges.txt").write_text("#version: 0.2\n" + merges_txt, encoding="utf-8")
    config = BartConfig(
        vocab_size=len(tokenizer) - (1 if hub_layout else 0), max_position_embeddings=1024, activation_function="gelu",
        scale_embedding=False, normalize_before=False, add_final_layer_norm=False,
        pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
        forced_bos_token_id=0, forced_eos_token_id=2, **_seq2seq_dims(),
    )
    generation = dict(
        bos_token_id=0, eos_token_id=2, pad_token_id=1, decoder_start_token_id=2, forced_bos_token_id=0,
        forced_eos_token_id=2, num_beams=2, no_repeat_ngram_size=3, length_penalty=2.0, early_stopping=True,
        min_length=4, max_length=64,
    )
    _save_model(BartForConditionalGeneration, config, generation, dest)
    if hub_layout:
        real = json.loads(_hub_file("sshleifer--distilbart-cnn-12-6", "config.json").read_text(encoding="utf-8"))
        _as_hub_checkpoint(dest, _scaled_config(real, config.vocab_size), None)
        for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
            (dest / name).unlink(missing_ok=True)
        (dest / "tokenizer_config.json").write_text('{"model_max_length": 1024}', encoding="utf-8")


def build_distilbart_hub(dest: Path, work: Path) -> None:
    """sshleifer/distilbart-cnn-12-6 as pulled (see `build_bart`)."""
    build_bart(dest, work, hub_layout=True)


# Each architecture twice: as today's `save_pretrained` writes it, and in the layout its pinned hub repo has.
TINY_MODELS = (
    TinyModel("tiny-nllb", "translate", "nllb", "tiny/nllb", ["fa", "ar"], build_nllb, dict(NLLB_CODES)),
    TinyModel("tiny-nllb-hub", "translate", "nllb", "tiny/nllb-hub", ["fa", "ar"], build_nllb_hub,
              dict(NLLB_CODES)),
    TinyModel("tiny-marian", "translate", "marian", "tiny/marian", ["fa", "ar"], build_marian),
    TinyModel("tiny-marian-tc-big", "translate", "marian", "tiny/marian-tc-big", ["fa", "ar"], build_marian_tc_big,
              target_token=">>eng<<"),
    TinyModel("tiny-bart", "summarize", "bart", "tiny/bart", ["en"], build_bart),
    TinyModel("tiny-distilbart-hub", "summarize", "bart", "tiny/distilbart-hub", ["en"], build_distilbart_hub),
)
TRANSLATORS = tuple(m.alias for m in TINY_MODELS if m.role == "translate")
SUMMARIZERS = tuple(m.alias for m in TINY_MODELS if m.role == "summarize")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_records(root: Path) -> list[dict[str, object]]:
    """Every file under `root` with its size and sha256, as the lock lists them."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return [{"path": p.relative_to(root).as_posix(), "size": p.stat().st_size, "sha256": _sha256(p)} for p in files]


def revision_of(files: list[dict[str, object]]) -> str:
    """A stand-in commit id: sha1 over the sorted `path sha256` lines, so it changes whenever a file does."""
    lines = sorted(f"{f['path']} {f['sha256']}\n" for f in files)
    return hashlib.sha1("".join(lines).encode("utf-8")).hexdigest()


@contextmanager
def _quiet() -> Iterator[None]:
    """Builds run inside pytest and CI logs: no progress bars, no advice about optional packages."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
            yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def _make_readable(root: Path) -> None:
    """mkdtemp and the safetensors writer create owner-only modes; a shared cache should be world-readable."""
    root.chmod(0o755)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _build_into(root: Path) -> None:
    """Write `models.lock` and `home/` into an empty directory."""
    entries = []
    with _quiet(), tempfile.TemporaryDirectory(prefix="tiny-work-") as scratch:
        for spec in TINY_MODELS:
            staging, work = Path(scratch) / spec.alias, Path(scratch) / f"{spec.alias}-work"
            staging.mkdir()
            work.mkdir()
            spec.build(staging, work)
            files = file_records(staging)
            revision = revision_of(files)
            target = root / "home" / spec.repo.replace("/", "--") / revision
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staging), str(target))
            entry: dict[str, object] = {
                "alias": spec.alias, "role": spec.role, "architecture": spec.architecture, "repo": spec.repo,
                "revision": revision, "license": "mit", "languages": spec.languages,
            }
            if spec.language_codes:
                entry["language_codes"] = spec.language_codes
            if spec.target_token:
                entry["target_token"] = spec.target_token
            entry["files"] = files
            entries.append(entry)
    lock = {
        "lock_version": 1,
        "defaults": {"summarize": "tiny-bart", "translate": {"fa": "tiny-nllb", "ar": "tiny-nllb"}},
        "models": entries,
    }
    (root / "models.lock").write_text(tomli_w.dumps(lock), encoding="utf-8")
    _make_readable(root)


def product_shaped_lock(root: Path, dest: Path) -> Path:
    """A lock over the tiny models shaped like the shipped one: Marian per language by default (Persian the
    multi-target tc-big layout with `>>eng<<`, Arabic a single-language Marian), NLLB as options for both,
    the distilbart hub layout as the summarizer. Same files and revisions, so models verify as built."""
    data = tomllib.loads((root / "models.lock").read_text(encoding="utf-8"))
    serves = {"tiny-marian-tc-big": ["fa"], "tiny-marian": ["ar"]}
    for entry in data["models"]:
        entry["languages"] = serves.get(entry["alias"], entry["languages"])
    data["defaults"] = {"summarize": "tiny-distilbart-hub",
                        "translate": {"fa": "tiny-marian-tc-big", "ar": "tiny-marian"}}
    dest.write_text(tomli_w.dumps(data), encoding="utf-8")
    return dest


def build_tiny_models(outdir: Path) -> Path:
    """Build everything into `outdir` via a temp dir beside it, so a failed build leaves nothing half-written.

    An existing `outdir` is replaced only if it is empty or a previous build (has `models.lock` and `home/`).
    """
    outdir = Path(outdir).absolute()
    if outdir.exists() and not (outdir.is_dir() and (_is_build(outdir) or not any(outdir.iterdir()))):
        raise FileExistsError(f"{outdir} exists and is not a tiny-models build; refusing to replace it")
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.tmp-", dir=outdir.parent))
    try:
        _build_into(staging)
        if outdir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.old-", dir=outdir.parent))
            os.replace(outdir, old / "build")
            shutil.rmtree(old)
        os.replace(staging, outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return outdir


def _is_build(path: Path) -> bool:
    return (path / "models.lock").is_file() and (path / "home").is_dir()


def cache_key() -> str:
    """Hash of everything the built files depend on, so a stale cache is never reused."""
    import sentencepiece
    import tokenizers
    import torch
    import transformers

    digest = hashlib.sha256()
    for path in [Path(__file__).resolve(), ENGLISH_TEXT, *seed_files(), *sorted(HUB_FILES.rglob("*.json"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for version in (transformers.__version__, tokenizers.__version__, sentencepiece.__version__, torch.__version__):
        digest.update(version.encode() + b"\0")
    return digest.hexdigest()[:16]


def cache_root() -> Path:
    """`MTDIGEST_TEST_CACHE`, else `~/.cache/mtdigest-tests`."""
    env = os.environ.get("MTDIGEST_TEST_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "mtdigest-tests"


def cached_tiny_models() -> Path:
    """The tiny models, built once per content hash; concurrent builders race safely via atomic rename."""
    root = cache_root()
    final = root / f"tiny-{cache_key()}"
    if _is_build(final):
        return final
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=root))
    try:
        _build_into(staging)
        try:
            os.rename(staging, final)
        except OSError as exc:  # another process finished first: use its copy
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY) or not _is_build(final):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


def main(argv: list[str] | None = None) -> int:
    """`python -m tests.tiny_models OUTDIR`: build and print the directory."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tests.tiny_models OUTDIR", file=sys.stderr)
        return 2
    print(build_tiny_models(Path(args[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
