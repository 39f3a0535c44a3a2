"""Dates of a sentence pair compared as dates: `۱۵ اسفند ۱۴۰۲` is 5 March 2024, so an English "15 March 2024"
(the Jalali day kept in a Gregorian date) or "15 March 2023" is wrong, though every number in it appears in
the source. Source dates in any calendar (Solar Hijri, Hijri, Gregorian; Persian, Arabic or English month
names; any digits) are converted by `core.dates`; English dates are read in full ("5 March 2024",
"March 5, 2024", "2024-03-05") or as day and month ("on 5 March").
"""

from __future__ import annotations

import datetime as dt
import re

from core.dates import find_dates
from mt.qa.numbers import MONTHS

_MONTH = "|".join(sorted({*MONTHS, *(m[:3] for m in MONTHS), "sept"}, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})\.?"
                        rf"|(?P<month2>{_MONTH})\.?\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?)\b", re.I)


def _month_number(name: str) -> int:
    name = name.lower()
    return next(n for n, month in enumerate(MONTHS, start=1) if month.startswith(name[:3]))


def english_days(text: str) -> set[tuple[int, int]]:
    """(month, day) of every day-and-month an English text writes, with or without a year."""
    days = set()
    for match in _DAY_MONTH.finditer(text):
        day, month = (match.group("day"), match.group("month")) if match.group("day") else (
            match.group("day2"), match.group("month2"))
        if 1 <= int(day) <= 31:
            days.add((_month_number(month), int(day)))
    return days


def date_mismatches(source: str, english: str) -> list[str]:
    """The source dates the English writes as a different date (it writes a date, but not this one)."""
    english_full = {dt.date.fromisoformat(m.iso) for m in find_dates(english)}
    english_partial = english_days(english) | {(d.month, d.day) for d in english_full}
    if not english_partial:
        return []  # no date in the English: `number_missing` speaks for the numbers
    wrong = []
    for match in find_dates(source):
        date = dt.date.fromisoformat(match.iso)
        day = (date.month, date.day)
        other_year = any((d.month, d.day) == day and d.year != date.year for d in english_full)
        if date in english_full or (day in english_partial and not other_year):
            continue
        wrong.append(f"{match.as_written} = {date.day} {MONTHS[date.month - 1].title()} {date.year}")
    return wrong
