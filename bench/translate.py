"""Translation throughput benchmark: full-size tc-big Marian, NLLB-200-distilled-600M and -1.3B shapes, random weights.

    python bench/translate.py [--models tc-big,nllb-600m,nllb-1.3b] [--sentences 32] [--src-tokens 40]
                              [--tgt-tokens 44] [--quick]

No model hub is needed: the first run builds each published architecture with random
weights, a stand-in tokenizer of the model's own class covering its whole vocabulary,
and a CTranslate2 int8 conversion, under ~/.cache/mtdigest-bench/ (reused by later
runs; --rebuild to redo it):

  tc-big     OPUS-MT tc-big Marian (the Persian default opus-mt-tc-bible-big-iir-deu_eng_fra_por_spa,
             built from its real config.json: 6+6 layers, d_model 1024, FFN 4096, vocab 61807,
             fp16 weights, `>>eng<<` first in every source)
  nllb-600m  NLLB-200-distilled-600M (M2M100Config, 12+12 layers, FFN 4096, vocab 256206)
  nllb-1.3b  NLLB-200-distilled-1.3B (24+24 layers, FFN 8192, vocab 256206)

Every path runs in a fresh subprocess (its peak RSS is its own) on the same
workload for every model, N sentences of exactly S source tokens (language code or
target token, and </s>, included):

  naive          plain transformers fp32 `model.generate`, one sentence at a time
  ours-tf        mt.TransformersEngine through mt.translate.translate_articles
  ours-ct2       mt.CTranslate2Engine through translate_articles (greedy, and beam 4)
  raw-ct2        ctranslate2.Translator.translate_batch on the same token ids, int8,
                 one batch (the ceiling)

Random weights almost never emit </s>, so the naive and raw paths force their
length (min = max), and our engines run to their own output budget
(mt.engine.output_budget: 2*S+16 tokens).  Target tokens/s is computed from the
tokens every path actually generated (after the language code, </s> excluded),
counted inside the engines; `raw-ct2 @ours` repeats the ceiling at our engines'
length so the ours-vs-raw comparison is like for like.

CUDA is used when present: our engines pick it themselves (device="auto"), the
naive path runs fp16 and the raw path int8_float16 there.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CACHE = Path(os.environ.get("MTDIGEST_BENCH_CACHE", Path.home() / ".cache" / "mtdigest-bench"))
BUILD_VERSION = "2"  # bump when a built model or tokenizer changes

# NLLB-200 vocabulary layout (fairseq ids): 4 specials, 256000 - 3 SentencePiece
# pieces shifted by one, 202 language codes from id 256001, <mask>; the model's
# embedding has 256206 rows (two unused).
VOCAB_SIZE = 256206
N_SPECIAL = 4
LANG_CODE_START = 256001
NLLB_CODES = {"fa": "pes_Arab", "ar": "arb_Arab", "en": "eng_Latn"}
SOURCE_LANGUAGE = "fa"

# OPUS-MT tc-big (Marian): the published config of the Persian default. Its shared vocab.json has
# 61807 entries with `</s>` at 469 (eos_token_id) and `<pad>` last (61806, also the decoder start).
TC_BIG_REPO_DIR = "Helsinki-NLP--opus-mt-tc-bible-big-iir-deu_eng_fra_por_spa"
TC_BIG_CONFIG = REPO / "tests" / "data" / "hub" / TC_BIG_REPO_DIR / "config.json"
TC_BIG_TARGETS = (">>deu<<", ">>eng<<", ">>fra<<", ">>por<<", ">>spa<<")
TC_BIG_TARGET_TOKEN = ">>eng<<"

# Targets from issue 5 ("Performance").
TARGET_CT2_VS_RAW = 0.90  # ours-ct2 at least 90% of raw CTranslate2
TARGET_CT2_VS_NAIVE = 20.0
TARGET_TF_VS_NAIVE = 2.0


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class Shape:
    """One benchmarked architecture: how it is built and how its sources and outputs look."""

    key: str  # --models name
    title: str
    directory: str  # under the cache; its CTranslate2 copy is `<directory>-ct2-int8`
    architecture: str  # the lock's architecture: "nllb" or "marian"
    make: Callable[[Path], object]  # writes tokenizer + weights into a directory, returns the model in memory
    naive_sentences: int  # default sentences for the batch-1 fp32 loop
    figures: str  # where the shape comes from
    version: str = ""  # bumped when this shape's build changes (beside BUILD_VERSION for all)

    @property
    def prefix_tokens(self) -> int:
        """Target tokens our engines force before the text: NLLB's eng_Latn; none for Marian."""
        return 1 if self.architecture == "nllb" else 0

    def source_text(self, text: str) -> str:
        """The text as a naive user (and the raw path) feeds the tokenizer: Marian needs `>>eng<<` first."""
        return f"{TC_BIG_TARGET_TOKEN} {text}" if self.architecture == "marian" else text

    def tokenizer(self, cache: Path):
        from transformers import AutoTokenizer

        if self.architecture == "nllb":
            return AutoTokenizer.from_pretrained(str(model_dir(cache, self.key)), src_lang=NLLB_CODES[SOURCE_LANGUAGE])
        return AutoTokenizer.from_pretrained(str(model_dir(cache, self.key)))

    def entry(self):
        from modelstore.lock import ModelEntry

        if self.architecture == "nllb":
            return ModelEntry(alias=self.directory, role="translate", architecture="nllb",
                              repo=f"bench/{self.directory}", revision="0" * 40, license="cc-by-nc-4.0",
                              commercial_use=False, languages=("fa", "ar"), language_codes=dict(NLLB_CODES))
        return ModelEntry(alias=self.directory, role="translate", architecture="marian", repo=f"bench/{self.directory}",
                          revision="0" * 40, license="apache-2.0", languages=("fa",),
                          target_token=TC_BIG_TARGET_TOKEN)


