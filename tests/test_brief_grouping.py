"""Story grouping and cross-script names, on hand-made articles: no models, milliseconds."""

from __future__ import annotations

import itertools
from pathlib import Path

from digest.brief import build_brief
from core.names import find_names, find_places, latin_skeleton, name_key, strip_titles
from digest.stories import group_stories
from ingest import prepare_article, read_inputs
from core.article import Article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def article(text: str, article_id: str, published: str | None = None, outlet: str | None = None) -> Article:
    return prepare_article(text, article_id=article_id, published=published, outlet=outlet)


def ids(groups: list[list[Article]]) -> list[list[str]]:
    return sorted(sorted(a.id for a in group) for group in groups)


# --- names ---------------------------------------------------------------------------

def test_name_keys_fold_letter_variants_hamza_diacritics_and_the_article() -> None:
    assert name_key("باقری") == name_key("باقري") == name_key("بَاقِرِي")
    assert name_key("أيوب") == name_key("ایوب") == name_key("إيوب")
    assert name_key("الغانم") == name_key("غانم")
    assert name_key("حمزة") == name_key("حمزه")  # ta marbuta / he
    assert name_key("كاظمي") == name_key("کاظمی")  # kaf, ya


def test_titles_and_honorifics_are_stripped() -> None:
    assert strip_titles("سردار سرلشکر پاسدار محمد باقری") == "محمد باقری"
    assert strip_titles("اللواء محمد باقري") == "محمد باقري"
    assert strip_titles("امیر سرتیپ آشتیانی") == "آشتیانی"
    assert strip_titles("العماد علي أيوب") == "علي أيوب"


def test_surnames_are_found_after_titles_and_given_names_in_both_scripts() -> None:
    key = name_key("باقری")
    assert find_names("اللواء محمد باقري") == find_names("سرلشکر محمد باقری") == {key}
    assert find_names("العماد علي أيوب") == find_names("با علی ایوب، وزیر دفاع") == {name_key("ایوب")}
    assert find_names("سپهبد «علی محمود عباس» وزیر دفاع") == {name_key("عباس")}
    assert find_names("امیر سرتیپ آشتیانی وزیر دفاع") == {name_key("آشتیانی")}
    assert find_names("سرلشکر «صلاح الدین کاسر الغانم»") == {name_key("کاسر")}  # compound given name
    assert find_names("أكد على أهمية التعاون") == set()  # Arabic `على` is a preposition, not the name Ali
    assert find_names("رئیس ستاد کل نیروهای مسلح") == set()  # offices alone are not names


def test_places_match_across_three_scripts() -> None:
    assert find_places("سفر به تهران") == find_places("زيارة إلى طهران") == find_places("a visit to Tehran") == {
        "Tehran"}
    assert find_places("العاصمة السورية دمشق") == {"Syria", "Damascus"}


def test_consonant_skeletons_match_english_spellings() -> None:
    for source, *english in [("باقری", "Bagheri", "Baqeri"), ("أيوب", "Ayoub"), ("عباس", "Abbas"),
                             ("آشتیانی", "Ashtiani"), ("سلیمانی", "Soleimani"), ("قاسم", "Qasem", "Ghasem")]:
        assert {latin_skeleton(w) for w in english} == {latin_skeleton(source)}, source
    assert latin_skeleton("باقری") != latin_skeleton("عباس")


# --- grouping ------------------------------------------------------------------------

MEETING_2020 = "سرلشکر محمد باقری با علی ایوب وزیر دفاع سوریه در دمشق دیدار کرد و توافقنامه امضا شد. از سال 2011 همکاری ادامه دارد."
MEETING_2020_AR = "التقى اللواء محمد باقري مع العماد علي أيوب في دمشق ووقعا اتفاقية. منذ عام 2011 يستمر التعاون."
MEETING_2024 = "سپهبد علی محمود عباس وزیر دفاع سوریه در تهران با سرلشکر محمد باقری دیدار کرد."
MEETING_2024_AR = "التقى وزير الدفاع علي محمود عباس في طهران مع رئيس الأركان محمد باقري."
OTHER = "امیر سرتیپ آشتیانی با سرلشکر صلاح الدین کاسر الغانم فرمانده نیروی هوایی دیدار کرد."


