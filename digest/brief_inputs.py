"""What a brief reads: raw articles (any input `ingest` reads) and article JSON from earlier runs.

Article JSON (`translate`/`digest`/`brief` output, one object or JSON Lines) is recognized by
its `schema_version` and read as it is, translations and summaries included, so it costs no
model time. In a directory that holds article JSON (a digest or brief folder), the HTML and
Markdown files are renderings of those articles and are skipped, as is brief JSON; its other
files (new `.txt` articles, JSON records) are read as usual.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from digest.jobs import read_article_json
from ingest import read_inputs, readers
from core.article import Article, fingerprint, unique_ids
from core.errors import InputError, MtdigestError


def _json_head(path: Path) -> object:
    """The JSON object of a .json file, or the first line of a .jsonl file (None when neither)."""
    if path.suffix.lower() not in (".json", ".jsonl", ".ndjson") or not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    for candidate in (text, text.lstrip().split("\n", 1)[0]):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def is_article_json(path: Path) -> bool:
    """Whether `path` holds mtdigest article JSON: objects with `schema_version` and `paragraphs`."""
    data = _json_head(path)
    return isinstance(data, dict) and "schema_version" in data and "paragraphs" in data


def is_brief_json(path: Path) -> bool:
    data = _json_head(path)
    return isinstance(data, dict) and "schema_version" in data and "stories" in data


def read_brief_inputs(inputs: Sequence[str]) -> Iterator[Article | InputError]:
    """Every article in `inputs`, in order; article JSON read as written, the rest through `ingest`."""
    for item in inputs:
        path = Path(item)
        if item != "-" and path.is_dir():
            files = readers.files_under(path)  # listed once: each file is then read by its own path
            if not files:
                yield from read_inputs([item])  # says the directory holds no inputs
                continue
            digests = any(is_article_json(f) for f in files)
            for file in files:
                if digests and is_article_json(file):
                    yield from read_article_json(str(file))
                elif not digests or (not is_brief_json(file) and file.suffix.lower() not in (".html", ".htm", ".md")):
                    yield from readers.read_path(file)
        elif item != "-" and is_article_json(path):
            yield from read_article_json(item)
        else:
            yield from read_inputs([item])


def collect_brief_inputs(inputs: Sequence[str]) -> tuple[list[Article], list[MtdigestError]]:
    """Articles and the inputs that could not be used. The same article read twice (its source and the digest
    JSON an earlier run wrote of it: same id, same text) is kept once, first come; different articles that
    share an id are all kept, under ids made unique (`unique_ids`)."""
    articles: list[Article] = []
    failed: list[MtdigestError] = []
    seen: set[tuple[str, str]] = set()
    for item in read_brief_inputs(inputs):
        if isinstance(item, MtdigestError):
            failed.append(item)
        elif (key := (item.id, fingerprint(item))) not in seen:
            seen.add(key)
            articles.append(item)
    unique_ids(articles)
    return articles, failed
