"""Sentence splitting for Persian, Arabic and English paragraphs.

`sentence_spans(text)` returns (start, end) offsets into `text`, so each sentence's
source is an exact substring of what was written. Boundaries: after `.` `!` `?`
`؟` `…` (and the closing quotes/brackets that follow them) when whitespace or a
letter of another sentence follows; after `؛` when both sides are full clauses.
Not boundaries: a point inside a number (`1.5`, `۲۰۱۱.۵`), after a single-letter
or known abbreviation (`د.`, `U.S.`, `Dr.`), inside a balanced quotation
(`«...»`, `“...”`, `"..."`) of reasonable length (but where the quotation closes right
after it, the sentence ends with the quotation: `گفت: «... داشتند.» دکتر ...`), and `:`
(a colon introduces the quote that follows it: `گفت: «...»` stays one sentence). Punctuation wrapped in
bidi marks (U+200E, U+200F, U+061C, as text copied from Arabic pages and Word has it:
U+200F `.` U+200F) ends a sentence like bare punctuation; the marks stay in the text.

Linear in the paragraph's length: every look-back and look-ahead is bounded, so a
one-line 5 MB article splits as fast per byte as a short one.
"""

from __future__ import annotations

import bisect
import re

from core.normalize import BIDI_MARKS

_TERMINAL = ".!?؟…"
_CLOSERS = "\"'»”’)]}›"
_QUOTE_PAIRS = {"«": "»", "“": "”", "‹": "›", "„": "“"}
_MAX_PROTECTED_QUOTE = 400  # characters: longer quotes are split inside like plain text
_MIN_CLAUSE_WORDS = 6  # ؛ splits only between clauses at least this long

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st gen lt col maj sgt capt cmdr adm sen rep gov pres jr sr inc ltd co corp "
    "vs etc e.g i.e u.s u.k u.n no nos vol fig jan feb mar apr jun jul aug sep sept oct nov dec "
    "a.m p.m approx dept est mt ft".split()
)
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06d5\u06fa-\u06ff]")
_MAX_ABBREVIATION = 12  # characters: a longer token before a full stop is a word, not an abbreviation
_CLAUSE_WINDOW = 400  # characters looked at on each side of ؛ to count _MIN_CLAUSE_WORDS words


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Balanced quotations short enough to keep whole: (open index, close index)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        close = _QUOTE_PAIRS.get(ch) or ('"' if ch == '"' else None)
        if close is not None:
            j = text.find(close, i + 1, i + _MAX_PROTECTED_QUOTE + 1)
            if j != -1:
                spans.append((i, j))
                i = j + 1
                continue
        i += 1
    return spans


def _is_abbreviation(text: str, dot: int) -> bool:
    start = dot
    while start > 0 and dot - start <= _MAX_ABBREVIATION and not text[start - 1].isspace():
        start -= 1
    if start == dot or dot - start > _MAX_ABBREVIATION:
        return False
    token = text[start:dot].strip(BIDI_MARKS).lstrip("(\"'«“").lower()
    letters = token.replace(".", "")
    if len(letters) == 1 and letters.isalpha():
        return True  # initials and one-letter abbreviations: J. Smith, د. محمد, م.
    return token in _ABBREVIATIONS


def _words(text: str) -> int:
    return len(text.split())


def _skip_marks(text: str, j: int) -> int:
    while j < len(text) and text[j] in BIDI_MARKS:
        j += 1
    return j


def _before_marks(text: str, i: int) -> int:
    """Index of the character before position i, bidi marks skipped (-1 at the start)."""
    k = i - 1
    while k >= 0 and text[k] in BIDI_MARKS:
        k -= 1
    return k


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, trimmed of surrounding whitespace."""
    protected = _quote_spans(text)  # disjoint and in order
    starts = [a for a, _ in protected]

    def inside_quote(pos: int, end: int) -> bool:
        """Whether the terminal at `pos` stays inside its quotation: not when the closing mark follows it
        (`گفت: «... داشتند.» دکتر ...`: the sentence ends with the quotation), unless a lowercase Latin
        letter goes on (`"I'm done." he said`)."""
        k = bisect.bisect_left(starts, pos) - 1
        if k < 0 or not protected[k][0] < pos < protected[k][1]:
            return False
        if protected[k][1] >= end:
            return True  # the quotation goes on after the terminal
        after = _skip_marks(text, end + 1)
        follower = text[after:after + 1]
        return text[end:end + 1].isspace() and follower.islower() and follower.isascii()

    cuts: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _TERMINAL or ch == "؛":
            j = _skip_marks(text, i + 1)
            while j < n and text[j] in _TERMINAL:
                j = _skip_marks(text, j + 1)
            while j < n and text[j] in _CLOSERS:
                j = _skip_marks(text, j + 1)
            nxt = text[j] if j < n else ""
            before = _before_marks(text, i)
            prev = text[before] if before >= 0 else ""
            boundary = False
            if j >= n:
                boundary = False  # the paragraph's end is a boundary anyway
            elif ch == "." and prev.isdigit() and nxt.isdigit():
                boundary = False
            elif nxt.isspace():
                boundary = True
            elif _ARABIC_LETTER.match(nxt) and _ARABIC_LETTER.match(prev) and ch != "؛":
                boundary = True  # "کرد.وی گفت": a missing space after a full stop
            if boundary and ch == "." and _skip_marks(text, i + 1) == j and _is_abbreviation(text, before + 1):
                boundary = False
            if boundary and inside_quote(i, j):
                boundary = False
            if boundary and ch == "؛":
                start = max(cuts[-1] if cuts else 0, i - _CLAUSE_WINDOW)
                boundary = (_words(text[start:i]) >= _MIN_CLAUSE_WORDS
                            and _words(text[j:j + _CLAUSE_WINDOW]) >= _MIN_CLAUSE_WORDS)
            if boundary:
                cuts.append(j)
            i = j
            continue
        i += 1

    spans: list[tuple[int, int]] = []
    start = 0
    for cut in [*cuts, n]:
        a, b = start, cut
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))
        start = cut
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of a paragraph, each exactly as written."""
    return [text[a:b] for a, b in sentence_spans(text)]
