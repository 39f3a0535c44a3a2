"""Property-based tests of the text pipeline: arbitrary Unicode in, no crash, text kept, markup escaped.

Hypothesis runs under a fixed profile (derandomized, no deadline, ~150 examples a property) so
CI sees the same examples every run; `@example` pins every input that once broke something.
`HYPOTHESIS_PROFILE=fuzz-deep` runs a longer random search.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from digest.html import render_html
from digest.styles import CITE_SCRIPT
from digest.markdown import render_markdown
from digest.render import render
from core.normalize import fold, normalize_text
from ingest import extract_html, prepare_article, sentence_spans, split_sentences, strip_boilerplate
from ingest.readers import read_bytes
from core.article import Article, Flag, Paragraph, Removed, Sentence, Summary, SummarySentence, Title, safe_id
from core.errors import InputError, MtdigestError
from core.output import md_cell, visible_controls
from core.english import split_english

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("fuzz", max_examples=150, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_QUIET)
# A longer, random hunt for new failures: HYPOTHESIS_PROFILE=fuzz-deep pytest tests/test_fuzz.py
settings.register_profile("fuzz-deep", max_examples=3000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz"))

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# Pieces that have broken text code before: bidi marks, ZWNJ/ZWJ, tatweel, NUL, lone combining
# marks, Arabic-Indic digits and separators, quotes, terminal punctuation, every kind of line break,
# Markdown and HTML metacharacters, Persian affixes the ZWNJ restorer looks at.
TRICKY = [
    "\u200c", "\u200d", "\u200e", "\u200f", "\u202b", "\u202c", "\u2067", "\u2069", "\ufeff", "\u061c", "\u00ad",
    "\u0640", "\x00", "\u0651", "\u064b", "\u064e", "\u0670", "\u0301", "\ufef7", "\ufe8e", "\ufdf2",
    "۱۲۳", "٢٠١١", "٫", "٬", "1.5", ".", "!", "?", "؟", "؛", "…", "،", ":", "«", "»", "“", "”", '"', "'", "(", ")",
    " ", "  ", "\t", "\u00a0", "\u3000", "\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c",
    "|", "\\", "`", "*", "_", "[", "](javascript:alert(1))", "<br>", "&amp;", "&lt;", "&#x3c;", "-->", "<!--",
    SCRIPT, IMG, "</td></tr></table>", "' onmouseover='alert(1)",
    "می", "نمی", "دانیم", "کنند", "ها", "های", "ی", "ه", "گروه", "ي", "ك", "ى", "ة", "أ", "ۀ", "ە",
    "تهران", "ایرنا", "کد خبر", "انتهای پیام", "بیشتر بخوانید", "نظرات", "photo12.jpg", "Dr", "U.S", "د",
    "وزير الخارجية", "Iran's foreign minister", "A", "Z9",
    # Control tokens written as text, and bidi overrides/isolates left open (issue 16).
    "</s>", "<s>", "<pad>", "<unk>", "<mask>", "eng_Latn", "pes_Arab", ">>fra<<", ">>eng<<", "\u202e", "\u202d",
    "\u2066", "\u2068", "انتهى",
]
pieces = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
texts = st.lists(pieces, max_size=25).map("".join)
lines = st.lists(texts, max_size=12)
# Lines that read as Persian or Arabic news, so ingestion gets past language identification, with
# the tricky pieces mixed in.
NEWS_WORDS = (
    "وزیر امور خارجه ایران روز دوشنبه در دیدار با همتای خود گفت که گفتوگوها ادامه میدهند "
    "وزير الخارجية الإيراني قال يوم الاثنين إن المحادثات مستمرة مع الجانب السوري "
).split()
news_lines = st.lists(
    st.lists(st.one_of(st.sampled_from(NEWS_WORDS), st.sampled_from(NEWS_WORDS), pieces), min_size=1, max_size=40)
    .map(" ".join), max_size=10)
languages = st.sampled_from(["fa", "ar", "en", None])


# --- normalization ------------------------------------------------------------------------


@given(texts, languages)
@example("\u0651\u0651", "fa")
@example("میدانیمها", "fa")  # the plural was split off first; the verb prefix only on a second pass
@example("ا\u200c\u0651ب", "fa")
def test_normalization_never_raises_and_is_idempotent(text: str, language: str | None) -> None:
    once = normalize_text(text, language)
    assert normalize_text(once, language) == once
    assert once == once.strip() and "  " not in once
    assert not re.search("[\u200b\u200d-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u0640]", once)


@given(texts)
@example("ﷲ")
@example("İ")
@example("minister\u200c\u0301")  # removing the ZWNJ left a letter + combining mark to compose
def test_fold_never_raises_and_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert "\u200c" not in once and once == once.strip()


# --- sentence splitting -----------------------------------------------------------------


@given(texts)
@example("«" + "ا. " * 300 + "»")
def test_sentence_spans_cover_every_visible_character_exactly_once(text: str) -> None:
    spans = sentence_spans(text)
    position = 0
    for start, end in spans:
        assert position <= start < end <= len(text)
        assert not text[position:start].strip()  # only whitespace between sentences
        assert not text[start].isspace() and not text[end - 1].isspace()
        position = end
    assert not text[position:].strip()
    assert split_sentences(text) == [text[a:b] for a, b in spans]


@given(texts)
def test_split_english_keeps_every_word_in_order(text: str) -> None:
    pieces_ = split_english(text)
    assert " ".join(pieces_) == " ".join(text.split())
    assert all(p and p == p.strip() for p in pieces_)


# --- boilerplate and ingestion ----------------------------------------------------------------


@given(st.one_of(lines, news_lines), st.one_of(st.none(), texts))
def test_boilerplate_accounts_for_every_line(page: list[str], title: str | None) -> None:
    layout = strip_boilerplate(page, title=title)
    kept = {i for i, _ in layout.kept()}
    removed = {i for i, _, _ in layout.removed if layout.reasons[i] is not None and layout.reasons[i] != "title"}
    for i, line in enumerate(page):
        if not fold(line):
            continue
        assert (i in kept) + (i in removed) + (layout.reasons[i] == "title") == 1, (i, line, layout.reasons[i])
    for i, text in layout.kept():
        assert page[i].endswith(text)  # a kept line is its own text, at most with a prefix cut off


@given(st.one_of(lines, news_lines))
@example(["وزير الخارجية يزور طهران اليوم في زيارة رسمية تستمر يومين\u0000 وفق ما أعلنت الوزارة."])
def test_prepare_article_fails_only_with_input_errors_and_keeps_sources_verbatim(page: list[str]) -> None:
    text = "\n".join(page)
    try:
        article = prepare_article(text, article_id="fuzz")
    except MtdigestError:
        return
    ids = [s.id for s in article.sentences()]
    assert len(ids) == len(set(ids))
    for sentence in article.sentences():
        assert sentence.source and sentence.source in text
        assert normalize_text(sentence.normalized, sentence.language or article.language) == sentence.normalized


@given(st.one_of(st.sampled_from(["../../x", "/etc/passwd", "javascript:alert(1)//", "..", ".", "C:\\x"]), texts))
def test_article_ids_are_plain_file_names(raw_id: str) -> None:
    article = prepare_article("The minister met his counterpart in Tehran on Monday, officials said.", article_id=raw_id)
    assert article.id and Path(article.id).name == article.id and not article.id.startswith(".")
    assert not re.search(r"[/\\:\x00\s]", article.id) and len(article.id) <= 120


@settings(max_examples=60)
@given(lines, st.one_of(st.none(), texts))
@example(["x"], SCRIPT)
@example(["<br>\x08"], None)  # lxml refused to write the control character back as a tail
@example(["<p>a</p><nav>x</nav>\x08b"], None)  # ... and drop_tree() wrote it back too
def test_html_ingestion_never_raises_and_drops_scripts(paragraphs: list[str], title: str | None) -> None:
    from html import escape

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    page = (f"<html><head><title>{escape(title or '')}</title><script>window.evil = 1</script></head>"
            f"<body><nav>menu</nav><article>{body}</article><script>document.write(2)</script></body></html>")
    for html in (page, "".join(paragraphs)):
        result = extract_html(html)
        assert "window.evil" not in result.text and "document.write" not in result.text


KINDS = st.sampled_from([None, "text", "html", "json", "jsonl", "json-or-jsonl"])


@settings(max_examples=100)
@given(st.one_of(st.binary(max_size=600), texts.map(str.encode)), KINDS)
@example(b"[" * 100_000, "json")  # json.loads raised RecursionError, not a JSON error
@example(b"[" * 100_000, "json-or-jsonl")
def test_reading_any_bytes_yields_articles_or_input_errors(data: bytes, kind: str | None) -> None:
    for item in read_bytes(data, "fuzz.in", "fuzz", kind):
        assert isinstance(item, (Article, InputError))


@settings(max_examples=60)
@given(st.lists(st.fixed_dictionaries({"text": st.one_of(texts, news_lines.map("\n".join))},
                                      optional={"id": texts, "title": texts, "published": texts}), min_size=1, max_size=4))
@example([{"text": "وزیر امور خارجه ایران روز دوشنبه در دیدار با همتای خود گفت.\u2028 گفتوگوها ادامه دارد."}])
def test_every_json_lines_record_is_read_on_its_own(records: list[dict[str, str]]) -> None:
    """One article or error per record, never "not valid JSON": U+2028 in a string once split a line."""
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode("utf-8")
    items = list(read_bytes(data, "fuzz.jsonl", "fuzz", "jsonl"))
    assert len(items) == len(records)
    assert not [i for i in items if isinstance(i, InputError) and "not valid JSON" in str(i)]


# --- rendering -------------------------------------------------------------------------------

# Everything the digest template itself emits; text from an article may add none of it.
TEMPLATE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "dl", "dt", "dd", "section",
    "small", "ol", "li", "div", "blockquote", "a", "table", "colgroup", "col", "thead", "tr", "th", "tbody", "td",
    "span", "footer", "details", "summary", "ul", "em", "bdi", "b", "button", "script",
}
TEMPLATE_ATTRIBUTES = {"lang", "dir", "charset", "name", "content", "class", "id", "href", "title", "aria-labelledby",
                       "scope", "role", "type", "data-cite"}
HOSTILE = st.sampled_from([SCRIPT, IMG, "</td></tr></table><script>x()</script>", "' onmouseover='alert(1)", "a|b\nc"])
fields = st.one_of(HOSTILE, texts)
ids = st.one_of(HOSTILE, st.text(max_size=8))


class _Collector(HTMLParser):
    """Every tag, attribute and text run of a document, plus the text of each `td.src` cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.sources: list[str] = []
        self._in_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "td":
            self._in_src = ("class", "src") in attrs
            if self._in_src:
                self.sources.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_src = False

    def handle_data(self, data: str) -> None:
        if self._in_src:
            self.sources[-1] += data


