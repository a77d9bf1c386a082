"""The printed document (the PDF agencies post), read back from the PDF itself.

The seed organisation and an invented failing one are printed by the package's own printing
(``print_pdf``: an unpainted printing to learn the contents list's page numbers, then the
document); poppler reads the words and where they sit, and the pages as images. Also printed
as a batch worker prints: one kept page for many documents, which must give the PDFs a new
page gives, and a process that ends without hanging on its kernel.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from _browser import needs_browser, require_playwright
from _pdf import pages, require_poppler, stray_ink
from conftest import Document

from ita_analysis.documents.report.context import SECTION_TITLES, build_context
from ita_analysis.render.browser import browser_stats, print_pdf
from ita_analysis.thai import to_arabic_digits

pytestmark = [needs_browser]
require_playwright()
require_poppler()

PRINTED = ("seed", "failing")


@pytest.fixture(scope="module")
def printed(documents: dict[str, Document],
            tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("printed")
    pdfs = {}
    for name in PRINTED:
        pdfs[name] = out / f"{name}.pdf"
        before = browser_stats()["printings"]
        print_pdf(documents[name].files.html, pdfs[name])
        # the unpainted printing put every section where the painted one did: printed twice
        assert browser_stats()["printings"] - before == 2, name
    return pdfs


@pytest.fixture(params=PRINTED)
def pdf(request: pytest.FixtureRequest, printed: dict[str, Path]) -> Path:
    return printed[request.param]


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", to_arabic_digits(text))


def test_the_contents_give_the_page_each_section_starts_on(
        documents: dict[str, Document], printed: dict[str, Path]) -> None:
    for name, pdf in printed.items():
        case = documents[name].case
        ctx = build_context(case.org, case.year, data_dir=case.data, digits=case.digits)
        read = pages(pdf)
        contents = next(i for i, p in enumerate(read) if "สารบัญ" in p.text())
        layout = subprocess.run(
            ["pdftotext", "-layout", "-f", str(contents + 1), "-l", str(contents + 1),
             str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        listed = {}
        for line in to_arabic_digits(layout).splitlines():
            row = re.match(r"\s*(\d+)\.\s+\S.*?\s(\d+)\s*$", line)
            if row:
                listed[int(row[1])] = int(row[2])
        starts = {}
        for key, number in ctx.sections.items():
            heading = _squeezed(f"{number}.{SECTION_TITLES[key]}")[:14]
            starts[number] = next(i + 1 for i, p in enumerate(read)
                                  if i > contents and heading in _squeezed(p.text()))
        assert listed == starts, (name, listed, starts)
        assert sorted(starts.values()) == list(starts.values())


def test_no_page_but_the_last_is_nearly_empty(pdf: Path) -> None:
    fills = [round(p.fill(), 2) for p in pages(pdf)]
    assert all(f >= 1 / 6 for f in fills[:-1]), fills


def test_no_mark_of_a_line_prints_on_the_page_before_it(pdf: Path, tmp_path: Path) -> None:
    stray = stray_ink(pdf, tmp_path)
    assert all(n <= 4 for n in stray), stray  # a few pixels: the corners of rounded boxes


def test_the_synthetic_note_is_on_every_printed_page(printed: dict[str, Path]) -> None:
    for page in pages(printed["failing"]):
        footer = " ".join(w.text for w in page.words if w.y0 > page.height - 20 * 72 / 25.4)
        assert footer == "ข้อมูลสังเคราะห์ ไม่ใช่ผลการประเมินจริง", footer
    assert not any("ข้อมูลสังเคราะห์" in " ".join(w.text for w in p.words)
                   for p in pages(printed["seed"]))


def test_pages_are_numbered_in_the_documents_digits(printed: dict[str, Path]) -> None:
    for name, digits in (("seed", "๐-๙"), ("failing", "0-9")):
        read = pages(printed[name])
        for number, page in enumerate(read[1:], start=2):
            header = "".join(w.text for w in page.words if w.y1 < 25 * 72 / 25.4)
            assert re.fullmatch(rf"-[{digits}]+-", header), header
            assert int(to_arabic_digits(header.strip("-"))) == number


# -- a batch worker's kept page ------------------------------------------------------------

_KEPT_PRINTING = """
import json, sys
from ita_analysis.render import browser
browser.keep_browser_open()
for html, pdf in zip(sys.argv[1::2], sys.argv[2::2]):
    browser.print_pdf(html, pdf)
