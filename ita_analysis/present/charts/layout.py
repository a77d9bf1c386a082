"""Fixed layouts for charts: margins computed from the texts they must hold, in inches.

Why not ``tight_layout``: it draws the whole figure once more to find its margins, for every
chart of every report. Here each margin is the sum of what sits in it (ticks, tick labels,
axis label, legend, labels above the axes), measured once per text with matplotlib's own
layout, so a chart is laid out before anything is drawn and looks the same for any data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import TICKDOWN, TICKLEFT, Line2D
from matplotlib.ticker import FixedLocator, MaxNLocator
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from ...thai import Digits
from .labels import Above, labels_above, legend_columns, text_size
from .style import (
    GRID_COLOUR,
    GRID_WIDTH,
    LABEL_PAD_PT,
    PAD_IN,
    TARGET_COLOUR,
    TARGET_DASH,
    TEXT_PT,
    TICK_PT,
    target_text,
)

__all__ = ["BAR_IN", "VALUE_GAP_PT", "Frame", "Mark", "count_ticks", "draw_marks", "foot_legend",
           "line_height", "marks_height", "plain_axis", "plan_marks", "spaced_ticks",
           "target_mark", "xaxis_height", "yaxis_width"]

VALUE_GAP_PT = 5.0  # from a bar's end, or the axes' edge, to its value
ABOVE_GAP_PT = 3.0  # from the axes' top edge to a label above it, and between such labels
ABOVE_ROW_GAP_PT = 2.0  # between rows of labels above the axes
LEGEND_GAP_IN = 0.12  # from the axis label to the legend
TICK_GAP_IN = 0.08  # the least white space between two tick labels
LEGEND = {"handlelength": 1.4, "handletextpad": 0.6, "columnspacing": 1.4, "borderpad": 0.4}
BAR_IN = 0.21  # thickness of a horizontal bar


@dataclass
class Frame:
    """Margins around the axes, in inches; the axes' height is fixed by the chart's content
    and the figure's height follows."""

    left: float
    right: float
    top: float
    bottom: float
    axes_height: float

    def axes(self, fig: Figure) -> Axes:
        width = fig.get_figwidth()
        height = self.top + self.axes_height + self.bottom
        fig.set_size_inches(width, height)
        return fig.add_axes((self.left / width, self.bottom / height,
                             (width - self.left - self.right) / width,
                             self.axes_height / height))

    def axes_width(self, fig: Figure) -> float:
        return fig.get_figwidth() - self.left - self.right


def line_height(size: float = TEXT_PT) -> float:
    """The height of one line of text, in inches."""
    return text_size("lp", size)[1]


def xaxis_height(tick_labels: Sequence[str], xlabel: str) -> float:
    """From the axes' bottom edge to the foot of the x label: ticks, tick labels, label."""
    out = 2 * TICK_PT / 72 + max(text_size(t, TEXT_PT)[1] for t in tick_labels)
    if xlabel:
        out += LABEL_PAD_PT / 72 + text_size(xlabel, TEXT_PT)[1]
    return out


def yaxis_width(tick_labels: Sequence[str], ylabel: str) -> float:
    """From the axes' left edge to the far side of the y label (turned on its side)."""
    out = 2 * TICK_PT / 72 + max(text_size(t, TEXT_PT)[0] for t in tick_labels)
    if ylabel:
        out += LABEL_PAD_PT / 72 + text_size(ylabel, TEXT_PT)[1]
    return out


