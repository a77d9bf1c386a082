"""The Word document (report.docx): opened with python-docx and checked against the HTML
sections and the library's own figures.

The documents are built from a ``ReportContext`` without a kernel (the builder needs none);
the end-to-end write through ``render_report`` is in ``test_docx_render``. The cases are the
document tests' own (``conftest.document_cases``): the seed in both digit modes, and invented
organisations with history, peers, their own measures, a failing year and none at all.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from decimal import Decimal
from functools import cache

import pytest
from _html import parse
from conftest import document_cases
from docx import Document
from docx.oxml.ns import qn

from ita_analysis.documents.report import build_context, sections
from ita_analysis.documents.report.word import docx_bytes
from ita_analysis.scoring import score_table
from ita_analysis.thai import apply_digits, format_number, format_score

CASES = document_cases()
THAI_DIGIT = re.compile("[๐-๙]")
ARABIC_DIGIT = re.compile("[0-9]")


@cache
def _built(name: str) -> tuple[object, bytes]:
    case = CASES[name]
    ctx = build_context(case.org, case.year, str(case.data), case.digits, case.date,
                        generated_at="2022-12-15T10:00:00+07:00")
    return ctx, docx_bytes(ctx)


def _doc(name: str) -> object:
    return Document(io.BytesIO(_built(name)[1]))


def _norm(text: str) -> str:
    return " ".join(text.split())


def _body_paragraphs(doc: object) -> list[object]:
    """Paragraphs outside tables, in document order."""
    return list(doc.paragraphs)  # type: ignore[attr-defined]


def _html_soup(name: str) -> object:
    ctx, _ = _built(name)
    return parse(sections.document(ctx).replace("<br>", " "))  # a line break reads as a space


@pytest.mark.parametrize("name", list(CASES))
def test_headings_are_the_html_sections_in_order(name: str) -> None:
    doc, soup = _doc(name), _html_soup(name)
    h1 = [_norm(p.text) for p in _body_paragraphs(doc) if p.style.name == "Heading 1"]
    h2 = [_norm(p.text) for p in _body_paragraphs(doc) if p.style.name == "Heading 2"]
    assert h1 == [_norm(h.get_text()) for h in soup.select("h2.section-title")]
    assert h2 == [_norm(h.get_text()) for h in soup.select("h3")]
    assert len(h1) == len(_built(name)[0].sections) >= 6
    # the headings carry outline levels (Word's navigation pane and TOC read them)
    assert doc.styles["Heading 1"].element.find(qn("w:pPr")).find(qn("w:outlineLvl")) is not None


@pytest.mark.parametrize("name", list(CASES))
def test_every_paragraph_and_caption_of_the_html_is_in_the_docx_in_order(name: str) -> None:
    """The prose the builder writes says what the templates say: every <p>, caption and
    figure caption of the HTML's public part appears, in order, as a paragraph."""
    doc, soup = _doc(name), _html_soup(name)
    wanted = [_norm(el.get_text()) for el in soup.select("p, caption, figcaption")]
    have = [_norm(p.text) for p in _body_paragraphs(doc)]
    at = 0
    for text in wanted:
        assert text in have[at:], f"{text!r} missing or out of order"
        at = have.index(text, at) + 1


def _rows(table: object) -> list[list[str]]:
    """Each row's cell texts, a cell merged down or across counted once."""
    out = []
    for tr in table._tbl.tr_lst:  # type: ignore[attr-defined]
        row = []
        for tc in tr.tc_lst:
            pr = tc.tcPr
            merge = pr.find(qn("w:vMerge")) if pr is not None else None
            if merge is not None and merge.get(qn("w:val")) in (None, "continue"):
                continue
            row.append(_norm("".join(" " if el.tag == qn("w:br") else el.text or ""
                                     for el in tc.iter(qn("w:t"), qn("w:br")))))
        out.append(row)
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_tables_repeat_their_header_keep_rows_whole_and_hold_the_html_cells(name: str) -> None:
    doc, soup = _doc(name), _html_soup(name)
    html_tables = soup.select("table.data")
    assert len(doc.tables) == len(html_tables) == len(_built(name)[0].tables)
    for table, html in zip(doc.tables, html_tables, strict=True):
        first = table.rows[0]._tr.trPr
        assert first.find(qn("w:tblHeader")).get(qn("w:val")) == "1"
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        for row in table.rows[1:]:
            assert row._tr.trPr.find(qn("w:tblHeader")) is None
        html_rows = [[_norm(c.get_text(" ")).replace(" *", "*")  # <sup>*</sup>: a mark
                      for c in tr.find_all(["th", "td"])]
                     for tr in html.find_all("tr")]
        assert _rows(table) == html_rows