print(json.dumps(browser.browser_stats()))
browser.close_kept_browsers()
"""


def _head(text: str) -> str:
    """A document up to its body, less its title: what a kept page can keep."""
    return re.sub(r"<title>.*?</title>", "", text[:text.index("<body")], flags=re.S)


def _as_read(pdf: Path) -> tuple[object, ...]:
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    links = [(i, str(a.get_object().get("/Dest")), [round(float(v)) for v in
                                                     a.get_object()["/Rect"]])
             for i, page in enumerate(reader.pages) for a in page.get("/Annots") or []]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return (len(reader.pages), reader.metadata.get("/Title"), text, links,
            {str(k): reader.get_destination_page_number(v)
             for k, v in reader.named_destinations.items()})


def test_a_kept_page_prints_each_document_as_a_new_page_would(
        documents: dict[str, Document], printed: dict[str, Path], tmp_path: Path) -> None:
    """A batch worker prints every report in one kept page. A document whose head (stylesheet
    and fonts) is the page's is shown there by replacing its title and body, not loaded; one
    that links to another file, or has another head, is loaded. Each PDF must read as the one
    a new page prints: pages, title, words, links and where they lead."""
    linked = tmp_path / "linked.html"
    seed = documents["seed"].files.html.read_text(encoding="utf-8")
    linked.write_text(seed.replace("</body>", '<p><a href="annex.html">ภาคผนวก</a></p></body>'),
                      encoding="utf-8")
    names = ["no-measures", "letter", "linked", "seed", "failing", "seed-arabic", "letter",
             "no-measures"]
    order = [linked if n == "linked" else documents[n].files.html for n in names]
    args = [a for i, html in enumerate(order) for a in (str(html), str(tmp_path / f"{i}.pdf"))]
    run = subprocess.run([sys.executable, "-c", _KEPT_PRINTING, *args], capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    stats = json.loads(run.stdout.strip().splitlines()[-1])
    heads = [_head(Path(h).read_text(encoding="utf-8")) for h in order]
    # loaded: the first, the linked one, and each change of head
    expected = sum(1 for i, h in enumerate(heads)
                   if i == 0 or order[i] == linked or h != heads[i - 1])
    assert stats["launched"] == 1 and stats["documents"] == len(order)
    assert stats["loaded"] == expected < len(order)
    assert [i for i, h in enumerate(heads) if i and h == heads[i - 1]] == [1, 3, 7]
    fresh = dict(printed)
    for name in ("letter", "no-measures"):
        fresh[name] = tmp_path / f"{name}-fresh.pdf"
        print_pdf(documents[name].files.html, fresh[name])  # a new page of its own
    for i in (1, 3, 4, 6, 7):  # shown by replacing the body (1, 3, 7), or loaded
        assert _as_read(tmp_path / f"{i}.pdf") == _as_read(fresh[names[i]]), (names[i], i)


_PRINTING_SCRIPT = """
import sys
from ita_analysis.render.browser import keep_browser_open
from ita_analysis.render.report import render_report
keep_browser_open()
for org in ("nongsaeng-prachinburi", "nongsaeng-prachinburi"):
    render_report(org, 2565, out_dir=sys.argv[1], pdf=True, engine_name="ita-warm")
print("rendered", flush=True)
"""


def test_a_script_that_prints_with_a_kept_browser_and_a_warm_kernel_exits(
        tmp_path: Path) -> None:
    """A script that keeps its browser and its warm kernel, as a batch worker does, exits when
    it is done, leaving no kernel. Once Playwright runs its event loop on the main thread,
    jupyter_client's calls go through jupyter_core's task runner, which stops at exit before
    our exit hook ran: asking it to stop the kernel then waited for ever."""
    marker = f"ita-exit-test-{os.getpid()}"
    env = {**os.environ, "ITA_TEST_MARK": marker}
    try:
        run = subprocess.run([sys.executable, "-c", _PRINTING_SCRIPT, str(tmp_path / "out")],
                             capture_output=True, text=True, timeout=120, env=env)
    finally:
        left = [int(p.name) for p in Path("/proc").glob("[0-9]*") if _has_mark(p, marker)]
        for pid in left:  # what a hung script leaves: it, its kernel, its browser
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    assert run.returncode == 0 and "rendered" in run.stdout, run.stderr[-2000:]
    assert run.stderr == ""
    assert left == []  # no kernel or browser outlives it


def _has_mark(proc: Path, marker: str) -> bool:
    try:
        return marker.encode() in (proc / "environ").read_bytes()
    except OSError:
        return False
