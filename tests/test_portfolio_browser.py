"""The portfolio in headless Chromium (Debian's ``chromium`` driven by Playwright).

Clicking a header of the ranking table sorts it (a second click reverses it, rows without a
value stay last), the search box and the select hide rows and the counter follows, Sarabun (the
embedded subset) draws the Thai text, the console stays clean and nothing fails to load or is
fetched from outside. A screenshot is kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _browser import ARTIFACTS, drawn_fonts, needs_browser, require_playwright

from ita_analysis.analysis.portfolio import analyse_portfolio
from ita_analysis.data.dataset import load_dataset, synthetic_data_dir
from ita_analysis.render.browser import chromium_page
from ita_analysis.render.portfolio import render_portfolio
from ita_analysis.thai import to_arabic_digits

pytestmark = [needs_browser]
require_playwright()
YEAR = 2567
ROWS = "table.pf-ranking tbody tr"
VISIBLE = "table.pf-ranking tbody tr:not([hidden])"


@pytest.fixture(scope="module")
def portfolio_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_portfolio(YEAR, out_dir=tmp_path_factory.mktemp("browser")).html


@pytest.fixture(scope="module")
def library():
    return analyse_portfolio(load_dataset(synthetic_data_dir()), YEAR)


def _column(page, index: int, selector: str = ROWS) -> list[str]:
    return page.eval_on_selector_all(
        selector, f"rows => rows.map(r => r.cells[{index}].getAttribute('data-sort') ?? "
                  f"r.cells[{index}].textContent.trim())")


def _orgs(page, selector: str = ROWS) -> list[str]:
    return page.eval_on_selector_all(selector, "rows => rows.map(r => r.dataset.org)")


def _header(page, text: str):
    return page.locator("table.pf-ranking thead th", has_text=text)


def test_clicking_a_header_sorts_the_ranking(portfolio_html: Path, library) -> None:
    with chromium_page(portfolio_html) as (page, log):
        assert _orgs(page) == [r.org_id for r in library.ranking]
        rank = _header(page, "อันดับ")
        assert rank.get_attribute("aria-sort") == "ascending"

        score = _header(page, "คะแนนรวม")
        score.locator("button").click()  # first click: highest first
        assert score.get_attribute("aria-sort") == "descending"
        assert rank.get_attribute("aria-sort") is None
        values = [float(v) for v in _column(page, 4)]
        assert values == sorted(values, reverse=True)
        score.locator("button").click()  # second click: lowest first
        assert score.get_attribute("aria-sort") == "ascending"
        values = [float(v) for v in _column(page, 4)]
        assert values == sorted(values)
        assert _orgs(page)[0] == library.ranking[-1].org_id

        change = _header(page, "เทียบปี")
        change.locator("button").click()
        raw = _column(page, 6)
        known = [float(v) for v in raw if v != ""]
        assert known == sorted(known, reverse=True)
        assert raw[len(known):] == [""] * (len(raw) - len(known))  # no previous year: last
        assert len(raw) - len(known) == len(library.movement.new)
        change.locator("button").click()
        raw = _column(page, 6)
        assert [float(v) for v in raw if v != ""] == sorted(known)
        assert raw[len(known):] == [""] * (len(raw) - len(known))

        _header(page, "หน่วยงาน").first.locator("button").click()
        names = page.eval_on_selector_all(ROWS, "rows => rows.map(r => r.cells[1].textContent)")
        expected = page.evaluate(
            "names => names.slice().sort((a, b) => a.localeCompare(b, 'th'))", names)
        assert names == expected and names != [r.short_name for r in library.ranking]

        rank.locator("button").click()  # back to the ranking
        assert rank.get_attribute("aria-sort") == "ascending"
        assert _orgs(page) == [r.org_id for r in library.ranking]
        rank.locator("button").click()
        ranks = [int(v) for v in _column(page, 0)]
        assert rank.get_attribute("aria-sort") == "descending"
        assert ranks == sorted(ranks, reverse=True)
    assert log.console_errors == [] and log.failed_requests == []
    assert log.outside_requests == []


def test_the_filter_hides_rows_and_counts_what_is_left(portfolio_html: Path, library) -> None:
    district = library.ranking[0].district
    in_district = [r.org_id for r in library.ranking if r.district == district]
    below = [r.org_id for r in library.ranking if not r.passed]
    with chromium_page(portfolio_html) as (page, log):
        search = page.locator("input[data-filter]")
        shown = page.locator("[data-shown]")
        assert to_arabic_digits(shown.text_content()) == str(len(library.ranking))

        search.fill(district.removeprefix("อำเภอ"))  # the column shows it without the prefix
        assert _orgs(page, VISIBLE) == in_district
        assert to_arabic_digits(shown.text_content()) == str(len(in_district))
        assert page.eval_on_selector_all(ROWS, "rows => rows.filter(r => r.hidden).length") \
            == len(library.ranking) - len(in_district)

        search.fill(library.ranking[3].name)  # the full name, though the table shows the short
        assert _orgs(page, VISIBLE) == [library.ranking[3].org_id]

        search.fill("")
        page.select_option("select[data-filter-target]", "0")
        assert _orgs(page, VISIBLE) == below
        assert to_arabic_digits(shown.text_content()) == str(len(below))
        assert shown.text_content() == shown.text_content().translate(
            str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))  # Thai digits, as the document

        search.fill("ไม่มีหน่วยงานชื่อนี้")
        assert _orgs(page, VISIBLE) == []
        assert to_arabic_digits(shown.text_content()) == "0"
        search.fill("")
        page.select_option("select[data-filter-target]", "")
        assert len(_orgs(page, VISIBLE)) == len(library.ranking)
    assert log.console_errors == [] and log.failed_requests == []


def test_thai_text_is_drawn_in_the_embedded_sarabun(portfolio_html: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(portfolio_html, width=1200, height=1500) as (page, log):
        assert page.evaluate("document.documentElement.lang") == "th"
        assert page.evaluate("document.fonts.check('16px Sarabun', 'ก')")
        faces = page.evaluate("""Array.from(document.fonts).map(f => ({
            family: f.family.replace(/["']/g, ''), weight: f.weight, status: f.status}))""")
        loaded = {f["weight"] for f in faces if f["family"] == "Sarabun"
                  and f["status"] == "loaded"}
        assert {"400", "700"} <= loaded, faces
        page.screenshot(path=str(ARTIFACTS / "portfolio-synthetic.png"), full_page=False)
        # the ranking table fits the page: no column runs out of the document's box
        overflow = page.evaluate("""(() => {
            const doc = document.querySelector('main.document').getBoundingClientRect();
            const t = document.querySelector('table.pf-ranking').getBoundingClientRect();
            return t.right - doc.right; })()""")
        assert overflow <= 0
    assert log.console_errors == [] and log.failed_requests == []
    assert log.outside_requests == []
    assert (ARTIFACTS / "portfolio-synthetic.png").stat().st_size > 10_000
    selectors = ["#sec-overview p.indent", "table.pf-ranking tbody td.org",
                 "table.pf-ranking thead button", "figure.chart svg text"]
    for selector, used in drawn_fonts(portfolio_html, selectors).items():
        assert used and all(f["familyName"] == "Sarabun" and f["isCustomFont"]
                            for f in used), (selector, used)
