"""Sarabun, subset once and embedded: the document carries its own typeface.

The report must look the same on a machine without any Thai font and load nothing from a
network, so the regular and bold faces of Sarabun are embedded in the page as WOFF2 ``data:``
URLs. Subsetting a font per document (fontTools, then WOFF2's Brotli) cost about a second per
face, more than the rest of a report; so the faces are subset once, by
``scripts/make_fonts.py``, to every character our documents can hold (``SUBSET_RANGES``: the
Thai block, Latin-1, punctuation, and the symbol blocks the templates and words draw from),
and the files are shipped in the package (``woff2/``). A page only reads and encodes them.

A document whose text has a character outside those ranges (an organisation's name from
someone's data, say) still gets it: that document alone falls back to a subset made for its
text (the ranges plus its own characters), as every document once did. Our own texts never
do: a test compares each kind of document's characters with the shipped fonts' cmap.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path

FAMILY = "Sarabun"
WEIGHTS = (400, 700)
WOFF2_DIR = Path(__file__).resolve().parent / "woff2"

# What the shipped subset holds (where Sarabun has a glyph): inclusive ranges of code points.
SUBSET_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement: no-break space, ×, ·, °, accented names
    (0x0E01, 0x0E5B),  # Thai
    (0x2000, 0x206F),  # General Punctuation: dashes, quotes, …, •, thin spaces
    (0x20A0, 0x20CF),  # Currency symbols
    (0x2100, 0x218F),  # Letterlike symbols and number forms
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical operators: −, ≤, ≥, ≈
    (0x25A0, 0x25FF),  # Geometric shapes: ■ ▲ ▼ ◆
)
# Old name, kept for callers: every code point the shipped subset was asked for.
BASE_CODEPOINTS: frozenset[int] = frozenset(
    c for low, high in SUBSET_RANGES for c in range(low, high + 1))


def font_file(weight: int) -> str:
    """The full TrueType face from ``fontpkg-sarabun`` (what the shipped subset is made of)."""
    import fontpkg

    return str(fontpkg.path(FAMILY, weight=weight))


def shipped_file(weight: int) -> Path:
    return WOFF2_DIR / f"{FAMILY}-{weight}.woff2"


def subset_woff2(weight: int, codepoints: frozenset[int]) -> bytes:
    """Sarabun of ``weight`` subset to ``codepoints`` as WOFF2, deterministically (the same
    code points give the same bytes: timestamps are not recalculated)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

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


@cache
def _subset_woff2(weight: int, codepoints: frozenset[int]) -> bytes:
    """A face for a text with characters beyond the shipped subset (made once per process)."""
    return subset_woff2(weight, codepoints)


@cache
def _shipped_woff2(weight: int) -> bytes:
    return shipped_file(weight).read_bytes()


def used_codepoints(text: str) -> frozenset[int]:
    """The shipped ranges plus every character of ``text`` (control characters left out)."""
    return BASE_CODEPOINTS | frozenset(ord(c) for c in text if ord(c) >= 0x20)


def beyond_subset(text: str) -> frozenset[int]:
    """The characters of ``text`` outside the shipped subset's ranges."""
    return frozenset(ord(c) for c in set(text) if ord(c) >= 0x20) - BASE_CODEPOINTS


@cache
def _rules(weight_data: tuple[bytes, ...]) -> str:
    rules = []
    for weight, woff2 in zip(WEIGHTS, weight_data, strict=True):
        data = base64.b64encode(woff2).decode("ascii")
        rules.append(
            f"@font-face{{font-family:'{FAMILY}';font-style:normal;font-weight:{weight};"
            f"font-display:block;src:url(data:font/woff2;base64,{data}) format('woff2');}}")
    return "\n".join(rules)


def font_face_css(text: str = "") -> str:
    """``@font-face`` rules for Sarabun regular and bold, as data URLs: the shipped subset,
    or, for a text with characters beyond it, a subset made for that text."""
    if beyond_subset(text):
        codepoints = used_codepoints(text)
        return _rules(tuple(_subset_woff2(w, codepoints) for w in WEIGHTS))
    return _rules(tuple(_shipped_woff2(w) for w in WEIGHTS))
