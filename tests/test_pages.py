"""The pages as readers get them (digest, index, brief, compare), from hand-made articles: no models.

Markup checks run everywhere; the browser checks (Chromium at 1280 px and 390 px, and printed to PDF)
run where Chromium is installed and keep screenshots and PDFs in `tests.browser.ARTIFACTS`.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from digest.brief import build_brief
from digest.brief_render import render_brief
from digest.compare_page import render_compare_html
from digest.html import render_html
from digest.index import render_index_html, render_index_markdown
from digest.markdown import render_markdown
from core.article import Article, Flag, Paragraph, Sentence, Summary, SummarySentence, Title
from tests.browser import (ARTIFACTS, DESKTOP, PHONE, headless_browser, needs_browser, page_problems, pdf_pages,
                           print_pdf, set_width)

RTL = re.compile("[\u0600-\u06ff]")


def tasnim_article(flagged: int = 9, total: int = 15) -> Article:
    """A Persian article from Tasnim, 15 sentences, `flagged` of them with a warning; the English of one keeps a
    name in Persian script (as a model may), and one sentence is merged into the one before."""
    sentences = []
    for n in range(1, total + 1):
        english = f"Major General Bagheri met the Syrian minister in Damascus, meeting number {n}."
        if n == 2:
            english = "The minister said باقری would visit سوریه soon."
        flags = [Flag("number_missing", f"{n}0")] if n <= flagged else []
        sentences.append(Sentence(f"p{(n + 1) // 2}.s{2 - n % 2}", "سرلشکر باقری در دمشق با وزیر دیدار کرد.",
                                  "سرلشکر باقری در دمشق با وزیر دیدار کرد.", english=english, flags=flags))
    sentences[4].english, sentences[4].merged_into = "", sentences[3].id
    sentences[4].flags.append(Flag("merged", f"its English is given with {sentences[3].id} (2–1 alignment)"))
    paragraphs: dict[str, Paragraph] = {}
    for s in sentences:
        paragraphs.setdefault(s.id.split(".")[0], Paragraph(s.id.split(".")[0])).sentences.append(s)
    return Article(
        id="tasnim_1", source_path="in/tasnim_1.txt", url="https://www.tasnimnews.com/fa/news/1", language="fa",
        language_confidence=0.99, title=Title("دیدار سرلشکر باقری با وزیر دفاع سوریه", "Bagheri meets Syria's minister"),
        published="2024-03-18", published_as_written="۲۸ اسفند ۱۴۰۲", outlet="خبرگزاری تسنیم",
        outlet_english="Tasnim News Agency", paragraphs=list(paragraphs.values()),
        summary=Summary("extractive", [SummarySentence(sentences[0].english or "", [sentences[0].id])]),
        models={"translate": {"alias": "nllb-600m", "revision": "a" * 40, "engine": "ctranslate2"}},
        timings={"translate_s": 2.5},
    )


def arabic_article() -> Article:
    rows = [Sentence("p1.s1", "التقى اللواء محمد باقري وزير الدفاع السوري في دمشق.", "التقى اللواء محمد باقري وزير الدفاع "
                     "السوري في دمشق.", english="Major General Bagheri met the Syrian defence minister in Damascus."),
            Sentence("p1.s2", "وقال الوزير العماد علي أيوب إن التعاون مستمر منذ 2011.", "وقال الوزير العماد علي أيوب إن "
                     "التعاون مستمر منذ 2011.", english="Minister Ayoub said cooperation has continued since 2011.")]
    return Article(id="manar_1", language="ar", title=Title("باقري في دمشق", "Bagheri in Damascus"), outlet="موقع المنار",
                   paragraphs=[Paragraph("p1", rows)],
                   summary=Summary("extractive", [SummarySentence(rows[1].english or "", ["p1.s2"])]))


REPORT = {
    "id": "tasnim_1", "source": "in/tasnim_1.txt", "translation": "in/their-english.txt",
    "sentences": {"source": 15, "english": 14},
    "coverage": {"source": 0.8667, "english": 1.0},
    "alignment": {"beads": {"1-1": 12, "1-2": 0, "2-1": 1, "1-0": 1, "0-1": 0}},
    "flags": {"sentences_flagged": 3, "by_code": {"dropped": 1, "merged": 1, "possible_omission": 1}},
    "similarity": {"model": "nllb-600m@aaaaaaaaaaaa", "pairs": 13, "chrf": 41.25, "bleu": 12.5,
                   "chrf_signature": "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.0",
                   "bleu_signature": "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0"},
}


def text_of(page: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", page))


# --- markup ---------------------------------------------------------------------------------------


def test_digest_header_is_for_readers_and_the_plumbing_folds_away() -> None:
    page = render_html(tasnim_article())
    header = page[page.index("<header>"):page.index("</header>")]
    facts, about = header.split('<details class="about"')
    assert "Tasnim News Agency" in facts and '<bdi lang="fa">خبرگزاری تسنیم</bdi>' in facts
    assert "18 March 2024" in facts and 'href="https://www.tasnimnews.com/fa/news/1"' in facts
    for plumbing in ("nllb-600m", "2.5 s", "tasnim_1", "in/tasnim_1.txt", "99%"):
        assert plumbing not in facts and plumbing in about
    assert "<summary>About this digest</summary>" in about
    undated = tasnim_article()
    undated.published = undated.published_as_written = None
    assert "date unknown" in render_html(undated)


def test_flags_show_their_details_inline_and_the_banner_counts_flagged_sentences() -> None:
    page = render_html(tasnim_article())
    assert "9 of 15 sentences have warnings" in text_of(page)
    assert '<span class="flag" dir="ltr"><b>number missing</b>: 10</span>' in page
    assert 'title="' not in page  # nothing only on hover
    assert "warnings" not in text_of(render_html(tasnim_article(flagged=1)))  # 2 of 15: no banner
    assert "9 of 15 sentences have warnings" in render_markdown(tasnim_article())


def test_every_row_has_a_cite_control_with_outlet_date_url_and_sentence_id() -> None:
    page = render_html(tasnim_article())
    cites = re.findall(r'<button class="cite" type="button" data-cite="([^"]*)">cite</button>', page)
    assert len(cites) == 15
    assert unescape(cites[1]) == ("Tasnim News Agency (خبرگزاری تسنیم), 18 March 2024, "
                                  "https://www.tasnimnews.com/fa/news/1, sentence p1.s2")


def test_a_merged_row_never_has_an_empty_english_cell() -> None:
    page = render_html(tasnim_article())
    cell = re.search(r'<tr id="p3.s1">.*?<td class="en" lang="en">(.*?)</td>', page).group(1)
    assert "Translated together with" in cell and "meeting number 4" in text_of(cell)
    row = next(line for line in render_markdown(tasnim_article()).splitlines() if "p3s1" in line)
    assert "translated together with p2.s2" in row


def test_source_script_inside_english_is_isolated_in_html_and_markdown() -> None:
    article = tasnim_article()
    page = render_html(article)
    assert "The minister said <bdi>باقری</bdi> would visit <bdi>سوریه</bdi> soon." in page
    markdown = render_markdown(article)
    assert "Tasnim News Agency \u2068خبرگزاری تسنیم\u2069" in markdown
    assert "(as written: \u2068۲۸ اسفند ۱۴۰۲\u2069)" in markdown
    for line in markdown.splitlines():  # every Persian run sits between FSI and PDI
        outside = re.sub("\u2068[^\u2069]*\u2069", "", line)
        assert not RTL.search(outside), line
    assert '<html lang="en" dir="ltr">' in page


def test_the_index_reads_as_a_list_of_articles() -> None:
    articles = [tasnim_article(), arabic_article()]
    page = render_index_html(articles, ["html", "json"], [], brief="../brief.html")
    assert "overflow-wrap: anywhere" not in re.sub(r"\.url, \.path \{ overflow-wrap: anywhere; \}", "", page)
    text = text_of(page)
    for expected in ("Bagheri meets Syria's minister", "دیدار سرلشکر باقری با وزیر دفاع سوریه", "Tasnim News Agency",
                     "خبرگزاری تسنیم", "Al-Manar", "18 March 2024", "date unknown",
                     "Minister Ayoub said cooperation has continued since 2011."):
        assert expected in text
    assert '<a href="./../brief.html">' in page
    markdown = render_index_markdown(articles, ["html"], [], brief="../brief.html")
    assert "| title | outlet | date | in one line | files |" in markdown and "Al-Manar \u2068موقع المنار\u2069" in markdown


def test_the_compare_page_shows_the_report_and_our_translation() -> None:
    article = tasnim_article()
    ours = {s.id: f"Our English {s.id}." for s in article.sentences()}
    page = render_compare_html(article, REPORT, ours)
    text = text_of(page)
    for expected in ("in/their-english.txt", "87% of source sentences have English", "chrF 41.2", "BLEU 12.5",
                     "possible omission 1", "dropped 1", "Our translation", "Our English p3.s1."):
        assert expected in text, expected
    assert 'id="show-ours" checked' in page and page.count('<td class="ours"') == 15
    without = render_compare_html(article, {**REPORT, "similarity": {"model": None, "note": "ran without model"}})
    assert "ran without model" in text_of(without) and 'class="ours"' not in without and "chrF" not in without


# --- the brief ------------------------------------------------------------------------------------


def brief_articles() -> list[Article]:
    tasnim, manar = tasnim_article(flagged=0), arabic_article()
    manar.published = None
    return [tasnim, manar]


def test_the_brief_reads_as_a_morning_brief() -> None:
    brief = build_brief(brief_articles(), "2024-03-19")
    assert brief.coverage == "1 of 2 articles dated: 18 March 2024"
    story = brief.stories[0]
    assert story.lede and [s.outlet_english for s in story.sources] == ["Tasnim News Agency", "Al-Manar"]
    page = render_brief(brief, "html")
    text = text_of(page)
    assert "Daily brief — 19 March 2024" in text and "1 story from 2 articles" in text and "(2 sources)" in text
    assert "Al-Manar موقع المنار (undated):" in text and "Tasnim News Agency خبرگزاری تسنیم (18 March 2024):" in text
    assert 'href="https://www.tasnimnews.com/fa/news/1">original</a>' in page
    assert "Where the sources differ" in text and "Only Al-Manar" in text
    assert "Ayoub (أيوب)" in text or "Ayoub (<bdi" in page  # the English spelling the article itself uses
    assert "sources)" in text and "1 sources" not in text and 'dir="auto"' not in page
    markdown = render_brief(brief, "md")
    assert "[original](<https://www.tasnimnews.com/fa/news/1>)" in markdown
    brief.stories[0].sources[0].url = "javascript:alert(1)"  # only web addresses become links
    assert "javascript" not in render_brief(brief, "html") and "javascript" not in render_brief(brief, "md")
    for line in markdown.splitlines():
        assert not RTL.search(re.sub("\u2068[^\u2069]*\u2069", "", line)), line


# --- in a browser ---------------------------------------------------------------------------------


def pages(tmp_path: Path) -> dict[str, Path]:
    article = tasnim_article()
    written = {
        "digest": render_html(article),
        "index": render_index_html([article, arabic_article()], ["html", "json"], [], brief="../brief.html"),
        "brief": render_brief(build_brief(brief_articles(), "2024-03-19"), "html"),
        "compare": render_compare_html(article, REPORT, {s.id: f"Our English {s.id}." for s in article.sentences()}),
    }
    paths = {}
    for name, page in written.items():
        paths[name] = tmp_path / f"{name}.html"
        paths[name].write_text(page, encoding="utf-8")
    return paths


@needs_browser
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_pages_at_desktop_and_phone_width(tmp_path: Path, width: int) -> None:
    with headless_browser() as driver:
        set_width(driver, width)
        for name, path in pages(tmp_path).items():
            driver.get(path.as_uri())
            assert page_problems(driver) == [], name
            text = driver.execute_script("return document.body.innerText")
            assert ("Tasnim News Agency" in text or "Al-Manar" in text), name
            driver.save_screenshot(str(ARTIFACTS / f"page-{name}-{width}.png"))
            if name == "digest":
                assert "9 of 15 sentences have warnings" in text
                flag = driver.execute_script("const f = document.querySelector('.flag');"
                                             "const r = f.getBoundingClientRect(); return [f.innerText, r.width > 0]")
                assert flag == ["number missing: 10", True]  # the detail is on the page, not in a tooltip
                assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0


@needs_browser
def test_pages_in_print_and_in_dark_mode(tmp_path: Path) -> None:
    with headless_browser() as driver:
        for name, path in pages(tmp_path).items():
            driver.get(path.as_uri())
            pdf = pdf_pages(print_pdf(driver, ARTIFACTS / f"page-{name}.pdf"))
            assert pdf and all(f"Page {n} of {len(pdf)}" in page for n, page in enumerate(pdf, start=1)), name
            headings = set(driver.execute_script("return [...document.querySelectorAll('h1, h2, h3')]"
                                                 ".map(h => h.innerText.trim())"))
            last_lines = [[line for line in page.splitlines() if line.strip()][-1].strip() for page in pdf]
            assert not headings & set(last_lines), name  # no heading left alone at the foot of a page
            if name == "digest":
                assert all("Bagheri meets Syria's minister · Tasnim News Agency · 18 March 2024" in p for p in pdf)
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
            kept = driver.execute_script("return [...document.querySelectorAll('h1, h2, h3')]"
                                         ".map(h => getComputedStyle(h).breakAfter)")
            assert kept and set(kept) == {"avoid"}, name
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen", "features": [
                {"name": "prefers-color-scheme", "value": "dark"}]})
            background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(21, 23, 26)", name
            driver.save_screenshot(str(ARTIFACTS / f"page-{name}-dark.png"))
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})


def run_compare(tmp_path: Path, env: dict[str, str]) -> tuple[Path, dict, str]:
    import json

    from typer.testing import CliRunner

    from cli import app
    from tests.test_qa_compare import SEED, stand_in_translation

    english, _ = stand_in_translation(tmp_path)
    result = CliRunner().invoke(app, ["compare", str(SEED), str(english), "-o", str(tmp_path / "out"), "--fast"],
                                env=env)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / f"{SEED.stem}.report.json").read_text(encoding="utf-8"))
    return english, report, (tmp_path / "out" / f"{SEED.stem}.html").read_text(encoding="utf-8")


def test_mtdigest_compare_writes_the_report_on_its_page(tmp_path: Path) -> None:
    """The real job without a model: a 2–1 merge, a dropped sentence; the page carries the report as written."""
    (tmp_path / "empty-home").mkdir()
    env = {"MTDIGEST_HOME": str(tmp_path / "empty-home"), "MTDIGEST_CACHE": str(tmp_path / "c.sqlite")}
    english, report, page = run_compare(tmp_path, env)
    text = text_of(page)
    assert str(english) in text and f"{report['coverage']['source']:.0%} of source sentences have English" in text
    for code, count in report["flags"]["by_code"].items():
        assert f"{code.replace('_', ' ')} {count}" in text
    assert "no translation model here" in text and 'class="ours"' not in page  # no model: no third column
    cells = re.findall(r'<td class="en" lang="en">(.*?)</td>', page)
    merged = [c for c in cells if 'class="merged"' in c]
    assert merged and all(text_of(c).split(":", 1)[1].strip() for c in merged)  # the merged row shows the English


def test_with_a_model_our_translation_is_a_third_column_and_the_scores_are_shown(tiny_models: Path,
                                                                                  tmp_path: Path) -> None:
    env = {"MTDIGEST_LOCK": str(tiny_models / "models.lock"), "MTDIGEST_HOME": str(tiny_models / "home"),
           "MTDIGEST_CACHE": str(tmp_path / "c.sqlite")}
    _, report, page = run_compare(tmp_path, env)
    assert f"chrF {report['similarity']['chrf']:.1f}" in text_of(page) and "BLEU" in text_of(page)
    assert page.count('<td class="ours"') == report["sentences"]["source"] and 'id="show-ours" checked' in page


@needs_browser
def test_the_cite_button_copies_the_citation(tmp_path: Path) -> None:
    path = pages(tmp_path)["digest"]
    with headless_browser() as driver:
        driver.get(path.as_uri())
        driver.execute_cdp_cmd("Browser.grantPermissions", {"permissions": ["clipboardReadWrite",
                                                                            "clipboardSanitizedWrite"]})
        button = driver.find_elements("css selector", "tr#p1\\.s2 button.cite")[0]
        button.click()
        copied = driver.execute_async_script(
            "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('error ' + e));")
        assert copied == ("Tasnim News Agency (خبرگزاری تسنیم), 18 March 2024, https://www.tasnimnews.com/fa/news/1, "
                          "sentence p1.s2") and button.text == "copied"
