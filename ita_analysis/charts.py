"""Charts of a report as inline SVG text, set in Sarabun: the one place that styles matplotlib.

Why SVG with glyphs as paths: the report is read on screen, printed and posted on agencies'
websites, so a chart must look the same whatever fonts the reader has. Text drawn as paths
needs no font on the reader's machine; Sarabun is the open successor of the government's
TH Sarabun PSK, so charts match the document's typeface.

Why no global state: styles are applied with ``matplotlib.rc_context`` and figures are made
with ``matplotlib.figure.Figure`` on an Agg canvas, never through pyplot, so a notebook's own
plots are untouched. Output is deterministic (fixed hash salt, no date) and every element id
carries a per-chart prefix, so several charts can sit inline in one HTML page.

A glyph missing from Sarabun would print as an empty box in an official document; drawing is
done under ``fail_on_missing_glyphs`` so that it raises ``ChartError`` instead.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import fontpkg
import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from .errors import ItaError
from .findings import Findings
from .thai import Digits, apply_digits, check_digits, format_number, format_score

__all__ = [
    "FONT_FAMILY",
    "ChartError",
    "chart_style",
    "fail_on_missing_glyphs",
    "history_chart",
    "indicator_chart",
    "peer_chart",
    "register_fonts",
    "tool_chart",
]

FONT_FAMILY = "Sarabun"
FONT_WEIGHTS = (400, 700)
WIDTH_IN = 6.3  # the text width of an A4 page with 2.5 cm margins, in inches
# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies and in grey.
TOOL_COLOURS = {"IIT": "#0072B2", "EIT": "#E69F00", "OIT": "#009E73"}
SPARE_COLOURS = ("#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
OVERALL_COLOUR = "#4D4D4D"
TARGET_COLOUR = "#B2182B"
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#BBBBBB"
OVERALL_TH = "ภาพรวม"
TARGET_TH = "ค่าเป้าหมาย"
_MISSING_GLYPH = r"Glyph .* missing from"


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
        "font.size": 10,
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
        "svg.fonttype": "path",  # glyphs as paths: no font needed where the SVG is read
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
def chart_style(salt: str = "ita-analysis") -> Iterator[None]:
    """Sarabun, the report's chart style and strict glyph checking, for this block only."""
    register_fonts()
    with matplotlib.rc_context(_rc(salt)), fail_on_missing_glyphs():
        yield


def _figure(height_in: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(WIDTH_IN, height_in))
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _svg(fig: Figure, prefix: str, label: str) -> str:
    """SVG text ready to inline: no XML prolog, short ids unique to the chart, compacted,
    and an accessible name."""
    buf = io.StringIO()
    # tight_layout() leaves a placeholder layout engine on the figure, and savefig lays out a
    # figure that has one in a full extra pass before drawing it: the layout is final here
    fig.set_layout_engine(None)
    fig.savefig(buf, format="svg", metadata=dict.fromkeys(("Date", "Creator", "Format", "Type")))
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = _GLYPH_DEF.sub(_quantise_glyph, text)
    text = _rename_ids(text, prefix)
    text = _LONG_DECIMAL.sub(_shorten_number, text)
    text = re.sub(r"\n[ \t]+", "\n", text)  # indentation
    text = re.sub(r" \n", "\n", text)  # trailing spaces after path commands
    return text.replace("<svg ", f"<svg role=\"img\" aria-label={quoteattr(label)} ", 1)


# Glyph outlines come in 1/64 units of a 100-unit em (FreeType 26.6 at matplotlib's text-path
# size). Stored in 1/2 units instead, an outline moves by at most 1/400 em (0.025 pt at 10 pt,
# far below what screen or print shows) and its numbers are about a third shorter.
GLYPH_STEP = 32
_GLYPH_DEF = re.compile(r'(<path id="[^"]+" d=")([^"]*)(" transform="scale\(0\.015625\)")')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_LONG_DECIMAL = re.compile(r"scale\([^)]*\)|-?\d+\.\d{3,}")


def _quantise_glyph(m: re.Match[str]) -> str:
    path = _NUMBER.sub(lambda n: str(round(float(n.group()) / GLYPH_STEP)), m.group(2))
    scale = format(Decimal(GLYPH_STEP) / 64, "f")
    return f'{m.group(1)}{path}" transform="scale({scale})"'


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


def _render(prefix: str, label: str, draw: Callable[[], Figure]) -> str:
    with chart_style(salt=prefix):
        return _svg(draw(), prefix, label)


def _colour(code: str, codes: Sequence[str]) -> str:
    if code in TOOL_COLOURS:
        return TOOL_COLOURS[code]
    spare = [c for c in codes if c not in TOOL_COLOURS]
    return SPARE_COLOURS[spare.index(code) % len(SPARE_COLOURS)]


def _score_axis(formatter_digits: Digits) -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: format_number(v, 0, formatter_digits))