@pytest.mark.parametrize("name", list(CASES))
def test_results_table_figures_are_the_librarys(name: str) -> None:
    """Scores, tool scores, the overall score, grade and target, computed here again from
    the data with ``score_table`` and the framework, not from what the builder read."""
    ctx, _ = _built(name)
    case = CASES[name]
    table = score_table(ctx.dataset.scores, ctx.dataset.frameworks)
    row = table[(table["org_id"] == case.org) & (table["fiscal_year"] == case.year)].iloc[0]
    fw = ctx.dataset.framework(case.year)
    d = case.digits
    results = _rows(_doc(name).tables[ctx.tables["results"] - 1])
    cells = {r[0]: r[1:] for r in results}
    for ind in fw.indicators:
        label = apply_digits(f"{ind.number}. {ind.name_th}", d)
        assert cells[label][0] == format_score(row[f"ind_{ind.number}"], d)
        gap = Decimal(str(row[f"ind_{ind.number}"])) - Decimal(str(fw.target))
        assert cells[label][1] == format_number(gap, 2, d, sign=True)
    for tool in fw.tools:
        key = next(k for k in cells if k.startswith(f"{tool.name_th} ("))
        assert cells[key][0] == format_score(row[f"{tool.code}_2dp"], d)
    assert cells["คะแนนรวม (ถ่วงน้ำหนักตามเครื่องมือ)"][0] == format_score(row["overall_2dp"], d)
    grade = cells[fw.grading.name_th]
    assert grade[0] == ctx.findings.grade_text
    assert grade[1] == ("บรรลุค่าเป้าหมาย" if row["passed"] else "ต่ำกว่าค่าเป้าหมาย")
    if row["grade"] and ctx.findings.grade_source == "computed":
        assert grade[0] == row["grade"]
    target = apply_digits(f"{Decimal(str(fw.target)).normalize():f}", d)
    assert target in results[0][2]  # "ผลต่างจากค่าเป้าหมาย (85 คะแนน)"
    cover = _norm(" ".join(p.text for p in _body_paragraphs(_doc(name))[:14]))
    assert format_score(row["overall_2dp"], d) in cover


@pytest.mark.parametrize("name", list(CASES))
def test_digits_follow_the_option(name: str) -> None:
    doc = _doc(name)
    digits = CASES[name].digits
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    # the version in the colophon and Latin codes (O36) are copied as written
    text = re.sub(r"รุ่น \S+|[A-Za-z]+[0-9]+", "", text)
    if digits == "thai":
        assert not ARABIC_DIGIT.search(text)
    else:
        assert not THAI_DIGIT.search(text)
    settings = doc.sections[0]._sectPr.find(qn("w:pgNumType"))
    assert settings.get(qn("w:fmt")) == ("thaiNumbers" if digits == "thai" else "decimal")


