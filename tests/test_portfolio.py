"""The portfolio: group statistics worked by hand, scopes and their file names, the notebook run
through papermill, the HTML against the library's figures, and wrong parameters failing fast.

The hand-made data folder (``tiny``) is built so that every figure can be worked on paper: each
organisation scores ``v`` on indicators 1–6, ``v-3`` and ``v+3`` on 7 and 8, ``v+5`` and
``v-5`` on 9 and 10, so every tool and the overall score are exactly ``v`` (one indicator of
one organisation breaks this on purpose, by a thousandth that only exact rounding gets right).

=========  ==========  ========  ==========  ======  ======
org        type        district  province    2566 v  2567 v
=========  ==========  ========  ==========  ======  ======
t-a1       อบต.        อำเภอเอ    จังหวัดทดสอบ    88      90 (indicator 1: 90.025)
t-a2       อบต.        อำเภอเอ    จังหวัดทดสอบ    92      90
t-a3       ทต.         อำเภอบี    จังหวัดทดสอบ    80      80
t-a4       ทต.         อำเภอบี    จังหวัดทดสอบ    86      85
t-a5       อบต.        อำเภอเอ    จังหวัดทดสอบ    75      –
t-a6       อบต.        อำเภอบี    จังหวัดทดสอบ    –       70
t-b1       อบต.        อำเภอเอ    จังหวัดอื่น      –       95
=========  ==========  ========  ==========  ======  ======
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from _chart_geometry import MIN_PHONE_TEXT_PX, draw, phone_text_px, problems
from _fonts import assert_in_shipped_font
from _html import parse
from bs4 import BeautifulSoup

from ita_analysis.analysis.portfolio import (
    HeatMap,
    Portfolio,
    ScoreBin,
    analyse_portfolio,
    short_name,
)
from ita_analysis.analysis.scope import SLUG, Scope, resolve_scope
from ita_analysis.cli import main
from ita_analysis.data.dataset import load_dataset, synthetic_data_dir
from ita_analysis.documents.portfolio import sections as portfolio_sections
from ita_analysis.errors import ParameterError, ReportError
from ita_analysis.present.charts import portfolio as pc
from ita_analysis.present.charts.style import chart_style
from ita_analysis.render.convert import export_html
from ita_analysis.render.portfolio import portfolio_stem, render_portfolio
from ita_analysis.scoring import score_table
from ita_analysis.thai import format_int, to_arabic_digits

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROVINCE = "จังหวัดทดสอบ"
EVIL = "เทศบาลตำบล<b>สี่</b>"  # t-a4's name: markup that must print as text
SYN_YEAR = 2567
SYN_DISTRICT = "อำเภอหนองไพรวัลย์"
THAI_DIGIT = re.compile(r"[\u0e50-\u0e59]")
ARABIC = re.compile(r"[0-9]")
TOOL_TH = {"IIT": "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน",  # as the frameworks name them
           "EIT": "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก",
           "OIT": "แบบตรวจการเปิดเผยข้อมูลสาธารณะ"}
SVG_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


# -- the hand-made data folder --------------------------------------------------------------

ORGS = [
    ("t-a1", "องค์การบริหารส่วนตำบลหนึ่ง", "องค์การบริหารส่วนตำบล", "อำเภอเอ", PROVINCE),
    ("t-a2", "องค์การบริหารส่วนตำบลสอง", "องค์การบริหารส่วนตำบล", "อำเภอเอ", PROVINCE),
    ("t-a3", "เทศบาลตำบลสาม", "เทศบาลตำบล", "อำเภอบี", PROVINCE),
    ("t-a4", EVIL, "เทศบาลตำบล", "อำเภอบี", PROVINCE),
    ("t-a5", "องค์การบริหารส่วนตำบลห้า", "องค์การบริหารส่วนตำบล", "อำเภอเอ", PROVINCE),
    ("t-a6", "องค์การบริหารส่วนตำบลหก", "องค์การบริหารส่วนตำบล", "อำเภอบี", PROVINCE),
    ("t-b1", "องค์การบริหารส่วนตำบลเจ็ด", "องค์การบริหารส่วนตำบล", "อำเภอเอ", "จังหวัดอื่น"),
]
V = {2566: {"t-a1": 88, "t-a2": 92, "t-a3": 80, "t-a4": 86, "t-a5": 75},
     2567: {"t-a1": 90, "t-a2": 90, "t-a3": 80, "t-a4": 85, "t-a6": 70, "t-b1": 95}}
OFFSET = {7: -3, 8: 3, 9: 5, 10: -5}


def _indicator_scores(org: str, year: int, v: int) -> dict[int, str]:
    scores = {i: str(v + OFFSET.get(i, 0)) for i in range(1, 11)}
    if (org, year) == ("t-a1", 2567):
        scores[1] = "90.025"  # the group mean of indicator 1 is then exactly 83.005
    return scores


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    lines = ["org_id,name,org_type,district,province"]
    lines += [",".join(row) for row in ORGS]
    (folder / "organisations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = ["org_id,fiscal_year,indicator,score"]
    for year, orgs in V.items():
        for org, v in orgs.items():
            rows += [f"{org},{year},{i},{s}" for i, s in _indicator_scores(org, year, v).items()]
    (folder / "scores.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    # NACC's published label of t-a2 in 2567: printed, although ผ่านดี's band is unconfirmed
    (folder / "published.csv").write_text(
        "org_id,fiscal_year,iit,eit,oit,overall,grade\nt-a2,2567,,,,,ผ่านดี\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tiny_portfolio(tiny: Path):
    ds = load_dataset(tiny)
    return analyse_portfolio(ds, 2567, resolve_scope(ds, province="ทดสอบ", fiscal_year=2567))


# -- group statistics, by hand -----------------------------------------------------------------

def test_counts_mean_median_and_share_at_target(tiny_portfolio) -> None:
    p = tiny_portfolio
    assert p.scope == {"province": PROVINCE, "district": "", "org_type": ""}
    assert p.count == 5  # t-a5 has no 2567 scores; t-b1 is in another province
    assert p.mean_2dp == 83.00  # (90 + 90 + 80 + 85 + 70) / 5
    assert p.median_2dp == 85.00
    assert (p.min_2dp, p.max_2dp) == (70.00, 90.00)
    assert p.at_target == 3 and p.share_at_target == 60.00  # 90, 90 and 85 (at, not above)
    assert p.target == 85.0 and p.goal_share == 80.0
    assert [(t.code, t.mean_2dp, t.at_target) for t in p.tools] == [
        ("IIT", 83.00, 3), ("EIT", 83.00, 3), ("OIT", 83.00, 3)]


def test_ranks_share_the_best_rank_on_ties(tiny_portfolio) -> None:
    ranking = [(r.rank, r.org_id, r.overall_2dp, r.grade) for r in tiny_portfolio.ranking]
    assert ranking == [
        # 2567: only ผ่าน (85 or more) is a confirmed band; t-a2's published ผ่านดี prints;
        # below 85 no label is printed, only that the score is below ผ่าน's band
        (1, "t-a1", 90.00, "ผ่าน"),  # 90.0015 and 90 both print 90.00: a tie
        (1, "t-a2", 90.00, "ผ่านดี"),
        (3, "t-a4", 85.00, "ผ่าน"),
        (4, "t-a3", 80.00, "ต่ำกว่าเกณฑ์ “ผ่าน”"),
        (5, "t-a6", 70.00, "ต่ำกว่าเกณฑ์ “ผ่าน”"),
    ]
    change = {r.org_id: r.change for r in tiny_portfolio.ranking}
    assert change == {"t-a1": 2.00, "t-a2": -2.00, "t-a4": -1.00, "t-a3": 0.00, "t-a6": None}
    assert tiny_portfolio.ranking[0].previous_2dp == 88.00
    assert tiny_portfolio.ranking[2].short_name == "ทต.<b>สี่</b>"


def test_score_bins_and_grades_in_the_framework_order(tiny_portfolio) -> None:
    bins = [(b.low, b.high, b.count, b.at_or_above_target) for b in tiny_portfolio.bins]
    assert bins == [(70, 75, 1, False), (75, 80, 0, False), (80, 85, 1, False),
                    (85, 90, 1, True), (90, 95, 2, True), (95, 100, 0, True)]
    grades = [(g.label, g.count, g.share, g.at_or_above_target, g.confirmed, g.published)
              for g in tiny_portfolio.grades]
    # unconfirmed labels appear only where printed (t-a2's published ผ่านดี); the confirmed
    # ผ่าน always; what stands in for a label last
    assert grades == [("ผ่านดี", 1, 20.0, True, False, 1), ("ผ่าน", 2, 40.0, True, True, 0),
                      ("ต่ำกว่าเกณฑ์ “ผ่าน”", 2, 40.0, False, False, 0)]


def test_weakest_indicators_by_exact_mean_then_share_below(tiny_portfolio) -> None:
    stats = [(s.number, s.mean_2dp, s.below_target, s.share_below_target)
             for s in tiny_portfolio.indicators]
    assert stats == [
        (10, 78.00, 3, 60.0),  # v - 5: 85, 85, 80, 75, 65 (85 is at the target, not below)
        (7, 80.00, 3, 60.0),  # v - 3: 87, 87, 82, 77, 67
        (2, 83.00, 2, 40.0), (3, 83.00, 2, 40.0), (4, 83.00, 2, 40.0), (5, 83.00, 2, 40.0),
        (6, 83.00, 2, 40.0),
        (1, 83.01, 2, 40.0),  # 415.025 / 5 = 83.005 exactly, half up: 83.01
        (8, 86.00, 2, 40.0),  # v + 3: 93, 93, 88, 83, 73
        (9, 88.00, 1, 20.0),  # v + 5: 95, 95, 90, 85, 75
    ]
    assert [s.number for s in tiny_portfolio.weakest] == [10]
    ten = tiny_portfolio.indicators[0]
    assert (ten.min_2dp, ten.max_2dp, ten.tool) == (65.00, 85.00, "OIT")


def test_heat_map_rows_follow_the_ranking(tiny_portfolio) -> None:
    hm = tiny_portfolio.heat_map
    assert hm.org_ids == ["t-a1", "t-a2", "t-a4", "t-a3", "t-a6"]
    assert hm.ranks == [1, 1, 3, 4, 5]
    assert hm.indicators == list(range(1, 11))
    assert hm.tools == ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2
    assert hm.values[0] == [90.03, 90, 90, 90, 90, 90, 87, 93, 95, 85]  # 90.025 -> 90.03
    assert hm.values[-1] == [70, 70, 70, 70, 70, 70, 67, 73, 75, 65]
    assert hm.labels[0] == "อบต.หนึ่ง"


def test_movement_since_the_previous_year(tiny_portfolio) -> None:
    m = tiny_portfolio.movement
    assert m.previous_year == 2566 and m.has_previous and m.compared == 4
    assert [(x.org_id, x.previous_2dp, x.current_2dp, x.change) for x in m.rose] == [
        ("t-a1", 88.00, 90.00, 2.00)]
    assert [(x.org_id, x.change) for x in m.fell] == [("t-a2", -2.00), ("t-a4", -1.00)]
    assert [x.org_id for x in m.unchanged] == ["t-a3"]
    assert [o.org_id for o in m.new] == ["t-a6"]
    assert [o.org_id for o in m.missing] == ["t-a5"]
    assert m.mean_change == -0.25  # (2 - 2 - 1 + 0) / 4
    assert m.previous_count == 5 and m.previous_mean_2dp == 84.20  # 421 / 5
    assert m.previous_share_at_target == 60.00  # 88, 92, 86
    # t-a2: 92.00 in 2566 is ผ่าน (confirmed); 2567 prints its published ผ่านดี
    assert m.fell[0].previous_grade == "ผ่าน" and m.fell[0].grade == "ผ่านดี"


def test_no_previous_year_is_said_not_guessed(tiny: Path) -> None:
    ds = load_dataset(tiny)
    p = analyse_portfolio(ds, 2566, Scope(province=PROVINCE))
    m = p.movement
    assert not m.has_previous and m.compared == 0 and m.mean_change is None
    assert [o.org_id for o in m.new] == ["t-a1", "t-a2", "t-a3", "t-a4", "t-a5"]
    assert m.previous_mean_2dp is None and m.previous_grading_kind is None


def test_narrower_scopes_select_their_organisations(tiny: Path) -> None:
    ds = load_dataset(tiny)
    table = score_table(ds.scores)
    everyone = analyse_portfolio(ds, 2567, Scope(), table)
    assert everyone.count == 6 and everyone.ranking[0].org_id == "t-b1"
    town = analyse_portfolio(ds, 2567, resolve_scope(ds, org_type="เทศบาลตำบล"), table)
    assert [r.org_id for r in town.ranking] == ["t-a4", "t-a3"]
    district = resolve_scope(ds, province=PROVINCE, district="เอ")
    assert district == Scope(province=PROVINCE, district="อำเภอเอ")
    assert [r.org_id for r in analyse_portfolio(ds, 2567, district, table).ranking] == \
        ["t-a1", "t-a2"]


def test_synthetic_province_portfolio_agrees_with_the_report_peer_figures() -> None:
    """The group mean, share at target and ranks are those a single report's peers table
    prints for the same province (findings.PeerRank)."""
    from ita_analysis.analysis.findings import analyse

    ds = load_dataset(synthetic_data_dir())
    table = score_table(ds.scores)
    p = analyse_portfolio(ds, SYN_YEAR, Scope(province=ds.organisations["province"].iloc[0]),
                          table)
    for row in p.ranking[:: 9]:
        peer = next(x for x in analyse(ds, row.org_id, SYN_YEAR, table).peers
                    if x.scope == "province")
        assert (peer.rank, peer.count, peer.mean_2dp, peer.share_meeting_target) == \
            (row.rank, p.count, p.mean_2dp, p.share_at_target)
    year = table[table["fiscal_year"] == SYN_YEAR]
    assert p.count == len(year) and sum(b.count for b in p.bins) == p.count
    assert sum(g.count for g in p.grades) == p.count
    assert p.at_target == int(year["passed"].sum())


# -- scopes: checking and file names -----------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "says"), [
    ({"province": "จังหวัดไม่มี"}, "no province 'จังหวัดไม่มี'"),
    ({"district": "อำเภอเอ"}, "is in 2 provinces"),
    ({"province": PROVINCE, "district": "อำเภอซี"}, "no district 'อำเภอซี' in จังหวัดทดสอบ"),
    ({"org_type": "เทศบาลนคร"}, "no org type 'เทศบาลนคร'"),
    ({"province": "จังหวัดอื่น", "fiscal_year": 2566}, "has scores for 2567"),
])
def test_wrong_scopes_are_one_line_errors(tiny: Path, kwargs: dict, says: str) -> None:
    with pytest.raises(ParameterError) as err:
        resolve_scope(load_dataset(tiny), **kwargs)
    assert says in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("scope", [
    Scope(),
    Scope(province="จังหวัดพนมไพรวัลย์"),
    Scope(district="อำเภอเมืองพนมไพรวัลย์", org_type="องค์การบริหารส่วนตำบล"),
    Scope(province="../../etc/passwd"),
    Scope(province="C:\\Windows\\con", district="NUL"),
    Scope(org_type="<script>alert(1)</script>"),
    Scope(province="ก" * 500, district="๑๒๓", org_type="เทศบาลตำบล"),
    Scope(province="   "),  # nothing but spaces: romanised to nothing
    Scope(province="🙂"),
])
def test_scope_slugs_are_safe_file_names(scope: Scope) -> None:
    slug = scope.slug
    assert SLUG.fullmatch(slug), slug
    assert len(portfolio_stem(slug)) <= 100
    assert slug == scope.slug  # deterministic
    assert (slug == "all") == scope.is_all


def test_scope_slugs_are_readable_and_distinct() -> None:
    province = Scope(province="จังหวัดพนมไพรวัลย์")
    assert province.slug.startswith("phanomphraiwan-")
    assert Scope(org_type="เทศบาลตำบล").slug.startswith("tambon-mun-")
    scopes = [Scope(), province, Scope(district="อำเภอพนมไพรวัลย์"),
              Scope(province="จังหวัดพนมไพรวัลย์", org_type="เทศบาลตำบล"),
              Scope(org_type="เทศบาลตำบล"), Scope(org_type="เทศบาลเมือง")]
    assert len({s.slug for s in scopes}) == len(scopes)
    with pytest.raises(ValueError):
        portfolio_stem("../x")


def test_short_names_abbreviate_the_type() -> None:
    assert short_name("องค์การบริหารส่วนตำบลลำแสงอรุณ") == "อบต.ลำแสงอรุณ"
    assert short_name("เทศบาลเมืองพนมไพรวัลย์") == "ทม.พนมไพรวัลย์"
    assert short_name("องค์การบริหารส่วนจังหวัดน่าน") == "อบจ.น่าน"
    assert short_name("กรมบัญชีกลาง") == "กรมบัญชีกลาง"


# -- charts -------------------------------------------------------------------------------------

def test_charts_are_deterministic_svg_in_both_digit_modes(tiny_portfolio) -> None:
    p = tiny_portfolio
    for digits in ("thai", "arabic"):
        drawn = [pc.score_histogram(p, digits), pc.grade_chart(p, digits),
                 pc.heat_map(p.heat_map, p.target, digits),
                 pc.movement_chart(p.movement, p.fiscal_year, p.target, digits)]
        again = [pc.score_histogram(p, digits), pc.grade_chart(p, digits),
                 pc.heat_map(p.heat_map, p.target, digits),
                 pc.movement_chart(p.movement, p.fiscal_year, p.target, digits)]
        assert drawn == again
        for svg in drawn:
            assert svg.startswith("<svg ") and 'role="img"' in svg
            label = re.search(r'aria-label="([^"]*)"', svg).group(1)
            assert not (ARABIC if digits == "thai" else THAI_DIGIT).search(label)


def test_heat_map_gives_way_for_very_large_groups() -> None:
    rows = pc.HEAT_MAP_MAX_ROWS + 1
    hm = HeatMap(indicators=[1, 2], tools=["IIT", "EIT"], org_ids=[f"o{i}" for i in range(rows)],
                 labels=["x"] * rows, ranks=list(range(1, rows + 1)), overall_2dp=[90.0] * rows,
                 values=[[90.0, 80.0]] * rows)
    assert pc.heat_map(hm, 85.0) is None


def test_movement_chart_shows_the_largest_moves_of_a_large_group() -> None:
    ds = load_dataset(synthetic_data_dir())
    m = analyse_portfolio(ds, SYN_YEAR).movement
    moves, cut = pc.movement_selection(m)
    assert cut and len(moves) == 2 * pc.MOVEMENT_MAX_EACH
    assert moves[:pc.MOVEMENT_MAX_EACH] == m.rose[:pc.MOVEMENT_MAX_EACH]
    assert moves[pc.MOVEMENT_MAX_EACH:] == list(reversed(m.fell[:pc.MOVEMENT_MAX_EACH]))


def _bins(counts: list[int], low: int, target: float) -> list[ScoreBin]:
    return [ScoreBin(low=low + 5 * i, high=low + 5 * (i + 1), count=c,
                     at_or_above_target=low + 5 * i >= target) for i, c in enumerate(counts)]


@pytest.fixture(scope="module")
def chart_cases(tiny_portfolio) -> dict[str, Portfolio]:
    """Portfolios whose charts must keep their labels clear of everything."""
    ds = load_dataset(synthetic_data_dir())
    table = score_table(ds.scores)
    p = analyse_portfolio(ds, SYN_YEAR, table=table)
    return {
        "tiny": tiny_portfolio,
        "synthetic 2567, pass labels": p,
        "synthetic 2565, letter grades": analyse_portfolio(ds, 2565, table=table),
        "one district": analyse_portfolio(ds, SYN_YEAR, resolve_scope(
            ds, district=SYN_DISTRICT, fiscal_year=SYN_YEAR), table=table),
        # the target line in the middle of a bin: counts step aside from it
        "target inside a bin": p.model_copy(update={"target": 87.0, "bins": _bins(
            [0, 3, 9, 13, 24, 31], 70, 87.0)}),
        "every bin from 0, ties": p.model_copy(update={"bins": _bins(
            [1, 1, 0, 2, 2, 2, 0, 1, 1, 1, 1, 1, 3, 3, 9, 13, 24, 31, 31, 31], 0, 85.0)}),
        "one full bin, a large group": p.model_copy(update={"bins": _bins([8303], 95, 85.0)}),
        "four-digit counts": p.model_copy(update={"bins": _bins(
            [1203, 2310, 4790, 8303, 6999, 7000], 70, 85.0)}),
    }


def _pf_figures(p: Portfolio, digits: str) -> dict[str, object]:
    moves, _ = pc.movement_selection(p.movement)
    out = {"histogram": (pc._histogram_figure(p, digits), pc.score_histogram(p, digits)),
           "grades": (pc._grade_figure(p, digits), pc.grade_chart(p, digits)),
           "heat map": (pc._heat_figure(p.heat_map, p.target, digits, TOOL_TH),
                        pc.heat_map(p.heat_map, p.target, digits, TOOL_TH))}
    if moves:
        out["movement"] = (pc._movement_figure(moves, p.movement, p.fiscal_year, p.target,
                                               digits),
                           pc.movement_chart(p.movement, p.fiscal_year, p.target, digits))
    return out


@pytest.mark.parametrize("digits", ["thai", "arabic"])
def test_chart_labels_touch_no_line_bar_or_other_text(chart_cases, digits) -> None:
    found = []
    with chart_style():
        for case, p in chart_cases.items():
            for kind, (fig, _) in _pf_figures(p, digits).items():
                found += [f"{case} / {kind}: {x}" for x in problems(draw(fig))]
    assert found == []


@pytest.mark.parametrize("digits", ["thai", "arabic"])
def test_every_count_sits_on_its_own_bar(chart_cases, digits) -> None:
    with chart_style():
        for case, p in chart_cases.items():
            drawn = draw(pc._histogram_figure(p, digits))
            bars = dict(drawn.bars)
            counts = {lab.gid: lab for lab in drawn.labels if lab.gid.startswith("value-count")}
            # twenty bins from 0 are narrower than their counts: the count axis tells them
            expected = [] if len(p.bins) == 20 else [format_int(b.count, digits)
                                                     for b in p.bins if b.count]
            assert sorted(lab.text for lab in counts.values()) == sorted(expected), case
            line = 20 * drawn.px_per_pt
            for gid, lab in counts.items():
                bar = bars[gid.replace("value-count", "bar")]
                assert lab.box.x0 < bar.x1 and bar.x0 < lab.box.x1, (case, lab.text)  # over it
                on_top = 0 <= lab.box.y0 - bar.y1 < 3 * line  # at most three lines up
                inside = bar.y0 <= lab.box.y0 and lab.box.y1 <= bar.y1
                assert on_top or inside, (case, lab.text)


@pytest.mark.parametrize("digits", ["thai", "arabic"])
def test_chart_text_stays_readable_on_a_phone(chart_cases, digits) -> None:
    with chart_style():
        for case, p in chart_cases.items():
            for kind, (fig, svg) in _pf_figures(p, digits).items():
                assert phone_text_px(svg, fig) >= MIN_PHONE_TEXT_PX, (case, kind)
                assert ('class="scroll"' in svg.split(">", 1)[0]) == (kind == "heat map")


def test_heat_map_names_the_tools_in_thai_when_told_them(tiny_portfolio) -> None:
    p = tiny_portfolio
    said = re.findall(r"<!--(.*?)-->", pc.heat_map(p.heat_map, p.target, "thai", TOOL_TH), re.S)
    key = [s.strip() for s in said if "(IIT)" in s]
    assert key == ["ผู้มีส่วนได้ส่วนเสียภายใน (IIT)   ผู้มีส่วนได้ส่วนเสียภายนอก (EIT)   "
                   "การเปิดเผยข้อมูลสาธารณะ (OIT)"]
    without = re.findall(r"<!--(.*?)-->", pc.heat_map(p.heat_map, p.target, "thai"), re.S)
    assert not [s for s in without if "(IIT)" in s]


# -- the notebook, run through papermill, and its HTML -----------------------------------------

class Rendered:
    def __init__(self, files, digits: str) -> None:
        self.files = files
        self.html = files.html.read_text(encoding="utf-8")
        self.soup = parse(self.html)
        self.summary = json.loads(files.summary.read_text(encoding="utf-8"))
        self.annex = parse(files.annex.read_text(encoding="utf-8"))
        self.digits = digits

    def text(self, el: object) -> str:
        return to_arabic_digits(" ".join(el.get_text(" ").split()))  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("portfolio-out")


@pytest.fixture(scope="module")
def synthetic_all(out_dir: Path) -> Rendered:
    """The default: the synthetic province, everyone in it, Thai digits."""
    return Rendered(render_portfolio(SYN_YEAR, out_dir=out_dir), "thai")


@pytest.fixture(scope="module")
def synthetic_district(out_dir: Path) -> Rendered:
    files = render_portfolio(SYN_YEAR, data_dir=synthetic_data_dir(), out_dir=out_dir,
                             district=SYN_DISTRICT, digits="arabic")
    return Rendered(files, "arabic")


@pytest.fixture(scope="module")
def tiny_rendered(tiny: Path, out_dir: Path) -> Rendered:
    return Rendered(render_portfolio(2567, data_dir=tiny, out_dir=out_dir / "tiny",
                                     province="ทดสอบ", digits="arabic"), "arabic")


@pytest.fixture(params=["synthetic_all", "synthetic_district", "tiny_rendered"])
def rendered(request: pytest.FixtureRequest) -> Rendered:
    return request.getfixturevalue(request.param)


def _library(r: Rendered):
    params = r.summary["parameters"]
    ds = load_dataset(params["data_dir"] or synthetic_data_dir())
    scope = Scope(province=params["province"], district=params["district"],
                  org_type=params["org_type"])
    return analyse_portfolio(ds, params["fiscal_year"], scope)


def _two(value: float) -> str:
    return f"{value:.2f}"


def test_files_are_named_by_year_and_scope(synthetic_all: Rendered, synthetic_district: Rendered,
                                           out_dir: Path) -> None:
    assert synthetic_all.files.html == out_dir / "2567" / "portfolio-all.html"
    assert synthetic_district.files.slug == Scope(district=SYN_DISTRICT).slug
    assert synthetic_district.files.html.name == f"portfolio-{synthetic_district.files.slug}.html"
    folder = out_dir / "2567"
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"portfolio-{s}{ext}" for s in ("all", synthetic_district.files.slug)
                           for ext in (".html", ".ipynb", ".json", "-annex.html"))
    # (no temporary file left)


def test_every_figure_of_the_html_equals_the_library(rendered: Rendered) -> None:
    p, soup = _library(rendered), rendered.soup
    assert rendered.summary["portfolio"] == p.model_dump(mode="json")
    assert rendered.text(soup.select_one('[data-key="count"]')) == str(p.count)
    assert rendered.text(soup.select_one('[data-key="mean"]')) == _two(p.mean_2dp)
    at_target = rendered.text(soup.select_one('[data-key="at-target"]'))
    assert at_target == f"{p.at_target} ร้อยละ {_two(p.share_at_target)}"
    for t in p.tools:
        cells = [rendered.text(td) for td in soup.select(f'tr[data-tool="{t.code}"] td')]
        assert cells == [_two(t.mean_2dp), str(t.at_target), _two(t.share_at_target)]
    for g in p.grades:
        cells = [rendered.text(td) for td in soup.select(f'tr[data-grade="{g.label}"] td')]
        assert cells[1:] == [str(g.count), _two(g.share)]
    shown = [int(tr["data-indicator"]) for tr in soup.select("tr[data-indicator]")]
    assert shown == [s.number for s in p.indicators]
    for s, tr in zip(p.indicators, soup.select("tr[data-indicator]"), strict=True):
        cells = [rendered.text(td) for td in tr.find_all("td")]
        assert cells[2:] == [_two(s.mean_2dp), _two(s.min_2dp), _two(s.max_2dp),
                             str(s.below_target), _two(s.share_below_target)]
    rows = soup.select("table.pf-ranking tbody tr")
    assert [tr["data-org"] for tr in rows] == [r.org_id for r in p.ranking]
    for r, tr in zip(p.ranking, rows, strict=True):
        cells = [rendered.text(td) for td in tr.find_all("td")]
        assert cells[0] == str(r.rank) and cells[1] == r.short_name
        assert cells[4] == _two(r.overall_2dp) and cells[5] == r.grade
        assert cells[6] == ("–" if r.change is None else f"{r.change:+.2f}".replace(
            "+0.00", "0.00").replace("-", "\u2212"))  # a decrease takes the minus sign
        assert tr["data-passed"] == ("1" if r.passed else "0")
    m = p.movement
    if m.has_previous and m.compared:
        assert rendered.text(soup.select_one('[data-count="rose"]')) == str(len(m.rose))
        assert rendered.text(soup.select_one('[data-count="fell"]')) == str(len(m.fell))
    assert [s["data-org"] for s in soup.select("[data-new] [data-org]")] == \
        [o.org_id for o in m.new]
    assert [s["data-org"] for s in soup.select("[data-missing] [data-org]")] == \
        [o.org_id for o in m.missing]


def test_pages_embed_the_shipped_font_and_use_no_character_beyond_it(
        rendered: Rendered) -> None:
    assert_in_shipped_font(rendered.html)
    assert_in_shipped_font(rendered.files.annex.read_text(encoding="utf-8"))


def test_ties_share_a_rank_in_the_html(tiny_rendered: Rendered) -> None:
    ranks = [tiny_rendered.text(tr.find("td"))
             for tr in tiny_rendered.soup.select("table.pf-ranking tbody tr")]
    assert ranks == ["1", "1", "3", "4", "5"]
    fell = tiny_rendered.soup.select('table[data-moves="fell"] tbody tr')
    assert [tr["data-org"] for tr in fell] == ["t-a2", "t-a4"]


def test_document_is_thai_self_contained_and_shows_no_code(rendered: Rendered) -> None:
    html, soup = rendered.html, rendered.soup
    assert soup.html["lang"] == "th"
    assert not soup.find_all(["link", "iframe", "img"])
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and not scripts[0].get("src")  # the ranking table's own script
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html)
    assert "@import" not in html
    assert set(re.findall(r"https?://[^\s\"')<>]+", html)) <= SVG_NAMESPACES
    assert "@font-face" in html and "data:font/woff2;base64," in html
    for leak in ("In&nbsp;[", "In [", "jp-InputArea", "build_context", "display(HTML",
                 "injected-parameters", "Traceback", "ctx.rows"):
        assert leak not in html, leak
    ids = [el["id"] for el in soup.select("main > section, main > footer")]
    assert ids == ["sec-cover", "sec-overview", "sec-weakest", "sec-ranking", "sec-heat-map",
                   "sec-movement", "sec-colophon"]
    assert [a["href"] for a in soup.select(".pf-toc a")] == [f"#{i}" for i in ids[1:-1]]
    for svg in soup.select("figure svg"):
        assert svg.get("role") == "img" and svg.get("aria-label")


def _body_text(soup: BeautifulSoup) -> str:
    body = parse(str(soup.body))
    for el in body.find_all(["code", "style", "script"]):
        el.decompose()
    return re.sub(r"\d+\.\d+\.\d+", "", body.get_text(" "))  # the program's version


def test_digits_follow_the_option_everywhere(rendered: Rendered) -> None:
    text = _body_text(rendered.soup)
    if rendered.digits == "thai":
        assert not ARABIC.findall(text), sorted(set(re.findall(r"\S*[0-9]\S*", text)))[:20]
        assert THAI_DIGIT.search(rendered.soup.title.get_text())
    else:
        assert not THAI_DIGIT.findall(text), sorted(set(re.findall(r"\S*[๐-๙]\S*", text)))[:20]
    captions = [rendered.text(c) for c in rendered.soup.select("caption .label")]
    assert captions == [f"ตารางที่ {i}" for i in range(1, len(captions) + 1)]
    figures = [rendered.text(c) for c in rendered.soup.select("figcaption .label")]
    assert figures == [f"แผนภูมิที่ {i}" for i in range(1, len(figures) + 1)]


def test_synthetic_data_is_said_to_be_synthetic(synthetic_all: Rendered,
                                                tiny_rendered: Rendered) -> None:
    notice = synthetic_all.soup.select_one("[data-synthetic]")
    assert notice is not None and "ข้อมูลสังเคราะห์" in notice.get_text()
    assert "ข้อมูลสังเคราะห์" in synthetic_all.annex.select_one("#annex-run").get_text()
    assert 'content: "ข้อมูลสังเคราะห์ ไม่ใช่ผลการประเมินจริง"' in synthetic_all.html  # each page
    assert synthetic_all.summary["generated"]["synthetic"] is True
    assert tiny_rendered.soup.select_one("[data-synthetic]") is None
    assert tiny_rendered.summary["generated"]["synthetic"] is False


def test_the_annex_and_summary_record_what_made_the_document(synthetic_all: Rendered) -> None:
    footer = synthetic_all.text(synthetic_all.annex.select_one("#annex-run"))
    assert ds_digest_free(synthetic_all.text(synthetic_all.soup.select_one("#sec-colophon")))
    ds = load_dataset(synthetic_data_dir())
    assert ds.digest in footer and "ita_analysis/rules/frameworks/2567.yaml" in footer
    assert "fiscal_year=2567" in footer and "digits=thai" in footer
    s = synthetic_all.summary
    assert s["schema"] == "ita-analysis/portfolio-summary/1"
    assert s["scope"] == {"province": "", "district": "", "org_type": "", "slug": "all",
                          "label": "หน่วยงานทั้งหมดในชุดข้อมูล"}
    assert s["generated"]["data_digest"] == ds.digest
    executed = nbformat.read(synthetic_all.files.notebook, as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)


def ds_digest_free(text: str) -> bool:
    """The public closing line names the program and nothing of the run."""
    return text.startswith("เอกสารนี้จัดทำจากข้อมูล") and "sha256" not in text \
        and "=" not in text and "/" not in text


def test_names_holding_markup_show_as_text(tiny_rendered: Rendered) -> None:
    soup, html = tiny_rendered.soup, tiny_rendered.html
    assert not soup.select("main b")
    assert "&lt;b&gt;สี่&lt;/b&gt;" in html
    row = soup.select_one('tr[data-org="t-a4"]')
    assert row.select_one("td.org").get_text() == "ทต.<b>สี่</b>"
    assert row.select_one("td.org")["title"] == EVIL


# -- files appear whole or not at all ----------------------------------------------------------

def test_a_failing_notebook_leaves_nothing_half_written(tmp_path: Path, tiny: Path) -> None:
    out = tmp_path / "out"
    folder = out / "2567"
    folder.mkdir(parents=True)
    (folder / "portfolio-all.html").write_text("earlier portfolio", encoding="utf-8")
    with pytest.raises(ReportError) as err:
        render_portfolio(2567, data_dir=tiny, out_dir=out,
                         notebook=FIXTURES / "failing_portfolio.ipynb")
    assert "the portfolio notebook failed in cell" in str(err.value)
    assert "RuntimeError: boom in the portfolio" in str(err.value)
    assert "\n" not in str(err.value)
    assert sorted(p.name for p in folder.iterdir()) == ["portfolio-all.failed.ipynb",
                                                        "portfolio-all.html"]
    assert (folder / "portfolio-all.html").read_text(encoding="utf-8") == "earlier portfolio"


# -- wrong parameters fail fast, in one line, with no kernel -----------------------------------

@pytest.mark.parametrize(("kwargs", "says"), [
    ({"province": "จังหวัดไม่มี"}, "no province 'จังหวัดไม่มี'"),
    ({"district": "อำเภอไม่มี"}, "no district 'อำเภอไม่มี'"),
    ({"org_type": "กรม"}, "no org type 'กรม'"),
    ({"fiscal_year": 2599}, "no ITA framework for fiscal year 2599"),
    ({"fiscal_year": 2024}, "Christian Era"),
    ({"fiscal_year": 2562}, "has scores for 2563"),  # a framework, but no data that year
    ({"digits": "roman"}, "digits must be 'thai' or 'arabic'"),
    ({"data_dir": "/no/such/folder"}, "does not exist"),
])
def test_wrong_parameters_fail_before_any_kernel(
        kwargs: dict, says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import papermill

    def no_kernel(*args: object, **kw: object) -> None:
        raise AssertionError("a kernel was started for a wrong parameter")

    monkeypatch.setattr(papermill, "execute_notebook", no_kernel)
    params = {"fiscal_year": SYN_YEAR, **kwargs}
    with pytest.raises(ParameterError) as err:
        render_portfolio(params.pop("fiscal_year"), out_dir=tmp_path, **params)
    assert says in str(err.value) and "\n" not in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_cli_portfolio_prints_one_line_errors(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    code = main(["portfolio", "--year", "2567", "--province", "นอกแผนที่",
                 "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "นอกแผนที่" in err
    assert list(tmp_path.iterdir()) == []


def test_cli_portfolio_writes_and_prints_its_files(tiny: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["portfolio", "--year", "2567", "--data", str(tiny), "--out", str(tmp_path),
                 "--org-type", "เทศบาลตำบล", "--digits", "arabic"])
    slug = Scope(org_type="เทศบาลตำบล").slug
    assert code == 0
    assert capsys.readouterr().out.split() == [
        str(tmp_path / "2567" / f"portfolio-{slug}{ext}")
        for ext in (".ipynb", ".html", "-annex.html", ".json")]


# -- the stored notebook ------------------------------------------------------------------------

NOTEBOOK = REPO / "notebooks" / "portfolio.ipynb"


def test_notebook_is_stored_clean_and_documents_its_parameters() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert [c for c in code if "parameters" in c.metadata.get("tags", [])] == [code[0]]
    tags = [set(c.metadata.get("tags", [])) for c in code]
    assert all({"remove_input"} <= t or {"remove_cell"} <= t for t in tags)
    run = subprocess.run([sys.executable, "-m", "papermill", "--help-notebook", str(NOTEBOOK)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    for name, kind in (("fiscal_year", "int"), ("data_dir", "str"), ("province", "str"),
                       ("district", "str"), ("org_type", "str"), ("digits", "str")):
        line = next(ln for ln in run.stdout.splitlines() if ln.strip().startswith(f"{name}:"))
        assert f"{name}: {kind}" in line
    assert "synthetic" in run.stdout and "Buddhist Era" in run.stdout


def test_notebook_matches_its_generator_script() -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import make_portfolio_notebook
    finally:
        sys.path.pop(0)
    built = nbformat.writes(make_portfolio_notebook.build()) + "\n"
    assert NOTEBOOK.read_text(encoding="utf-8") == built


def test_notebook_has_one_cell_per_section() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    calls = re.findall(r"sections\.(\w+)\(ctx\)", "\n".join(c.source for c in nb.cells))
    assert tuple(calls) == portfolio_sections.ORDER + portfolio_sections.ANNEX_ORDER


def test_notebook_runs_with_its_defaults_like_jupyterlab_run_all() -> None:
    """No papermill, no injected parameters: what JupyterLab's Run All does, in notebooks/."""
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO / "notebooks")}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"
                or o.get("name") == "stderr"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert 'id="sec-cover"' in html and 'id="sec-colophon"' in html and "data-synthetic" in html
    assert nb.cells[-1].outputs  # the analysts' table
    page = export_html(nb)  # digits read from the cover
    assert '<html lang="th">' in page and "counter(page, thai)" in page