def _target_line(ax: Axes, target: float, digits: Digits, vertical: bool,
                 inside: bool = False) -> None:
    """The target as a dashed line, labelled above the axes (or inside, near the top)."""
    label = f"{TARGET_TH} {format_number(target, 0 if float(target).is_integer() else 2, digits)}"
    style = {"color": TARGET_COLOUR, "linewidth": 1.1, "linestyle": (0, (4, 3)), "zorder": 3}
    if vertical and inside:
        ax.axvline(target, **style)
        ax.text(target, 0.97, " " + label, transform=ax.get_xaxis_transform(), ha="left",
                va="top", color=TARGET_COLOUR, fontsize=9, zorder=5,
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"})
    elif vertical:
        ax.axvline(target, **style)
        ax.text(target, 1.0, label, transform=ax.get_xaxis_transform(), ha="center",
                va="bottom", color=TARGET_COLOUR, fontsize=9)
    else:
        ax.axhline(target, **style)
        ax.text(1.0, target, " " + label, transform=ax.get_yaxis_transform(), ha="left",
                va="center", color=TARGET_COLOUR, fontsize=9)


def _bar_label(ax: Axes, value: float, position: float, digits: Digits, horizontal: bool,
               inside_from: float) -> None:
    """A score at the end of its bar: inside in white when the bar is long enough."""
    text = format_score(value, digits)
    inside = value >= inside_from
    colour = "white" if inside else TEXT_COLOUR
    if horizontal:
        x = value - 1.2 if inside else value + 1.2
        ax.text(x, position, text, ha="right" if inside else "left", va="center",
                color=colour, fontsize=9, zorder=4)
    else:
        ax.text(position, value + 1.2, text, ha="center", va="bottom", color=TEXT_COLOUR,
                fontsize=9, zorder=4)


# -- charts -----------------------------------------------------------------------------------

def indicator_chart(f: Findings, digits: Digits = "thai") -> str:
    """Horizontal bars for the indicators, coloured by tool, with the target line."""
    check_digits(digits)
    label = apply_digits(f"คะแนนรายตัวชี้วัด ปีงบประมาณ พ.ศ. {f.fiscal_year}", digits)
    return _render("ita-i", label, lambda: _indicator_figure(f, digits))


def _indicator_figure(f: Findings, digits: Digits) -> Figure:
    inds = sorted(f.indicators, key=lambda i: i.number)
    codes = [t.code for t in f.tools]
    fig, ax = _figure(0.42 * len(inds) + 1.1)
    ys = list(range(len(inds)))
    colours = [_colour(i.tool, codes) for i in inds]
    ax.barh(ys, [i.score_2dp for i in inds], color=colours, height=0.68, zorder=2)
    for y, ind in zip(ys, inds, strict=True):
        _bar_label(ax, ind.score_2dp, y, digits, horizontal=True, inside_from=25)
    ax.set_yticks(ys, [apply_digits(f"{i.number}. {i.name_th}", digits) for i in inds])
    ax.tick_params(axis="y", length=0)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_locator(FixedLocator([0, 20, 40, 60, 80, 100]))
    ax.xaxis.set_major_formatter(_score_axis(digits))
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.6, zorder=0)
    ax.set_xlabel("คะแนน")
    _target_line(ax, f.target, digits, vertical=True)
    handles = [Patch(color=_colour(c, codes), label=c) for c in codes]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), bbox_to_anchor=(0.5, 0),
               handlelength=1.2, columnspacing=1.6, fontsize=9)
    fig.tight_layout(rect=(0, 0.06, 1, 0.96))
    return fig


def tool_chart(f: Findings, digits: Digits = "thai") -> str:
    """The tools and the overall score as columns against the target line."""
    check_digits(digits)
    label = apply_digits(f"คะแนนรายเครื่องมือและคะแนนภาพรวม ปีงบประมาณ พ.ศ. {f.fiscal_year}",
                         digits)
    return _render("ita-t", label, lambda: _tool_figure(f, digits))


def _tool_figure(f: Findings, digits: Digits) -> Figure:
    codes = [t.code for t in f.tools]
    names = []
    for t in f.tools:
        weight = format_number(Decimal(str(t.weight)) * 100, 0, digits)
        names.append(f"{t.code}\n(ร้อยละ {weight})")
    names.append(OVERALL_TH)
    values = [t.score_2dp for t in f.tools] + [f.overall_2dp]
    colours = [_colour(c, codes) for c in codes] + [OVERALL_COLOUR]
    fig, ax = _figure(3.0)
    xs = list(range(len(values)))
    ax.bar(xs, values, color=colours, width=0.6, zorder=2)
    for x, v in zip(xs, values, strict=True):
        _bar_label(ax, v, x, digits, horizontal=False, inside_from=math.inf)
    ax.set_xticks(xs, names)
    ax.tick_params(axis="x", length=0)
    ax.set_ylim(0, 108)
    ax.yaxis.set_major_locator(FixedLocator([0, 20, 40, 60, 80, 100]))
    ax.yaxis.set_major_formatter(_score_axis(digits))
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.6, zorder=0)
    ax.set_ylabel("คะแนน")
    _target_line(ax, f.target, digits, vertical=False)
    fig.tight_layout()
    return fig


