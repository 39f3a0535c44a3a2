"""Translation throughput benchmark: full-size NLLB-200-distilled-600M shape, random weights.

    python bench/translate.py [--sentences 32] [--src-tokens 40] [--tgt-tokens 44] [--quick]

No model hub is needed: the first run builds the published NLLB-200-distilled-600M
architecture (M2M100Config, 12+12 layers, d_model 1024, vocab 256206) with random
weights, a stand-in NLLB tokenizer covering the whole vocabulary (special tokens and
language codes at NLLB's ids), and a CTranslate2 int8 conversion, under
~/.cache/mtdigest-bench/ (reused by later runs; --rebuild to redo it).

Every path runs in a fresh subprocess (its peak RSS is its own) on the same
workload, N sentences of exactly S source tokens (language code and </s> included):

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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CACHE = Path(os.environ.get("MTDIGEST_BENCH_CACHE", Path.home() / ".cache" / "mtdigest-bench"))
BUILD_VERSION = "1"  # bump when the built model or tokenizer changes

# NLLB-200 vocabulary layout (fairseq ids): 4 specials, 256000 - 3 SentencePiece
# pieces shifted by one, 202 language codes from id 256001, <mask>; the model's
# embedding has 256206 rows (two unused).
VOCAB_SIZE = 256206
N_SPECIAL = 4
LANG_CODE_START = 256001
NLLB_CODES = {"fa": "pes_Arab", "ar": "arb_Arab", "en": "eng_Latn"}
SOURCE_LANGUAGE = "fa"

# Targets from issue 5 ("Performance").
TARGET_CT2_VS_RAW = 0.90  # ours-ct2 at least 90% of raw CTranslate2
TARGET_CT2_VS_NAIVE = 20.0
TARGET_TF_VS_NAIVE = 2.0


# --------------------------------------------------------------------------- build


def model_dir(cache: Path) -> Path:
    return cache / "nllb-600m-random"


def converted_dir(cache: Path) -> Path:
    return cache / "nllb-600m-random-ct2-int8"


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


def word_pieces() -> list[str]:
    """The single-token words of the stand-in vocabulary (the `X` of every `▁X` piece), by id."""
    return _pieces()[: (LANG_CODE_START - N_SPECIAL - 1) // 2]


def build(cache: Path, rebuild: bool = False) -> None:
    """Build (once) the random full-size model, its tokenizer and the CTranslate2 int8 copy."""
    marker = cache / "BUILT"
    if not rebuild and marker.exists() and marker.read_text().strip() == BUILD_VERSION:
        return
    import shutil

    import torch
    from ctranslate2.converters import TransformersConverter
    from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration

    started = time.perf_counter()
    print(f"building the random NLLB-200-distilled-600M model under {cache} (once) ...", flush=True)
    for path in (model_dir(cache), converted_dir(cache)):
        shutil.rmtree(path, ignore_errors=True)
    marker.unlink(missing_ok=True)
    cache.mkdir(parents=True, exist_ok=True)

    tokenizer = build_tokenizer()
    ids = {code: tokenizer.convert_tokens_to_ids(code) for code in NLLB_CODES.values()}
    assert ids == {"pes_Arab": 256053, "arb_Arab": 256011, "eng_Latn": 256047}, ids
    assert len(tokenizer) == VOCAB_SIZE - 2, len(tokenizer)
    tokenizer.save_pretrained(model_dir(cache))

    config = M2M100Config(
        vocab_size=VOCAB_SIZE, d_model=1024, encoder_layers=12, decoder_layers=12,
        encoder_attention_heads=16, decoder_attention_heads=16, encoder_ffn_dim=4096, decoder_ffn_dim=4096,
        scale_embedding=True, max_position_embeddings=1024, activation_function="relu",
        dropout=0.1, attention_dropout=0.1, activation_dropout=0.0, encoder_layerdrop=0.05, decoder_layerdrop=0.05,
        pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2, tokenizer_class="NllbTokenizer",
    )
    torch.manual_seed(0)
    model = M2M100ForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        bos_token_id=0, eos_token_id=2, pad_token_id=1, decoder_start_token_id=2, max_length=200
    )
    model.save_pretrained(model_dir(cache))
    print(f"  model saved ({sum(p.numel() for p in model.parameters()) / 1e6:.0f}M parameters)", flush=True)

    class _InMemory(TransformersConverter):
        """Convert the model already in memory; the tokenizer is read back from disk like a real one."""

        def load_model(self, model_class, model_name_or_path, **kwargs):
            return model

    _InMemory(str(model_dir(cache))).convert(str(converted_dir(cache)), quantization="int8", force=True)
    del model
    marker.write_text(BUILD_VERSION + "\n")
    print(f"  converted to CTranslate2 int8; build took {time.perf_counter() - started:.0f}s", flush=True)


# --------------------------------------------------------------------------- workload


def workload(sentences: int, src_tokens: int) -> list[str]:
    """`sentences` texts of `src_tokens` - 2 pieces: `src_tokens` ids with the language code and </s>."""
    words = word_pieces()
    rng = random.Random(1234)
    return [" ".join(rng.choice(words) for _ in range(src_tokens - 2)) for _ in range(sentences)]


def check_workload(cache: Path, texts: list[str], src_tokens: int) -> None:
    """Every text is exactly `src_tokens` ids as the engines see them (checked once, in the parent)."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir(cache)), src_lang=NLLB_CODES[SOURCE_LANGUAGE])
    lengths = {len(row) for row in tokenizer(texts, add_special_tokens=True)["input_ids"]}
    assert lengths == {src_tokens}, f"workload lengths {lengths} != {src_tokens}"


