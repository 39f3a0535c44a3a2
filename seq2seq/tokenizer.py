"""Tokenizers of the pinned models, read without importing transformers where their files allow it.

Importing transformers (which imports torch) and building its tokenizer cost about 3 s of a first digest on
2 cores, more than the article's translation (bench/README.md, issue 23). The default models' tokenizers are
plain files that SentencePiece and the `tokenizers` library read in a tenth of a second:

- Marian (OPUS-MT): `source.spm`, `target.spm` and one shared `vocab.json` (`MarianSentencePiece`);
- BART (distilbart): byte-level BPE from `tokenizer.json`, or from `vocab.json` + `merges.txt` when the repo has
  no tokenizer.json; and any tokenizer.json of transformers' generic class (`TokenizersFile`);
- NLLB-200: its tokenizer.json, the template (language code, `</s>`) following `src_lang` (`NllbTokenizersFile`).

All give exactly the ids and text transformers' own classes give (tests/test_tokenizer.py compares them on every
test-model layout, on the seeds and on text full of control tokens). Anything else (NLLB without a tokenizer.json;
a Marian model with separate vocabularies) is read by transformers' `AutoTokenizer`, behind the same small
interface (`TransformersTokenizer`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

SPIECE_UNDERLINE = "\u2581"
MARIAN_CLASSES = ("MarianTokenizer",)
BPE_CLASSES = ("BartTokenizer", "BartTokenizerFast", "RobertaTokenizer", "RobertaTokenizerFast")
# transformers' classes that add nothing to a tokenizer.json but the special tokens of tokenizer_config.json.
GENERIC_CLASSES = ("TokenizersBackend", "PreTrainedTokenizerFast")
NLLB_CLASSES = ("NllbTokenizer", "NllbTokenizerFast")
# BART/RoBERTa special tokens: (attribute, default content).
_BPE_SPECIALS = (("bos", "<s>"), ("pad", "<pad>"), ("eos", "</s>"), ("unk", "<unk>"), ("mask", "<mask>"))


class Tokenizer(Protocol):
    """What the engines use of a tokenizer (the transformers names, so `AutoTokenizer` fits as it is)."""

    unk_token_id: int
    pad_token_id: int | None
    eos_token_id: int | None
    bos_token_id: int | None
    bos_token: str | None
    all_special_ids: list[int]

    def __len__(self) -> int: ...
    def get_vocab(self) -> dict[str, int]: ...
    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]: ...
    def convert_tokens_to_ids(self, tokens: Any) -> Any: ...
    def decode(self, ids: list[int], skip_special_tokens: bool = ..., clean_up_tokenization_spaces: bool = ...) -> str: ...
    def encode_text(self, texts: list[str], target: bool = False) -> list[list[int]]:
        """Ids of plain text without the template; control tokens written in the text are split like any text."""
    def template(self) -> tuple[list[int], list[int]]:
        """(ids before, ids after) the text in the model's input template."""


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _content(token: Any) -> str | None:
    """A special token as tokenizer configs write it: a string or an AddedToken dict."""
    if isinstance(token, dict):
        token = token.get("content")
    return token if isinstance(token, str) else None


def _settings(model_dir: Path) -> dict[str, Any]:
    """tokenizer_config.json over special_tokens_map.json, as transformers reads them."""
    return {**_read_json(model_dir / "special_tokens_map.json"), **_read_json(model_dir / "tokenizer_config.json")}


def _kind(model_dir: Path, settings: dict[str, Any]) -> str:
    """The tokenizer class transformers would build: the config's `tokenizer_class`, else the model type's."""
    name = settings.get("tokenizer_class")
    if not name:
        model_type = _read_json(model_dir / "config.json").get("model_type")
        name = {"marian": "MarianTokenizer", "bart": "BartTokenizer"}.get(model_type, "")
    return str(name)


