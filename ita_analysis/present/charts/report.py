"""The report's charts as inline SVG text, set in Sarabun (style: ``chart_style``).

- ``indicator_chart``: the indicators' scores as bars coloured by tool, the target line, and
  the scores in a column beside the bars where no line or bar can reach them;
- ``tool_chart``: the tools (named in Thai) and the overall score, the same way;
- ``history_chart``: the tools' and the overall score's lines over the years, the overall
  scores written in a row under the years;
- ``peer_chart``: where the organisation's overall score falls among its peers'.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from ...analysis.findings import Findings
from ...thai import Digits, apply_digits, check_digits, format_number, format_score
from .labels import text_size
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
    BELOW_COLOUR,
    FONT_FAMILY,
    MUTED_COLOUR,
    OVERALL_COLOUR,
    OVERALL_TH,
    PAD_IN,
    PEERS_TH,
    SCORE_TH,
    TARGET_COLOUR,
    TARGET_DASH,
    TEXT_COLOUR,
    TEXT_PT,
    TICK_PT,
    TOOL_COLOURS,
    ChartError,
    chart_style,
    colour_of,
    fail_on_missing_glyphs,
    new_figure,
    register_fonts,
    render,
    target_text,
    tool_label,
)

__all__ = [
    "FONT_FAMILY",  # the style's names, kept here for callers of earlier versions
    "ChartError",
    "chart_style",
    "fail_on_missing_glyphs",
    "history_chart",
    "indicator_chart",
    "peer_chart",
    "register_fonts",
    "tool_chart",
]

INDICATOR_ROW_IN = 0.3  # row pitch of the indicator chart
TOOL_ROW_IN = 0.46  # row pitch of the tool chart (two-line names)
OVERALL_GAP = 0.25  # extra rows between the tools and the overall score
HISTORY_AXES_IN = 2.3
HISTORY_MAX_YEARS = 6  # as many scores "100.00" as fit side by side under the years
HISTORY_ROW_GAP_PT = 2.0  # between the years and the overall scores under them
PEER_AXES_IN = 1.7
TOOL_LINE = {"linewidth": 1.2, "marker": "o", "markersize": 3.5}
OVERALL_LINE = {"linewidth": 2.4, "marker": "o", "markersize": 5.0}
YEAR_ROW_TH = "ปีงบประมาณ"
OVERALL_SCORE_TH = "คะแนนภาพรวม"
THIS_ORG_TH = "หน่วยงานนี้"


# -- bar charts with a column of values -------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    y: float
    label: str
    value: float
    colour: str
    key: str  # the series (tool code, or "overall") for tests and the legend


def _bar_figure(bars: Sequence[Bar], target: float, digits: Digits, pitch: float,
                legend: Sequence[tuple[str, str]] = ()) -> Figure:
    """Horizontal bars 0–100 named on the left; their values in a column right of the axes,
    where neither the target line nor a bar can reach them (those below the target in the
    tables' red); the target labelled above."""
    fig = new_figure()
    values = [format_score(b.value, digits) for b in bars]
    value_w = max(text_size(v, TEXT_PT)[0] for v in values)
    ticks = [0, 20, 40, 60, 80, 100]
    tick_labels = [format_number(t, 0, digits) for t in ticks]
    legend_h = 0.0
    if legend:
        handles = [Patch(color=colour) for colour, _ in legend]
        legend_h = foot_legend(fig, handles, [text for _, text in legend])
    span = max(b.y for b in bars) - min(b.y for b in bars) + 1
    frame = Frame(
        left=PAD_IN + TICK_PT / 72 + max(text_size(b.label, TEXT_PT)[0] for b in bars),
        right=PAD_IN + VALUE_GAP_PT / 72 + value_w,
        top=PAD_IN, bottom=PAD_IN + legend_h + xaxis_height(tick_labels, SCORE_TH),
        axes_height=span * pitch)
    marks = [target_mark(target, digits)]
    plan = plan_marks(marks, frame, fig, (0, 100))
    frame.top += marks_height(plan)
    ax = frame.axes(fig)
    ys = [b.y for b in bars]
    ax.barh(ys, [b.value for b in bars], color=[b.colour for b in bars], height=BAR_IN / pitch,
            zorder=2, gid="bars")
    column_x = 1 + (VALUE_GAP_PT / 72 + value_w) / frame.axes_width(fig)
    for b, text in zip(bars, values, strict=True):
        ax.text(column_x, b.y, text, transform=ax.get_yaxis_transform(), ha="right",
                va="center", color=BELOW_COLOUR if b.value < target else TEXT_COLOUR,
                gid=f"value-{b.key}")
    ax.set_ylim(max(ys) + 0.5, min(ys) - 0.5)
    ax.set_xlim(0, 100)
    plain_axis(ax, "y", ys, [b.label for b in bars], marks=False)
    plain_axis(ax, "x", ticks, tick_labels, SCORE_TH, grid=True)
    draw_marks(ax, marks, plan)
    return fig


def indicator_chart(f: Findings, digits: Digits = "thai") -> str:
    """Horizontal bars for the indicators, coloured by tool, with the target line."""
    check_digits(digits)
    label = apply_digits(f"คะแนนรายตัวชี้วัด ปีงบประมาณ พ.ศ. {f.fiscal_year}", digits)
    return render("ita-i", label, lambda: _indicator_figure(f, digits))


def _indicator_figure(f: Findings, digits: Digits) -> Figure:
    inds = sorted(f.indicators, key=lambda i: i.number)
    codes = [t.code for t in f.tools]
    bars = [Bar(y, apply_digits(f"{i.number}. {i.name_th}", digits), i.score_2dp,
                colour_of(i.tool, codes), i.tool) for y, i in enumerate(inds)]
    legend = [(colour_of(t.code, codes), tool_label(t.code, t.name_th)) for t in f.tools]
    return _bar_figure(bars, f.target, digits, INDICATOR_ROW_IN, legend)


def tool_chart(f: Findings, digits: Digits = "thai") -> str:
    """The tools (named in Thai, with their weights) and the overall score as bars against
    the target line."""
    check_digits(digits)
    label = apply_digits(f"คะแนนรายเครื่องมือและคะแนนภาพรวม ปีงบประมาณ พ.ศ. {f.fiscal_year}",
                         digits)
    return render("ita-t", label, lambda: _tool_figure(f, digits))


def _tool_figure(f: Findings, digits: Digits) -> Figure:
    codes = [t.code for t in f.tools]
    bars = []
    for y, t in enumerate(f.tools):
        weight = format_number(Decimal(str(t.weight)) * 100, 0, digits)
        bars.append(Bar(y, f"{tool_label(t.code, t.name_th)}\nค่าน้ำหนักร้อยละ {weight}",
                        t.score_2dp, colour_of(t.code, codes), t.code))
    bars.append(Bar(len(f.tools) + OVERALL_GAP, OVERALL_TH, f.overall_2dp, OVERALL_COLOUR,
                    "overall"))
    return _bar_figure(bars, f.target, digits, TOOL_ROW_IN)


# -- history ----------------------------------------------------------------------------------

def history_chart(f: Findings, digits: Digits = "thai") -> str | None:
    """Overall and tool scores over the fiscal years on record (the latest six); None with
    fewer than two."""
    check_digits(digits)
    if len(f.history) < 2:
        return None
    f = f.model_copy(update={"history": _recent(f.history)})
    years = [int(h["fiscal_year"]) for h in f.history]
    label = apply_digits(f"คะแนนภาพรวมและรายเครื่องมือ ปีงบประมาณ พ.ศ. {years[0]}–{years[-1]}",
                         digits)
    return render("ita-h", label, lambda: _history_figure(f, digits))


def _recent(history: list[dict[str, object]]) -> list[dict[str, object]]:
    """The latest ``HISTORY_MAX_YEARS`` years, oldest first."""
    return sorted(history, key=lambda h: int(h["fiscal_year"]))[-HISTORY_MAX_YEARS:]


def _history_figure(f: Findings, digits: Digits) -> Figure:
    """Lines of the tools and the overall score; the overall scores written in a row under
    the years, a small table that no line, marker or target line can reach."""
    history = _recent(f.history)
    years = [int(h["fiscal_year"]) for h in history]
    codes = list(dict.fromkeys(c for h in history for c in h.get("tools", {})))
    names = {t.code: tool_label(t.code, t.name_th) for t in f.tools}
    series = {code: [(int(h["fiscal_year"]), float(h["tools"][code])) for h in history
                     if code in h.get("tools", {})] for code in codes}
    overall = [float(h["overall_2dp"]) for h in history]
    target = float(f.target)

    fig = new_figure()
    handles = [Line2D([], [], color=colour_of(c, codes), **TOOL_LINE) for c in codes]
    handles += [Line2D([], [], color=OVERALL_COLOUR, **OVERALL_LINE),
                Line2D([], [], color=TARGET_COLOUR, linestyle=TARGET_DASH, linewidth=1.1)]
    labels = [names.get(c, c) for c in codes] + [OVERALL_TH, target_text(target, digits)]
    legend_h = foot_legend(fig, handles, labels)

    lowest = min([target, *overall, *(v for pts in series.values() for _, v in pts)])
    bottom = max(0.0, math.floor((lowest - 5) / 5) * 5)
    ticks = [t for t in MaxNLocator(nbins=6, steps=[1, 2, 5, 10]).tick_values(bottom, 100)
             if bottom <= t <= 100]
    tick_labels = [format_number(t, 0, digits) for t in ticks]
    year_labels = [apply_digits(str(y), digits) for y in years]
    values = [format_score(v, digits) for v in overall]
    row_h = line_height()
    below = 2 * TICK_PT / 72 + row_h  # from the axes' bottom edge to the foot of the years
    value_top = below + HISTORY_ROW_GAP_PT / 72
    headers = (YEAR_ROW_TH, OVERALL_TH)
    header_w = max(text_size(h, TEXT_PT)[0] for h in headers)
    frame = Frame(left=PAD_IN + max(yaxis_width(tick_labels, SCORE_TH),
                                    2 * TICK_PT / 72 + header_w),
                  right=PAD_IN + max(text_size(t, TEXT_PT)[0] for t in [*year_labels, *values])
                  / 2, top=PAD_IN + row_h / 2,
                  bottom=PAD_IN + legend_h + value_top + row_h, axes_height=HISTORY_AXES_IN)
    ax = frame.axes(fig)
    per_pt = (100 - bottom) / (frame.axes_height * 72)  # score units per point, nearly
    # the lowest tick label sits wholly above the axes' foot, clear of the row headers
    ax.set_ylim(bottom - row_h * 72 / 2 * per_pt, 100 + OVERALL_LINE["markersize"] * per_pt)
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.axhline(target, color=TARGET_COLOUR, linestyle=TARGET_DASH, linewidth=1.1, zorder=3,
               gid="target")
    for code, pts in series.items():
        ax.plot(*zip(*pts, strict=True), color=colour_of(code, codes), zorder=3,
                gid=f"series-{code}", **TOOL_LINE)
    ax.plot(years, overall, color=OVERALL_COLOUR, zorder=4, gid="series-overall",
            **OVERALL_LINE)
    plain_axis(ax, "x", years, year_labels)
    plain_axis(ax, "y", ticks, tick_labels, SCORE_TH, grid=True)
    down = ScaledTranslation(0, -value_top, fig.dpi_scale_trans)
    for year, value, text in zip(years, overall, values, strict=True):
        ax.text(year, 0, text, transform=ax.get_xaxis_transform() + down, ha="center",
                va="top", color=BELOW_COLOUR if value < target else OVERALL_COLOUR,
                gid="value-overall")
    for i, header in enumerate(headers):
        at = ScaledTranslation(-2 * TICK_PT / 72, -(TICK_PT * 2 / 72 if i == 0 else value_top),
                               fig.dpi_scale_trans)
        ax.text(0, 0, header, transform=ax.transAxes + at, ha="right", va="top",
                color=OVERALL_COLOUR if i else TEXT_COLOUR, gid="row-header")
    return fig


# -- peers ------------------------------------------------------------------------------------

def peer_chart(f: Findings, peer_scores: list[float], digits: Digits = "thai") -> str | None:
    """Where the organisation's overall score falls among its peers' (a histogram of five-point
    bins); None with fewer than two peer scores."""
    check_digits(digits)
    scores = [float(s) for s in peer_scores if s is not None and not math.isnan(float(s))]
    if len(scores) < 2:
        return None
    label = apply_digits(f"การกระจายของคะแนนภาพรวมของหน่วยงานในกลุ่มเดียวกัน "
                         f"ปีงบประมาณ พ.ศ. {f.fiscal_year}", digits)
    return render("ita-p", label, lambda: _peer_figure(f, scores, digits))


def _peer_figure(f: Findings, scores: list[float], digits: Digits) -> Figure:
    low = min(math.floor(min([*scores, f.overall_2dp]) / 5) * 5, 95)
    edges = list(range(int(low), 101, 5))
    counts = [0] * (len(edges) - 1)
    for s in scores:
        i = min(int((s - low) // 5), len(counts) - 1)
        counts[i] += 1
    mine = min(int((f.overall_2dp - low) // 5), len(counts) - 1)
    fig = new_figure()
    ticks = count_ticks(max(counts))
    frame = Frame(left=PAD_IN + yaxis_width([format_number(t, 0, digits) for t in ticks],
                                             PEERS_TH),
                  right=PAD_IN + text_size(format_number(100, 0, digits), TEXT_PT)[0] / 2,
                  top=PAD_IN,
                  bottom=PAD_IN + xaxis_height([format_number(e, 0, digits) for e in edges],
                                                OVERALL_SCORE_TH),
                  axes_height=PEER_AXES_IN)
    marks = [Mark(f.overall_2dp, f"{THIS_ORG_TH} {format_score(f.overall_2dp, digits)}",
                  TOOL_COLOURS["IIT"], "solid", 1.6, "this")]
    if low < f.target:
        marks.append(target_mark(f.target, digits))
    plan = plan_marks(marks, frame, fig, (low, 100))
    frame.top += marks_height(plan)
    ax = frame.axes(fig)
    colours = [OVERALL_COLOUR if i == mine else MUTED_COLOUR for i in range(len(counts))]
    ax.bar(edges[:-1], counts, width=5, align="edge", color=colours, edgecolor="white",
           linewidth=0.8, zorder=2, gid="bars")
    ax.set_xlim(low, 100)
    ax.set_ylim(0, max(counts) * 1.1)  # the top tick label stays below the labels above
    shown = spaced_ticks(edges, [format_number(e, 0, digits) for e in edges],
                         frame.axes_width(fig), (low, 100))
    plain_axis(ax, "x", shown, [format_number(e, 0, digits) for e in shown], OVERALL_SCORE_TH)
    plain_axis(ax, "y", ticks, [format_number(t, 0, digits) for t in ticks], PEERS_TH,
               grid=True)
    draw_marks(ax, marks, plan)
    return fig


# -- the same figures as PNG, for the Word document -------------------------------------------

def chart_png(key: str, f: Findings, digits: Digits = "thai",
              peer_scores: Sequence[float] = (), dpi: int = 300) -> bytes:
    """One of the document's charts (``indicators``, ``tools``, ``history``, ``peers``) drawn
    as the SVG one is, as a PNG at ``dpi`` (print resolution) with a white background."""
    import io

    check_digits(digits)
    draw = {
        "indicators": lambda: _indicator_figure(f, digits),
        "tools": lambda: _tool_figure(f, digits),
        "history": lambda: _history_figure(
            f.model_copy(update={"history": _recent(f.history)}), digits),
        "peers": lambda: _peer_figure(
            f, [float(s) for s in peer_scores if s is not None and not math.isnan(float(s))],
            digits),
    }[key]
    buf = io.BytesIO()
    with chart_style(salt=f"ita-{key}"):
        fig = draw()
        fig.set_layout_engine(None)
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white",
                    metadata={"Software": None})
    return buf.getvalue()
