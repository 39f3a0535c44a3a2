"""What `mtdigest batch` reads: one row per input file, then the articles of each file as rows.

These run as stateless Ray tasks (or in-process), so this module imports nothing heavy: a Ray worker that only
reads never loads torch or the models.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.readers import (
    DEFAULT_MAX_INPUT_MB, files_under, given_language, is_url, max_input_mb, missing_reason, read_file, read_path,
    read_url,
)
from core.article import Article
from core.errors import InputError, MtdigestError


def list_inputs(inputs: Sequence[str], max_input_mb: float = DEFAULT_MAX_INPUT_MB) -> list[dict[str, Any]]:
    """One row per input file (directories expanded as `digest` does); missing ones become error rows. Each row
    carries the input size limit and the given language (`--language`), since the workers that read them run in
    other processes."""
    rows: list[dict[str, Any]] = []
    for item in inputs:
        path = Path(item)
        if item == "-":
            rows.append({"path": "", "display": "-", "error": "batch reads files and directories, not standard input"})
        elif is_url(item):  # fetched here, where the URL reader is installed, not in the workers
            articles = [a.to_dict() if isinstance(a, Article) else str(a) for a in read_url(item)]
            rows.append({"path": "", "display": item, "error": "", "fetched": json.dumps(articles, ensure_ascii=False)})
        elif path.is_dir():
            files = files_under(path)
            rows += [{"path": str(f.resolve()), "display": str(f), "error": ""} for f in files]
            if not files:
                rows.append({"path": "", "display": item, "error": "directory holds no .txt, .html, .json or .jsonl files"})
        elif not path.exists():
            rows.append({"path": "", "display": item, "error": missing_reason(path)})
        else:
            rows.append({"path": str(path.resolve()), "display": item, "error": ""})
    language = given_language.get() or ""
    return [{"order": order, "max_input_mb": max_input_mb, "language": language, "fetched": "", **row}
            for order, row in enumerate(rows)]


def read_input(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The articles of one input file as rows (article JSON, or the error that replaced it)."""
    base = {"order": int(row["order"]), "input": str(row["display"]), "input_sha256": ""}
    if row["error"]:
        return [{**base, "index": 0, "article": "", "error": str(row["error"])}]
    if row["fetched"]:  # a URL: its articles (or errors) read in the driver
        return [{**base, "index": index, "article": "" if isinstance(item, str) else json.dumps(item, ensure_ascii=False),
                 "error": item if isinstance(item, str) else ""} for index, item in enumerate(json.loads(row["fetched"]))]
    path = Path(str(row["path"]))
    max_input_mb.set(float(row["max_input_mb"]))
    given_language.set(str(row.get("language") or "") or None)
    try:
        base["input_sha256"] = hashlib.sha256(read_file(path)).hexdigest()
    except InputError:
        pass  # read_path reports it
    out = []
    for index, item in enumerate(read_path(path, str(row["display"]))):
        if isinstance(item, MtdigestError):
            out.append({**base, "index": index, "article": "", "error": str(item)})
        else:
            out.append({**base, "index": index, "article": json.dumps(item.to_dict(), ensure_ascii=False), "error": ""})
    return out
