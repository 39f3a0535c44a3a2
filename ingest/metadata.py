"""Metadata stated by the article: publication date, outlet, news code, author.

Reads the lines that `strip_boilerplate` set aside (date, news code, author, source
lines, the site name cut off the title) and the first paragraph's attribution
("به گزارش گروه سیاسی خبرگزاری تسنیم،", "گروه سیاسی ایسکانیوز،").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ingest.boilerplate import SITE_CUES, Layout
from core.dates import find_date
from core.normalize import fold, to_ascii_digits

_NEWS_CODE = re.compile(r"([0-9۰-۹٠-٩]{3,})")
_LABELLED = re.compile(r"^[\s•·*\-–—]*[^:：]{1,30}[:：]\s*(?P<value>.+?)\s*[.]?$")
_AUTHOR_LABEL = re.compile(
    r"^\s*(?:نویسنده|نویسنده|به قلم|بقلم|كتب|کتب|كتبه|إعداد|اعداد|تقرير|خبرنگار|by|author|written by)\s*[:：]?\s+",
    re.I,
)
# "به گزارش گروه سیاسی خبرگزاری تسنیم،" / "به گزارش خبرنگار سیاسی ایرنا،" / "گروه سیاسی ایسکانیوز،"
_ATTRIBUTION = re.compile(
    r"^(?:به\s+گزارش\s+(?P<reported>[^،,:.]{2,60}?)|گروه\s+\S+\s+(?P<desk>[^،,:.\s]+(?:\s+[^،,:.\s]+)?))\s*[،,]"
)
_DESK = re.compile(r"^(?:(?:گروه|خبرنگار|سرویس|دبیرخانه)\s+\S+(?:\s+\S+)?\s+)(?=(?:خبرگزاری|پایگاه|روزنامه|سایت|شبکه|باشگاه)\b)")
_OUTLET_START = re.compile(r"(خبرگزاری|پایگاه\s+خبری|پایگاه|روزنامه|سایت|شبکه|باشگاه\s+خبرنگاران)\s")


@dataclass
class Metadata:
    published: str | None = None
    published_as_written: str | None = None
    outlet: str | None = None
    author: str | None = None
    news_code: str | None = None


def parse_published(value: str) -> tuple[str | None, str]:
    """A published value from a record or HTML (ISO or written in any supported calendar) → (ISO date, as given)."""
    text = value.strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat(), text
    except ValueError:
        pass
    match = find_date(text)
    return (match.iso if match else None), text


def _attribution_outlet(paragraph: str) -> str | None:
    match = _ATTRIBUTION.match(paragraph.strip())
    if not match:
        return None
    if match.group("desk"):
        return match.group("desk").strip()
    reported = match.group("reported").strip()
    start = _OUTLET_START.search(reported + " ")
    if start:
        return reported[start.start():].strip()
    reported = _DESK.sub("", reported)
    return reported if len(reported.split()) <= 3 else None


def extract_metadata(layout: Layout) -> Metadata:
    """The metadata that the article's own lines state."""
    meta = Metadata()
    lines = layout.lines
    for i in sorted(layout.dates):
        meta.published, meta.published_as_written = layout.dates[i].iso, layout.dates[i].as_written
        break
    for i in layout.lines_with("news_code"):
        match = _NEWS_CODE.search(lines[i])
        if match:
            meta.news_code = to_ascii_digits(match.group(1))
            break
    for i in layout.lines_with("author"):
        meta.author = _AUTHOR_LABEL.sub("", lines[i].strip()).strip() or None
        break

    outlets: list[str] = []
    for i in layout.lines_with("source"):
        labelled = _LABELLED.match(lines[i])
        value = labelled.group("value") if labelled else lines[i].strip()
        if labelled or SITE_CUES.search(fold(value)):
            outlets.append(value)
    kept = layout.kept()
    if kept:
        for _, paragraph in kept[:3]:
            attributed = _attribution_outlet(paragraph)
            if attributed:
                outlets.append(attributed)
                break
    outlets += [part for part in layout.site_suffix if SITE_CUES.search(fold(part))]
    meta.outlet = outlets[0] if outlets else None
    return meta
