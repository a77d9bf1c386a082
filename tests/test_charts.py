"""Tests for ita_analysis.charts: Sarabun, deterministic bytes, valid inline SVG, size budget.

Matplotlib writes each text it draws as an XML comment before the glyph paths, which lets
these tests read what a chart says although the glyphs themselves are paths.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.text import Text

from ita_analysis import charts
from ita_analysis.charts import (
    ChartError,
    chart_style,
    fail_on_missing_glyphs,
    history_chart,
    indicator_chart,
    peer_chart,
    register_fonts,
    tool_chart,
)
from ita_analysis.dataset import load_dataset
from ita_analysis.findings import Findings, analyse
from ita_analysis.thai import apply_digits

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


def test_a_missing_glyph_raises(seed):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with pytest.raises(ChartError, match="Sarabun lacks"), chart_style():
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.text(0.1, 0.5, "ตัวชี้วัด 中")
        fig.canvas.draw()
    with pytest.raises(ValueError, match="unrelated"), fail_on_missing_glyphs():
        raise ValueError("unrelated errors pass through")


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
    assert t("ค่าเป้าหมาย 85", digits) in said
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
    assert "ค่าเป้าหมาย 85" in said


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

