"""Tests of the synthetic data generator and of the script that writes data/synthetic/."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ita_analysis.data.synthetic import (
    CONTRADICTION_COLUMNS,
    ITEM_COLUMNS,
    MEASURE_COLUMNS,
    ORGANISATION_COLUMNS,
    PUBLISHED_COLUMNS,
    SCORE_COLUMNS,
    SyntheticData,
    make_national,
    make_province,
)

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "make_synthetic_data.py"
FILES = ("organisations", "scores", "items", "published", "measures")
ORG_TYPES = {"องค์การบริหารส่วนตำบล", "เทศบาลตำบล", "เทศบาลเมือง"}
THAI = re.compile(r"^[\u0e00-\u0e7f]+$")
# province mean of the overall score per fiscal year: (low, high)
EXPECTED_MEANS = {
    2563: (78.5, 81.5),
    2564: (79.5, 82.5),
    2565: (86.5, 88.5),
    2566: (88.0, 92.0),
    2567: (90.0, 93.0),
}


@pytest.fixture(scope="module")
def data() -> SyntheticData:
    return make_province()


def overall_by_org_year(scores: pd.DataFrame) -> pd.DataFrame:
    """Tool means and overall with plain pandas (floats), one row per organisation-year."""
    tool = pd.cut(scores["indicator"], [0, 5, 8, 10], labels=["iit", "eit", "oit"])
    wide = (
        scores.assign(tool=tool)
        .groupby(["org_id", "fiscal_year", "tool"], observed=True)["score"]
        .mean()
        .unstack("tool")
    )
    wide["overall"] = 0.3 * wide["iit"] + 0.3 * wide["eit"] + 0.4 * wide["oit"]
    return wide.reset_index()


def half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_grade(overall: Decimal, year: int, tools: tuple[Decimal, ...] = ()) -> str:
    """Grades written out by hand: 2565's letters (E from 50) and every pass label of 2566+."""
    if year >= 2566:
        if year >= 2567 and overall >= 95 and min(tools) >= 95:
            return "ผ่านดีเยี่ยม"
        if overall >= 85 and min(tools) >= 85:
            return "ผ่านดี"
        if overall >= 85:
            return "ผ่าน"
        return "ต้องปรับปรุง" if overall >= 70 else "ต้องปรับปรุงโดยด่วน"
    bands = [(95, "AA"), (85, "A"), (75, "B"), (65, "C"), (55, "D"), (50, "E")]
    return next((letter for floor, letter in bands if overall >= floor), "F")


# --- determinism ---------------------------------------------------------------------------


def test_same_seed_gives_equal_frames(data: SyntheticData) -> None:
    again = make_province()
    for name in (*FILES, "contradictions"):
        pd.testing.assert_frame_equal(getattr(data, name), getattr(again, name))


def test_other_seed_gives_other_data(data: SyntheticData) -> None:
    other = make_province(seed=7)
    assert not data.scores.equals(other.scores)


def test_national_is_deterministic() -> None:
    pd.testing.assert_frame_equal(make_national(n_orgs=50), make_national(n_orgs=50))


def run_script(out: Path, *extra: str) -> dict[str, bytes]:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), *extra],
        check=True,
        capture_output=True,
        cwd=out.parent,
    )
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_script_output_is_byte_identical_on_rerun(tmp_path: Path) -> None:
    first = run_script(tmp_path / "a")
    second = run_script(tmp_path / "b")
    assert sorted(first) == sorted([*(f"{n}.csv" for n in FILES), "README.md"])
    assert first == second


def test_script_seed_argument(tmp_path: Path) -> None:
    default = run_script(tmp_path / "a")
    other = run_script(tmp_path / "b", "--seed", "7")
    assert default["scores.csv"] != other["scores.csv"]
    assert "--seed 7" in other["README.md"].decode("utf-8")


