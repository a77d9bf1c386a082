"""Charts of the portfolio (a group of organisations) as inline SVG text, set in Sarabun.

Style, fonts, glyph checking and the SVG clean-up all come from ``charts`` (the one place that
styles matplotlib); this module only draws. Like ``charts``: no pyplot, no global state, the
same input gives the same bytes, and each chart's element ids carry their own prefix.

- ``score_histogram``: overall scores in five-point bins, with the target line;
- ``grade_chart``: organisations per grade or pass label, in the framework's order;
- ``heat_map``: indicator × organisation, rows in ranking order, a diverging colour scale
  centred on the target (red below, blue above) with its legend; two panels side by side for
  groups of more than 45 so that some 80 rows stay readable on one A4 page;
- ``movement_chart``: a dumbbell of each organisation's previous and current overall score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from .charts import (
    MUTED_COLOUR,
    TARGET_COLOUR,
    TEXT_COLOUR,
    TOOL_COLOURS,
    WIDTH_IN,
    _figure,
    _render,
    _score_axis,
    _target_line,
)
from .portfolio import HeatMap, Move, Movement, Portfolio
from .thai import Digits, apply_digits, check_digits, format_int, format_number

__all__ = ["HEAT_MAP_MAX_ROWS", "MOVEMENT_MAX_EACH", "grade_chart", "heat_map",
           "movement_chart", "movement_selection", "score_histogram"]

AT_TARGET_COLOUR = TOOL_COLOURS["IIT"]  # Okabe–Ito blue
BELOW_TARGET_COLOUR = "#D55E00"  # Okabe–Ito vermillion
HEAT_MAP_MAX_ROWS = 200  # beyond this a heat map is no longer read row by row
ROWS_PER_PANEL = 45
MOVEMENT_MAX_EACH = 10  # largest rises and falls drawn when the group is large
MOVEMENT_ALL_UP_TO = 30
GRID = "#E5E5E5"


def _year(year: int, digits: Digits) -> str:
    return apply_digits(str(year), digits)


# -- distribution --------------------------------------------------------------------------

def score_histogram(p: Portfolio, digits: Digits = "thai") -> str:
    """Organisations per five-point bin of the overall score; the target as a dashed line."""
    check_digits(digits)
    label = apply_digits(f"การกระจายของคะแนนรวม {p.scope_label} ปีงบประมาณ พ.ศ. "
                         f"{p.fiscal_year}", digits)
    return _render("pf-s", label, lambda: _histogram_figure(p, digits))


def _histogram_figure(p: Portfolio, digits: Digits) -> Figure:
    fig, ax = _figure(2.9)
    lows = [b.low for b in p.bins]
    counts = [b.count for b in p.bins]
    colours = [AT_TARGET_COLOUR if b.at_or_above_target else BELOW_TARGET_COLOUR
               for b in p.bins]
    width = p.bins[0].high - p.bins[0].low
    ax.bar(lows, counts, width=width, align="edge", color=colours, edgecolor="white",
           linewidth=0.8, zorder=2)
    top = max(counts)
    for low, count in zip(lows, counts, strict=True):
        if count:
            ax.text(low + width / 2, count + top * 0.02, format_int(count, digits),
                    ha="center", va="bottom", fontsize=9, zorder=4)
    edges = [*lows, p.bins[-1].high]
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(0, top * 1.18 + 0.5)
    ax.xaxis.set_major_locator(FixedLocator(edges))
    ax.xaxis.set_major_formatter(_score_axis(digits))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.yaxis.set_major_formatter(_score_axis(digits))
    ax.grid(axis="y", color=GRID, linewidth=0.6, zorder=0)
    ax.set_xlabel("คะแนนรวม (ช่วงละ " + format_int(width, digits) + " คะแนน)")
    ax.set_ylabel("จำนวนหน่วยงาน")
    if edges[0] < p.target <= edges[-1]:
        _target_line(ax, p.target, digits, vertical=True, inside=True)
    fig.tight_layout()
    return fig


def grade_chart(p: Portfolio, digits: Digits = "thai") -> str:
    """Organisations per grade or pass label, in the framework's order, best first."""
    check_digits(digits)
    label = apply_digits(f"จำนวนหน่วยงานตาม{p.grading_name_th} ปีงบประมาณ พ.ศ. "
                         f"{p.fiscal_year}", digits)
    return _render("pf-g", label, lambda: _grade_figure(p, digits))


