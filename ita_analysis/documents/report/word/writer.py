"""A Word document's building blocks as the report uses them: Thai paragraphs, headings,
captioned tables with repeating headers, figures, the signature block.

Every text passes through ``apply_digits``, as every value printed in the HTML passes through
the templates' ``finalize``: no figure, year or number escapes the digit option.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ....thai import Digits, apply_digits
from . import ooxml

BODY_PT = 16  # TH Sarabun New runs small: 16 pt is the size of Thai official documents
SMALL_PT = 14
TABLE_PT = 14
HEADING_PT = (20, 18, 16)  # Heading 1, Heading 2, Title is larger still
TITLE_PT = 20
INDENT = Cm(2.5)  # a Thai official paragraph's first line starts 2.5 cm in
TEXT_WIDTH_CM = 16.0  # A4 less the 3 cm left and 2 cm right margins
KEEP_WHOLE_ROWS = 12  # a table this short is never split across pages
HEADER_FILL = "E8EEF4"
GROUP_FILL = "F3F5F8"
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, and how it is set."""

    text: str = ""
    bold: bool = False
    number: bool = False  # figures: right-aligned
    span: int = 1  # columns it covers
    small: str = ""  # a second, smaller line (the tool's weight under its name)


class Writer:
    """A python-docx ``Document`` set up as a Thai official document, and the report's blocks."""

    def __init__(self, digits: Digits) -> None:
        self.digits = digits
        self.doc = Document()
        self._set_up()

    # -- setup ---------------------------------------------------------------------------
    def _set_up(self) -> None:
        doc = self.doc
        styles = doc.styles
        ooxml.style_fonts(styles.element)
        normal = styles["Normal"]
        ooxml.set_size(normal.element.get_or_add_rPr(), BODY_PT)
        fmt = normal.paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
        for level, size in ((1, HEADING_PT[0]), (2, HEADING_PT[1])):
            style = styles[f"Heading {level}"]
            rpr = style.element.get_or_add_rPr()
            ooxml.set_size(rpr, size)
            ooxml.set_bold(rpr)
            style.font.italic = False
            style.font.color.rgb = ACCENT
            style.paragraph_format.space_before = Pt(12 if level == 1 else 8)
            style.paragraph_format.space_after = Pt(4)
            style.paragraph_format.keep_with_next = True
        title = styles["Title"]
        ooxml.set_size(title.element.get_or_add_rPr(), TITLE_PT)
        ooxml.set_bold(title.element.get_or_add_rPr())
        title.font.color.rgb = ACCENT
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.space_after = Pt(6)
        title_ppr = title.element.get_or_add_pPr()
        border = title_ppr.find(qn("w:pBdr"))
        if border is not None:  # the template underlines the title with a rule: ours is apart
            title_ppr.remove(border)
        caption = styles["Caption"]
        crpr = caption.element.get_or_add_rPr()
        ooxml.set_size(crpr, BODY_PT)
        ooxml.set_bold(crpr, False)
        caption.font.italic = False
        caption.font.color.rgb = RGBColor(0, 0, 0)
        caption.paragraph_format.space_before = Pt(6)
        caption.paragraph_format.space_after = Pt(2)
        ooxml.settings(doc.settings.element)
        for part in doc.part.package.parts:
            if str(part.partname) == "/word/fontTable.xml":
                part._blob = ooxml.font_table(part.blob)  # a plain part: its bytes are it
        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
        section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
        section.header_distance, section.footer_distance = Cm(1.25), Cm(1.0)
        section.different_first_page_header_footer = True  # the cover carries no number
        ooxml.page_number_format(section, self.digits == "thai")
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        rpr = footer.add_run()._r.get_or_add_rPr()
        ooxml.thai_run(rpr)
        ooxml.set_size(rpr, SMALL_PT)
        # Thai digits come from the section's page number format (pgNumType thaiNumbers),
        # which Word applies to the PAGE field; LibreOffice 7.4 ignores it and counts in
        # Arabic digits, and reads the field's "\\* ThaiArabic" switch as Thai letters.
        ooxml.add_field(footer, "PAGE", self.text("1"), rpr=rpr)

    # -- text ----------------------------------------------------------------------------
    def text(self, value: object) -> str:
        return apply_digits(str(value), self.digits)

    def run(self, paragraph: object, text: str, *, bold: bool = False, size: float | None = None,
            verbatim: bool = False) -> object:
        run = paragraph.add_run(text if verbatim else self.text(text))  # type: ignore[attr-defined]
        rpr = run._r.get_or_add_rPr()
        ooxml.thai_run(rpr)
        if bold:
            ooxml.set_bold(rpr)
        if size:
            ooxml.set_size(rpr, size)
        return run

    def para(self, *parts: str | tuple[str, str], indent: bool = True, style: str | None = None,
             align: object = None, size: float | None = None, space_after: float = 6,
             keep_next: bool = False, verbatim: bool = False) -> object:
        """A paragraph of runs: a string is plain, a ``("b", text)`` pair bold."""
        p = self.doc.add_paragraph(style=style)
        fmt = p.paragraph_format
        if indent:
            fmt.first_line_indent = INDENT
        fmt.space_after = Pt(space_after)
        if keep_next:
            fmt.keep_with_next = True
        if align is not None:
            p.alignment = align
        elif indent:  # prose: flush both sides, spread as Thai is (Word's "Thai distributed")
            p.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
        for part in parts:
            if isinstance(part, tuple):
                self.run(p, part[1], bold=part[0] == "b", size=size, verbatim=verbatim)
            else:
                self.run(p, part, size=size, verbatim=verbatim)
        return p

    def numbered(self, marker: str, *parts: str | tuple[str, str]) -> object:
        """"1. …" with the text hanging after the marker, as the HTML's numbered paragraphs."""
        p = self.para(f"{marker}\t", *parts, indent=False,
                      align=WD_ALIGN_PARAGRAPH.THAI_JUSTIFY)
        fmt = p.paragraph_format  # type: ignore[attr-defined]
        fmt.left_indent = INDENT
        fmt.first_line_indent = -Cm(0.9)
        fmt.tab_stops.add_tab_stop(INDENT)
        return p

    def heading(self, text: str, level: int, *, new_page: bool = False) -> object:
        p = self.doc.add_heading(level=level)
        self.run(p, text)
        if new_page:
            p.paragraph_format.page_break_before = True
        return p

    def unnumbered_heading(self, text: str, *, new_page: bool = False) -> object:
        """คำนำ, สารบัญ: a heading outside the numbering and the table of contents."""
        p = self.para(("b", text), indent=False, align=WD_ALIGN_PARAGRAPH.CENTER,
                      size=HEADING_PT[0], space_after=12, keep_next=True)
        if new_page:
            p.paragraph_format.page_break_before = True  # type: ignore[attr-defined]
        return p

    def page_break(self) -> None:
        run = self.doc.add_paragraph().add_run()
        ooxml.thai_run(run._r.get_or_add_rPr())
        run.add_break(WD_BREAK.PAGE)

    def caption(self, kind: str, number: object, text: str) -> object:
        p = self.doc.add_paragraph(style="Caption")
        p.paragraph_format.keep_with_next = True
        self.run(p, f"{kind}ที่ {number}", bold=True)
        self.run(p, f" {text}")
        return p

    # -- tables --------------------------------------------------------------------------
    def table(self, header: Sequence[Cell | str], rows: Sequence[Sequence[Cell]],
              widths_cm: Sequence[float], *, caption: tuple[str, object, str] | None = None,
              merge_down: Sequence[tuple[int, int, int]] = (),
              group_rows: Sequence[int] = ()) -> object:
        """A captioned table: its header row repeats on every page, no row splits across a
        page, figures align right. ``merge_down`` lists (column, first row, rows) to merge
        (row 0 is the first body row); ``group_rows`` are shaded as group headings."""
        if caption:
            self.caption(*caption)
        ncols = len(widths_cm)
        table = self.doc.add_table(rows=1 + len(rows), cols=ncols)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        scale = min(1.0, TEXT_WIDTH_CM / sum(widths_cm))
        widths = [Cm(w * scale) for w in widths_cm]
        for col, width in zip(table.columns, widths, strict=True):
            col.width = width
        head = [c if isinstance(c, Cell) else Cell(c, bold=True) for c in header]
        self._fill_row(table, 0, [Cell(c.text, True, c.number, c.span) for c in head], widths)
        ooxml.repeat_header(table.rows[0])
        for cell in table.rows[0].cells:
            ooxml.shade(cell, HEADER_FILL)
        for i, row in enumerate(rows, start=1):
            self._fill_row(table, i, row, widths)
            if i - 1 in group_rows:
                for cell in table.rows[i].cells:
                    ooxml.shade(cell, GROUP_FILL)
        together = len(table.rows) if len(table.rows) <= KEEP_WHOLE_ROWS else 2
        for k, row in enumerate(table.rows):
            ooxml.cant_split(row)
            if k < together - 1:  # a short table stays on one page; a long one keeps
                for cell in row.cells:  # at least its first row under its header
                    for p in cell.paragraphs:
                        p.paragraph_format.keep_with_next = True
        for col, first, count in merge_down:
            top = table.cell(first + 1, col)
            bottom = table.cell(first + count, col)
            text = top.text
            merged = top.merge(bottom)
            for p in merged.paragraphs[1:]:
                p._p.getparent().remove(p._p)
            del text
        self.doc.add_paragraph().paragraph_format.space_after = Pt(0)
        return table

    def _fill_row(self, table: object, index: int, cells: Sequence[Cell],
                  widths: Sequence[object]) -> None:
        row = table.rows[index]  # type: ignore[attr-defined]
        col = 0
        for cell in cells:
            target = row.cells[col]
            if cell.span > 1:
                target = target.merge(row.cells[col + cell.span - 1])
            target.width = sum((widths[k] for k in range(col, col + cell.span)), Cm(0))
            p = target.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            if index == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif cell.number:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if cell.text:
                self.run(p, cell.text, bold=cell.bold, size=TABLE_PT)
            if cell.small:
                self.run(p, "\n" + cell.small, size=SMALL_PT - 1)
            col += cell.span

    # -- figures -------------------------------------------------------------------------
    def figure(self, png: bytes, number: object, caption: str, width_cm: float) -> None:
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_before = Pt(6)
        run = p.add_run()
        ooxml.thai_run(run._r.get_or_add_rPr())
        shape = run.add_picture(io.BytesIO(png), width=Cm(width_cm))
        label = self.text(f"แผนภูมิที่ {number} {caption}")
        doc_pr = shape._inline.docPr  # its name and alternative text: the caption
        doc_pr.set("descr", label)
        doc_pr.set("name", self.text(f"แผนภูมิที่ {number}"))
        cap = self.doc.add_paragraph(style="Caption")
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap.paragraph_format.space_after = Pt(10)
        self.run(cap, f"แผนภูมิที่ {number}", bold=True)
        self.run(cap, f" {caption}")
