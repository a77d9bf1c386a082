"""The documents as Chromium lays them out: on a phone (390 px), on a desktop (1280 px) and for
print (A4 text width, print media). Nothing may scroll sideways on a phone but a table in its
own box, no cell may draw over another, and each document opens from disk with a clean
console.
"""

from __future__ import annotations

import re

import pytest
from _browser import needs_browser, require_playwright
from _linebreaks import line_break_problems, measure_lines
from conftest import Document

from ita_analysis.render.browser import chromium_page

pytestmark = [needs_browser]
require_playwright()

NAMES = ("seed", "seed-arabic", "letter", "failing", "no-measures")
A4_TEXT_PX = round(160 / 25.4 * 96)  # 210 mm less 30 mm and 20 mm margins, in CSS px
LAYOUTS = {"phone": (390, "screen"), "desktop": (1280, "screen"), "print": (A4_TEXT_PX, "print")}

# Cells whose content is wider than the cell: the cell's contents would draw over its
# neighbour. (A table wider than its box scrolls inside the box: that is allowed.)
OVERFLOWING_CELLS = """() => Array.from(document.querySelectorAll('td, th, dd, dt'))
  .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.textContent.trim().slice(0, 40))"""
# Boxes wider than the viewport that are not inside a box scrolling sideways
SIDEWAYS = """() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; }
    return false; };
  return Array.from(document.querySelectorAll('main *')).filter(el => {
    const r = el.getBoundingClientRect(); return r.width && r.right > vw + 1 && !scrolls(el); })
    .map(el => el.tagName + '.' + el.className).slice(0, 10); }"""


@pytest.fixture(params=NAMES)
def doc(request: pytest.FixtureRequest, documents: dict[str, Document]) -> Document:
    return documents[request.param]


def _thai(problems: list[str]) -> list[str]:
    """The problems of Thai typesetting: an annex's code and hashes break as Latin text does
    ("ita-|analysis", a hash anywhere), and only a break with Thai beside it is ours."""
    return [p for p in problems
            if re.search(r"[\u0e00-\u0e7f]\||\|[\u0e00-\u0e7f]", p.split(": ", 2)[-1])
            or not re.search(r"\|", p)]


def _keep(doc: Document) -> tuple[str, ...]:
    org = doc.soup.select_one(".cover-org").get_text()
    place = doc.soup.select_one(".cover-place")
    return (org, *(place.get_text().split(" ") if place else ()))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_lines_break_only_between_words(doc: Document, layout: str) -> None:
    """Where Chromium actually breaks each line, measured per character: never inside a word
    of the dictionary, a date, a number with its unit, or the organisation's name."""
    width, media = LAYOUTS[layout]
    for page_file in (doc.files.html, doc.files.annex):
        with chromium_page(page_file, width=width, height=900) as (page, _):
            page.emulate_media(media=media)
            problems = line_break_problems(measure_lines(page), _keep(doc))
        assert _thai(problems) == [], (page_file.name, problems[:10])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_cell_draws_over_another_and_nothing_runs_off(doc: Document, layout: str) -> None:
    width, media = LAYOUTS[layout]
    for page_file in (doc.files.html, doc.files.annex):
        with chromium_page(page_file, width=width, height=900) as (page, log):
            page.emulate_media(media=media)
            assert page.evaluate(OVERFLOWING_CELLS) == []
            assert page.evaluate(SIDEWAYS) == []
            if layout == "phone":
                assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert log.console_errors == [] and log.failed_requests == []


def test_the_cover_and_its_score_boxes_fit_a_phone(documents: dict[str, Document]) -> None:
    with chromium_page(documents["seed"].files.html, width=390, height=900) as (page, _):
        boxes = page.evaluate("""Array.from(document.querySelectorAll('.cover-result div'))
            .map(d => { const r = d.getBoundingClientRect(); return [r.left, r.right]; })""")
        assert boxes and all(0 <= left and right <= 390 for left, right in boxes)


def test_table_text_is_at_least_14_points_in_print(doc: Document) -> None:
    with chromium_page(doc.files.html, width=A4_TEXT_PX) as (page, _):
        page.emulate_media(media="print")
        sizes = page.evaluate("""Array.from(document.querySelectorAll('table.data td'))
            .map(td => parseFloat(getComputedStyle(td).fontSize))""")
    assert sizes and min(sizes) >= 14 * 96 / 72 - 0.01  # 14 pt in CSS px


def test_every_line_holds_its_marks_in_print(doc: Document) -> None:
    """A line box must hold the ink of its Thai marks (Sarabun stacks a tone over an upper
    vowel above the font's ascent): the ink of a page's first line would otherwise print at
    the foot of the page before. Measured on each element's own text, in its own font."""
    with chromium_page(doc.files.html, width=A4_TEXT_PX) as (page, _):
        page.emulate_media(media="print")
        short = page.evaluate("""() => {
          const ctx = document.createElement('canvas').getContext('2d');
          const out = [];
          const sel = 'main p, main td, main th, main h1, main h2, main h3, main li, main caption';
          for (const el of document.querySelectorAll(sel)) {
            const text = el.textContent.trim(); if (!text) continue;
            const cs = getComputedStyle(el);
            // measured at 100 px and scaled: small sizes round the ink to whole pixels
            ctx.font = `${cs.fontWeight} 100px ${cs.fontFamily}`;
            const m = ctx.measureText(text);
            const size = parseFloat(cs.fontSize), lh = parseFloat(cs.lineHeight) / size;
            if (isNaN(lh)) continue;
            const ascent = m.fontBoundingBoxAscent / 100, descent = m.fontBoundingBoxDescent / 100;
            const top = (lh - ascent - descent) / 2 + ascent;
            if (m.actualBoundingBoxAscent / 100 > top + 0.01) out.push(text.slice(0, 30));
          }
          return out; }""")
    assert short == []


@pytest.fixture(scope="module")
def other_pages(documents: dict[str, Document],
                tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The portfolio of the synthetic province (and its annex) and the index of a report."""
    from ita_analysis.documents.index import write_indexes
    from ita_analysis.render.portfolio import render_portfolio

    out = tmp_path_factory.mktemp("portfolio")
    portfolio = render_portfolio(2566, out_dir=out)
    index = write_indexes(documents["letter"].files.folder.parents[1])[0]
    return {"portfolio": portfolio.html, "portfolio-annex": portfolio.annex, "index": index}


@pytest.mark.parametrize("name", ["portfolio", "portfolio-annex", "index"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_portfolio_and_the_index_fit_every_width(other_pages: dict[str, object], name: str,
                                                     layout: str) -> None:
    width, media = LAYOUTS[layout]
    with chromium_page(other_pages[name], width=width, height=900) as (page, log):
        page.emulate_media(media=media)
        assert _thai(line_break_problems(measure_lines(page))) == []
        assert page.evaluate(OVERFLOWING_CELLS) == []
        assert page.evaluate(SIDEWAYS) == []
        if layout == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert log.console_errors == [] and log.failed_requests == []


def test_the_index_shows_no_ids_and_links_each_annex(other_pages: dict[str, object],
                                                     documents: dict[str, Document]) -> None:
    with chromium_page(other_pages["index"], width=1280) as (page, _):
        shown = page.evaluate("document.querySelector('#reports').innerText")
        links = page.evaluate("""Array.from(document.querySelectorAll('#reports a'))
            .map(a => [a.textContent, a.getAttribute('href')])""")
    assert documents["letter"].case.org not in shown
    assert [text for text, _ in links] == ["รายงาน", "ภาคผนวก"]
    assert links[1][1].endswith("annex.html")
