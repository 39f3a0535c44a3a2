"""The English target-vocabulary map of a translator: the pieces English output can use.

CTranslate2 can restrict decoding to a candidate set (`translate_batch(use_vmap=True)` with a `vmap.txt` in the
model directory): the output projection and softmax then cover those rows only, which is about half of NLLB's
decoding cost with its 256,206 pieces. Our translators write English, so the map is built, deterministically and
from the model's own vocabulary alone, as every piece made only of

- Latin letters (Unicode names "LATIN …": English and the accented names it quotes),
- ASCII digits, ASCII punctuation and symbols,
- Latin-1 punctuation and symbols, and those of the General Punctuation, super/subscript, currency, letterlike,
  number-form, arrow and mathematical blocks (typographic quotes, dashes, €, ™, ½, ×),

with or without SentencePiece's word marker `▁`, plus the control tokens English output needs (`</s>`, `<unk>`,
`<s>`, `<pad>`, the target code `eng_Latn` or token `>>eng<<`). Every other control token (`<mask>`, other
language codes and target tokens) and every piece with another script, combining marks, non-ASCII digits or
format characters (ZWNJ) is left out. For a Marian model with its own `target.spm`, a piece must also be one
of the target SentencePiece model's: the shared vocab.json holds the source side's pieces too, which the
decoder never learnt to write.

With greedy decoding the restriction cannot change an output that stays inside the map (the best token of the
whole vocabulary is then also the best of the map at every step); an output that would leave it is the one a
restricted model changes, by writing a map piece instead.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

VMAP_FILE = "vmap.txt"
# Bump when the rule below changes: recorded with every conversion and in every translation's signature.
VMAP_RULE = "latin1"
_WORD_MARKER = "▁"
# Control tokens by shape: <s>, </s>, <mask>…; `>>eng<<` target tokens; NLLB's language codes (`fra_Latn`).
_CONTROL = re.compile(r"<[^<>\s]+>|>>[^<>\s]+<<|[a-z]{3}_[A-Z][a-z]{3}")
_KEPT_CONTROLS = ("</s>", "<unk>", "<s>", "<pad>")
_SYMBOL_BLOCKS = ((0x00A0, 0x00FF), (0x2000, 0x22FF))  # Latin-1; General Punctuation … Mathematical Operators


def english_char(c: str) -> bool:
    """A character English output may contain (see the module docstring)."""
    if c.isascii():
        return c.isprintable()
    category = unicodedata.category(c)
    if category[0] == "L":
        return unicodedata.name(c, "").startswith("LATIN ")
    return category[0] in "PSN" and any(lo <= ord(c) <= hi for lo, hi in _SYMBOL_BLOCKS) and not (
        category == "Nd")


def english_piece(token: str) -> bool:
    """A vocabulary piece (not a control token) made only of English-output characters."""
    if _CONTROL.fullmatch(token) or " " in token or "\t" in token:
        return False
    return all(english_char(c) for c in token.replace(_WORD_MARKER, ""))


def english_map(vocabulary: Iterable[str], needed: Iterable[str] = (), target_pieces: set[str] | None = None
                ) -> list[str]:
    """The map's tokens in vocabulary order: English pieces (of `target_pieces` when given), the control tokens
    English needs, and `needed` (the target code or token)."""
    keep = {*_KEPT_CONTROLS, *needed}
    return [t for t in vocabulary if t in keep or (
        english_piece(t) and (target_pieces is None or t in target_pieces))]


def target_vocabulary(converted: Path) -> list[str]:
    """The decoder's vocabulary as CTranslate2 wrote it (`target_vocabulary` or `shared_vocabulary`, .json or .txt)."""
    for name in ("target_vocabulary", "shared_vocabulary"):
        if (converted / f"{name}.json").is_file():
            return json.loads((converted / f"{name}.json").read_text(encoding="utf-8"))
        if (converted / f"{name}.txt").is_file():
            return (converted / f"{name}.txt").read_text(encoding="utf-8").split("\n")[:-1]
    raise FileNotFoundError(f"{converted}: no target or shared vocabulary file")


def spm_pieces(path: Path) -> set[str]:
    """The pieces of a SentencePiece model file."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(path))
    return {sp.id_to_piece(i) for i in range(sp.get_piece_size())}


def write_vmap(converted: Path, source: Path, needed: Iterable[str]) -> dict[str, object]:
    """Write `converted/vmap.txt` (one line: a tab, then the map's tokens: CTranslate2's "always candidates")
    for the model converted from `source`; returns what the conversion record keeps about it."""
    vocabulary = target_vocabulary(converted)
    target_spm = source / "target.spm"
    tokens = english_map(vocabulary, needed, spm_pieces(target_spm) if target_spm.is_file() else None)
    text = "\t" + " ".join(tokens) + "\n"
    (converted / VMAP_FILE).write_text(text, encoding="utf-8")
    return {"rule": VMAP_RULE, "tokens": len(tokens), "vocabulary": len(vocabulary),
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def vmap_id(converted: Path, record: dict[str, object] | None) -> str | None:
    """`<rule>:<sha256 prefix>` of the map in `converted` when its conversion record names it and the file still
    has that hash (else None: decode unrestricted)."""
    entry = (record or {}).get("vocabulary_map")
    path = converted / VMAP_FILE
    if not isinstance(entry, dict) or not path.is_file():
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return f"{entry.get('rule')}:{digest[:12]}" if digest == entry.get("sha256") else None
