"""Headless Chromium (Debian's ``chromium``) driven by Playwright: PDF printing, screenshots,
and the checks the browser test makes. Playwright is imported only when a browser is needed.

Starting Chromium (and Playwright's driver) costs about a second, more than printing a report.
A process that prints many documents (a batch worker) calls ``keep_browser_open()`` once: from
then on one browser per process and thread stays open until the process exits
(``close_kept_browsers``), and is started again if it died. Pages opened to look at a document
(``chromium_page``) each get a new browser context (nothing shared: cookies, cache, storage).
Printing (``print_pdf``) goes on in one page kept for it, from document to document: a new
context and page cost about 0.25 s, as much as printing a report; what we print is a
self-contained file without scripts, so it leaves nothing behind for the next one. The
documents of a batch share one head (the stylesheet and the embedded fonts, about half of a
report's bytes): a document whose head is the kept page's, title aside, is shown by replacing
the page's title and body, not by loading it, which saves the browser parsing that stylesheet
and decoding those fonts again (about a third of its work per report).
"""

from __future__ import annotations

import atexit
import html
import io
import os
import re
import threading
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


_KEPT: dict[tuple[int, str], tuple[Any, Any]] = {}  # (thread, chromium) -> (playwright, browser)
_PRINT_PAGES: dict[tuple[int, str], _PrintingPage] = {}  # (thread, chromium) -> its page
_PRINT_PAGE_DOCUMENTS = 200  # a kept printing page is replaced after this many documents
_KEPT_PID = os.getpid()
_KEEP = False
# this process's browsers, for batch.json: started, documents opened (loaded, or shown in the
# kept printing page by replacing its body), documents loaded, PDF printings made
_STATS = {"launched": 0, "documents": 0, "loaded": 0, "printings": 0}


def browser_stats() -> dict[str, int]:
    """How many browsers this process started, documents it opened in them (and how many of
    those it loaded; the others took a kept page's head) and printings it made (a document
    with a contents list is printed twice: unpainted, then for good)."""
    return dict(_STATS)


def keep_browser_open() -> None:
    """From now on, keep one browser open in this process (per thread and executable) for every
    page; it is closed when the process exits."""
    global _KEEP, _KEPT_PID
    if os.getpid() != _KEPT_PID:  # a forked child: those browsers are the parent's
        _KEPT.clear()
        _PRINT_PAGES.clear()
        _KEPT_PID = os.getpid()
        _KEEP = False
        _STATS.update(launched=0, documents=0, loaded=0, printings=0)
    if not _KEEP:
        from multiprocessing import util

        atexit.register(close_kept_browsers)
        util.Finalize(None, close_kept_browsers, exitpriority=100)  # pool workers skip atexit
        _KEEP = True


def close_kept_browsers() -> None:
    """Close the browsers this process kept open (those of the calling thread can be closed
    by Playwright; the others are only forgotten: their driver exits with the process)."""
    _PRINT_PAGES.clear()  # closed with their browser
    for key in [k for k in _KEPT if k[0] == threading.get_ident()]:
        manager, browser = _KEPT.pop(key)
        try:
            browser.close()
            manager.__exit__(None, None, None)
        except Exception:  # already gone
            pass
    _KEPT.clear()


def _kept_browser(chromium: str) -> Any:
    from playwright.sync_api import sync_playwright

    key = (threading.get_ident(), chromium)
    if key in _KEPT:
        manager, browser = _KEPT[key]
        if browser.is_connected():
            return browser
        del _KEPT[key]
        try:
            manager.__exit__(None, None, None)
        except Exception:
            pass
    manager = sync_playwright()
    pw = manager.__enter__()
    try:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    except BaseException:
        manager.__exit__(None, None, None)
        raise
    _STATS["launched"] += 1
    _KEPT[key] = (manager, browser)
    return browser


@contextmanager
def _browser(chromium: str) -> Iterator[Any]:
    """A browser for one document: the kept one, or one started and closed for it."""
    if _KEEP and os.getpid() == _KEPT_PID:
        yield _kept_browser(chromium)
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        _STATS["launched"] += 1
        try:
            yield browser
        finally:
            browser.close()


