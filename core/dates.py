"""Written dates → ISO 8601: Gregorian (Arabic, Levantine, Persian and English month names),
Solar Hijri (Jalali) and lunar Hijri, in Persian, Arabic-Indic or ASCII digits.

`find_date(text)` returns the first date with its exact written form;
`date_line(text)` says whether a whole line is a dateline (date, weekday, time,
a label such as "تاریخ انتشار:"), which is page furniture holding the publication date.
Calendars are converted by jdatetime (Jalali) and hijridate (Umm al-Qura Hijri).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from core.normalize import fold, to_ascii_digits

_GREGORIAN = {
    1: "يناير كانون الثاني ژانویه ژانویهٔ january jan",
    2: "فبراير شباط فوریه february feb",
    3: "مارس آذار march mar",
    4: "أبريل ابريل إبريل نيسان آوریل آپریل april apr",
    5: "مايو أيار مه می may",
    6: "يونيو يونيه حزيران ژوئن june jun",
    7: "يوليو يوليه تموز ژوئیه جولای july jul",
    8: "أغسطس اغسطس آب اوت آگوست august aug",
    9: "سبتمبر أيلول سپتامبر september sept sep",
    10: "أكتوبر اكتوبر تشرين الأول اکتبر october oct",
    11: "نوفمبر تشرين الثاني نوامبر november nov",
    12: "ديسمبر كانون الأول دسامبر december dec",
}
_JALALI = {i + 1: name for i, name in enumerate("فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند".split())}
_HIJRI = {
    1: "محرم", 2: "صفر", 3: "ربيع الأول|ربيع الاول|ربیع الاول", 4: "ربيع الآخر|ربيع الثاني|ربیع الثانی",
    5: "جمادى الأولى|جمادى الاولى|جمادی الاول", 6: "جمادى الآخرة|جمادى الثانية|جمادی الثانی",
    7: "رجب", 8: "شعبان", 9: "رمضان", 10: "شوال", 11: "ذو القعدة|ذي القعدة|ذیقعده", 12: "ذو الحجة|ذي الحجة|ذیحجه",
}
_MULTIWORD = {"كانون الثاني": 1, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12}

# Letters that scraped text writes in several ways, matched as one.
_VARIANTS = {
    "ی": "[یيى]", "ي": "[یيى]", "ى": "[یيى]", "ک": "[کك]", "ك": "[کك]", "ا": "[اأإآ]", "أ": "[اأإآ]",
    "إ": "[اأإآ]", "آ": "[اأإآ]", "ه": "[هة]", "ة": "[هة]", " ": "[\\s\u200c]*",
}
_D = "[0-9۰-۹٠-٩]"


def _tolerant(word: str) -> str:
    return "[\u0640\u200c]?".join(_VARIANTS.get(ch, re.escape(ch)) for ch in word)


def _month_table(months: dict[int, str], sep: str = " ") -> list[tuple[str, int]]:
    names: list[tuple[str, int]] = []
    for number, spelled in months.items():
        for name in spelled.split(sep):
            names.append((name, number))
    return names


_TABLES: dict[str, list[tuple[str, int]]] = {
    "gregorian": [(n, m) for n, m in _month_table(_GREGORIAN) if n not in {w for k in _MULTIWORD for w in k.split()}]
    + list(_MULTIWORD.items()),
    "jalali": _month_table(_JALALI),
    "hijri": _month_table(_HIJRI, "|"),
}
_LOOKUP = {calendar: {fold(name): month for name, month in table} for calendar, table in _TABLES.items()}
_ALL_NAMES = sorted({name for table in _TABLES.values() for name, _ in table}, key=len, reverse=True)
_MONTH = "(?P<month>" + "|".join(_tolerant(name) for name in _ALL_NAMES) + ")"
# What news writes between a day's month and its year: the month again in the other naming (`أكتوبر/تشرين الأول`,
# `تشرين الأول/أكتوبر`), Persian's "month" (`اسفندماه`, `اسفند ماه`), "of the year" (`من عام`, `عام`, `سنة`, `سال`).
_OTHER_NAME = "(?:" + "|".join(_tolerant(name) for name in _ALL_NAMES) + ")"
_YEAR_WORD = "(?:" + "|".join(_tolerant(w) for w in ("من العام", "من عام", "من سنة", "العام", "عام", "سنة", "سال")) + ")"
_MONTH_TO_YEAR = rf"(?:\s*/\s*{_OTHER_NAME})?(?:[\s\u200c]*{_tolerant('ماه')})?(?:[\s,،]+{_YEAR_WORD})?[\s,،]+"
_END = r"(?![\w])"
_PATTERNS = [
    re.compile(rf"(?<!\w)(?P<day>{_D}{{1,2}})(?:st|nd|rd|th|ام)?\s+{_MONTH}{_MONTH_TO_YEAR}(?P<year>{_D}{{4}}){_END}",
               re.I),
    re.compile(rf"(?<!\w){_MONTH}\s+(?P<day>{_D}{{1,2}}),?\s+(?P<year>{_D}{{4}}){_END}", re.I),
    re.compile(rf"(?<![\w/.-])(?P<year>{_D}{{4}})[-/.](?P<month>{_D}{{1,2}})[-/.](?P<day>{_D}{{1,2}})(?![/.-]|{_D})"),
    re.compile(rf"(?<![\w/.-])(?P<day>{_D}{{1,2}})[-/.](?P<month>{_D}{{1,2}})[-/.](?P<year>{_D}{{4}})(?![\w/.-]|{_D})"),
]


@dataclass(frozen=True)
class DateMatch:
    iso: str
    as_written: str
    calendar: str
    start: int
    end: int


def _to_gregorian(calendar: str, year: int, month: int, day: int) -> dt.date | None:
    try:
        if calendar == "jalali":
            import jdatetime

            return jdatetime.date(year, month, day).togregorian()
        if calendar == "hijri":
            from hijridate import Hijri

            return Hijri(year, month, day).to_gregorian()
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _calendar_for(month_name: str | None, year: int) -> tuple[str, int] | None:
    if month_name is None:  # numeric: the year tells the calendar
        if 1900 <= year <= 2100:
            return "gregorian", 0
        if 1300 <= year <= 1420:
            return "jalali", 0
        return None
    key = fold(month_name)
    for calendar in ("jalali", "hijri", "gregorian"):
        month = _LOOKUP[calendar].get(key)
        if month is None:
            continue
        if calendar == "gregorian" and 1900 <= year <= 2100:
            return calendar, month
        if calendar == "jalali" and 1300 <= year <= 1500:
            return calendar, month
        if calendar == "hijri" and 1343 <= year <= 1500:
            return calendar, month
    return None


def find_date(text: str) -> DateMatch | None:
    """The first valid date written in `text`, or None."""
    found: list[DateMatch] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            year = int(to_ascii_digits(match.group("year")))
            day = int(to_ascii_digits(match.group("day")))
            month_text = match.group("month")
            numeric = month_text[0] in "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"
            chosen = _calendar_for(None if numeric else month_text, year)
            if chosen is None:
                continue
            calendar, month = chosen
            if numeric:
                month = int(to_ascii_digits(month_text))
            date = _to_gregorian(calendar, year, month, day)
            if date is not None:
                found.append(DateMatch(date.isoformat(), match.group(0), calendar, match.start(), match.end()))
                break
    return min(found, key=lambda m: m.start) if found else None


def find_dates(text: str) -> list[DateMatch]:
    """Every valid date written in `text`, in order."""
    found: list[DateMatch] = []
    offset = 0
    while offset < len(text):
        match = find_date(text[offset:])
        if match is None:
            break
        found.append(DateMatch(match.iso, match.as_written, match.calendar, offset + match.start, offset + match.end))
        offset += match.end
    return found


_WEEKDAYS = (
    "شنبه یکشنبه دوشنبه سه شنبه سهشنبه چهارشنبه پنجشنبه پنج جمعه السبت الاحد الاثنین الثلاثاء الاربعاء "
    "الخمیس الجمعه monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun"
)
_LABELS = (
    "تاریخ انتشار منتشر شده در بروزرسانی به روز رسانی ساعت تاریخ النشر نشر فی نشر بتاریخ اخر تحدیث تحدیث "
    "الساعه published updated posted on last update هـ ه ش ق م ص at am pm gmt utc"
)
_ALLOWED = frozenset(fold(w) for w in (_WEEKDAYS + " " + _LABELS).split())
_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
_PUNCT = re.compile(r"[-–—|،,:/()\[\].٫]+")


def date_line(text: str) -> DateMatch | None:
    """The date of a line that holds nothing but a date (with weekday, time, label), else None."""
    match = find_date(text)
    if match is None:
        return None
    rest = fold(text[: match.start] + " " + text[match.end :])
    rest = re.sub(r"\d{1,2}:\d{2}(:\d{2})?", " ", rest)
    for token in _PUNCT.sub(" ", rest).split():
        if token not in _ALLOWED and not _TIME.match(token):
            return None
    return match