def model_dir(cache: Path, shape: str = "nllb-600m") -> Path:
    return cache / SHAPES[shape].directory


def converted_dir(cache: Path, shape: str = "nllb-600m") -> Path:
    return cache / f"{SHAPES[shape].directory}-ct2-int8"


def _pieces() -> list[str]:
    """Distinct single characters (Unicode private-use planes) used as word pieces."""
    chars = [chr(c) for c in range(0xF0000, 0xFFFFE)] + [chr(c) for c in range(0x100000, 0x10FFFE)]
    return chars


def build_tokenizer():
    """A stand-in NLLB tokenizer over all 256204 NLLB token ids (NLLB's own classes and layout).

    Ids 4..256000 alternate a bare piece `X` and the word-initial piece `▁X` (one
    BPE merge each), so a text of k space-separated pieces is exactly k tokens;
    the language codes and <mask> sit at NLLB's ids (pes_Arab 256053, arb_Arab
    256011, eng_Latn 256047).
    """
    from transformers import NllbTokenizer
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "▁": 4}
    merges = []
    chars = iter(_pieces())
    while len(vocab) < LANG_CODE_START:
        c = next(chars)
        vocab[c] = len(vocab)
        if len(vocab) < LANG_CODE_START:
            vocab["▁" + c] = len(vocab)
            merges.append(("▁", c))
    for token in [*FAIRSEQ_LANGUAGE_CODES, "<mask>"]:
        vocab[token] = len(vocab)
    tokenizer = NllbTokenizer(
        vocab=vocab, merges=merges, additional_special_tokens=list(FAIRSEQ_LANGUAGE_CODES),
        src_lang="eng_Latn", model_max_length=1024,
    )
    return tokenizer


def _tc_big_config() -> dict:
    return json.loads(TC_BIG_CONFIG.read_text(encoding="utf-8"))


def tc_big_pieces() -> int:
    """Word pieces of the stand-in tc-big vocabulary: all ids but <unk>, the 5 target tokens, `▁`, </s>, <pad>."""
    return _tc_big_config()["vocab_size"] - 4 - len(TC_BIG_TARGETS)


def word_pieces() -> list[str]:
    """The single-token words every stand-in tokenizer has (the `X` of NLLB's `▁X` pieces and of tc-big's),
    in the same order, so every model sees the same sentences."""
    nllb = (LANG_CODE_START - N_SPECIAL - 1) // 2
    return _pieces()[: min(nllb, tc_big_pieces())]


def _write_spm(path: Path, pieces: list[str]) -> None:
    """A SentencePiece unigram model whose pieces are exactly `pieces` (plus <unk>, <s>, </s>), no normalization:
    a text of k space-separated characters X becomes the k pieces `▁X`."""
    from sentencepiece import sentencepiece_model_pb2 as pb

    proto = pb.ModelProto()
    proto.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM
    proto.trainer_spec.vocab_size = len(pieces) + 3
    proto.trainer_spec.unk_id, proto.trainer_spec.bos_id, proto.trainer_spec.eos_id = 0, 1, 2
    proto.trainer_spec.pad_id = -1
    proto.normalizer_spec.name = "identity"
    proto.normalizer_spec.add_dummy_prefix = True
    proto.normalizer_spec.remove_extra_whitespaces = True
    proto.normalizer_spec.escape_whitespaces = True
    for piece, kind in (("<unk>", pb.ModelProto.SentencePiece.UNKNOWN), ("<s>", pb.ModelProto.SentencePiece.CONTROL),
                        ("</s>", pb.ModelProto.SentencePiece.CONTROL)):
        proto.pieces.add(piece=piece, score=0.0, type=kind)
    for piece in pieces:
        proto.pieces.add(piece=piece, score=-1.0, type=pb.ModelProto.SentencePiece.NORMAL)
    path.write_bytes(proto.SerializeToString())


