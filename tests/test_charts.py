"""Tests for ita_analysis.present.charts.report: Sarabun, deterministic bytes, valid inline SVG,
size budget.

Matplotlib writes each text it draws as an XML comment before the glyph paths, which lets
these tests read what a chart says although the glyphs themselves are paths. Under
``page_fonts()`` the text stays SVG text: the two are compared.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET

import matplotlib
import pytest
from _chart_geometry import MIN_PHONE_TEXT_PX, draw, phone_text_px, problems
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text

from ita_analysis.analysis.findings import Findings, analyse
from ita_analysis.data.dataset import load_dataset
from ita_analysis.present.charts import report as charts
from ita_analysis.present.charts.report import (
    ChartError,
    chart_style,
    fail_on_missing_glyphs,
    history_chart,
    indicator_chart,
    peer_chart,
    register_fonts,
    tool_chart,
)
from ita_analysis.present.charts.style import new_figure, page_fonts, render
from ita_analysis.thai import apply_digits, format_score

BUDGET = 60 * 1024  # bytes per chart: the whole report must stay under 300 KiB
# The tools as a legend names them, worked by hand from the frameworks' Thai names.
TOOL_NAMES = {"IIT": "ผู้มีส่วนได้ส่วนเสียภายใน (IIT)", "EIT": "ผู้มีส่วนได้ส่วนเสียภายนอก (EIT)",
              "OIT": "การเปิดเผยข้อมูลสาธารณะ (OIT)"}
DIGIT_MODES = ("thai", "arabic")
PEERS = [62.0, 70.0, 75.5, 80.0, 82.0, 85.0, 88.0, 90.0, 91.0, 92.0, 95.0, 96.0, 97.0,
         98.47, 99.0]
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def missing_glyphs():
    """Every test here fails on matplotlib's "Glyph … missing from font" warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing from", category=UserWarning)
        yield


@pytest.fixture(scope="module")
def seed() -> Findings:
    return analyse(load_dataset(), "nongsaeng-prachinburi", 2565)


@pytest.fixture(scope="module")
def with_history(seed) -> Findings:
    earlier = [
        {"fiscal_year": 2562, "overall_2dp": 72.4, "grade": "C",
         "tools": {"IIT": 80.1, "EIT": 75.3, "OIT": 64.0}},
        {"fiscal_year": 2563, "overall_2dp": 84.99, "grade": "B",
         "tools": {"IIT": 90.1, "EIT": 85.3, "OIT": 80.0}},
        {"fiscal_year": 2564, "overall_2dp": 91.2, "grade": "A",
         "tools": {"IIT": 93.1, "EIT": 88.3, "OIT": 92.0}},
    ]
    return seed.model_copy(update={"history": earlier + seed.history})


def _all_charts(seed: Findings, with_history: Findings, digits: str) -> dict[str, str]:
    out = {
        "indicator": indicator_chart(seed, digits),
        "tool": tool_chart(seed, digits),
        "history": history_chart(with_history, digits),
        "peer": peer_chart(seed, PEERS, digits),
    }
    assert all(v is not None for v in out.values())
    return out  # type: ignore[return-value]


def _said(svg: str) -> list[str]:
    """The texts a chart draws, as matplotlib records them in comments."""
    return [c.strip() for c in re.findall(r"<!--(.*?)-->", svg, flags=re.S)]


def _text_elements(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter(f"{SVG_NS}text"))


# -- fonts ---------------------------------------------------------------------------------

def test_sarabun_is_the_font_inside_the_style_only():
    regular = register_fonts()
    assert regular.name == "Sarabun-Regular.ttf"
    before = dict(matplotlib.rcParams)
    with chart_style():
        found = font_manager.findfont(
            font_manager.FontProperties(family=matplotlib.rcParams["font.family"]),
            fallback_to_default=False)
        assert found == str(regular)
        assert matplotlib.rcParams["svg.fonttype"] == "path"
    assert dict(matplotlib.rcParams) == before  # no global state leaked


