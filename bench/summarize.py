"""Summarization throughput benchmark: full-size distilbart-cnn-12-6 shape, random weights.

    python bench/summarize.py [--texts 4] [--src-tokens 512] [--tgt-tokens 128] [--quick]

No model hub is needed: the first run builds the published `sshleifer/distilbart-cnn-12-6`
architecture (BartConfig: vocab 50264, d_model 1024, 12 encoder + 6 decoder layers,
16 heads, FFN 4096, 1024 positions; 306M parameters) with random weights and a stand-in
word-level tokenizer covering the whole vocabulary, saves it with `save_pretrained`,
installs it like a pulled model (`<cache>/home/<org>--<name>/<revision>/`, hard links,
a lock entry with every file's size and sha256) and converts it with the product's
converter (`modelstore.convert.convert_model`, int8).  The cache is the translation
benchmark's (`~/.cache/mtdigest-bench/`, `MTDIGEST_BENCH_CACHE`, `--cache`).

Every path runs in a fresh subprocess (its own peak RSS, VmHWM) on the same workload,
N texts of exactly S source tokens (<s> and </s> included) summarized in batches of 4
with the output length forced (min = max = T tokens), one warm-up call, then k timed
passes (median):

  plain-tf   plain transformers fp32 `model.generate` on the same ids and batches (reference)
  ours-tf    our TransformersSummarizer (load_summarizer(engine="transformers"), its defaults)
             through `Summarizer.summarize_texts`
  ours-ct2   our CTranslate2Summarizer (load_summarizer(engine="ctranslate2"), its defaults)
             through `summarize_texts`
  raw-ct2    ctranslate2.Translator.translate_batch on the same ids, int8 (the ceiling)

Greedy (beam 1), plus beam 4 (the product's default decoding) for our two summarizers and
the raw ceiling (which uses our decoding options: no-repeat 3, length penalty 2).  Each timed
pass is followed by the same call with 2 output tokens (the encoder's share, `enc s`), so
decoding alone can be told apart: `dec tok/s` = the extra tokens / the extra seconds.
Target tokens/s counts the tokens each path actually generated (after the decoder start
and the forced <s>, up to </s>), counted around the engines' generate calls.  With
min = max = T, transformers delivers T - 2 of them (its forced <s> and forced </s> count
among the new tokens), CTranslate2 T: the table shows the tokens per text of each row.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# Run as `python bench/summarize.py`, this directory comes first on sys.path and this file
# would shadow the product's `summarize` package: the repository root goes first instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(REPO))

from bench.translate import CACHE, child_result, cuda_available, peak_rss_mb

BUILD_VERSION = "1"  # bump when the built model or tokenizer changes
VOCAB_SIZE = 50264
ALIAS = "distilbart-cnn-12-6-random"
REPO_ID = "bench/distilbart-cnn-12-6-random"
TARGET_CT2_VS_TF = 5.0  # issue 6: CTranslate2 path >= 5x transformers


# --------------------------------------------------------------------------- install (shared with pipeline.py)


def home_dir(cache: Path) -> Path:
    """MTDIGEST_HOME of the benchmarks: random-weight models laid out like pulled ones."""
    return cache / "home"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def install_model(source: Path, home: Path, *, alias: str, role: str, architecture: str, repo: str,
                  languages: tuple[str, ...], language_codes: dict[str, str] | None = None):
    """Lay `source`'s files out as `models pull` would (hard links) and return the lock entry.

    The revision is a stand-in commit id (sha1 over the files' sha256), so it changes whenever a
    file does; the entry lists every file with size and sha256, exactly like a verified pull.
    """
    from modelstore.lock import LockedFile, ModelEntry

    files = sorted(p for p in source.rglob("*") if p.is_file())
    records = [LockedFile(p.relative_to(source).as_posix(), p.stat().st_size, _sha256(p)) for p in files]
    revision = hashlib.sha1("".join(f"{r.path} {r.sha256}\n" for r in records).encode()).hexdigest()
    entry = ModelEntry(alias=alias, role=role, architecture=architecture, repo=repo, revision=revision,
                       license="mit", languages=languages, language_codes=dict(language_codes or {}),
                       files=tuple(records))
    target = home / entry.dirname / revision
    for record in records:
        dest = target / record.path
        if dest.is_file() and dest.stat().st_size == record.size:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source / record.path, dest)
        except OSError:
            shutil.copy2(source / record.path, dest)
    return entry


def entry_to_json(entry) -> dict:
    from modelstore.lockwrite import entry_table

    return entry_table(entry)


def entry_from_json(table: dict):
    from modelstore.lock import parse_lock

    lock = parse_lock({"lock_version": 1, "models": [table]}, Path("<bench>"))
    return lock.models[table["alias"]]


# --------------------------------------------------------------------------- build


def source_dir(cache: Path) -> Path:
    return cache / ALIAS


def build_tokenizer():
    """A stand-in word-level tokenizer over all 50264 ids: `<s> <pad> </s> <unk>` at 0-3 (BART's),
    then `w4` ... `w50263`; whitespace-separated, so a text of k words is k + 2 ids."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, **{f"w{i}": i for i in range(4, VOCAB_SIZE)}}
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    core.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    core.decoder = decoders.WordPiece(prefix="##", cleanup=False)  # joins words with spaces
    return PreTrainedTokenizerFast(tokenizer_object=core, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>", model_max_length=1024)


def build(cache: Path, rebuild: bool = False):
    """Build (once) the random distilbart, install it under the bench home, convert it; the lock entry."""
    record = cache / f"{ALIAS}.entry.json"
    if not rebuild and record.is_file():
        saved = json.loads(record.read_text())
        if saved.get("version") == BUILD_VERSION:
            entry = entry_from_json(saved["entry"])
            from modelstore.store import converted_dir, missing_files

            if not missing_files(entry, home_dir(cache)) and (
                    converted_dir(entry, "int8", home_dir(cache)) / "model.bin").is_file():
                return entry
    import torch
    from transformers import BartConfig, BartForConditionalGeneration, GenerationConfig

    from modelstore.convert import convert_model

    started = time.perf_counter()
    print(f"building the random distilbart-cnn-12-6 model under {cache} (once) ...", flush=True)
    shutil.rmtree(source_dir(cache), ignore_errors=True)
    record.unlink(missing_ok=True)
    tokenizer = build_tokenizer()
    assert len(tokenizer) == VOCAB_SIZE, len(tokenizer)
    tokenizer.save_pretrained(source_dir(cache))
    # sshleifer/distilbart-cnn-12-6's config.json (BART-large-cnn with 6 decoder layers).
    config = BartConfig(
        vocab_size=VOCAB_SIZE, d_model=1024, encoder_layers=12, decoder_layers=6, encoder_attention_heads=16,
        decoder_attention_heads=16, encoder_ffn_dim=4096, decoder_ffn_dim=4096, max_position_embeddings=1024,
        activation_function="gelu", scale_embedding=False, dropout=0.1, attention_dropout=0.0,
        activation_dropout=0.0, pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
        forced_bos_token_id=0, forced_eos_token_id=2, tokenizer_class="BartTokenizer",
    )
    torch.manual_seed(0)
    model = BartForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        bos_token_id=0, eos_token_id=2, pad_token_id=1, decoder_start_token_id=2, forced_bos_token_id=0,
        forced_eos_token_id=2, num_beams=4, no_repeat_ngram_size=3, length_penalty=2.0, early_stopping=True,
        min_length=56, max_length=142,
    )
    model.save_pretrained(source_dir(cache))
    params = sum(p.numel() for p in model.parameters()) / 1e6
    del model
    entry = install_model(source_dir(cache), home_dir(cache), alias=ALIAS, role="summarize", architecture="bart",
                          repo=REPO_ID, languages=("en",))
    print(f"  model saved ({params:.0f}M parameters), installed as {entry.dirname}/{entry.revision[:12]}", flush=True)
    result = convert_model(entry, "int8", home_dir(cache))  # the product's converter (`models convert`)
    record.write_text(json.dumps({"version": BUILD_VERSION, "entry": entry_to_json(entry)}, indent=1))
    print(f"  converted to CTranslate2 int8 ({result.directory.name}); build took "
          f"{time.perf_counter() - started:.0f}s", flush=True)
    return entry


# --------------------------------------------------------------------------- workload


def workload(texts: int, src_tokens: int) -> list[str]:
    """`texts` texts of `src_tokens` - 2 words: `src_tokens` ids with <s> and </s>."""
    rng = random.Random(1234)
    return [" ".join(f"w{rng.randrange(4, VOCAB_SIZE)}" for _ in range(src_tokens - 2)) for _ in range(texts)]


def content_tokens(rows, prefix: int) -> int:
    """Generated target tokens: after the `prefix` leading positions (transformers: the decoder start
    </s> and the forced <s>, so 2; CTranslate2: the <s> target prefix, so 1), up to </s> or <pad>.
    (Random weights often generate <s> again; those count: they were generated.)"""
    total = 0
    for row in rows:
        for token in list(row)[prefix:]:
            if token in (1, 2):
                break
            total += 1
    return total


# --------------------------------------------------------------------------- paths (run in a child)


class Counter:
    tokens = 0


def _count(summarizer) -> None:
    """Count the tokens our summarizer generates, around its own engine call."""
    generate_ids = summarizer.generate_ids

    def counting(ids, limits, options):
        out = generate_ids(ids, limits, options)
        Counter.tokens += content_tokens(out, 1 if summarizer.engine_name == "ctranslate2" else 2)
        return out

    summarizer.generate_ids = counting


def path_ours(engine: str):
    def make(cache: Path, entry, beam: int):
        from summarize.engine import SummaryOptions, load_summarizer

        summarizer = load_summarizer(entry, engine=engine, home=home_dir(cache))  # device/precision "auto"
        _count(summarizer)
        options = SummaryOptions(beam_size=beam)  # the product's defaults otherwise (no-repeat 3, lp 2, batch 4)

        def run(texts: list[str], limits) -> int:
            before = Counter.tokens
            summaries = summarizer.summarize_texts(texts, limits, options)
            assert len(summaries) == len(texts)
            return Counter.tokens - before

        label = f"{type(summarizer).__name__} {summarizer.precision} {summarizer.device}, batch {options.batch_size}"
        return run, label

    return make


def path_plain_tf(cache: Path, entry, beam: int):
    """Plain transformers fp32 (fp16 on CUDA) `generate`, same ids, same batches of 4."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from modelstore.store import model_dir

    source = model_dir(entry, home_dir(cache))
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.float16 if device == "cuda" else torch.float32
    tokenizer = AutoTokenizer.from_pretrained(str(source))
    model = AutoModelForSeq2SeqLM.from_pretrained(str(source), dtype=dtype).to(device).eval()

    def run(texts: list[str], limits) -> int:
        generated = 0
        for start in range(0, len(texts), 4):
            inputs = tokenizer(texts[start:start + 4], return_tensors="pt", padding=True).to(device)
            with torch.inference_mode():
                out = model.generate(**inputs, num_beams=beam, do_sample=False, min_length=0, max_length=None,
                                     min_new_tokens=limits.min_tokens + 1, max_new_tokens=limits.max_tokens + 1)
            generated += content_tokens(out.tolist(), 2)
        return generated

    return run, f"transformers {str(dtype).removeprefix('torch.')} {device}, batch 4"


def path_raw_ct2(cache: Path, entry, beam: int):
    """The ceiling: ctranslate2.Translator.translate_batch on the same ids, int8, all cores."""
    import ctranslate2
    from transformers import AutoTokenizer

    from modelstore.store import converted_dir, model_dir

    device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    compute = "int8_float16" if device == "cuda" else "int8"
    threads = len(os.sched_getaffinity(0))
    translator = ctranslate2.Translator(str(converted_dir(entry, "int8", home_dir(cache))), device=device,
                                        compute_type=compute, intra_threads=threads if device == "cpu" else 0)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir(entry, home_dir(cache))))

    from summarize.engine import SummaryOptions

    options = SummaryOptions(beam_size=beam)  # the same decoding options as our summarizer

    def run(texts: list[str], limits) -> int:
        source = [tokenizer.convert_ids_to_tokens(row) for row in tokenizer(texts)["input_ids"]]
        results = translator.translate_batch(
            source, target_prefix=[["<s>"]] * len(source), beam_size=beam, max_batch_size=4, max_input_length=0,
            no_repeat_ngram_size=options.no_repeat_ngram_size, length_penalty=options.length_penalty,
            min_decoding_length=limits.min_tokens + 1, max_decoding_length=limits.max_tokens + 1)
        return sum(max(len(r.hypotheses[0]) - 1, 0) for r in results)

    return run, f"ctranslate2 {compute} {device}, {threads} threads, batches of 4"


PATHS = {
    "plain-tf": path_plain_tf,
    "ours-tf": path_ours("transformers"),
    "ours-ct2": path_ours("ctranslate2"),
    "raw-ct2": path_raw_ct2,
}


def child(args: argparse.Namespace) -> None:
    """Run one path: load, warm up, time `repeats` passes, print one JSON line."""
    from summarize.engine import Limits

    cache = Path(args.cache)
    entry = entry_from_json(json.loads((cache / f"{ALIAS}.entry.json").read_text())["entry"])
    texts = workload(args.texts, args.src_tokens)
    started = time.perf_counter()
    run, label = PATHS[args.child](cache, entry, args.beam)
    load_s = time.perf_counter() - started
    run(texts[:1], Limits(8, 8))  # warm-up: first-call allocations, thread pools
    limits = Limits(args.tgt_tokens, args.tgt_tokens)
    short = Limits(2, 2)  # the same call with (almost) no decoding: the encoder's share
    runs = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        tokens = run(texts, limits)
        t1 = time.perf_counter()
        short_tokens = run(texts, short)
        runs.append({"seconds": t1 - t0, "tokens": tokens, "short_seconds": time.perf_counter() - t1,
                     "short_tokens": short_tokens})
    rates = [r["tokens"] / r["seconds"] for r in runs]
    decode = [(r["tokens"] - r["short_tokens"]) / max(r["seconds"] - r["short_seconds"], 1e-9) for r in runs]
    print("RESULT " + json.dumps({
        "path": args.child, "beam": args.beam, "label": label, "texts": len(texts), "load_s": load_s,
        "runs": runs, "tok_s": statistics.median(rates), "peak_rss_mb": peak_rss_mb(),
        "tokens_per_text": runs[0]["tokens"] / len(texts),
        "short_s": statistics.median(r["short_seconds"] for r in runs), "decode_tok_s": statistics.median(decode),
    }), flush=True)


# --------------------------------------------------------------------------- parent


def run_child(name: str, beam: int, args: argparse.Namespace) -> dict:
    result = child_result(__file__, [name, "--beam", str(beam), "--texts", str(args.texts), "--src-tokens",
                                     str(args.src_tokens), "--tgt-tokens", str(args.tgt_tokens), "--repeats",
                                     str(args.repeats), "--cache", str(args.cache)], f"path {name} (beam {beam})")
    load = result["load_before"]
    print(f"  {name:<8} beam {beam}: {result['tok_s']:7.1f} tok/s, encoder share {result['short_s']:.1f}s, "
          f"decoding {result['decode_tok_s']:.1f} tok/s  ({result['texts']} texts x "
          f"{result['tokens_per_text']:.0f} target tokens, {len(result['runs'])} runs, peak RSS "
          f"{result['peak_rss_mb'] / 1024:.2f} GB, {result['wall_s']:.0f}s incl. load; load average before "
          f"{load:.1f})", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=4, help="texts in the workload (default 4: one batch)")
    parser.add_argument("--src-tokens", type=int, default=512, help="source tokens per text, <s> and </s> included")
    parser.add_argument("--tgt-tokens", type=int, default=128, help="summary tokens, forced (min = max)")
    parser.add_argument("--quick", action="store_true", help="one timed run per path instead of three")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per path (median; default 3)")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain transformers fp32 reference")
    parser.add_argument("--no-beam4", action="store_true", help="skip the beam-4 rows")
    parser.add_argument("--cache", default=str(CACHE), help=f"build cache (default {CACHE})")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the model, tokenizer and conversion")
    parser.add_argument("--json", help="also write all results to this JSON file")
    parser.add_argument("--child", choices=sorted(PATHS), help=argparse.SUPPRESS)
    parser.add_argument("--beam", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (1 if args.quick else 3)
    if args.child:
        child(args)
        return 0

    cache = Path(args.cache)
    t_start = time.perf_counter()
    entry = build(cache, args.rebuild)
    texts = workload(args.texts, args.src_tokens)
    from transformers import AutoTokenizer

    from modelstore.store import model_dir

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir(entry, home_dir(cache))))
    lengths = {len(row) for row in tokenizer(texts)["input_ids"]}
    assert lengths == {args.src_tokens}, f"workload lengths {lengths} != {args.src_tokens}"
    device = "cuda" if cuda_available() else "cpu"
    cores = len(os.sched_getaffinity(0))
    print(f"\ndistilbart-cnn-12-6 shape, random weights ({entry.dirname}/{entry.revision[:12]}); workload: "
          f"{args.texts} texts x {args.src_tokens} source tokens -> {args.tgt_tokens} summary tokens forced "
          f"(min = max), batches of 4")
    print(f"device: {device}, {cores} CPU cores; repeats: {args.repeats} (median); load average "
          f"{os.getloadavg()[0]:.2f} at start\n")
    results = {}
    if not args.no_plain:
        results["plain-tf"] = run_child("plain-tf", 1, args)
    results["ours-tf"] = run_child("ours-tf", 1, args)
    results["ours-ct2"] = run_child("ours-ct2", 1, args)
    results["raw-ct2"] = run_child("raw-ct2", 1, args)
    if not args.no_beam4:
        if not args.no_plain:
            results["plain-tf beam4"] = run_child("plain-tf", 4, args)
        results["ours-tf beam4"] = run_child("ours-tf", 4, args)
        results["ours-ct2 beam4"] = run_child("ours-ct2", 4, args)
        results["raw-ct2 beam4"] = run_child("raw-ct2", 4, args)

    tf = results["ours-tf"]["tok_s"]
    print(f"\n{'path':<16} {'tok/s':>8} {'x ours-tf':>10} {'x plain':>8} {'x raw':>6} {'enc s':>6} {'dec tok/s':>9} "
          f"{'x ours-tf':>9} {'peak RSS':>9}  what")
    for name, res in results.items():
        rate = res["tok_s"]
        beam4 = name.endswith("beam4")
        base = results["ours-tf beam4"]["tok_s"] if beam4 else tf
        raw = results["raw-ct2 beam4" if beam4 else "raw-ct2"]["tok_s"]
        plain_same = results.get("plain-tf beam4" if beam4 else "plain-tf", {}).get("tok_s")
        vs_plain = f"{rate / plain_same:8.1f}" if plain_same else f"{'':8}"
        dec_base = results["ours-tf beam4" if beam4 else "ours-tf"]["decode_tok_s"]
        print(f"{name:<16} {rate:8.1f} {rate / base:10.1f} {vs_plain} {rate / raw:6.2f} {res['short_s']:6.1f} "
              f"{res['decode_tok_s']:9.1f} {res['decode_tok_s'] / dec_base:9.1f} "
              f"{res['peak_rss_mb'] / 1024:7.2f}GB  {res['label']}, {res['texts']}x{res['tokens_per_text']:.0f} tok")
    print("x ours-tf / x raw: against the row with the same beam.  enc s: the same call with 2 output tokens "
          "(encoder + 2 steps);\ndec tok/s: (tokens - its tokens) / (seconds - its seconds), decoding alone")

    checks = [(f"ours-ct2 >= {TARGET_CT2_VS_TF:.0f}x ours-tf (greedy): {results['ours-ct2']['tok_s']:.1f} / {tf:.1f} "
               f"= {results['ours-ct2']['tok_s'] / tf:.1f}x", results["ours-ct2"]["tok_s"] >= TARGET_CT2_VS_TF * tf)]
    if "ours-tf beam4" in results:
        b_ct2, b_tf = results["ours-ct2 beam4"]["tok_s"], results["ours-tf beam4"]["tok_s"]
        checks.append((f"ours-ct2 >= {TARGET_CT2_VS_TF:.0f}x ours-tf (beam 4): {b_ct2:.1f} / {b_tf:.1f} "
                       f"= {b_ct2 / b_tf:.1f}x", b_ct2 >= TARGET_CT2_VS_TF * b_tf))
    for suffix, decoding in (("", "greedy"), (" beam4", "beam 4, the product's default")):
        base = results.get(f"plain-tf{suffix}", {}).get("tok_s")
        if base:
            ct2 = results[f"ours-ct2{suffix}"]["tok_s"]
            checks.append((f"ours-ct2 >= {TARGET_CT2_VS_TF:.0f}x plain transformers fp32 ({decoding}): {ct2:.1f} / "
                           f"{base:.1f} = {ct2 / base:.1f}x", ct2 >= TARGET_CT2_VS_TF * base))
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    dec_ct2, dec_tf = results["ours-ct2"]["decode_tok_s"], results["ours-tf"]["decode_tok_s"]
    print(f"info  decoding alone (encoder share removed), greedy: ours-ct2 {dec_ct2:.1f} / ours-tf {dec_tf:.1f} = "
          f"{dec_ct2 / dec_tf:.1f}x; encoder share: ours-ct2 {results['ours-ct2']['short_s']:.1f}s, ours-tf "
          f"{results['ours-tf']['short_s']:.1f}s")
    print(f"\ntotal {time.perf_counter() - t_start:.0f}s; load average {os.getloadavg()[0]:.2f} at the end "
          "(other processes on the machine lower every figure)")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "results": results,
                                               "checks": [{"check": c, "pass": ok} for c, ok in checks]}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
