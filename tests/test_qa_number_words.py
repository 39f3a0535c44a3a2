"""mt.qa.number_words: numbers Persian and Arabic sentences write in words, as the values English gives in digits.
The phrases are from FLORES-200 devtest (tests/data/flores) unless marked otherwise."""

from __future__ import annotations

import pytest

from mt.qa.number_words import source_number_words, word_value


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("في الخامس من أغسطس", {5}),  # ordinals in dates
        ("في السادس من يوليو ... في التاسع من يوليو ... في العاشر من أغسطس", {6, 9, 10}),
        ("المصنفة الخامسة في البطولة", {5}),
        ("نيكولاس ألدين صاحب الخمسة وعشرين عاماً", {25}),  # compounds, unit first
        ("تمثل مطويات دنلاب الخمس والعشرون", {25}),
        ("بیست و پنج نفر", {25}),  # Persian compounds, tens first (crafted)
        ("طيلة الأربعين عاماً القادمة", {40}),
        ("في القرن الحادي عشر والثاني عشر والثالث عشر", {11, 12, 13, 1000}),  # teens; a century
        ("در قرن یازدهم، دوازدهم، و سیزدهم", {11, 12, 13, 1000}),
        ("تا هفدهم سپتامبر سال 1939", {17}),
        ("هفتمین جزیره بزرگ جهان", {7}),
    ],
)
def test_words_give_their_values(text: str, values: set[float]) -> None:
    assert values <= source_number_words(text)


def test_centuries_and_decades_give_the_years_english_writes() -> None:
    assert 1800 in source_number_words("منذ القرن التاسع عشر")  # "since the 1800s"
    assert {60, 1960} <= source_number_words("وفي ستينيات القرن الماضي")  # "throughout the 1960s"
    assert 1850 in source_number_words("تأسست أبيا في خمسينيات القرن التاسع عشر")  # "in the 1850s"
    assert 1970 in source_number_words("در اواخر دهه هفتاد")  # "the late 1970s"
    assert 1970 not in source_number_words("هفتاد نفر")  # seventy people: not a decade (crafted)


def test_a_compound_is_one_number_not_its_parts() -> None:
    values = source_number_words("الخمسة وعشرين")
    assert 25 in values and 5 not in values and 20 not in values
    assert source_number_words("خمسة عشر") >= {15} and 5 not in source_number_words("خمسة عشر")


def test_word_value_reads_prefixes_and_persian_ordinal_endings() -> None:
    assert word_value("والعشرون") == 20 and word_value("بالخامس") == 5
    assert word_value("دوازدهمین") == 12 and word_value("سیام") == 30  # سی‌ام folded
    assert word_value("وزیر") is None and word_value("امروز") is None
