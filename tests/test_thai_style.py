"""The mechanical rules of docs/thai-style.md, over the rendered public documents.

Each document of ``conftest.documents`` (the seed in both digit modes and invented
organisations) is read as a citizen reads it: its visible text, the agency's own measure
texts set apart (they are quoted, not ours to reword).
"""

from __future__ import annotations

import re

import pytest
from _html import parse
from bs4 import BeautifulSoup
from conftest import Document

from ita_analysis.rules.library import load_recommendations

NAMES = ("seed", "seed-arabic", "letter", "failing", "no-measures")
THAI = "\u0e00-\u0e7f"
SYNTHETIC_NOTE = "ข้อมูลสังเคราะห์ ไม่ใช่ผลการประเมินจริง"
# English the assessment itself uses: its abbreviations, the tools' official English names,
# letter grades, item codes; and the program named in the closing line.
ALLOWED_LATIN = re.compile(
    r"\b(?:ITA|IIT|EIT|OIT|AA|[A-F]|O\d{1,2}|Internal|External|Open|Data|Integrity|and|"
    r"Transparency|Assessment|ita-analysis)\b")


@pytest.fixture(params=NAMES)
def doc(request: pytest.FixtureRequest, documents: dict[str, Document]) -> Document:
    return documents[request.param]


def _ours(soup: BeautifulSoup) -> BeautifulSoup:
    """The page without what is not our prose: style, scripts, charts' SVG, and the agency's
    own measures (quoted as they wrote them)."""
    body = parse(str(soup.body))
    for el in body.select("style, script, svg, tbody.measure:not(.proposed) td"):
        el.decompose()
    return body


def _text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def test_no_comma_in_thai_prose(doc: Document) -> None:
    text = _text(_ours(doc.soup))
    letters = "\u0e01-\u0e4f"  # Thai letters and marks (not Thai digits: ๘,๓๐๓ is a number)
    assert not re.findall(rf"[{letters}]\s*,|,\s*[{letters}]", text)


@pytest.mark.parametrize("phrase", ["ถึงค่าเป้าหมาย", "อ่านจาก", "ขณะที่", "รายงานฉบับนี้",
                                    "เลือกตามระดับคะแนน", "คำนวณใหม่"])
def test_official_wording(doc: Document, phrase: str) -> None:
    assert phrase not in _text(_ours(doc.soup))


def test_the_preface_joins_the_goal_with_prakopkap(doc: Document) -> None:
    assert "ประกอบกับ" in _text(doc.soup.select_one("#sec-preface"))


def test_the_target_is_written_one_way(doc: Document) -> None:
    blocks = [_text(el) for el in _ours(doc.soup).select(
        "p, td, th, caption, figcaption, li, dt, dd, h1, h2, h3")]
    target = "๘๕" if doc.case.digits == "thai" else "85"
    written = [w for text in blocks for w in
               re.findall(r"ค่าเป้าหมาย\s*\(?[0-9๐-๙][0-9๐-๙.]*(?:\s*คะแนน)?\)?", text)]
    assert written and set(written) == {f"ค่าเป้าหมาย ({target} คะแนน)"}, set(written)


def test_a_decrease_takes_the_minus_sign_not_a_hyphen(doc: Document) -> None:
    text = _text(_ours(doc.soup))
    assert not re.findall(r"(?<![\w/])-\s?[0-9๐-๙]", text)


def test_digits_follow_the_option_and_codes_stay_as_written(doc: Document) -> None:
    text = _text(_ours(doc.soup))
    identifiers = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*[0-9]+|\d+\.\d+\.\d+")
    figures = identifiers.sub("", text)
    wrong = r"[0-9]" if doc.case.digits == "thai" else r"[๐-๙]"
    assert not re.findall(wrong, figures), sorted(set(re.findall(rf"\S*{wrong}\S*", figures)))
    assert not re.findall(r"\b[A-Z][๐-๙]", text)  # never "O๓๖"
    codes = [td.get_text() for td in doc.soup.select("td.code")]
    assert all(re.fullmatch(r"O\d+", c) for c in codes)


def test_no_english_beyond_the_assessments_own_names(doc: Document) -> None:
    leftover = ALLOWED_LATIN.sub("", _text(_ours(doc.soup)))
    assert not re.findall(r"[A-Za-z]{2,}", leftover), re.findall(r"[A-Za-z]{2,}", leftover)


def test_no_path_command_parameter_hash_or_id(doc: Document) -> None:
    body = _ours(doc.soup)
    text = _text(body)
    for leak in (r"\.ya?ml\b", r"sha256", r"\b[0-9a-f]{16,}\b", r"ita-analysis check",
                 r"\w=\w", r"/\w+/", re.escape(doc.case.org), "provenance", "org_id",
                 "data_dir", "summary.json"):
        assert not re.search(leak, text), leak
    assert not body.select("code")  # identifiers shown as code belong to the annex


def test_no_advice_sentence_appears_twice(doc: Document) -> None:
    text = _text(doc.soup)
    lib = load_recommendations(doc.case.year)
    advice = [t for by_band in lib.tools.values() for texts in by_band.values() for t in texts]
    advice += [t for by_band in lib.indicators.values() for texts in by_band.values()
               for t in texts]
    advice += [t for texts in (lib.items.texts.values() if lib.items else []) for t in texts]
    for sentence in {" ".join(a.split()) for a in advice}:
        core = sentence.removeprefix("ควร")  # a proposed measure states it without ควร
        assert text.count(core) <= 1, sentence
    paragraphs = [_text(p) for p in doc.soup.select("main p")]
    repeated = {p for p in paragraphs if len(p) > 40 and paragraphs.count(p) > 1}
    assert not repeated


def test_the_date_is_given_from_the_data_or_left_to_fill(doc: Document) -> None:
    signature = doc.soup.select_one(".signature")
    line = signature.select_one("[data-document-date]")
    if doc.case.date or doc.name == "seed":  # given, or from the seed's published.csv
        assert "ธันวาคม" in _text(line) and not line.select(".fill")
    else:
        assert _text(line).startswith("วันที่") and len(line.select(".fill")) == 3


def test_the_assessment_period_is_stated(doc: Document) -> None:
    year = doc.case.year
    digits = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙") if doc.case.digits == "thai" else {}
    period = f"๑ ตุลาคม {year - 1} ถึงวันที่ ๓๐ กันยายน {year}"
    period = period.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")).translate(digits)
    assert period in _text(doc.soup.select_one("#sec-framework"))


def test_synthetic_data_says_so_on_screen_and_on_every_printed_page(doc: Document) -> None:
    synthetic = doc.case.org.startswith("syn-")
    banner = doc.soup.select_one(".synthetic-banner")
    page_rule = f'@bottom-center {{ content: "{SYNTHETIC_NOTE}"'
    if synthetic:
        assert banner is not None and _text(banner) == SYNTHETIC_NOTE
        assert page_rule in doc.html
    else:
        assert banner is None and SYNTHETIC_NOTE not in doc.html


def test_the_annex_writes_time_as_thai_does(documents: dict[str, Document]) -> None:
    when = _text(documents["seed"].annex.select_one("#annex-run time"))
    assert re.search(r"เวลา [๐-๙]{2}\.[๐-๙]{2} น\.$", when), when
    assert ":" not in when
