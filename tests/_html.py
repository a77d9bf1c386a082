"""Parse a rendered page as a reader reads its text.

Documents mark where Thai lines may break with ``<wbr>`` (ita_analysis.present.thaibreak):
markup that adds no text. BeautifulSoup would keep the text on each side as a separate string, and
``get_text(" ")`` would put a space inside words ("การใช้ งบประมาณ"), so the markers go first.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

_WBR = re.compile(r"<wbr\s*/?>", re.IGNORECASE)


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(_WBR.sub("", html), "html.parser")
