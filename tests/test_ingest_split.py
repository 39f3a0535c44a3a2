"""Several articles in one text (issue 16.1): prose after an end mark is kept, and a file or a record
holding several marker-closed articles becomes several articles, each scored against its seed's gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from ingest import prepare_article, read_inputs, strip_boilerplate
from ingest.article import prepare_articles
from ingest.split import split_articles
from core.article import Article
from core.errors import InputError, UnsupportedLanguage
from tests.test_ingest import GOLD_DIR, SEEDS, kept_lines, precision_recall

TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]
DAY = "\n\n".join(TEXTS)  # the five seeds, each with its end mark (or source line, comments) and furniture
FA_SEED = TEXTS[0]  # Tasnim: thirteen body lines, then "انتهای پیام/"
# What follows a Persian outlet's end mark on a real page: a news code, tags, a comment form with
# a user's comment, and a "latest news" box of headlines with one-sentence teasers.
FA_FURNITURE = [
    "کد خبر: 1224974",
    "برچسب‌ها",
    "نظر شما",
    "شما در حال پاسخ به نظر «» هستید.",
    "نظرات حاوی توهین و هرگونه نسبت ناروا به اشخاص حقیقی و حقوقی منتشر نمی‌شود.",
    "نظرات کاربران",
    "علی رضایی",
    "این دیدار برای امنیت منطقه بسیار مهم است و امیدواریم همکاری دو کشور ادامه پیدا کند و نتیجه بدهد.",
    "تازه‌ترین خبرها",
    "سفر وزیر امور خارجه به مسکو",
    "وزیر امور خارجه کشورمان صبح امروز برای دیداری دو روزه با مقامات روسیه وارد مسکو شد.",
    "نشست شورای عالی امنیت ملی برگزار شد",
    "نشست این هفته شورای عالی امنیت ملی با حضور اعضای این شورا در تهران برگزار شد.",
]


def _inspect(path: Path) -> list[dict]:
    result = CliRunner().invoke(app, ["inspect", "--json", str(path)])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _body(article: Article) -> list[str]:
    return kept_lines(article.to_dict())


@pytest.fixture(scope="module")
def golds() -> list[dict]:
    return [json.loads((GOLD_DIR / f"{p.stem}.json").read_text(encoding="utf-8")) for p in SEEDS]


@pytest.fixture(scope="module")
def day_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("day")
    (folder / "day.txt").write_text(DAY, encoding="utf-8")
    record = json.dumps({"id": "monday", "text": DAY}, ensure_ascii=False)
    (folder / "day.jsonl").write_text(record + "\n", encoding="utf-8")
    return {"txt": folder / "day.txt", "jsonl": folder / "day.jsonl"}


@pytest.mark.parametrize("kind, base", [("txt", "day"), ("jsonl", "monday")])
def test_concatenated_seeds_become_five_articles_matching_each_gold(
    kind: str, base: str, day_files: dict[str, Path], golds: list[dict]
) -> None:
    articles = _inspect(day_files[kind])
    assert [a["id"] for a in articles] == [f"{base}-{n}" for n in range(1, 6)]
    for article, gold in zip(articles, golds):
        assert precision_recall(article, gold) == (1.0, 1.0), gold["source"]
        assert kept_lines(article) == [" ".join(line["text"].split()) for line in gold["body"]]
        removed = [(r["text"], r["reason"]) for r in article["removed"]]
        assert removed == [(r["text"], r["reason"]) for r in gold["removed"]]
        assert article["language"] == gold["language"]
        assert article["title"]["source"] == gold["title"]
        for key in ("published", "published_as_written", "outlet", "author", "news_code"):
            assert article[key] == gold[key], (gold["source"], key)
        assert article["source_path"] == str(day_files[kind])


def test_each_article_of_a_text_is_what_its_seed_alone_gives() -> None:
    pieces = list(prepare_articles(DAY, article_id="day"))
    alone = [prepare_article(text, article_id=f"day-{n}") for n, text in enumerate(TEXTS, start=1)]
    assert [a.to_dict() for a in pieces] == [a.to_dict() for a in alone]
    assert [a.id for a in prepare_articles(DAY)] == [a.id for a in prepare_articles(DAY)]  # content ids: stable


@pytest.mark.parametrize("index", range(len(SEEDS)))
def test_a_text_of_one_article_gives_exactly_the_article_of_today(index: int) -> None:
    text = TEXTS[index]
    assert split_articles(text.splitlines()) == [0]
    (article,) = prepare_articles(text, source_path=str(SEEDS[index]), article_id=SEEDS[index].stem)
    assert article == prepare_article(text, source_path=str(SEEDS[index]), article_id=SEEDS[index].stem)
    assert article.id == SEEDS[index].stem


def test_a_seed_followed_by_its_own_furniture_loses_only_the_furniture(golds: list[dict], tmp_path: Path) -> None:
    path = tmp_path / "tasnim.txt"
    path.write_text(FA_SEED + "\n\n" + "\n\n".join(FA_FURNITURE) + "\n", encoding="utf-8")
    (article,) = _inspect(path)
    assert article["id"] == "tasnim"
    assert precision_recall(article, golds[0]) == (1.0, 1.0)
    removed = [r["text"] for r in article["removed"]]
    assert removed == ["انتهای پیام/", *FA_FURNITURE]
    assert {r["reason"] for r in article["removed"][1:]} >= {"news_code", "comments", "related"}


def test_latest_news_with_teasers_after_an_end_mark_is_still_furniture(golds: list[dict]) -> None:
    teasers = [
        "تازه‌ترین خبرها",
        "سفر وزیر امور خارجه به مسکو",
        "وزیر امور خارجه کشورمان صبح امروز برای دیداری دو روزه با مقامات روسیه وارد مسکو شد.",
        "او در این سفر با همتای روس خود درباره همکاری‌های اقتصادی و منطقه‌ای گفتگو خواهد کرد.",
        "نشست شورای عالی امنیت ملی برگزار شد",
        "نشست این هفته شورای عالی امنیت ملی با حضور اعضای این شورا در تهران برگزار شد.",
        "در این نشست آخرین تحولات منطقه و برنامه‌های دفاعی کشور بررسی و تصمیمات لازم اتخاذ شد.",
    ]
    (article,) = prepare_articles(FA_SEED + "\n" + "\n".join(teasers), article_id="teasers")
    assert precision_recall(article.to_dict(), golds[0]) == (1.0, 1.0)
    assert [(r.text, r.reason) for r in article.removed][1:] == [(t, "related") for t in teasers]


def test_prose_after_an_end_mark_is_a_second_part_of_the_same_article(golds: list[dict]) -> None:
    lines = FA_SEED.splitlines()
    marker = lines.pop()
    text = "\n".join([*lines[:8], marker, *lines[8:]])  # the mark before the second part, none at the end
    (article,) = prepare_articles(text, article_id="parts")
    assert article.id == "parts"
    assert precision_recall(article.to_dict(), golds[0]) == (1.0, 1.0)
    assert [(r.text, r.reason) for r in article.removed] == [(marker, "end_marker")]
    layout = strip_boilerplate([*lines[:8], marker, *lines[8:], marker, *FA_FURNITURE[:3]])
    assert len(layout.kept()) == 13 and layout.lines_with("end_marker") == [8, 15]


def test_an_end_mark_followed_by_one_short_line_is_still_a_footer() -> None:
    lines = FA_SEED.splitlines() + ["تمامی حقوق این سایت متعلق به خبرگزاری تسنیم است."]
    layout = strip_boilerplate(lines)
    assert layout.reasons[-1] == "footer" and len(layout.kept()) == 13


def test_bodies_without_titles_each_closed_by_a_mark_are_separate_articles() -> None:
    body = FA_SEED.splitlines()[1:]  # no title: body lines, then the mark
    text = "\n".join([*body[:6], body[-1], *body[6:]])
    articles = list(prepare_articles(text, article_id="bodies"))
    assert [a.id for a in articles] == ["bodies-1", "bodies-2"]
    assert [len(a.paragraphs) for a in articles] == [6, 7]


def test_an_article_that_cannot_be_used_is_an_error_and_the_others_still_come() -> None:
    urdu = "\n".join([
        "پاکستان اور ایران کے درمیان نئے تجارتی معاہدے",
        "وزیر اعظم نے کہا کہ پاکستان اور ایران کے درمیان تجارت کو بڑھانے کے لیے نئے اقدامات کیے جائیں گے.",
        "دونوں ممالک کے وزرائے خارجہ نے اسلام آباد میں ملاقات کی اور علاقائی سلامتی پر تبادلہ خیال کیا.",
        "انہوں نے کہا کہ دونوں ممالک سرحدی تجارت اور توانائی کے منصوبوں پر جلد کام شروع کریں گے.",
        "انتهای پیام/",
    ])
    items = list(prepare_articles("\n".join([FA_SEED, urdu, TEXTS[3]]), source_path="mixed.txt", article_id="mixed"))
    assert isinstance(items[0], Article) and isinstance(items[2], Article)
    assert isinstance(items[1], UnsupportedLanguage) and items[1].article_id == "mixed-2"
    assert str(items[1]).startswith("mixed.txt: article 2 of 3: unsupported language")


def test_a_json_lines_file_goes_on_after_a_record_of_several_articles(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    records = [{"text": "\n".join(TEXTS[:2]), "published": "2024-03-18"}, {"id": "x"}, {"text": TEXTS[4]}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    items = list(read_inputs([str(path)]))
    assert [getattr(i, "id", None) for i in items] == ["feed-1-1", "feed-1-2", None, "feed-3"]
    assert isinstance(items[2], InputError) and str(items[2]).startswith(f"{path}:2:")
    assert [i.published for i in items[:2]] == ["2024-03-18", "2024-03-18"]  # the record's date fills in
    assert items[0].title.source == json.loads((GOLD_DIR / f"{SEEDS[0].stem}.json").read_text())["title"]
