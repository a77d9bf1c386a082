"""The seed report in headless Chromium (Debian's ``chromium`` driven by Playwright).

Sarabun must be the face that draws the Thai text (the embedded subset, loaded from the page
itself), nothing may fail to load or be fetched from outside, and the console stays clean.
A screenshot is kept in tests/artifacts/ for a person to look at. ``--pdf`` is checked here
too: an A4 PDF with Sarabun embedded and a Unicode map, so its Thai text can be selected.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _browser import ARTIFACTS, drawn_fonts, needs_browser, require_playwright

from ita_analysis.render.browser import chromium_page, print_pdf
from ita_analysis.render.report import render_report

pytestmark = [needs_browser]
require_playwright()


@pytest.fixture(scope="module")
def seed_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser")
    return render_report(out_dir=out, report_date="2022-12-15").html


def test_thai_text_is_drawn_in_the_embedded_sarabun(seed_html: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(seed_html, width=1200, height=1500) as (page, log):
        assert page.evaluate("document.documentElement.lang") == "th"
        assert page.evaluate("document.fonts.check('16px Sarabun', 'ก')")
        family = page.evaluate(
            "getComputedStyle(document.querySelector('.preface p')).fontFamily")
        assert family.replace('"', "").replace("'", "").split(",")[0].strip() == "Sarabun"
        faces = page.evaluate("""Array.from(document.fonts).map(f => ({
            family: f.family.replace(/["']/g, ''), weight: f.weight, status: f.status}))""")
        loaded = {f["weight"] for f in faces if f["family"] == "Sarabun"
                  and f["status"] == "loaded"}
        assert {"400", "700"} <= loaded, faces
        page.screenshot(path=str(ARTIFACTS / "report-seed.png"), full_page=False)
        page.screenshot(path=str(ARTIFACTS / "report-seed-full.png"), full_page=True)
    assert log.console_errors == []
    assert log.failed_requests == []
    assert log.outside_requests == []
    assert (ARTIFACTS / "report-seed.png").stat().st_size > 10_000
    # The face that actually drew the preface's Thai text and every text of the charts (kept
    # as SVG text in the document's font), as Chromium reports it.
    for selector, used in drawn_fonts(seed_html, [".preface p", "figure.chart svg text"]).items():
        assert used and all(f["familyName"] == "Sarabun" and f["isCustomFont"]
                            for f in used), (selector, used)


def test_print_layout_is_a4_with_page_breaks_only_where_a_reader_expects_them(
        seed_html: Path) -> None:
    with chromium_page(seed_html) as (page, _):
        page.emulate_media(media="print")
        breaks = page.evaluate("""Object.fromEntries(Array.from(
            document.querySelectorAll('section.main')).map(s =>
            [s.id, getComputedStyle(s).breakBefore]))""")
        # sections follow on, but the measures (the plan for the year ahead) start a page
        assert breaks.pop("sec-measures") == "page"
        assert breaks and set(breaks.values()) == {"auto"}
        assert page.evaluate("getComputedStyle(document.querySelector('.cover')).breakAfter") \
            == "page"
        assert page.evaluate("""['breakBefore', 'breakAfter'].map(p =>
            getComputedStyle(document.querySelector('.contents'))[p])""") == ["page", "page"]
        headings = page.evaluate("""Array.from(document.querySelectorAll('h2, h3'))
            .map(h => getComputedStyle(h).breakAfter)""")
        assert set(headings) == {"avoid"}
        sheets = page.evaluate("""Array.from(document.styleSheets).flatMap(s =>
            Array.from(s.cssRules)).filter(r => r.type === CSSRule.PAGE_RULE)
            .map(r => r.cssText)""")
        assert any(re.search(r"size:\s*A4", text, re.I) for text in sheets), sheets


def test_pdf_is_a4_with_selectable_thai_text(seed_html: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    print_pdf(seed_html, pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert re.search(rb"/MediaBox \[0 0 59[45]\.?\d* 84[12]\.?\d*\]", data)
    assert b"Sarabun" in data and b"/ToUnicode" in data
