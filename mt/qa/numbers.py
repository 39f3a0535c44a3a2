"""Numbers and dates of a sentence pair, compared by value across digit systems and calendars.

A source number is a `Mention`: the text as written and every value an English
rendering may use. `۱٬۲۰۰` → {"1200"}; `۱۲٫۵٪` → {"12.5"}; `۵ میلیون` → {"5", "5000000"};
a Jalali or Hijri year (`۱۴۰۲`, `1445`) also as the Gregorian years it spans; and the
day, month and year of a written date (`۲۸ اسفند ۱۴۰۲`) also as their Gregorian values
and English month name (`18`, `march`, `2024`). English numbers are read the same way
(digits, `5 million`, `1st`, number words), so `number_missing` / `number_added` only
fire when a value is really absent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from core.dates import find_dates
from core.normalize import fold, to_ascii_digits
from mt.qa.number_words import source_number_words

_NUMBER = re.compile(r"(?<!\d)\d+(?:[.,/]\d+)*")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# A clock time, 08:30 or 20:30 (two digits after the colon; 3:1 is a ratio).
_TIME = re.compile(r"(?<![\d:.,])(\d{1,2}):(\d{2})(?![\d:])")

# Scale words after a number: the English may write "5 million" or "5,000,000".
_SCALES = {
    "هزار": 1_000, "الف": 1_000, "آلاف": 1_000, "الاف": 1_000, "ميليون": 1_000_000, "میلیون": 1_000_000,
    "مليون": 1_000_000, "ملايين": 1_000_000, "میلیارد": 1_000_000_000, "مليار": 1_000_000_000,
    "مليارات": 1_000_000_000, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000, "تریلیون": 1_000_000_000_000, "ترليون": 1_000_000_000_000,
}
_SCALE_AFTER = re.compile(r"\s*([^\W\d_]+)")

_ENGLISH_WORDS = {
    w: i for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split())
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
     "hundred": 100, "thousand": 1000, "dozen": 12, "half": 0.5, "first": 1, "second": 2, "third": 3,
     "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "once": 1,
     "twice": 2, "both": 2, "single": 1, "pair": 2, "decade": 10, "century": 100, "million": 1_000_000}
MONTHS = ("january february march april may june july august september october november december").split()


@dataclass(frozen=True)
class Mention:
    """A number as written in the source, and every value an English rendering may use."""

    text: str
    values: frozenset[str]


def number_value(text: str) -> str:
    """One canonical form: `1,200` → `1200`, `3.50` → `3.5`, `07` → `7`, other digits → ASCII."""
    text = to_ascii_digits(text)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"\d+,\d{1,2}", text):  # 2,5 written as a decimal comma
        text = text.replace(",", ".")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.lstrip("0") or "0"


def _scaled(value: str, scale: int) -> str:
    try:
        number = float(value) * scale
    except ValueError:
        return value
    return str(int(number)) if number == int(number) else f"{number:g}"


def _scale_after(text: str, end: int) -> int | None:
    match = _SCALE_AFTER.match(text, end)
    return _SCALES.get(fold(match.group(1))) if match else None


@lru_cache(maxsize=512)
def _gregorian_years(year: int) -> frozenset[str]:
    """The Gregorian years a Solar Hijri (Jalali) or lunar Hijri year may stand for."""
    years: set[int] = set()
    if 1300 <= year <= 1450:  # Jalali: 1 Farvardin falls in March of year + 621
        years |= {year + 621, year + 622}
    if 1343 <= year <= 1500:
        try:
            from hijridate import Hijri

            years |= {Hijri(year, 1, 1).to_gregorian().year, Hijri(year, 12, 29).to_gregorian().year}
        except (ValueError, OverflowError):
            pass
    return frozenset(str(y) for y in years)


def _date_values(text: str) -> dict[int, set[str]]:
    """Extra values for numbers inside written dates, by their start offset in `text`: each part its Gregorian
    counterpart (`۲۸ اسفند ۱۴۰۲`: 28 also as 18, 1402 also as 2024), so an English date that keeps the month
    and year but loses the day still lacks a number."""
    extra: dict[int, set[str]] = {}
    for match in find_dates(text):
        date = dt.date.fromisoformat(match.iso)
        runs = list(re.finditer(r"\d+", to_ascii_digits(match.as_written)))
        year = next((i for i, run in enumerate(runs) if len(run.group()) == 4), len(runs) - 1)
        rest = [i for i in range(len(runs)) if i != year]
        # Day-month-year or year-month-day: the day is the part farthest from the year; a numeric month between.
        day = rest[-1] if year < (rest[0] if rest else 0) else (rest[0] if rest else year)
        parts = {year: {str(date.year)}, day: {str(date.day)}}
        for i in rest:
            parts.setdefault(i, {str(date.month), MONTHS[date.month - 1]})
        for i, run in enumerate(runs):
            extra.setdefault(match.start + run.start(), set()).update(parts[i])
    return extra


def time_values(hours: str, minutes: str) -> frozenset[str]:
    """Every way English writes a clock time: 20:30 as 20:30, 8:30 (p.m.), 20.30, 2030; 12:00 also as 12."""
    h = int(hours)
    values = {f"{h}:{minutes}", number_value(f"{h}.{minutes}"), f"{h}{minutes}"}
    if h > 12:
        values.add(f"{h - 12}:{minutes}")
    if minutes == "00":
        values |= {str(h), str(h - 12)} if h > 12 else {str(h)}
    return frozenset(values)


def _times(text: str) -> list[tuple[int, int, frozenset[str]]]:
    """(start, end, values) of every clock time in `text`."""
    return [(m.start(), m.end(), time_values(m.group(1), m.group(2))) for m in _TIME.finditer(text)]


def _outside(spans: list[tuple[int, int]], times: list[tuple[int, int, frozenset[str]]]) -> list[tuple[int, int]]:
    return [(a, b) for a, b in spans if not any(start <= a < end for start, end, _ in times)]


def source_numbers(text: str) -> list[Mention]:
    """Every number written in a source sentence (any digit system), with its acceptable values."""
    ascii_text = to_ascii_digits(text)  # same length: one character per digit or separator
    dates = _date_values(text)
    times = _times(ascii_text)
    mentions = [(start, Mention(text[start:end], values)) for start, end, values in times]
    for start, end in _outside(_number_spans(ascii_text), times):
        written = ascii_text[start:end]
        values: set[str] = set()
        if "/" in written:  # Persian decimals are often written 2/5
            whole, part = written.split("/")
            values |= {number_value(f"{whole}.{part}"), number_value(whole), number_value(part)}
        else:
            values.add(number_value(written))
        base = next(iter(values)) if len(values) == 1 else None
        scale = _scale_after(ascii_text, end)
        if scale and base:
            values.add(_scaled(base, scale))
        if base and re.fullmatch(r"1[34]\d\d", base):
            values |= _gregorian_years(int(base))
        for offset in range(start, end):
            values |= dates.get(offset, set())
        mentions.append((start, Mention(text[start:end], frozenset(values))))
    return [mention for _, mention in sorted(mentions, key=lambda item: item[0])]


def _number_spans(text: str) -> list[tuple[int, int]]:
    """Number tokens; `a/b/c` dates and `a.b.c` codes are split into their parts, `2/5` kept whole."""
    spans = []
    for match in _NUMBER.finditer(text):
        token = match.group()
        if ("/" in token and (token.count("/") > 1 or not re.fullmatch(r"\d+/\d{1,2}", token))) \
                or token.count(".") > 1:
            spans += [(match.start() + m.start(), match.start() + m.end())
                      for m in re.finditer(r"\d+(?:,\d{3})*", token)]
        else:
            spans.append(match.span())
    return spans


def english_numbers(text: str) -> tuple[list[str], set[str]]:
    """(numbers the English writes in digits, every value it states incl. words and month names)."""
    text = to_ascii_digits(text)
    times = _times(text)
    found = [(start, f"{int(text[start:end].split(':')[0])}:{text[end - 2:end]}") for start, end, _ in times]
    values: set[str] = set().union(*(v for _, _, v in times))
    for start, end in _outside(_number_spans(text), times):
        if "/" in text[start:end]:  # fractions and dates written with a slash: each part
            parts = [(start + m.start(), start + m.end()) for m in re.finditer(r"\d+", text[start:end])]
        else:
            parts = [(start, end)]
        for a, b in parts:
            value = number_value(text[a:b])
            found.append((a, value))
            values.add(value)
        scale = _scale_after(text, end)
        if scale:
            values.add(_scaled(number_value(text[start:end]), scale))
    for word in _WORD.findall(text.lower()):
        if word in _ENGLISH_WORDS:
            values.add(number_value(f"{_ENGLISH_WORDS[word]:g}"))
        elif word in MONTHS:
            values.add(word)
            values.add(str(MONTHS.index(word) + 1))
    for match in re.finditer(r"(\d+)(?:st|nd|rd|th)\b", text):
        values.add(number_value(match.group(1)))
    return [value for _, value in sorted(found, key=lambda item: item[0])], values


def compare_numbers(source: str, english: str) -> tuple[list[str], list[str]]:
    """(source numbers the English lacks, as written; English digit numbers the source lacks)."""
    mentions = source_numbers(source)
    digits, values = english_numbers(english)
    missing = [m.text for m in mentions if not (m.values & values)]
    words = {number_value(f"{v:f}") for v in source_number_words(source)}
    known = set().union(*(m.values for m in mentions)) | words
    added = [d for d in dict.fromkeys(digits) if d not in known]
    return missing, added