def test_the_seeds_make_three_stories_from_source_text_alone() -> None:
    articles = [a for a in read_inputs([str(SEEDS)]) if isinstance(a, Article)]
    assert [sorted(a.id[:3] for a in g) for g in group_stories(articles)] == [["000"], ["001", "002"], ["003", "004"]]


def test_same_people_years_apart_are_two_stories() -> None:
    a = article(MEETING_2020, "a", "2020-07-08")
    b = article(MEETING_2020_AR, "b", "2024-03-18")  # same names and numbers, another year
    c = article(MEETING_2020_AR, "c", "2020-07-09")
    assert ids(group_stories([a, b, c])) == [["a", "c"], ["b"]]


def test_a_chain_of_similar_articles_cannot_bridge_two_dates() -> None:
    early = article(MEETING_2020, "early", "2020-07-08")
    undated = article(MEETING_2020_AR, "undated")
    late = article(MEETING_2020, "late", "2024-03-18")
    groups = ids(group_stories([early, undated, late]))
    assert ["early", "late"] not in groups and len(groups) == 2


def test_same_general_meeting_another_minister_stays_apart() -> None:
    articles = [article(MEETING_2020, "m20"), article(MEETING_2020_AR, "m20ar"), article(MEETING_2024, "m24"),
                article(MEETING_2024_AR, "m24ar"), article(OTHER, "other")]
    assert ids(group_stories(articles)) == [["m20", "m20ar"], ["m24", "m24ar"], ["other"]]


def test_grouping_does_not_depend_on_input_order() -> None:
    articles = [article(MEETING_2020, "m20"), article(MEETING_2020_AR, "m20ar"), article(MEETING_2024, "m24"),
                article(MEETING_2024_AR, "m24ar"), article(OTHER, "other")]
    expected = ids(group_stories(articles))
    for order in itertools.islice(itertools.permutations(articles), 0, 120, 7):
        assert ids(group_stories(list(order))) == expected


def test_an_english_article_joins_its_story_by_names_places_and_numbers() -> None:
    english = article("Iran's armed forces chief Bagheri met Syrian defence minister Ali Ayoub in Damascus.\n\n"
                      "The two sides signed a military agreement; Syria has resisted since 2011.", "en")
    assert english.language == "en"
    groups = ids(group_stories([article(MEETING_2020, "fa"), english, article(MEETING_2024_AR, "ar24"),
                                article(OTHER, "other")]))
    assert ["en", "fa"] in groups


def test_garbage_english_that_agrees_cannot_merge_unrelated_articles() -> None:
    one, two = article(MEETING_2020, "one"), article(OTHER, "two")
    third = article(MEETING_2024, "three")
    for a in (one, two):  # identical, unflagged "translations": cosine 1 between one and two
        a.title.english = "experts technology soldiers coordination lala"
        for s in a.sentences():
            s.english = "experts technology soldiers coordination lala"
    for s in third.sentences():
        s.english = "something else entirely"
    assert ids(group_stories([one, two, third])) == [["one"], ["three"], ["two"]]


def test_brief_orders_stories_and_reports_details_only_one_source_has() -> None:
    articles = [article(OTHER, "other", "2024-03-20", "Tasnim"), article(MEETING_2020, "fa", "2020-07-08", "Saat 24"),
                article(MEETING_2020_AR.replace(" منذ عام 2011 يستمر التعاون.", ""), "ar", "2020-07-08", "Al-Manar")]
    brief = build_brief(articles, "2024-03-20")
    assert [s.articles for s in brief.stories] == [["fa", "ar"], ["other"]]  # most sources first
    assert brief.range == ["2020-07-08", "2024-03-20"]
    first = brief.stories[0]
    assert {k: [(d.kind, d.english) for d in v] for k, v in first.differences.items()} == {
        "fa": [("place", "Syria"), ("number", "2011")]}
    assert [(s.outlet_english, s.outlet) for s in first.sources] == [("Saat24", "Saat 24"), ("Al-Manar", "Al-Manar")]
    assert "Al-Manar (8 July 2020): " in first.summary
    assert [s.digest for s in first.sources] == ["articles/fa.html", "articles/ar.html"]