class MarianSentencePiece:
    """OPUS-MT's tokenizer (transformers' MarianTokenizer, shared vocabulary): SentencePiece pieces looked up in
    vocab.json; source text through `source.spm`, English targets through `target.spm`; `</s>` after the text."""

    def __init__(self, model_dir: Path, settings: dict[str, Any]) -> None:
        import sentencepiece

        self.vocab: dict[str, int] = json.loads((model_dir / "vocab.json").read_text(encoding="utf-8"))
        self.unk_token = _content(settings.get("unk_token")) or "<unk>"
        self.eos_token = _content(settings.get("eos_token")) or "</s>"
        self.pad_token = _content(settings.get("pad_token")) or "<pad>"
        specials = (self.unk_token, self.eos_token, self.pad_token)
        missing = [token for token in specials if token not in self.vocab]
        if missing:
            raise ValueError(f"{model_dir}: vocab.json lacks {', '.join(missing)}")
        self.unk_token_id, self.eos_token_id, self.pad_token_id = (self.vocab[token] for token in specials)
        added = {int(i) for i in settings.get("added_tokens_decoder") or {}} - {self.vocab[t] for t in specials}
        if added or settings.get("additional_special_tokens"):
            raise ValueError(f"{model_dir}: tokens beyond <unk>, </s> and <pad> are special here")
        self.bos_token, self.bos_token_id = None, None
        self.all_special_ids = [self.eos_token_id, self.unk_token_id, self.pad_token_id]
        self._special_tokens = frozenset(specials)
        self._pieces = {i: piece for piece, i in self.vocab.items()}
        self._source = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
        self._target = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "target.spm"))

    def __len__(self) -> int:
        return len(self.vocab)

    def get_vocab(self) -> dict[str, int]:
        return dict(self.vocab)

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self._pieces.get(int(i), self.unk_token) for i in ids]

    def convert_tokens_to_ids(self, tokens: Any) -> Any:
        if tokens is None:
            return None
        if isinstance(tokens, str):
            return self.vocab.get(tokens, self.unk_token_id)
        return [self.vocab.get(token, self.unk_token_id) for token in tokens]

    def encode_text(self, texts: list[str], target: bool = False) -> list[list[int]]:
        """MarianTokenizer's `_tokenize`: a leading `>>xx<<` is one piece, the rest goes through SentencePiece."""
        model = self._target if target else self._source
        rows = []
        for text in texts:
            code: list[str] = []
            end = text.find("<<") if text.startswith(">>") else -1
            if end != -1:
                code, text = [text[:end + 2]], text[end + 2:]
            rows.append(self.convert_tokens_to_ids(code + model.encode(text, out_type=str)))
        return rows

    def template(self) -> tuple[list[int], list[int]]:
        return [], [self.eos_token_id]

    def decode(self, ids: list[int], skip_special_tokens: bool = False, clean_up_tokenization_spaces: bool = False) -> str:
        """MarianTokenizer's decoding with a shared vocabulary: pieces joined by the source SentencePiece model,
        special tokens kept verbatim (followed by a space) unless skipped."""
        skip = set(self.all_special_ids) if skip_special_tokens else set()
        text, run = "", []
        for token in self.convert_ids_to_tokens([i for i in ids if int(i) not in skip]):
            if token in self._special_tokens:
                text += self._source.decode_pieces(run) + token + " "
                run = []
            else:
                run.append(token)
        text = (text + self._source.decode_pieces(run)).replace(SPIECE_UNDERLINE, " ").strip()
        return clean_up_spaces(text) if clean_up_tokenization_spaces else text


