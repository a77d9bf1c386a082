"""Tests for ita_analysis.framework: the shipped framework files and the loader's refusals.

The expected 2565 contents are typed here from shared/reference/ita-framework.md and the seed
document, not read from the YAML, so that an edit to the file that breaks them is caught.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from ita_analysis.errors import FrameworkError, ItaError, UnknownFiscalYearError
from ita_analysis.rules.framework import (
    available_years,
    framework_path,
    load_framework,
    load_framework_file,
)

SHIPPED = [2562, 2563, 2564, 2565, 2566, 2567, 2568]

INDICATORS_2565 = {
    1: ("การปฏิบัติหน้าที่", "IIT"),
    2: ("การใช้งบประมาณ", "IIT"),
    3: ("การใช้อำนาจ", "IIT"),
    4: ("การใช้ทรัพย์สินของราชการ", "IIT"),
    5: ("การแก้ไขปัญหาการทุจริต", "IIT"),
    6: ("คุณภาพการดำเนินงาน", "EIT"),
    7: ("ประสิทธิภาพการสื่อสาร", "EIT"),
    8: ("การปรับปรุงระบบการทำงาน", "EIT"),
    9: ("การเปิดเผยข้อมูล", "OIT"),
    10: ("การป้องกันการทุจริต", "OIT"),
}

TOOL_NAMES_2565 = {
    "IIT": ("แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน",
            "Internal Integrity and Transparency Assessment"),
    "EIT": ("แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก",
            "External Integrity and Transparency Assessment"),
    "OIT": ("แบบตรวจการเปิดเผยข้อมูลสาธารณะ",
            "Open Data Integrity and Transparency Assessment"),
}

# Indicator 10 items as the seed lists them (O34-O43), in sub-indicators 10.1 and 10.2.
ITEMS_10 = {
    "10.1": ("การดำเนินการเพื่อป้องกันการทุจริต", {
        "O34": "เจตจำนงสุจริตของผู้บริหาร",
        "O35": "การมีส่วนร่วมของผู้บริหาร",
        "O36": "การประเมินความเสี่ยงการทุจริตประจำปี",
        "O37": "การดำเนินการเพื่อจัดการความเสี่ยงการทุจริต",
        "O38": "การเสริมสร้างวัฒนธรรมองค์กร",
        "O39": "แผนปฏิบัติการป้องกันการทุจริตประจำปี",
        "O40": "รายงานการกำกับติดตามการดำเนินการป้องกันการทุจริตประจำปี รอบ 6 เดือน",
        "O41": "รายงานผลการดำเนินการป้องกันการทุจริตประจำปี",
    }),
    "10.2": ("มาตรการภายในเพื่อป้องกันการทุจริต", {
        "O42": "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
        "O43": "การดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
    }),
}

# Indicator 9 sub-indicators as public sources report them (unverified).
SUBS_9 = {
    "9.1": ("ข้อมูลพื้นฐาน", range(1, 10)),
    "9.2": ("การบริหารงาน", range(10, 18)),
    "9.3": ("การบริหารเงินงบประมาณ", range(18, 25)),
    "9.4": ("การบริหารและพัฒนาทรัพยากรบุคคล", range(25, 29)),
    "9.5": ("การส่งเสริมความโปร่งใส", range(29, 34)),
}

# NACC's 2565 table as OSMEP's annual report 2565 reprints it (the seed prints E from 40.00)
BANDS_2565 = [("AA", "95.00", "100.00"), ("A", "85.00", "94.99"), ("B", "75.00", "84.99"),
              ("C", "65.00", "74.99"), ("D", "55.00", "64.99"), ("E", "50.00", "54.99"),
              ("F", "0.00", "49.99")]


# -- the shipped files -----------------------------------------------------------------

def test_available_years():
    assert available_years() == SHIPPED


@pytest.mark.parametrize("year", SHIPPED)
def test_every_shipped_year_loads(year):
    fw = load_framework(year)
    assert fw.fiscal_year == year
    assert framework_path(year).name == f"{year}.yaml"
    assert sum(tool.weight for tool in fw.tools) == 1
    assert fw.target == 85
    # every indicator in exactly one tool
    owners = [n for tool in fw.tools for n in tool.indicators]
    assert sorted(owners) == sorted(fw.indicator_numbers)


@pytest.mark.parametrize("year", SHIPPED)
def test_tools_weights_and_indicators_as_2565(year):
    fw = load_framework(year)
    assert fw.tool_codes == ("IIT", "EIT", "OIT")
    assert [tool.weight for tool in fw.tools] == [Decimal("0.30"), Decimal("0.30"),
                                                  Decimal("0.40")]
    assert {tool.code: tool.indicators for tool in fw.tools} == {
        "IIT": (1, 2, 3, 4, 5), "EIT": (6, 7, 8), "OIT": (9, 10)}


def test_2565_indicators_and_tools():
    fw = load_framework(2565)
    assert fw.indicator_numbers == tuple(range(1, 11))
    for number, (name, tool) in INDICATORS_2565.items():
        assert fw.indicator(number).name_th == name
        assert fw.tool_of(number).code == tool
    for code, (name_th, name_en) in TOOL_NAMES_2565.items():
        assert (fw.tool(code).name_th, fw.tool(code).name_en) == (name_th, name_en)


def test_2565_items_o1_to_o43():
    fw = load_framework(2565)
    assert list(fw.items) == [f"O{n}" for n in range(1, 44)]
    for code, (indicator, _, _) in fw.items.items():
        assert indicator.number == (10 if int(code[1:]) >= 34 else 9)
    assert [ind.number for ind in fw.indicators if ind.items] == [9, 10]


def test_2565_indicator_10_items_as_the_seed_lists_them():
    ind = load_framework(2565).indicator(10)
    assert ind.items_verified is True
    assert [sub.code for sub in ind.sub_indicators] == ["10.1", "10.2"]
    for sub in ind.sub_indicators:
        name, items = ITEMS_10[sub.code]
        assert sub.name_th == name
        assert {item.code: item.name_th for item in sub.items} == items
        assert [item.code for item in sub.items] == list(items)


def test_2565_indicator_9_sub_indicators_as_a_national_institute_lists_them():
    ind = load_framework(2565).indicator(9)
    assert ind.items_verified is True
    assert [sub.code for sub in ind.sub_indicators] == list(SUBS_9)
    for sub in ind.sub_indicators:
        name, numbers = SUBS_9[sub.code]
        assert sub.name_th == name
        assert [item.code for item in sub.items] == [f"O{n}" for n in numbers]


def test_2565_grade_bands_as_nacc_prints_them():
    fw = load_framework(2565)
    assert fw.grading.kind == "letter"
    assert [(b.label, b.min, b.max) for b in fw.grading.bands] == [
        (label, Decimal(low), Decimal(high)) for label, low, high in BANDS_2565]
    assert all(b.confirmed for b in fw.grading.bands)
    assert any("OSMEP" in line and "E 50.00–54.99" in line for line in fw.provenance.verified)
    assert all(b.each_tool_min is None for b in fw.grading.bands)
    assert fw.grade_labels == ("AA", "A", "B", "C", "D", "E", "F")


@pytest.mark.parametrize("year", [2562, 2563, 2564])
def test_earlier_letter_years_put_e_at_50(year):
    bands = {b.label: (b.min, b.max) for b in load_framework(year).grading.bands}
    assert bands["E"] == (Decimal("50.00"), Decimal("54.99"))
    assert bands["F"] == (Decimal("0.00"), Decimal("49.99"))


@pytest.mark.parametrize(("year", "labels"), [
    (2566, ("ผ่านดี", "ผ่าน", "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน")),
    (2567, ("ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน", "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน")),
    (2568, ("ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน", "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน")),
])
def test_pass_label_years(year, labels):
    fw = load_framework(year)
    assert fw.grading.kind == "pass"
    assert fw.grade_labels == labels
    # ผ่าน from 2566 on; ผ่านดี from 2568 (NACC's explanation reported by MGR Online); no other
    confirmed = {b.label for b in fw.grading.bands if b.confirmed}
    assert confirmed == ({"ผ่าน", "ผ่านดี"} if year == 2568 else {"ผ่าน"})
    if year == 2568:
        assert "mgronline.com/uptodate/detail/9680000079675" in fw.band_of("ผ่านดี").source
    assert all(b.source for b in fw.grading.bands)
    floors = {b.label: b.each_tool_min for b in fw.grading.bands}
    assert floors["ผ่านดี"] == Decimal("85.00")
    assert floors["ผ่าน"] is None
    if "ผ่านดีเยี่ยม" in floors:
        assert floors["ผ่านดีเยี่ยม"] == Decimal("95.00")


def test_provenance_2565_is_verified():
    prov = load_framework(2565).provenance
    assert prov.status == "verified"
    assert prov.verified
    assert any("000_d7d2ccecc0bc3a5f" in source for source in prov.sources)


@pytest.mark.parametrize("year", [y for y in SHIPPED if y != 2565])
def test_provenance_other_years_is_unverified(year):
    prov = load_framework(year).provenance
    assert prov.status == "unverified"
    assert prov.unverified


@pytest.mark.parametrize("year", [y for y in SHIPPED if y not in (2565, 2566)])
def test_other_years_ship_no_item_list(year):
    # The item lists of other years are not known to the package (renumbered from 2566).
    assert load_framework(year).items == {}


# 2566's OIT items as agencies' and schools' own 2566 pages show them (the reference file),
# typed here: (sub-indicator, first item, last item) and a few names.
SUBS_2566 = [("9.1", 1, 10), ("9.2", 11, 18), ("9.3", 19, 22), ("9.4", 23, 26), ("9.5", 27, 30),
             ("10.1", 31, 38), ("10.2", 39, 43)]
NAMES_2566 = {
    "O10": "นโยบายคุ้มครองข้อมูลส่วนบุคคล",
    "O11": "แผนดำเนินงานและการใช้งบประมาณประจำปี",
    "O18": "E-Service",
    "O22": "รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี",
    "O30": "การเปิดโอกาสให้เกิดการมีส่วนร่วม",
    "O31": "ประกาศเจตนารมณ์นโยบาย No Gift Policy",
    "O33": "รายงานผลตามนโยบาย No Gift Policy",
    "O34": "การประเมินความเสี่ยงการทุจริตและประพฤติมิชอบประจำปี",
    "O39": "ประมวลจริยธรรมสำหรับเจ้าหน้าที่ของรัฐ",
    "O41": "การประเมินจริยธรรมเจ้าหน้าที่ของรัฐ",
    "O43": "การดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
}


def test_2566_oit_items_are_inferred_from_agencies_pages():
    fw = load_framework(2566)
    assert list(fw.items) == [f"O{n}" for n in range(1, 44)]
    for code, (ind, sub, _) in fw.items.items():
        number = int(code[1:])
        expected = next(s for s, low, high in SUBS_2566 if low <= number <= high)
        assert sub.code == expected, code
        assert ind.number == (9 if number <= 30 else 10)
    for code, name in NAMES_2566.items():
        assert fw.items[code][2].name_th == name
    assert fw.indicator(9).items_verified is False and fw.indicator(10).items_verified is False
    assert any("inferred" in line for line in fw.provenance.unverified)
    assert fw.checklist_scale == "oit_item" and fw.questions == ()


@pytest.mark.parametrize("year", SHIPPED)
def test_item_rollup_is_the_mean_of_sub_indicators_with_its_source(year):
    rule = load_framework(year).item_rollup
    assert rule.method == "mean_of_sub_indicators"
    # the Phichit table of NACC's 2564 regional report, cited in every year's file
    assert "table 4.26" in rule.source and "Phichit" in rule.source
    # verified where the table (2564) and the seed (2565) reproduce it, inferred elsewhere
    assert rule.verified is (year in (2564, 2565))


# -- years that have no file -----------------------------------------------------------------

def test_unknown_year_is_refused_with_the_years_available():
    with pytest.raises(UnknownFiscalYearError) as info:
        load_framework(2570)
    message = str(info.value)
    assert "2570" in message
    assert "2562–2568" in message
    assert isinstance(info.value, ItaError)


def test_ce_year_is_refused_with_the_be_year_suggested():
    with pytest.raises(UnknownFiscalYearError) as info:
        load_framework(2022)
    message = str(info.value)
    assert "Christian Era" in message
    assert "Buddhist Era" in message
    assert "2565" in message


# -- broken framework files ------------------------------------------------------------------

def reference_raw() -> dict:
    return yaml.safe_load(framework_path(2565).read_text(encoding="utf-8"))


def write(tmp_path: Path, raw: object, name: str = "2565.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def tool(raw: dict, code: str) -> dict:
    return next(t for t in raw["tools"] if t["code"] == code)


def band(raw: dict, label: str) -> dict:
    return next(b for b in raw["grading"]["bands"] if b["label"] == label)


def indicator(raw: dict, number: int) -> dict:
    return next(i for i in raw["indicators"] if i["number"] == number)


def test_an_unbroken_copy_loads(tmp_path):
    fw = load_framework_file(write(tmp_path, reference_raw()), expect_year=2565)
    assert fw == load_framework(2565)


def _weights_09(raw):
    tool(raw, "OIT")["weight"] = 0.30


def _band_gap(raw):
    band(raw, "A")["max"] = 94.98


def _band_overlap(raw):
    band(raw, "A")["max"] = 95.00


def _bands_short_of_100(raw):
    band(raw, "AA")["max"] = 99.99


def _bands_not_from_0(raw):
    band(raw, "F")["min"] = 1.00


def _indicator_in_no_tool(raw):
    tool(raw, "OIT")["indicators"] = [9]


def _indicator_in_two_tools(raw):
    tool(raw, "EIT")["indicators"] = [6, 7, 8, 9]


def _undefined_indicator(raw):
    tool(raw, "OIT")["indicators"] = [9, 10, 11]


def _duplicate_item(raw):
    indicator(raw, 10)["sub_indicators"][1]["items"].append(
        {"code": "O34", "name_th": "เจตจำนงสุจริตของผู้บริหาร"})


def _typo_key(raw):
    tool(raw, "IIT")["wieght"] = tool(raw, "IIT").pop("weight")


def _typo_top_key(raw):
    raw["grading"]["bnads"] = raw["grading"].pop("bands")


def _duplicate_tool(raw):
    raw["tools"].append(dict(tool(raw, "OIT"), indicators=[]))


def _unknown_rollup(raw):
    raw["item_rollup"]["method"] = "median"


def _no_rollup(raw):
    del raw["item_rollup"]


def _band_unsaid(raw):
    del band(raw, "A")["confirmed"]


def _empty_sub_indicator(raw):
    indicator(raw, 10)["sub_indicators"][1]["items"] = []


@pytest.mark.parametrize(("break_it", "fragments"), [
    (_weights_09, ["tool weights sum to 0.9", "expected 1"]),
    (_band_gap, ["gap between band A (to 94.98) and band AA (from 95"]),
    (_band_overlap, ["bands A and AA overlap"]),
    (_bands_short_of_100, ["bands end at 99.99, expected 100"]),
    (_bands_not_from_0, ["bands start at 1", "expected 0"]),
    (_indicator_in_no_tool, ["indicator 10 is in no tool, expected exactly one"]),
    (_indicator_in_two_tools, ["indicator 9 is in 2 tools (EIT, OIT), expected exactly one"]),
    (_undefined_indicator, ["tool OIT names indicator 11, which is not defined"]),
    (_duplicate_item, ["item O34 is listed twice"]),
    (_typo_key, ["tools.0.wieght", "Extra inputs are not permitted", "tools.0.weight",
                 "Field required"]),
    (_typo_top_key, ["grading.bnads", "Extra inputs are not permitted"]),
    (_duplicate_tool, ["tool OIT is defined twice"]),
    (_unknown_rollup, ["item_rollup.method", "'mean_of_sub_indicators' or 'mean_of_items'"]),
    (_no_rollup, ["item_rollup: Field required"]),
    (_band_unsaid, ["grading.bands.1.confirmed: Field required"]),
    (_empty_sub_indicator, ["sub-indicator 10.2 of indicator 10 lists no items"]),
], ids=lambda v: v.__name__.strip("_") if callable(v) else None)
def test_broken_file_is_refused_naming_file_and_rule(tmp_path, break_it, fragments):
    raw = reference_raw()
    break_it(raw)
    path = write(tmp_path, raw)
    with pytest.raises(FrameworkError) as info:
        load_framework_file(path, expect_year=2565)
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_every_broken_rule_is_listed_at_once(tmp_path):
    raw = reference_raw()
    _weights_09(raw)
    _band_gap(raw)
    _duplicate_item(raw)
    path = write(tmp_path, raw)
    with pytest.raises(FrameworkError) as info:
        load_framework_file(path)
    message = str(info.value)
    for fragment in ("weights sum to 0.9", "gap between band A", "item O34 is listed twice"):
        assert fragment in message


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "2565.yaml"
    path.write_text("fiscal_year: 2565\ntools: [unclosed\n  - {code: IIT\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework_file(path)
    assert str(path) in str(info.value)
    assert "cannot read framework file" in str(info.value)


def test_a_yaml_list_is_refused(tmp_path):
    path = write(tmp_path, ["fiscal_year", 2565])
    with pytest.raises(FrameworkError, match="expected a mapping") as info:
        load_framework_file(path)
    assert str(path) in str(info.value)


def test_a_missing_file_is_refused(tmp_path):
    path = tmp_path / "2565.yaml"
    with pytest.raises(FrameworkError, match="cannot read framework file") as info:
        load_framework_file(path)
    assert str(path) in str(info.value)


def test_fiscal_year_must_match_the_file_name(tmp_path):
    path = write(tmp_path, reference_raw(), name="2566.yaml")
    with pytest.raises(FrameworkError) as info:
        load_framework_file(path, expect_year=2566)
    message = str(info.value)
    assert str(path) in message
    assert "fiscal_year is 2565, expected 2566 as the file name says" in message