@pytest.mark.parametrize("draw", ["_indicator_figure", "_tool_figure"])
def test_every_text_of_a_chart_is_set_in_sarabun(seed, draw):
    with chart_style():
        fig = getattr(charts, draw)(seed, "thai")
        fig.canvas.draw()
        texts = [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
        assert len(texts) > 10
        for t in texts:
            path = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
            assert "Sarabun" in path, (t.get_text(), path)


def _lacking_figure() -> Figure:
    """A figure whose text has a character Sarabun has no glyph for."""
    fig = new_figure()
    fig.text(0.1, 0.5, "ตัวชี้วัด 中")
    return fig


def test_a_missing_glyph_raises(seed):
    with pytest.raises(ChartError, match="Sarabun lacks"), chart_style():
        _lacking_figure().canvas.draw()
    with pytest.raises(ValueError, match="unrelated"), fail_on_missing_glyphs():
        raise ValueError("unrelated errors pass through")


def test_a_missing_glyph_raises_when_text_stays_text():
    with pytest.raises(ChartError, match="Sarabun lacks"), page_fonts():
        render("x", "label", _lacking_figure)


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_in_a_page_that_has_sarabun_the_text_stays_text_in_sarabun(seed, with_history, digits):
    paths = _all_charts(seed, with_history, digits)
    with page_fonts():
        texts = _all_charts(seed, with_history, digits)
    assert _all_charts(seed, with_history, digits) == paths  # only inside the block
    for name, svg in texts.items():
        elements = _text_elements(svg)
        # what the glyph paths say (matplotlib's comments), said as text, in the same order
        assert ["".join(e.itertext()).strip() for e in elements] == _said(paths[name]), name
        assert "<!--" not in svg and "<use" not in svg.replace('<use xlink:href="#ita-', "")
        assert not re.search(r'<path id="[^"]+" d="[^"]*" transform="scale', svg), name
        for e in elements:  # Sarabun, with no fallback face; no rotation by nought degrees
            style = e.get("style", "")
            assert re.search(r"font-family: 'Sarabun'(;|$)", style), (name, style)
            assert not re.search(r"rotate\(-?0 ", e.get("transform", "")), name
        ids = re.findall(r' id="([^"]+)"', svg)
        assert set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg)) <= set(ids), name
        assert len(svg) < len(paths[name]) / 2, (name, len(svg), len(paths[name]))
        assert ET.fromstring(svg).get("aria-label") == ET.fromstring(paths[name]).get(
            "aria-label")


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_no_warnings_at_all_while_drawing(seed, with_history, digits):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _all_charts(seed, with_history, digits)


# -- output ----------------------------------------------------------------------------------

@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_same_input_same_bytes(seed, with_history, digits):
    first = _all_charts(seed, with_history, digits)
    second = _all_charts(seed, with_history, digits)
    assert first == second


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_valid_inline_svg_within_budget(seed, with_history, digits):
    seen_ids: set[str] = set()
    for name, svg in _all_charts(seed, with_history, digits).items():
        assert svg.startswith("<svg "), name  # no XML prolog: ready to inline in HTML
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG_NS}svg"
        assert root.get("role") == "img" and root.get("aria-label")
        ids = re.findall(r' id="([^"]+)"', svg)
        refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))
        assert len(ids) == len(set(ids)), name
        assert refs <= set(ids), name
        assert not seen_ids & set(ids), name  # charts can share one page
        seen_ids |= set(ids)
        assert "<text" not in svg  # glyphs are paths: no font needed by the reader
        size = len(svg.encode("utf-8"))
        assert size <= BUDGET, (name, digits, size)


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_indicator_chart_says_the_right_things(seed, digits):
    said = _said(indicator_chart(seed, digits))
    wrong = r"[0-9]" if digits == "thai" else r"[๐-๙]"
    assert not any(re.search(wrong, s) for s in said)
    t = apply_digits
    for ind in seed.indicators:
        assert t(f"{ind.number}. {ind.name_th}", digits) in said
    for score in ("100.00", "99.61", "98.84", "98.45", "99.72", "99.57", "99.79", "93.75"):
        assert t(score, digits) in said
    assert t("ค่าเป้าหมาย (85 คะแนน)", digits) in said
    assert set(TOOL_NAMES.values()) | {t("100", digits)} <= set(said)


def test_tool_chart_shows_recomputed_tool_scores(seed):
    said = _said(tool_chart(seed, "arabic"))
    assert {"99.38", "99.69", "96.88", "98.47", "ภาพรวม"} <= set(said)
    assert "90.09" not in said  # the seed's mistaken EIT
    assert set(TOOL_NAMES.values()) | {"ค่าน้ำหนักร้อยละ 40", "ค่าน้ำหนักร้อยละ 30"} <= set(said)


