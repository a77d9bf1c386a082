"""report.docx as another word processor prints it: LibreOffice (Debian's
libreoffice-writer-nogui) converts it headless to PDF, and the PDF's Thai text and fonts
are checked.

The machine has no Thai system font, and no TH Sarabun New: ``word.libreoffice`` gives
LibreOffice the package's Sarabun for it, and a temporary profile and home, so nothing
outside the test's folder is touched. Skipped where soffice is missing, except in CI
(ITA_REQUIRE_ALL=1), where that fails.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from ita_analysis.documents.report import build_context
from ita_analysis.documents.report.word import docx_bytes
from ita_analysis.documents.report.word.libreoffice import soffice, to_pdf

REQUIRED = os.environ.get("ITA_REQUIRE_ALL") == "1"
SOFFICE = soffice()

pytestmark = pytest.mark.skipif(
    not REQUIRED and SOFFICE is None,
    reason="no LibreOffice (Debian: apt-get install libreoffice-writer-nogui)")

_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def _squeeze(text: str) -> str:
    """Text without spaces and Thai marks above and below: pdftotext places a mark that the
    font positions by its base glyph's anchors where the glyph stands, sometimes after the
    next letter or line; the letters' order is what tells whether the text was printed."""
    return _MARKS.sub("", re.sub(r"\s+", "", text))


@pytest.mark.parametrize("digits", ["thai", "arabic"])
def test_libreoffice_prints_the_thai_document_with_an_embedded_thai_font(
        tmp_path: Path, digits: str) -> None:
    ctx = build_context(digits=digits, generated_at="2022-12-15T10:00:00+07:00")
    data = docx_bytes(ctx)
    docx = tmp_path / "report.docx"
    docx.write_bytes(data)
    assert SOFFICE, "LibreOffice is required here (ITA_REQUIRE_ALL=1): apt-get install " \
                    "libreoffice-writer-nogui"
    pdf = to_pdf(docx, tmp_path / "work")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = _squeeze(text)
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) >= 6
    for heading in headings:
        assert _squeeze(heading) in flat, f"heading {heading!r} not printed"
    assert _squeeze(ctx.org["name"]) in flat
    assert _squeeze("คำนำ") in flat and _squeeze("สารบัญ") in flat
    assert _squeeze(doc.tables[0].rows[1].cells[1].text) in flat  # a table cell's text
    # the scores print in the chosen digits
    overall = "๙๘.๔๗" if digits == "thai" else "98.47"
    assert overall in flat
    # every font is embedded and is Sarabun: nothing drawn with a stand-in or as boxes
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        name, emb = line.split()[0], line.split()[-5]
        assert "Sarabun" in name and emb == "yes", line
    pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                           text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) >= 8
    assert "A4" in pages or re.search(r"595\.\d* x 841\.\d*", pages)
