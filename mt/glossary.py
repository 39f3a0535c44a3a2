"""User glossaries: names and terms rendered the same way in every translation.

Applied by inline term injection: the source term is replaced by its English
rendering before translation (NMT models copy Latin-script spans through), and
the output is checked for it, so the digest can show which entries fired and
flag any the model dropped.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from core.article import Flag
from core.errors import InputError

_ARABIC_LETTER = "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"


@dataclass(frozen=True)
class Term:
    source: str
    english: str


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]

    def apply(self, text: str) -> tuple[str, list[Term]]:
        """`text` with glossary terms replaced by their English, and the terms that fired."""
        fired: list[Term] = []
        for term in self.terms:  # longest first, so "سرلشکر باقری" wins over "باقری"
            pattern = rf"(?<![{_ARABIC_LETTER}]){re.escape(term.source)}(?![{_ARABIC_LETTER}])"
            text, count = re.subn(pattern, lambda _m, t=term: t.english, text)
            if count:
                fired.append(term)
        return text, fired


def glossary_flags(fired: list[Term], english: str) -> list[Flag]:
    """One `glossary` flag per entry used, or `glossary_missed` when the output lost it."""
    return [
        Flag("glossary" if term.english.lower() in english.lower() else "glossary_missed",
             f"{term.source} → {term.english}")
        for term in fired
    ]


def load_glossary(path: Path) -> Glossary:
    """Read a TSV (`source<TAB>english`) or CSV glossary; `#` lines are comments."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read glossary ({exc})") from None
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    terms: dict[str, Term] = {}
    for number, row in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise InputError(str(path), f"line {number}: expected 'source{'<TAB>' if delimiter == chr(9) else ','}english'")
        source, english = row[0].strip(), row[1].strip()
        terms[source] = Term(source, english)
    ordered = sorted(terms.values(), key=lambda t: len(t.source), reverse=True)
    return Glossary(tuple(ordered))
