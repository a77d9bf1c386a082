"""The style of every chart (report and portfolio): Sarabun, sizes, colours, and SVG output.

The one place that styles matplotlib.

Why SVG with glyphs as paths by default: a chart must look the same whatever fonts the reader
has, and text drawn as paths needs no font on the reader's machine; Sarabun is the open
successor of the government's TH Sarabun PSK, so charts match the document's typeface. Inside
a page that carries Sarabun itself (the documents embed it, the notebooks load it with
``lab_style``), charts drawn under ``page_fonts()`` keep their text as SVG text set in that
font instead: about 30 % less drawing in the kernel, a quarter of the bytes, text that can be
selected and searched in the PDF, and Thai shaped by the browser (marks stacked by the font's
own rules).

Why no global state: styles are applied with ``matplotlib.rc_context`` and figures are made
with ``matplotlib.figure.Figure`` on an Agg canvas, never through pyplot, so a notebook's own
plots are untouched. Output is deterministic (fixed hash salt, no date) and every element id
carries a per-chart prefix, so several charts can sit inline in one HTML page.

A glyph missing from Sarabun would print as an empty box in an official document; drawing is
done under ``fail_on_missing_glyphs`` so that it raises ``ChartError`` instead.

Why these sizes: a chart is shown at the full width of the text and at most 16 cm wide (the
text width of the A4 page), so it is drawn for the narrowest box it meets, a phone's column
of about 350 CSS px. Drawn 4.8 in wide (461 CSS px) with every text at 10 pt, its text is
10.1 CSS px on that phone and 13.1 pt in print, where tables are set at 14 pt. The portfolio's
heat map is the exception: too dense to be scaled down, it is drawn at 16 cm and its text is
never less than 7.5 pt (10 CSS px); the page lets it scroll sideways in its own box on a
phone (its SVG carries the class ``SCROLL_CLASS``).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import fontpkg
import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from ...errors import ItaError
from ...thai import Digits, target_phrase

__all__ = [
    "FONT_FAMILY", "MIN_TEXT_PX", "PHONE_WIDTH_PX", "PRINT_WIDTH_CM", "SCROLL_CLASS", "TEXT_PT",
    "WIDTH_IN", "ChartError", "chart_style", "colour_of", "fail_on_missing_glyphs", "ink_on",
    "new_figure", "page_fonts", "register_fonts", "render", "svg_text",
    "target_text", "tool_label",
]

FONT_FAMILY = "Sarabun"
FONT_WEIGHTS = (400, 700)
WIDTH_IN = 4.8  # drawing width of a chart (see above)
PRINT_WIDTH_CM = 16.0  # the widest a chart is shown: the text width of the A4 page
PHONE_WIDTH_PX = 350  # the narrowest: a 390 px phone less the page's side padding
MIN_TEXT_PX = 10.0  # the least size of any chart text there, in CSS px
TEXT_PT = 10.0  # every text of a chart: ticks, names, values, legends
SCROLL_CLASS = "scroll"  # an SVG drawn at print width that scrolls, not shrinks, on a phone
PAD_IN = 0.06  # white edge around a figure
TICK_PT = 3.5  # tick length, and the gap from a tick to its label
LABEL_PAD_PT = 4.0  # from tick labels to the axis label
TARGET_DASH = (0, (4, 3))
# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies and in grey.
TOOL_COLOURS = {"IIT": "#0072B2", "EIT": "#E69F00", "OIT": "#009E73"}
SPARE_COLOURS = ("#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
OVERALL_COLOUR = "#4D4D4D"
TARGET_COLOUR = "#B2182B"
TEXT_COLOUR = "#222222"
BELOW_COLOUR = "#9B2226"  # a score below the target, as the document's tables print it
MUTED_COLOUR = "#BBBBBB"
GRID_COLOUR = "#E5E5E5"
GRID_WIDTH = 0.6  # points
OVERALL_TH = "ภาพรวม"
SCORE_TH = "คะแนน"
PEERS_TH = "จำนวนหน่วยงาน"
# Words that name the kind of instrument, left out of a tool's name in a legend:
# "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน" reads "ผู้มีส่วนได้ส่วนเสียภายใน (IIT)".
INSTRUMENT_WORDS = ("แบบวัดการรับรู้ของ", "แบบวัด", "แบบตรวจ", "แบบสำรวจ")
_MISSING_GLYPH = r"Glyph .* missing from"
# True inside ``page_fonts()``: the SVG is shown in a page that has Sarabun
_PAGE_HAS_FONT: ContextVar[bool] = ContextVar("ita_page_has_font", default=False)


class ChartError(ItaError):
    """A chart could not be drawn as the report needs it (e.g. a glyph missing from Sarabun)."""


# -- fonts and style ---------------------------------------------------------------------------

@cache
def register_fonts() -> Path:
    """Make Sarabun (regular and bold) known to matplotlib once; returns the regular file."""
    paths = [Path(fontpkg.path(FONT_FAMILY, weight=w)) for w in FONT_WEIGHTS]
    for path in paths:
        font_manager.fontManager.addfont(str(path))
    return paths[0]


def _rc(salt: str) -> dict[str, Any]:
    return {
        "font.family": [FONT_FAMILY],  # no fallback: a missing glyph must be noticed
        "font.size": TEXT_PT,
        # unhinted text: measured at any dpi it has the width the SVG's paths give it
        "text.hinting": "none",
        "legend.fontsize": TEXT_PT,
        "xtick.major.size": TICK_PT,
        "ytick.major.size": TICK_PT,
        "xtick.major.pad": TICK_PT,
        "ytick.major.pad": TICK_PT,
        "axes.labelpad": LABEL_PAD_PT,
        "text.color": TEXT_COLOUR,
        "axes.edgecolor": "#666666",
        "axes.labelcolor": TEXT_COLOUR,
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
        "xtick.color": "#444444",
        "ytick.color": "#444444",
        "legend.frameon": False,
        # glyphs as paths (no font needed where the SVG is read), or text in the page's font
        "svg.fonttype": "none" if _PAGE_HAS_FONT.get() else "path",
        "svg.hashsalt": salt,  # fixed ids, so the same input gives the same bytes
        "svg.image_inline": True,
    }


@contextmanager
def fail_on_missing_glyphs() -> Iterator[None]:
    """Turn matplotlib's "Glyph … missing from font" warning into ``ChartError``."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=_MISSING_GLYPH, category=UserWarning)
        try:
            yield
        except UserWarning as exc:
            if re.search(_MISSING_GLYPH, str(exc)):
                raise ChartError(f"chart text has a character that {FONT_FAMILY} lacks: "
                                 f"{exc}") from exc
            raise


