"""Per-sentence quality flags: cheap, model-free, language-aware checks of a source/English pair.

Codes (each `Flag` also carries a short reason):
- `number_missing` / `number_added`: a source number (any digit system, dates and
  Jalali/Hijri years by their Gregorian values) absent from the English, or an English
  number the source does not state (`mt.qa.numbers`);
- `untranslated`: Arabic-script text left in the English;
- `repetition`: the English loops; `length_ratio`: far longer or shorter than the
  language pair's length model expects (`mt.qa.length`);
- `dropped`: the source sentence has empty or near-empty English;
- `name_missing`: a glossary term or a Latin-script name of the source is not in the English;
- `quote_missing`: the source quotes someone («…», "…") and the English has no quotation.

`check_article` replaces the flags it owns, so running it again adds nothing twice.
"""

from __future__ import annotations

import re
import unicodedata

from core.normalize import fold
from core.article import Article, Flag, Sentence
from mt.glossary import Glossary
from mt.qa.dates import date_mismatches
from mt.qa.degenerate import repetition
from mt.qa.length import chars, length_model, length_outlier
from mt.qa.numbers import compare_numbers

QA_CODES = frozenset({"number_missing", "number_added", "untranslated", "repetition", "length_ratio", "dropped",
                      "name_missing", "quote_missing", "date_mismatch"})

_ARABIC_SCRIPT = re.compile("[\u0600-\u0605\u0608\u060b\u060e-\u061a\u061d-\u064a\u066e-\u06d3\u06d5-\u06ff"
                            "\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]+")
_ARABIC_WORD = re.compile(f"\\S*{_ARABIC_SCRIPT.pattern}\\S*")
_LATIN_NAME = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z'’.&-]*[A-Za-z0-9]")
_LATIN_WORD = re.compile(r"[a-z0-9'’.&-]+")
# A source name this long is still kept when the English respells it by one letter.
MIN_RESPELLED = 6
# Quotation marks: guillemets, curly and straight double quotes.
_QUOTES = [("«", "»"), ("“", "”"), ("„", "“"), ('"', '"')]
# A quoted span this many words or longer is a quotation; shorter ones are mostly
# names and titles in guillemets (سرلشکر «صلاح الدین کاسر الغانم»), rendered without marks.
MIN_QUOTE_WORDS = 5
# English this short for a source this long is "near-empty".
NEAR_EMPTY_SHARE = 0.15
NEAR_EMPTY_MIN_SOURCE = 40


def quoted_spans(text: str) -> list[str]:
    """The text inside each pair of quotation marks, in order."""
    spans = []
    for opening, closing in _QUOTES:
        pattern = re.escape(opening) + r"([^" + re.escape(opening + closing) + r"]+)" + re.escape(closing)
        spans += re.findall(pattern, text)
    return spans


def latin_names(text: str) -> list[str]:
    """Latin-script tokens in a source sentence (names, acronyms, product codes)."""
    return [m.group() for m in _LATIN_NAME.finditer(text) if len(m.group()) > 1]


def quotations(text: str) -> int:
    """Quotations in `text`: complete spans, or one when a mark is left open (a quotation that a sentence
    boundary cut, begun in the sentence before or ending in the next, as FLORES-200 and news split them)."""
    spans = len(quoted_spans(text))
    return spans or int(any(mark in text for pair in _QUOTES for mark in pair))