def entry():
    from modelstore.lock import ModelEntry

    return ModelEntry(
        alias="nllb-600m-random", role="translate", architecture="nllb", repo="bench/nllb-600m-random",
        revision="0" * 40, license="cc-by-nc-4.0", languages=("fa", "ar"), language_codes=dict(NLLB_CODES),
    )


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


def _hf_generated(output, eos: int, pad: int) -> int:
    """Target tokens in a generate() output: after decoder start + language code, up to </s> (excluded)."""
    total = 0
    for row in output.tolist():
        n = 0
        for token in row[2:]:
            if token in (eos, pad):
                break
            n += 1
        total += n
    return total


def _ct2_generated(results) -> int:
    """Target tokens in CTranslate2 results: the best hypothesis minus its language-code prefix."""
    return sum(max(len(r.hypotheses[0]) - 1, 0) for r in results)


def path_naive(cache: Path, texts: list[str], tgt_tokens: int, beam: int):
    """The loop a user would write: fp32 (fp16 on CUDA) `generate`, one sentence at a time."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.float16 if device == "cuda" else torch.float32
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir(cache)), src_lang=NLLB_CODES[SOURCE_LANGUAGE])
    model = AutoModelForSeq2SeqLM.from_pretrained(str(model_dir(cache)), dtype=dtype).to(device).eval()
    english = tokenizer.convert_tokens_to_ids(NLLB_CODES["en"])
    n = tgt_tokens + 1  # the forced language code, then tgt_tokens target tokens

    def run(batch: list[str]) -> int:
        generated = 0
        for text in batch:
            inputs = tokenizer(text, return_tensors="pt").to(device)
            with torch.inference_mode():
                out = model.generate(**inputs, forced_bos_token_id=english, num_beams=beam, do_sample=False,
                                     min_new_tokens=n, max_new_tokens=n, max_length=None)
            generated += _hf_generated(out, tokenizer.eos_token_id, tokenizer.pad_token_id)
        return generated

    return run, f"transformers {str(dtype).removeprefix('torch.')} {device}, batch 1"


def path_raw_ct2(cache: Path, texts: list[str], tgt_tokens: int, beam: int):
    """The ceiling: one translate_batch on the token ids, int8 (int8_float16 on CUDA), all cores."""
    import ctranslate2
    from transformers import AutoTokenizer

    device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    compute = "int8_float16" if device == "cuda" else "int8"
    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    translator = ctranslate2.Translator(str(converted_dir(cache)), device=device, compute_type=compute,
                                        intra_threads=threads if device == "cpu" else 0)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir(cache)), src_lang=NLLB_CODES[SOURCE_LANGUAGE])

    def run(batch: list[str]) -> int:
        ids = tokenizer(batch, add_special_tokens=True)["input_ids"]
        source = [tokenizer.convert_ids_to_tokens(row) for row in ids]
        results = translator.translate_batch(
            source, target_prefix=[[NLLB_CODES["en"]]] * len(source), beam_size=beam, max_input_length=0,
            min_decoding_length=tgt_tokens + 1, max_decoding_length=tgt_tokens + 1,
        )
        return _ct2_generated(results)

    return run, f"ctranslate2 {compute} {device}, {threads if device == 'cpu' else 'default'} threads, one batch"


def _ours(engine, beam: int):
    from mt.article import Article, Paragraph, Sentence
    from mt.engine import DecodingOptions
    from mt.translate import TranslateOptions, translate_articles

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


def path_ours_transformers(cache: Path, texts: list[str], tgt_tokens: int, beam: int):
    from mt.engine_transformers import TransformersEngine

    engine = TransformersEngine(entry(), model_dir(cache))  # its defaults: device/precision "auto"
    generate = engine.model.generate
    eos, pad = engine.tokenizer.eos_token_id, engine.tokenizer.pad_token_id

    def counting_generate(*args, **kwargs):
        out = generate(*args, **kwargs)
        Counter.tokens += _hf_generated(out, eos, pad)
        return out

    engine.model.generate = counting_generate
    run, retried = _ours(engine, beam)
    return run, f"TransformersEngine {engine.precision} {engine.device} via translate_articles", retried


def path_ours_ct2(cache: Path, texts: list[str], tgt_tokens: int, beam: int):
    from mt.engine_ctranslate2 import CTranslate2Engine

    engine = CTranslate2Engine(entry(), model_dir(cache), converted_dir(cache))  # its defaults

    class CountingTranslator:
        def __init__(self, inner):
            self.inner = inner

        def translate_batch(self, *args, **kwargs):
            results = self.inner.translate_batch(*args, **kwargs)
            Counter.tokens += _ct2_generated(results)
            return results

        def __getattr__(self, name):
            return getattr(self.inner, name)

    engine.translator = CountingTranslator(engine.translator)
    run, retried = _ours(engine, beam)
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
    made = PATHS[args.child](cache, texts, args.tgt_tokens, args.beam)
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
        "path": args.child, "beam": args.beam, "label": label, "sentences": len(texts), "load_s": load_s,
        "runs": runs, "tok_s": statistics.median(rates), "peak_rss_mb": peak_rss_mb(),
        "tokens_per_sentence": runs[0]["tokens"] / len(texts),
        "retried": None if retried is None else retried[0] / max(args.repeats, 1),
    }), flush=True)


# --------------------------------------------------------------------------- parent


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


def run_child(name: str, beam: int, sentences: int, src: int, tgt: int, repeats: int, cache: Path) -> dict:
    result = child_result(__file__, [name, "--beam", str(beam), "--sentences", str(sentences), "--src-tokens",
                                     str(src), "--tgt-tokens", str(tgt), "--repeats", str(repeats), "--cache",
                                     str(cache)], f"path {name} (beam {beam})")
    load = result["load_before"]
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # max over children so far
    result["children_max_rss_mb"] = rss
    print(f"  {name:<8} beam {beam}: {result['tok_s']:7.1f} tok/s  ({result['sentences']} sentences, "
          f"{result['tokens_per_sentence']:.0f} target tokens each, {len(result['runs'])} runs, "
          f"{result['wall_s']:.0f}s incl. load; load average before {load:.1f})", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=32, help="sentences in the workload (default 32)")
    parser.add_argument("--src-tokens", type=int, default=40, help="source tokens per sentence, code and </s> included")
    parser.add_argument("--tgt-tokens", type=int, default=44, help="target tokens forced on the naive and raw paths")
    parser.add_argument("--quick", action="store_true", help="one timed run per path instead of three")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per path (median; default 3, 1 with --quick)")
    parser.add_argument("--naive-sentences", type=int, default=4,
                        help="sentences for the slow batch-1 naive loop (tok/s stays comparable; default 4)")
    parser.add_argument("--tf-sentences", type=int, default=16,
                        help="sentences for our transformers engine (one batch either way; default 16)")
    parser.add_argument("--beam4-sentences", type=int, default=8,
                        help="sentences for the beam-4 rows (random-weight beam outputs are retried; default 8)")
    parser.add_argument("--cache", default=str(CACHE), help=f"build cache (default {CACHE})")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the model, tokenizer and conversion")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                        help="first wait up to this long for the 1-minute load average to fall below 0.5")
    parser.add_argument("--json", help="also write all results to this JSON file")
    parser.add_argument("--child", choices=sorted(PATHS), help=argparse.SUPPRESS)
    parser.add_argument("--beam", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (1 if args.quick else 3)
    if args.child:
        child(args)
        return 0

    from mt.engine import output_budget

    cache = Path(args.cache)
    t_start = time.perf_counter()
    build(cache, args.rebuild)
    waited = time.perf_counter()
    while args.wait_idle and os.getloadavg()[0] >= 0.5 and time.perf_counter() - waited < args.wait_idle:
        time.sleep(5)
    n, s, t = args.sentences, args.src_tokens, args.tgt_tokens
    check_workload(cache, workload(n, s), s)
    ours_t = output_budget(s) - 1  # engines' limit incl. the language code
    naive_n = min(args.naive_sentences, n)
    tf_n = min(args.tf_sentences, n)
    beam_n = min(args.beam4_sentences, n)
    device = "cuda" if cuda_available() else "cpu"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"\nworkload: {n} sentences x {s} source tokens; naive/raw forced to {t} target tokens, "
          f"our engines run to their budget (random weights never stop): {ours_t} target tokens")
    print(f"device: {device}, {cores} CPU cores; repeats: {args.repeats} (median); greedy unless noted; "
          f"load average {os.getloadavg()[0]:.2f} at start")
    if naive_n < n:
        print(f"naive path uses the first {naive_n} of the {n} sentences (batch 1: its tok/s does not depend on N)")
    if tf_n < n:
        print(f"our transformers path uses the first {tf_n} of the {n} sentences (still one batch)")
    if beam_n < n:
        print(f"the beam-4 rows use the first {beam_n} of the {n} sentences (one batch)")
    print()
    r = args.repeats
    results = {
        "naive": run_child("naive", 1, naive_n, s, t, r, cache),
        "ours-tf": run_child("ours-tf", 1, tf_n, s, t, r, cache),
        "ours-ct2": run_child("ours-ct2", 1, n, s, t, r, cache),
        "raw-ct2": run_child("raw-ct2", 1, n, s, t, r, cache),
        "raw-ct2@ours": run_child("raw-ct2", 1, n, s, ours_t, r, cache),
        "ours-ct2 beam4": run_child("ours-ct2", 4, beam_n, s, t, r, cache),
        "raw-ct2 beam4@ours": run_child("raw-ct2", 4, beam_n, s, ours_t, r, cache),
    }
    naive = results["naive"]["tok_s"]
    raw = results["raw-ct2"]["tok_s"]
    matched = {"ours-ct2": "raw-ct2@ours", "ours-ct2 beam4": "raw-ct2 beam4@ours"}

    print(f"\n{'path':<20} {'tok/s':>8} {'x naive':>8} {'x raw ct2':>10} {'x raw@len':>10} {'peak RSS':>9}  what")
    for name, res in results.items():
        rate = res["tok_s"]
        same = results.get(matched.get(name, ""), None)
        vs_same = f"{rate / same['tok_s']:.2f}" if same else ""
        print(f"{name:<20} {rate:8.1f} {rate / naive:8.1f} {rate / raw:10.2f} {vs_same:>10} "
              f"{res['peak_rss_mb'] / 1024:7.2f}GB  {res['label']}, "
              f"{res['sentences']}x{res['tokens_per_sentence']:.0f} tok")
    retried = {k: v["retried"] for k, v in results.items() if v.get("retried")}
    if retried:
        print(f"degeneration retries per run (random weights): {retried}")
    print("x raw@len: against raw CTranslate2 with the same beam at our engines' output length "
          f"({ours_t} tokens), the like-for-like ceiling")

    ct2 = results["ours-ct2"]["tok_s"]
    ceiling = results["raw-ct2@ours"]["tok_s"]
    tf = results["ours-tf"]["tok_s"]
    checks = [
        (f"ours-ct2 within 10% of raw ct2 (same length): {ct2:.1f} vs {ceiling:.1f} = {ct2 / ceiling:.2f} >= 0.90",
         ct2 >= TARGET_CT2_VS_RAW * ceiling),
        (f"ours-ct2 >= 20x naive: {ct2:.1f} / {naive:.1f} = {ct2 / naive:.1f}x", ct2 >= TARGET_CT2_VS_NAIVE * naive),
        (f"ours-tf >= 2x naive: {tf:.1f} / {naive:.1f} = {tf / naive:.1f}x", tf >= TARGET_TF_VS_NAIVE * naive),
    ]
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    print(f"\ntotal {time.perf_counter() - t_start:.0f}s; load average {os.getloadavg()[0]:.2f} at the end "
          "(other processes on the machine lower every figure)")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "results": results,
                                               "checks": [{"check": c, "pass": ok} for c, ok in checks]}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
