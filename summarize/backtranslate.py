"""Back-translation of an English summary into the article's language with the same NLLB model.

`mt`'s engines translate into English only (their `target_code` is `eng_Latn`), so this
runs one engine in the other direction: English source ids tagged `eng_Latn`, and a shallow
copy of the engine (sharing model, tokenizer and CTranslate2 translator — nothing is
loaded again) whose target code is `pes_Arab` / `arb_Arab`. Decoding, batching limits and
special-token handling stay the engine's own (`generate_ids`), for both back ends.
"""

from __future__ import annotations

import copy

from mt.engine import DecodingOptions, TranslationEngine
from mt.errors import MtdigestError


def language_codes(engine: TranslationEngine, language: str) -> tuple[str, str]:
    """(English code, target code) of an NLLB engine for translating English into `language`."""
    entry = engine.entry
    if entry.architecture != "nllb":
        raise MtdigestError(
            f"back-translation needs a many-to-many NLLB model; '{entry.alias}' ({entry.architecture}) "
            f"translates into English only"
        )
    codes = entry.language_codes
    if language not in codes or "en" not in codes:
        raise MtdigestError(f"model '{entry.alias}' has no language code for '{language}' (has {', '.join(codes)})")
    return codes["en"], codes[language]


def reversed_engine(engine: TranslationEngine, target: str) -> TranslationEngine:
    """A view of `engine` that generates into `target` (same weights, same tokenizer)."""
    view = copy.copy(engine)
    view.target_code = lambda: target  # type: ignore[method-assign]
    return view


def english_source_ids(engine: TranslationEngine, texts: list[str], english_code: str) -> list[list[int]]:
    """English token ids tagged with the model's English code (the tokenizer's source language restored)."""
    tokenizer = engine.tokenizer
    previous = getattr(tokenizer, "src_lang", None)
    tokenizer.src_lang = english_code
    try:
        return tokenizer(texts, add_special_tokens=True)["input_ids"]
    finally:
        if previous is not None:
            tokenizer.src_lang = previous


def back_translate(
    texts: list[str],
    engine: TranslationEngine,
    language: str,
    options: DecodingOptions | None = None,
) -> list[str]:
    """Each English text translated into `language` ('fa', 'ar') with the article's NLLB engine."""
    if not texts:
        return []
    english, target = language_codes(engine, language)
    ids = english_source_ids(engine, texts, english)
    generated = reversed_engine(engine, target).generate_ids(ids, options or DecodingOptions())
    return [engine.decode(row) for row in generated]
