"""The index of reports: what it lists, that it escapes, and that it sorts and filters in
headless Chromium (Debian's ``chromium`` driven by Playwright) with nothing loaded from outside.

The output folder is made of ``summary.json`` files written as ``render_report`` writes them
(the keys the index reads) with figures from the synthetic data, plus one organisation whose
name holds markup, so that no kernel is needed; tests/test_batch.py checks the index of
rendered reports.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from _browser import ARTIFACTS, needs_browser, require_playwright
from _fonts import assert_in_shipped_font
from _html import parse
from bs4 import BeautifulSoup

from ita_analysis.data.dataset import load_dataset, synthetic_data_dir
from ita_analysis.documents.index import CACHE_NAME, collect, write_indexes
from ita_analysis.scoring import score_table
from ita_analysis.thai import to_thai_digits

EVIL = '<script>alert("x")</script>อบต. & "คำพูด"'


def _summary(org: dict[str, str], row: dict) -> dict:
    return {
        "schema": "ita-analysis/report-summary/1",
        "org": org,
        "parameters": {"org_id": org["org_id"], "fiscal_year": int(row["fiscal_year"])},
        "files": {"notebook": "report.ipynb", "html": "report.html", "summary": "summary.json"},
        "findings": {"org_id": org["org_id"], "fiscal_year": int(row["fiscal_year"]),
                     "overall_2dp": float(row["overall_2dp"]), "grade": str(row["grade"]),
                     "passed": bool(row["passed"])},
    }


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reports of 6 synthetic organisations in 2566 and 2567, one of them named with markup;
    one folder holds a summary but no page (not listed), one a page but no summary."""
    out = tmp_path_factory.mktemp("index") / "outputs"
    ds = load_dataset(synthetic_data_dir())
    table = score_table(ds.scores)
    towns = ds.organisations[ds.organisations["org_type"] != "องค์การบริหารส่วนตำบล"].head(2)
    orgs = [*ds.organisations.head(4).to_dict("records"), *towns.to_dict("records")]
    orgs[0] = {**orgs[0], "name": EVIL}
    for org in orgs:
        for year in (2566, 2567):
            rows = table[(table["org_id"] == org["org_id"]) & (table["fiscal_year"] == year)]
            if rows.empty:
                continue
            folder = out / str(year) / org["org_id"]
            folder.mkdir(parents=True)
            record = _summary({k: str(org[k]) for k in ("org_id", "name", "org_type",
                                                          "district", "province")},
                              rows.iloc[0].to_dict())
            (folder / "summary.json").write_text(json.dumps(record, ensure_ascii=False),
                                                 encoding="utf-8")
            (folder / "report.html").write_text("<!DOCTYPE html><title>r</title>",
                                                encoding="utf-8")
    lost = out / "2567" / "no-page"
    lost.mkdir()
    (lost / "summary.json").write_text(json.dumps(_summary(
        {"org_id": "no-page", "name": "x", "org_type": "", "district": "", "province": ""},
        {"fiscal_year": 2567, "overall_2dp": 1, "grade": "x", "passed": False})),
        encoding="utf-8")
    (out / "2567" / "half").mkdir()
    (out / "2567" / "half" / "report.html").write_text("x", encoding="utf-8")
    write_indexes(out)
    return out


def _soup(page: Path) -> BeautifulSoup:
    return parse(page.read_text(encoding="utf-8"))


# -- the page as written -----------------------------------------------------------------------

def test_the_index_lists_every_report_with_a_page_and_escapes_the_data(outputs: Path) -> None:
    entries = collect(outputs)
    assert {e.org_id for e in entries}.isdisjoint({"no-page", "half"})
    soup = _soup(outputs / "index.html")
    assert soup.html["lang"] == "th"
    rows = soup.select("#reports tbody tr")
    assert len(rows) == len(entries) >= 10
    html = (outputs / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)" in html
    assert len(soup.find_all("script")) == 1  # ours, inline
    assert EVIL in soup.get_text()
    # no file or address outside the page: links are relative and lead to the reports
    assert not soup.find_all(["link", "img", "iframe"])
    assert not soup.select("script[src]")
    for a in soup.select("#reports a"):
        assert not a["href"].startswith(("/", "http", "file:"))
        assert (outputs / a["href"]).is_file()
    assert "@font-face{font-family:'Sarabun'" in html and "data:font/woff2;base64," in html
    # Thai digits by default, figures with two decimals
    first = entries[0]
    assert any(td.get_text() == first.name for td in soup.select("#reports td"))
    assert "๒๕๖๗" in soup.select_one("#reports tbody td.num").get_text()


def test_index_pages_embed_the_shipped_font_and_use_no_character_beyond_it(
        outputs: Path) -> None:
    for page in [outputs / "index.html", *sorted(outputs.glob("*/index.html"))]:
        assert_in_shipped_font(page.read_text(encoding="utf-8"))


def _pages(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(out.rglob(INDEX_HTML))}


INDEX_HTML = "index.html"