def test_history_chart_years_and_none_with_one_year(seed, with_history):
    assert history_chart(seed) is None  # the seed has one year only
    said = _said(history_chart(with_history))
    assert {"๒๕๖๒", "๒๕๖๓", "๒๕๖๔", "๒๕๖๕", "๙๘.๔๗", "๘๔.๙๙"} <= set(said)


def test_peer_chart_and_none_without_peers(seed):
    assert peer_chart(seed, []) is None
    assert peer_chart(seed, [98.47]) is None
    said = _said(peer_chart(seed, PEERS, "arabic"))
    assert "หน่วยงานนี้ 98.47" in said
    assert "ค่าเป้าหมาย (85 คะแนน)" in said


def test_low_scores_draw_without_trouble(seed):
    inds = [i.model_copy(update={"score": s, "score_2dp": s, "meets_target": False})
            for i, s in zip(seed.indicators,
                            (12.5, 20.0, 35.0, 0.0, 60.0, 84.99, 70.0, 55.5, 25.0, 40.0),
                            strict=True)]
    low = seed.model_copy(update={"indicators": inds, "overall_2dp": 40.12})
    said = _said(indicator_chart(low, "arabic"))
    assert {"12.50", "0.00", "84.99"} <= set(said)
    assert peer_chart(low, [30.0, 40.12, 55.0]) is not None


def test_bad_digit_option_is_refused(seed):
    with pytest.raises(Exception, match="digits must be"):
        indicator_chart(seed, "roman")


# -- where labels go: nothing touches a value label, at any data ------------------------------

def _scored(base: Findings, indicators: list[float], tools: list[float], overall: float,
            target: float | None = None) -> Findings:
    target = base.target if target is None else target
    inds = [i.model_copy(update={"score": v, "score_2dp": v, "meets_target": v >= target})
            for i, v in zip(sorted(base.indicators, key=lambda i: i.number), indicators,
                            strict=True)]
    tls = [t.model_copy(update={"score": v, "score_2dp": v, "meets_target": v >= target})
           for t, v in zip(base.tools, tools, strict=True)]
    return base.model_copy(update={"indicators": inds, "tools": tls, "overall": overall,
                                   "overall_2dp": overall, "target": target})


def _history(first_year: int, rows: list[tuple[float, float, float, float]]) -> list[dict]:
    """(overall, IIT, EIT, OIT) per year from ``first_year``."""
    return [{"fiscal_year": first_year + k, "overall_2dp": o, "grade": "",
             "tools": {"IIT": i, "EIT": e, "OIT": t}} for k, (o, i, e, t) in enumerate(rows)]


@pytest.fixture(scope="module")
def synthetic():
    from ita_analysis.data.dataset import synthetic_data_dir

    return load_dataset(synthetic_data_dir())


