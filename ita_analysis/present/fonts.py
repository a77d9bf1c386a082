"""Sarabun, subset and embedded: the document carries its own typeface.

The report must look the same on a machine without any Thai font and load nothing from a
network, so the regular and bold faces of Sarabun are subset (fontTools) to the Thai block,
Basic Latin and every other character the document uses, compressed to WOFF2 and written
into the page as ``data:`` URLs. The subset is deterministic: the same text gives the same
bytes (timestamps are not recalculated).
"""

from __future__ import annotations

import base64
import io
from functools import cache

import fontpkg
from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "Sarabun"
WEIGHTS = (400, 700)

# Always kept, whatever the text: the Thai block, printable Basic Latin, no-break space and
# the punctuation a Thai document is typeset with.
BASE_CODEPOINTS: frozenset[int] = frozenset(
    [*range(0x0E01, 0x0E3B), *range(0x0E3F, 0x0E5C), *range(0x20, 0x7F), 0xA0,
     0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2022, 0x00D7]
)


def font_file(weight: int) -> str:
    return str(fontpkg.path(FAMILY, weight=weight))


@cache
def _subset_woff2(weight: int, codepoints: frozenset[int]) -> bytes:
    font = TTFont(font_file(weight), recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # Thai needs its mark positioning and ligatures
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # keep the copyright and licence names
    options.name_languages = [0x409]
    options.notdef_outline = True
    options.hinting = False  # screens and printers hint well without it; halves the size
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out, reorderTables=False)
    return out.getvalue()


def used_codepoints(text: str) -> frozenset[int]:
    """The base set plus every character of ``text`` (control characters left out)."""
    return BASE_CODEPOINTS | frozenset(ord(c) for c in text if ord(c) >= 0x20)


def font_face_css(text: str = "") -> str:
    """``@font-face`` rules for Sarabun regular and bold, subset to ``text``, as data URLs."""
    codepoints = used_codepoints(text)
    rules = []
    for weight in WEIGHTS:
        data = base64.b64encode(_subset_woff2(weight, codepoints)).decode("ascii")
        rules.append(
            f"@font-face{{font-family:'{FAMILY}';font-style:normal;font-weight:{weight};"
            f"font-display:block;src:url(data:font/woff2;base64,{data}) format('woff2');}}")
    return "\n".join(rules)
