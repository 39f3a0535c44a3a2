"""Restricted (English vocabulary map) vs full-vocabulary decoding, CTranslate2 int8, full-size random models.

    python bench/vmap.py [--models nllb-600m,tc-big] [--nllb-sizes 32000,64000,128000] [--tc-big-sizes 32000]
                         [--sentences 32] [--src-tokens 40] [--repeats 3]

`models convert` builds the map from the model's own vocabulary (modelstore/vmap.py). The stand-in vocabularies
of bench/translate.py are private-use characters, so the product's rule would keep only the control tokens
there: this benchmark writes maps of a chosen size instead (every k-th piece of the vocabulary plus `</s>`,
`<unk>`, `eng_Latn` / `>>eng<<`; which pieces does not matter to the speed, only how many). The real sizes
could not be measured offline (no real NLLB or tc-big vocabulary here): NLLB's Latin-script share of 256,206
pieces is not known here, hence several sizes; tc-big's 61807 entries are a 32k source and a 32k target
SentencePiece model joined, so its English map is at most about 32000 (target.spm's Latin pieces).

One process per shape loads every translator once; the paths then run in turn, `--repeats` rounds (median),
interleaved so that other load on the machine hits them alike:

  raw full / raw vmap K   ctranslate2.Translator.translate_batch, the whole workload as one batch, forced to our
                          engines' output length (2 x S + 16 after the language code), `use_vmap` off / on
  ours full / ours vmap   mt.CTranslate2Engine through mt.translate.translate_articles (greedy), the map off /
                          on (our engine's own switch: `vocabulary_map`); in full, greedy decoding scores its
                          own output, with the map a forced-decoding pass adds the confidences: together, what
                          the product pays either way (`CTranslate2Engine.MAP_MIN_VOCABULARY` chooses)

With three or more raw rows it also fits time per token = fixed + slope x candidates (`map_ceiling`): the
fixed part is what no map removes, so full / fixed is the speed-up of an empty map, the most any map can give.

Tokens/s counts the tokens generated (after the language code). Greedy only. Degeneration retries are off in
the child (random outputs loop; a trained model's would not), so ours and raw decode the same sentences.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import translate as bench_translate  # noqa: E402
from bench.translate import CACHE, SHAPES  # noqa: E402


def write_standin_vmap(converted: Path, size: int, needed: list[str]) -> dict:
    """Write a `size`-token map (every k-th vocabulary entry + the controls English needs) into `converted`;
    return the conversion record's `vocabulary_map` entry for it, as `modelstore.vmap.write_vmap` does."""
    import hashlib

    from modelstore.vmap import VMAP_FILE, target_vocabulary

    vocabulary = target_vocabulary(converted)
    keep = {"</s>", "<unk>", "<s>", "<pad>", *needed}
    step = max(1, len(vocabulary) // max(size, 1))
    tokens = [t for i, t in enumerate(vocabulary) if t in keep or (i % step == 0 and " " not in t)][:size + len(keep)]
    text = "\t" + " ".join(tokens) + "\n"
    (converted / VMAP_FILE).write_text(text, encoding="utf-8")
    return {"rule": f"bench-{size}", "tokens": len(tokens), "vocabulary": len(vocabulary),
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def mapped_copy(cache: Path, shape: str, size: int) -> Path:
    """The shape's int8 conversion with a `size`-token map, files hard-linked (no second copy on disk)."""
    source = bench_translate.converted_dir(cache, shape)
    target = source.with_name(f"{source.name}-vmap{size}")
    if not (target / "vmap.txt").is_file():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        for path in source.iterdir():
            if path.is_file() and path.name != "vmap.txt":
                os.link(path, target / path.name)
        write_standin_vmap(target, size, needed(shape))
    return target


def needed(shape: str) -> list[str]:
    return [bench_translate.NLLB_CODES["en"]] if SHAPES[shape].architecture == "nllb" else [
        bench_translate.TC_BIG_TARGET_TOKEN]


def child(args: argparse.Namespace) -> None:
    import ctranslate2

    import mt.translate
    from core.article import Article, Paragraph, Sentence
    from mt.engine import DecodingOptions, output_budget
    from mt.engine_ctranslate2 import CTranslate2Engine
    from mt.translate import TranslateOptions, translate_articles

    cache, spec = Path(args.cache), SHAPES[args.model]
    mt.translate.BROKEN_MODEL_UNITS = sys.maxsize  # random weights: time the work, never the verdict
    mt.translate.degeneration = lambda text, english: None  # no retries of random loops: like for like with raw
    texts = bench_translate.workload(args.sentences, args.src_tokens)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    cores = len(os.sched_getaffinity(0))
    prefix = spec.prefix_tokens
    length = output_budget(args.src_tokens)  # our engines' budget, language code included
    tokenizer = spec.tokenizer(cache)
    ids = tokenizer([spec.source_text(t) for t in texts], add_special_tokens=True)["input_ids"]
    source = [tokenizer.convert_ids_to_tokens(row) for row in ids]
    target_prefix = [[bench_translate.NLLB_CODES["en"]]] * len(source) if prefix else None
    dirs = {"full": bench_translate.converted_dir(cache, args.model),
            **{f"vmap {k}": mapped_copy(cache, args.model, k) for k in sizes}}
    tokens_in = {name: len((d / "vmap.txt").read_text().split("\t")[1].split()) for name, d in dirs.items()
                 if name != "full"}
    paths = {}
    for name, d in dirs.items():
        translator = ctranslate2.Translator(str(d), device="cpu", compute_type="int8", intra_threads=cores)

        def raw(translator=translator, use_vmap=name != "full") -> int:
            results = translator.translate_batch(source, target_prefix=target_prefix, beam_size=1,
                                                 max_input_length=0, min_decoding_length=length,
                                                 max_decoding_length=length, use_vmap=use_vmap)
            return sum(len(r.hypotheses[0]) - prefix for r in results)

        paths[f"raw {name}"] = raw
    ours_dir = dirs[f"vmap {sizes[0]}"]
    engine = CTranslate2Engine(spec.entry(), bench_translate.model_dir(cache, args.model), ours_dir)
    counted = [0]
    inner = engine.translator

    class Counting:
        def translate_batch(self, *a, **kw):
            results = inner.translate_batch(*a, **kw)
            counted[0] += sum(len(r.hypotheses[0]) - prefix for r in results)
            return results

        def __getattr__(self, name: str):  # score_batch: the confidence pass of a restricted decoding
            return getattr(inner, name)

    engine.translator = Counting()
    retried = {}

    def ours(restricted: bool, key: str) -> int:
        engine.vocabulary_map = f"bench-{sizes[0]}" if restricted else None
        sentences = [Sentence(id=f"s{i}", source=t, normalized=t) for i, t in enumerate(texts)]
        article = Article(id="a", language=bench_translate.SOURCE_LANGUAGE, paragraphs=[Paragraph("p1", sentences)])
        before = counted[0]
        stats = translate_articles([article], engine, TranslateOptions(DecodingOptions(beam_size=1)))
        retried[key] = stats.retried
        return counted[0] - before

    paths["ours full"] = lambda: ours(False, "ours full")
    paths[f"ours vmap {sizes[0]}"] = lambda: ours(True, f"ours vmap {sizes[0]}")
    for run in paths.values():  # warm-up
        run()
    rates: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(args.repeats):
        for name, run in paths.items():
            t0 = time.perf_counter()
            tokens = run()
            rates[name].append(tokens / (time.perf_counter() - t0))
    print("RESULT " + json.dumps({"model": args.model, "sizes": sizes, "map_tokens": tokens_in,
                                  "vocabulary": len(tokenizer), "tok_s": {k: statistics.median(v) for k, v in rates.items()},
                                  "runs": rates, "retried": retried}), flush=True)


def map_ceiling(result: dict) -> dict | None:
    """Fit raw time per token = fixed + slope x candidates over the raw rows (full and every map size, one run):
    `fixed` is what no vocabulary map removes (encoder, decoder layers, search), so full / fixed bounds the
    speed-up of any map. None with fewer than three rows (nothing to check the line against)."""
    points = [(result["vocabulary"] if name == "raw full" else result["map_tokens"][name[4:]], 1000 / rate)
              for name, rate in result["tok_s"].items() if name.startswith("raw ")]
    if len(points) < 3:
        return None
    slope, fixed = statistics.linear_regression([x for x, _ in points], [y for _, y in points])
    full_ms = 1000 / result["tok_s"]["raw full"]
    return {"fixed_ms": fixed, "ms_per_1k_candidates": slope * 1000, "points": len(points),
            "empty_map": full_ms / fixed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="nllb-600m,tc-big")
    parser.add_argument("--nllb-sizes", default="64000,32000,128000",
                        help="map sizes for the NLLB shapes; the first is also the one our engine runs")
    parser.add_argument("--tc-big-sizes", default="32000", help="map sizes for tc-big (first: our engine's)")
    parser.add_argument("--sentences", type=int, default=32)
    parser.add_argument("--src-tokens", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cache", default=str(CACHE))
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", default="nllb-600m", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0
    cache = Path(args.cache)
    print(f"{len(os.sched_getaffinity(0))} CPU cores, load average {os.getloadavg()[0]:.2f}; {args.sentences} "
          f"sentences x {args.src_tokens} source tokens, greedy, median of {args.repeats} interleaved rounds")
    out = {}
    for model in [m.strip() for m in args.models.split(",") if m.strip()]:
        bench_translate.build(cache, shape=model)
        sizes = args.nllb_sizes if SHAPES[model].architecture == "nllb" else args.tc_big_sizes
        r = bench_translate.child_result(__file__, ["--model", model, "--sizes", sizes, "--sentences",
                                                    str(args.sentences), "--src-tokens", str(args.src_tokens),
                                                    "--repeats", str(args.repeats), "--cache", str(cache)],
                                         f"{model} vmap")
        out[model] = r
        full, ours_full = r["tok_s"]["raw full"], r["tok_s"]["ours full"]
        print(f"\n{model} (vocabulary {r['vocabulary']}; load average before {r['load_before']:.1f}):")
        for name, rate in r["tok_s"].items():
            base = ours_full if name.startswith("ours") else full
            size = r["map_tokens"].get(name.split(" ", 1)[1], r["vocabulary"]) if "vmap" in name else r["vocabulary"]
            print(f"  {name:<20} {rate:8.1f} tok/s  x{rate / base:5.2f} vs full ({size} candidates)")
        first = r["sizes"][0]
        restricted, raw_restricted = r["tok_s"][f"ours vmap {first}"], r["tok_s"][f"raw vmap {first}"]
        print(f"  ours / raw, restricted: {restricted / raw_restricted:.2f}; full: {ours_full / full:.2f} "
              f"(retries: {r['retried']})")
        ceiling = map_ceiling(r)
        if ceiling:
            print(f"  raw time per token = {ceiling['fixed_ms']:.3f} ms + {ceiling['ms_per_1k_candidates']:.4f} ms per "
                  f"1000 candidates (least squares over {ceiling['points']} raw rows): the most any map can give, "
                  f"an empty one, is x{ceiling['empty_map']:.2f}")
            r["ceiling"] = ceiling
    return bench_translate.finish(out, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
