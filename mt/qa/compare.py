"""Compare a source article with an English translation from anywhere: align, flag, score, report.

    result = compare_translation(article, english_text, ours=None)   # library: plain data in, out
    job = run_compare(source, translation, output, formats, settings) # the `mtdigest compare` job

Each source sentence's `english` becomes the external English aligned to it (1–2: both
English sentences; 2–1: the merged English on the first, the second `merged_into` it
with a `merged` flag; 1–0: "" and a `dropped` flag; 0–1: appended to the nearest
previous matched sentence with an `extra_english` flag), then `check_article` adds the
quality flags. When our own model is available, the aligner also uses similarity to
our translation of each sentence, and the report scores the external English against
ours (chrF and BLEU by sacrebleu, with their signatures).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from mt.article import Article, Flag, Sentence
from mt.errors import InputError
from mt.glossary import Glossary
from mt.qa.alignment import Alignment, align
from mt.qa.checks import QA_CODES, check_article

ALIGN_CODES = ("merged", "extra_english")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass
class Comparison:
    article: Article
    english: list[str]
    alignment: Alignment
    report: dict[str, Any]


def english_sentences(text: str) -> list[str]:
    """Sentences of an English text; blank lines end a sentence, single line breaks do not (hard wraps)."""
    from summarize.text import split_english

    return [s for paragraph in _PARAGRAPH_BREAK.split(text) for s in split_english(paragraph)]


def compare_translation(
    article: Article,
    english_text: str,
    ours: dict[str, str] | None = None,
    glossary: Glossary | None = None,
    ours_model: str | None = None,
) -> Comparison:
    """Align `english_text` to the article's sentences (in place) and flag every pair.

    `ours`: our own translation by sentence id (and "title"), when a model was available;
    `ours_model`: its signature, for the report.
    """
    started = time.perf_counter()
    english = english_sentences(english_text)
    units: list[Sentence | None] = ([None] if article.title.source.strip() else []) + article.sentences()
    sources = [article.title.source if u is None else (u.normalized or u.source) for u in units]
    our_texts = [(ours or {}).get("title" if u is None else u.id, "") for u in units] if ours else None
    alignment = align(sources, english, article.language, ours=our_texts, glossary=glossary)
    _apply(article, units, english, alignment)
    check_article(article, glossary)
    article.timings["compare_s"] = round(time.perf_counter() - started, 3)
    report = _report(article, units, english, alignment, our_texts, ours_model)
    return Comparison(article, english, alignment, report)


def _apply(article: Article, units: list[Sentence | None], english: list[str], alignment: Alignment) -> None:
    for sentence in article.sentences():
        sentence.english, sentence.merged_into = "", None
        sentence.flags = [f for f in sentence.flags if f.code not in QA_CODES and f.code not in ALIGN_CODES]
    article.title.english = None
    holders: list[Sentence | None] = []  # per bead: the sentence holding its English
    for bead in alignment.beads:
        text = " ".join(english[j] for j in bead.english)
        first = units[bead.source[0]] if bead.source else None
        holders.append(first if bead.source and bead.english else None)
        if not bead.source:
            continue
        if first is None:  # the title
            if len(bead.source) == 1:
                article.title.english = text or None
            elif bead.english:  # title and first sentence share one English sentence: it goes to the sentence
                holders[-1] = units[bead.source[1]]
                holders[-1].english = text  # type: ignore[union-attr]
            continue
        first.english = text
        for other in bead.source[1:]:
            second = units[other]
            assert second is not None
            second.merged_into = first.id
            second.flags.append(Flag("merged", f"its English is given with {first.id} (2–1 alignment)"))
    for n, bead in enumerate(alignment.beads):
        if bead.source or not bead.english:
            continue
        holder = next((h for h in reversed(holders[:n]) if h is not None), None) \
            or next((h for h in holders[n:] if h is not None), None) \
            or (article.sentences()[0] if article.sentences() else None)
        if holder is None:
            continue
        extra = " ".join(english[j] for j in bead.english)
        holder.english = f"{holder.english} {extra}".strip()
        holder.flags.append(Flag("extra_english", f"English with no source sentence: {extra[:120]}"))


def _report(article: Article, units: list[Sentence | None], english: list[str], alignment: Alignment,
            ours: list[str] | None, ours_model: str | None) -> dict[str, Any]:
    sentences = article.sentences()
    kinds = Counter(bead.kind for bead in alignment.beads)
    unit_ids = ["title" if u is None else u.id for u in units]
    covered = [s for s in sentences if s.english or s.merged_into]
    matched_english = sum(len(b.english) for b in alignment.beads if b.source)
    flagged = {s.id: [f.code for f in s.flags if f.code in QA_CODES or f.code in ALIGN_CODES]
               for s in sentences}
    flagged = {sid: codes for sid, codes in flagged.items() if codes}
    by_code = Counter(code for codes in flagged.values() for code in codes)
    report: dict[str, Any] = {
        "id": article.id,
        "language": article.language,
        "sentences": {"source": len(sentences), "english": len(english)},
        "coverage": {
            "source": round(len(covered) / len(sentences), 4) if sentences else 0.0,
            "english": round(matched_english / len(english), 4) if english else 0.0,
        },
        "alignment": {
            "signature": alignment.signature,
            "ratio": round(alignment.ratio, 3),
            "beads": {kind: kinds.get(kind, 0) for kind in ("1-1", "1-2", "2-1", "1-0", "0-1")},
            "links": [{"source": [unit_ids[i] for i in b.source], "english": list(b.english)}
                      for b in alignment.beads],
        },
        "flags": {"sentences_flagged": len(flagged), "by_code": dict(sorted(by_code.items())),
                  "sentences": flagged},
        "similarity": _similarity(alignment, english, ours, ours_model),
    }
    return report


def _similarity(alignment: Alignment, english: list[str], ours: list[str] | None,
                ours_model: str | None) -> dict[str, Any]:
    """chrF and BLEU of the external English against our translation, over aligned beads."""
    if not ours:
        return {"model": None, "note": "ran without model similarity: alignment by length, numbers and names only"}
    from sacrebleu.metrics import BLEU, CHRF

    hypotheses, references = [], []
    for bead in alignment.beads:
        if bead.source and bead.english:
            hypotheses.append(" ".join(english[j] for j in bead.english))
            references.append(" ".join(ours[i] for i in bead.source))
    if not hypotheses:
        return {"model": ours_model, "note": "no aligned pairs to score"}
    chrf, bleu = CHRF(), BLEU()
    return {
        "model": ours_model,
        "pairs": len(hypotheses),
        "chrf": round(chrf.corpus_score(hypotheses, [references]).score, 2),
        "bleu": round(bleu.corpus_score(hypotheses, [references]).score, 2),
        "chrf_signature": str(chrf.get_signature()),
        "bleu_signature": str(bleu.get_signature()),
    }


def report_text(report: dict[str, Any]) -> str:
    """A few lines for the terminal: alignment, coverage, flags, scores."""
    beads = ", ".join(f"{k} {v}" for k, v in report["alignment"]["beads"].items() if v)
    coverage = report["coverage"]
    by_code = report["flags"]["by_code"]
    lines = [
        f"{report['id']}: {report['sentences']['source']} source sentences, {report['sentences']['english']} "
        f"English; aligned {beads}",
        f"coverage: {coverage['source']:.0%} of source sentences have English, "
        f"{coverage['english']:.0%} of English sentences match a source sentence",
        f"flagged {report['flags']['sentences_flagged']} sentence(s)"
        + (": " + ", ".join(f"{code} {n}" for code, n in by_code.items()) if by_code else ""),
    ]
    similarity = report["similarity"]
    if similarity.get("chrf") is not None:
        lines.append(f"vs our translation ({similarity['model']}): chrF {similarity['chrf']:.1f}, "
                     f"BLEU {similarity['bleu']:.1f} over {similarity['pairs']} aligned pairs")
    else:
        lines.append(similarity.get("note", ""))
    return "\n".join(lines)
