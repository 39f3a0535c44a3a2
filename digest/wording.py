"""How facts read in English on every page: counts with the right plural, dates as people write them,
outlets by their English name with the native one beside it, and honest date coverage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ingest.outlets import outlet_english
from core.article import Article, Sentence
from mt.review import needs_review

UNKNOWN_OUTLET = "Unknown outlet"
_IRREGULAR = {"story": "stories"}


def plural(count: int, noun: str) -> str:
    """`1 source`, `2 sources`, `3 stories`."""
    return f"{count} {noun if count == 1 else _IRREGULAR.get(noun, noun + 's')}"


def long_date(iso: str | None) -> str:
    """`2024-03-18` → `18 March 2024` (a value that is not an ISO date is shown as it is)."""
    if not iso:
        return ""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def date_span(dates: Sequence[str]) -> str:
    """`18 March 2024`, `18–19 March 2024`, or `30 March 2024 to 2 April 2024`."""
    first, last = min(dates), max(dates)
    if first == last:
        return long_date(first)
    a, b = long_date(first), long_date(last)
    if first[:7] == last[:7] and a != first:
        return f"{a.split()[0]}–{b}"
    return f"{a} to {b}"


def date_coverage(published: Sequence[str | None]) -> str:
    """How many articles are dated, and when: `2 of 5 articles dated: 18 March 2024`, never a range that
    hides the undated ones."""
    dates = [d for d in published if d]
    total = len(published)
    if not dates:
        return "no article dated" if total != 1 else "undated"
    share = f"all {plural(total, 'article')}" if len(dates) == total and total > 1 else (
        f"{len(dates)} of {plural(total, 'article')}" if total > 1 else "1 article")
    return f"{share} dated: {date_span(dates)}"


def outlet_names(article: Article) -> tuple[str, str]:
    """(English name, native name) of the article's outlet: the English from the article (or the gazetteer,
    for JSON written before it had one), `Unknown outlet` when neither is known; the native name is "" when
    it is in Latin letters (then it is an English name)."""
    native = (article.outlet or "").strip()
    english = article.outlet_english or outlet_english(native or None, article.url)
    if english:
        return english, "" if native.isascii() else native
    if native and native.isascii():
        return native, ""
    return UNKNOWN_OUTLET if not native else "", native


# The flagged-sentence banner shows when at least this share of the sentences carries a warning.
BANNER_SHARE = 0.2


def warnings_banner(article: Article) -> str:
    """`9 of 15 sentences have warnings` when many sentences are flagged, else ""."""
    sentences = article.sentences()
    flagged = sum(1 for s in sentences if s.flags)
    if not sentences or flagged < max(1.0, BANNER_SHARE * len(sentences)):
        return ""
    return f"{flagged} of {len(sentences)} sentences {'has' if flagged == 1 else 'have'} warnings"


# English cells whose model confidence is below this are shaded lighter than those flagged for review.
CONFIDENT = 0.6


def low_confidence(article: Article) -> list[Sentence]:
    """The sentences flagged `low_confidence`, in reading order (the review queue)."""
    return [s for s in article.sentences() if needs_review(s)]


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word before `limit` characters (with ` …`) when longer: a runaway
    translation or summary must not fill a page."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
