"""ita_analysis.documents.explore (the analyst's views) and lab (Sarabun in a notebook's page).

Expectations are derived from the data by a second route: pandas over the scored table and
the organisations file, exact Decimal means, not the portfolio's own code.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from ita_analysis.data.dataset import default_data_dir, load_dataset, synthetic_data_dir
from ita_analysis.documents.explore import Exploration, explore, latest_year
from ita_analysis.errors import ParameterError
from ita_analysis.present.lab import MARKER, lab_css, lab_style
from ita_analysis.scoring import score_table

DISTRICT = "อำเภอดอนศรีวารี"


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    ds = load_dataset(synthetic_data_dir())
    return score_table(ds.scores, ds.frameworks), ds.organisations


@pytest.fixture(scope="module")
def x() -> Exploration:
    return explore(district=DISTRICT, digits="arabic")


def _half_up(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_defaults_are_the_latest_year_and_the_lowest_ranked(data, x) -> None:
    table, orgs = data
    assert latest_year() == int(table["fiscal_year"].max()) == x.fiscal_year
    ids = orgs.loc[orgs["district"] == DISTRICT, "org_id"]
    year = table[(table["fiscal_year"] == x.fiscal_year) & table["org_id"].isin(ids)]
    assert x.org_id == year.sort_values(["overall_2dp", "org_id"]).iloc[0]["org_id"]
    assert x.data_folder == str(synthetic_data_dir()) and x.data_dir == ""


def test_scores_table_is_the_group_ranked(data, x) -> None:
    table, orgs = data
    ids = set(orgs.loc[orgs["district"] == DISTRICT, "org_id"])
    year = table[(table["fiscal_year"] == x.fiscal_year) & table["org_id"].isin(ids)]
    frame = x.scores()
    assert set(frame.index) == ids and len(frame) == len(year)
    assert list(frame["คะแนนรวม"]) == sorted(year["overall_2dp"], reverse=True)
    by_id = year.set_index("org_id")
    for code in ("IIT", "EIT", "OIT"):
        assert (frame[f"คะแนน {code}"] == by_id.loc[frame.index, f"{code}_2dp"]).all()
    before = table[table["fiscal_year"] == x.fiscal_year - 1].set_index("org_id")["overall_2dp"]
    for org_id, row in frame.iterrows():
        assert row["คะแนนรวมปีก่อน"] == before[org_id]
        assert Decimal(str(row["เปลี่ยนแปลง"])) == \
            Decimal(str(row["คะแนนรวม"])) - Decimal(str(before[org_id]))
    assert frame["อันดับ"].iloc[0] == 1 and frame["อันดับ"].is_monotonic_increasing


def test_distribution_and_grades_count_everyone(x) -> None:
    scores = x.scores()["คะแนนรวม"]
    dist = x.distribution()
    assert dist["จำนวนหน่วยงาน"].sum() == len(scores) == x.grades()["จำนวนหน่วยงาน"].sum()
    low = int(scores.min() // 5 * 5)
    band = dist.iloc[0]["ช่วงคะแนน"]
    assert band == f"{low}–{low + 5}"
    assert dist.iloc[0]["จำนวนหน่วยงาน"] == int(((scores >= low) & (scores < low + 5)).sum())


def test_heat_map_and_weakest_indicators(data, x) -> None:
    table, _ = data
    hm = x.heat_map()
    assert list(hm.columns) == [f"ตัวชี้วัดที่ {n}" for n in range(1, 11)]
    ids = list(x.scores().index)
    year = table[table["fiscal_year"] == x.fiscal_year].set_index("org_id").loc[ids]
    assert hm.to_numpy().tolist() == year[[f"ind_{n}" for n in range(1, 11)]].map(
        lambda v: _half_up(Decimal(repr(v)))).to_numpy().tolist()
    means = {n: _half_up(sum(Decimal(repr(v)) for v in year[f"ind_{n}"]) / len(year))
             for n in range(1, 11)}
    weakest = x.weakest()
    assert weakest.iloc[0]["ค่าเฉลี่ย"] == min(means.values())
    assert dict(zip(weakest["ตัวชี้วัด"], weakest["ค่าเฉลี่ย"], strict=True)) == means
    below = int((year["ind_{}".format(weakest.iloc[0]["ตัวชี้วัด"])].map(
        lambda v: _half_up(Decimal(repr(v)))) < 85).sum())
    assert weakest.iloc[0]["ต่ำกว่าค่าเป้าหมาย"] == below


def test_movement_and_history(data, x) -> None:
    table, _ = data
    moves = x.movement()
    assert list(moves["เปลี่ยนแปลง"]) == sorted(moves["เปลี่ยนแปลง"], reverse=True)
    assert len(moves) == x.scores()["คะแนนรวมปีก่อน"].notna().sum()
    mine = table[table["org_id"] == x.org_id].sort_values("fiscal_year")
    history = x.history()
    assert list(history.index) == list(mine["fiscal_year"])
    assert list(history["คะแนนรวม"]) == list(mine["overall_2dp"])
    assert history["เปลี่ยนแปลง"].iloc[0] is None
    assert history["เปลี่ยนแปลง"].iloc[-1] == float(
        Decimal(str(mine["overall_2dp"].iloc[-1])) - Decimal(str(mine["overall_2dp"].iloc[-2])))


def test_styled_tables_are_in_sarabun_with_the_chosen_digits() -> None:
    thai = explore(district=DISTRICT)
    html = thai.styled_scores().to_html()
    soup = BeautifulSoup(html, "html.parser")
    assert "ita" in soup.table["class"] and "Sarabun" in html
    headers = [th.get_text() for th in soup.select("thead th")]
    assert "คะแนนรวม" in headers and "หน่วยงาน" in headers
    first = thai.scores().iloc[0]
    cells = [td.get_text() for td in soup.select("tbody tr")[0].select("td")]
    assert cells[0] == "๑" and f"{first['คะแนนรวม']:.2f}".translate(
        str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) in cells
    assert not any(ch.isdigit() and ch.isascii() for ch in soup.caption.get_text())
    overview = BeautifulSoup(thai.styled_overview().to_html(), "html.parser")
    assert overview.select_one("td").get_text() == "๘"  # organisations
    assert "๘๕.๐๐" in overview.get_text()  # the target, as the reports print it
    heat = thai.styled_heat_map().to_html()
    assert "background-color" in heat
    for styler in (thai.styled_weakest(), thai.styled_movement(), thai.styled_history()):
        assert 'class="ita"' in styler.to_html()


def test_charts_and_notes(x) -> None:
    assert x.charts() == ["histogram", "grades", "heat_map", "movement"]
    for name in x.charts():
        assert "<svg" in x.chart(name)._repr_html_()
    assert "<svg" in x.history_chart()._repr_html_()
    with pytest.raises(ParameterError, match="no chart"):
        x.chart("pie")
    one = explore(default_data_dir())  # one organisation, one year: nothing to compare
    assert one.movement().empty and "<svg" not in one.chart("movement")._repr_html_()
    assert "<svg" not in one.history_chart()._repr_html_()
    assert one.history()["เปลี่ยนแปลง"].tolist() == [None]


def test_narrow_and_refusals(x) -> None:
    wider = x.narrow(district="")
    assert len(wider.scores()) > len(x.scores()) and wider.org_id == x.org_id
    assert x.narrow(org_type="เทศบาลตำบล").scores()["ประเภท"].eq("เทศบาลตำบล").all()
    choices = x.choices()
    assert choices["จำนวนหน่วยงาน"].sum() == len(wider.scores())
    with pytest.raises(ParameterError, match="no organisation 'nobody'"):
        explore(org_id="nobody")
    with pytest.raises(ParameterError, match="no province"):
        explore(province="ไม่มีจังหวัดนี้")
    with pytest.raises(ParameterError, match="does not exist"):
        explore("/nonexistent/folder")


def test_lab_style_loads_sarabun_for_this_notebook_only() -> None:
    css = lab_css()
    assert css.count("@font-face") == 2 and "font/woff2;base64," in css
    assert f".jp-Notebook:has(.{MARKER})" in css and 'section[id^="sec-"]' in css
    html = lab_style()._repr_html_()
    assert html.startswith("<style>") and f'class="{MARKER}" hidden' in html