@contextmanager
def page_fonts() -> Iterator[None]:
    """Charts drawn in this block keep their text as SVG text in Sarabun: for a page that
    carries the font (an HTML document, or a notebook that shows ``lab_style``)."""
    token = _PAGE_HAS_FONT.set(True)
    try:
        yield
    finally:
        _PAGE_HAS_FONT.reset(token)


@contextmanager
def chart_style(salt: str = "ita-analysis") -> Iterator[None]:
    """Sarabun, the report's chart style and strict glyph checking, for this block only."""
    register_fonts()
    with matplotlib.rc_context(_rc(salt)), fail_on_missing_glyphs():
        yield


def svg_text(fig: Figure, prefix: str, label: str, css_class: str = "") -> str:
    """SVG text ready to inline: no XML prolog, short ids unique to the chart, compacted,
    and an accessible name (and a class for the page's stylesheet, if given)."""
    buf = io.StringIO()
    fig.set_layout_engine(None)  # the layout is final here: no extra pass while saving
    fig.savefig(buf, format="svg", metadata=dict.fromkeys(("Date", "Creator", "Format", "Type")))
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    glyphs = {m.group(2) for m in _GLYPH_DEF.finditer(text)}
    text = _GLYPH_DEF.sub(_quantise_glyph, text)
    text = _round_glyph_uses(text, glyphs)
    text = _rename_ids(text, prefix)
    text = _LONG_DECIMAL.sub(_shorten_number, text)
    text = _NO_ROTATION.sub("", text)  # upright text (SVG text only)
    text = re.sub(r"\n[ \t]+", "\n", text)  # indentation
    text = re.sub(r" \n", "\n", text)  # trailing spaces after path commands
    text = re.sub(r"<defs>\s*</defs>|<g>\s*</g>", "", text)  # left empty by the glyph defs
    text = re.sub(r"\n{2,}", "\n", text)
    extra = f" class={quoteattr(css_class)}" if css_class else ""
    return text.replace("<svg ", f"<svg role=\"img\" aria-label={quoteattr(label)}{extra} ", 1)


# Glyph outlines come in 1/64 units of a 100-unit em (FreeType 26.6 at matplotlib's text-path
# size). Stored in whole units instead, an outline moves by at most 1/200 em (0.05 pt at 10 pt,
# far below what screen or print shows) and its numbers are about half as long. Glyphs are
# placed in the same units (a text is drawn at scale 1/100 of its size), so their offsets are
# rounded to whole units too.
GLYPH_STEP = 64
_GLYPH_DEF = re.compile(r'(<path id="([^"]+)" d=")([^"]*)(" transform="scale\(0\.015625\)")')
_NO_ROTATION = re.compile(r' transform="rotate\(-?0 [^)]*\)"')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_LONG_DECIMAL = re.compile(r"scale\([^)]*\)|-?\d+\.\d{3,}")
_GLYPH_USE = re.compile(r'(<use xlink:href="#([^"]+)" transform="translate\()'
                        r'(-?[\d.]+) (-?[\d.]+)\)"/>')


