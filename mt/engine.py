"""The translation engine interface shared by the transformers and CTranslate2 back ends.

An engine loads one pinned model once and translates batches of plain strings;
everything above it (splitting, batching, caching, retries) is engine-agnostic,
so both engines produce the same result structure and pass the same tests.
"""

from __future__ import annotations

import functools
import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

from seq2seq.backends import Seq2SeqModel
from seq2seq.decoding import DecodingOptions
from core.errors import IntegrityError, UnsupportedLanguage

# Output budget: target tokens allowed per source token, plus a constant, so that
# no translation is cut by a fixed default like max_length=200 or 256.
OUTPUT_TOKENS_PER_SOURCE_TOKEN = 2.0
OUTPUT_TOKENS_EXTRA = 16


def _as_text(text: str) -> str:
    """Marian tokenizers read a leading `>>xxx<<` as a target-language token; a space before it (which
    SentencePiece drops) keeps it plain text."""
    return " " + text if text.startswith(">>") else text


@dataclass(frozen=True)
class Scored:
    """One translation with the model's own log-probability of it: `logprob` summed over its `tokens` content
    tokens (language code and end token excluded), the material of `confidence`."""

    english: str
    logprob: float
    tokens: int


def confidence(logprob: float, tokens: int) -> float | None:
    """exp(mean log-probability per content token), rounded to 3 decimals; None for an empty output."""
    return round(math.exp(logprob / tokens), 3) if tokens else None


def output_budget(source_tokens: int) -> int:
    """Target-token limit for a source of this length: generous, never a fixed cap."""
    return int(source_tokens * OUTPUT_TOKENS_PER_SOURCE_TOKEN) + OUTPUT_TOKENS_EXTRA


class TranslationEngine(Seq2SeqModel, ABC):
    """One loaded translation model; `translate` maps source strings to English strings."""

    def source_code(self, language: str) -> str | None:
        """The model's code for a source language (NLLB: `pes_Arab`); None where the model needs none.

        NLLB is many-to-many, so any language it has a code for (English too, for
        back-translation) can be a source; other models take the languages they serve.
        """
        codes = self.entry.language_codes if self.entry.architecture == "nllb" else {}
        if language not in self.entry.languages and language not in codes:
            raise UnsupportedLanguage(
                self.entry.alias, f"model does not translate '{language}' (serves {', '.join(self.entry.languages)})"
            )
        return codes.get(language)

    def target_code(self, language: str = "en") -> str | None:
        """The code that makes the model write `language` (NLLB); None for English-only models."""
        if self.entry.architecture == "nllb":
            if language not in self.entry.language_codes:
                raise UnsupportedLanguage(self.entry.alias, f"model has no language code for '{language}'")
            return self.entry.language_codes[language]
        if language != "en":
            raise UnsupportedLanguage(self.entry.alias, f"model translates into English only, not '{language}'")
        return None

    def source_tokens(self, texts: list[str], language: str) -> list[list[int]]:
        """Token ids as the model sees them: language prefix (NLLB) or target-language token (multi-target
        Marian: `>>eng<<`, always first, whatever the text says), text, end token."""
        code = self.source_code(language)
        if code is not None:
            self.tokenizer.src_lang = code
        ids = self.encode([_as_text(text) for text in texts])
        if self.entry.target_token:
            return [[self.target_token_id, *row] for row in ids]
        return ids

    @functools.cached_property
    def target_token_id(self) -> int:
        """The id of the lock's `target_token`; a model whose vocabulary lacks it is not the pinned model."""
        token = self.entry.target_token or ""
        token_id = self.tokenizer.convert_tokens_to_ids(token)
        if token_id is None or token_id == self.tokenizer.unk_token_id:
            raise IntegrityError(f"{self.model_dir}: the vocabulary has no target-language token '{token}' "
                                 f"that the lock names for '{self.entry.alias}'")
        return token_id

    def count_tokens(self, texts: list[str], language: str) -> list[int]:
        return [len(ids) for ids in self.source_tokens(texts, language)]

    def decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False).strip()

    def content_ids(self, ids: list[int]) -> list[int]:
        """Generated ids without language code, start, end and padding tokens."""
        return [i for i in ids if i not in self.special_ids]

    def translate(self, texts: list[str], language: str, options: DecodingOptions, target: str = "en") -> list[str]:
        """Translate one batch of source strings (into English unless another `target` is asked)."""
        return self.translate_ids(self.source_tokens(texts, language), options, target)

    def translate_ids(self, source_ids: list[list[int]], options: DecodingOptions, target: str = "en") -> list[str]:
        """Translate one batch already tokenized by `source_tokens` (callers that sized batches reuse the ids)."""
        return [self.decode(row) for row in self.generate_ids(source_ids, options, target)]

    def translate_scored(self, source_ids: list[list[int]], options: DecodingOptions, target: str = "en") -> list[Scored]:
        """`translate_ids` with the model's log-probability of each output, by forced decoding of what it chose
        (the plain model distribution, whatever penalties steered the search: comparable across settings and
        with the score of a translation the model did not make)."""
        outputs = self.generate_ids(source_ids, options, target)
        scores = self.score_ids(source_ids, outputs, target)
        return [Scored(self.decode(ids), logprob, tokens) for ids, (logprob, tokens) in zip(outputs, scores)]

    def encode_target(self, texts: list[str]) -> list[list[int]]:
        """Token ids of English as the decoder writes it (Marian: its target SentencePiece model); as in
        `encode`, text stays text (no control tokens, nothing past the embedding table)."""
        return self.text_ids(texts, target=True)

    @abstractmethod
    def score_ids(self, source_ids: list[list[int]], target_ids: list[list[int]],
                  target: str = "en") -> list[tuple[float, int]]:
        """(summed log-probability, token count) of each target's content tokens given its source."""

    @abstractmethod
    def generate_ids(self, source_ids: list[list[int]], options: DecodingOptions, target: str = "en") -> list[list[int]]:
        """Target ids (content only) for tokenized sources; each may use `output_budget` of its batch."""
