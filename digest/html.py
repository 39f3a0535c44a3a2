"""Render one article as a self-contained, side-by-side bilingual HTML digest, written for its readers.

The header says what a reader needs (outlet in English and as written, date or "date unknown",
the original's link); how it was made (models, engine, time, id, source path, signature) folds
into "About this digest". Every English sentence sits beside its source (table semantics, `dir`
and `lang` on the source side, ids as anchors so a reader can cite `p3.s2`, a "cite" button that
copies outlet, date, URL and id); flags show their details inline, and a banner counts the flagged
sentences when there are many. The layout is `digest.styles`: two columns on a desktop and on A4,
stacked on phones, dark mode, running header and page numbers in print.
"""

from __future__ import annotations

from digest.bidi import bdi, english_html
from digest.meta import LANGUAGE_NAMES, Header, header_of, original_link
from digest.styles import CITE_SCRIPT, page
from digest.wording import CONFIDENT, long_date, low_confidence, outlet_names, plural, shorten, warnings_banner
from core.article import Article, Flag, Sentence, Summary
from core.output import escape_html as escape
from mt.review import needs_review

PATHS = ("Source file", "URL", "Signature")  # no words to break between: may break anywhere
PATH = ' class="path"'


def render_html(article: Article, extra: str = "", ours: dict[str, str] | None = None) -> str:
    """The complete HTML document of one article's digest; `extra`: a section after the header (the compare
    report); `ours`: a third column of our own translation by sentence id (the compare page)."""
    head = header_of(article)
    lang = article.language or "und"
    body = "".join([
        header_html(article, head, lang),
        extra,
        check_first_html(article),
        _summary(article.summary, article, lang),
        pairs_html(article, lang, ours),
        _removed(article),
        f'<footer><p dir="ltr">Machine translation: check the source before quoting. {escape(head.signature)}</p>'
        + (f'<p dir="ltr">{escape(head.licences)}</p>' if head.licences else "") + "</footer>",
    ])
    return page(head.english_title, body, running=running_title(article, head), script=CITE_SCRIPT)


def running_title(article: Article, head: Header) -> str:
    """`title · outlet · date`, printed atop every page."""
    return " · ".join(p for p in (head.english_title, outlet_names(article)[0],
                                  long_date(article.published) or "date unknown") if p)


def outlet_html(article: Article) -> str:
    """The outlet in English with its native name beside it (isolated), or whichever of the two is known."""
    english, native = outlet_names(article)
    native_html = bdi(native, article.language) if native else ""
    if english and native:
        return f'{escape(english)} <span class="native">{native_html}</span>'
    return escape(english) or native_html


def published_html(article: Article) -> str:
    """The date as people write it, or "date unknown"; the date as the article wrote it beside, when it differs."""
    shown = escape(long_date(article.published) or "date unknown")
    written = article.published_as_written
    if written and written != article.published:
        shown += f" (as written: {bdi(written, article.language)})"
    return shown


def header_html(article: Article, head: Header, lang: str) -> str:
    source_title = (
        f'<p class="source-title src" lang="{escape(lang)}" dir="rtl">{escape(article.title.source)}</p>'
        if article.title.source and article.language != "en" else ""
    )
    url = original_link(article.url)
    rows = [("Outlet", outlet_html(article)), ("Published", published_html(article))]
    if article.author:
        rows.append(("Author", bdi(article.author, article.language)))
    if url:
        rows.append(("Original", f'<a class="url" href="{escape(url)}">{escape(url)}</a>'))
    facts = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    about = "".join(f'<dt>{escape(k)}</dt><dd{PATH if k in PATHS else ""}>{bdi(v)}</dd>' for k, v in head.about)
    return (f'<header><h1 dir="ltr">{english_html(head.english_title)}</h1>{source_title}'
            f'<dl class="meta" dir="ltr">{facts}</dl>'
            f'<details class="about" dir="ltr"><summary>About this digest</summary><dl class="meta">{about}</dl>'
            f"</details>{_banner(article)}</header>")


def _banner(article: Article) -> str:
    text = warnings_banner(article)
    return f'<p class="banner" role="note" dir="ltr">{text}: read them against the source.</p>' if text else ""


def _summary(summary: Summary | None, article: Article, lang: str) -> str:
    if summary is None or not summary.sentences:
        return ""
    by_id = {s.id: s for s in article.sentences()}
    items = []
    for sentence in summary.sentences:
        support = "".join(
            f'<blockquote class="src" lang="{escape(lang)}" dir="rtl"><a href="#{escape(sid)}">{escape(sid)}</a> '
            f"{escape(by_id[sid].source)}</blockquote>"
            for sid in sentence.support if sid in by_id
        )
        support_block = f'<div class="support">{support}</div>' if support and article.language != "en" else ""
        items.append(f'<li dir="ltr">{english_html(sentence.english)}{flags_html(sentence.flags)}{support_block}</li>')
    back = (
        f'<p class="src" lang="{escape(lang)}" dir="rtl">{escape(summary.back_translation)}</p>'
        if summary.back_translation else ""
    )
    return (
        f'<section class="summary" aria-labelledby="summary-h"><h2 id="summary-h" dir="ltr">Summary '
        f'<small>({escape(summary.method)})</small></h2><ol>{"".join(items)}</ol>{back}</section>'
    )


def citation(article: Article, sentence_id: str) -> str:
    """`Outlet, date, URL, sentence id`: what a reader quotes a sentence by."""
    english, native = outlet_names(article)
    outlet = f"{english} ({native})" if english and native else english or native
    where = original_link(article.url) or article.source_path or article.id
    return f"{outlet}, {long_date(article.published) or 'undated'}, {where}, sentence {sentence_id}"


