"""Headless Chromium (Debian's ``chromium``) driven by Playwright: PDF printing, screenshots,
and the checks the browser test makes. Playwright is imported only when a browser is needed.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("ITA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@dataclass
class PageLog:
    """What a page did while loading: console errors, failed and outside requests."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def outside_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file:", "data:"))]


@contextmanager
def chromium_page(html_file: str | Path, *, width: int = 1200, height: int = 1600,
                  chromium: str = CHROMIUM) -> Iterator[tuple[Any, PageLog]]:
    """Open ``html_file`` (a path, or a URL) in headless Chromium; yields the page (fonts
    ready) and its log."""
    from playwright.sync_api import sync_playwright

    log = PageLog()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height},
                                    device_scale_factor=1)
            page.on("console", lambda m: log.console_errors.append(m.text)
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: log.console_errors.append(str(e)))
            page.on("requestfailed", lambda r: log.failed_requests.append(r.url))
            page.on("request", lambda r: log.requests.append(r.url))
            url = str(html_file)
            if "://" not in url:
                url = Path(html_file).resolve().as_uri()
            page.goto(url, wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            yield page, log
        finally:
            browser.close()


def section_pages(pdf: bytes) -> dict[str, int]:
    """The printed page (1 = the first) of every named destination in a PDF from Chromium,
    which names one for each element that a link of the document points to (``#sec-…``)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return {str(name).lstrip("/"): reader.get_destination_page_number(dest) + 1
            for name, dest in reader.named_destinations.items()}


# Writes each section's page into the contents list, in the document's digits.
_FILL_CONTENTS = """(pages) => {
  const thai = (document.querySelector('[data-digits]') || {dataset: {}}).dataset.digits
    !== 'arabic';
  for (const cell of document.querySelectorAll('[data-toc-page]')) {
    const page = pages[cell.dataset.tocPage];
    const text = page === undefined ? '' : String(page);
    cell.textContent = thai ? text.replace(/[0-9]/g, d => '๐๑๒๓๔๕๖๗๘๙'[d]) : text;
  }
}"""
_CONTENTS_PASSES = 3


def print_pdf(html_file: str | Path, pdf_file: str | Path,
              chromium: str = CHROMIUM) -> dict[str, int]:
    """Print an HTML file to A4 PDF (the stylesheet's @page rules; text stays selectable).

    Chromium cannot number pages in a contents list (no ``target-counter``), so a document
    with one is printed, the page of each section read from the PDF's named destinations,
    written into the list, and printed again, until the pages hold still. Returns them.
    """
    with chromium_page(html_file, chromium=chromium) as (page, _):
        page.emulate_media(media="print")
        options = {"format": "A4", "print_background": True, "prefer_css_page_size": True}
        data = page.pdf(**options)
        pages = section_pages(data)
        if page.locator("[data-toc-page]").count():
            for _ in range(_CONTENTS_PASSES):
                page.evaluate(_FILL_CONTENTS, pages)
                data = page.pdf(**options)
                printed = section_pages(data)
                if printed == pages:
                    break
                pages = printed
            else:
                raise RuntimeError("the contents list's page numbers did not settle after "
                                   f"{_CONTENTS_PASSES} printings")
        Path(pdf_file).write_bytes(data)
    return pages


def screenshot(html_file: str | Path, png_file: str | Path, *, width: int = 1200,
               height: int = 1600, full_page: bool = False,
               chromium: str = CHROMIUM) -> PageLog:
    """A PNG of the top of the page as a reader's screen shows it."""
    with chromium_page(html_file, width=width, height=height, chromium=chromium) as (page, log):
        page.screenshot(path=str(png_file), full_page=full_page, type="png")
    return log
