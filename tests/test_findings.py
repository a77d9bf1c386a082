"""Tests for ita_analysis.analysis.findings and ita_analysis.analysis.reconcile on a small hand-made
data folder.

Four invented organisations in two provinces and of two types, fiscal years 2564 and 2565.
Every expected value is worked out by hand in the comments.

    org  type                   province       2564 overall   2565 overall
    a1   องค์การบริหารส่วนตำบล  จังหวัดหนึ่ง    88.00 A        89.764 -> 89.76 A
    a2   เทศบาลตำบล             จังหวัดหนึ่ง    90.00 A        89.76 A
    b1   องค์การบริหารส่วนตำบล  จังหวัดสอง      80.00 B        95.00 AA
    b2   เทศบาลตำบล             จังหวัดสอง      -              70.00 C
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ita_analysis.analysis.findings import analyse
from ita_analysis.analysis.reconcile import reconcile
from ita_analysis.data.dataset import load_dataset
from ita_analysis.errors import ItaError, ParameterError
from ita_analysis.scoring import score_table

SAO, TMN = "องค์การบริหารส่วนตำบล", "เทศบาลตำบล"
P1, P2 = "จังหวัดหนึ่ง", "จังหวัดสอง"

# a1 in 2565, indicators 1-10:
#   IIT (100.00 + 95.50 + 100.00 + 90.00 + 92.25) / 5 = 477.75 / 5 = 95.55
#   EIT (88.00 + 80.00 + 85.00) / 3 = 253 / 3 = 84.333... -> 84.33
#   OIT (79.995 + 99.00) / 2 = 178.995 / 2 = 89.4975 -> 89.50
#   overall 0.3 x 95.55 + 0.3 x 84.333... + 0.4 x 89.4975 = 28.665 + 25.3 + 35.799
#         = 89.764 -> 89.76, A
# Indicator 9 is 79.995, printed 80.00 like indicator 7: they tie for the weakest.
A1_2565 = ["100.00", "95.50", "100.00", "90.00", "92.25", "88.00", "80.00", "85.00",
           "79.995", "99.00"]

SCORES = {
    ("a1", 2564): ["88.00"] * 10,
    ("a1", 2565): A1_2565,
    ("a2", 2564): ["90.00"] * 10,
    ("a2", 2565): ["89.76"] * 10,
    ("b1", 2564): ["80.00"] * 10,
    ("b1", 2565): ["95.00"] * 10,
    ("b2", 2565): ["70.00"] * 10,
}

ITEM_CODES_10 = [f"O{n}" for n in range(34, 44)]
# Indicator 10 from items is NACC's roll-up: the mean of sub-indicators 10.1 (O34-O41, eight
# items) and 10.2 (O42-O43, two), each the mean of its items.
ITEMS = [
    # a1: O36 at 84, the rest at 100: 10.1 = (7 x 100 + 84) / 8 = 784 / 8 = 98.00, 10.2 = 100,
    # (98 + 100) / 2 = 99.00 = indicator 10 (complete)
    *(("a1", 2565, code, "84.00" if code == "O36" else "100.00") for code in ITEM_CODES_10),
    # a1: only O1 and O2 of indicator 9's 33 items (incomplete: 9.1 alone, (100 + 0) / 2 = 50.00,
    # not compared)
    ("a1", 2565, "O1", "100.00"),
    ("a1", 2565, "O2", "0.00"),
    # a2: O43 at 89.08, the rest at 90: 10.1 = 90, 10.2 = (90 + 89.08) / 2 = 89.54,
    # (90 + 89.54) / 2 = 89.77, 0.01 above indicator 10's 89.76: rounding
    *(("a2", 2565, code, "89.08" if code == "O43" else "90.00") for code in ITEM_CODES_10),
    # b1: O43 at 95.08, the rest at 95: 10.1 = 95, 10.2 = (95 + 95.08) / 2 = 95.04,
    # (95 + 95.04) / 2 = 95.02, 0.02 above indicator 10's 95.00: contradiction
    *(("b1", 2565, code, "95.08" if code == "O43" else "95.00") for code in ITEM_CODES_10),
]

PUBLISHED = [
    # a1: IIT as computed; EIT 84.34 and overall 89.77 are 0.01 off (rounding);
    # OIT 89.52 is 0.02 off the computed 89.50 (contradiction)
    ("a1", 2565, "95.55", "84.34", "89.52", "89.77", "A"),
    # b2: overall 70.02 is 0.02 off 70.00; and 70.00 earns C, not B
    ("b2", 2565, "70.00", "70.00", "70.00", "70.02", "B"),
    # b1: empty figures are not compared
    ("b1", 2565, "", "", "", "95.00", ""),
]


def write(path: Path, header: list[str], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("findings")
    write(root / "organisations.csv", ["org_id", "name", "org_type", "district", "province"], [
        ("a1", "องค์การบริหารส่วนตำบลเอหนึ่ง", SAO, "อำเภอหนึ่ง", P1),
        ("a2", "เทศบาลตำบลเอสอง", TMN, "อำเภอหนึ่ง", P1),
        ("b1", "องค์การบริหารส่วนตำบลบีหนึ่ง", SAO, "อำเภอสอง", P2),
        ("b2", "เทศบาลตำบลบีสอง", TMN, "อำเภอสอง", P2),
    ])
    write(root / "scores.csv", ["org_id", "fiscal_year", "indicator", "score"], [
        (org, year, n, value) for (org, year), values in SCORES.items()
        for n, value in enumerate(values, start=1)])
    write(root / "items.csv", ["org_id", "fiscal_year", "item", "score"], ITEMS)
    write(root / "published.csv",
          ["org_id", "fiscal_year", "iit", "eit", "oit", "overall", "grade"], PUBLISHED)
    return root


@pytest.fixture(scope="module")
def dataset(folder):
    return load_dataset(folder)


@pytest.fixture(scope="module")
def table(dataset):
    return score_table(dataset.scores)


@pytest.fixture(scope="module")
def a1(dataset, table):
    return analyse(dataset, "a1", 2565, table)


# -- the organisation's own figures -------------------------------------------------------

def test_overall_grade_and_gap(a1):
    assert a1.overall == pytest.approx(89.764, abs=1e-12)
    assert a1.overall_2dp == 89.76
    assert a1.grade == "A"
    assert a1.passed is True
    assert a1.target == 85.0
    assert a1.gap_to_target == -4.76  # 85 - 89.76


def test_strongest_and_weakest_name_every_tie(a1):
    # 100.00 for indicators 1 and 3; 80.00 for 7 and for 9 (79.995 printed 80.00)
    assert a1.strongest == [1, 3]
    assert a1.weakest == [7, 9]


def test_indicator_results(a1):
    nine = a1.indicator(9)
    assert (nine.score, nine.score_2dp, nine.tool) == (79.995, 80.0, "OIT")
    assert (nine.meets_target, nine.gap_to_target) == (False, 5.0)
    eight = a1.indicator(8)
    assert (eight.score_2dp, eight.meets_target, eight.gap_to_target) == (85.0, True, 0.0)
    assert a1.indicator(1).name_th == "การปฏิบัติหน้าที่"
    assert [ind.number for ind in a1.indicators] == list(range(1, 11))


def test_tool_gaps_to_target(a1):
    # target 85: IIT 85 - 95.55 = -10.55; EIT 85 - 84.33 = 0.67; OIT 85 - 89.50 = -4.50
    got = {t.code: (t.score_2dp, t.meets_target, t.gap_to_target) for t in a1.tools}
    assert got == {"IIT": (95.55, True, -10.55), "EIT": (84.33, False, 0.67),
                   "OIT": (89.5, True, -4.5)}
    assert [(t.code, t.weight, t.indicators) for t in a1.tools] == [
        ("IIT", 0.3, [1, 2, 3, 4, 5]), ("EIT", 0.3, [6, 7, 8]), ("OIT", 0.4, [9, 10])]
    assert a1.tool("EIT").score == pytest.approx(253 / 3, abs=1e-12)


def test_change_on_the_previous_year(a1):
    change = a1.change
    assert change is not None
    assert (change.previous_year, change.previous_overall_2dp, change.previous_grade) == (
        2564, 88.0, "A")
    assert change.overall == 1.76  # 89.76 - 88.00
    # IIT 95.55 - 88 = 7.55; EIT 84.33 - 88 = -3.67; OIT 89.50 - 88 = 1.50
    assert change.tools == {"IIT": 7.55, "EIT": -3.67, "OIT": 1.5}
    # each printed indicator minus 88.00 (indicator 9 prints 80.00)
    assert change.indicators == {1: 12.0, 2: 7.5, 3: 12.0, 4: 2.0, 5: 4.25, 6: 0.0, 7: -8.0,
                                 8: -3.0, 9: -8.0, 10: 11.0}


def test_no_change_without_a_previous_year(dataset, table):
    assert analyse(dataset, "b2", 2565, table).change is None


def test_change_of_another_org(dataset, table):
    change = analyse(dataset, "b1", 2565, table).change
    assert (change.previous_grade, change.overall) == ("B", 15.0)  # 95.00 - 80.00


def test_history(a1):
    assert [(h["fiscal_year"], h["overall_2dp"], h["grade"]) for h in a1.history] == [
        (2564, 88.0, "A"), (2565, 89.76, "A")]
    assert a1.history[1]["tools"] == {"IIT": 95.55, "EIT": 84.33, "OIT": 89.5}


# -- peers --------------------------------------------------------------------------------
# Percentile = share of the group scoring at or below the organisation (two-decimal overall),
# in %. Rank 1 is the highest; ties share the best rank.

def peers(findings):
    return {p.scope: (p.group, p.rank, p.count, p.percentile, p.mean_2dp,
                      p.share_meeting_target) for p in findings.peers}


def test_peer_rank_and_percentile_of_a1(a1):
    assert peers(a1) == {
        # a1 89.76 and a2 89.76 tie: both rank 1; 2 of 2 at or below: 100%;
        # mean of unrounded overalls (89.764 + 89.76) / 2 = 89.762 -> 89.76; both >= 85
        "province": (P1, 1, 2, 100.0, 89.76, 100.0),
        # a1 89.76, b1 95.00: rank 2; 1 of 2 at or below: 50%; (89.764 + 95) / 2 = 92.382
        "org_type": (SAO, 2, 2, 50.0, 92.38, 100.0),
        # 95.00, 89.76, 89.76, 70.00: rank 2 (shared); 3 of 4 at or below: 75%;
        # (89.764 + 89.76 + 95 + 70) / 4 = 344.524 / 4 = 86.131 -> 86.13; 3 of 4 pass: 75%
        "all": ("ทั้งหมด", 2, 4, 75.0, 86.13, 75.0),
    }


def test_peer_rank_of_the_tied_partner_and_the_lowest(dataset, table):
    assert peers(analyse(dataset, "a2", 2565, table))["all"][1:4] == (2, 4, 75.0)
    assert peers(analyse(dataset, "b2", 2565, table)) == {
        # b1 95.00, b2 70.00: rank 2, 1 of 2 at or below: 50%; (95 + 70) / 2 = 82.50; 1 of 2
        "province": (P2, 2, 2, 50.0, 82.5, 50.0),
        # a2 89.76, b2 70.00: (89.76 + 70) / 2 = 79.88
        "org_type": (TMN, 2, 2, 50.0, 79.88, 50.0),
        # lowest of four: rank 4, 1 of 4 at or below: 25%
        "all": ("ทั้งหมด", 4, 4, 25.0, 86.13, 75.0),
    }


def test_peers_of_an_earlier_year_use_that_year(dataset, table):
    # 2564: a1 88.00, a2 90.00, b1 80.00 (b2 not assessed): a1 is 2nd of 3, 2 of 3 at or below
    all_2564 = peers(analyse(dataset, "a1", 2564, table))["all"]
    assert all_2564[1:4] == (2, 3, 66.67)
    assert all_2564[4] == 86.0  # (88 + 90 + 80) / 3 = 86.00


def test_all_ties_make_every_indicator_strongest_and_weakest(dataset, table):
    b2 = analyse(dataset, "b2", 2565, table)
    assert b2.strongest == b2.weakest == list(range(1, 11))


# -- items --------------------------------------------------------------------------------

def test_item_summary(a1):
    nine, ten = a1.items
    assert (nine.indicator, nine.complete, nine.from_items_2dp, nine.indicator_2dp) == (
        9, False, 50.0, 80.0)
    # only 9.1 has items listed: it is the whole indicator, each of its two items half of it
    assert nine.items == [
        {"code": "O1", "name_th": "โครงสร้าง", "sub_indicator": "9.1", "score": 100.0,
         "share": 50.0},
        {"code": "O2", "name_th": "ข้อมูลผู้บริหาร", "sub_indicator": "9.1", "score": 0.0,
         "share": 50.0}]
    assert [(s.code, s.listed, s.items, s.score_2dp, s.share) for s in nine.sub_indicators] == [
        ("9.1", 2, 9, 50.0, 100.0), ("9.2", 0, 8, None, 0.0), ("9.3", 0, 7, None, 0.0),
        ("9.4", 0, 4, None, 0.0), ("9.5", 0, 5, None, 0.0)]
    assert (ten.indicator, ten.complete, ten.from_items_2dp, ten.indicator_2dp) == (
        10, True, 99.0, 99.0)
    assert ten.method == "mean_of_sub_indicators"
    assert [item["code"] for item in ten.items] == ITEM_CODES_10
    assert [item["sub_indicator"] for item in ten.items] == ["10.1"] * 8 + ["10.2"] * 2
    # each sub-indicator half the indicator: an item of 10.1 is 1/2 x 1/8 = 6.25%, of 10.2 25%
    assert [item["share"] for item in ten.items] == [6.25] * 8 + [25.0] * 2
    assert ten.items[2] == {"code": "O36", "name_th": "การประเมินความเสี่ยงการทุจริตประจำปี",
                            "sub_indicator": "10.1", "score": 84.0, "share": 6.25}
    assert [(s.code, s.listed, s.items, s.score_2dp, s.share) for s in ten.sub_indicators] == [
        ("10.1", 8, 8, 98.0, 50.0), ("10.2", 2, 2, 100.0, 50.0)]


def test_no_items_no_summary(dataset, table):
    assert analyse(dataset, "b2", 2565, table).items == []


# -- reconciliation ----------------------------------------------------------------------------

def summary(findings):
    return [(f.org_id, f.fiscal_year, f.kind, f.severity, f.field, f.published, f.recomputed)
            for f in findings]


def test_reconciliation_tolerates_one_hundredth_not_two(dataset, table):
    assert summary(reconcile(dataset, table)) == [
        # a1: OIT 89.52 against 89.50 (0.02); EIT 84.34 and overall 89.77 are 0.01 off: not listed
        ("a1", 2565, "published_figure", "contradiction", "OIT", "89.52", "89.50"),
        # a2: items give 89.77 against 89.76 (0.01): not listed
        # b1: items give 95.02 against indicator 10's 95.00 (0.02)
        ("b1", 2565, "item_rollup", "contradiction", "indicator 10", "95.00", "95.02"),
        # b2: overall 70.02 against 70.00 (0.02); grade B where 70.00 earns C
        ("b2", 2565, "published_figure", "contradiction", "overall", "70.02", "70.00"),
        ("b2", 2565, "published_grade", "contradiction", "grade", "B", "C"),
    ]


def test_findings_carry_their_own_reconciliation(dataset, table, a1):
    assert summary(a1.reconciliation) == [
        ("a1", 2565, "published_figure", "contradiction", "OIT", "89.52", "89.50")]
    assert a1.reconciliation[0].message == \
        "published OIT 89.52 but the indicator scores give 89.50"
    assert analyse(dataset, "a2", 2565, table).reconciliation == []
    b2 = {f.kind: f.message for f in analyse(dataset, "b2", 2565, table).reconciliation}
    assert b2 == {
        "published_figure": "published overall 70.02 but the indicator scores give 70.00",
        "published_grade": "published grade B but the overall score 70.00 earns C "
                           "(band C 65.00–74.99 in 2565)"}


def test_analyse_scores_the_dataset_when_no_table_is_given(dataset, a1):
    assert analyse(dataset, "a1", 2565) == a1


def test_unknown_org_or_year_is_a_parameter_error(dataset, table):
    with pytest.raises(ParameterError, match="it has 2565"):
        analyse(dataset, "b2", 2564, table)
    with pytest.raises(ParameterError, match="no scores at all"):
        analyse(dataset, "nosuch", 2565, table)
    with pytest.raises(ItaError):
        analyse(dataset, "a1", 2570, table)


def test_item_rollup_is_rounded_half_up_exactly(tmp_path):
    # O36 at 8.88, the rest at 100: 10.1 = (7 x 100 + 8.88) / 8 = 708.88 / 8 = 88.61,
    # 10.2 = 100, (88.61 + 100) / 2 = 188.61 / 2 = 94.305 -> 94.31 (exactly half up);
    # indicator 10 is 94.32: 0.01 above, which is rounding, not a contradiction
    write(tmp_path / "organisations.csv", ["org_id", "name", "org_type", "district", "province"],
          [("c1", "องค์การบริหารส่วนตำบลซีหนึ่ง", SAO, "", P1)])
    write(tmp_path / "scores.csv", ["org_id", "fiscal_year", "indicator", "score"],
          [("c1", 2565, n, "94.32" if n == 10 else "90.00") for n in range(1, 11)])
    write(tmp_path / "items.csv", ["org_id", "fiscal_year", "item", "score"],
          [("c1", 2565, code, "8.88" if code == "O36" else "100.00") for code in ITEM_CODES_10])
    data = load_dataset(tmp_path)
    findings = analyse(data, "c1", 2565)
    assert findings.items[0].from_items_2dp == 94.31
    assert findings.reconciliation == []
