"""Bytes → text: byte-order marks first, then strict UTF-8, then charset-normalizer's guess
(Windows-1256, UTF-16 without BOM, ...). Binary data is refused with a message that says so."""

from __future__ import annotations

import codecs
import re

from core.errors import InputError

_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or a .docx/.xlsx document)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"RIFF", "RIFF media file"),
    (b"\x7fELF", "executable"),
]
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_ALLOWED_CONTROLS = set("\t\n\r\f\v\x1c\x1d\x1e\x85")


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0) and ch not in _ALLOWED_CONTROLS)
    return controls > max(2, len(text) // 100)


def decode_bytes(data: bytes, where: str) -> tuple[str, str]:
    """(text, encoding name) of `data`; `InputError` naming `where` for empty or binary input."""
    if not data:
        raise InputError(where, "empty file: no text to read")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(where, f"binary file ({kind}), not text: give .txt, .html, .json or .jsonl")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise InputError(where, f"starts with a {encoding} byte-order mark but is not {encoding}: {error.reason}")
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(where, "binary or undecodable data: no text encoding fits")
    text = str(best)
    if _looks_binary(text):
        raise InputError(where, "binary data, not text: give .txt, .html, .json or .jsonl")
    return text, best.encoding


# `<meta charset="...">` or `<meta http-equiv="Content-Type" content="text/html; charset=...">`, in the head.
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_META_WINDOW = 4096


def decode_page(data: bytes, where: str, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding) of a web page: a byte-order mark, else the charset the HTTP header declares, else the
    page's `<meta>` charset, else `decode_bytes` (UTF-8, then detection). A declared charset the bytes do not
    fit (or that Python does not know) is passed over for the next clue."""
    if not data.startswith(tuple(bom for bom, _ in _BOMS)):
        meta = _META_CHARSET.search(data[:_META_WINDOW])
        for name in (declared, meta and meta.group(1).decode("ascii")):
            if not name:
                continue
            try:
                encoding = codecs.lookup(name).name
                return data.decode(encoding), encoding
            except (LookupError, UnicodeDecodeError):
                continue
    return decode_bytes(data, where)
