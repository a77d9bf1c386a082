"""Where a chart's texts go, computed from the data and the texts' measured sizes.

Why: a value label that a target line runs through, that sits on another series' line or
that covers part of a bar cannot be read in a printed official document, and fixed offsets
only work for the numbers they were tried on. Three tools:

- ``text_size``: a text's size as matplotlib will lay it out, before anything is drawn, so that
  margins and legends are fitted to their texts (``legend_columns``);
- ``labels_above``: rows and alignments for the labels of reference lines above the axes
  (the target, this organisation), searched so that none meets another or a leader;
- ``place``: a label tries candidate places, nearest first, and takes the first whose box
  stays inside its area and keeps a clearance from everything in a ``Keepout`` (bars, lines,
  the labels placed before it). Geometry is matplotlib's (``Bbox``, ``Path``), in display
  pixels, once the axes and their limits are final.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import matplotlib
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox

__all__ = ["Above", "Candidate", "Keepout", "labels_above", "legend_columns", "place",
           "text_size"]

CLEARANCE_PT = 2.0  # the least white space between a label and anything else


@dataclass(frozen=True)
class Candidate:
    """A place to try: the label's anchor in display pixels and its alignment there."""

    x: float
    y: float
    ha: str = "center"
    va: str = "center"


@dataclass
class Keepout:
    """What a label may not touch, in display pixels: boxes (bars, labels) and lines (a
    target line) with their half widths."""

    dpi: float
    boxes: list[Bbox] = field(default_factory=list)
    lines: list[tuple[Path, float]] = field(default_factory=list)

    @property
    def clearance(self) -> float:
        return CLEARANCE_PT * self.dpi / 72

    def add_box(self, box: Bbox) -> None:
        self.boxes.append(box)

    def add_bars(self, bars: Iterable[Patch]) -> None:
        for bar in bars:
            self.boxes.append(bar.get_window_extent())

    def add_segment(self, start: Sequence[float], end: Sequence[float], width_pt: float) -> None:
        """A straight line given in display pixels (a target line, a leader)."""
        self.lines.append((Path([start, end]), width_pt * self.dpi / 72 / 2))

    def without(self, box: Bbox) -> Keepout:
        """The same, less one box (a bar that may hold its own label)."""
        return Keepout(self.dpi, [b for b in self.boxes if b.bounds != box.bounds],
                       list(self.lines))

    def hits(self, box: Bbox) -> bool:
        grown = box.padded(self.clearance)
        if any(grown.overlaps(other) for other in self.boxes):
            return True
        return any(path.intersects_bbox(grown.padded(half), filled=False)
                   for path, half in self.lines)


def place(text: Text, candidates: Iterable[Candidate], keepout: Keepout, within: Bbox,
          renderer: RendererBase) -> bool:
    """Move ``text`` to the first candidate where it fits inside ``within`` and touches
    nothing in ``keepout``; its box then joins ``keepout``. False (and the text left at the
    last candidate) when none fits."""
    to_data = text.get_transform().inverted()
    for c in candidates:
        text.set_position(tuple(to_data.transform((c.x, c.y))))
        text.set_horizontalalignment(c.ha)
        text.set_verticalalignment(c.va)
        box = text.get_window_extent(renderer)
        inside = (box.x0 >= within.x0 and box.x1 <= within.x1
                  and box.y0 >= within.y0 and box.y1 <= within.y1)
        if inside and not keepout.hits(box):
            keepout.add_box(box)
            return True
    return False


# -- measuring text before a figure is laid out -----------------------------------------------

@cache
def _measuring_figure() -> tuple[Figure, RendererBase]:
    fig = Figure(dpi=72)  # at 72 dpi a pixel is a point
    FigureCanvasAgg(fig)
    return fig, fig.canvas.get_renderer()


@cache
def _size_pt(text: str, size: float, weight: str, family: tuple[str, ...],
             linespacing: float) -> tuple[float, float]:
    fig, renderer = _measuring_figure()
    t = Text(0, 0, text, fontsize=size, fontweight=weight, fontfamily=list(family),
             linespacing=linespacing)
    t.set_figure(fig)
    box = t.get_window_extent(renderer)
    return box.width, box.height