def build_marian_tokenizer(dest: Path, vocab_size: int, eos_id: int):
    """A stand-in OPUS-MT tc-big tokenizer (MarianTokenizer: source.spm, target.spm, one shared vocab.json)
    over all `vocab_size` ids: `<unk>` 0, the target-language tokens `>>deu<< >>eng<< >>fra<< >>por<<
    >>spa<<` 1-5, the bare word start `▁` 6, `</s>` at `eos_id` (469 in the tc-bible release), one `▁X`
    word piece at every other id and `<pad>` last. Both SentencePiece models hold exactly the vocabulary's
    pieces, so every word piece id round-trips (checked) and a text of k space-separated pieces is k ids;
    text outside the vocabulary (a Persian word) is `▁` + `<unk>`, as with the NLLB stand-in."""
    from transformers import MarianTokenizer

    n_pieces = vocab_size - 4 - len(TC_BIG_TARGETS)
    pieces = ["▁", *("▁" + c for c in _pieces()[:n_pieces])]
    order = ["<unk>", *TC_BIG_TARGETS, *pieces]
    order.insert(eos_id, "</s>")
    order.append("<pad>")
    vocab = {token: i for i, token in enumerate(order)}
    assert len(vocab) == vocab_size and vocab["</s>"] == eos_id and vocab["<pad>"] == vocab_size - 1
    dest.mkdir(parents=True, exist_ok=True)
    _write_spm(dest / "source.spm", pieces)
    _write_spm(dest / "target.spm", pieces)
    (dest / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(source_spm=str(dest / "source.spm"), target_spm=str(dest / "target.spm"),
                                vocab=str(dest / "vocab.json"), source_lang="fa", target_lang="en",
                                model_max_length=512)
    # Every piece id round-trips (decode -> encode), and the target tokens are single ids.
    ids = list(range(2 + len(TC_BIG_TARGETS), vocab_size - 1))  # after `▁` (which decodes to nothing)
    ids.remove(eos_id)
    texts = [tokenizer.decode([i], skip_special_tokens=True) for i in ids]
    back = tokenizer(texts, add_special_tokens=False)["input_ids"]
    bad = [(i, b) for i, b in zip(ids, back) if b != [i]]
    assert not bad, f"{len(bad)} ids do not round-trip, e.g. {bad[:3]}"
    for n, token in enumerate(TC_BIG_TARGETS, start=1):
        assert tokenizer(f"{token} {pieces[1][1:]}")["input_ids"] == [n, vocab[pieces[1]], eos_id], token
    assert tokenizer("\u0633\u0644\u0627\u0645 \u062f\u0646\u06cc\u0627")["input_ids"] == [vocab["▁"], 0, vocab["▁"], 0, eos_id]
    tokenizer.save_pretrained(dest)
    return tokenizer


def _make_nllb(layers: int, ffn: int):
    def make(dest: Path):
        import torch
        from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration

        tokenizer = build_tokenizer()
        ids = {code: tokenizer.convert_tokens_to_ids(code) for code in NLLB_CODES.values()}
        assert ids == {"pes_Arab": 256053, "arb_Arab": 256011, "eng_Latn": 256047}, ids
        assert len(tokenizer) == VOCAB_SIZE - 2, len(tokenizer)
        tokenizer.save_pretrained(dest)
        config = M2M100Config(
            vocab_size=VOCAB_SIZE, d_model=1024, encoder_layers=layers, decoder_layers=layers,
            encoder_attention_heads=16, decoder_attention_heads=16, encoder_ffn_dim=ffn, decoder_ffn_dim=ffn,
            scale_embedding=True, max_position_embeddings=1024, activation_function="relu",
            dropout=0.1, attention_dropout=0.1, activation_dropout=0.0, encoder_layerdrop=0.05,
            decoder_layerdrop=0.05, pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
            tokenizer_class="NllbTokenizer",
        )
        torch.manual_seed(0)
        model = M2M100ForConditionalGeneration(config).eval()
        model.generation_config = GenerationConfig(
            bos_token_id=0, eos_token_id=2, pad_token_id=1, decoder_start_token_id=2, max_length=200
        )
        model.save_pretrained(dest)
        return model

    return make


def _make_tc_big(dest: Path):
    """The tc-bible config.json as published (6+6 layers, d_model 1024, FFN 4096, vocab 61807, eos 469,
    pad/decoder start 61806, shared and tied embeddings), random weights saved in fp16 as the tc-big releases
    ship them; generation settings of the tc-big ar-en release (bad word <pad>, 512 tokens)."""
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    real = _tc_big_config()
    build_marian_tokenizer(dest, real["vocab_size"], real["eos_token_id"])
    fields = {k: v for k, v in real.items() if not k.startswith("_") and k != "transformers_version"}
    # Tied embeddings as published. A random model's outputs loop (short cycles) either way, so our engines
    # retry them once at beam 4 (counted and reported); untying would not avoid that and transformers v5
    # unties all three tables (432M parameters instead of 242M), which would inflate memory.
    config = MarianConfig(**{**fields, "torch_dtype": "float16"})
    torch.manual_seed(0)
    model = MarianMTModel(config).eval()
    pad = real["pad_token_id"]
    model.generation_config = GenerationConfig(
        bos_token_id=real["bos_token_id"], eos_token_id=real["eos_token_id"], pad_token_id=pad,
        decoder_start_token_id=pad, bad_words_ids=[[pad]], max_length=512,
    )
    model.to(torch.float16).save_pretrained(dest)
    return model


SHAPES: dict[str, Shape] = {
    "tc-big": Shape(
        "tc-big", "OPUS-MT tc-big (Marian)", "tc-big-random", "marian", _make_tc_big, 4,
        "tests/data/hub/Helsinki-NLP--opus-mt-tc-bible-big-iir-deu_eng_fra_por_spa/config.json (the real one)", "2"),
    "nllb-600m": Shape(
        "nllb-600m", "NLLB-200-distilled-600M", "nllb-600m-random", "nllb", _make_nllb(12, 4096), 4,
        "M2M100Config of facebook/nllb-200-distilled-600M (shared/hub-files)"),
    "nllb-1.3b": Shape(
        "nllb-1.3b", "NLLB-200-distilled-1.3B", "nllb-1.3b-random", "nllb", _make_nllb(24, 8192), 2,
        "24+24 layers, FFN 8192: configs carrying _name_or_path facebook/nllb-200-distilled-1.3B"),
}
DEFAULT_MODELS = ("tc-big", "nllb-600m", "nllb-1.3b")


def build(cache: Path, rebuild: bool = False, shape: str = "nllb-600m") -> None:
    """Build (once) one random full-size model, its tokenizer and the CTranslate2 int8 copy."""
    spec = SHAPES[shape]
    marker = cache / f"{spec.directory}.built"
    version = BUILD_VERSION + (f".{spec.version}" if spec.version else "")
    if not rebuild and marker.exists() and marker.read_text().strip() == version:
        return
    import shutil

    from ctranslate2.converters import TransformersConverter

    started = time.perf_counter()
    print(f"building the random {spec.title} model under {cache} (once) ...", flush=True)
    for path in (model_dir(cache, shape), converted_dir(cache, shape)):
        shutil.rmtree(path, ignore_errors=True)
    marker.unlink(missing_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    model = spec.make(model_dir(cache, shape))
    print(f"  model saved ({sum(p.numel() for p in model.parameters()) / 1e6:.0f}M parameters)", flush=True)

    class _InMemory(TransformersConverter):
        """Convert the model already in memory; the tokenizer is read back from disk like a real one."""

        def load_model(self, model_class, model_name_or_path, **kwargs):
            return model

    _InMemory(str(model_dir(cache, shape))).convert(str(converted_dir(cache, shape)), quantization="int8",
                                                   force=True)
    del model
    marker.write_text(version + "\n")
    print(f"  converted to CTranslate2 int8; build took {time.perf_counter() - started:.0f}s", flush=True)


# --------------------------------------------------------------------------- workload


def workload(sentences: int, src_tokens: int) -> list[str]:
    """`sentences` texts of `src_tokens` - 2 pieces: `src_tokens` ids with the language code (NLLB) or target
    token (tc-big) and </s>."""
    words = word_pieces()
    rng = random.Random(1234)
    return [" ".join(rng.choice(words) for _ in range(src_tokens - 2)) for _ in range(sentences)]


def check_workload(cache: Path, texts: list[str], src_tokens: int, shape: str = "nllb-600m") -> None:
    """Every text is exactly `src_tokens` ids as the engines see them (checked once, in the parent)."""
    spec = SHAPES[shape]
    tokenizer = spec.tokenizer(cache)
    lengths = {len(row) for row in tokenizer([spec.source_text(t) for t in texts], add_special_tokens=True)["input_ids"]}
    assert lengths == {src_tokens}, f"{shape}: workload lengths {lengths} != {src_tokens}"


def entry(shape: str = "nllb-600m"):
    return SHAPES[shape].entry()


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cuda_available() -> bool:
    try:
        import torch

        return torch.cuda.is_available()
    except Exception:  # pragma: no cover
        return False


# --------------------------------------------------------------------------- paths (run in a child)


class Counter:
    tokens = 0


def _hf_generated(output, eos: int, pad: int, prefix: int = 1) -> int:
    """Target tokens in a generate() output: after decoder start + language code (`prefix` tokens: 1 for
    NLLB, 0 for Marian), up to </s> (excluded)."""
    total = 0
    for row in output.tolist():
        n = 0
        for token in row[1 + prefix:]:
            if token in (eos, pad):
                break
            n += 1
        total += n
    return total


def _ct2_generated(results, prefix: int = 1) -> int:
    """Target tokens in CTranslate2 results: the best hypothesis minus its language-code prefix (if any)."""
    return sum(max(len(r.hypotheses[0]) - prefix, 0) for r in results)


def path_naive(cache: Path, shape: Shape, texts: list[str], tgt_tokens: int, beam: int):
    """The loop a user would write: fp32 (fp16 on CUDA) `generate`, one sentence at a time."""
    import torch
    from transformers import AutoModelForSeq2SeqLM

    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.float16 if device == "cuda" else torch.float32
    tokenizer = shape.tokenizer(cache)
    model = AutoModelForSeq2SeqLM.from_pretrained(str(model_dir(cache, shape.key)), dtype=dtype).to(device).eval()
    extra = {}
    if shape.architecture == "nllb":
        extra["forced_bos_token_id"] = tokenizer.convert_tokens_to_ids(NLLB_CODES["en"])
    n = tgt_tokens + shape.prefix_tokens  # the forced language code (NLLB), then tgt_tokens target tokens

    def run(batch: list[str]) -> int:
        generated = 0
        for text in batch:
            inputs = tokenizer(shape.source_text(text), return_tensors="pt").to(device)
            with torch.inference_mode():
                out = model.generate(**inputs, num_beams=beam, do_sample=False,
                                     min_new_tokens=n, max_new_tokens=n, max_length=None, **extra)
            generated += _hf_generated(out, tokenizer.eos_token_id, tokenizer.pad_token_id, shape.prefix_tokens)
        return generated

    return run, f"transformers {str(dtype).removeprefix('torch.')} {device}, batch 1"


def path_raw_ct2(cache: Path, shape: Shape, texts: list[str], tgt_tokens: int, beam: int):
    """The ceiling: one translate_batch on the token ids, int8 (int8_float16 on CUDA), all cores."""
    import ctranslate2

    device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    compute = "int8_float16" if device == "cuda" else "int8"
    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    translator = ctranslate2.Translator(str(converted_dir(cache, shape.key)), device=device, compute_type=compute,
                                        intra_threads=threads if device == "cpu" else 0)
    tokenizer = shape.tokenizer(cache)
    prefix = [NLLB_CODES["en"]] if shape.architecture == "nllb" else None
    n = tgt_tokens + shape.prefix_tokens

    def run(batch: list[str]) -> int:
        ids = tokenizer([shape.source_text(t) for t in batch], add_special_tokens=True)["input_ids"]
        source = [tokenizer.convert_ids_to_tokens(row) for row in ids]
        results = translator.translate_batch(
            source, target_prefix=[prefix] * len(source) if prefix else None, beam_size=beam, max_input_length=0,
            min_decoding_length=n, max_decoding_length=n,
        )
        return _ct2_generated(results, shape.prefix_tokens)

    return run, f"ctranslate2 {compute} {device}, {threads if device == 'cpu' else 'default'} threads, one batch"


def _ours(engine, shape: Shape, cache: Path, texts: list[str], beam: int):
    import mt.translate
    from core.article import Article, Paragraph, Sentence
    from mt.engine import DecodingOptions
    from mt.translate import TranslateOptions, translate_articles

    # Random weights are a broken model by the product's own test (a tied random NLLB repeats its forced
    # `eng_Latn`, which decodes to no English): measure the work anyway, never the verdict.
    mt.translate.BROKEN_MODEL_UNITS = sys.maxsize
    # Our engines see the ids the naive and raw paths feed (target token / language code, text, </s>).
    naive = shape.tokenizer(cache)([shape.source_text(t) for t in texts[:4]], add_special_tokens=True)["input_ids"]
    assert engine.source_tokens(texts[:4], SOURCE_LANGUAGE) == naive, f"{shape.key}: our ids differ from the naive path's"
    options = TranslateOptions(decoding=DecodingOptions(beam_size=beam))
    retried = [0]

    def run(batch: list[str]) -> int:
        # Fresh articles every time (translation fills them in); 8 sentences an article.
        articles = []
        for a in range(0, len(batch), 8):
            sentences = [Sentence(id=f"a{a}s{i}", source=t, normalized=t) for i, t in enumerate(batch[a: a + 8])]
            articles.append(Article(id=f"a{a}", language=SOURCE_LANGUAGE, paragraphs=[Paragraph("p1", sentences)]))
        before = Counter.tokens
        stats = translate_articles(articles, engine, options=options)
        retried[0] += stats.retried
        assert all(s.english is not None for art in articles for s in art.sentences())
        return Counter.tokens - before

    return run, retried


def path_ours_transformers(cache: Path, shape: Shape, texts: list[str], tgt_tokens: int, beam: int):
    from mt.engine_transformers import TransformersEngine

    engine = TransformersEngine(shape.entry(), model_dir(cache, shape.key))  # its defaults: device/precision "auto"
    generate = engine.model.generate
    eos, pad = engine.tokenizer.eos_token_id, engine.tokenizer.pad_token_id

    def counting_generate(*args, **kwargs):
        out = generate(*args, **kwargs)
        Counter.tokens += _hf_generated(out, eos, pad, shape.prefix_tokens)
        return out

    engine.model.generate = counting_generate
    run, retried = _ours(engine, shape, cache, texts, beam)
    return run, f"TransformersEngine {engine.precision} {engine.device} via translate_articles", retried


def path_ours_ct2(cache: Path, shape: Shape, texts: list[str], tgt_tokens: int, beam: int):
    from mt.engine_ctranslate2 import CTranslate2Engine

    engine = CTranslate2Engine(shape.entry(), model_dir(cache, shape.key), converted_dir(cache, shape.key))

    class CountingTranslator:
        def __init__(self, inner):
            self.inner = inner

        def translate_batch(self, *args, **kwargs):
            results = self.inner.translate_batch(*args, **kwargs)
            Counter.tokens += _ct2_generated(results, shape.prefix_tokens)
            return results

        def __getattr__(self, name):
            return getattr(self.inner, name)

    engine.translator = CountingTranslator(engine.translator)
    run, retried = _ours(engine, shape, cache, texts, beam)
    return run, f"CTranslate2Engine {engine.precision} {engine.device} via translate_articles", retried


PATHS = {
    "naive": path_naive,
    "raw-ct2": path_raw_ct2,
    "ours-tf": path_ours_transformers,
    "ours-ct2": path_ours_ct2,
}


def child(args: argparse.Namespace) -> None:
    """Run one path: load, warm up, time `repeats` full passes, print one JSON line."""
    cache = Path(args.cache)
    texts = workload(args.sentences, args.src_tokens)
    started = time.perf_counter()
    made = PATHS[args.child](cache, SHAPES[args.model], texts, args.tgt_tokens, args.beam)
    run, label = made[0], made[1]
    retried = made[2] if len(made) > 2 else None
    load_s = time.perf_counter() - started
    run(texts[:1] if args.child == "naive" else texts[:2])  # warm-up: first-call allocations, thread pools
    if retried:
        retried[0] = 0
    runs = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        tokens = run(texts)
        runs.append({"seconds": time.perf_counter() - t0, "tokens": tokens})
    rates = [r["tokens"] / r["seconds"] for r in runs]
    print("RESULT " + json.dumps({
        "path": args.child, "model": args.model, "beam": args.beam, "label": label, "sentences": len(texts), "load_s": load_s,
        "runs": runs, "tok_s": statistics.median(rates), "peak_rss_mb": peak_rss_mb(),
        "tokens_per_sentence": runs[0]["tokens"] / len(texts),
        "retried": None if retried is None else retried[0] / max(args.repeats, 1),
    }), flush=True)


# --------------------------------------------------------------------------- parent


def finish(results: dict, json_path: str | None) -> int:
    """The last line of a benchmark (load average at the end) and its results as JSON when asked; exit 0."""
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=2))
    return 0


