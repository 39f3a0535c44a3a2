"""Compare a source article with an English translation from anywhere: align, flag, score, report.

    result = compare_translation(article, english_text, ours=None)   # library: plain data in, out
    job = run_compare(source, translation, output, formats, settings) # the `mtdigest compare` job

Each source sentence's `english` becomes the external English aligned to it (1–n: all its
English sentences; n–1: the merged English on the first, the others `merged_into` it with a
`merged` flag, and a `possible_omission` flag too when that English is short for all of them,
which then counts them out of coverage: two sentences missing from a translation must not pass
as a merge; 1–0: "" and a `dropped` flag; 0–1: appended to the nearest previous matched
sentence with an `extra_english` flag), then `check_article` adds the quality flags.

The translation's paragraphs (blank lines, or one paragraph a line where its lines end
sentences) and the article's paragraphs go to the aligner, which lets them lead when they
correspond. When our own model is available, the aligner also uses similarity to our
translation of each sentence, and the report scores the external English against ours (chrF
and BLEU by sacrebleu, with their signatures). With a `scorer` (`mt.scoring.ForcedScorer`), the
model scores every aligned pair of their English and of ours by forced decoding (`mt.qa.agreement`):
the holding sentence's `confidence` is then the model's confidence in *their* English, flagged
`low_confidence` below `review_below` and `model_disagrees` where ours is much more likely, and the
report's `model_scores` lists both confidences pair by pair.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from core.article import Article, Flag, Sentence
from core.english import split_english
from core.normalize import BIDI_MARKS
from mt.glossary import Glossary
from mt.qa.agreement import DISAGREE_GAP, SCORE_CODES, Scorer, mark_pairs, score_pairs, shown, summarize_pairs
from mt.qa.alignment import BEAD_KINDS, PARAGRAPH_PRIORS, Alignment, Bead, align
from mt.qa.checks import QA_CODES, check_article
from mt.qa.length import chars
from mt.review import REVIEW_BELOW

ALIGN_CODES = ("merged", "possible_omission", "extra_english")
# An n–1 merge whose English is this many δ shorter than n source sentences should have is a possible omission.
OMISSION_Z = 2.5
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(rf"[.!?…؟][{BIDI_MARKS}\"'”’»)\]]*$")
_HEADING_SHARE = 0.7  # a line without a full stop this much shorter than its block's longest is a heading


@dataclass
class Comparison:
    article: Article
    english: list[str]
    alignment: Alignment
    report: dict[str, Any]


def english_sentences(text: str) -> list[str]:
    """Sentences of an English text; paragraph breaks (`english_paragraphs`) end a sentence, hard wraps do not."""
    return [s for paragraph in english_paragraphs(text) for s in paragraph]


def english_paragraphs(text: str) -> list[list[str]]:
    """The sentences of each paragraph of an English text.

    Paragraphs are separated by blank lines; inside a block, a line break is a paragraph break too
    when the line before it ends a sentence, or is a heading (no full stop, clearly shorter than the
    block's longest line, the next line capitalized). Any other line break is a hard wrap.
    """
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(text):
        for paragraph in _line_paragraphs(block):
            sentences = split_english(paragraph)
            if sentences:
                paragraphs.append(sentences)
    return paragraphs


def _line_paragraphs(block: str) -> list[str]:
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    longest = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current: list[str] = []
    for k, line in enumerate(lines):
        current.append(line)
        following = lines[k + 1] if k + 1 < len(lines) else ""
        heading = len(line) < _HEADING_SHARE * longest and following[:1].isupper()
        if not following or _SENTENCE_END.search(line) or heading:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def compare_translation(
    article: Article,
    english_text: str,
    ours: dict[str, str] | None = None,
    glossary: Glossary | None = None,
    ours_model: str | None = None,
    scorer: Scorer | None = None,
    review_below: float = REVIEW_BELOW,
    disagree_gap: float = DISAGREE_GAP,
) -> Comparison:
    """Align `english_text` to the article's sentences (in place) and flag every pair.

    `ours`: our own translation by sentence id (and "title"), when a model was available;
    `ours_model`: its signature, for the report; `scorer`: the model's forced-decoding scores, for
    `confidence` of every aligned pair (theirs, and ours beside it when `ours` is given), flagged
    `low_confidence` below `review_below` and `model_disagrees` where ours is more likely by over
    `disagree_gap` nats per token.
    """
    started = time.perf_counter()
    paragraphs = english_paragraphs(english_text)
    english = [s for paragraph in paragraphs for s in paragraph]
    english_paragraph = [k for k, paragraph in enumerate(paragraphs) for _ in paragraph]
    has_title = bool(article.title.source.strip())
    units: list[Sentence | None] = ([None] if has_title else []) + article.sentences()
    source_paragraph = ([0] if has_title else []) + [k + 1 for k, p in enumerate(article.paragraphs)
                                                     for _ in p.sentences]
    sources = [article.title.source if u is None else (u.normalized or u.source) for u in units]
    our_texts = [(ours or {}).get("title" if u is None else u.id, "") for u in units] if ours else None
    alignment = align(sources, english, article.language, ours=our_texts, glossary=glossary,
                      source_paragraphs=source_paragraph, english_paragraphs=english_paragraph)
    _apply(article, units, sources, english, alignment)
    check_article(article, glossary)
    scores: dict[str, Any] = {"model": None, "note": "ran without model scores"}
    if scorer is not None:
        unit_ids = ["title" if u is None else u.id for u in units]
        pairs = score_pairs(alignment, unit_ids, sources, english, our_texts, scorer, disagree_gap)
        mark_pairs(article, units, alignment, pairs, review_below, disagree_gap)
        scores = summarize_pairs(pairs, scorer.signature, disagree_gap)
    article.timings["compare_s"] = round(time.perf_counter() - started, 3)
    report = _report(article, units, english, alignment, our_texts, ours_model)
    report["model_scores"] = scores
    return Comparison(article, english, alignment, report)


def _apply(article: Article, units: list[Sentence | None], sources: list[str], english: list[str],
           alignment: Alignment) -> None:
    for sentence in article.sentences():
        sentence.english, sentence.merged_into, sentence.confidence = "", None, None
        sentence.flags = [f for f in sentence.flags if f.code not in (*QA_CODES, *ALIGN_CODES, *SCORE_CODES)]
    article.title.english, article.title.confidence = None, None
    holders: list[Sentence | None] = []  # per bead: the sentence holding its English
    for bead in alignment.beads:
        text = " ".join(english[j] for j in bead.english)
        members = [units[i] for i in bead.source]
        if members and members[0] is None:  # the title
            if len(members) == 1:
                article.title.english = text or None
                holders.append(None)
                continue
            members = members[1:]  # title and sentences share English: it goes to the sentences
        first = members[0] if members else None
        holders.append(first if bead.english else None)
        if first is None:
            continue
        assert all(m is not None for m in members)
        first.english = text
        short = _short_for(alignment, bead, sources, english) if len(members) > 1 and bead.english else None
        for other in members[1:]:
            assert other is not None
            other.merged_into = first.id
            other.flags.append(Flag("merged", f"its English is given with {first.id} "
                                              f"({len(members)}–1 alignment)"))
            if short:
                other.flags.append(Flag("possible_omission", f"the English given with {first.id} is {short}"))
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
    paragraph_kinds = Counter(bead.kind for bead in alignment.paragraphs)
    unit_ids = ["title" if u is None else u.id for u in units]
    covered = [s for s in sentences if s.english or (s.merged_into and not _flagged(s, "possible_omission"))]
    matched_english = sum(len(b.english) for b in alignment.beads if b.source)
    flagged = {s.id: [f.code for f in s.flags if f.code in (*QA_CODES, *ALIGN_CODES, *SCORE_CODES)]
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
            "beads": {kind: kinds.get(kind, 0) for kind in BEAD_KINDS},
            "paragraphs": {
                "led": bool(alignment.paragraphs),
                "beads": {f"{a}-{b}": paragraph_kinds.get(f"{a}-{b}", 0) for a, b in PARAGRAPH_PRIORS},
            },
            "possible_omissions": by_code.get("possible_omission", 0),
            "links": [{"source": [unit_ids[i] for i in b.source], "english": list(b.english)}
                      for b in alignment.beads],
        },
        "flags": {"sentences_flagged": len(flagged), "by_code": dict(sorted(by_code.items())),
                  "sentences": flagged},
        "similarity": _similarity(alignment, english, ours, ours_model),
    }
    return report


def _short_for(alignment: Alignment, bead: Bead, sources: list[str], english: list[str]) -> str | None:
    """Why the English of an n–1 bead looks short for its n source sentences, or None when it does not."""
    source_chars = sum(chars(sources[i]) for i in bead.source) + len(bead.source) - 1
    english_chars = sum(chars(english[j]) for j in bead.english) + len(bead.english) - 1
    z = alignment.lengths.z(source_chars, english_chars)
    if z > -OMISSION_Z:
        return None
    return (f"short for {len(bead.source)} source sentences: {english_chars} English characters for "
            f"{source_chars} source (≈{alignment.lengths.ratio * source_chars:.0f} expected, δ {z:.1f}); "
            f"part of the source may be missing from the translation")


def _flagged(sentence: Sentence, code: str) -> bool:
    return any(f.code == code for f in sentence.flags)


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
        f"English; aligned {beads}" + (" (paragraphs first)" if report["alignment"]["paragraphs"]["led"] else ""),
        f"coverage: {coverage['source']:.0%} of source sentences have English, "
        f"{coverage['english']:.0%} of English sentences match a source sentence"
        + (f"; {omissions} merged sentence(s) may be missing from the translation (possible_omission)"
           if (omissions := report["alignment"]["possible_omissions"]) else ""),
        f"flagged {report['flags']['sentences_flagged']} sentence(s)"
        + (": " + ", ".join(f"{code} {n}" for code, n in by_code.items()) if by_code else ""),
    ]
    similarity = report["similarity"]
    if similarity.get("chrf") is not None:
        lines.append(f"vs our translation ({similarity['model']}): chrF {similarity['chrf']:.1f}, "
                     f"BLEU {similarity['bleu']:.1f} over {similarity['pairs']} aligned pairs")
    else:
        lines.append(similarity.get("note", ""))
    scores = report.get("model_scores", {})
    if scores.get("model"):
        lines.append(model_scores_line(scores))
    return "\n".join(lines)


def model_scores_line(scores: dict[str, Any]) -> str:
    """One line of the report's `model_scores`: both document confidences and the disagreements."""
    ours = scores.get("our_document_confidence")
    return (f"model confidence ({scores['model']}): theirs {shown(scores['document_confidence'])}"
            + (f", ours {shown(ours)}" if ours is not None else "")
            + f" over {scores['pairs_scored']} aligned pairs"
            + (f"; model_disagrees on {scores['model_disagrees']} (ours more likely by over "
               f"{scores['disagree_gap']} nats/token)" if ours is not None else ""))
