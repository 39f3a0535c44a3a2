"""`mtdigest batch`: translate and digest a whole corpus, in-process or on a Ray cluster, resumably."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cli_commands.common import reports_errors, say, stderr
from cli_commands.options import (
    InputsArg,
    OutputOpt,
    QeOpt,
    QuietOpt,
    RatioOpt,
    SentencesOpt,
    check_summary_length,
    parse_formats,
    translation_options,
    with_qe,
)

if TYPE_CHECKING:
    from mt.pipeline import TranslateSettings


@reports_errors
@translation_options
def batch(
    inputs: InputsArg,
    output: OutputOpt,
    fmt: Annotated[str, typer.Option("--format", help="html | md | json | txt (comma-separated).")] = "html,md,json",
    ray: Annotated[bool, typer.Option("--ray", help=(
        "--ray [ADDRESS]: run on Ray (pip install 'mtdigest\\[ray]'). Alone: the cluster at RAY_ADDRESS, else a new "
        "runtime on this machine. ADDRESS: 'auto' (the cluster `ray start` runs here), HOST:PORT, ray://HOST:PORT "
        "or 'local' (always a new runtime here); a word is taken as the address only when it looks like one and "
        "is not an existing path."))] = False,
    actors: Annotated[int, typer.Option(help="Ray actor pool size (0: one per GPU, else one per CPU).")] = 0,
    gpus_per_actor: Annotated[Optional[float], typer.Option(help="GPUs per Ray actor (default 1 when the cluster has GPUs).")] = None,
    retries: Annotated[int, typer.Option(help="Ray: retries of an article whose worker died on it (crash, out of "
                                         "memory) before it is reported failed.")] = 2,
    batch_sentences: Annotated[int, typer.Option(help="Sentences per scheduled batch of articles.")] = 256,
    force: Annotated[bool, typer.Option("--force", help="Redo every article, even those the manifest says are done.")] = False,
    method: Annotated[str, typer.Option(help="Summary: abstractive | extractive | none.")] = "abstractive",
    sentences: SentencesOpt = None,
    ratio: RatioOpt = None,
    qe: QeOpt = "none",
    quiet: QuietOpt = False,
    *,
    settings: TranslateSettings,
) -> None:
    """Digest a whole corpus into DIR with a manifest, resumably; in this process or on a Ray cluster."""
    from digest.batch import BatchSettings, RayOptions, run_batch
    from digest.jobs import SummarySettings

    formats = parse_formats(fmt, ("html", "md", "json", "txt"))
    settings = with_qe(settings, qe)
    if method not in ("abstractive", "extractive", "none"):
        stderr.print(f"[bold red]error:[/] unknown --method {method!r} (use abstractive, extractive or none)")
        raise typer.Exit(2)
    check_summary_length(sentences, ratio)
    summary = SummarySettings(method=method, sentences=sentences, ratio=ratio, engine=settings.engine,
                              greedy=settings.fast)
    run = BatchSettings(formats=formats, translate=settings, summary=summary, batch_sentences=batch_sentences,
                        force=force)
    options = None
    if ray:
        try:
            import ray as _  # noqa: F401
        except ImportError:
            stderr.print("[bold red]error:[/] --ray needs Ray: pip install 'mtdigest\\[ray]'")
            raise typer.Exit(2) from None
        address, inputs = split_ray_address(inputs)
        options = RayOptions(address=address, actors=actors, gpus_per_actor=gpus_per_actor, retries=retries)
    report = run_batch(inputs, output, run, options, say=None if quiet else say)
    for where, error in report.failed:
        stderr.print(f"[bold red]error:[/] {where}: {error}", highlight=False, soft_wrap=True)
    if not quiet:
        say(f"{len(report.done)} article(s) done, {len(report.skipped)} unchanged, "
            f"{len(report.failed)} failed in {report.seconds:.1f} s; manifest: {report.manifest}")
    if report.failed:
        raise typer.Exit(1)


_ADDRESS = re.compile(r"auto|local|ray://\S+|(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.-]+):\d{1,5}")


def split_ray_address(inputs: list[str]) -> tuple[Optional[str], list[str]]:
    """The ADDRESS of `--ray [ADDRESS]` and the real inputs.

    Typer has no option with an optional value, so `--ray` is a flag and a word after it lands among the
    inputs; an input that looks like an address ('auto', 'local', HOST:PORT, ray://...) and is not an existing
    path is the address. So `--ray in/ -o out` reads `in/`, and `--ray auto` or `--ray head:6379` name a cluster.
    """
    addresses = [item for item in inputs if _ADDRESS.fullmatch(item) and not Path(item).exists()]
    if len(addresses) > 1:
        stderr.print(f"[bold red]error:[/] --ray takes one address, got {', '.join(addresses)}", highlight=False)
        raise typer.Exit(2)
    rest = [item for item in inputs if item not in addresses]
    if not rest:
        stderr.print("[bold red]error:[/] no INPUT: give the files or directories to digest", highlight=False)
        raise typer.Exit(2)
    return (addresses[0] if addresses else None), rest
