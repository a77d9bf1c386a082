"""Charts of the portfolio (a group of organisations) as inline SVG text, set in Sarabun.

Style, fonts, glyph checking and the SVG clean-up come from ``chart_style`` (the one place that
styles matplotlib), margins from ``chart_layout`` and free places for labels from
``chart_labels``; this module only draws. Like the report's charts: no pyplot, no global
state, the same input gives the same bytes, and each chart's element ids carry their own prefix.

- ``score_histogram``: overall scores in five-point bins, with the target line;
- ``grade_chart``: organisations per grade or pass label, in the framework's order;
- ``heat_map``: indicator × organisation, rows in ranking order, a diverging colour scale
  centred on the target (red below, blue above) with its legend; two panels side by side for
  groups of more than 45 so that some 80 rows stay readable on one A4 page; drawn at print
  width and scrolled, not shrunk, on a phone;
- ``movement_chart``: a dumbbell of each organisation's previous and current overall score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from ...analysis.portfolio import HeatMap, Move, Movement, Portfolio
from ...thai import Digits, apply_digits, check_digits, format_int, format_number, target_phrase
from .labels import CLEARANCE_PT, Candidate, Keepout, place, text_size
from .layout import (
    BAR_IN,
    VALUE_GAP_PT,
    Frame,
    Mark,
    count_ticks,
    draw_marks,
    foot_legend,
    line_height,
    marks_height,
    plain_axis,
    plan_marks,
    spaced_ticks,
    target_mark,
    xaxis_height,
    yaxis_width,
)
from .style import (
    MUTED_COLOUR,
    PAD_IN,
    PEERS_TH,
    PRINT_WIDTH_CM,
    SCROLL_CLASS,
    TARGET_COLOUR,
    TARGET_DASH,
    TEXT_COLOUR,
    TEXT_PT,
    TICK_PT,
    TOOL_COLOURS,
    ChartError,
    ink_on,
    new_figure,
    render,
    target_text,
    tool_label,
)

__all__ = ["HEAT_MAP_MAX_ROWS", "MOVEMENT_MAX_EACH", "grade_chart", "heat_map",
           "movement_chart", "movement_selection", "score_histogram"]

AT_TARGET_COLOUR = TOOL_COLOURS["IIT"]  # Okabe–Ito blue
BELOW_TARGET_COLOUR = "#D55E00"  # Okabe–Ito vermillion
HEAT_MAP_MAX_ROWS = 200  # beyond this a heat map is no longer read row by row
ROWS_PER_PANEL = 45
MOVEMENT_MAX_EACH = 10  # largest rises and falls drawn when the group is large
MOVEMENT_ALL_UP_TO = 30
HISTOGRAM_AXES_IN = 1.9
COUNT_LEVELS = 3  # lines of counts above the tallest bar, at most
GRADE_ROW_IN = 0.3
MOVEMENT_ROW_IN = 0.24
HEAT_WIDTH_IN = PRINT_WIDTH_CM / 2.54  # drawn at print width, never scaled down (see chart_style)
HEAT_TEXT_PT = 7.5  # 10 CSS px at that width


def _year(year: int, digits: Digits) -> str:
    return apply_digits(str(year), digits)


# -- distribution --------------------------------------------------------------------------

def score_histogram(p: Portfolio, digits: Digits = "thai") -> str:
    """Organisations per five-point bin of the overall score; the target as a dashed line."""
    check_digits(digits)
    label = apply_digits(f"การกระจายของคะแนนรวม {p.scope_label} ปีงบประมาณ พ.ศ. "
                         f"{p.fiscal_year}", digits)
    return render("pf-s", label, lambda: _histogram_figure(p, digits))


def _histogram_figure(p: Portfolio, digits: Digits) -> Figure:
    lows = [b.low for b in p.bins]
    counts = [b.count for b in p.bins]
    colours = [AT_TARGET_COLOUR if b.at_or_above_target else BELOW_TARGET_COLOUR
               for b in p.bins]
    width = p.bins[0].high - p.bins[0].low
    edges = [*lows, p.bins[-1].high]
    top = max(max(counts), 1)
    ticks_y = count_ticks(top)
    xlabel = "คะแนนรวม (ช่วงละ " + format_int(width, digits) + " คะแนน)"
    fig = new_figure()
    frame = Frame(left=PAD_IN + yaxis_width([format_int(t, digits) for t in ticks_y],
                                             PEERS_TH),
                  right=PAD_IN + text_size(format_int(100, digits), TEXT_PT)[0] / 2,
                  top=PAD_IN,
                  bottom=PAD_IN + xaxis_height([format_int(e, digits) for e in edges], xlabel),
                  axes_height=HISTOGRAM_AXES_IN)
    ticks = spaced_ticks(edges, [format_int(e, digits) for e in edges], frame.axes_width(fig),
                         (edges[0], edges[-1]))
    marks = [target_mark(p.target, digits)] if edges[0] < p.target <= edges[-1] else []
    plan = plan_marks(marks, frame, fig, (edges[0], edges[-1]))
    frame.top += marks_height(plan)
    ax = frame.axes(fig)
    bars = ax.bar(lows, counts, width=width, align="edge", color=colours, edgecolor="white",
                  linewidth=0.8, zorder=2)
    for i, bar in enumerate(bars):
        bar.set_gid(f"bar-{i}")
    ax.set_xlim(edges[0], edges[-1])
    plain_axis(ax, "x", ticks, [format_number(t, 0, digits) for t in ticks], xlabel)
    plain_axis(ax, "y", ticks_y, [format_number(t, 0, digits) for t in ticks_y], PEERS_TH,
               grid=True)
    draw_marks(ax, marks, plan)
    # room above the tallest bar for one line of counts, or two or three where narrow bars
    # of equal height leave no other place
    for levels in range(1, COUNT_LEVELS + 1):
        band = levels * (line_height() + (CLEARANCE_PT + 1) / 72) + CLEARANCE_PT / 72
        ax.set_ylim(0, top * frame.axes_height / (frame.axes_height - band))
        if _count_labels(ax, bars, counts, marks, digits, levels):
            return fig
    raise ChartError("no free place for the counts of the histogram's bins")


def _count_labels(ax: Axes, bars: Sequence[Rectangle], counts: Sequence[int],
                  marks: Sequence[Mark], digits: Digits, levels: int) -> bool:
    """Each non-empty bin's count over its bar, moved sideways off a target line, else inside
    the bar's top, else a line higher (up to ``levels``). Bars too narrow for their counts get
    none (the count axis still tells them). False, with nothing drawn, when some count finds
    no place."""
    fig = ax.get_figure()
    renderer = fig.canvas.get_renderer()
    keepout = Keepout(fig.dpi)
    keepout.add_bars(bars)
    lines = []
    for mark in marks:
        x = ax.transData.transform((mark.x, 0))[0]
        keepout.add_segment((x, ax.bbox.y0), (x, ax.bbox.y1), mark.linewidth)
        lines.append((x, mark.linewidth * fig.dpi / 72 / 2))
    gap = (CLEARANCE_PT + 1) * fig.dpi / 72  # a little more than the clearance kept
    step = line_height() * fig.dpi + gap
    texts = [ax.text(0, 0, format_int(c, digits), zorder=4, gid=f"value-count-{i}")
             for i, c in enumerate(counts) if c]
    boxes = [b.get_window_extent() for b, c in zip(bars, counts, strict=True) if c]
    widest = max((t.get_window_extent(renderer).width for t in texts), default=0)
    if any(widest + 2 * gap > box.width for box in boxes):
        for t in texts:
            t.remove()
        return True
    for text, bar, box in zip(texts, [b for b, c in zip(bars, counts, strict=True) if c],
                              boxes, strict=True):
        middle = (box.x0 + box.x1) / 2
        placed = False
        for level in range(levels):
            y = box.y1 + gap + level * step
            above = [Candidate(middle, y, "center", "bottom"),
                     Candidate(box.x1, y, "right", "bottom"),
                     Candidate(box.x0, y, "left", "bottom")]
            for x, half in lines:  # either side of a line through the bar
                if box.x0 < x < box.x1:
                    above += [Candidate(x - half - gap, y, "right", "bottom"),
                              Candidate(x + half + gap, y, "left", "bottom")]
            if place(text, above, keepout, ax.bbox, renderer):
                placed = True
                break
            if level == 0:  # inside the top of its own bar, which alone may hold it
                text.set_color(ink_on(bar.get_facecolor()))
                inside = [Candidate(middle, box.y1 - gap, "center", "top")]
                if place(text, inside, keepout.without(box), box, renderer):
                    keepout.add_box(text.get_window_extent(renderer))
                    placed = True
                    break
                text.set_color(TEXT_COLOUR)
        if not placed:
            for t in texts:
                t.remove()
            return False
    return True


def grade_chart(p: Portfolio, digits: Digits = "thai") -> str:
    """Organisations per grade or pass label, in the framework's order, best first."""
    check_digits(digits)
    label = apply_digits(f"จำนวนหน่วยงานตาม{p.grading_name_th} ปีงบประมาณ พ.ศ. "
                         f"{p.fiscal_year}", digits)
    return render("pf-g", label, lambda: _grade_figure(p, digits))