@st.composite
def articles(draw: st.DrawFn, language: st.SearchStrategy[str | None] = st.one_of(languages, HOSTILE)) -> Article:
    """An article whose every text field may hold arbitrary or hostile text, sentences split as ingestion does."""
    paragraphs = []
    texts = draw(st.lists(fields, min_size=1, max_size=4))
    used = {f"p{p_number}" for p_number in range(1, len(texts) + 1)}

    def unique(drawn: str, default: str) -> str:
        """Hostile ids, but each names one place, as in real digests (from_dict refuses repeats)."""
        chosen = drawn if drawn not in used else default
        while chosen in used:
            chosen += "x"
        used.add(chosen)
        return chosen

    for p_number, text in enumerate(texts, start=1):
        sources = split_sentences(text) or ["."]
        paragraphs.append(Paragraph(id=f"p{p_number}", sentences=[
            Sentence(id=unique(draw(st.one_of(st.just(f"p{p_number}.s{n}"), ids)), f"p{p_number}.s{n}"),
                     source=source, normalized=source,
                     english=draw(st.one_of(st.none(), fields)), language=draw(st.one_of(st.none(), HOSTILE)),
                     flags=draw(st.lists(st.builds(Flag, fields, fields), max_size=2)))
            for n, source in enumerate(sources, start=1)
        ]))
    sentence_ids = [s.id for p in paragraphs for s in p.sentences]
    summary = draw(st.one_of(st.none(), st.builds(
        Summary, fields,
        st.lists(st.builds(SummarySentence, fields, st.lists(st.sampled_from(sentence_ids), max_size=2),
                           st.lists(st.builds(Flag, fields, fields), max_size=1)), max_size=3),
        st.one_of(st.none(), fields))))
    optional = st.one_of(st.none(), fields)
    return Article(
        id=draw(ids) or "a", source_path=draw(optional), url=draw(optional), language=draw(language),
        language_confidence=draw(st.one_of(st.none(), st.floats(0, 1))),
        title=Title(source=draw(fields), english=draw(optional)),
        published=draw(optional), published_as_written=draw(optional), outlet=draw(optional),
        author=draw(optional), news_code=draw(optional), paragraphs=paragraphs,
        removed=draw(st.lists(st.builds(Removed, fields, fields), max_size=3)), summary=summary,
        models=draw(st.one_of(st.just({}), st.fixed_dictionaries({"translate": st.fixed_dictionaries(
            {"alias": fields, "revision": fields, "engine": fields, "signature": fields})}))),
        timings=draw(st.one_of(st.just({}), st.just({"translate_s": 1.5}))),
    )


