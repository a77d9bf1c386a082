"""What the browser tests share: when they may skip, and where screenshots go.

CI sets ITA_REQUIRE_BROWSER=1: there a missing Chromium or Playwright fails the tests
instead of skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ita_analysis.report.browser import CHROMIUM

REQUIRED = os.environ.get("ITA_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

needs_browser = pytest.mark.skipif(
    not REQUIRED and not Path(CHROMIUM).is_file(),
    reason=f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")


def require_playwright() -> None:
    """Skip (locally only) where the dev extra's Playwright is not installed."""
    if not REQUIRED:
        pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")