def test_committed_data_matches_the_script(tmp_path: Path) -> None:
    committed = REPO / "data" / "synthetic"
    if not (committed / "scores.csv").exists():
        pytest.skip("data/synthetic/ has not been generated")
    fresh = run_script(tmp_path / "synthetic")
    for name, content in fresh.items():
        assert (committed / name).read_bytes() == content, f"data/synthetic/{name} is stale"


def test_csv_files_read_back_equal(tmp_path: Path, data: SyntheticData) -> None:
    run_script(tmp_path / "out")
    for name in FILES:
        frame = pd.read_csv(tmp_path / "out" / f"{name}.csv", encoding="utf-8", dtype=str)
        assert list(frame.columns) == list(getattr(data, name).columns)
        assert len(frame) == len(getattr(data, name))
    scores = pd.read_csv(tmp_path / "out" / "scores.csv")
    np.testing.assert_array_equal(scores["score"].to_numpy(), data.scores["score"].to_numpy())


def test_readme_says_synthetic_in_both_languages(tmp_path: Path) -> None:
    text = run_script(tmp_path / "out")["README.md"].decode("utf-8")
    assert "synthetic" in text.lower()
    assert "ข้อมูลสังเคราะห์" in text
    assert "Never mix" in text and "ห้ามนำไปปะปน" in text
    assert "--seed 2565" in text


# --- organisations -------------------------------------------------------------------------


def test_organisations(data: SyntheticData) -> None:
    orgs = data.organisations
    assert list(orgs.columns) == ORGANISATION_COLUMNS
    assert len(orgs) == 80
    assert orgs["org_id"].is_unique and orgs["name"].is_unique
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", o) for o in orgs["org_id"])
    assert all(o.startswith("syn-") for o in orgs["org_id"])
    assert set(orgs["org_type"]) <= ORG_TYPES
    counts = orgs["org_type"].value_counts()
    assert counts["องค์การบริหารส่วนตำบล"] > len(orgs) / 2  # mostly SAOs
    for row in orgs.itertuples(index=False):
        assert row.name.startswith(row.org_type)
        assert len(row.name) > len(row.org_type)
        assert THAI.match(row.name) and THAI.match(row.district) and THAI.match(row.province)
    assert orgs["district"].str.startswith("อำเภอ").all()
    assert 5 <= orgs["district"].nunique() <= 8
    assert orgs["province"].nunique() == 1
    assert orgs["province"].iloc[0].startswith("จังหวัด")


# --- scores --------------------------------------------------------------------------------


def test_scores_shape_and_ranges(data: SyntheticData) -> None:
    scores = data.scores
    assert list(scores.columns) == SCORE_COLUMNS
    assert scores["score"].between(0, 100).all()
    cents = scores["score"].to_numpy() * 100
    np.testing.assert_allclose(cents, np.rint(cents), atol=1e-6)  # two decimals
    assert set(scores["org_id"]) == set(data.organisations["org_id"])
    assert set(scores["fiscal_year"]) == set(range(2563, 2568))
    assert not scores.duplicated(["org_id", "fiscal_year", "indicator"]).any()


def test_every_org_year_has_indicators_1_to_10(data: SyntheticData) -> None:
    per = data.scores.groupby(["org_id", "fiscal_year"])["indicator"].apply(sorted)
    assert all(ind == list(range(1, 11)) for ind in per)


def test_some_organisations_miss_a_year(data: SyntheticData) -> None:
    years_per_org = data.scores.groupby("org_id")["fiscal_year"].nunique()
    missing = (years_per_org < 5).sum()
    assert 1 <= missing <= 8
    assert data.scores.loc[data.scores["fiscal_year"] == 2565, "org_id"].nunique() == 80


def test_province_means_per_year(data: SyntheticData) -> None:
    means = overall_by_org_year(data.scores).groupby("fiscal_year")["overall"].mean()
    for year, (low, high) in EXPECTED_MEANS.items():
        assert low <= means[year] <= high, (year, means[year])
    assert means.is_monotonic_increasing


