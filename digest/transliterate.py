"""Person and place names of the source text as an English reader can say them.

A name's English form is, in order: the spelling the article's own English uses (a Latin word with
the same consonant skeleton, `core.names.latin_skeleton`: `باقری` ~ `Bagheri`), else a plain
letter-by-letter transliteration in the usual press style (`کاسر` → `Kaser`, `الغانم` → `al-Ghanm`:
short vowels are not written in the script, so it can only approximate them). Callers show the
original script beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.names import latin_skeleton, name_key

_LATIN_WORD = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Za-z][a-z]+)*\b")
_SCRIPT_WORD = re.compile(r"[^\W\d_]+")

_PERSIAN = {"ث": "s", "ذ": "z", "ض": "z", "ظ": "z", "ق": "gh", "و": "v", "ه": "h", "ة": "e"}
_ARABIC = {"ث": "th", "ذ": "dh", "ض": "d", "ظ": "z", "ق": "q", "و": "w", "ه": "h", "ة": "a"}
_COMMON = {
    "ا": "a", "آ": "a", "أ": "a", "إ": "e", "ٱ": "a", "ب": "b", "پ": "p", "ت": "t", "ج": "j", "چ": "ch", "ح": "h",
    "خ": "kh", "د": "d", "ر": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "ص": "s", "ط": "t", "ع": "",
    "غ": "gh", "ف": "f", "ک": "k", "ك": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ی": "y", "ي": "y", "ى": "a",
    "ء": "", "ئ": "", "ؤ": "",
}


def transliterate(word: str, language: str | None = None) -> str:
    """A letter-by-letter Latin form of one Arabic-script word (`و`/`ی` read as vowels between consonants,
    final `ه` as a vowel in Persian); capitalized, the Arabic article as `al-`."""
    table = {**_COMMON, **(_ARABIC if language == "ar" else _PERSIAN)}
    prefix = ""
    if word.startswith("ال") and len(word) > 3:
        prefix, word = "al-", word[2:]
    out = []
    for i, letter in enumerate(word):
        first, last = i == 0, i == len(word) - 1
        if i == 1 and word[0] in "اأإ" and letter in "یيو":  # `ایران` → Iran: alef and ya/waw open with one vowel
            out[-1] = "i" if letter != "و" else "o" if language != "ar" else "u"
        elif letter in "یيو" and not first:
            out.append(("i" if letter != "و" else ("o" if language != "ar" else "u")))
        elif letter == "ع" and first:
            out.append("a")
        elif letter == "ه" and last and language != "ar" and not first:
            out.append("e")
        else:
            out.append(table.get(letter, letter))
    latin = re.sub(r"(.)\1+", r"\1\1", "".join(out))
    return prefix + latin[:1].upper() + latin[1:]


def as_written(key: str, texts: Iterable[str]) -> str:
    """The spelling of name key `key` as the source text writes it (the key itself when not found)."""
    for text in texts:
        for word in _SCRIPT_WORD.findall(text):
            if name_key(word) == key:
                return word
    return key


def english_name(original: str, english_texts: Iterable[str], language: str | None = None) -> str:
    """The English form of a source-script name: the articles' own English spelling, else a transliteration."""
    skeleton = latin_skeleton(original)
    if len(skeleton) >= 2:
        for text in english_texts:
            for word in _LATIN_WORD.findall(text):
                if latin_skeleton(word) == skeleton:
                    return word
    return " ".join(transliterate(w, language) for w in original.split())