def child_result(script: str, args: list[str], label: str, env: dict[str, str] | None = None) -> dict:
    """Run `python SCRIPT --child ...` in a fresh process (its own peak RSS) and return the JSON of its
    `RESULT` line, with `wall_s` and the load average before it; stop the benchmark if it failed."""
    cmd = [sys.executable, str(Path(script).resolve()), "--child", *args]
    env = {**os.environ, **(env or {}), "TRANSFORMERS_VERBOSITY": "error", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(REPO), env=env, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"benchmark {label} failed with exit code {proc.returncode}")
    result = json.loads(lines[-1].removeprefix("RESULT "))
    result.update(wall_s=time.perf_counter() - started, load_before=load)
    return result


def run_child(name: str, beam: int, sentences: int, src: int, tgt: int, repeats: int, cache: Path,
              model: str = "nllb-600m") -> dict:
    result = child_result(__file__, [name, "--model", model, "--beam", str(beam), "--sentences", str(sentences),
                                     "--src-tokens", str(src), "--tgt-tokens", str(tgt), "--repeats", str(repeats),
                                     "--cache", str(cache)], f"{model} path {name} (beam {beam})")
    load = result["load_before"]
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # max over children so far
    result["children_max_rss_mb"] = rss
    print(f"  {model:<9} {name:<8} beam {beam}: {result['tok_s']:7.1f} tok/s  ({result['sentences']} sentences, "
          f"{result['tokens_per_sentence']:.0f} target tokens each, {len(result['runs'])} runs, "
          f"{result['wall_s']:.0f}s incl. load; peak RSS {result['peak_rss_mb'] / 1024:.2f} GB; "
          f"load average before {load:.1f})", flush=True)
    return result