class TokenizersFile:
    """A tokenizer the `tokenizers` library runs: tokenizer.json as saved, or (pulled distilbart, no tokenizer.json)
    BART's byte-level BPE built from vocab.json + merges.txt the way transformers' RobertaTokenizer builds it."""

    def __init__(self, model_dir: Path, settings: dict[str, Any], bart: bool = True) -> None:
        from tokenizers import AddedToken, Tokenizer as RustTokenizer, decoders, pre_tokenizers, processors
        from tokenizers.models import BPE

        # BART's classes default every special token; the generic class has only those its config names.
        declared = {name: _content(settings.get(f"{name}_token")) for name, _ in _BPE_SPECIALS}
        names = {name: declared[name] or (default if bart else None) for name, default in _BPE_SPECIALS}
        if (model_dir / "tokenizer.json").is_file():
            backend = RustTokenizer.from_file(str(model_dir / "tokenizer.json"))
        else:
            backend = RustTokenizer(BPE.from_file(str(model_dir / "vocab.json"), str(model_dir / "merges.txt"),
                                                  continuing_subword_prefix="", end_of_word_suffix="", fuse_unk=False))
            prefix = bool(settings.get("add_prefix_space", False))
            backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=prefix)
            backend.decoder = decoders.ByteLevel()
            backend.add_special_tokens([AddedToken(token, special=True, normalized=False) for token in names.values()])
            backend.post_processor = processors.RobertaProcessing(
                (names["eos"], backend.token_to_id(names["eos"])), (names["bos"], backend.token_to_id(names["bos"])),
                trim_offsets=bool(settings.get("trim_offsets", True)), add_prefix_space=prefix)
        backend.encode_special_tokens = True  # text stays text: `<mask>` in an article is split into pieces
        self._backend = backend
        # transformers v5 never cleans up the spaces of a BPE tokenizer's text (it would delete real spaces).
        self._cleans_up = type(backend.model).__name__ != "BPE"
        ids = {name: None if token is None else backend.token_to_id(token) for name, token in names.items()}
        if ids["unk"] is None:
            raise ValueError(f"{model_dir}: the tokenizer has no unknown-piece token")
        self.unk_token_id, self.pad_token_id, self.eos_token_id = ids["unk"], ids["pad"], ids["eos"]
        self.bos_token_id, self.mask_token_id = ids["bos"], ids["mask"]
        self.bos_token = None if ids["bos"] is None else names["bos"]
        self.all_special_ids = [i for i in ids.values() if i is not None]

    def __len__(self) -> int:
        return self._backend.get_vocab_size(with_added_tokens=True)

    def get_vocab(self) -> dict[str, int]:
        return self._backend.get_vocab(with_added_tokens=True)

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self._backend.id_to_token(int(i)) for i in ids]

    def convert_tokens_to_ids(self, tokens: Any) -> Any:
        if tokens is None:
            return None
        if isinstance(tokens, str):
            found = self._backend.token_to_id(tokens)
            return self.unk_token_id if found is None else found
        return [self.convert_tokens_to_ids(token) for token in tokens]

    def encode_text(self, texts: list[str], target: bool = False) -> list[list[int]]:
        return [encoding.ids for encoding in self._backend.encode_batch(texts, add_special_tokens=False)]

    def template(self) -> tuple[list[int], list[int]]:
        return _template_of(lambda special: self._backend.encode("x", add_special_tokens=special).ids)

    def decode(self, ids: list[int], skip_special_tokens: bool = False, clean_up_tokenization_spaces: bool = False) -> str:
        text = self._backend.decode([int(i) for i in ids], skip_special_tokens=skip_special_tokens)
        return clean_up_spaces(text) if clean_up_tokenization_spaces and self._cleans_up else text