def test_tool_profiles(data: SyntheticData) -> None:
    wide = overall_by_org_year(data.scores)
    assert wide["iit"].mean() >= 90  # IIT high
    assert 82 <= wide["eit"].mean() < wide["iit"].mean()  # EIT mid-high
    assert wide["oit"].std() > 2 * max(wide["iit"].std(), wide["eit"].std())  # OIT widest
    oit = data.scores[data.scores["indicator"] >= 9]
    assert (oit["score"] == 100).mean() > 0.15  # many at 100
    assert (wide["oit"] < 60).sum() >= 5  # some agencies far behind


# --- items ---------------------------------------------------------------------------------


def test_items(data: SyntheticData) -> None:
    items = data.items
    assert list(items.columns) == ITEM_COLUMNS
    assert set(items["fiscal_year"]) == {2565}
    assert set(items["score"]) <= {0, 100}
    assert sorted(set(items["item"]), key=lambda s: int(s[1:])) == [f"O{n}" for n in range(34, 44)]
    assert (items.groupby("org_id").size() == 10).all()
    assert not items.duplicated(["org_id", "item"]).any()


def test_items_match_indicator_10(data: SyntheticData) -> None:
    """Indicator 10 is NACC's roll-up of its ten 0/100 items (the mean of 10.1, O34-O41, and
    10.2, O42-O43, each a mean of its items), so reconciliation finds nothing."""
    ind10 = data.scores.query("fiscal_year == 2565 and indicator == 10").set_index("org_id")
    items = data.items.assign(sub=data.items["item"].map(
        lambda code: "10.1" if int(code[1:]) <= 41 else "10.2"))
    rolled = items.groupby(["org_id", "sub"])["score"].mean().groupby("org_id").mean()
    np.testing.assert_allclose(rolled.sort_index(), ind10["score"].sort_index(), atol=0.005)
    # and never the plain mean where the two differ: (7/8 x 100 + 0) / 2 = 43.75, not 70
    plain = data.items.groupby("org_id")["score"].mean()
    assert (plain.round(2) != ind10["score"].reindex(plain.index)).any()


# --- published -----------------------------------------------------------------------------


def recompute_published(scores: pd.DataFrame, org_id: str, year: int) -> dict[str, object]:
    rows = scores[(scores["org_id"] == org_id) & (scores["fiscal_year"] == year)]
    by = {int(r.indicator): Decimal(f"{r.score:.2f}") for r in rows.itertuples(index=False)}
    iit = sum(by[i] for i in range(1, 6)) / 5
    eit = sum(by[i] for i in range(6, 9)) / 3
    oit = sum(by[i] for i in range(9, 11)) / 2
    overall = half_up(Decimal("0.3") * iit + Decimal("0.3") * eit + Decimal("0.4") * oit)
    return {
        "iit": half_up(iit),
        "eit": half_up(eit),
        "oit": half_up(oit),
        "overall": overall,
        "grade": expected_grade(overall, year, (half_up(iit), half_up(eit), half_up(oit))),
    }


def test_published_shape(data: SyntheticData) -> None:
    pub = data.published
    assert list(pub.columns) == PUBLISHED_COLUMNS
    assert not pub.duplicated(["org_id", "fiscal_year"]).any()
    n_2565 = (pub["fiscal_year"] == 2565).sum()
    assert 0.2 * 80 <= n_2565 <= 0.4 * 80
    assert set(pub.loc[pub["fiscal_year"] <= 2565, "grade"]) <= {"AA", "A", "B", "C", "D", "E", "F"}
    assert set(pub.loc[pub["fiscal_year"] >= 2566, "grade"]) <= {
        "ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน", "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน"}
    assessed = set(zip(data.scores["org_id"], data.scores["fiscal_year"], strict=True))
    assert all((r.org_id, r.fiscal_year) in assessed for r in pub.itertuples(index=False))


