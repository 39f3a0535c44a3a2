"""Debian's Chromium, headless and offline, for tests that look at rendered pages as readers do.

Screenshots and PDFs are kept as test artifacts in `$MTDIGEST_TEST_ARTIFACTS`, else in a folder under the
system's temporary directory (never in the source tree). `page_problems` reads a loaded page the way the
pages promise to read: English blocks left-to-right, nothing wider than the window, no word broken inside
(`overflow-wrap: anywhere` only on URLs and paths; source text and named fragments never broken), and no
Persian or Arabic run inside English text that is not isolated (`<bdi>`, or an element with its own `dir`).
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(os.environ.get("MTDIGEST_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "mtdigest-test-artifacts")
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1280,1000")
DESKTOP, PHONE = 1280, 390  # CSS pixels

# CI installs the browser (.ci/run), so there the test must run; elsewhere it may be skipped.
needs_browser = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
                                   reason="Debian chromium + chromium-driver not installed (.ci/run installs them)")


@contextlib.contextmanager
def headless_browser() -> Iterator[Any]:
    """A Selenium driver on /usr/bin/chromium (never a downloaded browser); screenshots go to ARTIFACTS."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER or "/usr/bin/chromedriver"), options=options)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def set_width(driver: Any, width: int) -> None:
    """A viewport exactly `width` CSS pixels wide (as a phone or a desktop lays the page out)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})


def print_pdf(driver: Any, path: Path) -> bytes:
    """The loaded page printed to an A4 PDF as a reader's browser would (CSS `@page` margins), kept at `path`."""
    result = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True,
                                                        "displayHeaderFooter": False})
    data = base64.b64decode(result["data"])
    path.write_bytes(data)
    return data


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF."""
    import io

    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


# English blocks: everything in the page's left-to-right flow that is not source text or an isolate.
_PROBLEMS = r"""
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/;
const width = document.documentElement.clientWidth;
const problems = [];
const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
for (const el of document.querySelectorAll('p, li, h1, h2, h3, dd, td.en, td.ours, th')) {
  if (!el.closest('[dir="rtl"], .src') && visible(el) && getComputedStyle(el).direction !== 'ltr')
    problems.push('direction ' + getComputedStyle(el).direction + ': ' + describe(el));
}
if (document.documentElement.scrollWidth > width + 1) problems.push('page scrolls sideways: ' +
  document.documentElement.scrollWidth + ' > ' + width);
for (const el of document.body.querySelectorAll('*')) {
  if (!visible(el) || el.closest('details:not([open]) > :not(summary)')) continue;
  const r = el.getBoundingClientRect();
  if (r.right > width + 1 || r.left < -1) problems.push('overflows: ' + describe(el) + ' ' + r.left + '..' + r.right);
}
for (const el of document.body.querySelectorAll('*')) {
  const wrap = getComputedStyle(el).overflowWrap, breaking = getComputedStyle(el).wordBreak;
  if ((wrap === 'anywhere' || breaking === 'break-all') && !el.closest('.url, .path'))
    problems.push('breaks inside words: ' + describe(el));
  if (el.matches('.src, [dir="rtl"], bdi[lang]') && wrap !== 'normal')
    problems.push('may cut a Persian/Arabic word (overflow-wrap: ' + wrap + '): ' + describe(el));
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (!RTL.test(node.data) || node.parentElement.closest('script, style')) continue;
  const isolate = node.parentElement.closest('bdi, [dir], .src');
  if (!isolate || isolate.getAttribute('dir') === 'ltr')
    problems.push('unisolated right-to-left text in ' + describe(node.parentElement) + ': ' + node.data.slice(0, 40));
}
return problems;
"""


def page_problems(driver: Any) -> list[str]:
    """What is wrong with the loaded page at its current width (empty when nothing is)."""
    return driver.execute_script(_PROBLEMS)