class NllbTokenizersFile(TokenizersFile):
    """NLLB-200's tokenizer.json, its template following `src_lang` as transformers' NllbTokenizer's does:
    `[code] text </s>`, or `text </s> [code]` under the config's `legacy_behaviour`. The language codes are the
    file's special added tokens."""

    def __init__(self, model_dir: Path, settings: dict[str, Any]) -> None:
        if not (model_dir / "tokenizer.json").is_file():
            raise ValueError(f"{model_dir}: no tokenizer.json")
        super().__init__(model_dir, settings, bart=True)
        added = self._backend.get_added_tokens_decoder()
        # The language codes: the file's special added tokens, and those the configs list (the pulled repo's
        # special_tokens_map.json, under a tokenizer_config.json whose `additional_special_tokens` is null).
        listed = [_content(token) for source in (_read_json(model_dir / "special_tokens_map.json"), settings)
                  for key in ("additional_special_tokens", "extra_special_tokens") for token in source.get(key) or []]
        codes = {self._backend.token_to_id(token) for token in listed if token} - {None}
        self.all_special_ids = sorted({*self.all_special_ids, *codes, *(i for i, t in added.items() if t.special)})
        self._legacy = bool(settings.get("legacy_behaviour", False))
        self.src_lang = settings.get("src_lang") or "eng_Latn"

    def template(self) -> tuple[list[int], list[int]]:
        code = self.convert_tokens_to_ids(self.src_lang)
        return ([], [self.eos_token_id, code]) if self._legacy else ([code], [self.eos_token_id])


class TransformersTokenizer:
    """transformers' own tokenizer (`AutoTokenizer`) for the models the two readers above do not cover."""

    def __init__(self, model_dir: Path) -> None:
        from seq2seq.backends import quiet_transformers

        quiet_transformers()
        from transformers import AutoTokenizer

        # A model directory's own Python (`auto_map`) never runs, and transformers must not ask on stdin.
        self.__dict__["_hf"] = AutoTokenizer.from_pretrained(str(model_dir), trust_remote_code=False)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._hf, name)

    def __setattr__(self, name: str, value: Any) -> None:  # `src_lang` (NLLB) is the tokenizer's own state
        setattr(self._hf, name, value)

    def __len__(self) -> int:
        return len(self._hf)

    def encode_text(self, texts: list[str], target: bool = False) -> list[list[int]]:
        key = "text_target" if target else "text"
        return self._hf(**{key: texts}, add_special_tokens=False, split_special_tokens=True)["input_ids"]

    def template(self) -> tuple[list[int], list[int]]:
        return _template_of(lambda special: self._hf("x", add_special_tokens=special)["input_ids"])


def _template_of(encode: Any) -> tuple[list[int], list[int]]:
    """(ids before, ids after) "x" in its encoding with the special tokens, found against the one without."""
    plain, full = encode(False), encode(True)
    start = next(i for i in range(len(full) - len(plain) + 1) if full[i:i + len(plain)] == plain)
    return full[:start], full[start + len(plain):]


def clean_up_spaces(text: str) -> str:
    """transformers' `clean_up_tokenization`: no space before . ? ! , and English clitics."""
    for spaced, joined in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                           (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):
        text = text.replace(spaced, joined)
    return text


def load_tokenizer(model_dir: Path) -> Tokenizer:
    """The model's tokenizer: read directly for Marian, BART and generic tokenizer.json layouts, through
    transformers otherwise."""
    settings = _settings(model_dir)
    kind = _kind(model_dir, settings)
    try:
        if kind in MARIAN_CLASSES and not settings.get("separate_vocabs") and all(
                (model_dir / name).is_file() for name in ("source.spm", "target.spm", "vocab.json")):
            return MarianSentencePiece(model_dir, settings)
        if kind in NLLB_CLASSES:
            return NllbTokenizersFile(model_dir, settings)
        if (model_dir / "tokenizer.json").is_file() and kind in (*BPE_CLASSES, *GENERIC_CLASSES) or \
                kind in BPE_CLASSES and all((model_dir / name).is_file() for name in ("vocab.json", "merges.txt")):
            return TokenizersFile(model_dir, settings, bart=kind in BPE_CLASSES)
    except ValueError:  # a layout these readers do not know in full: transformers reads it (and says what is wrong)
        pass
    return TransformersTokenizer(model_dir)