def bench_model(model: str, args: argparse.Namespace, cache: Path) -> dict:
    """All paths for one model shape: the per-path results by row name, and that shape's checks."""
    from mt.engine import output_budget

    spec = SHAPES[model]
    n, s, t, r = args.sentences, args.src_tokens, args.tgt_tokens, args.repeats
    check_workload(cache, workload(n, s), s, model)
    ours_t = output_budget(s) - spec.prefix_tokens  # engines' limit minus the language code (NLLB)
    naive_n = min(args.naive_sentences or spec.naive_sentences, n)
    tf_n = min(args.tf_sentences, n)
    beam_n = min(args.beam4_sentences, n)
    beam_note = "" if args.no_beam4 else f", beam 4 on {beam_n}"
    print(f"\n{spec.title} ({model}): naive on {naive_n}, ours-tf on {tf_n}{beam_note} of the {n} sentences"
          f"{'' if args.naive_sentences or naive_n == 4 else ' (fewer naive sentences for this shape: batch 1 fp32 is slow; its tok/s does not depend on N)'}",
          flush=True)
    rows = [("naive", "naive", 1, naive_n, t), ("ours-tf", "ours-tf", 1, tf_n, t), ("ours-ct2", "ours-ct2", 1, n, t),
            ("raw-ct2", "raw-ct2", 1, n, t), ("raw-ct2@ours", "raw-ct2", 1, n, ours_t)]
    if not args.no_beam4:
        rows += [("ours-ct2 beam4", "ours-ct2", 4, beam_n, t), ("raw-ct2 beam4@ours", "raw-ct2", 4, beam_n, ours_t)]
    results = {row: run_child(path, beam, k, s, tgt, r, cache, model) for row, path, beam, k, tgt in rows}

    naive = results["naive"]["tok_s"]
    raw = results["raw-ct2"]["tok_s"]
    matched = {"ours-ct2": "raw-ct2@ours", "ours-ct2 beam4": "raw-ct2 beam4@ours"}
    print(f"\n{spec.title}: {'path':<20} {'tok/s':>8} {'x naive':>8} {'x raw ct2':>10} {'x raw@len':>10} "
          f"{'peak RSS':>9}  what")
    for name, res in results.items():
        rate = res["tok_s"]
        same = results.get(matched.get(name, ""), None)
        vs_same = f"{rate / same['tok_s']:.2f}" if same else ""
        print(f"  {name:<20} {rate:8.1f} {rate / naive:8.1f} {rate / raw:10.2f} {vs_same:>10} "
              f"{res['peak_rss_mb'] / 1024:7.2f}GB  {res['label']}, "
              f"{res['sentences']}x{res['tokens_per_sentence']:.0f} tok")
    retried = {k: v["retried"] for k, v in results.items() if v.get("retried")}
    if retried:
        print(f"  degeneration retries per run (random weights): {retried}")
    print(f"  x raw@len: against raw CTranslate2 with the same beam at our engines' output length ({ours_t} target "
          "tokens), the like-for-like ceiling")

    ct2 = results["ours-ct2"]["tok_s"]
    ceiling = results["raw-ct2@ours"]["tok_s"]
    tf = results["ours-tf"]["tok_s"]
    checks = [
        (f"{model}: ours-ct2 within 10% of raw ct2 (same length): {ct2:.1f} vs {ceiling:.1f} = {ct2 / ceiling:.2f} "
         ">= 0.90", ct2 >= TARGET_CT2_VS_RAW * ceiling),
        (f"{model}: ours-ct2 >= 20x naive: {ct2:.1f} / {naive:.1f} = {ct2 / naive:.1f}x",
         ct2 >= TARGET_CT2_VS_NAIVE * naive),
        (f"{model}: ours-tf >= 2x naive: {tf:.1f} / {naive:.1f} = {tf / naive:.1f}x", tf >= TARGET_TF_VS_NAIVE * naive),
    ]
    for text, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")
    return {"results": results, "checks": [{"check": c, "pass": ok} for c, ok in checks], "ours_tokens": ours_t}


