"""End-to-end benchmark: one seed article through `digest`, and the five seeds through `brief`.

    python bench/pipeline.py [--article seeds/002_31b79cce48f1d696.txt] [--beam 1] [--no-brief]

Uses the full-size random-weight models of the other two benchmarks (built once, cached):
NLLB-200-distilled-600M's shape from bench/translate.py (its config and stand-in tokenizer,
with an untied random output projection: see `build_untied`) and distilbart-cnn-12-6's
from bench/summarize.py.  Both are installed like pulled models under `<cache>/home/`
(`<org>--<name>/<revision>/`, hard links), converted with the product's converter
(`modelstore.convert.convert_model`, int8: what `mtdigest models convert` does), and named
in a generated `models.lock` (every file with size and sha256), so the library resolves
them exactly as it resolves real models: lock -> MTDIGEST_HOME -> CTranslate2 copy.

Each run is a fresh Python process (imports and model loading included, as for a CLI
user) with its own translation cache (MTDIGEST_CACHE) and output directory:

  digest, first run      `digest.jobs.run_digest` on one article: ingest, translate, summarize,
                         render html/md/json (empty translation cache)
  digest, cached re-run  the same, new output directory, same translation cache: every
                         sentence is a cache hit, summaries are computed again
  digest, from JSON      `run_digest(..., from_json=True)` on the first run's JSON: nothing to do
  brief, first run       `digest.brief.run_brief` on the five seeds (translate + summarize +
                         group + render html/md/json; empty translation cache)
  brief, cached re-run   the same command again: earlier digests are reused (no model time)

Settings are the CLI's (`cli_commands.common.translate_settings`) for `--fast` (greedy
translation; `--beam` to change it); summaries use the product's default decoding (beam 4).
Random weights never emit </s>.  Left alone, every translation would run to the engine's own
budget (`mt.engine.output_budget`: 2 x source tokens + 16, about 5x a real English sentence)
and be flagged degenerate and retried with beam 4, so the pipeline would measure the retry
path rather than translation.  A wrapper around the translator's `ctranslate2.Translator`
stands in for the </s>: each batch runs to 1.25 x its longest source (`--mt-ratio`; 0 turns
it off) and each sentence's output is cut at 1.25 x its own source tokens (fa->en news is
about 1.0-1.5 English words per word).  Summaries are not capped: every summary call runs to
its maximum length (`SummaryOptions`: 32 tokens a sentence + 14; 142 for each map-reduce
chunk), the worst case.  The same wrapper counts the engines' calls and tokens (also the
summarizer's), so the table shows the work done.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]  # bench/summarize.py shadows `summarize`
sys.path.insert(0, str(REPO))

from bench import summarize as bench_summarize
from bench import translate as bench_translate
from bench.translate import CACHE, peak_rss_mb

NLLB_ALIAS = "nllb-600m-random-untied"
NLLB_REPO = "bench/nllb-600m-random-untied"
DEFAULT_ARTICLE = REPO / "seeds" / "002_31b79cce48f1d696.txt"
SEEDS = REPO / "seeds"
BUILD_VERSION = "1"


# --------------------------------------------------------------------------- setup


def untied_dir(cache: Path) -> Path:
    return cache / "nllb-600m-random-untied"


def built_marker(cache: Path) -> Path:
    return cache / "nllb-600m-random-untied.built"


def build_untied(cache: Path) -> Path:
    """bench/translate.py's NLLB build with an untied output projection (once).

    With tied embeddings a random model copies its last input token: after the forced
    `eng_Latn` it emits `eng_Latn` to the end of its budget, which decodes to no English at
    all, so nothing downstream would run.  An untied random `lm_head` (same shape, same
    cost per token) walks through the vocabulary instead and decodes to text.  Config,
    generation config and tokenizer are the translation benchmark's own files.
    """
    bench_translate.build(cache)
    base, out = bench_translate.model_dir(cache), untied_dir(cache)
    marker = built_marker(cache)
    if marker.is_file() and marker.read_text().strip() == BUILD_VERSION:
        return out
    import torch
    from transformers import (
        GenerationConfig,
        M2M100Config,
        M2M100ForConditionalGeneration,
    )

    print(f"building the untied random NLLB variant under {out} (once) ...", flush=True)
    shutil.rmtree(out, ignore_errors=True)
    config = M2M100Config.from_pretrained(str(base))
    config.tie_word_embeddings = False
    torch.manual_seed(1)
    model = M2M100ForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig.from_pretrained(str(base))
    model.save_pretrained(out)
    del model
    for path in base.iterdir():
        if path.name.startswith("tokenizer") or path.name.startswith("special_tokens"):
            shutil.copy2(path, out / path.name)
    marker.write_text(BUILD_VERSION + "\n")
    return out


def install_translator(cache: Path):
    """The untied NLLB variant, installed under the bench home and converted (int8)."""
    from modelstore.convert import convert_model

    source = build_untied(cache)
    record = cache / f"{NLLB_ALIAS}.entry.json"
    built = built_marker(cache).stat().st_mtime_ns
    entry = None
    if record.is_file():
        saved = json.loads(record.read_text())
        if saved.get("version") == BUILD_VERSION and saved.get("built") == built:
            entry = bench_summarize.entry_from_json(saved["entry"])
    if entry is None:
        print(f"installing the random NLLB model under {bench_summarize.home_dir(cache)} (once) ...", flush=True)
        entry = bench_summarize.install_model(
            source, bench_summarize.home_dir(cache), alias=NLLB_ALIAS, role="translate", architecture="nllb",
            repo=NLLB_REPO, languages=("fa", "ar"), language_codes=dict(bench_translate.NLLB_CODES))
        record.write_text(json.dumps({"version": BUILD_VERSION, "built": built,
                                      "entry": bench_summarize.entry_to_json(entry)}, indent=1))
    started = time.perf_counter()
    result = convert_model(entry, "int8", bench_summarize.home_dir(cache))  # a no-op once done
    if result.converted:
        print(f"  converted to CTranslate2 int8 in {time.perf_counter() - started:.0f}s", flush=True)
    return entry


def write_lock(cache: Path, translator, summarizer) -> Path:
    """A models.lock naming the two random-weight models as the defaults."""
    import tomli_w

    from modelstore.lock import load_lock
    from modelstore.lockwrite import entry_table

    path = cache / "pipeline" / "models.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "lock_version": 1,
        "defaults": {"summarize": summarizer.alias, "translate": {"fa": translator.alias, "ar": translator.alias}},
        "models": [entry_table(translator), entry_table(summarizer)],
    }
    path.write_text("# Random-weight full-size models for bench/pipeline.py (generated).\n" + tomli_w.dumps(data),
                    encoding="utf-8")
    load_lock(path)  # validated by the product's parser
    return path


# --------------------------------------------------------------------------- child


class Calls:
    """Engine calls by kind: count, examples, generated tokens, seconds."""

    stats: dict[str, dict[str, float]] = {}


def _instrument(mt_ratio: float) -> None:
    """Count every ctranslate2.Translator.translate_batch call the product makes; for the translator,
    stand in for the </s> a trained model emits (`mt_ratio`, see the module docstring)."""
    import math
    from types import SimpleNamespace

    from mt import backends

    opened = backends.open_ctranslate2

    class Counting:
        def __init__(self, inner, kind: str) -> None:
            self.inner, self.kind = inner, kind

        def translate_batch(self, source, *args, **kwargs):
            prefix = kwargs.get("target_prefix") or [[] for _ in source]
            caps = None
            if self.kind == "translate" and mt_ratio:
                caps = [len(p or []) + math.ceil(mt_ratio * len(row)) for row, p in zip(source, prefix)]
                kwargs["max_decoding_length"] = min(kwargs.get("max_decoding_length") or 10**9, max(caps))
            t0 = time.perf_counter()
            results = self.inner.translate_batch(source, *args, **kwargs)
            s = Calls.stats.setdefault(self.kind, {"calls": 0, "examples": 0, "source_tokens": 0, "tokens": 0,
                                                   "seconds": 0.0})
            s["calls"] += 1
            s["examples"] += len(source)
            s["source_tokens"] += sum(len(row) for row in source)
            s["tokens"] += sum(len(r.hypotheses[0]) - len(p or []) for r, p in zip(results, prefix))
            s["seconds"] += time.perf_counter() - t0
            if caps:  # each sentence ends where its own length says (the batch ran to the longest)
                results = [SimpleNamespace(hypotheses=[r.hypotheses[0][:cap]], scores=r.scores)
                           for r, cap in zip(results, caps)]
            return results

        def __getattr__(self, name):
            return getattr(self.inner, name)

    def counting_open(path, *args, **kwargs):
        translator, device, compute = opened(path, *args, **kwargs)
        kind = "translate" if NLLB_REPO.replace("/", "--") in str(path) else "summarize"
        return Counting(translator, kind), device, compute

    backends.open_ctranslate2 = counting_open


def child(args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    from cli_commands.common import translate_settings
    from digest.jobs import SummarySettings, run_digest

    _instrument(args.mt_ratio)
    lock = Path(args.lock)
    settings = translate_settings(lock, args.engine, "auto", "auto", None, args.beam, False, 4096, None, False)
    summary = SummarySettings(method="abstractive", engine=args.engine)
    out = Path(args.out)
    imported = time.perf_counter()
    if args.child == "brief":
        from digest.brief import run_brief

        report = run_brief(args.inputs, out, ["html", "md", "json"], settings, summary, date="2026-01-01")
    else:
        report = run_digest(args.inputs, out, ["html", "md", "json"], settings, summary,
                            from_json=args.child == "digest-json")
    done = time.perf_counter()
    articles = report.articles
    print("RESULT " + json.dumps({
        "run": args.child, "import_s": imported - t0, "job_s": done - imported,
        "articles": len(articles), "sentences": sum(len(a.sentences()) for a in articles),
        "failed": [str(e) for e in report.failed], "written": len(report.written),
        "translate_s": sum(a.timings.get("translate_s", 0) for a in articles),
        "summarize_s": sum(a.timings.get("summarize_s", 0) for a in articles),
        "summary_sentences": sum(len(a.summary.sentences) for a in articles if a.summary),
        "retried": sum(any(f.code == "retried" for f in x.flags) for a in articles for x in a.sentences()),
        "chunks": sum(a.models.get("summarize", {}).get("chunks", 0) or 0 for a in articles),
        "engines": sorted({f"{k}:{a.models[k].get('engine')} {a.models[k].get('precision', '')}".strip()
                           for a in articles for k in ("translate", "summarize") if k in a.models}),
        "calls": Calls.stats, "peak_rss_mb": peak_rss_mb(),
    }), flush=True)


# --------------------------------------------------------------------------- parent


def run_child(kind: str, inputs: list[str], out: Path, tcache: Path, lock: Path, cache: Path,
              args: argparse.Namespace) -> dict:
    env = {"MTDIGEST_HOME": str(bench_summarize.home_dir(cache)), "MTDIGEST_LOCK": str(lock),
           "MTDIGEST_CACHE": str(tcache)}
    result = bench_translate.child_result(__file__, [kind, "--out", str(out), "--lock", str(lock), "--beam",
                                                     str(args.beam), "--engine", args.engine, "--mt-ratio",
                                                     str(args.mt_ratio), *inputs], f"{kind} run", env)
    wall, load = result["wall_s"], result["load_before"]
    if result["failed"]:
        print(f"  failures: {result['failed']}", flush=True)
    calls = result["calls"]
    parts = [f"{k} {v['tokens']} tok in {v['calls']} calls, {v['seconds']:.1f}s" for k, v in sorted(calls.items())]
    print(f"  {kind:<12} {wall:6.1f}s wall ({result['job_s']:.1f}s in the job; {result['articles']} articles, "
          f"{result['sentences']} sentences; {'; '.join(parts) or 'no model calls'}; peak RSS "
          f"{result['peak_rss_mb'] / 1024:.2f} GB; load average before {load:.1f})", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--article", default=str(DEFAULT_ARTICLE), help="the article for the digest runs")
    parser.add_argument("--beam", type=int, default=1, help="translation beam (default 1: the CLI's --fast)")
    parser.add_argument("--engine", default="auto", choices=["auto", "ctranslate2", "transformers"],
                        help="engine for both models (default auto: the CTranslate2 copies)")
    parser.add_argument("--mt-ratio", type=float, default=1.25,
                        help="translations end at this many target tokens per source token (random weights "
                             "never emit </s>; 0: run to the engine's own budget, 2x + 16; default 1.25)")
    parser.add_argument("--no-brief", action="store_true", help="skip the five-seed brief runs")
    parser.add_argument("--cache", default=str(CACHE), help=f"build cache (default {CACHE})")
    parser.add_argument("--keep", help="write outputs under this directory (default: a temporary one, removed)")
    parser.add_argument("--json", help="also write all results to this JSON file")
    parser.add_argument("--child", choices=["digest", "digest-json", "brief"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--lock", help=argparse.SUPPRESS)
    parser.add_argument("inputs", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0

    cache = Path(args.cache)
    t_start = time.perf_counter()
    translator = install_translator(cache)
    summarizer = bench_summarize.build(cache)
    lock = write_lock(cache, translator, summarizer)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="mtdigest-pipeline-"))
    if args.keep:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    article = str(Path(args.article).resolve())
    seeds = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    print(f"\nlock {lock}\nhome {bench_summarize.home_dir(cache)}\noutputs {work}")
    print(f"translation beam {args.beam} (the CLI's --fast when 1), outputs cut at {args.mt_ratio} x source tokens; "
          f"summaries beam 4 (product default), run to their maximum length; engine "
          f"{args.engine}; {len(os.sched_getaffinity(0))} CPU cores; load average {os.getloadavg()[0]:.2f}\n")
    results = {}
    try:
        results["digest first run"] = run_child("digest", [article], work / "digest1", work / "t1.sqlite", lock,
                                                cache, args)
        results["digest cached re-run"] = run_child("digest", [article], work / "digest2", work / "t1.sqlite",
                                                    lock, cache, args)
        first_json = str(work / "digest1" / f"{Path(article).stem}.json")
        if not Path(first_json).is_file():
            first_json = next(str(p) for p in (work / "digest1").glob("*.json"))
        results["digest from JSON"] = run_child("digest-json", [first_json], work / "digest3", work / "t1.sqlite",
                                                lock, cache, args)
        if not args.no_brief:
            results["brief first run"] = run_child("brief", seeds, work / "brief", work / "t2.sqlite", lock, cache,
                                                   args)
            results["brief cached re-run"] = run_child("brief", seeds, work / "brief", work / "t2.sqlite", lock,
                                                       cache, args)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\n{'run':<22} {'wall s':>7} {'job s':>6} {'MT s':>6} {'MT tok':>7} {'retried':>7} {'sum s':>6} "
          f"{'sum tok':>7} {'peak RSS':>9}  articles/sentences; engines")
    for name, r in results.items():
        mt, sm = r["calls"].get("translate", {}), r["calls"].get("summarize", {})
        retried = str(r["retried"]) if mt else "-"
        print(f"{name:<22} {r['wall_s']:7.1f} {r['job_s']:6.1f} {mt.get('seconds', 0):6.1f} {int(mt.get('tokens', 0)):7d} "
              f"{retried:>7} {sm.get('seconds', 0):6.1f} {int(sm.get('tokens', 0)):7d} {r['peak_rss_mb'] / 1024:7.2f}GB  "
              f"{r['articles']}/{r['sentences']}; {', '.join(r['engines'])}")
    print("wall s: the whole process (Python start, imports, model loading, the job); job s: the library call;\n"
          "MT s / sum s: time inside the translator's / summarizer's engine calls; MT tok / sum tok: tokens they "
          "generated;\nretried: sentences the product retried with beam 4 (random outputs that loop)")
    print(f"\ntotal {time.perf_counter() - t_start:.0f}s; load average {os.getloadavg()[0]:.2f} at the end")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