def _grade_figure(p: Portfolio, digits: Digits) -> Figure:
    """Bars with their count and share right after their ends; the axis long enough that
    the longest of these ends inside it."""
    grades = p.grades
    counts = [g.count for g in grades]
    texts = [f"{format_int(g.count, digits)} ({format_number(g.share, 2, digits)}%)"
             for g in grades]
    fig = new_figure()
    frame = Frame(left=PAD_IN + TICK_PT / 72 + max(text_size(g.label, TEXT_PT)[0]
                                                   for g in grades),
                  right=PAD_IN + 0.1, top=PAD_IN + line_height() / 2,
                  bottom=PAD_IN + xaxis_height([format_int(0, digits)], PEERS_TH),
                  axes_height=len(grades) * GRADE_ROW_IN)
    ax = frame.axes(fig)
    ys = list(range(len(grades)))
    colours = [AT_TARGET_COLOUR if g.at_or_above_target else BELOW_TARGET_COLOUR
               for g in grades]
    ax.barh(ys, counts, color=colours, height=BAR_IN / GRADE_ROW_IN, zorder=2, gid="bars")
    axes_w = frame.axes_width(fig)
    gap = VALUE_GAP_PT / 72
    room = [axes_w - gap - text_size(t, TEXT_PT)[0] for t in texts]
    right = max(1.0, *(c * axes_w / r for c, r in zip(counts, room, strict=True)))
    ax.set_xlim(0, right)
    offset = ScaledTranslation(gap, 0, fig.dpi_scale_trans)
    for y, count, text in zip(ys, counts, texts, strict=True):
        ax.text(count, y, text, va="center", ha="left", zorder=4, gid="value-count",
                transform=ax.transData + offset)
    ax.set_ylim(len(grades) - 0.5, -0.5)
    ticks = [t for t in MaxNLocator(integer=True, nbins=6).tick_values(0, right) if t <= right]
    plain_axis(ax, "y", ys, [g.label for g in grades], marks=False)
    plain_axis(ax, "x", ticks, [format_number(t, 0, digits) for t in ticks], PEERS_TH,
               grid=True)
    return fig