def _grade_figure(p: Portfolio, digits: Digits) -> Figure:
    grades = p.grades
    fig, ax = _figure(0.36 * len(grades) + 0.9)
    ys = list(range(len(grades)))
    counts = [g.count for g in grades]
    colours = [AT_TARGET_COLOUR if g.at_or_above_target else BELOW_TARGET_COLOUR
               for g in grades]
    ax.barh(ys, counts, color=colours, height=0.62, zorder=2)
    top = max(max(counts), 1)
    for y, g in zip(ys, grades, strict=True):
        text = f"{format_int(g.count, digits)} ({format_number(g.share, 2, digits)}%)"
        ax.text(g.count + top * 0.015, y, text, va="center", ha="left", fontsize=9, zorder=4)
    ax.set_yticks(ys, [g.label for g in grades])
    ax.tick_params(axis="y", length=0)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.xaxis.set_major_formatter(_score_axis(digits))
    ax.grid(axis="x", color=GRID, linewidth=0.6, zorder=0)
    ax.set_xlabel("จำนวนหน่วยงาน")
    fig.tight_layout()
    return fig


# -- heat map --------------------------------------------------------------------------------

def heat_map(hm: HeatMap, target: float, digits: Digits = "thai") -> str | None:
    """Indicator × organisation colours, rows in ranking order; None when there are more
    than ``HEAT_MAP_MAX_ROWS`` organisations (or none)."""
    check_digits(digits)
    if not hm.org_ids or len(hm.org_ids) > HEAT_MAP_MAX_ROWS:
        return None
    label = apply_digits(f"คะแนนรายตัวชี้วัดของ {len(hm.org_ids)} หน่วยงาน "
                         "เรียงตามคะแนนรวม", digits)
    return _render("pf-h", label, lambda: _heat_figure(hm, float(target), digits))


def _heat_norm(hm: HeatMap, target: float) -> TwoSlopeNorm:
    lowest = min(min(row) for row in hm.values)
    vmin = min(math.floor(lowest / 10) * 10, target - 10)
    return TwoSlopeNorm(vmin=max(vmin, 0), vcenter=target, vmax=100)