def comparison(models: list[str], by_model: dict[str, dict]) -> None:
    """One table across the model shapes: tok/s per engine, each shape against the first, peak RSS."""
    rows = ["naive", "ours-tf", "ours-ct2", "raw-ct2", "raw-ct2@ours", "ours-ct2 beam4"]
    rows = [r for r in rows if all(r in by_model[m]["results"] for m in models)]
    base = models[0]
    print(f"\ncomparison (tok/s, x {base}; peak RSS GB):")
    print(f"  {'path':<16}" + "".join(f" {m:>22}" for m in models))
    for row in rows:
        cells = []
        for m in models:
            res = by_model[m]["results"][row]
            ratio = res["tok_s"] / by_model[base]["results"][row]["tok_s"]
            cells.append(f"{res['tok_s']:7.1f} {ratio:5.2f}x {res['peak_rss_mb'] / 1024:5.2f}GB")
        print(f"  {row:<16}" + "".join(f" {c:>22}" for c in cells))
    print("  (per shape, x naive: " + "; ".join(
        f"{m} ours-ct2 {by_model[m]['results']['ours-ct2']['tok_s'] / by_model[m]['results']['naive']['tok_s']:.1f}x, "
        f"ours-tf {by_model[m]['results']['ours-tf']['tok_s'] / by_model[m]['results']['naive']['tok_s']:.1f}x"
        for m in models) + ")")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS),
                        help=f"comma-separated model shapes, in this order (default {','.join(DEFAULT_MODELS)}; "
                             f"known: {', '.join(SHAPES)})")
    parser.add_argument("--sentences", type=int, default=32, help="sentences in the workload (default 32)")
    parser.add_argument("--src-tokens", type=int, default=40, help="source tokens per sentence, code and </s> included")
    parser.add_argument("--tgt-tokens", type=int, default=44, help="target tokens forced on the naive and raw paths")
    parser.add_argument("--quick", action="store_true", help="one timed run per path instead of three")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per path (median; default 3, 1 with --quick)")
    parser.add_argument("--naive-sentences", type=int, default=None,
                        help="sentences for the slow batch-1 naive loop (tok/s stays comparable; default 4, "
                             "2 for nllb-1.3b)")
    parser.add_argument("--tf-sentences", type=int, default=16,
                        help="sentences for our transformers engine (one batch either way; default 16)")
    parser.add_argument("--beam4-sentences", type=int, default=8,
                        help="sentences for the beam-4 rows (random-weight beam outputs are retried; default 8)")
    parser.add_argument("--no-beam4", action="store_true", help="skip the beam-4 rows")
    parser.add_argument("--cache", default=str(CACHE), help=f"build cache (default {CACHE})")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the models, tokenizers and conversions")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                        help="first wait up to this long for the 1-minute load average to fall below 0.5")
    parser.add_argument("--json", help="also write all results to this JSON file")
    parser.add_argument("--child", choices=sorted(PATHS), help=argparse.SUPPRESS)
    parser.add_argument("--model", default="nllb-600m", choices=sorted(SHAPES), help=argparse.SUPPRESS)
    parser.add_argument("--beam", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (1 if args.quick else 3)
    if args.child:
        child(args)
        return 0
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in SHAPES]
    if unknown or not models:
        parser.error(f"unknown model shape(s) {', '.join(unknown) or '(none)'}; known: {', '.join(SHAPES)}")

    cache = Path(args.cache)
    t_start = time.perf_counter()
    for model in models:
        build(cache, args.rebuild, model)
    waited = time.perf_counter()
    while args.wait_idle and os.getloadavg()[0] >= 0.5 and time.perf_counter() - waited < args.wait_idle:
        time.sleep(5)
    n, s, t = args.sentences, args.src_tokens, args.tgt_tokens
    device = "cuda" if cuda_available() else "cpu"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"\nmodels: {', '.join(f'{m} ({SHAPES[m].title})' for m in models)}")
    print(f"workload (the same sentences for every model): {n} sentences x {s} source tokens; naive/raw forced to "
          f"{t} target tokens, our engines run to their budget (random weights never stop)")
    print(f"device: {device}, {cores} CPU cores; repeats: {args.repeats} (median){' (--quick)' if args.quick else ''}; "
          f"greedy unless noted; load average {os.getloadavg()[0]:.2f} at start")
    by_model = {model: bench_model(model, args, cache) for model in models}
    if len(models) > 1:
        comparison(models, by_model)
    print(f"\ntotal {time.perf_counter() - t_start:.0f}s; load average {os.getloadavg()[0]:.2f} at the end "
          "(other processes on the machine lower every figure)")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "models": by_model}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
