"""Readers: encodings, HTML pages, JSON/JSONL records, directories, stdin, and inputs that must be refused.

Fixtures are generated from the seeds at test time.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from ingest import prepare_article, read_inputs
from core.article import Article
from core.errors import InputError, UnsupportedLanguage

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = REPO_ROOT / "seeds"
FA_SEED = SEED_DIR / "000_41b56ad6ca49ea79.txt"
AR_SEED = SEED_DIR / "001_2fc5d2ec209e6642.txt"
AR_SEED_2 = SEED_DIR / "004_abe0edcc387d59e3.txt"
ENGLISH = REPO_ROOT / "tests" / "data" / "english.txt"

URDU = (
    "وزیر اعظم نے کہا کہ پاکستان اور ایران کے درمیان تجارت کو بڑھانے کے لیے نئے اقدامات کیے جائیں گے۔\n"
    "دونوں ممالک کے وزرائے خارجہ نے اسلام آباد میں ملاقات کی اور علاقائی سلامتی پر تبادلہ خیال کیا۔\n"
)
SORANI = (
    "ئەم هەواڵە لە لایەن ئاژانسی هەواڵی کوردستانەوە بڵاوکرایەوە و خەڵکێکی زۆر بەشدارییان کرد.\n"
    "وەزیری دەرەوە ڕایگەیاند کە پەیوەندییەکانی نێوان هەردوو وڵات بەهێزتر دەکرێت.\n"
)
PASHTO = "د افغانستان د بهرنیو چارو وزیر وویل چې د دواړو هیوادونو ترمنځ اړیکې ښې دي.\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _read_one(path: Path) -> Article:
    items = list(read_inputs([str(path)]))
    assert len(items) == 1
    assert isinstance(items[0], Article), items[0]
    return items[0]


def _sources(article: Article) -> list[str]:
    return [s.source for s in article.sentences()]


@pytest.fixture(scope="module")
def reference() -> dict[str, Article]:
    return {"fa": _read_one(FA_SEED), "ar": _read_one(AR_SEED)}


# --- encodings ---------------------------------------------------------------------------

ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: t.encode("utf-8-sig"),
    "utf-16": lambda t: t.encode("utf-16"),
    "utf-16-le-no-bom": lambda t: t.encode("utf-16-le"),
    "windows-1256": lambda t: t.encode("cp1256"),
    "crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    "crlf-windows-1256": lambda t: t.replace("\n", "\r\n").encode("cp1256"),
}


def _as_cp1256_persian(text: str) -> str:
    """Persian as Windows-1256 writes it: Farsi yeh ی does not exist there, Arabic ي stands in."""
    return text.replace("ی", "ي")


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("language", ["fa", "ar"])
def test_encodings_are_detected(tmp_path: Path, encoding: str, language: str, reference: dict[str, Article]) -> None:
    seed = FA_SEED if language == "fa" else AR_SEED
    text = seed.read_text(encoding="utf-8")
    expected = _sources(reference[language])
    if "1256" in encoding and language == "fa":
        text = _as_cp1256_persian(text)
        expected = [_as_cp1256_persian(s) for s in expected]
    path = tmp_path / seed.name
    path.write_bytes(ENCODINGS[encoding](text))
    article = _read_one(path)
    assert article.id == seed.stem
    assert article.language == language
    assert _sources(article) == expected
    lines = text.splitlines()
    for sentence in article.sentences():  # byte for byte what was written
        assert any(sentence.source in line for line in lines)
    if "1256" in encoding and language == "fa":  # the model still gets Persian letters
        assert "ي" not in "".join(s.normalized for s in article.sentences())


# --- HTML --------------------------------------------------------------------------------

CHROME = {
    "nav": ["صفحه اصلی", "سیاسی", "اقتصادی", "ورزشی", "بین‌الملل"],
    "sidebar": ["پربازدیدترین‌ها", "قیمت دلار امروز در بازار آزاد تهران اعلام شد", "نتایج کنکور سراسری منتشر شد"],
    "related": ["اخبار مرتبط", "سفر وزیر خارجه به مسکو و دیدار با لاوروف", "بارش برف در ارتفاعات البرز"],
    "comments": ["ارسال نظر", "نام", "ایمیل", "نظرات حاوی توهین منتشر نمی‌شود"],
    "footer": ["تمامی حقوق این سایت محفوظ است", "درباره ما", "تماس با ما"],
    "script": ["window.dataLayer", "googletag"],
}


def _html_page(title: str, paragraphs: list[str]) -> str:
    nav = "".join(f'<li><a href="/c/{i}">{t}</a></li>' for i, t in enumerate(CHROME["nav"]))
    side = "".join(f'<li><a href="/n/{i}">{t}</a></li>' for i, t in enumerate(CHROME["sidebar"][1:]))
    related = "".join(f'<li><a href="/r/{i}">{t}</a></li>' for i, t in enumerate(CHROME["related"][1:]))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8">
<title>{title} - خبرگزاری تسنیم</title>
<meta property="og:site_name" content="خبرگزاری تسنیم">
<meta property="article:published_time" content="2024-02-12T10:30:00+03:30">
<script>window.dataLayer = window.dataLayer || []; googletag.cmd.push(function() {{}});</script>
<style>.menu {{ color: red; }}</style>
</head><body>
<header><div class="logo">خبرگزاری تسنیم</div><nav class="main-menu"><ul>{nav}</ul></nav></header>
<div class="container">
<main><article class="news">
<h1 class="title">{title}</h1>
<div class="news-body">{body}</div>
</article>
<section class="related"><h3>{CHROME["related"][0]}</h3><ul>{related}</ul></section>
<section class="comments"><h3>{CHROME["comments"][0]}</h3>
<form action="/comment" method="post"><label>{CHROME["comments"][1]}</label><input name="name">
<label>{CHROME["comments"][2]}</label><input name="email"><textarea name="body"></textarea>
<p class="rules">{CHROME["comments"][3]}</p><button>ارسال</button></form></section>
</main>
<aside class="sidebar"><h3>{CHROME["sidebar"][0]}</h3><ul>{side}</ul></aside>
</div>
<footer><p>{CHROME["footer"][0]}</p><a href="/about">{CHROME["footer"][1]}</a> <a href="/contact">{CHROME["footer"][2]}</a></footer>
<script>googletag.display("ad-slot-1");</script>
</body></html>"""


