"""Every character a document shows is in the Sarabun subset the package ships.

The document's characters are read from the whole page but its stylesheets (text, attributes
such as ``aria-label`` and ``title``, the script's messages; markup and SVG paths are ASCII),
entities decoded; format characters (zero-width space, joiners) draw nothing and are left out.
They are compared with the cmap of each shipped face (fontTools), and the page must embed
exactly those faces, not a subset made for it.
"""

from __future__ import annotations

import base64
import html as htmllib
import re
import unicodedata
from functools import cache

from fontTools.ttLib import TTFont

from ita_analysis.present.fonts import WEIGHTS, shipped_file

_STYLE = re.compile(r"<style\b.*?</style>", re.DOTALL | re.IGNORECASE)


@cache
def shipped_cmap(weight: int) -> frozenset[int]:
    return frozenset(TTFont(str(shipped_file(weight))).getBestCmap())


def characters(page: str) -> set[str]:
    text = htmllib.unescape(_STYLE.sub(" ", page))
    return {c for c in set(text) if ord(c) >= 0x20 and unicodedata.category(c) != "Cf"}


def assert_in_shipped_font(page: str) -> None:
    chars = characters(page)
    for weight in WEIGHTS:
        missing = sorted(c for c in chars if ord(c) not in shipped_cmap(weight))
        assert not missing, (f"characters outside the shipped Sarabun {weight}: "
                             + ", ".join(f"U+{ord(c):04X} {c!r}" for c in missing))
        data = base64.b64encode(shipped_file(weight).read_bytes()).decode("ascii")
        assert f"font-weight:{weight};font-display:block;src:url(data:font/woff2;base64,"\
               f"{data})" in page, f"the page does not embed the shipped Sarabun {weight}"
