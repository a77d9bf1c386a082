"""What the browser tests share: when they may skip, where screenshots go, and which face
Chromium used to draw an element.

CI sets ITA_REQUIRE_BROWSER=1: there a missing Chromium or Playwright fails the tests
instead of skipping them.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ita_analysis.render.browser import CHROMIUM, chromium_page

REQUIRED = os.environ.get("ITA_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

needs_browser = pytest.mark.skipif(
    not REQUIRED and not Path(CHROMIUM).is_file(),
    reason=f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")


def require_playwright() -> None:
    """Skip (locally only) where the dev extra's Playwright is not installed."""
    if not REQUIRED:
        pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/favicon.ico":  # a browser asks a server for one; files have none
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()


@contextmanager
def served(html_file: Path) -> Iterator[str]:
    """The file's folder on a loopback HTTP server for the test's duration; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(html_file.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{html_file.name}"
    finally:
        server.shutdown()
        server.server_close()


def drawn_fonts(html_file: Path, selectors: list[str]) -> dict[str, list[dict]]:
    """The faces Chromium actually used for the text of every node each selector matches
    (DevTools' CSS domain).

    Why over HTTP and in a page of its own: enabling DevTools' CSS agent makes Chromium fetch
    the document again to show the source of its inline style sheets, and Chromium 150 refuses
    that fetch for a ``file:`` URL ("Unsafe attempt to load URL … 'file:' URLs are treated as
    unique security origins"), logging an error in the page's console. That error is DevTools'
    own, not the document's: the tests audit the console of a page opened from disk as a
    reader opens it, with no DevTools domain enabled, and ask for fonts here.
    """
    fonts: dict[str, list[dict]] = {}
    with served(html_file) as url, chromium_page(url) as (page, log):
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        for selector in selectors:
            nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})
            assert nodes["nodeIds"], f"nothing matches {selector}"
            # every node the selector matches: the faces that drew any of them
            fonts[selector] = [font for node in nodes["nodeIds"] for font in cdp.send(
                "CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]
    assert log.console_errors == [] and log.failed_requests == [], log
    return fonts