def text_size(text: str, size: float, weight: str = "normal",
              linespacing: float = 1.2) -> tuple[float, float]:
    """Width and height in inches of ``text`` as matplotlib lays it out in the current style,
    so that margins can be computed before anything is drawn (no tight_layout pass)."""
    family = tuple(matplotlib.rcParams["font.family"])
    w, h = _size_pt(text, float(size), weight, family, linespacing)
    return w / 72, h / 72


def legend_columns(labels: Sequence[str], size: float, width_in: float, *,
                   handle_em: float, textpad_em: float, spacing_em: float,
                   border_em: float) -> int:
    """The most columns (filled column by column, as matplotlib does) whose legend is no
    wider than ``width_in``; at least one."""
    em = size / 72
    entries = [handle_em * em + textpad_em * em + text_size(s, size)[0] for s in labels]
    for ncol in range(len(entries), 1, -1):
        rows = math.ceil(len(entries) / ncol)
        columns = [entries[i:i + rows] for i in range(0, len(entries), rows)]
        wide = (sum(max(c) for c in columns) + (len(columns) - 1) * spacing_em * em
                + 2 * border_em * em)
        if wide <= width_in:
            return ncol
    return 1


# -- labels in a band above the axes --------------------------------------------------------

@dataclass(frozen=True)
class Above:
    """A label set above the axes at ``row`` (0 is nearest the axes), aligned ``ha`` near its
    anchor; rows above the first are joined to the axes by a leader line."""

    row: int
    ha: str
    left: float  # inches from the figure's left edge
    right: float


def labels_above(anchors: Sequence[float], widths: Sequence[float], low: float, high: float,
                 gap: float) -> list[Above]:
    """Rows and alignments for labels above the axes, one per anchor (inches from the
    figure's left edge), each within ``low``–``high``: the fewest rows, then the most labels
    centred on their anchors, such that labels in a row keep ``gap`` between them and no
    leader runs through a label. A label ending (or starting) at its anchor stays ``gap / 2``
    clear of it, so that two labels of the same anchor can sit side by side."""
    n = len(anchors)
    options = []
    for x, w in zip(anchors, widths, strict=True):
        spans = {"center": (x - w / 2, x + w / 2), "right": (x - gap / 2 - w, x - gap / 2),
                 "left": (x + gap / 2, x + gap / 2 + w)}
        options.append([(ha, *spans[ha]) for ha in ("center", "right", "left")
                        if spans[ha][0] >= low and spans[ha][1] <= high])
    for rows in range(1, n + 1):
        found = _search(anchors, options, rows, gap, [])
        if found is not None:
            return found
    # a label too wide for the band: each in a row of its own, centred on the band
    return [Above(k, "center", max(low, (low + high - w) / 2), max(low, (low + high - w) / 2) + w)
            for k, w in enumerate(widths)]


def _search(anchors: Sequence[float], options: list[list[tuple[str, float, float]]], rows: int,
            gap: float, chosen: list[Above]) -> list[Above] | None:
    """Depth first, preferred choices first: centred before the other alignments, lower rows
    before higher ones."""
    k = len(chosen)
    if k == len(anchors):
        return chosen
    for ha, left, right in options[k]:
        for row in range(rows):
            mine = Above(row, ha, left, right)
            if all(_apart(mine, anchors[k], other, anchors[j], gap)
                   for j, other in enumerate(chosen)):
                found = _search(anchors, options, rows, gap, [*chosen, mine])
                if found is not None:
                    return found
    return None


def _apart(a: Above, ax: float, b: Above, bx: float, gap: float) -> bool:
    if a.row == b.row and a.left < b.right + gap and b.left < a.right + gap:
        return False
    # a leader runs from the axes up to its label, beside every label in a lower row (it may
    # pass as close as a label's own anchor does)
    if a.row > b.row and b.left - gap / 4 < ax < b.right + gap / 4:
        return False
    return not (b.row > a.row and a.left - gap / 4 < bx < a.right + gap / 4)