def _quantise_glyph(m: re.Match[str]) -> str:
    return f'{m.group(1)}{_quantised_outline(m.group(3))}'


@lru_cache(maxsize=4096)
def _quantised_outline(outline: str) -> str:
    """A glyph's outline in whole units (the same glyphs recur in every chart: done once)."""
    path = _NUMBER.sub(lambda n: str(round(float(n.group()) / GLYPH_STEP)), outline)
    scale = Decimal(GLYPH_STEP) / 64
    transform = "" if scale == 1 else f' transform="scale({format(scale, "f")})"'
    return f'{path}"{transform}'


def _round_glyph_uses(text: str, glyphs: set[str]) -> str:
    """A glyph's place to whole units, written as ``x``/``y`` (shorter than a translate)."""
    def whole(m: re.Match[str]) -> str:
        if m.group(2) not in glyphs:
            return m.group()  # a marker, placed in points: left as it is
        x, y = round(float(m.group(3))), round(float(m.group(4)))
        at = (f' x="{x}"' if x else "") + (f' y="{y}"' if y else "")
        return f'<use xlink:href="#{m.group(2)}"{at}/>'

    return _GLYPH_USE.sub(whole, text)


def _shorten_number(m: re.Match[str]) -> str:
    """Coordinates to 1/100 pt; the factors inside ``scale()`` are left exact."""
    text = m.group()
    if text.startswith("scale"):
        return text
    short = format(round(Decimal(text), 2), "f").rstrip("0").rstrip(".")
    return "0" if short in ("-0", "") else short


def _rename_ids(text: str, prefix: str) -> str:
    """Ids that something refers to become ``<prefix><n>`` (n in base 36): short, and distinct
    between charts inlined in one page. Ids that nothing refers to are dropped."""
    used = list(dict.fromkeys(m.group(2) for m in _ID_REF.finditer(text)
                              if m.group(1) != " id=\""))
    names = {old: f"{prefix}{_base36(i)}" for i, old in enumerate(used)}

    def swap(m: re.Match[str]) -> str:
        if m.group(2) not in names:
            return ""  # an unused id="..." (references always resolve to a defined id)
        return f"{m.group(1)}{names[m.group(2)]}{m.group(3)}"

    return _ID_REF.sub(swap, text)


_ID_REF = re.compile(r'( id="|href="#|url\(#)([^")]+)([")])')


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def render(prefix: str, label: str, draw: Callable[[], Figure], css_class: str = "") -> str:
    """Draw a figure in the chart style and return its inline SVG (see ``svg_text``)."""
    with chart_style(salt=prefix):
        return svg_text(draw(), prefix, label, css_class)

def new_figure(width: float = WIDTH_IN) -> Figure:
    """An Agg figure, never pyplot's; its height is set once its layout is known."""
    fig = Figure(figsize=(width, 3.0))
    FigureCanvasAgg(fig)
    return fig


# -- shared by the charts ---------------------------------------------------------------------

def colour_of(code: str, codes: Sequence[str]) -> str:
    """A tool's colour: its Okabe–Ito colour, or a spare one for a code we do not know."""
    if code in TOOL_COLOURS:
        return TOOL_COLOURS[code]
    spare = [c for c in codes if c not in TOOL_COLOURS]
    return SPARE_COLOURS[spare.index(code) % len(SPARE_COLOURS)]


def ink_on(colour: Any) -> str:
    """The text colour (dark or white) with the higher contrast on ``colour`` (WCAG 2)."""
    def luminance(rgb: Sequence[float]) -> float:
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    back = luminance(to_rgb(colour))
    dark = luminance(to_rgb(TEXT_COLOUR))
    return TEXT_COLOUR if (back + 0.05) / (dark + 0.05) >= 1.05 / (back + 0.05) else "white"


def tool_label(code: str, name_th: str) -> str:
    """A tool named for a legend: its Thai name without the word for the instrument, then
    its code ("ผู้มีส่วนได้ส่วนเสียภายใน (IIT)"); the code alone when there is no name."""
    short = name_th.strip()
    for word in INSTRUMENT_WORDS:
        if short.startswith(word) and len(short) > len(word):
            short = short[len(word):]
            break
    return f"{short} ({code})" if short else code


def target_text(target: float, digits: Digits) -> str:
    """"ค่าเป้าหมาย (๘๕ คะแนน)": the target as the document's text writes it."""
    return target_phrase(target, digits)
