"""Reading a printed PDF back as a reader sees it: its words and where they sit (poppler's
``pdftotext -bbox``), its pages as images (``pdftoppm``), and ink that no word accounts for.

poppler-utils is a Debian package (.ci/run installs it); tests that need it skip locally
without it and fail in CI (ITA_REQUIRE_BROWSER=1), like the browser tests.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from _browser import REQUIRED

MM = 72 / 25.4  # points per millimetre
# the report's @page margins: 25 mm top, 20 mm bottom
TOP, BOTTOM = 25 * MM, 20 * MM
_WORD = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)"')


def require_poppler() -> None:
    if not REQUIRED and not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed (Debian: apt-get install poppler-utils)")


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]

    @property
    def body(self) -> list[Word]:
        """Words inside the page area (not the page number above it, nor a footer note)."""
        return [w for w in self.words if TOP - 2 < w.y1 and w.y0 < self.height - BOTTOM + 2]

    def text(self) -> str:
        return " ".join(w.text for w in self.body)

    def fill(self) -> float:
        """How far down the page area the text reaches, 0 to 1."""
        if not self.body:
            return 0.0
        return (max(w.y1 for w in self.body) - TOP) / (self.height - BOTTOM - TOP)


def pages(pdf: Path) -> list[Page]:
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    out: list[Page] = []
    for line in xml.splitlines():
        page = _PAGE.search(line)
        if page:
            out.append(Page(float(page[1]), float(page[2]), []))
            continue
        word = _WORD.search(line)
        if word and out:
            out[-1].words.append(Word(*(float(g) for g in word.groups()[:4]), word[5]))
    return out


def stray_ink(pdf: Path, workdir: Path, dpi: int = 100) -> list[int]:
    """Per page, the dark pixels below the page's last line of text that are neither part of a
    word nor of a table's rules: the marks of a line printed on the page before its own."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf),
                    str(workdir / "page")], check=True)
    counts = []
    for page, image in zip(pages(pdf), sorted(workdir.glob("page-*.png")), strict=True):
        im = Image.open(image).convert("L")
        px, (w, h) = im.load(), im.size
        scale = w / page.width
        last = max((wd.y1 for wd in page.body), default=TOP)
        y1 = int((page.height - BOTTOM) * scale)
        y0 = min(y1 - int(14 * scale), int((last + 3) * scale))
        boxes = [(wd.x0 - 2, wd.y0 - 4, wd.x1 + 2, wd.y1 + 4) for wd in page.words]
        count = 0
        for y in range(y0, y1):
            for x in range(w):
                if px[x, y] >= 160:
                    continue
                if any(b[0] <= x / scale <= b[2] and b[1] <= y / scale <= b[3] for b in boxes):
                    continue
                if _run(px, x, y, w, h, dx=1) >= 20 or _run(px, x, y, w, h, dy=1) >= 10:
                    continue  # a table's horizontal or vertical rule
                count += 1
        counts.append(count)
    return counts


def _run(px: object, x: int, y: int, w: int, h: int, dx: int = 0, dy: int = 0) -> int:
    """Length of the run of dark pixels through (x, y) along (dx, dy)."""
    n = 1
    for sign in (1, -1):
        i, j = x + sign * dx, y + sign * dy
        while 0 <= i < w and 0 <= j < h and px[i, j] < 200:  # type: ignore[index]
            n += 1
            i, j = i + sign * dx, j + sign * dy
    return n
