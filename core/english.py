"""Sentence splitting of English prose: generated summaries, the English of a pair, a reference translation.

Shared ground of the stages that read English (summaries and their support links, the comparison view).
"""

from __future__ import annotations

import re

from core.normalize import BIDI_MARKS

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Rep", "Sen", "Gov",
                  "St", "Jr", "Sr", "No", "Vol", "vs", "etc", "Inc", "Ltd", "Co", "Corp", "Jan", "Feb", "Mar", "Apr",
                  "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Rev", "Fr", "Hon", "Cpl", "Pvt", "Ave", "Mt")
_CLOSERS = "\"'”’)]"
# A sentence ends at . ! ? with its closing quotes/brackets and bidi marks (text copied from Arabic-script pages
# wraps punctuation in them: U+200F `.` U+200F), when whitespace and a capital or digit (perhaps behind marks and an
# opening quote) follow: any capital, İzmir's and Élysée's too (the group; `split_english` checks it).
_BOUNDARY = re.compile(rf"[.!?][{BIDI_MARKS}{re.escape(_CLOSERS)}]*(?=\s+[{BIDI_MARKS}]*[\"'“‘(\[]?[{BIDI_MARKS}]*(\w))")


def split_english(text: str) -> list[str]:
    """Sentences of English prose, keeping abbreviations and initials whole.

    Each sentence keeps its closing quotes and any bidi marks around its punctuation as written.
    """
    text = " ".join(text.split())
    if not text:
        return []
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.start() < start or not (match.group(1).isupper() or match.group(1).isdigit()):
            continue
        last = text[start:match.start()].rsplit(" ", 1)[-1].strip(BIDI_MARKS).rstrip(".!?" + _CLOSERS).strip(BIDI_MARKS)
        if last in _ABBREVIATIONS or re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", last):
            continue
        pieces.append(text[start:match.end()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]