@pytest.fixture(scope="module")
def cases(seed, with_history, synthetic) -> dict[str, tuple[Findings, list[float]]]:
    """Organisations to draw, each with the peer scores of its peer chart."""
    def syn(org: str, year: int) -> Findings:
        f = analyse(synthetic, org, year)
        return f.model_copy(update={"history": [h for h in f.history
                                                if int(h["fiscal_year"]) <= year]})

    hundred = _scored(seed, [100.0] * 10, [100.0] * 3, 100.0)
    at_target = _scored(seed, [85.0] * 10, [85.0] * 3, 85.0)
    out = {
        "seed": (seed, PEERS),
        "seed with history": (with_history, PEERS),
        "all 100": (hundred.model_copy(update={"history": _history(
            2562, [(100.0, 100.0, 100.0, 100.0)] * 6)}), [100.0] * 12),
        "all below the target": (_scored(seed, [12.5, 20.0, 35.0, 0.0, 60.0, 84.99, 70.0, 55.5,
                                                25.0, 40.0], [30.5, 50.17, 32.5], 37.31)
                                 .model_copy(update={"history": _history(
                                     2563, [(37.31, 30.5, 50.17, 32.5), (2.5, 0.0, 10.0, 0.0),
                                            (84.99, 84.98, 85.0, 84.99)])}),
                                 [0.0, 3.0, 12.0, 37.31, 40.0]),
        "exactly at the target": (at_target.model_copy(update={"history": _history(
            2563, [(85.0, 85.0, 85.0, 85.0)] * 5)}), [85.0] * 6 + [84.99, 85.01]),
        "ties and extremes": (_scored(seed, [90.0, 90.0, 90.0, 85.0, 85.0, 85.0, 100.0, 100.0,
                                             0.0, 0.0], [88.0, 95.0, 0.0], 54.9)
                              .model_copy(update={"history": _history(
                                  2562, [(54.9, 88.0, 95.0, 0.0), (95.0, 0.0, 100.0, 88.0),
                                         (54.9, 100.0, 0.0, 88.0), (85.0, 85.0, 85.0, 85.0),
                                         (100.0, 100.0, 100.0, 100.0),
                                         (0.0, 0.0, 0.0, 0.0)])}),
                              [54.9, 54.9, 55.0, 54.89]),
        "near the target": (_scored(seed, [84.99, 85.01, 86.0, 84.0, 85.5, 84.5, 100.0, 0.01,
                                           99.99, 85.0], [85.1, 84.9, 85.0], 86.0),
                            [80.0, 84.0, 85.0, 86.0, 86.0, 87.0, 90.0]),
        "ten years, six drawn": (seed.model_copy(update={"history": _history(
            2556, [(90.0 + k % 3, 100.0, 80.0 + k, 95.0 - k) for k in range(10)])}), PEERS),
        "five years, letter grades to pass labels": (syn("syn-sao-001", 2567), PEERS),
        "failing, letter grades": (syn("syn-sao-004", 2565), PEERS),
        "failing, pass labels": (syn("syn-sao-004", 2567), PEERS),
        "one year of history": (syn("syn-sao-004", 2563), PEERS),
        "pass labels, 2566": (syn("syn-sao-060", 2566), PEERS),
    }
    return out


def _figures(f: Findings, peers: list[float], digits: str) -> dict[str, Figure]:
    out = {"indicator": charts._indicator_figure(f, digits),
           "tool": charts._tool_figure(f, digits),
           "peer": charts._peer_figure(f, peers, digits)}
    if len(f.history) > 1:
        out["history"] = charts._history_figure(f, digits)
    return out


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_no_label_touches_a_line_a_bar_or_another_text(cases, digits):
    found = []
    with chart_style():
        for case, (f, peers) in cases.items():
            for kind, fig in _figures(f, peers, digits).items():
                drawn = draw(fig)
                assert drawn.labels, (case, kind)
                found += [f"{case} / {kind}: {p}" for p in problems(drawn)]
    assert found == []


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_every_score_is_written_beside_its_bar(cases, digits):
    with chart_style():
        for case, (f, peers) in cases.items():
            figs = _figures(f, peers, digits)
            for kind, expected in (("indicator", [i.score_2dp for i in sorted(
                    f.indicators, key=lambda i: i.number)]),
                    ("tool", [t.score_2dp for t in f.tools] + [f.overall_2dp])):
                drawn = draw(figs[kind])
                values = sorted((lab for lab in drawn.labels if lab.gid.startswith("value")),
                                key=lambda lab: -lab.box.y0)  # top row first
                bars = sorted((b for _, b in drawn.bars), key=lambda b: -b.y0)
                assert [lab.text for lab in values] == [format_score(v, digits)
                                                        for v in expected], (case, kind)
                for lab, bar in zip(values, bars, strict=True):
                    middle = (lab.box.y0 + lab.box.y1) / 2
                    assert bar.y0 <= middle <= bar.y1, (case, kind, lab.text)  # its row
                    assert lab.box.x0 > bar.x1  # after the bar's end


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_history_writes_the_overall_score_under_each_year(cases, digits):
    with chart_style():
        for case, (f, _) in cases.items():
            if len(f.history) < 2:
                assert history_chart(f, digits) is None
                continue
            fig = charts._history_figure(f, digits)
            drawn = draw(fig)
            ax = fig.axes[0]
            years = sorted(f.history, key=lambda h: int(h["fiscal_year"]))[-6:]
            ticks = [ax.transData.transform((x, 0))[0] for x in ax.get_xticks()]
            values = sorted((lab for lab in drawn.labels if lab.gid == "value-overall"),
                            key=lambda lab: lab.box.x0)
            assert [lab.text for lab in values] == [format_score(h["overall_2dp"], digits)
                                                    for h in years], case
            for lab, x in zip(values, ticks, strict=True):
                assert abs((lab.box.x0 + lab.box.x1) / 2 - x) < 1, (case, lab.text)
                assert lab.box.y1 < ax.bbox.y0  # under the axes, where no line goes


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_text_stays_readable_on_a_phone(cases, digits):
    with chart_style():
        for case, (f, peers) in cases.items():
            svgs = {"indicator": indicator_chart(f, digits), "tool": tool_chart(f, digits),
                    "peer": peer_chart(f, peers, digits), "history": history_chart(f, digits)}
            for kind, fig in _figures(f, peers, digits).items():
                assert phone_text_px(svgs[kind], fig) >= MIN_PHONE_TEXT_PX, (case, kind)