def plain_axis(ax: Axes, axis: str, ticks: Sequence[float], labels: Sequence[str],
               title: str = "", *, marks: bool = True, grid: bool = False) -> None:
    """Draw an axis of fixed ticks as plain artists in the style's tick and label settings:
    tick marks, their labels, the axis title and, with ``grid``, lines across the axes.

    Why not matplotlib's own axis: it builds a tick object (two lines, two texts) per tick,
    then measures every tick label once more while drawing to place the title (the report's
    four charts took 150 ms of CPU with it, 127 without). Here the ticks are known and the
    margins already hold their labels (``xaxis_height``, ``yaxis_width``), so the same marks
    and texts are placed at once, in the same places, pixel for pixel. The axis keeps its
    locator, so ``get_xticks`` still tells where the ticks are."""
    rc = matplotlib.rcParams
    fig = ax.get_figure()
    x = axis == "x"
    own = ax.xaxis if x else ax.yaxis
    own.set_major_locator(FixedLocator(ticks))
    own.set_visible(False)
    length = rc[f"{axis}tick.major.size"] if marks else 0.0
    away = (length + rc[f"{axis}tick.major.pad"]) / 72  # from the axes' edge to a label
    colour = rc[f"{axis}tick.color"]
    if rc[f"{axis}tick.labelcolor"] != "inherit":
        colour = rc[f"{axis}tick.labelcolor"]
    label_pt = FontProperties(size=rc[f"{axis}tick.labelsize"]).get_size_in_points()
    along = ax.get_xaxis_transform() if x else ax.get_yaxis_transform()
    if grid:
        line = [v for t in ticks for v in (t, t, math.nan)]
        across = [v for _ in ticks for v in (0.0, 1.0, math.nan)]
        ax.add_line(Line2D(*((line, across) if x else (across, line)), transform=along,
                           color=GRID_COLOUR, linewidth=GRID_WIDTH, zorder=1.5))
    if length:
        at, edge = list(ticks), [0.0] * len(ticks)
        ax.add_line(Line2D(*((at, edge) if x else (edge, at)), transform=along,
                           linestyle="none", marker=TICKDOWN if x else TICKLEFT,
                           markersize=length, markeredgewidth=rc[f"{axis}tick.major.width"],
                           color=rc[f"{axis}tick.color"], clip_on=False, zorder=1.5))
    shift = ScaledTranslation(0, -away, fig.dpi_scale_trans) if x \
        else ScaledTranslation(-away, 0, fig.dpi_scale_trans)
    texts = [ax.text(*((t, 0) if x else (0, t)), text, transform=along + shift, color=colour,
                     fontsize=label_pt, ha="center" if x else "right",
                     va="top" if x else "center_baseline", zorder=1.5)
             for t, text in zip(ticks, labels, strict=True)]
    if not title:
        return
    # measured as drawn, as matplotlib places an axis title past its tick labels
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    beyond = away + max(b.height if x else b.width for b in boxes) / fig.dpi \
        + rc["axes.labelpad"] / 72
    style = {"color": rc["axes.labelcolor"], "fontsize": rc["axes.labelsize"], "zorder": 1.5}
    if x:
        ax.text(0.5, 0, title, transform=ax.transAxes
                + ScaledTranslation(0, -beyond, fig.dpi_scale_trans), ha="center", va="top",
                **style)
    else:
        ax.text(0, 0.5, title, transform=ax.transAxes
                + ScaledTranslation(-beyond, 0, fig.dpi_scale_trans), ha="center",
                va="bottom", rotation=90, rotation_mode="anchor", **style)


def count_ticks(top: float) -> list[float]:
    """Whole-number ticks for a count axis, above 0 and up to ``top``: the bars stand on the
    axis, and the corner belongs to the score axis' first label."""
    ticks = MaxNLocator(integer=True, nbins=5, steps=[1, 2, 5, 10]).tick_values(0, top)
    return [float(t) for t in ticks if 0 < t <= top]


def spaced_ticks(ticks: Sequence[float], labels: Sequence[str], axes_width: float,
                 span: tuple[float, float]) -> list[float]:
    """Evenly spaced ticks, or every second (third…) one counted back from the last, so that
    their labels keep ``TICK_GAP_IN`` apart on an axis ``axes_width`` inches long."""
    widest = max(text_size(t, TEXT_PT)[0] for t in labels)
    if len(ticks) < 2:
        return list(ticks)
    step_in = (ticks[1] - ticks[0]) / (span[1] - span[0]) * axes_width
    k = 1
    while k < len(ticks) - 1 and k * step_in < widest + TICK_GAP_IN:
        k += 1
    return [t for i, t in enumerate(ticks) if (len(ticks) - 1 - i) % k == 0]