# -- issue 12: an organisation whose own rows are invalid is left out, and it says so ----------

def test_an_organisation_with_invalid_rows_is_left_out_and_the_portfolio_says_so(
        tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(tiny, data)
    scores = (data / "scores.csv").read_text(encoding="utf-8")
    (data / "scores.csv").write_text(scores.replace("t-a3,2567,2,80", "t-a3,2567,2,800"),
                                     encoding="utf-8")
    ctx = portfolio_sections.build_context(2567, data, province="ทดสอบ")
    assert [org.org_id for org in ctx.left_out] == ["t-a3"]
    assert "t-a3" not in [r.org_id for r in ctx.portfolio.ranking]
    assert ctx.portfolio.count == 4  # t-a1, t-a2, t-a4, t-a6
    sentence = BeautifulSoup(portfolio_sections.overview(ctx), "html.parser").select_one(
        ".pf-left-out").get_text()
    assert sentence == ("การวิเคราะห์นี้ไม่รวมเทศบาลตำบลสาม (๑ หน่วยงาน) "
                        "เนื่องจากข้อมูลผลการประเมินของหน่วยงานดังกล่าวไม่ผ่านการตรวจสอบความถูกต้อง")
    # a scope without it says nothing of it
    other = portfolio_sections.build_context(2567, data, province="จังหวัดอื่น")
    assert other.left_out == []
    assert 'class="indent pf-left-out"' not in portfolio_sections.overview(other)

    code = main(["portfolio", "--year", "2567", "--data", str(data), "--out",
                 str(tmp_path / "out"), "--province", "ทดสอบ"])
    err = capsys.readouterr().err
    assert code == 0
    assert ("ita-analysis: notice: t-a3 is left out of the portfolio: its data are invalid "
            "(1 problem(s) in its own rows; first:") in err
    assert "row" in err and "got '800'" in err
    summary = json.loads(next((tmp_path / "out" / "2567").glob("portfolio-*.json"))
                         .read_text(encoding="utf-8"))
    assert [(o["org_id"], o["name"], [p["value"] for p in o["problems"]])
            for o in summary["left_out"]] == [("t-a3", "เทศบาลตำบลสาม", ["800"])]
