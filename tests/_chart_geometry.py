"""What the chart tests share: the geometry of what a figure draws, measured on its artists
after drawing, and checked with simple methods of our own, not with the placement code under
test (``chart_labels``): a line is sampled every quarter pixel and each sample tested against
a label's box; two boxes overlap when their intervals do on both axes.

Labels are the texts whose ``gid`` starts with ``value`` (a score, a count, a change) or ends
with ``-label`` (the label of a reference line above the axes). Obstacles are the lines the
charts name with a ``gid`` (series, target, this organisation, leaders, dumbbells) with their
markers, and the bars (``gid`` "bars", or "bar-<i>" for the bar that owns "value-count-<i>").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

MARGIN_PT = 0.5  # a label must keep at least this much white space from what it must not touch
PHONE_COLUMN_PX = 350  # the content width of a 390 px phone, as the issue measures it
MIN_PHONE_TEXT_PX = 10  # the least size we allow a chart's text there
PRINT_WIDTH_PX = 16 / 2.54 * 96  # the widest box a chart is shown in (16 cm)


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def grown(self, by: float) -> Box:
        return Box(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def overlaps(self, other: Box) -> bool:
        return (self.x0 < other.x1 and other.x0 < self.x1
                and self.y0 < other.y1 and other.y0 < self.y1)

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


@dataclass(frozen=True)
class Label:
    gid: str
    text: str
    box: Box


@dataclass(frozen=True)
class Drawn:
    """A figure after ``canvas.draw()``: its texts, labels, lines and bars in pixels."""

    fig: Figure
    texts: list[Label]  # every visible text, labels included
    labels: list[Label]
    lines: list[tuple[str, np.ndarray, float, float]]  # gid, points, half width, marker radius
    bars: list[tuple[str, Box]]

    @property
    def px_per_pt(self) -> float:
        return self.fig.dpi / 72


def _box(bbox) -> Box:
    return Box(float(bbox.x0), float(bbox.y0), float(bbox.x1), float(bbox.y1))


def draw(fig: Figure) -> Drawn:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [Label(t.get_gid() or "", t.get_text(), _box(t.get_window_extent(renderer)))
             for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    labels = [t for t in texts if t.gid.startswith("value") or t.gid.endswith("-label")]
    lines = []
    for line in fig.findobj(Line2D):
        if not line.get_gid() or not line.get_visible():
            continue
        xy = line.get_transform().transform(np.column_stack(line.get_data()).astype(float))
        drawn_line = line.get_linestyle() not in ("None", "none", "", " ")
        half = line.get_linewidth() * fig.dpi / 72 / 2 if drawn_line else -1.0
        marked = line.get_marker() not in (None, "None", "none", "", " ")
        radius = ((line.get_markersize() + line.get_markeredgewidth()) * fig.dpi / 72 / 2
                  if marked else -1.0)
        lines.append((line.get_gid(), xy, half, radius))
    bars = [(p.get_gid(), _box(p.get_window_extent())) for p in fig.findobj(Rectangle)
            if p.get_gid() and (p.get_gid() == "bars" or p.get_gid().startswith("bar-"))]
    return Drawn(fig, texts, labels, lines, bars)


def _segment_touches(p: np.ndarray, q: np.ndarray, box: Box) -> bool:
    steps = max(1, math.ceil(float(np.hypot(*(q - p))) * 4))  # every quarter pixel
    pts = p + (q - p) * (np.arange(steps + 1) / steps)[:, None]
    return bool(np.any((pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1)
                       & (pts[:, 1] >= box.y0) & (pts[:, 1] <= box.y1)))


def _own_bar(label: Label) -> str | None:
    m = re.fullmatch(r"value-count-(\d+)", label.gid)
    return f"bar-{m.group(1)}" if m else None


def problems(d: Drawn) -> list[str]:
    """Every label that touches a line, a marker, a bar it does not belong to or another
    text; every text that leaves the figure or overlaps another text."""
    out = []
    margin = MARGIN_PT * d.px_per_pt
    for label in d.labels:
        for gid, xy, half, radius in d.lines:
            if half >= 0 and any(_segment_touches(xy[i], xy[i + 1], label.box.grown(half + margin))
                                 for i in range(len(xy) - 1)):
                out.append(f"{label.text!r} ({label.gid}) touches the line {gid}")
            if radius >= 0 and any(label.box.grown(radius + margin).contains(*pt) for pt in xy):
                out.append(f"{label.text!r} ({label.gid}) touches a marker of {gid}")
        own = _own_bar(label)
        for gid, box in d.bars:
            if gid != own and label.box.grown(margin).overlaps(box):
                out.append(f"{label.text!r} ({label.gid}) touches the bar {gid}")
            if gid == own and label.box.overlaps(box) and not (
                    box.x0 <= label.box.x0 and label.box.x1 <= box.x1
                    and box.y0 <= label.box.y0 and label.box.y1 <= box.y1):
                out.append(f"{label.text!r} ({label.gid}) notches its own bar")
    width, height = d.fig.bbox.width, d.fig.bbox.height
    for i, a in enumerate(d.texts):
        if a.box.x0 < 0 or a.box.y0 < 0 or a.box.x1 > width or a.box.y1 > height:
            out.append(f"{a.text!r} leaves the figure")
        out += [f"{a.text!r} overlaps {b.text!r}" for b in d.texts[i + 1:]
                if a.box.overlaps(b.box)]
    return out


def phone_text_px(svg: str, fig: Figure) -> float:
    """The smallest text of a chart in CSS px on a phone: a chart is scaled to the phone's
    column unless its SVG is marked to scroll (then it keeps its own width, at most 16 cm)."""
    root = re.match(r"<svg [^>]*>", svg).group()
    width_px = float(re.search(r' width="([\d.]+)pt"', root).group(1)) * 4 / 3
    scrolls = re.search(r' class="[^"]*\bscroll\b', root) is not None
    assert width_px <= PRINT_WIDTH_PX + 0.5, "wider than the page"
    scale = 1.0 if scrolls else min(1.0, PHONE_COLUMN_PX / width_px)
    smallest = min(t.get_fontsize() for t in fig.findobj(Text)
                   if t.get_visible() and t.get_text().strip())
    return smallest * 4 / 3 * scale