# -- heat map --------------------------------------------------------------------------------

def heat_map(hm: HeatMap, target: float, digits: Digits = "thai",
             tool_names: Mapping[str, str] | None = None) -> str | None:
    """Indicator × organisation colours, rows in ranking order; None when there are more
    than ``HEAT_MAP_MAX_ROWS`` organisations (or none). ``tool_names`` (code → Thai name of
    the framework) adds a key naming the tools whose codes head the columns."""
    check_digits(digits)
    if not hm.org_ids or len(hm.org_ids) > HEAT_MAP_MAX_ROWS:
        return None
    label = apply_digits(f"คะแนนรายตัวชี้วัดของ {len(hm.org_ids)} หน่วยงาน "
                         "เรียงตามคะแนนรวม", digits)
    names = dict(tool_names or {})
    return render("pf-h", label, lambda: _heat_figure(hm, float(target), digits, names),
                  css_class=SCROLL_CLASS)


def _heat_norm(hm: HeatMap, target: float) -> TwoSlopeNorm:
    lowest = min(min(row) for row in hm.values)
    vmin = min(math.floor(lowest / 10) * 10, target - 10)
    return TwoSlopeNorm(vmin=max(vmin, 0), vcenter=target, vmax=100)


def _heat_figure(hm: HeatMap, target: float, digits: Digits,
                 tool_names: Mapping[str, str]) -> Figure:
    n = len(hm.org_ids)
    panels = 1 if n <= ROWS_PER_PANEL else 2
    per_panel = math.ceil(n / panels)
    pitch = 0.18 if per_panel > 25 else 0.22
    fontsize = HEAT_TEXT_PT if panels == 2 else HEAT_TEXT_PT + 1
    key = "   ".join(tool_label(code, tool_names[code])
                     for code in dict.fromkeys(hm.tools) if code in tool_names)
    key_in = line_height(fontsize) + 0.06 if key else 0.0
    top_in, bottom_in = 0.62, 0.8 + key_in
    height = per_panel * pitch + top_in + bottom_in
    width = HEAT_WIDTH_IN
    fig = new_figure(width)
    fig.set_size_inches(width, height)
    cmap = colormaps["RdBu"].with_extremes(bad="white")
    norm = _heat_norm(hm, target)
    inds = len(hm.indicators)
    columns = inds + 1  # the indicators, then the overall score
    labels = [apply_digits(f"{hm.ranks[i]}. {hm.labels[i]}", digits) for i in range(n)]
    label_in = max(text_size(t, fontsize)[0] for t in labels) + 0.08
    gap_in = 0.3
    grid_in = (width - 0.2 - panels * label_in - (panels - 1) * gap_in) / panels
    grid_in = min(grid_in, columns * 0.3)
    used = panels * (label_in + grid_in) + (panels - 1) * gap_in
    margin = (width - used) / 2  # the block centred on the page
    matrix = np.column_stack([np.array(hm.values, dtype=float),
                              np.array(hm.overall_2dp, dtype=float)])
    image = None
    for k in range(panels):
        rows = range(k * per_panel, min((k + 1) * per_panel, n))
        if not rows:
            continue
        left = margin + k * (label_in + grid_in + gap_in) + label_in
        ax = fig.add_axes((left / width, bottom_in / height,
                           grid_in / width, per_panel * pitch / height))
        block = np.full((per_panel, columns), np.nan)
        block[:len(rows)] = matrix[rows.start:rows.stop]
        image = ax.imshow(np.ma.masked_invalid(block), cmap=cmap, norm=norm, aspect="auto",
                          interpolation="none")
        ax.set_yticks(range(len(rows)), labels[rows.start:rows.stop], fontsize=fontsize)
        names = [apply_digits(str(i), digits) for i in hm.indicators] + [""]
        ax.set_xticks(range(columns), names, fontsize=fontsize)
        ax.xaxis.tick_top()
        ax.tick_params(length=0, pad=2)
        ax.set_xticks(np.arange(-0.5, columns, 1), minor=True)
        ax.set_yticks(np.arange(-0.5, per_panel, 1), minor=True)
        ax.grid(which="minor", color="white", linewidth=0.7)
        ax.tick_params(which="minor", length=0)
        ax.axvline(inds - 0.5, color="white", linewidth=3)  # sets the overall score apart
        for spine in ax.spines.values():
            spine.set_visible(False)
        _tool_labels(ax, [*hm.tools, "รวม"], fontsize)
    if image is not None:
        cax = fig.add_axes((0.2, (0.3 + key_in) / height, 0.6, 0.12 / height))
        bar = fig.colorbar(image, cax=cax, orientation="horizontal")
        ticks = sorted({norm.vmin, *range(int(math.ceil(norm.vmin / 10) * 10), 101, 10),
                        target})
        bar.set_ticks(ticks)
        bar.set_ticklabels([format_number(t, 0 if float(t).is_integer() else 2, digits)
                            for t in ticks], fontsize=fontsize)
        bar.outline.set_visible(False)
        bar.ax.tick_params(length=2)
        bar.ax.axvline(target, color=TEXT_COLOUR, linewidth=1.2)
        bar.ax.set_title(f"สีของช่อง: แดง ต่ำกว่า{target_phrase(target, digits)}"
                         " • น้ำเงิน บรรลุค่าเป้าหมาย", fontsize=fontsize + 0.5, pad=3)
    if key:
        fig.text(0.5, PAD_IN / height, key, ha="center", va="bottom", fontsize=fontsize,
                 gid="tool-key")
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
    return render("pf-m", label,
                   lambda: _movement_figure(moves, m, fiscal_year, float(target), digits))