def test_the_index_kept_in_index_json_gives_the_pages_a_full_read_gives(
        outputs: Path, tmp_path: Path) -> None:
    """index.json lets the next writing read only what changed: a summary rewritten since is
    read again, a report whose page is gone leaves the list, a new one joins it, and the pages
    are those a fresh read of every summary writes."""
    out = tmp_path / "outputs"
    shutil.copytree(outputs, out)
    cache = json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))
    assert len(cache["rows"]) == len(collect(out))
    listed = sorted(collect(out), key=lambda e: e.org_id)
    renamed, gone = listed[1], listed[2]
    summary = out / str(renamed.fiscal_year) / renamed.org_id / "summary.json"
    record = json.loads(summary.read_text(encoding="utf-8"))
    record["org"]["name"] = "เทศบาลตำบลเปลี่ยนชื่อ"
    summary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    os.utime(summary, ns=(1, 1))  # a rewritten summary is noticed by its size and time
    (out / str(gone.fiscal_year) / gone.org_id / "report.html").unlink()
    record["org"]["org_id"] = "half"  # a page without a summary gets one: listed now
    (out / "2567" / "half" / "summary.json").write_text(json.dumps(record, ensure_ascii=False),
                                                        encoding="utf-8")
    write_indexes(out)
    kept = _pages(out)
    assert "เทศบาลตำบลเปลี่ยนชื่อ" in kept["index.html"]
    listed_now = {(e.fiscal_year, e.org_id) for e in collect(out)}
    assert (gone.fiscal_year, gone.org_id) not in listed_now
    assert "half" in {org for _, org in listed_now}
    (out / CACHE_NAME).unlink()
    write_indexes(out)
    assert _pages(out) == kept
    (out / CACHE_NAME).write_text("{not json", encoding="utf-8")  # a broken cache: a full read
    write_indexes(out)
    assert _pages(out) == kept


def test_one_index_per_year_with_links_from_its_folder(outputs: Path) -> None:
    for year in ("2566", "2567"):
        soup = _soup(outputs / year / "index.html")
        rows = soup.select("#reports tbody tr")
        assert rows and {r["data-year"] for r in rows} == {year}
        for a in soup.select("#reports a"):
            assert (outputs / year / a["href"]).is_file()
        nav = {a["href"] for a in soup.select("nav a")}
        assert "../index.html" in nav
    top = {a["href"] for a in _soup(outputs / "index.html").select("nav a")}
    assert {"2566/index.html", "2567/index.html"} <= top


# -- in the browser ----------------------------------------------------------------------------

def _column(page: object, index: int) -> list[str]:
    return page.evaluate(  # type: ignore[attr-defined]
        """i => Array.from(document.querySelectorAll('#reports tbody tr'))
              .filter(r => !r.hidden).map(r => r.cells[i].dataset.sort)""", index)


@needs_browser
def test_headers_sort_and_the_filters_hide_rows_in_chromium(outputs: Path) -> None:
    require_playwright()
    from ita_analysis.render.browser import chromium_page

    entries = collect(outputs)
    with chromium_page(outputs / "index.html", width=1300, height=900) as (page, log):
        assert page.evaluate("document.documentElement.lang") == "th"
        assert page.evaluate("document.fonts.check('16px Sarabun', 'ก')")
        headers = page.eval_on_selector_all("thead th", "ths => ths.map(t => t.innerText)")
        score, year, name = (headers.index("คะแนนรวม"), headers.index("ปีงบประมาณ"),
                             headers.index("หน่วยงาน"))
        total = len(entries)

        page.click(f"thead th:nth-child({score + 1}) button")  # ascending
        scores = [float(v) for v in _column(page, score)]
        assert scores == sorted(scores) and len(scores) == total
        assert page.get_attribute(f"thead th:nth-child({score + 1})", "aria-sort") == "ascending"
        page.click(f"thead th:nth-child({score + 1}) button")  # descending
        assert [float(v) for v in _column(page, score)] == sorted(scores, reverse=True)
        page.click(f"thead th:nth-child({year + 1}) button")
        assert _column(page, year) == sorted(_column(page, year))
        assert page.get_attribute(f"thead th:nth-child({score + 1})", "aria-sort") == "none"
        page.click(f"thead th:nth-child({name + 1}) button")
        names = _column(page, name)
        assert names == page.evaluate(
            "xs => xs.slice().sort(new Intl.Collator('th', {numeric: true, "
            "sensitivity: 'base'}).compare)", names)

        # the text box: an org_id, then Thai digits of a year, then nothing at all
        someone = entries[-1]
        page.fill("#q", someone.org_id)
        shown = page.eval_on_selector_all("#reports tbody tr:not([hidden])",
                                          "trs => trs.map(t => t.dataset.org)")
        assert shown and set(shown) == {someone.org_id}
        assert page.locator("#reports tbody tr[hidden]").count() == total - len(shown)
        page.fill("#q", "๒๕๖๖")
        assert set(_column(page, year)) == {"2566"}
        page.fill("#q", "ไม่มีหน่วยงานนี้")
        assert _column(page, year) == []
        assert page.is_visible("#none")
        page.fill("#q", "")
        assert len(_column(page, year)) == total

        # the lists: a type and a year together
        kind = "เทศบาลตำบล"
        page.select_option("#f-type", kind)
        page.select_option("#f-year", "2567")
        want = [e for e in entries if e.org_type == kind and e.fiscal_year == 2567]
        assert want and len(_column(page, year)) == len(want)
        assert page.inner_text("#count") == to_thai_digits(f"แสดง {len(want)} จาก {total} รายงาน")
        page.select_option("#f-type", "")
        page.select_option("#f-year", "")
        grade = entries[0].grade
        page.select_option("#f-grade", grade)
        assert len(_column(page, year)) == sum(e.grade == grade for e in entries)
        ARTIFACTS.mkdir(exist_ok=True)
        page.select_option("#f-grade", "")
        page.screenshot(path=str(ARTIFACTS / "index.png"))
    assert log.console_errors == []
    assert log.failed_requests == []
    assert log.outside_requests == []