def foot_legend(fig: Figure, handles: Sequence[Any], labels: Sequence[str]) -> float:
    """The legend at the foot of the figure, centred, in as many columns as fit its width;
    returns the height it takes with the gap above it, in inches. The estimate of how many
    columns fit is checked against the drawn legend, one column fewer while it is too wide."""
    width = fig.get_figwidth()
    room = (width - 2 * PAD_IN) * fig.dpi
    ncol = legend_columns(labels, TEXT_PT, width - 2 * PAD_IN, handle_em=LEGEND["handlelength"],
                          textpad_em=LEGEND["handletextpad"],
                          spacing_em=LEGEND["columnspacing"], border_em=LEGEND["borderpad"])
    renderer = fig.canvas.get_renderer()
    while True:
        legend = fig.legend(handles, labels, loc="lower center", ncol=ncol,
                            bbox_to_anchor=(width / 2, PAD_IN),
                            bbox_transform=fig.dpi_scale_trans, borderaxespad=0, **LEGEND)
        extent = legend.get_window_extent(renderer)
        if ncol == 1 or extent.width <= room:
            break
        legend.remove()
        ncol -= 1
    legend.set_gid("legend")
    return extent.height / fig.dpi + LEGEND_GAP_IN


@dataclass(frozen=True)
class Mark:
    """A vertical reference line (the target, this organisation) labelled above the axes."""

    x: float
    text: str
    colour: str
    linestyle: Any
    linewidth: float
    gid: str


def target_mark(target: float, digits: Digits) -> Mark:
    return Mark(float(target), target_text(target, digits), TARGET_COLOUR, TARGET_DASH, 1.1,
                "target")


def plan_marks(marks: Sequence[Mark], frame: Frame, fig: Figure,
               xlim: tuple[float, float]) -> list[Above]:
    """Where each mark's label goes above the axes (rows and alignment), before the figure's
    height is known: only widths matter."""
    axes_w = frame.axes_width(fig)
    anchors = [frame.left + (m.x - xlim[0]) / (xlim[1] - xlim[0]) * axes_w for m in marks]
    widths = [text_size(m.text, TEXT_PT)[0] for m in marks]
    # from the axes' left edge (left of it, the top tick label reaches above the axes)
    return labels_above(anchors, widths, frame.left, fig.get_figwidth() - PAD_IN,
                        ABOVE_GAP_PT / 72)


def marks_height(plan: Sequence[Above]) -> float:
    """The band the planned labels take above the axes, in inches."""
    rows = 1 + max((a.row for a in plan), default=-1)
    if not rows:
        return 0.0
    return rows * (line_height() + ABOVE_ROW_GAP_PT / 72) + ABOVE_GAP_PT / 72


def draw_marks(ax: Axes, marks: Sequence[Mark], plan: Sequence[Above]) -> None:
    """Each mark's line across the axes and its label above them where ``plan`` put it; a
    label above the first row gets a leader, the line continued up to it."""
    fig = ax.get_figure()
    axes_h = ax.get_position().height * fig.get_figheight()
    step = line_height() + ABOVE_ROW_GAP_PT / 72
    for mark, above in zip(marks, plan, strict=True):
        style = {"color": mark.colour, "linestyle": mark.linestyle,
                 "linewidth": mark.linewidth, "gid": mark.gid}
        ax.axvline(mark.x, zorder=3, **style)
        lift = ABOVE_GAP_PT / 72 + above.row * step
        if above.row:  # up to just short of the label
            top = 1 + (lift - ABOVE_GAP_PT / 72 / 2) / axes_h
            ax.plot([mark.x, mark.x], [1, top], transform=ax.get_xaxis_transform(),
                    clip_on=False, zorder=3, **style)
        # at the left edge the plan gave it (in inches from the figure's left edge)
        at = blended_transform_factory(fig.dpi_scale_trans, ax.transAxes) \
            + ScaledTranslation(0, lift, fig.dpi_scale_trans)
        ax.text(above.left, 1, mark.text, transform=at, ha="left", va="bottom",
                color=mark.colour, gid=f"{mark.gid}-label")
