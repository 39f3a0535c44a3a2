"""First use: the pinned models a job needs are fetched before it starts, or named all at once.

On a machine that reaches the hub, a missing model is pulled exactly as `mtdigest models pull` does (the
locked files at the locked commit, each verified against the lock, placed atomically); with `offline`
(`--offline`) or `HF_HUB_OFFLINE=1` nothing is tried. Whatever is still missing is one ModelMissing naming
every model (translators for the languages seen, the summarizer) with the commands that bring them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from modelstore.lock import ModelEntry
from modelstore.pull import FetchFile, ListFiles, PullProgress, pull_model
from modelstore.store import missing_files, model_dir, models_home
from core.errors import ModelMissing, ModelSourceError


EXTRACTIVE_HINT = "Or summarize without any model: `--method extractive`."


def hub_offline() -> bool:
    """Whether `HF_HUB_OFFLINE` forbids the hub (read as huggingface_hub reads it)."""
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


def ensure_models(
    entries: Sequence[ModelEntry],
    home: Path | None = None,
    *,
    offline: bool = False,
    fetch: FetchFile | None = None,
    list_files: ListFiles | None = None,
    progress: PullProgress | None = None,
) -> list[str]:
    """Pull every entry not on this machine (unless offline); the aliases pulled. ModelMissing names all
    that are still missing (and, when a summarizer is among them, that `--method extractive` needs none);
    an IntegrityError (a download that does not match the lock) stops at once."""
    missing = [e for e in {e.alias: e for e in entries}.values() if missing_files(e, home)]
    if not missing:
        return []
    why = "offline (--offline or HF_HUB_OFFLINE=1): nothing was fetched" if offline or hub_offline() else None
    pulled: list[str] = []
    if why is None:
        if fetch is None:
            from modelstore.hub import hub_fetch, hub_files

            fetch, list_files = hub_fetch, list_files or hub_files
        try:
            for entry in missing:
                pull_model(entry, fetch, home=home, list_files=list_files, progress=progress)
                pulled.append(entry.alias)
        except ModelSourceError as error:  # unreachable: the others would fail the same way
            why = str(error)
        finally:
            if progress is not None:
                progress.done()
    still = [e for e in missing if e.alias not in pulled]
    if still:
        hint = f" {EXTRACTIVE_HINT}" if any(e.role == "summarize" for e in still) else ""
        raise ModelMissing(missing_models_message(still, home, why) + hint)
    return pulled


def missing_models_message(entries: Sequence[ModelEntry], home: Path | None, why: str | None) -> str:
    """One message for every model a job needs that is not here: which, why not fetched, how to get them."""
    home = home or models_home()
    aliases = " ".join(e.alias for e in entries)
    listed = "; ".join(f"'{e.alias}' ({e.role} {'/'.join(e.languages)}: {e.repo}@{e.revision[:12]})" for e in entries)
    places = ", ".join(str(model_dir(e, home).relative_to(home)) for e in entries)
    return (
        f"{len(entries)} model(s) this command needs are not on this machine: {listed}"
        + (f" ({why})" if why else "")
        + f". Get them with `mtdigest models pull {aliases}` on a machine that reaches the Hugging Face hub, or "
        f"bring them from one with `mtdigest models export {aliases} -o models.tar` there and `mtdigest models "
        f"import models.tar` here; or set MTDIGEST_HOME to a directory that holds {places}."
    )