def _open_page(browser: Any, *, width: int, height: int, media: str | None,
               log: PageLog | None = None) -> tuple[Any, Any]:
    """A new context and page in ``browser`` (``media`` emulated from the start, so that the
    page is laid out once, for what it is opened for), its events written into ``log``."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=1)
    try:
        page = context.new_page()
        if media:
            page.emulate_media(media=media)
        if log is not None:
            page.on("console", lambda m: log.console_errors.append(m.text)
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: log.console_errors.append(str(e)))
            page.on("requestfailed", lambda r: log.failed_requests.append(r.url))
            page.on("request", lambda r: log.requests.append(r.url))
    except BaseException:
        context.close()
        raise
    return context, page


def _load(page: Any, html_file: str | Path) -> None:
    """Open ``html_file`` (a path, or a URL) in ``page`` and wait for its fonts."""
    url = str(html_file)
    if "://" not in url:
        url = Path(html_file).resolve().as_uri()
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    _STATS["documents"] += 1
    _STATS["loaded"] += 1


@dataclass(frozen=True)
class _Parts:
    """A document cut where a page showing another with the same head can take it in."""

    head: str  # everything but the title's text and the body's content
    title: str  # as the reader sees it (entities resolved)
    body: str  # the body's content, as written
    movable: bool  # False: the body cannot be shown in another document's page


_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
_BODY = re.compile(r"<body\b[^>]*>(.*)</body>", re.S | re.I)
# What the body cannot carry into another document's page: a script (not run when a body is
# replaced), and an address that would resolve against that page's, not its own
_NOT_MOVABLE = re.compile(r"<script\b|\b(?:href|src|action)\s*=\s*(?![\"']?(?:#|data:))"
                          r"|url\(\s*(?![\"']?(?:#|data:))", re.I)


def _parts(text: str) -> _Parts | None:
    """``text`` cut into head, title and body (None without a title or a body)."""
    title, body = _TITLE.search(text), _BODY.search(text)
    if title is None or body is None or title.end() > body.start(1):
        return None
    head = text[:title.start(1)] + text[title.end(1):body.start(1)] + text[body.end(1):]
    return _Parts(head, html.unescape(title.group(1)), body.group(1),
                  _NOT_MOVABLE.search(body.group(1)) is None)


_SHOW_BODY = """([title, body]) => {
  document.title = title;
  document.body.innerHTML = body;
  window.scrollTo(0, 0);
  return document.fonts.ready.then(() => true);
}"""


@dataclass
class _PrintingPage:
    """A page kept for printing, and the head of the document it shows ("" when unknown)."""

    context: Any
    page: Any
    documents: int = 0  # shown in it so far
    head: str = ""

    def show(self, html_file: str | Path) -> None:
        """Show ``html_file``: by replacing the title and body when its head is the one shown,
        else by loading it."""
        try:
            parts = _parts(Path(html_file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            parts = None
        if parts is not None and parts.movable and self.head and parts.head == self.head:
            self.page.evaluate(_SHOW_BODY, [parts.title, parts.body])
            _STATS["documents"] += 1
        else:
            self.head = ""  # until the load has succeeded
            _load(self.page, html_file)
            self.head = parts.head if parts is not None else ""
        self.documents += 1


@contextmanager
def _printing_page(chromium: str) -> Iterator[_PrintingPage]:
    """A page laid out for print: this thread's kept one in a process that keeps its browser
    (replaced when its browser died or after ``_PRINT_PAGE_DOCUMENTS``), else a new one."""
    if not (_KEEP and os.getpid() == _KEPT_PID):
        with _browser(chromium) as browser:
            context, page = _open_page(browser, width=1200, height=1600, media="print")
            try:
                yield _PrintingPage(context, page)
            finally:
                context.close()
        return
    key = (threading.get_ident(), chromium)
    browser = _kept_browser(chromium)
    kept = _PRINT_PAGES.pop(key, None)
    if kept is None or kept.page.is_closed() or kept.context.browser is not browser \
            or kept.documents >= _PRINT_PAGE_DOCUMENTS:
        if kept is not None:
            try:
                kept.context.close()
            except Exception:  # its browser is gone
                pass
        kept = _PrintingPage(*_open_page(browser, width=1200, height=1600, media="print"))
    try:
        yield kept
    except BaseException:  # the next document opens a new page, not one in an unknown state
        try:
            kept.context.close()
        except Exception:
            pass
        raise
    _PRINT_PAGES[key] = kept


@contextmanager
def chromium_page(html_file: str | Path, *, width: int = 1200, height: int = 1600,
                  chromium: str = CHROMIUM, media: str | None = None,
                  ) -> Iterator[tuple[Any, PageLog]]:
    """Open ``html_file`` (a path, or a URL) in headless Chromium; yields the page (fonts
    ready) and its log. ``media`` ("print") is emulated from the start: the page is laid out
    once, for what it is opened for."""
    log = PageLog()
    with _browser(chromium) as browser:
        context, page = _open_page(browser, width=width, height=height, media=media, log=log)
        try:
            _load(page, html_file)
            yield page, log
        finally:
            context.close()


def section_pages(pdf: bytes) -> dict[str, int]:
    """The printed page (1 = the first) of every named destination in a PDF from Chromium,
    which names one for each element that a link of the document points to (``#sec-…``)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return {str(name).lstrip("/"): reader.get_destination_page_number(dest) + 1
            for name, dest in reader.named_destinations.items()}


