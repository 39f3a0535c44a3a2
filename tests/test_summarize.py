"""Summarization without models: extractive selection, support links, faithfulness flags, length, chunking.

Everything here runs on plain English text (or a stand-in summarizer that returns a fixed
string), so it needs no model at all — like `mtdigest summarize --method extractive`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modelstore.lock import ModelEntry
from core.article import Article, Paragraph, Sentence, Title
from core.errors import InputError
from summarize import (
    Evidence,
    Limits,
    Summarizer,
    SummaryOptions,
    chunk_texts,
    faithfulness_flags,
    link_support,
    select_sentences,
    summarize,
    target_sentences,
)
from summarize.faithfulness import normalize_number, numbers_in
from core.english import split_english

ENGLISH = [line for line in (Path(__file__).parent / "data" / "english.txt").read_text().splitlines() if line.strip()]


def english_article(lines: list[str], article_id: str = "en1") -> Article:
    paragraphs = [Paragraph(f"p{i}", [Sentence(f"p{i}.s1", t, t)]) for i, t in enumerate(lines, start=1)]
    return Article(id=article_id, language="en", title=Title("A title"), paragraphs=paragraphs)


def persian_article(pairs: list[tuple[str, str]]) -> Article:
    """A translated Persian article: (source, english) per sentence, two sentences per paragraph."""
    paragraphs = []
    for p in range(0, len(pairs), 2):
        number = p // 2 + 1
        sentences = [Sentence(f"p{number}.s{k}", src, src, english=en)
                     for k, (src, en) in enumerate(pairs[p:p + 2], start=1)]
        paragraphs.append(Paragraph(f"p{number}", sentences))
    return Article(id="fa1", language="fa", title=Title("عنوان", "Title"), paragraphs=paragraphs)


FIXED_ENTRY = ModelEntry("fixed", "summarize", "bart", "test/fixed", "0" * 40, "mit", ("en",))


class FixedSummarizer(Summarizer):
    """A stand-in model that 'generates' a given text; counts tokens as words (+2 specials)."""

    engine_name = "fixed"

    def __init__(self, output: str, window: int = 1024) -> None:  # no tokenizer, no weights
        self.entry, self.device, self.precision, self.window = FIXED_ENTRY, "cpu", "fp32", window
        self.output = output
        self.calls: list[list[str]] = []

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(t.split()) + 2 for t in texts]

    def summarize_texts(self, texts: list[str], limits: Limits, options: SummaryOptions) -> list[str]:
        assert all(n <= self.window for n in self.count_tokens(texts))
        self.calls.append(list(texts))
        return [self.output for _ in texts]

    def generate_ids(self, ids, limits, options):  # pragma: no cover - summarize_texts is overridden
        raise NotImplementedError


# --- extractive -------------------------------------------------------------------------------

def test_extractive_is_deterministic_and_in_document_order() -> None:
    texts = ENGLISH[:40]
    first = select_sentences(texts, 4)
    assert first == select_sentences(list(texts), 4)
    assert first == sorted(first) and len(first) == 4 and len(set(first)) == 4


def test_extractive_does_not_select_near_duplicates() -> None:
    lead = "The foreign minister met his Syrian counterpart in Damascus on Monday to discuss air defence cooperation."
    near = "The foreign minister met his Syrian counterpart in Damascus on Monday to discuss air defence cooperation, officials said."
    texts = [lead, near, near, *ENGLISH[:12], lead]
    chosen = select_sentences(texts, 5)
    duplicates = {0, 1, 2, len(texts) - 1}
    assert len(duplicates & set(chosen)) == 1, chosen
    assert len(chosen) == 5


def test_extractive_on_english_article_links_each_sentence_to_itself() -> None:
    article = english_article(ENGLISH[:20])
    summary = summarize(article, method="extractive")
    ids = {s.id: s for s in article.sentences()}
    assert article.summary is summary and summary.method == "extractive"
    assert len(summary.sentences) == 4
    for line in summary.sentences:
        assert len(line.support) == 1 and ids[line.support[0]].source == line.english
        assert line.flags == []
    assert article.models["summarize"]["engine"] == "extractive"
    assert "summarize_s" in article.timings


def test_summary_length_controls() -> None:
    article = english_article(ENGLISH[:30])
    assert len(summarize(article, method="extractive", sentences=2).sentences) == 2
    assert len(summarize(article, method="extractive", ratio=0.2).sentences) == 6
    assert target_sentences(30) == 4 and target_sentences(5) == 2 and target_sentences(1) == 1
    assert target_sentences(3, sentences=10) == 3 and target_sentences(0) == 0
    with pytest.raises(ValueError):
        target_sentences(10, sentences=2, ratio=0.5)
    with pytest.raises(ValueError):
        target_sentences(10, ratio=1.5)


def test_untranslated_article_is_refused() -> None:
    article = persian_article([("جمله", None)])  # type: ignore[list-item]
    with pytest.raises(InputError, match="translate it first"):
        summarize(article, method="extractive")


# --- bilingual links ----------------------------------------------------------------------------

PAIRS = [
    ("وزیر دفاع با همتای سوری خود دیدار کرد.", "The defence minister met his Syrian counterpart in Tehran."),
    ("دو طرف بر تقویت پدافند هوایی تاکید کردند.", "Both sides stressed strengthening air defence systems."),
    ("در این زلزله ۱۲ نفر کشته شدند.", "Twelve people were killed in the earthquake, 12 in total."),
    ("این دیدار در سال ۲۰۲۳ انجام شد.", "The meeting took place in 2023 at the ministry."),
    ("سخنگو گفت مذاکرات سازنده بود.", "The spokesman said the negotiations had been constructive."),
]


def test_support_links_point_at_the_supporting_sentences() -> None:
    article = persian_article(PAIRS)
    pairs = [(s.id, s.english or "") for s in article.sentences()]
    links = link_support(
        ["The Syrian defence minister met his counterpart in Tehran.",
         "The spokesman called the negotiations on air defence constructive.",
         "Bananas are yellow."],
        pairs,
    )
    assert links[0][0] == "p1.s1"
    assert links[1][0] == "p3.s1" and "p1.s2" in links[1]
    assert links[2] == []
    real = {s.id for s in article.sentences()}
    assert all(i in real for ids in links for i in ids)


def test_abstractive_summary_is_linked_and_flagged() -> None:
    article = persian_article(PAIRS)
    model = FixedSummarizer(
        "The defence minister met his Syrian counterpart in Tehran. "
        "The earthquake killed 15 people in 2023, Minister Rahimi said. "
        "Bananas grow in Ecuador."
    )
    summary = summarize(article, model, sentences=3)
    first, second, third = summary.sentences
    assert first.support == ["p1.s1"] and first.flags == []
    codes = {(f.code, f.detail) for f in second.flags}
    assert ("number_unsupported", "15") in codes
    assert ("name_unsupported", "Rahimi") in codes
    assert not any(d == "2023" for _, d in codes)  # 2023 is in the article
    assert set(second.support) <= {s.id for s in article.sentences()} and second.support
    assert [f.code for f in third.flags] == ["name_unsupported", "no_support"] and third.support == []
    assert summary.method == "abstractive"
    assert article.models["summarize"]["alias"] == "fixed"
    assert article.models["summarize"]["signature"].startswith("fixed@000000000000|engine:fixed")


def test_faithfulness_numbers_dates_and_names() -> None:
    article = persian_article(PAIRS)
    evidence = Evidence(article)
    assert faithfulness_flags("Twelve people died in the quake on 12 counts.", evidence) == []
    flags = faithfulness_flags("Some 1,500 people met in Tehran on Friday in March.", evidence)
    assert {(f.code, f.detail) for f in flags} == {
        ("number_unsupported", "1500"), ("date_unsupported", "Friday"), ("date_unsupported", "March")}
    # Persian digits in the source count: ۲۰۲۳ is 2023.
    source_only = persian_article([("در سال ۲۰۲۴ برگزار شد.", "It was held last year.")])
    assert faithfulness_flags("It was held in 2024.", Evidence(source_only)) == []
    assert normalize_number("1,200") == "1200" and normalize_number("3.50") == "3.5"
    assert {"5", "1", "18"} <= numbers_in("five of them, the first, on the 18th")


def test_split_english_keeps_abbreviations() -> None:
    text = "Mr. Smith met Dr. Jones in the U.S. on Monday. They talked. Then 3 officials left!"
    assert split_english(text) == ["Mr. Smith met Dr. Jones in the U.S. on Monday.", "They talked.",
                                   "Then 3 officials left!"]


# --- chunking (model-free) ----------------------------------------------------------------------

def words_plus_specials(texts: list[str]) -> list[int]:
    return [len(t.split()) + 2 for t in texts]


def test_chunks_fit_the_window_and_keep_every_sentence() -> None:
    units = [" ".join(f"w{i}x{k}" for k in range(5 + i % 7)) for i in range(200)]
    groups = [i // 4 for i in range(200)]
    chunks = chunk_texts(units, groups, words_plus_specials, window=64)
    assert len(chunks) > 5
    assert all(c.tokens <= 64 and words_plus_specials([c.text])[0] <= 64 for c in chunks)
    assert [u for c in chunks for u in c.units] == list(range(200))
    assert " ".join(c.text for c in chunks) == " ".join(units)


def test_a_sentence_longer_than_the_window_is_cut_not_dropped() -> None:
    giant = " ".join(f"g{k}" for k in range(300))
    units = ["short one here", giant, "tail sentence"]
    chunks = chunk_texts(units, [0, 1, 2], words_plus_specials, window=64)
    assert all(c.tokens <= 64 for c in chunks)
    assert " ".join(c.text for c in chunks).split() == " ".join(units).split()
    assert sorted({u for c in chunks for u in c.units}) == [0, 1, 2]


def test_map_reduce_summarizes_every_chunk() -> None:
    article = english_article([" ".join(ENGLISH[i % len(ENGLISH)] for i in range(k, k + 3)) for k in range(60)])
    model = FixedSummarizer("The ministers met. They agreed.", window=128)
    summary = summarize(article, model, sentences=2)
    first_level = model.calls[0]
    total_words = sum(len(s.source.split()) for s in article.sentences())
    assert len(first_level) > 10 and sum(len(t.split()) for t in first_level) == total_words
    assert len(model.calls[-1]) == 1  # the reduce step: one input
    assert [s.english for s in summary.sentences] == ["The ministers met.", "They agreed."]
    assert article.models["summarize"]["chunks"] >= len(first_level)


def test_split_english_ends_sentences_at_bidi_marked_punctuation_and_keeps_closers() -> None:
    """Text copied from Arabic-script pages wraps full stops in RLM (U+200F . U+200F): they still end sentences,
    the marks stay as written, and a closing quote stays with its sentence."""
    rlm = "\u200f"
    text = f"The delegation arrived{rlm}.{rlm} Talks began{rlm}?{rlm} He said \"yes.\" Then the Rev. Smith left."
    assert split_english(text) == [f"The delegation arrived{rlm}.{rlm}", f"Talks began{rlm}?{rlm}",
                                   'He said "yes."', "Then the Rev. Smith left."]


def test_split_english_ends_sentences_before_any_capital_not_only_ascii() -> None:
    """FLORES-200 devtest 941-942: "... is Orthodox Christian. İzmir is the third largest city" is two sentences;
    a lowercase letter or an underscore after a full stop still does not start one."""
    assert split_english("The major religion is Orthodox Christian. İzmir is the third largest city. Élysée "
                         "officials said no. it was late_. _x") == [
        "The major religion is Orthodox Christian.", "İzmir is the third largest city.",
        "Élysée officials said no. it was late_. _x"]
