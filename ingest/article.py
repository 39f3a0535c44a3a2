"""Text → `Article`: boilerplate, language, metadata, paragraphs and sentences with ids."""

from __future__ import annotations

from ingest.boilerplate import strip_boilerplate
from ingest.langid import LANGUAGE_NAMES, SUPPORTED, differs_within, identify_language
from ingest.metadata import extract_metadata, parse_published
from ingest.normalize import normalize_text, unpresent
from ingest.segment import sentence_spans
from mt.article import Article, Paragraph, Removed, Sentence, Title, content_id, safe_id
from mt.errors import InputError, UnsupportedLanguage


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
) -> Article:
    """Build an article from its text: furniture removed (and kept for audit), language
    identified, metadata read, paragraphs split into sentences `p1.s1`, ... with the
    source text as written and the normalized text for MT.

    Raises `InputError` when there is no article text, `UnsupportedLanguage` when the
    text is not Persian, Arabic or English.
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
    guess = identify_language(unpresent(f"{layout.title or ''}\n{body}"))
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
