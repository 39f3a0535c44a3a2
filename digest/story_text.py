"""What a story says in the brief: a lede over all its sources, what each source adds, and where they differ.

The lede summarizes the story's articles together: their English, one paragraph per source, is one
English article for `summarize` (abstractive: the summarizer with its map-reduce past the window, and
its cache; extractive: central, non-redundant sentences across all sources). Each source then adds
the summary sentence that repeats least of what was already said. The differences are the names,
places and numbers one source reports and no other, each in English with its original spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from digest.stories import Evidence
from digest.transliterate import as_written, english_name
from digest.wording import shorten
from core.names import PLACE_KEYS, latin_skeleton
from core.normalize import fold
from core.article import Article, Paragraph, Sentence
from summarize.text import content_terms, english_of

LEDE_SENTENCES = 2
MAX_LEDE, MAX_ADDS = 480, 320  # characters: two sentences, one sentence of ordinary news English
NOVEL_ENOUGH = 0.5  # a sentence at least half of whose content words are new adds something
_PROCLITICS = ("وال", "بال", "لل", "فال", "ال", "و", "ب", "ل", "ف")


@dataclass(frozen=True)
class Detail:
    """A name, place or number one source reports: `english` to read, `original` as the source writes it."""

    kind: str
    english: str
    original: str


def english_texts(article: Article) -> list[str]:
    """The article's English, title first (its source text for an English article)."""
    title = article.title.source if article.language == "en" else article.title.english or ""
    return [title, *(english_of(s, article.language) for s in article.sentences())]


def story_article(group: list[Article], story_id: str) -> Article:
    """The story's sources as one English article: a paragraph per source, in order."""
    paragraphs = []
    for n, article in enumerate(group, start=1):
        texts = [t.strip() for t in english_texts(article)[1:] if t.strip()]
        sentences = [Sentence(id=f"p{n}.s{m}", source=t, normalized=t, english=t) for m, t in enumerate(texts, 1)]
        if sentences:
            paragraphs.append(Paragraph(id=f"p{n}", sentences=sentences))
    return Article(id=f"{story_id}-lede", language="en", paragraphs=paragraphs)


def write_lede(group: list[Article], story_id: str, summarizer: Any, method: str, options: Any = None,
               cache: Any = None) -> str:
    """One or two sentences over all the story's sources (`method`: abstractive | extractive)."""
    from summarize import summarize

    combined = story_article(group, story_id)
    if not combined.sentences():
        return ""
    count = min(LEDE_SENTENCES, len(combined.sentences()))
    summary = summarize(combined, summarizer, method=method, sentences=count, options=options, cache=cache)
    return shorten(" ".join(s.english for s in summary.sentences), MAX_LEDE)


def _novelty(text: str, said: set[str]) -> float:
    terms = set(content_terms(text))
    return len(terms - said) / len(terms) if terms else 0.0


def source_additions(group: list[Article], lede: str) -> list[str]:
    """Per source, the summary sentence (else its English title or lead) that repeats least of the lede and the sources
    before it; the first that is new enough wins, so a source's own lead is preferred."""
    said = set(content_terms(lede))
    additions = []
    for article in group:
        candidates = [s.english for s in (article.summary.sentences if article.summary else [])]
        candidates += english_texts(article)[:1 + LEDE_SENTENCES]  # the title, then the lead
        candidates = [c.strip() for c in candidates if c.strip()]
        if not candidates:
            additions.append("")
            continue
        best = next((c for c in candidates if _novelty(c, said) >= NOVEL_ENOUGH),
                    max(candidates, key=lambda c: _novelty(c, said)))
        additions.append(shorten(best, MAX_ADDS))
        said |= set(content_terms(best))
    return additions


def _place_original(english: str, texts: list[str]) -> str:
    """The source's spelling of a gazetteer place (a proclitic like `ب` in `بدمشق` left off)."""
    for text in texts:
        for word in text.split():
            word = word.strip("«»\"'()،,.:؛!؟")
            folded = fold(word)
            if PLACE_KEYS.get(folded) == english:
                return word
            for clitic in _PROCLITICS:
                if folded.startswith(clitic) and PLACE_KEYS.get(folded[len(clitic):]) == english:
                    return word[len(clitic):]
    return ""


def _details(e: Evidence, unique: set[str], story_english: list[str]) -> list[Detail]:
    article = e.article
    source = [article.title.source, *(s.source for s in article.sentences())]
    english = english_texts(article) + story_english
    details = []
    for item in sorted(unique):
        kind, value = item.split(":", 1)
        if kind == "name":
            original = as_written(value, source)
            details.append(Detail("name", english_name(original, english, article.language), original))
        elif kind == "place":
            original = "" if article.language == "en" else _place_original(value, source)
            details.append(Detail("place", value, original))
        elif kind == "num":
            details.append(Detail("number", value, ""))
    order = {"name": 0, "place": 1, "number": 2}
    return sorted(details, key=lambda d: (order[d.kind], d.english))


def differences(evidence: list[Evidence]) -> dict[str, list[Detail]]:
    """Names, places and numbers only one source of the story reports, by article id. A name another source
    writes in another script (same consonant skeleton) counts as reported by both."""
    if len(evidence) < 2:
        return {}
    story_english = [t for e in evidence if e.is_english for t in english_texts(e.article)]
    result = {}
    for e in evidence:
        others = set().union(*(o.items for o in evidence if o is not e))
        unique = {i for i in e.items - others if not i.startswith("skeleton:")}
        unique = {i for i in unique if not (i.startswith("name:") and
                                            f"skeleton:{latin_skeleton(i[5:])}" in others)}
        details = _details(e, unique, story_english)
        if details:
            result[e.article.id] = details
    return result
