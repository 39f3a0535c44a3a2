"""What a story says in the brief (`digest.story_text`, `digest.wording`, `digest.transliterate`): hand-made
articles, no models (the abstractive lede runs through a stand-in summarizer that counts its calls)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from digest.brief import build_brief
from digest.stories import evidence_of
from digest.story_text import LEDE_SENTENCES, differences, source_additions, story_article, write_lede
from digest.transliterate import english_name, transliterate
from digest.wording import date_coverage, date_span, long_date, outlet_names, plural
from ingest import prepare_article
from core.article import Article, Summary, SummarySentence

PERSIAN = ("سرلشکر محمد باقری با علی ایوب وزیر دفاع سوریه در دمشق دیدار کرد و توافقنامه امضا شد.\n\n"
           "از سال 2011 همکاری ادامه دارد و 120 کارشناس در تهران کار می‌کنند.")
ARABIC = "التقى اللواء محمد باقري مع العماد علي أيوب في دمشق ووقعا اتفاقية."
ENGLISH_FA = ["Major General Mohammad Bagheri met Syrian defence minister Ali Ayoub in Damascus and signed an "
              "agreement.", "Cooperation has continued since 2011 and 120 experts work in Tehran."]
ENGLISH_AR = ["Major General Bagheri met General Ali Ayoub in Damascus and they signed an agreement."]


def translated(text: str, article_id: str, english: list[str], outlet: str, summary: list[str]) -> Article:
    article = prepare_article(text, article_id=article_id, outlet=outlet)
    for sentence, line in zip(article.sentences(), english):
        sentence.english = line
    article.summary = Summary("extractive", [SummarySentence(s) for s in summary])
    return article


def story() -> list[Article]:
    return [translated(PERSIAN, "fa", ENGLISH_FA, "خبرگزاری تسنیم", ENGLISH_FA),
            translated(ARABIC, "ar", ENGLISH_AR, "موقع المنار", ENGLISH_AR)]


def test_plurals_dates_and_honest_coverage() -> None:
    assert [plural(1, "source"), plural(2, "source"), plural(1, "story"), plural(3, "story")] == [
        "1 source", "2 sources", "1 story", "3 stories"]
    assert long_date("2024-03-18") == "18 March 2024" and long_date(None) == ""
    assert date_span(["2024-03-19", "2024-03-18"]) == "18–19 March 2024"
    assert date_span(["2024-03-30", "2024-04-02"]) == "30 March 2024 to 2 April 2024"
    assert date_coverage(["2024-03-18", None, None, "2024-03-18", None]) == "2 of 5 articles dated: 18 March 2024"
    assert date_coverage(["2024-03-18", "2024-03-19"]) == "all 2 articles dated: 18–19 March 2024"
    assert date_coverage([None, None]) == "no article dated" and date_coverage([None]) == "undated"


def test_outlets_are_named_in_english_and_never_by_an_id() -> None:
    fa, ar = story()
    assert outlet_names(fa) == ("Tasnim News Agency", "خبرگزاری تسنیم")
    ar.outlet_english = None  # JSON written before the field existed: the gazetteer still knows it
    assert outlet_names(ar) == ("Al-Manar", "موقع المنار")
    ar.outlet = None
    assert outlet_names(ar) == ("Unknown outlet", "")
    ar.outlet = "پایگاه خبری ناشناخته"
    assert outlet_names(ar) == ("", "پایگاه خبری ناشناخته")


def test_names_in_english_the_articles_own_spelling_first() -> None:
    assert english_name("باقری", ["Major General Bagheri said"]) == "Bagheri"
    assert english_name("ایوب", ["minister Ayoub"]) == "Ayoub"
    assert english_name("کاسر", ["nothing here"], "fa") == transliterate("کاسر", "fa") == "Kasr"
    assert transliterate("الغانم", "ar") == "al-Ghanm" and transliterate("علی", "fa") == "Ali"
    assert transliterate("عباس", "ar") == "Abas"


def test_differences_are_what_only_one_source_reports_in_english_with_the_original() -> None:
    fa, ar = story()
    found = differences([evidence_of(fa), evidence_of(ar)])
    assert set(found) == {"fa"}  # the Arabic says nothing the Persian does not
    details = [(d.kind, d.english, d.original) for d in found["fa"]]
    assert ("place", "Tehran", "تهران") in details and ("number", "2011", "") in details
    assert ("number", "120", "") in details
    assert not any(d[1] in ("Bagheri", "Ayoub", "Damascus") for d in details)  # both report those
    assert differences([evidence_of(fa)]) == {}


def test_a_name_only_one_source_has_is_given_in_english_with_its_script() -> None:
    fa, ar = story()
    ar = translated(ARABIC.replace("في دمشق", "مع اللواء علي الخطيب في دمشق"), "ar", [
        "Bagheri met Ayoub and General Ali al-Khatib in Damascus."], "موقع المنار", [])
    found = differences([evidence_of(fa), evidence_of(ar)])
    names = [(d.english, d.original) for d in found["ar"] if d.kind == "name"]
    assert names == [("Khatib", "الخطيب")]


def test_each_source_adds_what_the_lede_and_earlier_sources_did_not_say() -> None:
    fa, ar = story()
    lede = ENGLISH_FA[0]
    adds = source_additions([fa, ar], lede)
    assert adds[0] == ENGLISH_FA[1]  # the Persian's first sentence is the lede already
    assert adds[1] == ENGLISH_AR[0]  # nothing new: its best sentence all the same, never empty
    fa.summary = None
    fa.title.english = None
    assert source_additions([fa], "")[0] == ENGLISH_FA[0]  # no summary, no title: its lead


def test_the_lede_is_one_summary_of_all_sources_and_extractive_needs_no_model() -> None:
    fa, ar = story()
    combined = story_article([fa, ar], "s1")
    assert [p.id for p in combined.paragraphs] == ["p1", "p2"] and combined.language == "en"
    assert [s.english for s in combined.sentences()] == ENGLISH_FA + ENGLISH_AR
    lede = write_lede([fa, ar], "s1", None, "extractive")
    used = [s for s in ENGLISH_FA + ENGLISH_AR if s in lede]
    assert len(used) == LEDE_SENTENCES and lede == " ".join(used)  # whole sentences of the sources, none twice


class CountingSummarizer:
    """A stand-in summarizer with a 40-token window (a token per word): texts longer than that must be mapped
    and reduced. Its summary of a text is the text's first five words."""

    window = 40
    engine_name = "stand-in"
    precision = "fp32"
    entry = SimpleNamespace(alias="stand-in", revision="0" * 40)

    def __init__(self) -> None:
        self.calls: list[int] = []

    def describe(self) -> dict[str, Any]:
        return {"alias": "stand-in"}

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(t.split()) + 2 for t in texts]

    def summarize_texts(self, texts: list[str], limits: Any, options: Any) -> list[str]:
        self.calls.append(len(texts))
        return [" ".join(t.split()[:5]).rstrip(".") + "." for t in texts]


def test_the_abstractive_lede_goes_through_the_summarizer_with_map_reduce() -> None:
    long_fa = translated(PERSIAN, "fa", [ENGLISH_FA[0] * 3, ENGLISH_FA[1] * 3], "خبرگزاری تسنیم", ENGLISH_FA)
    fa, ar = story()
    summarizer = CountingSummarizer()
    lede = write_lede([long_fa, ar], "s1", summarizer, "abstractive")
    assert lede.startswith("Major General")
    assert len(summarizer.calls) >= 2 and summarizer.calls[0] >= 2  # chunks mapped, then reduced
    brief = build_brief([fa, ar], "2024-03-19", lede=lambda group, sid: write_lede(group, sid, summarizer,
                                                                                  "abstractive"))
    assert brief.stories[0].lede and brief.stories[0].summary.startswith(brief.stories[0].lede)