def test_published_agrees_except_deliberate_contradictions(data: SyntheticData) -> None:
    mismatches = set()
    for row in data.published.itertuples(index=False):
        expected = recompute_published(data.scores, row.org_id, row.fiscal_year)
        for column, value in expected.items():
            got = getattr(row, column)
            if column != "grade":
                got = Decimal(f"{got:.2f}")
            if got != value:
                mismatches.add((row.org_id, row.fiscal_year, column, float(got), float(value)))
    contradictions = data.contradictions
    assert list(contradictions.columns) == CONTRADICTION_COLUMNS
    assert 1 <= len(contradictions) <= 2
    listed = {
        (r.org_id, r.fiscal_year, r.column, r.published, r.correct)
        for r in contradictions.itertuples(index=False)
    }
    assert mismatches == listed
    for _, _, _, wrong, right in listed:
        assert abs(wrong - right) > 0.011  # more than rounding can explain


# --- measures ------------------------------------------------------------------------------


def fiscal_year_of(month: str) -> int:
    year, mon = (int(part) for part in month.split("-"))
    return year + 1 if mon >= 10 else year


def test_measures(data: SyntheticData) -> None:
    measures = data.measures
    assert list(measures.columns) == MEASURE_COLUMNS
    per_org = measures.groupby(["org_id", "fiscal_year"]).size()
    assert per_org.between(2, 5).all()
    assert 0 < measures["org_id"].nunique() < 80  # some organisations
    assert set(measures["org_id"]) <= set(data.organisations["org_id"])
    assert set(measures["owner"]) <= {"สำนักปลัด", "กองคลัง", "กองช่าง", "ทุกส่วนราชการ"}
    for column in ("measure", "method", "follow_up"):
        assert measures[column].str.contains(r"[\u0e00-\u0e7f]").all()
    for row in measures.itertuples(index=False):
        assert re.fullmatch(r"25\d\d-(0[1-9]|1[0-2])", row.start)
        assert re.fullmatch(r"25\d\d-(0[1-9]|1[0-2])", row.end)
        assert row.start <= row.end
        # the analysis of a year sets the measures of the year after it
        assert fiscal_year_of(row.start) == row.fiscal_year + 1 == fiscal_year_of(row.end)
        assert row.addresses.isdigit() and 1 <= int(row.addresses) <= 10
    executives = data.organisations["executive_name"]
    assert executives.ne("").any() and executives.eq("").any()  # named and left blank


# --- other parameters ----------------------------------------------------------------------


def test_small_province_and_other_years() -> None:
    small = make_province(n_orgs=12, years=[2565, 2566], seed=3)
    assert len(small.organisations) == 12
    assert small.scores.groupby(["org_id", "fiscal_year"]).size().eq(10).all()
    assert set(small.items["fiscal_year"]) == {2565}
    no_items = make_province(n_orgs=5, years=[2564], seed=3)
    assert no_items.items.empty and list(no_items.items.columns) == ITEM_COLUMNS


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        make_province(n_orgs=0)
    with pytest.raises(ValueError):
        make_national(n_orgs=0)
    with pytest.raises(ValueError):
        make_province(years=[])


def test_make_national_shape() -> None:
    nat = make_national(n_orgs=40, years=range(2563, 2568), seed=1)
    assert list(nat.columns) == SCORE_COLUMNS
    assert len(nat) == 40 * 5 * 10
    assert nat["org_id"].iloc[0] == "nat-00001" and nat["org_id"].iloc[-1] == "nat-00040"
    assert nat["org_id"].nunique() == 40
    assert nat["score"].between(0, 100).all()
    assert (
        nat.groupby(["org_id", "fiscal_year"])["indicator"]
        .apply(sorted)
        .map(lambda ind: ind == list(range(1, 11)))
        .all()
    )
