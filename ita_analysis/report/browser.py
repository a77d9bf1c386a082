"""Headless Chromium (Debian's ``chromium``) driven by Playwright: PDF printing, screenshots,
and the checks the browser test makes. Playwright is imported only when a browser is needed.
"""

from __future__ import annotations

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


def print_pdf(html_file: str | Path, pdf_file: str | Path, chromium: str = CHROMIUM) -> None:
    """Print an HTML file to A4 PDF (the stylesheet's @page rules; text stays selectable)."""
    with chromium_page(html_file, chromium=chromium) as (page, _):
        page.emulate_media(media="print")
        page.pdf(path=str(pdf_file), format="A4", print_background=True,
                 prefer_css_page_size=True)


def screenshot(html_file: str | Path, png_file: str | Path, *, width: int = 1200,
               height: int = 1600, full_page: bool = False,
               chromium: str = CHROMIUM) -> PageLog:
    """A PNG of the top of the page as a reader's screen shows it."""
    with chromium_page(html_file, width=width, height=height, chromium=chromium) as (page, log):
        page.screenshot(path=str(png_file), full_page=full_page, type="png")
    return log
