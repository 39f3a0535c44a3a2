"""Back-translation of an English summary into the article's language with the same NLLB model.

Readers of the source language can then check the summary against the article in
their own language; NLLB is many-to-many, so the loaded translation engine does it
with English as the source (`eng_Latn`) and the article's language as the target.
The engine is passed in (mt's engines satisfy `BackTranslator`): summarization never imports translation.
"""

from __future__ import annotations

from typing import Any, Protocol

from core.errors import MtdigestError
from modelstore.lock import ModelEntry
from seq2seq.decoding import DecodingOptions


class BackTranslator(Protocol):
    """What back-translation needs of a loaded translation engine."""

    entry: ModelEntry

    def translate(self, texts: list[str], language: str, options: DecodingOptions, target: str = "en") -> list[str]:
        """`texts` in `language` translated into `target`."""
        ...

    def describe(self) -> dict[str, Any]:
        """The model, engine and settings, for the output's signature."""
        ...


def back_translate(
    texts: list[str],
    engine: BackTranslator,
    language: str,
    options: DecodingOptions | None = None,
) -> list[str]:
    """Each English text translated into `language` ('fa', 'ar') with the article's NLLB engine."""
    entry = engine.entry
    if entry.architecture != "nllb":
        raise MtdigestError(
            f"back-translation needs a many-to-many NLLB model; '{entry.alias}' ({entry.architecture}) "
            f"translates into English only"
        )
    if not texts:
        return []
    return engine.translate(texts, "en", options or DecodingOptions(), target=language)