def _english_cell(s: Sentence, by_id: dict[str, Sentence]) -> str:
    """The English of a row, never empty: a sentence merged into another says so and shows that English."""
    if s.merged_into and not s.english:
        holder = by_id.get(s.merged_into)
        text = holder.english if holder and holder.english else ""
        return (f'<span dir="ltr" class="merged">Translated together with '
                f'<a href="#{escape(s.merged_into)}">{escape(s.merged_into)}</a>: {english_html(text)}</span>')
    # The English sits in its own isolate: an unterminated bidi override in it (text pasted into
    # `compare`) cannot reorder the flag chips and digits after it.
    return f'<span dir="ltr">{english_html(s.english or "")}</span>'


def pairs_html(article: Article, lang: str, ours: dict[str, str] | None = None) -> str:
    source_dir = "ltr" if article.language == "en" else "rtl"
    by_id = {s.id: s for s in article.sentences()}
    bodies = []
    for paragraph in article.paragraphs:
        rows = []
        for s in paragraph.sentences:
            s_lang = s.language or lang
            third = (f'<td class="ours" lang="en" dir="ltr">{english_html(ours.get(s.id, ""))}</td>'
                     if ours is not None else "")
            rows.append(
                f'<tr id="{escape(s.id)}"><td class="sid"><a href="#{escape(s.id)}">{escape(s.id)}</a>'
                f'<button class="cite" type="button" data-cite="{escape(citation(article, s.id))}">cite</button></td>'
                f'<td class="en{confidence_class(s)}" lang="en"{confidence_title(s)}>'
                f'{_english_cell(s, by_id)}{flags_html(s.flags)}</td>'
                f'<td class="src" lang="{escape(s_lang)}" dir="{source_dir}">{escape(s.source)}</td>{third}</tr>'
            )
        bodies.append(f'<tbody id="{escape(paragraph.id)}">{"".join(rows)}</tbody>')
    language = LANGUAGE_NAMES.get(lang, lang)
    ours_col, ours_head = ('<col class="ours">', '<th scope="col" class="ours">Our translation</th>') \
        if ours is not None else ("", "")
    return (
        '<section aria-labelledby="text-h"><h2 id="text-h" dir="ltr">Full text, sentence by sentence</h2>'
        f'{legend_html(article)}<table class="pairs" dir="ltr">'
        f'<colgroup><col class="id"><col class="en"><col class="src">{ours_col}'
        '</colgroup><thead><tr><th scope="col">id</th><th scope="col">English</th>'
        f'<th scope="col">Original ({escape(language)})</th>{ours_head}</tr></thead>{"".join(bodies)}</table></section>'
    )


def confidence_class(s: Sentence) -> str:
    """` conf-low` (flagged for review), ` conf-mid` (below `CONFIDENT`) or "" for the English cell."""
    if needs_review(s):
        return " conf-low"
    return " conf-mid" if s.confidence is not None and s.confidence < CONFIDENT else ""


def confidence_title(s: Sentence) -> str:
    """The hover text of an English cell: the model's confidence, and the round trip's chrF (`--qe roundtrip`)."""
    parts = [f"model confidence {s.confidence:.3f}"] if s.confidence is not None else []
    if s.roundtrip_chrf is not None:
        parts.append(f"round-trip chrF {s.roundtrip_chrf:.1f}")
    return f' title="{"; ".join(parts)}"' if parts else ""


def legend_html(article: Article) -> str:
    """What the shades of the English cells mean (only when some sentence has a model confidence)."""
    if not any(s.confidence is not None for s in article.sentences()):
        return ""
    return ('<p class="legend" dir="ltr">Model confidence (the model\'s own belief, not a quality check; hover a '
            f'sentence for its value): <span class="swatch"></span>{CONFIDENT:.2f} or more '
            f'<span class="swatch conf-mid"></span>below {CONFIDENT:.2f} '
            '<span class="swatch conf-low"></span>low: listed under "Check first"</p>')


def check_first_html(article: Article) -> str:
    """The sentences to read against the source before quoting: those the model is least sure of."""
    doubtful = low_confidence(article)
    if not doubtful:
        return ""
    items = "".join(
        f'<li dir="ltr"><a href="#{escape(s.id)}">{escape(s.id)}</a> (confidence {s.confidence:.3f}): '
        f'{english_html(shorten(s.english or "", 160))}</li>' for s in doubtful)
    return (f'<section class="check" aria-labelledby="check-h"><h2 id="check-h" dir="ltr">Check first '
            f'<small>({plural(len(doubtful), "sentence")} the model is least sure of)'
            f'</small></h2><ol>{items}</ol></section>')


def flags_html(flags: list[Flag]) -> str:
    """Each flag with its detail, inline (readable on a phone and on paper, not only on hover)."""
    return "".join(
        f'<span class="flag" dir="ltr"><b>{escape(f.code.replace("_", " "))}</b>'
        + (f": {english_html(f.detail)}" if f.detail else "") + "</span>" for f in flags
    )


def _removed(article: Article) -> str:
    if not article.removed:
        return ""
    items = "".join(
        f'<li dir="ltr">{bdi(r.text, article.language)} — <em>{escape(r.reason)}</em></li>' for r in article.removed
    )
    return (
        f'<section><details class="removed" dir="ltr"><summary>Removed page furniture '
        f"({len(article.removed)} lines)</summary><ul>{items}</ul></details></section>"
    )
