"""The outlet gazetteer: native names in any spelling, English names and domains, never a sentence's word."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import prepare_article, read_inputs
from ingest.outlets import OUTLETS, find_outlet, outlet_english
from core.article import Article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize(("name", "english"), [
    ("خبرگزاری تسنیم", "Tasnim News Agency"), ("تسنیم", "Tasnim News Agency"), ("Tasnim", "Tasnim News Agency"),
    ("ایسنا", "ISNA"), ("خبرگزاری فارس", "Fars News Agency"), ("وكالة فارس", "Fars News Agency"),
    ("خبرگزاری جمهوری اسلامی", "IRNA"), ("خبرگزاری مهر", "Mehr News Agency"), ("ساعت ۲۴", "Saat24"),
    ("ساعت 24", "Saat24"), ("سپاه نیوز", "Sepah News"), ("سپاه‌نیوز", "Sepah News"),
    ("موقع المنار", "Al-Manar"), ("موقع قناة المنار", "Al-Manar"), ("العربي الجديد", "Al-Araby Al-Jadeed"),
    ("الجزيرة نت", "Al Jazeera"), ("قناة الميادين", "Al-Mayadeen"), ("سانا", "SANA"),
    ("الوكالة العربية السورية للأنباء", "SANA"), ("ایسکانیوز", "ISCA News"),
])
def test_native_names_in_any_spelling_give_the_english_name(name: str, english: str) -> None:
    assert outlet_english(name) == english


def test_domains_match_the_host_and_its_subdomains_only() -> None:
    assert outlet_english(None, "https://www.tasnimnews.com/fa/news/1") == "Tasnim News Agency"
    assert outlet_english(None, "https://en.irna.ir/news/85") == "IRNA"
    assert outlet_english(None, "https://www.alaraby.co.uk/politics/x") == "Al-Araby Al-Jadeed"
    assert outlet_english(None, "https://notirna.ir/x") is None and outlet_english(None, "not a url") is None
    assert outlet_english("وكالة مجهولة", "https://sana.sy/?p=1") == "SANA"  # an unknown name: the domain decides


def test_words_that_are_not_an_outlet_name_match_nothing() -> None:
    for text in ("وزیر دفاع", "مهر ماه", "the", "", "خبرگزاری", "العربية الجديدة للأنباء في دمشق"):
        assert find_outlet(text) is None, text


def test_every_entry_is_found_by_each_of_its_names_and_domains() -> None:
    for outlet in OUTLETS:
        assert all(find_outlet(name) is outlet for name in (*outlet.native, outlet.english)), outlet
        assert all(find_outlet(None, f"https://{d}/") is outlet for d in outlet.domains), outlet


def test_articles_carry_the_english_name_beside_the_native_one() -> None:
    seeds = {a.id[:3]: a for a in read_inputs([str(SEEDS)]) if isinstance(a, Article)}
    assert {k: (a.outlet, a.outlet_english) for k, a in seeds.items()} == {
        "000": ("خبرگزاری تسنیم", "Tasnim News Agency"), "001": ("موقع المنار", "Al-Manar"),
        "002": ("سپاه نیوز", "Sepah News"), "003": ("ایسکانیوز", "ISCA News"), "004": (None, None)}
    article = prepare_article("وزیر دفاع سوریه به تهران رفت.\n\nاو با وزیر دیدار کرد.", article_id="x",
                              url="https://www.mehrnews.com/news/1")
    assert article.outlet is None and article.outlet_english == "Mehr News Agency"
    again = Article.from_dict(article.to_dict())
    assert again.outlet_english == "Mehr News Agency"
