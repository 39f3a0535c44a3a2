"""Inputs → articles: files (.txt in any common encoding, .html, .json, .jsonl), directories
(recursive, sorted), `-` for standard input, and URLs (through the reader the caller installs).

`read_inputs` never raises for a bad input: it yields an `InputError` naming the
file (and the line, for JSON Lines) so that a batch goes on.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any, BinaryIO

from ingest.article import prepare_article, prepare_articles
from core.article import content_id
from ingest.decoding import decode_bytes
from ingest.html import MAX_PARSED_DEPTH, extract_html, nesting_depth
from core.article import Article
from core.errors import InputError

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
INPUT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES
RECORD_FIELDS = "text or html (plus optional title, url, published, source, id, language)"
# Inputs larger than this are refused before they are read whole (`/dev/zero` would fill the memory).
DEFAULT_MAX_INPUT_MB = 50.0
max_input_mb: ContextVar[float] = ContextVar("max_input_mb", default=DEFAULT_MAX_INPUT_MB)
# `http://` and `https://` inputs are read by whoever installs a reader here (the command line installs the
# `fetch` package's): ingestion itself never goes to the network.
UrlReader = Callable[[str], Iterable[Article | InputError]]
url_reader: ContextVar[UrlReader | None] = ContextVar("url_reader", default=None)
# The inputs' language when the user states it (`--language fa`): set by the CLI around a run (`batch` rows carry
# it to their workers); None: identified per article. A record's own `language` wins.
given_language: ContextVar[str | None] = ContextVar("given_language", default=None)


def is_url(item: str) -> bool:
    """Whether an input names a web page or feed rather than a file."""
    return item[:8].lower().startswith(("http://", "https://"))


def read_url(url: str) -> Iterator[Article | InputError]:
    """The article(s) at `url`, through the installed URL reader."""
    reader = url_reader.get()
    if reader is None:
        yield InputError(url, "a URL, and no web reader is installed (the mtdigest command line installs one)")
        return
    yield from reader(url)


class TooLarge(Exception):
    """An input over the size limit (raised by `read_limited`)."""


def read_limited(stream: BinaryIO, limit_mb: float | None = None) -> bytes:
    """All of `stream`, or TooLarge once more than `limit_mb` (default: `max_input_mb`) would be read:
    the check works for pipes and devices too, whose size is not known in advance."""
    limit = int((max_input_mb.get() if limit_mb is None else limit_mb) * 1_000_000)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"larger than the {limit / 1e6:g} MB input limit (--max-input-mb); not read")
    return data


def _loads(text: str) -> Any:
    """`json.loads`, with nesting too deep for Python (`[[[[...`) reported as the JSON error it is."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def _sniff(text: str) -> str:
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or (head.startswith("<") and "<body" in text.lower()):
        return "html"
    return "text"


def from_html(html: str, **hints: Any) -> Article:
    """The article of an HTML page (already decoded); `hints` (url, outlet, published, ...) win over the page's own."""
    page = extract_html(html)
    if not page.text.strip() and (depth := nesting_depth(html)) > MAX_PARSED_DEPTH:
        where = hints.get("source_path") or hints.get("article_id") or "<html>"
        raise InputError(where, f"HTML nested {depth} elements deep: the HTML parser (libxml2) "
                                f"reads at most {MAX_PARSED_DEPTH} levels, so no text could be extracted")
    return prepare_article(
        page.text,
        title=hints.pop("title", None) or page.title,
        url=hints.pop("url", None) or page.url,
        published=hints.pop("published", None) or page.published,
        outlet=hints.pop("outlet", None) or page.outlet,
        **hints,
    )


def _from_record(record: Any, where: str, source_path: str, default_id: str) -> Iterator[Article | InputError]:
    """The article(s) of one record: a `text` holding several marker-closed articles gives several."""
    if not isinstance(record, dict):
        raise InputError(where, f"record is a JSON {type(record).__name__}, expected an object with {RECORD_FIELDS}")
    text, html = record.get("text"), record.get("html")
    if not isinstance(text, str) and not isinstance(html, str):
        raise InputError(where, f"record has no 'text' or 'html' string; expected {RECORD_FIELDS}")
    hints = {
        "source_path": source_path,
        "article_id": str(record["id"]) if record.get("id") not in (None, "") else default_id,
        "title": record.get("title") if isinstance(record.get("title"), str) else None,
        "url": record.get("url") if isinstance(record.get("url"), str) else None,
        "published": record.get("published") if isinstance(record.get("published"), str) else None,
        "outlet": record.get("source") if isinstance(record.get("source"), str) else None,
        "language": record.get("language") if isinstance(record.get("language"), str) else given_language.get(),
    }
    try:
        if isinstance(text, str) and text.strip():
            yield from prepare_articles(text, where=where, **hints)
        else:
            yield from_html(html or "", **hints)
    except InputError as error:
        raise type(error)(where, error.problem) from None


def _records_jsonl(text: str, source_path: str, stem: str) -> Iterator[Article | InputError]:
    # Only \n ends a JSON Lines record: JSON strings may hold U+2028 and other breaks splitlines() cuts at.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{source_path}:{number}"
        try:
            record = _loads(line)
        except json.JSONDecodeError as error:
            yield InputError(where, f"not valid JSON: {error.msg} (column {error.colno}); the other lines are still read")
            continue
        try:
            yield from _from_record(record, where, source_path, f"{stem}-{number}")
        except InputError as error:
            yield error


