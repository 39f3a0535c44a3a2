"""Rewrite `models.lock`: record file hashes (`pull --update-lock`) and add entries (`import`).

The lock is re-read raw, changed only where asked, validated with the same parser that loads it, and
replaced atomically. Edits are made in the text itself (an entry's `files = [...]` array is re-rendered,
new entries are appended), so comments and layout survive; the edited text must parse to exactly the
intended data, otherwise the whole lock is re-serialized with tomli_w (keeping the leading comments).
"""

from __future__ import annotations

import copy
import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import tomli_w

from modelstore.lock import LockedFile, ModelEntry, parse_lock
from core.errors import LockError


def entry_table(entry: ModelEntry) -> dict[str, Any]:
    """A lock entry as the TOML table it is written as."""
    table: dict[str, Any] = {
        "alias": entry.alias,
        "role": entry.role,
        "architecture": entry.architecture,
        "repo": entry.repo,
        "revision": entry.revision,
        "license": entry.license,
        "languages": list(entry.languages),
    }
    if entry.language_codes:
        table["language_codes"] = dict(entry.language_codes)
    table["files"] = [file_table(f) for f in entry.files]
    return table


def file_table(locked: LockedFile) -> dict[str, Any]:
    table: dict[str, Any] = {"path": locked.path}
    if locked.size is not None:
        table["size"] = locked.size
    if locked.sha256 is not None:
        table["sha256"] = locked.sha256
    return table


def record_files(lock_path: Path, files_by_alias: Mapping[str, Iterable[LockedFile]]) -> None:
    """Fill in (or add) size and sha256 of the given files in the given entries."""
    text, data, header = _read_raw(lock_path)
    wanted = copy.deepcopy(data)
    for raw in wanted.get("models", []):
        updates = files_by_alias.get(raw.get("alias"))
        if updates is None:
            continue
        files = raw.setdefault("files", [])
        by_path = {f.get("path"): f for f in files if isinstance(f, dict)}
        for locked in updates:
            table = by_path.get(locked.path)
            if table is None:
                files.append(file_table(locked))
            else:
                table.update(file_table(locked))
    edited = text
    for raw in wanted.get("models", []):
        if raw.get("alias") in files_by_alias and edited is not None:
            edited = _replace_files_text(edited, raw["alias"], raw["files"])
    _write(lock_path, wanted, edited, header)


def add_entries(lock_path: Path, tables: Iterable[dict[str, Any]]) -> None:
    """Append entries (tables as `entry_table` makes them); creates the lock when it does not exist."""
    tables = list(tables)
    if lock_path.exists():
        text, data, header = _read_raw(lock_path)
    else:
        text, data, header = "lock_version = 1\n", {"lock_version": 1}, "# models.lock written by `mtdigest models import`\n"
        text = header + text
    wanted = copy.deepcopy(data)
    wanted.setdefault("models", []).extend(tables)
    appended = "".join(
        "\n# added by `mtdigest models import`\n" + tomli_w.dumps({"models": [table]}) for table in tables
    )
    _write(lock_path, wanted, text.rstrip("\n") + "\n" + appended, header)


_HEADER = re.compile(r"^\s*\[")
_MODELS_HEADER = re.compile(r"^\s*\[\[\s*models\s*\]\]")


def _replace_files_text(text: str, alias: str, files: list[dict[str, Any]]) -> str | None:
    """`text` with the `files = [...]` array of entry `alias` re-rendered; None when the layout is unfamiliar."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _MODELS_HEADER.match(line)]
    alias_line = re.compile(r"^\s*alias\s*=\s*[\"']" + re.escape(alias) + r"[\"']\s*(#.*)?$")
    for start in starts:
        end = next((i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])), len(lines))
        block = range(start + 1, end)  # the entry's own keys, before any sub-table
        at = next((i for i in block if alias_line.match(lines[i].rstrip("\n"))), None)
        if at is None:
            continue
        rendered = "files = [\n" + "".join(f"    {_inline(f)},\n" for f in files) + "]\n"
        first = next((i for i in block if re.match(r"^\s*files\s*=", lines[i])), None)
        if first is None:
            return "".join(lines[: at + 1] + [rendered] + lines[at + 1:])
        depth, last = 0, None
        for i in range(first, end):
            depth += _bracket_balance(lines[i])
            if depth <= 0:
                last = i
                break
        if last is None:
            return None
        return "".join(lines[:first] + [rendered] + lines[last + 1:])
    return None


def _bracket_balance(line: str) -> int:
    """`[` minus `]` outside strings and comments."""
    balance, quote = 0, None
    for char in line:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char == "[":
            balance += 1
        elif char == "]":
            balance -= 1
    return balance


def _inline(table: dict[str, Any]) -> str:
    parts = [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in table.items()]
    return "{ " + ", ".join(parts) + " }"


def _read_raw(lock_path: Path) -> tuple[str, dict[str, Any], str]:
    try:
        text = lock_path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LockError(f"{lock_path}: cannot be read for rewriting ({exc})") from None
    header = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#") or not line.strip():
            header.append(line)
        else:
            break
    return text, data, "".join(header)


def _write(lock_path: Path, wanted: dict[str, Any], edited: str | None, header: str) -> None:
    """Write the edited text when it means exactly `wanted`, else a fresh serialization of `wanted`."""
    parse_lock(wanted, lock_path)  # never write a lock the loader would reject
    try:
        faithful = edited is not None and tomllib.loads(edited) == wanted
    except tomllib.TOMLDecodeError:
        faithful = False
    text = edited if faithful else header + tomli_w.dumps(wanted)
    tmp = lock_path.with_name(lock_path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")  # type: ignore[arg-type]
    os.replace(tmp, lock_path)
