"""English text helpers shared by the extractive ranker, support linking and faithfulness checks.

Plain functions, no model: content-word tokens (lower-cased, light suffix stripping, stop
words dropped) and the article's English sentences as (id, text) pairs; sentence splitting of
English is the ground's (`core.english.split_english`), shared with the comparison view.
"""

from __future__ import annotations

import re

from core.article import Article, Sentence

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves said says say
    told tell according added one two new also may might must shall upon within without among amid via per
    its it's he's she's they're we're i'm don't didn't won't can't""".split()
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def words(text: str) -> list[str]:
    """Word tokens as written (letters and digits, inner apostrophes kept)."""
    return _WORD.findall(text)


def stem(word: str) -> str:
    """A deliberately light English stemmer: enough to match 'ministers'/'minister', 'talks'/'talked'."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def content_terms(text: str) -> list[str]:
    """Stemmed content words of `text` (stop words and one-letter tokens dropped), in order."""
    return [stem(w) for w in words(text) if len(w) > 1 and w.lower() not in STOPWORDS]


def english_of(sentence: Sentence, language: str | None) -> str:
    """The English of a sentence: its translation, or its source text in an English article."""
    if sentence.english is not None:
        return sentence.english
    return sentence.source if language == "en" else ""


def english_sentences(article: Article) -> list[tuple[str, str]]:
    """(sentence id, English) of every sentence with English text, in document order."""
    pairs = [(s.id, english_of(s, article.language).strip()) for s in article.sentences()]
    return [(sid, text) for sid, text in pairs if text]


def has_english(article: Article) -> bool:
    """True when every sentence has English (translated, or the article is English)."""
    return article.language == "en" or all(s.english is not None for s in article.sentences())