def _records_json(text: str, source_path: str, stem: str) -> Iterator[Article | InputError]:
    try:
        data = _loads(text)
    except json.JSONDecodeError as error:
        yield InputError(source_path, f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
        return
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, dict):
        try:
            yield from _from_record(data, source_path, source_path, stem)
        except InputError as error:
            yield error
        return
    if not isinstance(data, list):
        yield InputError(source_path, f"JSON {type(data).__name__}: expected an object or a list of objects")
        return
    for number, record in enumerate(data, start=1):
        try:
            yield from _from_record(record, f"{source_path}[{number}]", source_path, f"{stem}-{number}")
        except InputError as error:
            yield error


def read_bytes(data: bytes, source_path: str, stem: str, kind: str | None = None) -> Iterator[Article | InputError]:
    """Articles (or errors) from the bytes of one input; `kind` from the name, else sniffed."""
    try:
        text, _ = decode_bytes(data, source_path)
    except InputError as error:
        yield error
        return
    kind = kind or _sniff(text)
    if kind == "json-or-jsonl":
        try:
            _loads(text)
            kind = "json"
        except json.JSONDecodeError:
            kind = "jsonl"
    if kind == "jsonl":
        yield from _records_jsonl(text, source_path, stem)
        return
    if kind == "json":
        yield from _records_json(text, source_path, stem)
        return
    try:
        if kind == "html":
            yield from_html(text, source_path=source_path, article_id=stem, language=given_language.get())
        else:
            yield from prepare_articles(text, source_path=source_path, article_id=stem, language=given_language.get())
    except InputError as error:
        yield error


def files_under(directory: Path) -> list[Path]:
    """The input files of a directory, recursively, in sorted order; hidden names (a leading dot, as in
    `.git/` or `..notes.txt`) are skipped. Symbolic links that lead nowhere are listed too, so reading them
    says why (a loop, a missing target) instead of skipping them without a word."""
    files = [
        path
        for path in directory.rglob("*")
        if (path.is_file() or path.is_symlink() and not path.exists())
        and path.suffix.lower() in INPUT_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(directory).parts)
    ]
    return sorted(files, key=lambda p: p.relative_to(directory).as_posix())


def missing_reason(path: Path) -> str:
    """Why `path` cannot be opened though it was named or listed: a link loop, a broken link, or gone."""
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop: the link leads back to itself"
        if path.is_symlink():
            return f"broken symbolic link: its target {os.readlink(path)!r} does not exist"
    return "no such file or directory"


def read_file(path: Path, where: str | None = None) -> bytes:
    """The bytes of one input file, within the input size limit; an InputError naming it otherwise."""
    where = where or str(path)
    try:
        with path.open("rb") as stream:
            return read_limited(stream)
    except TooLarge as error:
        raise InputError(where, str(error)) from None
    except FileNotFoundError:  # listed (a directory's file, a glob) but gone before its turn
        reason = missing_reason(path)
        if reason == "no such file or directory":
            reason = "no longer exists (it was removed after the run started)"
        raise InputError(where, reason) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError(where, missing_reason(path)) from None
        raise InputError(where, f"cannot read: {error.strerror or error}") from None


def read_path(path: Path, display: str | None = None) -> Iterator[Article | InputError]:
    """Articles (or errors) from one file."""
    where = display or str(path)
    try:
        data = read_file(path, where)
    except InputError as error:
        yield error
        return
    suffix = path.suffix.lower()
    kind = (
        "html" if suffix in HTML_SUFFIXES
        else "json" if suffix in JSON_SUFFIXES
        else "jsonl" if suffix in JSONL_SUFFIXES
        else None
    )
    yield from read_bytes(data, where, path.stem, kind)


def _read_stdin(data: bytes) -> Iterator[Article | InputError]:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    kind = "json-or-jsonl" if head in (b"{", b"[") else None
    yield from read_bytes(data, "-", content_id(data), kind)


def read_inputs(
    inputs: Sequence[str],
    *,
    stdin: BinaryIO | None = None,
    read_stdin: Callable[[bytes], Iterator[Article | InputError]] = _read_stdin,
    read_one: Callable[[Path, str], Iterator[Article | InputError]] = read_path,
) -> Iterator[Article | InputError]:
    """Every article in `inputs` (files, directories, URLs, `-` for standard input), in order.

    Yields an `Article` per article and an `InputError` (not raised) per input or
    record that cannot be used, so that the rest of a batch still goes through.
    `read_stdin` / `read_one` read standard input's bytes and one file (a job that also reads its own JSON
    back passes its own).
    """
    for item in inputs:
        if item == "-":
            try:
                data = read_limited(stdin if stdin is not None else sys.stdin.buffer)
            except TooLarge as error:
                yield InputError("-", str(error))
                continue
            yield from read_stdin(data)
            continue
        if is_url(item):
            yield from read_url(item)
            continue
        path = Path(item)
        if path.is_dir():
            files = files_under(path)
            if not files:
                yield InputError(item, "directory holds no .txt, .html, .json or .jsonl files")
            for file in files:
                yield from read_one(file, str(file))
        elif not path.exists():
            yield InputError(item, missing_reason(path))
        else:
            yield from read_one(path, item)