# Writes each section's page into the contents list, in the document's digits (``pages`` maps
# a section's id to its page; a number alone is written in every cell, as a placeholder).
_FILL_CONTENTS = """(pages) => {
  const thai = (document.querySelector('[data-digits]') || {dataset: {}}).dataset.digits
    !== 'arabic';
  for (const cell of document.querySelectorAll('[data-toc-page]')) {
    const page = typeof pages === 'number' ? pages : pages[cell.dataset.tocPage];
    const text = page === undefined ? '' : String(page);
    cell.textContent = thai ? text.replace(/[0-9]/g, d => '๐๑๒๓๔๕๖๗๘๙'[d]) : text;
  }
}"""
# Paints nothing and keeps the layout: a printing only to learn where the sections fall.
_PAINT_NOTHING = "html, html * { visibility: hidden !important; }"
_UNHIDE = "() => document.getElementById('ita-paint-nothing').remove()"
_PLACEHOLDER_PAGE = 88  # as wide as any page number a report reaches, in either digits
_CONTENTS_PASSES = 3
_PDF_OPTIONS = {"format": "A4", "print_background": True, "prefer_css_page_size": True}


def _print(page: Any) -> bytes:
    _STATS["printings"] += 1
    return page.pdf(**_PDF_OPTIONS)


def print_pdf(html_file: str | Path, pdf_file: str | Path,
              chromium: str = CHROMIUM) -> dict[str, int]:
    """Print an HTML file to A4 PDF (the stylesheet's @page rules; text stays selectable).

    Chromium cannot number pages in a contents list (no ``target-counter``). So a document with
    one is first printed with nothing painted (layout alone, about half the cost), with every
    page number a placeholder as wide as a real one; the page of each section is read from
    that PDF's named destinations, written into the list, and the document printed; its pages
    are read again and, should they have moved, written and printed again. Returns them.
    """
    with _printing_page(chromium) as printing:
        printing.show(html_file)
        page = printing.page
        if page.locator("[data-toc-page]").count():
            page.evaluate(_FILL_CONTENTS, _PLACEHOLDER_PAGE)
            page.add_style_tag(content=_PAINT_NOTHING).evaluate("s => s.id = 'ita-paint-nothing'")
            pages = section_pages(_print(page))
            page.evaluate(_UNHIDE)
            for _ in range(_CONTENTS_PASSES):
                page.evaluate(_FILL_CONTENTS, pages)
                data = _print(page)
                printed = section_pages(data)
                if printed == pages:
                    break
                pages = printed
            else:
                raise RuntimeError("the contents list's page numbers did not settle after "
                                   f"{_CONTENTS_PASSES} printings")
        else:
            data = _print(page)
            pages = section_pages(data)
        Path(pdf_file).write_bytes(data)
    return pages


def screenshot(html_file: str | Path, png_file: str | Path, *, width: int = 1200,
               height: int = 1600, full_page: bool = False,
               chromium: str = CHROMIUM) -> PageLog:
    """A PNG of the top of the page as a reader's screen shows it."""
    with chromium_page(html_file, width=width, height=height, chromium=chromium) as (page, log):
        page.screenshot(path=str(png_file), full_page=full_page, type="png")
    return log