def _heat_figure(hm: HeatMap, target: float, digits: Digits) -> Figure:
    n = len(hm.org_ids)
    panels = 1 if n <= ROWS_PER_PANEL else 2
    per_panel = math.ceil(n / panels)
    pitch = 0.18 if per_panel > 25 else 0.22
    top_in, bottom_in = 0.62, 0.78
    height = per_panel * pitch + top_in + bottom_in
    fig = Figure(figsize=(WIDTH_IN, height))
    FigureCanvasAgg(fig)
    cmap = colormaps["RdBu"].with_extremes(bad="white")
    norm = _heat_norm(hm, target)
    inds = len(hm.indicators)
    columns = inds + 1  # the indicators, then the overall score
    label_in = 1.3 if panels == 2 else 2.2
    gap_in = 0.3
    grid_in = (WIDTH_IN - 0.2 - panels * label_in - (panels - 1) * gap_in) / panels
    grid_in = min(grid_in, columns * 0.3)
    used = panels * (label_in + grid_in) + (panels - 1) * gap_in
    margin = (WIDTH_IN - used) / 2  # the block centred on the page
    matrix = np.column_stack([np.array(hm.values, dtype=float),
                              np.array(hm.overall_2dp, dtype=float)])
    fontsize = 7.5 if panels == 2 else 8.5
    image = None
    for k in range(panels):
        rows = range(k * per_panel, min((k + 1) * per_panel, n))
        if not rows:
            continue
        left = margin + k * (label_in + grid_in + gap_in) + label_in
        ax = fig.add_axes((left / WIDTH_IN, bottom_in / height,
                           grid_in / WIDTH_IN, per_panel * pitch / height))
        block = np.full((per_panel, columns), np.nan)
        block[:len(rows)] = matrix[rows.start:rows.stop]
        image = ax.imshow(np.ma.masked_invalid(block), cmap=cmap, norm=norm, aspect="auto",
                          interpolation="none")
        labels = [apply_digits(f"{hm.ranks[i]}. {hm.labels[i]}", digits) for i in rows]
        ax.set_yticks(range(len(rows)), labels, fontsize=fontsize)
        names = [apply_digits(str(i), digits) for i in hm.indicators] + [""]
        ax.set_xticks(range(columns), names, fontsize=fontsize - 0.5)
        ax.xaxis.tick_top()
        ax.tick_params(length=0, pad=2)
        ax.set_xticks(np.arange(-0.5, columns, 1), minor=True)
        ax.set_yticks(np.arange(-0.5, per_panel, 1), minor=True)
        ax.grid(which="minor", color="white", linewidth=0.7)
        ax.tick_params(which="minor", length=0)
        ax.axvline(inds - 0.5, color="white", linewidth=3)  # sets the overall score apart
        for spine in ax.spines.values():
            spine.set_visible(False)
        _tool_labels(ax, [*hm.tools, "รวม"], fontsize - 0.5)
    if image is not None:
        cax = fig.add_axes((0.2, 0.3 / height, 0.6, 0.12 / height))
        bar = fig.colorbar(image, cax=cax, orientation="horizontal")
        ticks = sorted({norm.vmin, *range(int(math.ceil(norm.vmin / 10) * 10), 101, 10),
                        target})
        bar.set_ticks(ticks)
        bar.set_ticklabels([format_number(t, 0 if float(t).is_integer() else 2, digits)
                            for t in ticks], fontsize=8)
        bar.outline.set_visible(False)
        bar.ax.tick_params(length=2)
        bar.ax.axvline(target, color=TEXT_COLOUR, linewidth=1.2)
        bar.ax.set_title(f"สีของช่อง: คะแนน (แดง ต่ำกว่าค่าเป้าหมาย "
                         f"{format_number(target, 0 if target.is_integer() else 2, digits)}"
                         f" • น้ำเงิน ถึงค่าเป้าหมาย)", fontsize=8.5, pad=3)
    return fig


def _tool_labels(ax: Axes, tools: Sequence[str], fontsize: float) -> None:
    """Each tool's code above its indicators' columns (over the column numbers), bracketed."""
    raised = ax.get_xaxis_transform() + ScaledTranslation(0, 15 / 72,
                                                          ax.figure.dpi_scale_trans)
    start = 0
    for i in range(1, len(tools) + 1):
        if i == len(tools) or tools[i] != tools[start]:
            ax.add_line(Line2D([start - 0.4, i - 0.6], [1, 1], transform=raised,
                               color="#888888", linewidth=0.6, clip_on=False))
            ax.text((start + i - 1) / 2, 1, tools[start], transform=raised, ha="center",
                    va="bottom", fontsize=fontsize, color=TEXT_COLOUR)
            start = i


# -- movement --------------------------------------------------------------------------------

def movement_selection(m: Movement) -> tuple[list[Move], bool]:
    """The organisations the chart shows, largest rise first: all of them up to
    ``MOVEMENT_ALL_UP_TO``, else the ``MOVEMENT_MAX_EACH`` largest rises and falls.
    The flag says whether the selection was cut."""
    everyone = [*m.rose, *m.unchanged, *reversed(m.fell)]
    if len(everyone) <= MOVEMENT_ALL_UP_TO:
        return everyone, False
    return [*m.rose[:MOVEMENT_MAX_EACH], *reversed(m.fell[:MOVEMENT_MAX_EACH])], True