def _hostile_article(where: str) -> Article:
    """Hostile text in one named field, plain text elsewhere (the pinned regression examples)."""
    sentence = Sentence(id="p1.s1", source="متن", normalized="متن", english="text", flags=[Flag("number_missing", "1")])
    article = Article(id="x", language="fa", title=Title(source="عنوان", english="Title"), outlet="outlet",
                      paragraphs=[Paragraph(id="p1", sentences=[sentence])], removed=[Removed("menu", "navigation")],
                      summary=Summary("extractive", [SummarySentence("Summary.", ["p1.s1"])]))
    for payload in (SCRIPT, IMG):
        if where == "language":
            article.language = payload
        elif where == "sentence_language":
            sentence.language = payload
        elif where == "title":
            article.title = Title(source=payload, english=payload)
    return article


@given(articles())
@example(_hostile_article("language"))
@example(_hostile_article("sentence_language"))
@example(_hostile_article("title"))
def test_html_digest_escapes_all_article_text(article: Article) -> None:
    document = render_html(article)
    parser = _Collector()
    parser.feed(document)
    parser.close()
    for tag, attributes in parser.tags:
        assert tag in TEMPLATE_TAGS, tag
        for name, value in attributes:
            assert name in TEMPLATE_ATTRIBUTES, (tag, name)
            if name == "href":  # an anchor, or the article's own web address (never a script link)
                assert value is not None and (value.startswith("#") or value == article.url and re.match(
                    r"https?://", value, re.I)), value
    # The one script is the template's own (the cite buttons); article text adds none, nor images.
    assert [t for t, _ in parser.tags].count("script") == 1 and document.count(f"<script>{CITE_SCRIPT}</script>") == 1
    assert [t for t, _ in parser.tags].count("img") == 0
    # Every sentence's source as written, in its own cell, in order; only controls (NUL, bidi overrides and
    # isolates, which would reorder the page) are shown as what they are (JSON keeps them byte for byte).
    shown = [visible_controls(s.source) for s in article.sentences()]
    assert parser.sources == shown
    plain = unescape(document)
    assert all(text in plain for text in shown)


