"""End-to-end benchmark: one seed article through `digest`, and the five seeds through `brief`.

    python bench/pipeline.py [--article seeds/002_31b79cce48f1d696.txt] [--beams 1,fast,4] [--modes today,realistic]
                             [--vmap-tokens 32000] [--no-brief]

Uses the full-size random-weight models of the other two benchmarks (built once, cached), as the
product's new defaults (issue 15): the Persian default's shape, OPUS-MT tc-big Marian
(opus-mt-tc-bible-big-iir-deu_eng_fra_por_spa: bench/translate.py's `tc-big` build from its real
config, stand-in MarianTokenizer, fp16 weights, `>>eng<<` as the lock's `target_token`, so the
engines put it first in every source), and distilbart-cnn-12-6's from bench/summarize.py.  Both are
installed like pulled models under `<cache>/home/` (`<org>--<name>/<revision>/`, hard links),
converted with the product's converter (`modelstore.convert.convert_model`, int8: what `mtdigest
models convert` does), and named in a generated `models.lock` (every file with size and sha256), so
the library resolves them exactly as it resolves real models: lock -> MTDIGEST_HOME -> CTranslate2
copy.  The one translator serves both languages in the generated lock (the Arabic default,
opus-mt-tc-big-ar-en, is the same shape without a target token).

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

Settings are the CLI's (`cli_commands.common.translate_settings`), once per entry of `--beams` (default
1,fast,4: the product's default, greedy translation and beam-2 summaries (issue 23); the CLI's `--fast`,
greedy summaries too; `--beam 4`), each with its own translation cache.
Random weights never emit </s>.  Left alone, every translation would run to the engine's own
budget (`mt.engine.output_budget`: 2 x source tokens + 16, about 5x a real English sentence)
and be flagged degenerate and retried with beam 4, so the pipeline would measure the retry
path rather than translation.  A wrapper around the translator's `ctranslate2.Translator`
stands in for the </s>: each batch runs to 1.25 x its longest source (`--mt-ratio`; 0 turns
it off) and each sentence's output is cut at 1.25 x its own source tokens (fa->en news is
about 1.0-1.5 English words per word).  Summaries stop where `--summary-length` says: in the
today mode at their maximum length (`SummaryOptions`: 32 tokens a sentence + 14; 142 for each
map-reduce chunk), the worst case; in the realistic mode at a trained summarizer's length, 20
pieces for each requested sentence (80 for the default 4; `REFERENCE_PIECES_PER_SENTENCE`, from
CNN/DailyMail's reference summaries).  The same wrapper counts the engines' calls and tokens (also
the summarizer's), so the table shows the work done.

Two modes (`--modes`, default both): `today` is the above (1.25 x, rows run to the batch's longest, the
product's degeneration retries of random loops counted); `realistic` stops each greedy translation at
`--realistic-ratio` (1.1) x its own source tokens, where a trained model would write </s>, through
CTranslate2's per-example step callback, so a finished row leaves the batch as it would with real weights,
and switches the product's degeneration retries off (only random weights loop).  Beam > 1 has no step
callback: there the rows, sorted by length, run in groups of 4, each group to its longest row's length, and each
row is cut at its own.

The translator's English vocabulary map (`models convert` writes one, issue 23): the stand-in vocabulary is
private-use characters, so the product's rule keeps only its control tokens there; the bench replaces that map
with one of `--vmap-tokens` entries (default 32000: the tc-big releases join a 32k source and a 32k target
SentencePiece model, and the English map is the target side's Latin pieces) and records it as the product
does, so the engine decodes with it (0: no map).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
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

TRANSLATOR_SHAPE = "tc-big"  # bench/translate.py's shape of the Persian default
TRANSLATOR_ALIAS = "opus-mt-tc-big-random"
TRANSLATOR_REPO = "bench/opus-mt-tc-big-random"
DEFAULT_ARTICLE = REPO / "seeds" / "002_31b79cce48f1d696.txt"
SEEDS = REPO / "seeds"
BUILD_VERSION = "2"


# --------------------------------------------------------------------------- setup


def install_translator(cache: Path):
    """bench/translate.py's tc-big build, installed under the bench home with `>>eng<<` as its lock
    `target_token`, and converted (int8)."""
    from dataclasses import replace

    from modelstore.convert import convert_model

    bench_translate.build(cache, shape=TRANSLATOR_SHAPE)
    source = bench_translate.model_dir(cache, TRANSLATOR_SHAPE)
    record = cache / f"{TRANSLATOR_ALIAS}.entry.json"
    built = (cache / f"{bench_translate.SHAPES[TRANSLATOR_SHAPE].directory}.built").stat().st_mtime_ns
    token = bench_translate.TC_BIG_TARGET_TOKEN
    entry = None
    if record.is_file():
        saved = json.loads(record.read_text())
        if saved.get("version") == BUILD_VERSION and saved.get("built") == built:
            entry = bench_summarize.entry_from_json(saved["entry"])
    if entry is None:
        print(f"installing the random tc-big model under {bench_summarize.home_dir(cache)} (once) ...", flush=True)
        entry = bench_summarize.install_model(
            source, bench_summarize.home_dir(cache), alias=TRANSLATOR_ALIAS, role="translate",
            architecture="marian", repo=TRANSLATOR_REPO, languages=("fa", "ar"))
        record.write_text(json.dumps({"version": BUILD_VERSION, "built": built, "entry": entry_table(entry)},
                                     indent=1))
    entry = replace(entry, target_token=token, license="apache-2.0")
    started = time.perf_counter()
    result = convert_model(entry, "int8", bench_summarize.home_dir(cache))  # a no-op once done
    if result.converted:
        print(f"  converted to CTranslate2 int8 in {time.perf_counter() - started:.0f}s", flush=True)
    return entry


def standin_vmap(entry, cache: Path, tokens: int) -> str:
    """Give the converted translator a `tokens`-entry English map in place of the one `models convert` wrote
    from the stand-in vocabulary (private-use pieces, so only its control tokens), recorded as the product
    records its own, or (`tokens` 0) none: full-vocabulary decoding. Returns a note for the output."""
    from bench.vmap import write_standin_vmap
    from modelstore.integrity import CONVERT_MARKER
    from modelstore.store import converted_dir
    from modelstore.vmap import VMAP_FILE

    directory = converted_dir(entry, "int8", bench_summarize.home_dir(cache))
    record = json.loads((directory / CONVERT_MARKER).read_text(encoding="utf-8"))
    if tokens:
        record["vocabulary_map"] = write_standin_vmap(directory, tokens, [entry.target_token])
    else:
        record.pop("vocabulary_map", None)
        (directory / VMAP_FILE).unlink(missing_ok=True)
    (directory / CONVERT_MARKER).write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    if not tokens:
        return "no vocabulary map"
    from modelstore.store import resolve_model
    from mt.engine_ctranslate2 import CTranslate2Engine

    source = resolve_model(entry, bench_summarize.home_dir(cache))
    rows = json.loads((source / "config.json").read_text(encoding="utf-8")).get("vocab_size", 0)
    if rows < CTranslate2Engine.MAP_MIN_VOCABULARY:
        return (f"a vocabulary map of {record['vocabulary_map']['tokens']} tokens, unused: {rows} pieces are below "
                f"the engine's {CTranslate2Engine.MAP_MIN_VOCABULARY} (full decoding, self-scored)")
    return f"vocabulary map of {record['vocabulary_map']['tokens']} tokens"


def entry_table(entry) -> dict:
    """The lock table of an entry, with the fields of issue 15 that the bench needs (target token, licence use)."""
    table = bench_summarize.entry_to_json(entry)
    if entry.target_token:
        table.setdefault("target_token", entry.target_token)
    table.setdefault("commercial_use", entry.commercial_use)
    return table


def write_lock(cache: Path, translator, summarizer) -> Path:
    """A models.lock naming the two random-weight models as the defaults."""
    import tomli_w

    from modelstore.lock import load_lock

    path = cache / "pipeline" / "models.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "lock_version": 1,
        "defaults": {"summarize": summarizer.alias, "translate": {"fa": translator.alias, "ar": translator.alias}},
        "models": [entry_table(translator), entry_table(summarizer)],
    }
    path.write_text("# Random-weight full-size models for bench/pipeline.py (generated).\n" + tomli_w.dumps(data),
                    encoding="utf-8")
    parsed = load_lock(path)  # validated by the product's parser
    assert parsed.models[translator.alias].target_token == translator.target_token, "lock lost the target token"
    return path


# --------------------------------------------------------------------------- child


class Calls:
    """Engine calls by kind: count, examples, generated tokens, seconds."""

    stats: dict[str, dict[str, float]] = {}


def _stop_at(caps: list[int], product: object, step: object) -> bool:
    """A row ends at its cap (as a trained model's would on </s>); the product's own callback (its confidence
    collects each step's log-probability) still sees every step."""
    stop = bool(product(step)) if product else False
    return stop or step.step + 1 >= caps[step.batch_id]


# A trained summarizer's length, where random weights never stop: CNN/DailyMail's reference summaries, which
# distilbart-cnn imitates, have 56 tokens in 3.75 sentences (See et al. 2017, "Get To The Point", ACL: 14.9 words a
# sentence) and GPT-2's byte-level BPE, which BART uses, writes about 4 pieces for 3 English words (OpenAI's
# tokenizer guide: "one token ~ 3/4 of a word"), so about 20 pieces for each sentence the product asks for.
REFERENCE_PIECES_PER_SENTENCE = 20


def summary_cap(length: str, min_decoding: int, max_decoding: int, prefix: int) -> int:
    """Where a summary call stops under `--summary-length`: `max` its maximum (the worst case), `minimum` the
    product's minimum (14 pieces a sentence), `reference` 20 pieces a requested sentence (never under the minimum)."""
    from summarize.engine import SummaryOptions

    if length == "minimum":
        return min_decoding or max_decoding
    if length == "reference" and min_decoding:
        sentences = (min_decoding - prefix) / SummaryOptions.min_tokens_per_sentence
        return min(max_decoding, max(min_decoding, prefix + round(REFERENCE_PIECES_PER_SENTENCE * sentences)))
    return max_decoding


def _instrument(mt_ratio: float, realistic: bool = False, summary_length: str = "max") -> None:
    """Count every ctranslate2.Translator.translate_batch call the product makes; for the translator,
    stand in for the </s> a trained model emits (`mt_ratio`, see the module docstring). `realistic`: greedy
    rows each stop at their own length (CTranslate2's per-example step callback, so a finished row leaves the
    batch as a trained model's would) and the product's degeneration retries are off."""
    import math
    from types import SimpleNamespace

    import mt.translate
    from mt import backends

    opened = backends.open_ctranslate2
    if realistic:  # random outputs loop; a trained model's would not be retried
        mt.translate.degeneration = lambda text, english: None

    class Counting:
        def __init__(self, inner, kind: str) -> None:
            self.inner, self.kind = inner, kind

        def translate_batch(self, source, *args, **kwargs):
            prefix = kwargs.get("target_prefix") or [[] for _ in source]
            caps = None
            if self.kind == "summarize":
                kwargs["max_decoding_length"] = summary_cap(summary_length, kwargs.get("min_decoding_length") or 0,
                                                            kwargs["max_decoding_length"], len(prefix[0]))
            if self.kind == "translate" and mt_ratio:
                caps = [len(p or []) + math.ceil(mt_ratio * len(row)) for row, p in zip(source, prefix)]
                kwargs["max_decoding_length"] = min(kwargs.get("max_decoding_length") or 10**9, max(caps))
                if realistic and kwargs.get("beam_size", 1) == 1:
                    kwargs["callback"] = functools.partial(_stop_at, caps, kwargs.get("callback"))
            t0 = time.perf_counter()
            if caps and realistic and kwargs.get("beam_size", 1) > 1:
                results = self._by_length(source, caps, args, kwargs)
            else:
                results = self.inner.translate_batch(source, *args, **kwargs)
            s = Calls.stats.setdefault(self.kind, {"calls": 0, "examples": 0, "source_tokens": 0, "tokens": 0,
                                                   "seconds": 0.0})
            s["calls"] += 1
            s["examples"] += len(source)
            s["source_tokens"] += sum(len(row) for row in source)
            s["tokens"] += sum(len(r.hypotheses[0]) - len(p or []) for r, p in zip(results, prefix))
            s["seconds"] += time.perf_counter() - t0
            if caps:  # each sentence ends where its own length says (its batch or group may have run longer)
                results = [SimpleNamespace(hypotheses=[r.hypotheses[0][:cap]], scores=r.scores)
                           for r, cap in zip(results, caps)]
            return results

        def _by_length(self, source, caps, args, kwargs, rows: int = 4):
            """Beam search has no per-example stop: the rows, sorted by their own length, in groups of `rows`,
            each group run to its longest (as a trained model's batch shrinks when rows finish)."""
            order = sorted(range(len(source)), key=lambda i: caps[i])
            results = [None] * len(source)
            prefix = kwargs.get("target_prefix")
            for start in range(0, len(order), rows):
                group = order[start:start + rows]
                part = {**kwargs, "max_decoding_length": max(caps[i] for i in group)}
                if prefix:
                    part["target_prefix"] = [prefix[i] for i in group]
                for i, r in zip(group, self.inner.translate_batch([source[i] for i in group], *args, **part)):
                    results[i] = r
            return results

        def __getattr__(self, name):
            return getattr(self.inner, name)

    def counting_open(path, *args, **kwargs):
        translator, device, compute = opened(path, *args, **kwargs)
        kind = "translate" if TRANSLATOR_REPO.replace("/", "--") in str(path) else "summarize"
        return Counting(translator, kind), device, compute

    backends.open_ctranslate2 = counting_open


def parse_and_load(parser: argparse.ArgumentParser, argv: list[str] | None):
    """(args, translator, summarizer, map note) for an in-process benchmark: its own `parser` plus the options
    every such benchmark shares (`--rounds`, lengths, map size, cache, JSON), then `load_models`."""
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--realistic-ratio", type=float, default=1.1)
    parser.add_argument("--vmap-tokens", type=int, default=32000, help="as bench/pipeline.py (0: no map)")
    parser.add_argument("--cache", default=str(CACHE))
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    return (args, *load_models(Path(args.cache), args.vmap_tokens, args.realistic_ratio))


def load_models(cache: Path, vmap_tokens: int, realistic_ratio: float):
    """(translator, summarizer, map note): this benchmark's two models installed, mapped and loaded through the
    product's lock, realistic lengths on, random-weight verdicts off (for the in-process benchmarks)."""
    import mt.translate
    from modelstore.lock import load_lock
    from mt.loading import load_translator
    from summarize.engine import load_summarizer

    translator_entry = install_translator(cache)
    map_note = standin_vmap(translator_entry, cache, vmap_tokens)
    summarizer_entry = bench_summarize.build(cache)
    lock = load_lock(write_lock(cache, translator_entry, summarizer_entry))
    os.environ["MTDIGEST_HOME"] = str(bench_summarize.home_dir(cache))
    mt.translate.BROKEN_MODEL_UNITS = sys.maxsize  # random weights: time the work, never the verdict
    _instrument(realistic_ratio, realistic=True)
    return (load_translator(lock.get(translator_entry.alias)), load_summarizer(lock.get(summarizer_entry.alias)),
            map_note)


def child(args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    import mt.translate
    from cli_commands.options import translate_settings
    from digest.jobs import SummarySettings, run_digest

    # Random weights are a broken model by the product's own test (every output degenerate): time the work.
    mt.translate.BROKEN_MODEL_UNITS = sys.maxsize
    _instrument(args.mt_ratio, args.realistic, args.summary_length)
    lock = Path(args.lock)
    settings = translate_settings(lock, args.engine, "auto", "auto", None, args.beam, args.fast, 4096, None, False)
    summary = SummarySettings(method="abstractive", engine=args.engine, greedy=args.fast)  # as the CLI
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


def summary_length(args: argparse.Namespace, mode: str) -> str:
    """`--summary-length` of one mode: `auto` is the worst case today, a trained model's length when realistic."""
    if args.summary_length != "auto":
        return args.summary_length
    return "reference" if mode == "realistic" else "max"


def run_child(kind: str, inputs: list[str], out: Path, tcache: Path, lock: Path, cache: Path,
              args: argparse.Namespace, setting: str, mode: str = "today") -> dict:
    env = {"MTDIGEST_HOME": str(bench_summarize.home_dir(cache)), "MTDIGEST_LOCK": str(lock),
           "MTDIGEST_CACHE": str(tcache)}
    ratio = args.realistic_ratio if mode == "realistic" else args.mt_ratio
    flags = ((["--realistic"] if mode == "realistic" else []) + (["--fast"] if setting == "fast" else [])
             + ["--summary-length", summary_length(args, mode)])
    beam = 1 if setting == "fast" else int(setting)
    result = bench_translate.child_result(__file__, [kind, "--out", str(out), "--lock", str(lock), "--beam",
                                                     str(beam), "--engine", args.engine, "--mt-ratio",
                                                     str(ratio), *flags, *inputs],
                                          f"{kind} run ({setting}, {mode})", env)
    wall, load = result["wall_s"], result["load_before"]
    if result["failed"]:
        print(f"  failures: {result['failed']}", flush=True)
    calls = result["calls"]
    parts = [f"{k} {v['tokens']} tok in {v['calls']} calls, {v['seconds']:.1f}s" for k, v in sorted(calls.items())]
    print(f"  {mode} {setting:<5} {kind:<12} {wall:6.1f}s wall ({result['job_s']:.1f}s in the job; {result['articles']} articles, "
          f"{result['sentences']} sentences; {'; '.join(parts) or 'no model calls'}; peak RSS "
          f"{result['peak_rss_mb'] / 1024:.2f} GB; load average before {load:.1f})", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--article", default=str(DEFAULT_ARTICLE), help="the article for the digest runs")
    parser.add_argument("--beams", default="1,fast,4",
                        help="translation beams, or fast (the CLI's --fast: greedy summaries too), one set of runs "
                             "each (default 1,fast,4: the product's default, --fast, --beam 4)")
    parser.add_argument("--beam", type=int, default=1, help=argparse.SUPPRESS)  # a child's beam
    parser.add_argument("--fast", action="store_true", help=argparse.SUPPRESS)  # a child's --fast
    parser.add_argument("--engine", default="auto", choices=["auto", "ctranslate2", "transformers"],
                        help="engine for both models (default auto: the CTranslate2 copies)")
    parser.add_argument("--mt-ratio", type=float, default=1.25,
                        help="translations end at this many target tokens per source token (random weights "
                             "never emit </s>; 0: run to the engine's own budget, 2x + 16; default 1.25)")
    parser.add_argument("--modes", default="today,realistic",
                        help="today: outputs cut at --mt-ratio, the product's degeneration retries counted; "
                             "realistic: each greedy output stops at --realistic-ratio x its source tokens (its own "
                             "length, as a trained model's </s>), no retries (default: both)")
    parser.add_argument("--realistic-ratio", type=float, default=1.1,
                        help="target tokens per source token in the realistic mode (default 1.1)")
    parser.add_argument("--realistic", action="store_true", help=argparse.SUPPRESS)  # a child's mode
    parser.add_argument("--vmap-tokens", type=int, default=32000,
                        help="size of the translator's English vocabulary map (the stand-in vocabulary has no "
                             "Latin pieces, so the bench writes one this size; 0: no map, full-vocabulary decoding)")
    parser.add_argument("--no-brief", action="store_true", help="skip the five-seed brief runs")
    parser.add_argument("--cache", default=str(CACHE), help=f"build cache (default {CACHE})")
    parser.add_argument("--keep", help="write outputs under this directory (default: a temporary one, removed)")
    parser.add_argument("--summary-length", default="auto", choices=["auto", "max", "reference", "minimum"],
                        help="where summaries stop (random weights never emit </s>): max, their maximum (32 pieces a "
                             "sentence + 14: 142 for 4); reference, a trained summarizer's length (20 pieces a "
                             "sentence: CNN/DailyMail's reference summaries); minimum, the product's minimum (14 a "
                             "sentence); auto (default): max in the today mode, reference in the realistic one")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every setting this many times, interleaved; the table gives medians (default 1)")
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
    map_note = standin_vmap(translator, cache, args.vmap_tokens)
    summarizer = bench_summarize.build(cache)
    lock = write_lock(cache, translator, summarizer)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="mtdigest-pipeline-"))
    if args.keep:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    article = str(Path(args.article).resolve())
    seeds = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    print(f"\nlock {lock}\nhome {bench_summarize.home_dir(cache)}\noutputs {work}")
    beams = [b.strip() for b in args.beams.split(",") if b.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    print(f"modes {args.modes}; translation beams {', '.join(beams)} (fast: the CLI's --fast, greedy "
          f"summaries too); today: outputs cut at {args.mt_ratio} x source tokens, retries counted; realistic: "
          f"{args.realistic_ratio} x, no retries; summaries beam 2 unless --fast, stopping at "
          f"{', '.join(f'{summary_length(args, m)} ({m})' for m in modes)} length; "
          f"translator {map_note}; engine {args.engine}; {len(os.sched_getaffinity(0))} CPU cores; load average "
          f"{os.getloadavg()[0]:.2f}\n")
    results: dict[str, list[dict]] = {}
    try:
        for round_ in range(args.rounds):
            for mode in modes:
                for beam in beams:
                    tag = f"{mode}, " + {"fast": "--fast", "1": "default (beam 1)"}.get(beam, f"beam {beam}")
                    d = work / f"r{round_}-{mode}-beam{beam}"

                    def run(name: str, kind: str, inputs: list[str], out: Path, tcache: Path) -> None:
                        results.setdefault(f"{tag}: {name}", []).append(
                            run_child(kind, inputs, out, tcache, lock, cache, args, beam, mode))

                    tcache = d / "t1.sqlite"
                    run("digest first run", "digest", [article], d / "digest1", tcache)
                    run("digest cached re-run", "digest", [article], d / "digest2", tcache)
                    first_json = str(d / "digest1" / f"{Path(article).stem}.json")
                    if not Path(first_json).is_file():
                        first_json = next(str(p) for p in (d / "digest1").glob("*.json"))
                    run("digest from JSON", "digest-json", [first_json], d / "digest3", tcache)
                    if not args.no_brief:
                        run("brief first run", "brief", seeds, d / "brief", d / "t2.sqlite")
                        run("brief cached re-run", "brief", seeds, d / "brief", d / "t2.sqlite")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\ntranslator {translator.alias} (tc-big Marian shape, target token {translator.target_token}); "
          f"summarizer {summarizer.alias}")
    print(f"\n{'run':<42} {'wall s':>7} {'job s':>6} {'MT s':>6} {'MT tok':>7} {'retried':>7} {'sum s':>6} "
          f"{'sum tok':>7} {'peak RSS':>9}  articles/sentences; engines" + ("; wall s of each round" * (args.rounds > 1)))
    for name, runs in results.items():
        r, median = runs[0], lambda get: statistics.median(get(x) for x in runs)  # noqa: E731
        mt, sm = r["calls"].get("translate", {}), r["calls"].get("summarize", {})
        retried = str(r["retried"]) if mt else "-"
        seconds = {k: median(lambda x, k=k: x["calls"].get(k, {}).get("seconds", 0)) for k in ("translate", "summarize")}
        rounds = f"; {[round(x['wall_s'], 1) for x in runs]}" if len(runs) > 1 else ""
        print(f"{name:<42} {median(lambda x: x['wall_s']):7.1f} {median(lambda x: x['job_s']):6.1f} "
              f"{seconds['translate']:6.1f} {int(mt.get('tokens', 0)):7d} {retried:>7} {seconds['summarize']:6.1f} "
              f"{int(sm.get('tokens', 0)):7d} {median(lambda x: x['peak_rss_mb']) / 1024:7.2f}GB  "
              f"{r['articles']}/{r['sentences']}; {', '.join(r['engines'])}{rounds}")
    print("medians over the rounds; wall s: the whole process (Python start, imports, model loading, the job); "
          "job s: the library call;\n"
          "MT s / sum s: time inside the translator's / summarizer's engine calls; MT tok / sum tok: tokens they "
          "generated;\nretried: sentences the product retried with stricter decoding (random outputs that loop)")
    print(f"\ntotal {time.perf_counter() - t_start:.0f}s; load average {os.getloadavg()[0]:.2f} at the end")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