def _split(moves: list[Move]) -> int | None:
    """Where the selection goes from rises to falls, when it skips the middle."""
    for i in range(1, len(moves)):
        if moves[i - 1].change > 0 > moves[i].change:
            return i
    return None


def _movement_figure(moves: list[Move], m: Movement, year: int, target: float,
                     digits: Digits) -> Figure:
    """Names on the left, changes in a column right of the axes, the legend at the foot."""
    changes = [format_number(mv.change, 2, digits, sign=True) for mv in moves]
    fig = new_figure()
    handles = [
        Line2D([], [], marker="o", linestyle="none", markersize=5, markerfacecolor="white",
               markeredgecolor="#666666"),
        Line2D([], [], marker="o", linestyle="none", markersize=5, color=TEXT_COLOUR),
        Line2D([], [], color=AT_TARGET_COLOUR, linewidth=1.6),
        Line2D([], [], color=BELOW_TARGET_COLOUR, linewidth=1.6),
        Line2D([], [], color=TARGET_COLOUR, linewidth=1.0, linestyle=TARGET_DASH),
    ]
    labels = [f"ปี {_year(m.previous_year, digits)}", f"ปี {_year(year, digits)}",
              "คะแนนเพิ่มขึ้น", "คะแนนลดลง", target_text(target, digits)]
    legend_h = foot_legend(fig, handles, labels)
    lowest = min(min(mv.previous_2dp, mv.current_2dp) for mv in moves)
    left = max(0.0, math.floor((min(lowest, target) - 3) / 5) * 5)
    ticks = [t for t in MaxNLocator(nbins=6, steps=[1, 2, 5, 10]).tick_values(left, 100)
             if left <= t <= 100]
    xlabel = "คะแนนรวม"
    frame = Frame(left=PAD_IN + TICK_PT / 72 + max(text_size(mv.short_name, TEXT_PT)[0]
                                                   for mv in moves),
                  right=PAD_IN + VALUE_GAP_PT / 72 + max(text_size(c, TEXT_PT)[0]
                                                         for c in changes),
                  top=PAD_IN + line_height() / 2,
                  bottom=PAD_IN + legend_h + xaxis_height([format_number(t, 0, digits)
                                                           for t in ticks], xlabel),
                  axes_height=len(moves) * MOVEMENT_ROW_IN)
    ax = frame.axes(fig)
    ys = list(range(len(moves)))
    for y, mv in zip(ys, moves, strict=True):
        colour = AT_TARGET_COLOUR if mv.change > 0 else BELOW_TARGET_COLOUR \
            if mv.change < 0 else MUTED_COLOUR
        ax.plot([mv.previous_2dp, mv.current_2dp], [y, y], color=colour, linewidth=1.6,
                alpha=0.55, zorder=2, solid_capstyle="butt", gid="move")
        ax.plot(mv.previous_2dp, y, marker="o", markersize=4.5, markerfacecolor="white",
                markeredgecolor="#666666", markeredgewidth=1, zorder=3, clip_on=False,
                gid="move-before")
        ax.plot(mv.current_2dp, y, marker="o", markersize=5, color=colour, zorder=4,
                clip_on=False, gid="move-after")
    ax.set_xlim(left, 100)
    column = 1 + (VALUE_GAP_PT / 72 + max(text_size(c, TEXT_PT)[0] for c in changes)) \
        / frame.axes_width(fig)
    for y, mv, text in zip(ys, moves, changes, strict=True):
        ax.text(column, y, text, va="center", ha="right", transform=ax.get_yaxis_transform(),
                color=AT_TARGET_COLOUR if mv.change > 0 else
                BELOW_TARGET_COLOUR if mv.change < 0 else TEXT_COLOUR, gid="value-change")
    plain_axis(ax, "y", ys, [mv.short_name for mv in moves], marks=False)
    ax.set_ylim(len(moves) - 0.5, -0.5)
    split = _split(moves)
    if split is not None and len(moves) < len(m.rose) + len(m.fell) + len(m.unchanged):
        ax.axhline(split - 0.5, color="#999999", linewidth=0.8, linestyle=(0, (3, 3)), zorder=1)
    plain_axis(ax, "x", ticks, [format_number(t, 0, digits) for t in ticks], xlabel,
               grid=True)
    ax.axvline(target, color=TARGET_COLOUR, linewidth=1.0, linestyle=TARGET_DASH, zorder=1,
               gid="target")
    return fig
