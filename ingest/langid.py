"""Offline language identification: Persian, Arabic, English, or a named unsupported language.

py3langid (ships its model, runs offline) ranks the text; for Arabic-script text
its ranking is restricted to Arabic-script languages and checked against letters
that only some of them use: Urdu ے ں ٹ ڈ ڑ ۔, Sorani Kurdish ە ێ ۆ ڵ ڕ, Pashto ټ ډ ړ ښ ږ ځ څ ې ۍ ګ ڼ,
Persian پ چ ژ گ and Arabic ة ى. Letters decide where the statistical model is weak
(short text, Kurdish, Pashto); the model decides between Persian and Arabic
otherwise.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

SUPPORTED = ("fa", "ar", "en")
TRANSLATED = ("fa", "ar")

LANGUAGE_NAMES = {
    "fa": "Persian", "ar": "Arabic", "en": "English", "ur": "Urdu", "ckb": "Kurdish (Sorani)",
    "ku": "Kurdish", "ps": "Pashto", "ug": "Uyghur", "sd": "Sindhi", "uz": "Uzbek", "he": "Hebrew",
}

# py3langid labels folded into the language this tool reports.
_GROUPS = {"ary": "ar", "arz": "ar", "sdh": "ckb", "uzs": "uz"}
_ARABIC_SCRIPT_LABELS = ("fa", "ar", "ary", "arz", "ur", "ps", "sdh", "ug", "uzs")

_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_LETTER = re.compile(r"[^\W\d_]")

# Letters (and marks) used by one language of the script and not by Persian or Arabic.
_CUES = {
    "ur": re.compile("[ےۓںٹڈڑۃ۔]"),
    "ckb": re.compile("[ێۆڵڕەۊ]"),
    "ps": re.compile("[ټډړږښځڅېۍګڼ]"),
    "ug": re.compile("[ۇۈۋېۆە]"),
    "sd": re.compile("[ڄڃڇڏڌڊڍڙڦڱڳڻ]"),
}
_PERSIAN_LETTERS = re.compile("[پچژگ]")
_ARABIC_LETTERS = re.compile("[ةى]|(?<![\u0600-\u06ff])ال")
# The model's probability from which letter counts no longer overrule it between fa and ar (on the first 5 words
# of FLORES-200 devtest's sentences, 0.9 errs least: 990 of 1,012 Persian right, against 987 with no such bound).
SURE = 0.9


@dataclass(frozen=True)
class LanguageGuess:
    """The outcome of identification: an ISO 639 code and a confidence in [0, 1]."""

    language: str
    confidence: float

    @property
    def supported(self) -> bool:
        return self.language in SUPPORTED

    @property
    def name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language)


@functools.lru_cache(maxsize=1)
def _identifier():
    from ingest.langid_model import load_identifier

    return load_identifier()


def _ranked(text: str, labels: tuple[str, ...] | None = None) -> list[tuple[str, float]]:
    """Model probabilities grouped into reported codes, optionally restricted to `labels`."""
    ranking = _identifier().rank(text)
    if labels is not None:
        ranking = [(code, p) for code, p in ranking if code in labels]
    total = sum(p for _, p in ranking) or 1.0
    grouped: dict[str, float] = {}
    for code, p in ranking:
        key = _GROUPS.get(code, code)
        grouped[key] = grouped.get(key, 0.0) + p / total
    return sorted(grouped.items(), key=lambda item: -item[1])


def _cue_rates(text: str, letters: int) -> dict[str, float]:
    return {code: len(pattern.findall(text)) / letters for code, pattern in _CUES.items()}


def identify_language(text: str) -> LanguageGuess:
    """Identify the language of an article's (or paragraph's) text."""
    letters = len(_LETTER.findall(text))
    if letters == 0:
        return LanguageGuess("und", 0.0)
    arabic = len(_ARABIC_SCRIPT.findall(text))
    latin = len(_LATIN.findall(text))
    if arabic < max(latin, letters * 0.3):
        code, p = _ranked(text)[0]
        return LanguageGuess(code, round(p, 3))

    rates = _cue_rates(text, arabic)
    # Cues shared between languages (ې: Pashto and Uyghur; ە ۆ: Sorani and Uyghur) are
    # resolved by the one with more distinct evidence.
    cue, rate = max(rates.items(), key=lambda item: item[1])
    if rate >= 0.01:
        ranked = dict(_ranked(text, _ARABIC_SCRIPT_LABELS))
        return LanguageGuess(cue, round(max(0.9, ranked.get(cue, 0.0)), 3))

    ranking = _ranked(text, _ARABIC_SCRIPT_LABELS)
    if ranking[0][0] in _CUES:
        # A language of which the text has none of its own letters (a short line: ur, ps for Persian): the
        # likelier of the others.
        others = [(c, p) for c, p in ranking if c not in _CUES]
        total = sum(p for _, p in others) or 1.0
        ranking = [(c, p / total) for c, p in others] or ranking
    code, p = ranking[0]
    persian = len(_PERSIAN_LETTERS.findall(text)) / arabic
    arabic_only = len(_ARABIC_LETTERS.findall(text)) / arabic
    if code in ("fa", "ar", "uz") and p < SURE:
        # Letters settle fa/ar when the model hesitates (short lines, titles); not when it is sure: a Persian
        # sentence naming الیزابت or الخلیل has Arabic's "ال" and may have none of پ چ ژ گ (FLORES-200 devtest
        # 325, 994).
        if persian >= 0.01 and arabic_only < persian / 2:
            code, p = "fa", max(p, dict(ranking).get("fa", 0.0))
        elif arabic_only >= 0.01 and persian == 0:
            code, p = "ar", max(p, dict(ranking).get("ar", 0.0))
        elif code == "uz":  # no Uzbek-only letters: the model's Uzbek is Persian-like text
            code, p = "fa", dict(ranking).get("fa", 0.0) + p
    return LanguageGuess(code, round(min(p, 1.0), 3))


def differs_within(text: str, article_language: str) -> str | None:
    """The language of a sentence when it is confidently another supported one (a quote), else None."""
    if article_language not in SUPPORTED or len(text.split()) < 4:
        return None
    guess = identify_language(text)
    if guess.language in SUPPORTED and guess.language != article_language and guess.confidence >= 0.9:
        if {guess.language, article_language} == {"fa", "ar"}:
            # A fa/ar switch needs letter evidence too: the two share most of their words.
            arabic = max(1, len(_ARABIC_SCRIPT.findall(text)))
            persian = len(_PERSIAN_LETTERS.findall(text))
            arabic_only = len(_ARABIC_LETTERS.findall(text)) / arabic
            if guess.language == "ar" and (persian > 0 or arabic_only < 0.02):
                return None
            if guess.language == "fa" and persian == 0:
                return None
        return guess.language
    return None
