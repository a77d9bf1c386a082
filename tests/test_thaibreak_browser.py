"""Where Chromium actually breaks the package's Thai text once wrap_html has marked it.

A page of the package's real strings (framework names, recommendation texts, narrative sentences
in both digit scripts, organisation names, dates), set in the report's own stylesheet and the
embedded Sarabun, is laid out on a 390 px phone, on a 1280 px screen and at A4 print width
(print media, a 160 mm content box). tests/_linebreaks.py finds every line break from the
rectangles of each character and checks it. The same page left unmarked must show Chromium's own
breaks inside words, so that a check that could never fail does not pass for a good one.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from html import escape
from importlib import resources
from pathlib import Path

import pytest
import yaml
from _browser import ARTIFACTS, needs_browser, require_playwright
from _linebreaks import line_break_problems, measure_lines

from ita_analysis.analysis.findings import analyse
from ita_analysis.data.dataset import load_dataset
from ita_analysis.present.fonts import font_face_css
from ita_analysis.present.narrative import (
    change_text,
    overall_text,
    peers_text,
    strongest_weakest_text,
    tool_text,
    weakest_detail_text,
)
from ita_analysis.present.thaibreak import CSS, wrap_html
from ita_analysis.render.browser import CHROMIUM, chromium_page
from ita_analysis.rules.framework import load_framework
from ita_analysis.thai import apply_digits, fiscal_year_bounds, thai_date

pytestmark = [needs_browser]

ROOT = Path(__file__).resolve().parents[1]
SEED_ORG = "nongsaeng-prachinburi"
# (name, what a media query sees, viewport width, media)
LAYOUTS = [("phone", 390, "screen"), ("desktop", 1280, "screen"), ("print", 794, "print")]
PAGE_CSS = """
@media print { .document { width: 160mm; margin: 0; padding: 0; } }
table.data td.ind { width: 38%; }
/* a phone may scroll a wide table inside its own box, never the page (issue 10, part 3) */
.scroll { overflow-x: auto; }
"""


def _organisations() -> list[dict[str, str]]:
    rows = []
    for folder in ("default", "synthetic"):
        with open(ROOT / "data" / folder / "organisations.csv", encoding="utf-8") as f:
            rows.extend(csv.DictReader(f))
    return rows


def _recommendation_texts(year: int) -> list[str]:
    with open(ROOT / "ita_analysis" / "rules" / "recommendations" / f"{year}.yaml",
              encoding="utf-8") as f:
        data = yaml.safe_load(f)
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str) and any("\u0e01" <= ch <= "\u0e4e" for ch in node):
            texts.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return list(dict.fromkeys(texts))


def _page_body(orgs: list[dict[str, str]]) -> str:
    """The document's kinds of text: headings, prose, a results-like table (in a box that
    scrolls sideways on a phone: its unbreakable terms make it wider than 390 px), a pre-line
    cell, a list."""
    seed = next(o for o in orgs if o["org_id"] == SEED_ORG)
    long_names = sorted((o for o in orgs if o["org_id"] != SEED_ORG),
                        key=lambda o: -len(o["name"]))[:3]
    f = analyse(load_dataset(), SEED_ORG, 2565)
    fw = load_framework(2565)
    start, end = fiscal_year_bounds(2565)
    parts = ['<main class="document">']
    for org in [seed, *long_names]:
        parts.append(f"<h2>ผลการประเมินของ{escape(org['name'])} {escape(org['district'])} "
                     f"{escape(org['province'])} ประจำปีงบประมาณ พ.ศ. ๒๕๖๕</h2>")
    for digits in ("thai", "arabic"):
        period = f"{thai_date(start, digits)} – {thai_date(end, digits)}"
        parts.append(f"<p class=\"indent\">ระยะเวลาการประเมิน {period} "
                     f"จัดทำเมื่อวันที่ {thai_date(date(2022, 12, 15), digits)} เวลา "
                     f"{apply_digits('09.10', digits)} น.</p>")
        sentences = [overall_text(f, seed["name"], digits), strongest_weakest_text(f, digits),
                     *(tool_text(f, code, digits) for code in ("IIT", "EIT", "OIT")),
                     change_text(f, digits), peers_text(f, seed["name"], digits),
                     weakest_detail_text(f, digits)]
        for sentence in filter(None, sentences):
            parts.append(f'<p class="indent">{escape(sentence)}</p>')
    parts.append('<div class="scroll"><table class="data"><thead><tr><th>เครื่องมือ</th><th>ตัวชี้วัด</th>'
                 '<th class="num">คะแนน</th></tr></thead><tbody>')
    for tool in fw.tools:
        for number in tool.indicators:
            ind = next(i for i in fw.indicators if i.number == number)
            score = next(i for i in f.indicators if i.number == number).score_2dp
            parts.append(f"<tr><td>{escape(tool.name_th)} ({tool.code})</td>"
                         f"<td class=\"ind\">ตัวชี้วัดที่ {apply_digits(str(number), 'thai')} "
                         f"{escape(ind.name_th)}</td>"
                         f"<td class=\"num\">{apply_digits(f'{score:.2f}', 'thai')}</td></tr>")
    parts.append("</tbody></table></div>")
    parts.append('<table class="data measures"><tbody><tr><td style="white-space: pre-line">'
                 "จัดทำคู่มือการให้บริการ\nเผยแพร่บนเว็บไซต์ของหน่วยงาน"
                 "</td><td>สำนักปลัด</td></tr></tbody></table>")
    parts.append("<ul>")
    for text in _recommendation_texts(2565):
        parts.append(f"<li>{escape(text)}</li>")
    parts.append("</ul></main>")
    return "\n".join(parts)


def _keep(orgs: list[dict[str, str]]) -> list[str]:
    return [v for o in orgs for v in (o["name"], o["district"], o["province"])]


def _write_page(folder: Path, body: str, name: str) -> Path:
    css = resources.files("ita_analysis").joinpath(
        "templates/ita_report/report.css").read_text(encoding="utf-8")
    page = folder / name
    page.write_text(
        "<!DOCTYPE html><html lang=\"th\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<style>{font_face_css(body)}\n{css}\n{CSS}\n{PAGE_CSS}</style></head>"
        f"<body>{body}</body></html>", encoding="utf-8")
    return page


def _problems_per_layout(page: Path, keep: list[str], chromium: str) -> dict[str, list[str]]:
    found = {}
    with chromium_page(page, chromium=chromium) as (p, log):
        for name, width, media in LAYOUTS:
            p.set_viewport_size({"width": width, "height": 1200})
            p.emulate_media(media=media)
            found[name] = line_break_problems(measure_lines(p), keep)
        assert log.console_errors == [] and log.failed_requests == [], log
    return found


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    require_playwright()
    orgs = _organisations()
    keep = _keep(orgs)
    body = _page_body(orgs)
    folder = tmp_path_factory.mktemp("thaibreak")
    return (_write_page(folder, wrap_html(body, keep), "marked.html"),
            _write_page(folder, body, "plain.html"), keep)


def test_marked_text_breaks_only_where_allowed_at_every_width(pages):
    marked, _, keep = pages
    found = _problems_per_layout(marked, keep, CHROMIUM)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "thaibreak-problems.json").write_text(
        json.dumps({"chromium": CHROMIUM, **found}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    assert found == {name: [] for name, _, _ in LAYOUTS}


def test_unmarked_text_shows_chromiums_own_breaks_inside_words(pages):
    """The check sees the failure it exists for: left alone, Chromium splits our words."""
    _, plain, keep = pages
    found = _problems_per_layout(plain, keep, CHROMIUM)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "thaibreak-unmarked-problems.json").write_text(
        json.dumps({"chromium": CHROMIUM, **found}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    inside = [p for p in found["phone"] if "breaks inside" in p]
    assert len(inside) >= 10, found["phone"]
