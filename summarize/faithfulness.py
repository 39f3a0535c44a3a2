"""Faithfulness flags: numbers, dates and names in a summary that the article never states.

News summarizers hallucinate figures and names. Every number (digits in any script,
number words up to twenty, ordinals), month or weekday name, and capitalised name in a
summary sentence is looked up in the article's English and source text; what is not
there is flagged on that sentence:
`number_unsupported`, `date_unsupported`, `name_unsupported`, and `no_support` when no
article sentence supports it (see `support.link_support`).
"""

from __future__ import annotations

import re

from core.article import Article, Flag
from summarize.text import STOPWORDS, english_sentences, stem, words

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_NUMBER = re.compile(r"\d+(?:[.,٫٬]\d+)*")
_NUMBER_WORDS = {
    w: str(i) for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                      "eighty": "80", "ninety": "90", "hundred": "100", "dozen": "12"})
_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
             "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10"}
MONTHS = frozenset("january february march april may june july august september october november december".split())
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# Capitalised words that are not names even mid-sentence.
_NOT_NAMES = frozenset({"i", "mr", "mrs", "ms", "dr"})


def normalize_number(text: str) -> str:
    """'1,200' → '1200', '3.50' → '3.5', Persian/Arabic digits → ASCII."""
    text = text.translate(_DIGITS).replace("٬", ",").replace("٫", ".")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.lstrip("0") or "0"


def numbers_in(text: str) -> set[str]:
    """Every number `text` states, normalized; number words and ordinals count as their value."""
    found = {normalize_number(m.group()) for m in _NUMBER.finditer(text.translate(_DIGITS))}
    for word in words(text):
        lower = word.lower()
        value = _NUMBER_WORDS.get(lower) or _ORDINALS.get(lower)
        if value:
            found.add(value)
        elif re.fullmatch(r"\d+(st|nd|rd|th)", lower):
            found.add(normalize_number(lower[:-2]))
    return found


def _digit_numbers(text: str) -> list[str]:
    """Numbers written in digits (what summarizers hallucinate); number words are too vague to flag."""
    return [normalize_number(m.group()) for m in _NUMBER.finditer(text.translate(_DIGITS))]


def _names(sentence: str) -> list[str]:
    """Capitalised words that are not the sentence's first word (which is capitalised anyway)."""
    return [w for w in words(sentence)[1:]
            if len(w) > 1 and w[0].isupper() and w.lower() not in STOPWORDS and w.lower() not in _NOT_NAMES]


class Evidence:
    """What the article states: its numbers, and its words (lower-cased, stemmed and not)."""

    def __init__(self, article: Article) -> None:
        texts = [text for _, text in english_sentences(article)]
        texts += [article.title.english or "", article.title.source or ""]
        texts += [s.source for s in article.sentences()]
        joined = "\n".join(texts)
        self.numbers = numbers_in(joined)
        tokens = words(joined)
        self.words = {w.lower() for w in tokens} | {stem(w) for w in tokens}
        self.text = joined.lower()

    def states_word(self, word: str) -> bool:
        lower = word.lower()
        return lower in self.words or stem(word) in self.words


def faithfulness_flags(sentence: str, evidence: Evidence) -> list[Flag]:
    """Flags for the numbers, dates and names of one summary sentence the article does not state."""
    flags: list[Flag] = []
    seen: set[tuple[str, str]] = set()

    def add(code: str, detail: str) -> None:
        if (code, detail) not in seen:
            seen.add((code, detail))
            flags.append(Flag(code, detail))

    for number in _digit_numbers(sentence):
        if number not in evidence.numbers:
            add("number_unsupported", number)
    for position, word in enumerate(words(sentence)):
        if word[0].isupper() and word.lower() in MONTHS | WEEKDAYS and not evidence.states_word(word):
            if word == "May" and position == 0:
                continue  # more likely the verb
            add("date_unsupported", word)
    for name in _names(sentence):
        if name.lower() in MONTHS | WEEKDAYS:
            continue
        if not evidence.states_word(name):
            add("name_unsupported", name)
    return flags
