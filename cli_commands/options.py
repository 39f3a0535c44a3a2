"""The options commands share, declared once: types, the translation options every translating command takes,
and their checks (exit 2 before any model time)."""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from cli_commands.bars import pull_bars
from cli_commands.common import F, stderr, usage_error
from core.errors import MtdigestError
from mt.review import REVIEW_BELOW


LockOption = Annotated[
    Optional[Path],
    typer.Option("--lock", envvar="MTDIGEST_LOCK", help="models.lock to use (default: the one shipped with mtdigest)."),
]


InputsArg = Annotated[
    list[str], typer.Argument(metavar="INPUT...", help="Files, directories, JSON/JSONL, http(s) URLs, or - for stdin.")
]


SentencesOpt = Annotated[Optional[int], typer.Option(
    help="Summary length in sentences (default: a third of the article's, at least 1, at most 4).")]


RatioOpt = Annotated[Optional[float], typer.Option(
    help="Summary length as a share of the article's sentences, in (0, 1] (instead of --sentences).")]


OutputOpt = Annotated[Path, typer.Option("-o", "--output", help="Directory for <article id>.<format> files.")]


EngineOpt = Annotated[str, typer.Option(help="auto | ctranslate2 | transformers (auto: CTranslate2 when converted).")]


DeviceOpt = Annotated[str, typer.Option(help="auto | cpu | cuda.")]


PrecisionOpt = Annotated[
    str, typer.Option(help="auto, or fp32|bf16|fp16 (transformers), int8|int8_float16|float16 (CTranslate2).")
]


ModelOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--model", metavar="[LANG=]ALIAS",
        help="Translator to use instead of the lock's default: ALIAS for the languages that model serves, "
             "LANG=ALIAS for one language (repeatable: --model fa=nllb-200-distilled-1.3b --model ar=...).",
    ),
]


BeamOpt = Annotated[int, typer.Option(help="Translation beam size (1: greedy, the default; 4: as the published "
                                              "scores were decoded, about 2.5-3x the translation time).")]


FastOpt = Annotated[bool, typer.Option("--fast", help="Greedy decoding (beam 1) for translation and summaries.")]


BatchOpt = Annotated[int, typer.Option(help="Token budget of one batch (padded).")]


GlossaryOpt = Annotated[Optional[Path], typer.Option(help="TSV/CSV of source<TAB>english terms to keep consistent.")]


NoRepeatOpt = Annotated[int, typer.Option(help="Never repeat an n-gram of this size (0: off); stops repetition loops.")]


RepetitionOpt = Annotated[float, typer.Option(help="Penalty on tokens already generated (1.0: off).")]


LengthPenaltyOpt = Annotated[float, typer.Option(help="Beam search length penalty (>1 favours longer output).")]


NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the translation cache.")]


QuietOpt = Annotated[bool, typer.Option("-q", "--quiet", help="No progress bars.")]


OfflineOpt = Annotated[bool, typer.Option(
    "--offline", help="Never fetch a missing model from the hub (as HF_HUB_OFFLINE=1): say what is missing.")]


ReviewOpt = Annotated[float, typer.Option(
    "--review-below", help="Flag sentences whose model confidence is below this (0-1; 0: never) as low_confidence.")]


QeOpt = Annotated[str, typer.Option(
    "--qe", help="none | roundtrip: also translate our English back (NLLB) and give each sentence the chrF of that "
                 "round trip against the source (roundtrip_chrf; about doubles model time).")]


MaxInputOpt = Annotated[float, typer.Option(
    "--max-input-mb", help="Refuse inputs larger than this many MB (before reading them whole).")]
LanguageOpt = Annotated[str, typer.Option(
    "--language", help="auto | fa | ar | en: the inputs' language when you know it (a headline, a short or unusual "
                       "text); auto identifies each article. A JSON record's own `language` wins.")]


# Every translating command takes these options, declared once here: (parameter, Typer type, default).
TRANSLATION_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("engine", EngineOpt, "auto"),
    ("device", DeviceOpt, "auto"),
    ("precision", PrecisionOpt, "auto"),
    ("model", ModelOpt, None),
    ("beam", BeamOpt, 1),
    ("fast", FastOpt, False),
    ("max_batch_tokens", BatchOpt, 4096),
    ("no_repeat_ngram", NoRepeatOpt, 0),
    ("repetition_penalty", RepetitionOpt, 1.0),
    ("length_penalty", LengthPenaltyOpt, 1.0),
    ("review_below", ReviewOpt, REVIEW_BELOW),
    ("glossary", GlossaryOpt, None),
    ("no_cache", NoCacheOpt, False),
    ("max_input_mb", MaxInputOpt, 50.0),
    ("offline", OfflineOpt, False),
    ("lock", LockOption, None),
)


