"""Text → `Article`: boilerplate, language, metadata, paragraphs and sentences with ids.

`prepare_articles` first splits a text holding several marker-closed articles (`ingest.split`).
"""

from __future__ import annotations

from collections.abc import Iterator

from ingest.boilerplate import strip_boilerplate
from ingest.langid import LANGUAGE_NAMES, SUPPORTED, LanguageGuess, differs_within, identify_language
from ingest.metadata import extract_metadata, parse_published
from core.normalize import normalize_text, unpresent
from ingest.outlets import outlet_english
from ingest.segment import sentence_spans
from ingest.split import split_articles
from core.article import Article, Paragraph, Removed, Sentence, Title, content_id, safe_id
from core.errors import InputError, UnsupportedLanguage


def _unsupported_message(language: str, confidence: float) -> str:
    name = LANGUAGE_NAMES.get(language, language)
    return (
        f"unsupported language: {name} ({language}, confidence {confidence:.2f}); "
        "mtdigest translates Persian (fa) and Arabic (ar) and passes English (en) through"
    )


def prepare_article(
    text: str,
    *,
    source_path: str | None = None,
    article_id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    language: str | None = None,
) -> Article:
    """Build an article from its text: furniture removed (and kept for audit), language
    identified, metadata read, paragraphs split into sentences `p1.s1`, ... with the
    source text as written and the normalized text for MT.

    `language` ('fa', 'ar', 'en'): the article's language as its reader knows it (`--language`, a record's
    `language`), for text too short or unusual to identify; confidence 1.0. Sentences in another language
    (a quote) are still found. Raises `InputError` when there is no article text, `UnsupportedLanguage` when
    the text (or `language`) is not Persian, Arabic or English.
    """
    where = source_path or article_id or "<text>"
    if not text.strip():
        raise InputError(where, "no text: the input is empty or whitespace only")
    lines = text.splitlines()
    layout = strip_boilerplate(lines, title=title)
    kept = layout.kept()
    if not kept:
        raise InputError(where, "no article text left after removing page furniture (navigation, comments, ...)")

    body = "\n".join(line for _, line in kept)
    if language is not None and language not in SUPPORTED:
        raise UnsupportedLanguage(where, f"language '{language}' was given: mtdigest translates Persian (fa) and "
                                         f"Arabic (ar) and passes English (en) through")
    guess = LanguageGuess(language, 1.0) if language else identify_language(unpresent(f"{layout.title or ''}\n{body}"))
    if guess.language not in SUPPORTED:
        raise UnsupportedLanguage(where, _unsupported_message(guess.language, guess.confidence))
    language = guess.language

    meta = extract_metadata(layout)
    article = Article(
        id=safe_id(article_id) if article_id else content_id(text),
        source_path=source_path,
        url=url,
        language=language,
        language_confidence=guess.confidence,
        title=Title(source=layout.title or ""),
        published=meta.published,
        published_as_written=meta.published_as_written,
        outlet=outlet or meta.outlet,
        author=meta.author,
        news_code=meta.news_code,
        removed=[Removed(text=t, reason=r) for _, t, r in layout.removed],
    )
    if published:
        article.published, article.published_as_written = parse_published(published)
    article.outlet_english = outlet_english(article.outlet, url)

    for number, (_, paragraph_text) in enumerate(kept, start=1):
        paragraph = Paragraph(id=f"p{number}")
        for s_number, (start, end) in enumerate(sentence_spans(paragraph_text), start=1):
            source = paragraph_text[start:end]
            own = differs_within(unpresent(source), language)
            paragraph.sentences.append(
                Sentence(
                    id=f"p{number}.s{s_number}",
                    source=source,
                    normalized=normalize_text(source, own or language),
                    language=own,
                )
            )
        article.paragraphs.append(paragraph)
    return article


def _numbered_id(base: str, number: int) -> str:
    """`<base>-<number>`, the base shortened when needed so the suffix survives `safe_id`'s length cap."""
    suffix = f"-{number}"
    numbered = safe_id(base + suffix)
    return numbered if numbered.endswith(suffix) else numbered[: len(numbered) - len(suffix)] + suffix


def prepare_articles(
    text: str,
    *,
    source_path: str | None = None,
    article_id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    where: str | None = None,
    language: str | None = None,
) -> Iterator[Article | InputError]:
    """The articles in `text`. One article: exactly `prepare_article` (same id; its errors raised).
    Several (each closed by an end mark, see `ingest.split`): one `Article` each, ids `<id>-1`, `<id>-2`, ...
    (`<id>` is `article_id`, else the text's content id), each with its own title and metadata
    (`published` and `outlet` only fill in what an article does not state; `title` is not used), and an
    `InputError` naming `where` and the article's number for one that cannot be used. `language`: as for
    `prepare_article`, for every article.
    """
    lines = text.splitlines()
    starts = split_articles(lines)
    if len(starts) == 1:
        yield prepare_article(text, source_path=source_path, article_id=article_id, title=title, url=url,
                              published=published, outlet=outlet, language=language)
        return
    base = safe_id(article_id) if article_id else content_id(text)
    where = where or source_path or base
    for number, (start, end) in enumerate(zip(starts, [*starts[1:], len(lines)]), start=1):
        numbered = _numbered_id(base, number)
        try:
            segment = "\n".join(lines[start:end])
            article = prepare_article(segment, source_path=source_path, article_id=numbered, url=url,
                                      language=language)
        except InputError as error:
            yield type(error)(where, f"article {number} of {len(starts)}: {error.problem}", article_id=numbered)
            continue
        if published and article.published is None and article.published_as_written is None:
            article.published, article.published_as_written = parse_published(published)
        article.outlet = article.outlet or outlet
        article.outlet_english = outlet_english(article.outlet, url)
        yield article