def test_html_page_yields_the_article_not_the_page(tmp_path: Path, reference: dict[str, Article]) -> None:
    lines = [line for line in FA_SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    title, paragraphs = lines[0], lines[1:-1]  # the end mark stays out of the page
    path = tmp_path / "tasnim.html"
    path.write_text(_html_page(title, paragraphs), encoding="utf-8")
    article = _read_one(path)
    assert article.id == "tasnim"
    assert article.language == "fa"
    assert article.title.source == title
    assert article.outlet == "خبرگزاری تسنیم"
    assert article.published == "2024-02-12"
    kept = [" ".join(s.source for s in p.sentences) for p in article.paragraphs]
    assert kept == [" ".join(p.split()) for p in paragraphs]
    text = " ".join(kept)
    original = " ".join(paragraphs)
    for part, items in CHROME.items():
        for item in items:
            assert item in original or item not in text, (part, item)


def test_html_without_main_content_falls_back_to_body_text(tmp_path: Path) -> None:
    path = tmp_path / "tiny.htm"
    path.write_text(
        "<html><body><nav>Home | World</nav><p>The minister met his counterpart in the capital on Monday.</p>"
        "<footer>All rights reserved</footer></body></html>",
        encoding="utf-8",
    )
    article = _read_one(path)
    assert article.language == "en"
    assert _sources(article) == ["The minister met his counterpart in the capital on Monday."]


# --- JSON and JSON Lines -----------------------------------------------------------------


def test_jsonl_mixed_languages_with_a_malformed_line(tmp_path: Path) -> None:
    records = [
        json.dumps({"id": "tasnim-1", "text": FA_SEED.read_text(encoding="utf-8"), "url": "https://example.org/1",
                    "published": "۱۴۰۲/۱۱/۲۳", "source": "تسنیم"}, ensure_ascii=False),
        json.dumps({"text": AR_SEED_2.read_text(encoding="utf-8"), "title": "وزير دفاع النظام السوري يزور طهران لبحث تعزيز التعاون العسكري"},
                   ensure_ascii=False),
        '{"id": "broken", "text": "unterminated',
        json.dumps({"id": "en-1", "text": ENGLISH.read_text(encoding="utf-8")}),
        "",
        json.dumps({"id": "no-text", "title": "only a title"}),
        json.dumps({"id": "html-1", "html": _html_page("دیدار وزیر دفاع سوریه با سرلشکر باقری",
                    ["وزیر دفاع سوریه عصر امروز با رئیس ستادکل نیروهای مسلح کشورمان دیدار و گفتگو کرد."])},
                   ensure_ascii=False),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    items = list(read_inputs([str(path)]))
    errors = [i for i in items if isinstance(i, InputError)]
    articles = {a.id: a for a in items if isinstance(a, Article)}
    assert [str(e) for e in errors] == [
        f"{path}:3: not valid JSON: Unterminated string starting at (column 26); the other lines are still read",
        f"{path}:6: record has no 'text' or 'html' string; expected text or html (plus optional title, url, published, source, id, language)",
    ]
    assert sorted(articles) == ["en-1", "feed-2", "html-1", "tasnim-1"]
    fa, ar, en = articles["tasnim-1"], articles["feed-2"], articles["en-1"]
    assert (fa.language, ar.language, en.language, articles["html-1"].language) == ("fa", "ar", "en", "fa")
    assert fa.url == "https://example.org/1" and fa.outlet == "تسنیم"
    assert (fa.published, fa.published_as_written) == ("2024-02-12", "۱۴۰۲/۱۱/۲۳")
    assert ar.title.source.startswith("وزير دفاع") and ar.published == "2024-03-18"
    assert all(r.reason != "title" for r in ar.removed)
    assert {"text": ar.title.source, "reason": "duplicate_title"} in [vars(r) for r in ar.removed]
    assert all(a.source_path == str(path) for a in articles.values())
    assert en.sentences()[0].normalized == en.sentences()[0].source


def test_json_file_with_a_list_of_records(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([{"text": AR_SEED.read_text(encoding="utf-8")}, 42], ensure_ascii=False), encoding="utf-8")
    items = list(read_inputs([str(path)]))
    assert isinstance(items[0], Article) and items[0].id == "batch-1"
    assert isinstance(items[1], InputError) and str(items[1]).startswith(f"{path}[2]: record is a JSON int")


# --- languages that are not translated ---------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [(URDU, "ur"), (SORANI, "ckb"), (PASHTO, "ps")])
def test_other_arabic_script_languages_are_unsupported(text: str, code: str) -> None:
    with pytest.raises(UnsupportedLanguage) as caught:
        prepare_article(text, source_path="sample.txt")
    assert str(caught.value).startswith("sample.txt: unsupported language: ")
    assert f"({code}," in str(caught.value)


def test_english_is_kept_untranslated() -> None:
    article = prepare_article(ENGLISH.read_text(encoding="utf-8"), article_id="en")
    assert article.language == "en"
    assert all(s.english is None for s in article.sentences())


# --- batches with bad inputs -------------------------------------------------------------


@pytest.fixture
def batch_dir(tmp_path: Path) -> Path:
    root = tmp_path / "batch"
    (root / "sub").mkdir(parents=True)
    for seed in sorted(SEED_DIR.glob("*.txt")):
        (root / seed.name).write_bytes(seed.read_bytes())
    (root / "sub" / "empty.txt").write_bytes(b"")
    (root / "sub" / "blank.txt").write_text("  \n\t\n   \n", encoding="utf-8")
    (root / "sub" / "image.txt").write_bytes(PNG_BYTES)
    (root / "sub" / "urdu.txt").write_text(URDU, encoding="utf-8")
    (root / "sub" / "kurdish.txt").write_text(SORANI, encoding="utf-8")
    (root / ".hidden.txt").write_text("ignored", encoding="utf-8")
    (root / "notes.csv").write_text("ignored", encoding="utf-8")
    return root


def test_directory_is_read_recursively_in_sorted_order(batch_dir: Path) -> None:
    items = list(read_inputs([str(batch_dir)]))
    names = [Path(i.source_path if isinstance(i, Article) else i.path).name for i in items]
    assert names == [p.name for p in sorted(SEED_DIR.glob("*.txt"))] + [
        "blank.txt", "empty.txt", "image.txt", "kurdish.txt", "urdu.txt",
    ]


def test_inspect_reports_bad_inputs_and_prints_the_rest(batch_dir: Path) -> None:
    result = CliRunner().invoke(app, ["inspect", "--json", str(batch_dir), str(batch_dir / "missing.txt")])
    assert result.exit_code == 1
    articles = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in articles] == [p.stem for p in sorted(SEED_DIR.glob("*.txt"))]
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 6, errors
    by_file = {Path(line.split(": ")[1].rstrip(":")).name: line for line in errors}
    assert "empty file" in by_file["empty.txt"]
    assert "whitespace only" in by_file["blank.txt"]
    assert "binary file (PNG image)" in by_file["image.txt"]
    assert "unsupported language: Urdu (ur" in by_file["urdu.txt"]
    assert "unsupported language: Kurdish (Sorani) (ckb" in by_file["kurdish.txt"]
    assert "no such file or directory" in by_file["missing.txt"]
    assert all(line.startswith("error: ") for line in errors)


def test_stdin_is_read_and_named_by_content_hash() -> None:
    data = AR_SEED.read_bytes()
    items = list(read_inputs(["-"], stdin=io.BytesIO(data)))
    assert len(items) == 1 and isinstance(items[0], Article)
    assert len(items[0].id) == 12 and items[0].source_path == "-"
    result = CliRunner().invoke(app, ["inspect", "--json", "-"], input=data)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == items[0].id


def test_stdin_jsonl_records() -> None:
    data = "\n".join(
        json.dumps({"id": f"r{i}", "text": p.read_text(encoding="utf-8")}, ensure_ascii=False) for i, p in enumerate([FA_SEED, AR_SEED])
    ).encode("utf-8")
    items = list(read_inputs(["-"], stdin=io.BytesIO(data)))
    assert [(a.id, a.language) for a in items] == [("r0", "fa"), ("r1", "ar")]


def _presentation_forms(text: str) -> str:
    """`text` with each Arabic letter in its isolated presentation form, as text copied from a PDF has it."""
    import unicodedata

    forms: dict[str, str] = {}
    for code in range(0xFE70, 0xFEFF):
        char = chr(code)
        base = unicodedata.normalize("NFKC", char)
        if "ISOLATED FORM" in unicodedata.name(char, "") and len(base) == 1:
            forms.setdefault(base, char)
    return "".join(forms.get(c, c) for c in text)


def test_arabic_in_presentation_forms_is_read_as_arabic(tmp_path: Path) -> None:
    text = AR_SEED.read_text(encoding="utf-8")
    copied = _presentation_forms(text)
    assert sum(0xFE70 <= ord(c) <= 0xFEFF for c in copied) > 1000
    path = tmp_path / "from-pdf.txt"
    path.write_text(copied, encoding="utf-8")
    (article,) = list(read_inputs([str(path)]))
    assert isinstance(article, Article) and article.language == "ar"
    assert article.paragraphs[0].sentences[0].source in copied  # kept as written
    assert not any(0xFE70 <= ord(c) <= 0xFEFF for s in article.sentences() for c in s.normalized)


@pytest.mark.parametrize("depth", [300, 1500])
def test_html_nested_hundreds_of_levels_deep_is_read(tmp_path: Path, depth: int) -> None:
    lines = [line for line in AR_SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    body = "".join(f"<p>{line}</p>" for line in lines[1:])
    path = tmp_path / "deep.html"
    path.write_text(f"<html><head><title>{lines[0]}</title></head><body>{'<div>' * depth}{body}{'</div>' * depth}"
                    f"</body></html>", encoding="utf-8")
    (article,) = list(read_inputs([str(path)]))
    assert isinstance(article, Article) and article.language == "ar" and len(article.sentences()) > 5


def test_html_deeper_than_the_parser_reads_says_why(tmp_path: Path) -> None:
    path = tmp_path / "deeper.html"
    path.write_text("<html><body>" + "<div>" * 3000 + "<p>وقال الوزير إن الوفد وصل.</p>" + "</div>" * 3000
                    + "</body></html>", encoding="utf-8")
    (error,) = list(read_inputs([str(path)]))
    assert isinstance(error, InputError) and str(path) in str(error)
    assert "nested 3003 elements deep" in str(error) and "2000" in str(error)


# --- the inputs' language, when the user knows it ------------------------------------------------------------

# FLORES-200 devtest 905, cut short: too little text for identification (taken for Arabic).
SHORT_FA_2 = "این مجمع‌الجزایر در 120 کیلومتری شمال شبه‌جزیره"


def test_a_given_language_is_taken_for_text_too_short_to_identify() -> None:
    assert prepare_article(SHORT_FA_2, article_id="short").language == "ar"
    article = prepare_article(SHORT_FA_2, article_id="short", language="fa")
    assert (article.language, article.language_confidence) == ("fa", 1.0)
    assert [s.source for s in article.sentences()] == [SHORT_FA_2]
    assert prepare_article(FA_SEED.read_text(encoding="utf-8"), language="fa").language == "fa"
    with pytest.raises(UnsupportedLanguage, match="language 'de' was given"):
        prepare_article(SHORT_FA_2, article_id="short", language="de")


def test_language_flag_and_a_records_own_language(tmp_path: Path) -> None:
    from ingest.readers import given_language

    short = tmp_path / "short.txt"
    short.write_text(SHORT_FA_2 + "\n", encoding="utf-8")
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps({"id": "r1", "text": SHORT_FA_2, "language": "ar"}, ensure_ascii=False) + "\n"
                       + json.dumps({"id": "r2", "text": SHORT_FA_2}, ensure_ascii=False) + "\n", encoding="utf-8")
    token = given_language.set("fa")
    try:
        languages = {a.id: a.language for a in read_inputs([str(short), str(records)]) if isinstance(a, Article)}
    finally:
        given_language.reset(token)
    assert languages == {"short": "fa", "r1": "ar", "r2": "fa"}  # a record's own language wins

    result = CliRunner().invoke(app, ["inspect", "--json", "--language", "fa", str(short)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["language"] == "fa"
    assert json.loads(CliRunner().invoke(app, ["inspect", "--json", str(short)]).stdout)["language"] == "ar"
    bad = CliRunner().invoke(app, ["inspect", "--language", "de", str(short)])
    assert bad.exit_code == 2 and "--language de: use auto, fa, ar or en" in bad.output


def test_batch_rows_carry_the_given_language_to_their_workers(tmp_path: Path) -> None:
    from digest.batch_inputs import list_inputs, read_input
    from ingest.readers import given_language

    short = tmp_path / "short.txt"
    short.write_text(SHORT_FA_2 + "\n", encoding="utf-8")
    token = given_language.set("fa")
    try:
        (row,) = list_inputs([str(short)])
    finally:
        given_language.reset(token)
    assert row["language"] == "fa"
    (read,) = read_input(row)  # as a Ray worker would, with no --language of its own
    assert json.loads(read["article"])["language"] == "fa"
    given_language.set(None)


def test_a_lone_line_is_the_article_not_a_headline_over_nothing() -> None:
    # FLORES-200 devtest 607 (Persian) and 346 (English, cut before its last words): no full stop at the end.
    line = "یک نمونه از آن بازدید، عکاسی و یادگیری در مورد ارگانگاتوآنگز در بورنئو است"
    article = prepare_article(line, article_id="lone")
    assert article.title.source == "" and [s.source for s in article.sentences()] == [line]
    caption_like = "The cabbage juice changes color depending on how acidic or basic (alkaline)"
    assert [s.source for s in prepare_article(caption_like, article_id="lone").sentences()] == [caption_like]
    with pytest.raises(InputError, match="no article text left"):
        prepare_article("صفحه اصلی تماس با ما", article_id="nav")  # five words: a headline, or a menu
