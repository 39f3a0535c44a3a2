"""`mtdigest batch`: translate and digest a whole corpus, in-process or on a Ray cluster, resumably."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cli_commands.common import (
    BatchOpt,
    BeamOpt,
    DeviceOpt,
    EngineOpt,
    FastOpt,
    GlossaryOpt,
    InputsArg,
    LockOption,
    ModelOpt,
    NoCacheOpt,
    OutputOpt,
    PrecisionOpt,
    QuietOpt,
    parse_formats,
    reports_errors,
    say,
    stderr,
    translate_settings,
)


@reports_errors
def batch(
    inputs: InputsArg,
    output: OutputOpt,
    fmt: Annotated[str, typer.Option("--format", help="html | md | json | txt (comma-separated).")] = "html,md,json",
    ray: Annotated[bool, typer.Option("--ray", help="Run on Ray (pip install 'mtdigest[ray]'): a runtime on this "
                                      "machine, or the cluster at --address / RAY_ADDRESS.")] = False,
    address: Annotated[Optional[str], typer.Option(help="Ray cluster to run on: HOST:PORT, or 'auto' for the one "
                                                   "`ray start` runs on this machine (implies --ray).")] = None,
    actors: Annotated[int, typer.Option(help="Ray actor pool size (0: one per GPU, else one per CPU).")] = 0,
    gpus_per_actor: Annotated[Optional[float], typer.Option(help="GPUs per Ray actor (default 1 when the cluster has GPUs).")] = None,
    retries: Annotated[int, typer.Option(help="Ray: restarts of a dead worker and retries of its batch.")] = 2,
    batch_sentences: Annotated[int, typer.Option(help="Sentences per scheduled batch of articles.")] = 256,
    force: Annotated[bool, typer.Option("--force", help="Redo every article, even those the manifest says are done.")] = False,
    method: Annotated[str, typer.Option(help="Summary: abstractive | extractive | none.")] = "abstractive",
    sentences: Annotated[Optional[int], typer.Option(help="Summary length in sentences.")] = None,
    ratio: Annotated[Optional[float], typer.Option(help="Summary length as a share of the article's sentences.")] = None,
    engine: EngineOpt = "auto",
    device: DeviceOpt = "auto",
    precision: PrecisionOpt = "auto",
    model: ModelOpt = None,
    beam: BeamOpt = 4,
    fast: FastOpt = False,
    max_batch_tokens: BatchOpt = 4096,
    glossary: GlossaryOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    lock: LockOption = None,
) -> None:
    """Digest a whole corpus into DIR with a manifest, resumably; in this process or on a Ray cluster."""
    from digest.batch import BatchSettings, RayOptions, run_batch
    from digest.jobs import SummarySettings

    formats = parse_formats(fmt, ("html", "md", "json", "txt"))
    if method not in ("abstractive", "extractive", "none"):
        stderr.print(f"[bold red]error:[/] unknown --method {method!r} (use abstractive, extractive or none)")
        raise typer.Exit(2)
    settings = BatchSettings(
        formats=formats,
        translate=translate_settings(lock, engine, device, precision, model, beam, fast, max_batch_tokens, glossary,
                                     no_cache),
        summary=SummarySettings(method=method, sentences=sentences, ratio=ratio, engine=engine),
        batch_sentences=batch_sentences, force=force,
    )
    ray = ray or address is not None
    if ray:
        try:
            import ray as _  # noqa: F401
        except ImportError:
            stderr.print("[bold red]error:[/] --ray needs Ray: pip install 'mtdigest[ray]'")
            raise typer.Exit(2) from None
    options = None if not ray else RayOptions(address=address, actors=actors, gpus_per_actor=gpus_per_actor,
                                                  retries=retries)
    report = run_batch(inputs, output, settings, options, say=None if quiet else say)
    for where, error in report.failed:
        stderr.print(f"[bold red]error:[/] {where}: {error}", highlight=False, soft_wrap=True)
    if not quiet:
        say(f"{len(report.done)} article(s) done, {len(report.skipped)} unchanged, "
            f"{len(report.failed)} failed in {report.seconds:.1f} s; manifest: {report.manifest}")
    if report.failed:
        raise typer.Exit(1)