def movement_chart(m: Movement, fiscal_year: int, target: float,
                   digits: Digits = "thai") -> str | None:
    """Previous (hollow) and current (filled) overall score of each organisation, joined by a
    line: blue for a rise, vermillion for a fall. None when nobody was scored in both years."""
    check_digits(digits)
    moves, _ = movement_selection(m)
    if not moves:
        return None
    label = apply_digits(f"คะแนนรวม ปีงบประมาณ พ.ศ. {m.previous_year} และ {fiscal_year} "
                         "ของแต่ละหน่วยงาน", digits)
    return _render("pf-m", label,
                   lambda: _movement_figure(moves, m, fiscal_year, float(target), digits))


def _split(moves: list[Move]) -> int | None:
    """Where the selection goes from rises to falls, when it skips the middle."""
    for i in range(1, len(moves)):
        if moves[i - 1].change > 0 > moves[i].change:
            return i
    return None


def _movement_figure(moves: list[Move], m: Movement, year: int, target: float,
                     digits: Digits) -> Figure:
    height = 0.215 * len(moves) + 1.15
    fig, ax = _figure(height)
    ys = list(range(len(moves)))
    for y, mv in zip(ys, moves, strict=True):
        colour = AT_TARGET_COLOUR if mv.change > 0 else BELOW_TARGET_COLOUR \
            if mv.change < 0 else MUTED_COLOUR
        ax.plot([mv.previous_2dp, mv.current_2dp], [y, y], color=colour, linewidth=1.6,
                alpha=0.55, zorder=2, solid_capstyle="butt")
        ax.plot(mv.previous_2dp, y, marker="o", markersize=4.5, markerfacecolor="white",
                markeredgecolor="#666666", markeredgewidth=1, zorder=3)
        ax.plot(mv.current_2dp, y, marker="o", markersize=5, color=colour, zorder=4)
    lowest = min(min(mv.previous_2dp, mv.current_2dp) for mv in moves)
    left = max(0.0, math.floor((min(lowest, target) - 3) / 5) * 5)
    ax.set_xlim(left, 100)
    for y, mv in zip(ys, moves, strict=True):
        ax.text(1.005, y, format_number(mv.change, 2, digits, sign=True), va="center",
                ha="left", fontsize=8, transform=ax.get_yaxis_transform(),
                color=AT_TARGET_COLOUR if mv.change > 0 else
                BELOW_TARGET_COLOUR if mv.change < 0 else TEXT_COLOUR)
    ax.set_yticks(ys, [mv.short_name for mv in moves], fontsize=8)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(moves) - 0.5, -0.5)
    split = _split(moves)
    if split is not None and len(moves) < len(m.rose) + len(m.fell) + len(m.unchanged):
        ax.axhline(split - 0.5, color="#999999", linewidth=0.8, linestyle=(0, (3, 3)), zorder=1)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    ax.xaxis.set_major_formatter(_score_axis(digits))
    ax.grid(axis="x", color=GRID, linewidth=0.6, zorder=0)
    ax.set_xlabel("คะแนนรวม")
    ax.axvline(target, color=TARGET_COLOUR, linewidth=1.0, linestyle=(0, (4, 3)), zorder=1)
    handles = [
        Line2D([], [], marker="o", linestyle="none", markersize=5, markerfacecolor="white",
               markeredgecolor="#666666", label=f"ปี {_year(m.previous_year, digits)}"),
        Line2D([], [], marker="o", linestyle="none", markersize=5, color=TEXT_COLOUR,
               label=f"ปี {_year(year, digits)}"),
        Line2D([], [], color=AT_TARGET_COLOUR, linewidth=1.6, label="คะแนนเพิ่มขึ้น"),
        Line2D([], [], color=BELOW_TARGET_COLOUR, linewidth=1.6, label="คะแนนลดลง"),
        Line2D([], [], color=TARGET_COLOUR, linewidth=1.0, linestyle=(0, (4, 3)),
               label=f"ค่าเป้าหมาย {format_number(target, 0 if target.is_integer() else 2, digits)}"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=5, fontsize=8.5, handlelength=1.4,
               columnspacing=1.2, bbox_to_anchor=(0.5, 0))
    fig.tight_layout(rect=(0, 0.3 / height, 0.95, 1))  # room for the legend below
    return fig