def test_legends_name_the_tools_in_thai_words_and_codes(seed, with_history):
    with chart_style():
        for fig in (charts._indicator_figure(seed, "thai"),
                    charts._history_figure(with_history, "thai")):
            legend = {t.get_text() for t in fig.legends[0].get_texts()}
            assert set(TOOL_NAMES.values()) <= legend


def test_tool_names_come_from_the_framework_data(seed):
    renamed = [t.model_copy(update={"name_th": name}) for t, name in zip(
            seed.tools, ("แบบวัดความพึงพอใจของประชาชน", "แบบสำรวจผู้รับบริการ", "การตรวจเอกสาร"),
            strict=True)]
    said = set(_said(indicator_chart(seed.model_copy(update={"tools": renamed}))))
    assert {"ความพึงพอใจของประชาชน (IIT)", "ผู้รับบริการ (EIT)", "การตรวจเอกสาร (OIT)"} <= said


# -- axes drawn as plain artists look as matplotlib's own ---------------------------------

def _axis_figure(own: bool, axis: str, ticks: list[float], labels: list[str], title: str,
                 marks: bool, grid: bool) -> bytes:
    """A chart-sized figure with one axis drawn by matplotlib (``own``) or by
    ``plain_axis``, as PNG pixels."""
    import io

    from ita_analysis.present.charts.layout import plain_axis
    from ita_analysis.present.charts.style import GRID_COLOUR, GRID_WIDTH

    fig = new_figure()
    ax = fig.add_axes((0.35, 0.3, 0.55, 0.55))
    ax.set_xlim(-0.5, 3.5) if axis == "x" else ax.set_ylim(3.5, -0.5)
    (ax.yaxis if axis == "x" else ax.xaxis).set_visible(False)
    if own:
        getattr(ax, f"set_{axis}ticks")(ticks, labels)
        if not marks:
            ax.tick_params(axis=axis, length=0)
        if grid:
            ax.grid(axis=axis, color=GRID_COLOUR, linewidth=GRID_WIDTH, zorder=0)
        if title:
            getattr(ax, f"set_{axis}label")(title)
    else:
        plain_axis(ax, axis, ticks, labels, title, marks=marks, grid=grid)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


@pytest.mark.parametrize(("axis", "labels", "title", "marks", "grid"), [
    ("x", ["๐", "๒๐", "๘๕", "๑๐๐"], "คะแนน", True, True),
    ("y", ["0", "20", "85", "100"], "จำนวนหน่วยงาน", True, True),
    ("y", ["ผู้มีส่วนได้ส่วนเสียภายใน (IIT)\nค่าน้ำหนักร้อยละ ๓๐", "ภาพรวม", "ก", "ข"], "",
     False, False),
    ("x", ["๒๕๖๓", "๒๕๖๔", "๒๕๖๕", "๒๕๖๖"], "", True, False),
])
def test_a_plain_axis_draws_the_same_pixels_as_matplotlibs(axis, labels, title, marks, grid):
    """The report's charts draw their axes with ``plain_axis`` (no tick objects): the pixels
    must be those matplotlib's own axis draws with the same ticks, in the chart style."""
    import numpy as np
    from PIL import Image

    def pixels(png: bytes) -> np.ndarray:
        import io

        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    ticks = [0.0, 1.0, 2.0, 3.0]
    with chart_style():
        theirs = pixels(_axis_figure(True, axis, ticks, labels, title, marks, grid))
        ours = pixels(_axis_figure(False, axis, ticks, labels, title, marks, grid))
    assert theirs.shape == ours.shape
    assert (theirs != ours).any(axis=2).sum() == 0