@given(articles())
def test_json_digest_keeps_every_source_byte_for_byte(article: Article) -> None:
    data = json.loads(render(article, "json"))
    assert [s["source"] for p in data["paragraphs"] for s in p["sentences"]] == [s.source for s in article.sentences()]
    assert Article.from_dict(data) == dataclasses.replace(article, id=safe_id(article.id))  # ids: plain file names


def _cells(row: str) -> list[str]:
    return re.split(r"(?<!\\)\|", row)[1:-1]


@given(articles())
@example(_hostile_article("language"))
def test_markdown_table_rows_cannot_be_broken_by_article_text(article: Article) -> None:
    lines_ = render_markdown(article).split("\n")
    start = lines_.index("## Full text, sentence by sentence") + 2
    header, rule, *rows = lines_[start:start + 2 + len(article.sentences())]
    assert len(_cells(header)) == 3 and _cells(rule) == ["---", "---", "---"]
    assert all(len(_cells(row)) == 3 for row in rows)
    assert len(rows) == len(article.sentences())


@given(texts)
@example("a\rb")
@example("a\u2028b")
@example("x\\")
@example(IMG)
def test_md_cell_is_one_line_without_raw_pipes_or_markup(text: str) -> None:
    cell = md_cell(text)
    assert len(cell.splitlines()) <= 1
    assert len(_cells(f"| {cell} |")) == 1
    for match in re.finditer(r"(\\*)<", cell):  # every `<` is escaped, or the start of a <br> md_cell wrote
        assert len(match.group(1)) % 2 == 1 or cell.startswith("br>", match.end())
    assert not re.search(r"(?<!\\)(\\\\)*\[", cell)  # no link or image can start


@given(articles(language=languages))
def test_every_format_renders(article: Article) -> None:
    for fmt in ("html", "md", "json", "txt"):
        assert render(article, fmt).endswith("\n")


# --- huge inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "ا" * 200_000, "ا " * 100_000, "." * 200_000, "-" * 200_000, "photo" + "1" * 100_000 + "!",
    "«" * 100_000, "a." * 100_000, "تهران " * 50_000 + "- ", "1" * 100_000 + "=", "می" * 100_000,
    "\u200c" * 100_000, "ن" + "\u0651" * 100_000,
], ids=lambda line: f"{line[:6]!r}x{len(line)}")
def test_huge_lines_are_handled_in_linear_time(line: str) -> None:
    started = time.perf_counter()
    normalize_text(line, "fa")
    fold(line)
    sentence_spans(line)
    strip_boilerplate([line, line[:1000], line])
    assert time.perf_counter() - started < 10