def history_chart(f: Findings, digits: Digits = "thai") -> str | None:
    """Overall and tool scores over the fiscal years on record; None with fewer than two."""
    check_digits(digits)
    if len(f.history) < 2:
        return None
    years = [int(h["fiscal_year"]) for h in f.history]
    label = apply_digits(f"คะแนนภาพรวมและรายเครื่องมือ ปีงบประมาณ พ.ศ. {years[0]}–{years[-1]}",
                         digits)
    return _render("ita-h", label, lambda: _history_figure(f, digits))


def _history_figure(f: Findings, digits: Digits) -> Figure:
    history = sorted(f.history, key=lambda h: int(h["fiscal_year"]))
    years = [int(h["fiscal_year"]) for h in history]
    codes = list(dict.fromkeys(c for h in history for c in h.get("tools", {})))
    fig, ax = _figure(3.2)
    lowest = float(f.target)
    for code in codes:
        pts = [(int(h["fiscal_year"]), float(h["tools"][code])) for h in history
               if code in h.get("tools", {})]
        lowest = min([lowest, *(v for _, v in pts)])
        ax.plot(*zip(*pts, strict=True), color=_colour(code, codes), linewidth=1.2,
                marker="o", markersize=3.5, label=code, zorder=3)
    overall = [float(h["overall_2dp"]) for h in history]
    lowest = min([lowest, *overall])
    ax.plot(years, overall, color=OVERALL_COLOUR, linewidth=2.4, marker="o", markersize=5,
            label=OVERALL_TH, zorder=4)
    for x, v in zip(years, overall, strict=True):
        ax.annotate(format_score(v, digits), (x, v), textcoords="offset points", xytext=(0, 8),
                    ha="center", fontsize=8.5, color=OVERALL_COLOUR, zorder=5,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                          "alpha": 0.85})
    ax.set_xticks(years, [apply_digits(str(y), digits) for y in years])
    ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    bottom = max(0.0, math.floor((lowest - 5) / 5) * 5)
    ax.set_ylim(bottom, 103)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_formatter(_score_axis(digits))
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.6, zorder=0)
    ax.set_xlabel("ปีงบประมาณ (พ.ศ.)")
    ax.set_ylabel("คะแนน")
    _target_line(ax, f.target, digits, vertical=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=len(codes) + 1,
              fontsize=9, handlelength=1.6)
    fig.tight_layout()
    return fig


def peer_chart(f: Findings, peer_scores: list[float], digits: Digits = "thai") -> str | None:
    """Where the organisation's overall score falls among its peers' (a histogram of five-point
    bins); None with fewer than two peer scores."""
    check_digits(digits)
    scores = [float(s) for s in peer_scores if s is not None and not math.isnan(float(s))]
    if len(scores) < 2:
        return None
    label = apply_digits(f"การกระจายของคะแนนภาพรวมของหน่วยงานในกลุ่มเดียวกัน "
                         f"ปีงบประมาณ พ.ศ. {f.fiscal_year}", digits)
    return _render("ita-p", label, lambda: _peer_figure(f, scores, digits))


def _peer_figure(f: Findings, scores: list[float], digits: Digits) -> Figure:
    low = min(math.floor(min([*scores, f.overall_2dp]) / 5) * 5, 95)
    edges = list(range(int(low), 101, 5))
    counts = [0] * (len(edges) - 1)
    for s in scores:
        i = min(int((s - low) // 5), len(counts) - 1)
        counts[i] += 1
    mine = min(int((f.overall_2dp - low) // 5), len(counts) - 1)
    fig, ax = _figure(2.8)
    colours = [OVERALL_COLOUR if i == mine else MUTED_COLOUR for i in range(len(counts))]
    ax.bar(edges[:-1], counts, width=5, align="edge", color=colours, edgecolor="white",
           linewidth=0.8, zorder=2)
    ax.axvline(f.overall_2dp, color=TOOL_COLOURS["IIT"], linewidth=1.6, zorder=4)
    ax.text(f.overall_2dp, 1.0, f"หน่วยงานนี้ {format_score(f.overall_2dp, digits)}",
            transform=ax.get_xaxis_transform(), va="bottom", fontsize=9,
            ha="right" if f.overall_2dp >= (low + 100) / 2 else "left",
            color=TOOL_COLOURS["IIT"])
    if low < f.target:
        _target_line(ax, f.target, digits, vertical=True, inside=True)
    ax.set_xlim(low, 100)
    ax.xaxis.set_major_locator(FixedLocator(edges))
    ax.xaxis.set_major_formatter(_score_axis(digits))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.yaxis.set_major_formatter(_score_axis(digits))
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.6, zorder=0)
    ax.set_xlabel("คะแนนภาพรวม")
    ax.set_ylabel("จำนวนหน่วยงาน")
    fig.tight_layout()
    return fig