def translation_options(command: F) -> F:
    """Give `command` the shared translation options; it receives them as one `settings: TranslateSettings`.

    Typer reads a command's options from its signature, so the wrapper's signature is the
    command's own (less `settings`) plus the shared options, and the wrapper builds the settings.
    `--language` (the inputs' language) comes too, unless the command states a language of its own
    (`calibrate --language`: its sources' language).
    """
    def resolved(annotation: Any) -> Any:  # postponed annotations, as `inspect.signature(eval_str=True)` does
        return eval(annotation, command.__globals__) if isinstance(annotation, str) else annotation

    own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=resolved(p.annotation))
           for p in inspect.signature(command).parameters.values() if p.name != "settings"]
    reads_language = all(p.name != "language" for p in own)
    shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
              for name, annotation, default in TRANSLATION_OPTIONS]
    if reads_language:
        shared.append(inspect.Parameter("input_language", inspect.Parameter.KEYWORD_ONLY, default="auto",
                                        annotation=LanguageOpt))

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name, _, _ in TRANSLATION_OPTIONS}
        language = kwargs.pop("input_language") if reads_language else "auto"
        settings = translate_settings(**values)
        from cli_commands.fetch import reading_urls

        with input_limit(settings.max_input_mb), input_language(language), reading_urls():
            return command(settings=settings, **kwargs)

    signature = inspect.Signature(own + shared)
    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return wrapper  # type: ignore[return-value]


def translate_settings(
    lock: Path | None,
    engine: str,
    device: str,
    precision: str,
    model: list[str] | None,
    beam: int,
    fast: bool,
    max_batch_tokens: int,
    glossary: Path | None,
    no_cache: bool,
    *,
    no_repeat_ngram: int = 0,
    repetition_penalty: float = 1.0,
    length_penalty: float = 1.0,
    review_below: float = REVIEW_BELOW,
    max_input_mb: float = 50.0,
    offline: bool = False,
) -> Any:
    """The library's settings for the options above (`--fast`: beam 1 for translation and summaries)."""
    from mt.pipeline import TranslateSettings, check_settings

    settings = TranslateSettings(
        lock_path=lock,
        engine=engine,
        device=device,
        precision=precision,
        model=tuple(model or ()),
        beam_size=1 if fast else beam,
        fast=fast,
        max_batch_tokens=max_batch_tokens,
        glossary=glossary,
        use_cache=not no_cache,
        no_repeat_ngram_size=no_repeat_ngram,
        repetition_penalty=repetition_penalty,
        length_penalty=length_penalty,
        review_below=review_below,
        max_input_mb=max_input_mb,
        offline=offline,
        pull_progress=pull_bars(quiet=False),
    )
    try:
        check_settings(settings)
    except MtdigestError as error:
        usage_error(str(error))
    return settings


def with_qe(settings: Any, qe: str) -> Any:
    """The settings with `--qe` (checked: exit 2 for an unknown method, before any model time)."""
    from mt.pipeline import check_settings

    settings.qe = qe
    try:
        check_settings(settings)
    except MtdigestError as error:
        usage_error(str(error))
    return settings


@contextlib.contextmanager
def input_language(language: str) -> Iterator[None]:
    """Readers take every input as `language` while the command runs (`--language`; 'auto': identify each)."""
    from ingest.langid import SUPPORTED
    from ingest.readers import given_language

    if language != "auto" and language not in SUPPORTED:
        usage_error(f"--language {language}: use auto, fa, ar or en")
    token = given_language.set(None if language == "auto" else language)
    try:
        yield
    finally:
        given_language.reset(token)


@contextlib.contextmanager
def input_limit(megabytes: float) -> Iterator[None]:
    """Readers refuse inputs over `megabytes` while the command runs (`--max-input-mb`)."""
    from ingest.readers import max_input_mb

    if not megabytes > 0:
        usage_error(f"--max-input-mb {megabytes}: must be above 0")
    token = max_input_mb.set(megabytes)
    try:
        yield
    finally:
        max_input_mb.reset(token)


def check_summary_length(sentences: int | None, ratio: float | None) -> None:
    """`--sentences`/`--ratio` checked before anything is translated (exit 2)."""
    from summarize.length import target_sentences

    try:
        target_sentences(1, sentences, ratio)
    except ValueError as error:
        usage_error(f"--sentences/--ratio: {error}")


def parse_formats(value: str, allowed: tuple[str, ...]) -> list[str]:
    formats = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in allowed]
    if unknown or not formats:
        stderr.print(f"[bold red]error:[/] unknown format {', '.join(unknown) or value!r} (use {', '.join(allowed)})")
        raise typer.Exit(2)
    return formats
