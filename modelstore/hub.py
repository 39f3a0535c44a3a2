"""The Hugging Face hub as a pull source. The only module that touches the network.

`hub_fetch` downloads one file at the pinned commit with a Range request from where a previous
attempt stopped (huggingface_hub's own cache deletes partial files, so resuming is done here).
`hub_files` is for lock entries that list no files yet: it asks the hub which files the pinned
commit has (with sizes and, for LFS files, published sha256) and keeps those needed to load.
"""

from __future__ import annotations

import functools
import re
import socket
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from modelstore.lock import LockedFile, ModelEntry
from core.errors import ModelSourceError

# What loading a translator or summarizer needs; everything else in a repo (other frameworks'
# weights, READMEs, images, ONNX exports) is left on the hub.
_NEEDED = re.compile(
    r"(config\.json|generation_config\.json|tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json"
    r"|added_tokens\.json|vocab\.json|merges\.txt|sentencepiece\.bpe\.model|source\.spm|target\.spm"
    r"|spiece\.model|vocab\.txt|.*\.spm)"
)
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")
_SHARD_INDEX = ("model.safetensors.index.json", "pytorch_model.bin.index.json")


def needed_files(names: Iterable[str]) -> list[str]:
    """The files to fetch: configs, tokenizer files and one set of weights (safetensors preferred)."""
    names = sorted(set(names))
    chosen = [n for n in names if "/" not in n and _NEEDED.fullmatch(n)]
    for single, index in zip(_WEIGHTS, _SHARD_INDEX):
        if single in names:
            return chosen + [single]
        if index in names:
            stem = single.rsplit(".", 1)[0]
            return chosen + [index] + [n for n in names if n.startswith(stem + "-") and n.endswith(single.rsplit(".", 1)[1])]
    return chosen


def _offline_guard(entry: ModelEntry) -> None:
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        raise ModelSourceError(
            f"cannot pull '{entry.alias}': HF_HUB_OFFLINE is set. Unset it on a machine that reaches the hub, "
            "or use `mtdigest models pull --from DIR` / `mtdigest models import FILE.tar`."
        )


def unreachable(entry: ModelEntry, url: str, why: object) -> ModelSourceError:
    """The one message for a machine that cannot reach the hub: what was tried, and the ways that need no hub."""
    host = urlsplit(url).netloc
    return ModelSourceError(
        f"the Hugging Face hub is not reachable from this machine (tried {host} for '{entry.alias}': {why}). "
        f"On a machine that reaches it: `mtdigest models pull {entry.alias}` then `mtdigest models export "
        f"{entry.alias} -o models.tar`; here: `mtdigest models import models.tar`, or `mtdigest models pull "
        f"--from DIR` with a local copy of the pinned revision"
    )


@functools.lru_cache(maxsize=8)
def _connect_error(host: str, port: int) -> str | None:
    """Why a TCP connection to the hub fails (None when it works), asked once per host and process."""
    try:
        socket.create_connection((host, port), timeout=10).close()
    except OSError as error:
        return error.strerror or type(error).__name__
    return None


def _check_reachable(entry: ModelEntry, url: str) -> None:
    """One quick TCP connection before any download, instead of the hub client's rounds of retries."""
    parts = urlsplit(url)
    why = _connect_error(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
    if why:
        raise unreachable(entry, url, why)


def hub_fetch(entry: ModelEntry, path: str, part: Path, advance: Callable[[int], None]) -> None:
    """Append `path` at the pinned revision to `part`, resuming from the bytes it already has."""
    from huggingface_hub import hf_hub_url
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils import build_hf_headers

    _offline_guard(entry)
    url = hf_hub_url(entry.repo, path, revision=entry.revision)
    _check_reachable(entry, url)
    resume = part.stat().st_size if part.exists() else 0
    expected = next((f.size for f in entry.files if f.path == path), None)
    with part.open("ab") as handle:
        http_get(url, handle, resume_size=resume, headers=build_hf_headers(), expected_size=expected,
                 displayed_filename=path, tqdm_class=_forwarding_tqdm(advance))


def hub_files(entry: ModelEntry) -> list[LockedFile]:
    """Files needed to load the pinned revision, with hub-published sizes and LFS sha256 where known."""
    from huggingface_hub import HfApi, constants

    _offline_guard(entry)
    _check_reachable(entry, constants.ENDPOINT)
    info = HfApi().model_info(entry.repo, revision=entry.revision, files_metadata=True)
    siblings: dict[str, Any] = {s.rfilename: s for s in info.siblings or []}
    files = []
    for name in needed_files(siblings):
        lfs = getattr(siblings[name], "lfs", None)
        sha = getattr(lfs, "sha256", None) if lfs is not None and not isinstance(lfs, dict) else (lfs or {}).get("sha256")
        files.append(LockedFile(path=name, size=siblings[name].size, sha256=sha))
    return files


def _forwarding_tqdm(advance: Callable[[int], None]) -> type:
    """A silent tqdm whose updates feed our progress callback (the CLI draws the bar)."""
    from tqdm.auto import tqdm

    class Forwarding(tqdm):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            advance(int(n or 0))
            return None

    return Forwarding
