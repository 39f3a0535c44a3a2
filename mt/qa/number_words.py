"""Numbers a Persian or Arabic sentence writes in words, as the values an English rendering may give in digits.

News writes many numbers out: `الخمسة وعشرين` / `بیست و پنج` (25), ordinals in dates and ranks (`في الخامس من
أغسطس` "on August 5", `هفتمین` "7th"), centuries (`القرن التاسع عشر` "the 19th century", "the 1800s") and decades
(`السبعينيات`, `دهه هفتاد` "the 1970s"). These values only excuse an English number (`number_added`); a number
in words is never demanded of the English. Found missing from FLORES-200 devtest references (see
tests/data/flores/README.md), where each of them had made a correct translation look like an added number.
"""

from __future__ import annotations

import re

from core.normalize import fold

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

_UNITS = {
    # Persian cardinals and ordinals
    "یک": 1, "نخست": 1, "نخستین": 1, "اول": 1, "اولین": 1, "دو": 2, "دوم": 2, "دومین": 2, "سه": 3, "سوم": 3,
    "سومین": 3, "چهار": 4, "پنج": 5, "شش": 6, "هفت": 7, "هشت": 8, "نه": 9,
    # Arabic cardinals (both genders) and ordinals
    "واحد": 1, "واحده": 1, "احد": 1, "احدی": 1, "حادی": 1, "اولی": 1, "اثنان": 2, "اثنین": 2, "اثنتین": 2,
    "اثنتان": 2, "ثانی": 2, "ثانیه": 2, "ثلاث": 3, "ثلاثه": 3, "ثالث": 3, "ثالثه": 3, "اربع": 4, "اربعه": 4,
    "رابع": 4, "رابعه": 4, "خمس": 5, "خمسه": 5, "خامس": 5, "خامسه": 5, "ست": 6, "سته": 6, "سادس": 6, "سادسه": 6,
    "سبع": 7, "سبعه": 7, "سابع": 7, "سابعه": 7, "ثمان": 8, "ثمانی": 8, "ثمانیه": 8, "ثامن": 8, "ثامنه": 8,
    "تسع": 9, "تسعه": 9, "تاسع": 9, "تاسعه": 9,
}
_TEENS = {
    "ده": 10, "دهم": 10, "یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14, "پانزده": 15, "شانزده": 16,
    "هفده": 17, "هجده": 18, "هیجده": 18, "نوزده": 19,
    "عشر": 10, "عشره": 10, "عاشر": 10, "عاشره": 10,
}
_TENS = {
    "بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90,
    "عشرین": 20, "عشرون": 20, "ثلاثین": 30, "ثلاثون": 30, "اربعین": 40, "اربعون": 40, "خمسین": 50, "خمسون": 50,
    "ستین": 60, "ستون": 60, "سبعین": 70, "سبعون": 70, "ثمانین": 80, "ثمانون": 80, "تسعین": 90, "تسعون": 90,
}
_LARGE = {"صد": 100, "مئه": 100, "مائه": 100, "هزار": 1000, "الف": 1000, "میلیون": 1_000_000, "ملیون": 1_000_000}
_OTHER = {"نیم": 0.5, "نصف": 0.5, "دهه": 10, "قرن": 100}
_VALUES = {fold(k): v for table in (_UNITS, _TEENS, _TENS, _LARGE, _OTHER) for k, v in table.items()}
_UNIT_VALUES = {fold(k) for k in _UNITS}
_TEEN_TENS = {fold(k) for k in ("عشر", "عشره")}  # Arabic teens: a unit, then عشر (خمسة عشر 15, الحادي عشر 11th)
# Decades as a plural of the tens: السبعينيات / السبعينات "the seventies".
_DECADES = {fold(tens + ending): value for tens, value in
            {"عشرین": 20, "ثلاثین": 30, "اربعین": 40, "خمسین": 50, "ستین": 60, "سبعین": 70, "ثمانین": 80,
             "تسعین": 90}.items() for ending in ("یات", "ات")}
_DECADE_WORD = fold("دهه")
_CENTURY_WORDS = {fold(w) for w in ("قرن", "قرون", "قرنین", "سده")}
_AND = fold("و")
_PREFIXES = ("وال", "بال", "لل", "ال", "و", "ب", "ل")
_PERSIAN_ORDINAL = ("مین", "ام", "م")


def word_value(word: str) -> float | None:
    """The number a folded word writes (cardinal or ordinal, with or without و / ب / ال before it)."""
    for candidate in _candidates(word):
        if candidate in _VALUES:
            return _VALUES[candidate]
        for ending in _PERSIAN_ORDINAL:  # هفتم, هفتمین, سی‌ام (folded سیام), دوازدهمین
            if candidate.endswith(ending) and candidate[:-len(ending)] in _VALUES:
                return _VALUES[candidate[:-len(ending)]]
    return None


def _candidates(word: str) -> list[str]:
    return [word] + [word[len(p):] for p in _PREFIXES if word.startswith(p) and len(word) > len(p) + 1]


def _decade(word: str) -> int | None:
    return next((_DECADES[c] for c in _candidates(word) if c in _DECADES), None)


def _numbers(words: list[str]) -> list[tuple[int, float]]:
    """(index of the first word, value) of every number in words, compounds joined: `خمسة وعشرين` → 25,
    `بیست و پنج` → 25, `الحادي عشر` → 11."""
    found: list[tuple[int, float]] = []
    i = 0
    while i < len(words):
        value = word_value(words[i])
        if value is None:
            i += 1
            continue
        start, total, last = i, value, words[i]
        i += 1
        while i < len(words):
            j = i + 1 if words[i] == _AND and i + 1 < len(words) else i
            nxt = word_value(words[j])
            if nxt is None:
                break
            unit = any(c in _UNIT_VALUES for c in _candidates(last))
            if unit and any(c in _TEEN_TENS for c in _candidates(words[j])) and j == i:
                total += 10  # Arabic teens and their ordinals
            elif (total % 10 == 0 and 20 <= total <= 90 and nxt < 10) or (total < 10 and 20 <= nxt <= 90):
                total += nxt  # twenty-five either way round, with و between
            else:
                break
            last, i = words[j], j + 1
        found.append((start, total))
    return found


def source_number_words(text: str) -> set[float]:
    """Values of the numbers a source sentence spells out in words (excuse, never demand, an English number)."""
    words = _WORD.findall(fold(text))
    values: set[float] = set()
    for start, value in _numbers(words):
        values.add(value)
        before = _candidates(words[start - 1]) if start else []
        if any(w in _CENTURY_WORDS for w in before) and 1 <= value <= 21:
            values.add((value - 1) * 100)  # the 19th century: "the 1800s"
        if _DECADE_WORD in before and 10 <= value <= 90:
            values |= _decade_years(int(value))
    for word in words:
        decade = _decade(word)
        if decade:
            values |= {decade} | _decade_years(decade)
    return values


def _decade_years(tens: int) -> set[float]:
    """The years a decade of tens may stand for: the seventies of the 19th, 20th or 21st century."""
    return {century + tens for century in (1800, 1900, 2000)}