def _plain(text: str) -> str:
    """Lowercase, accents dropped: Haldarsvík and Haldarsvik are one name."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by at most one inserted, deleted or replaced letter."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def name_in(name: str, english: str) -> bool:
    """Whether the English keeps a Latin-script name of the source: as written, without its accents, or (names
    of MIN_RESPELLED letters or more) respelled by one letter, as translators do (Hadarsvik, Haldarsvík)."""
    key, text = _plain(name), _plain(english)
    if key in text:
        return True
    return len(key) >= MIN_RESPELLED and any(_one_edit(key, word) for word in _LATIN_WORD.findall(text))


def untranslated(english: str) -> str | None:
    """A short reason when Arabic-script text is left in the English, else None."""
    spans = _ARABIC_WORD.findall(english)
    if not spans:
        return None
    shown = " ".join(spans[:4])
    more = f" (+{len(spans) - 4} more)" if len(spans) > 4 else ""
    return f"{len(spans)} Arabic-script word(s): {shown[:80]}{more}"


def dropped(source: str, english: str, language: str | None) -> str | None:
    """A short reason when a source sentence got no English, or next to none."""
    if not english.strip():
        return "no English for this sentence"
    expected = chars(source) * length_model(language).ratio
    if chars(source) >= NEAR_EMPTY_MIN_SOURCE and chars(english) < NEAR_EMPTY_SHARE * expected:
        return f"near-empty: {chars(english)} English characters for {chars(source)} source"
    return None


def check_pair(source: str, english: str, language: str | None, glossary: Glossary | None = None,
               skip_terms: frozenset[str] = frozenset()) -> list[Flag]:
    """Every quality flag of one source/English pair (`source` in any normalization)."""
    reason = dropped(source, english, language)
    if reason:
        return [Flag("dropped", reason)]
    flags: list[Flag] = []
    missing, added = compare_numbers(source, english)
    if missing:
        flags.append(Flag("number_missing", ", ".join(missing)))
    if added:
        flags.append(Flag("number_added", ", ".join(added)))
    wrong_dates = date_mismatches(source, english)
    if wrong_dates:
        flags.append(Flag("date_mismatch", "; ".join(wrong_dates)))
    for code, reason in (("untranslated", untranslated(english)), ("repetition", repetition(english)),
                         ("length_ratio", length_outlier(source, english, language))):
        if reason:
            flags.append(Flag(code, reason))
    lower = english.lower()
    names = [name for name in dict.fromkeys(latin_names(source)) if not name_in(name, english)]
    if glossary:
        folded = fold(source)
        names += [f"{t.source} → {t.english}" for t in glossary.terms
                  if f"{t.source} → {t.english}" not in skip_terms and fold(t.source) in folded
                  and t.english.lower() not in lower]
    if names:
        flags.append(Flag("name_missing", "; ".join(names)))
    quotes = [q for q in quoted_spans(source) if len(q.split()) >= MIN_QUOTE_WORDS]
    kept = quotations(english)
    if quotes and kept < len(quotes):
        flags.append(Flag("quote_missing", f"{len(quotes)} quotation(s) in the source, "
                                           f"{kept} in the English: «{quotes[0][:60]}»"))
    return flags


def check_article(article: Article, glossary: Glossary | None = None) -> None:
    """Add quality flags to every sentence that has English (in place; idempotent).

    A sentence whose English was merged into another's (`merged_into`, 2–1 alignment)
    is checked together with it: the first sentence's flags judge both sources.
    """
    if article.language == "en":
        return
    sentences = article.sentences()
    merged: dict[str, list[Sentence]] = {}
    for sentence in sentences:
        if sentence.merged_into:
            merged.setdefault(sentence.merged_into, []).append(sentence)
    for sentence in sentences:
        kept = [f for f in sentence.flags if f.code not in QA_CODES]
        if sentence.english is None or sentence.merged_into:
            sentence.flags = kept
            continue
        source = " ".join([sentence.normalized or sentence.source]
                          + [s.normalized or s.source for s in merged.get(sentence.id, [])])
        language = sentence.language or article.language
        own = frozenset(f.detail for f in kept if f.code in ("glossary", "glossary_missed"))
        found = check_pair(source, sentence.english, language, glossary, own)
        if any(f.code == "empty_output" for f in kept):  # translation already said so
            found = [f for f in found if f.code != "dropped"]
        sentence.flags = kept + found