def test_page_font_language_and_properties_are_a_thai_official_documents() -> None:
    ctx, data = _built("seed")
    doc = Document(io.BytesIO(data))
    s = doc.sections[0]
    assert (round(s.page_width.cm, 1), round(s.page_height.cm, 1)) == (21.0, 29.7)
    assert [round(m.cm, 2) for m in (s.top_margin, s.bottom_margin, s.left_margin,
                                     s.right_margin)] == [2.5, 2.0, 3.0, 2.0]
    # the footer numbers the pages with a PAGE field; the cover has none
    footer = s.footer._element
    assert "PAGE" in "".join(t.text for t in footer.iter(qn("w:instrText")))
    assert s.different_first_page_header_footer
    styles = doc.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            assert fonts.get(qn(slot)) == "TH Sarabun New"
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:cstheme")) is None
    default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert default.find(qn("w:lang")).get(qn("w:bidi")) == "th-TH"
    normal = doc.styles["Normal"].element.find(qn("w:rPr"))
    assert normal.find(qn("w:szCs")).get(qn("w:val")) == "32"  # 16 pt for Thai, too
    for p in doc.paragraphs:
        for r in p.runs:
            lang = r._r.rPr.find(qn("w:lang"))
            # Thai for Thai script, English for the Latin words among it
            assert lang.get(qn("w:bidi")) == "th-TH" and lang.get(qn("w:val")) == "en-US"
            assert r._r.rPr.find(qn("w:rFonts")).get(qn("w:cs")) == "TH Sarabun New"
    # prose is set flush on both sides as Thai is spread (Word's "Thai distributed")
    assert any(p.paragraph_format.alignment is not None
               and p.paragraph_format.alignment.name == "THAI_JUSTIFY" for p in doc.paragraphs)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        fonts = z.read("word/fontTable.xml").decode()
        settings = z.read("word/settings.xml").decode()
    assert re.search(r'w:name="TH Sarabun New".*?<w:altName w:val="Sarabun"/>', fonts)
    assert '<w:updateFields w:val="true"/>' in settings
    props = doc.core_properties
    assert props.author == ctx.org["name"] == props.last_modified_by
    assert props.language == "th-TH"
    assert props.title.startswith("การวิเคราะห์ผลการประเมินคุณธรรม")
    assert "python-docx" not in (props.comments + props.author + props.keywords)


def test_contents_page_holds_a_toc_field_over_the_numbered_headings() -> None:
    ctx, data = _built("letter")
    doc = Document(io.BytesIO(data))
    instr = "".join(t.text for t in doc.element.body.iter(qn("w:instrText")))
    assert re.search(r'TOC \\o "1-1"', instr)
    shown = [_norm(p.text) for p in doc.paragraphs]
    start = shown.index("สารบัญ")
    for key, number in ctx.sections.items():
        entry = apply_digits(f"{number}. {sections.SECTION_TITLES[key]}", ctx.digits)
        assert entry in shown[start:start + len(ctx.sections) + 2]


@pytest.mark.parametrize("name", ["seed", "letter"])
def test_every_chart_is_an_image_at_print_resolution(name: str) -> None:
    ctx, data = _built(name)
    doc = Document(io.BytesIO(data))
    shapes = list(doc.inline_shapes)
    assert len(shapes) == len(ctx.figures) >= 2
    for shape, fig in zip(shapes, ctx.figures, strict=True):
        descr = shape._inline.docPr.get("descr")
        assert descr == apply_digits(f"แผนภูมิที่ {fig.number} {fig.caption}", ctx.digits)
        blob = doc.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed
                                      ].blob
        assert blob[:8] == b"\x89PNG\r\n\x1a\n"
        width_px = struct.unpack(">I", blob[16:20])[0]
        assert width_px / (shape.width.inches) >= 200  # dots per inch as printed
    # the history and peer charts sit in their sections, after their tables
    if "history" in ctx.sections:
        assert any(f.key == "history" for f in ctx.figures)


def test_nothing_internal_reaches_the_public_document() -> None:
    """No annex, file path, org_id, hash or parameter name."""
    ctx, data = _built("letter")
    doc = Document(io.BytesIO(data))
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    for title in sections.ANNEX_TITLES.values():
        assert title not in text
    assert ctx.params.org_id not in text
    assert not re.search(r"\w/\w|\\", text)  # no path
    for word in ("summary.json", "data_dir", "fiscal_year", ".csv", ".yaml", "sha256"):
        assert word not in text
