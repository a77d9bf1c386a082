"""Tests for ita_analysis.recommend: the library files and the choice of advice.

Expected bands are worked out by hand from the 2565 file: below_target from 0, meets_target
from the target 85, excellent from 95, judged on the score rounded half up to two decimals.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from ita_analysis.analysis.findings import Findings, analyse
from ita_analysis.data.dataset import load_dataset
from ita_analysis.errors import ItaError
from ita_analysis.present.advice import recommendations
from ita_analysis.rules.framework import available_years as framework_years
from ita_analysis.rules.framework import load_framework
from ita_analysis.rules.library import (
    RecommendationError,
    available_years,
    load_recommendations,
    load_recommendations_file,
    recommendation_path,
)

BANDS = ("below_target", "meets_target", "excellent")


@pytest.fixture(scope="module")
def seed() -> Findings:
    return analyse(load_dataset(), "nongsaeng-prachinburi", 2565)


@pytest.fixture
def lib_dir(tmp_path: Path) -> Path:
    """A scratch folder holding a copy of the 2565 file, for based_on to find."""
    shutil.copy(recommendation_path(2565), tmp_path / "2565.yaml")
    return tmp_path


def _write(folder: Path, name: str, data: dict | str) -> Path:
    path = folder / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def _with_indicator(f: Findings, number: int, score: float) -> Findings:
    inds = [i.model_copy(update={"score": score, "score_2dp": score}) if i.number == number
            else i for i in f.indicators]
    return f.model_copy(update={"indicators": inds})


# -- the shipped files ---------------------------------------------------------------------

def test_every_framework_year_has_a_recommendation_file():
    assert available_years() == framework_years()
    assert available_years() == [2562, 2563, 2564, 2565, 2566, 2567, 2568]


@pytest.mark.parametrize("year", framework_years())
def test_every_year_covers_every_tool_indicator_and_band(year):
    lib = load_recommendations(year)
    fw = load_framework(year)
    assert lib.fiscal_year == year
    assert tuple(b.key for b in lib.bands) == BANDS
    assert [float(b.min) for b in lib.bands] == [0.0, float(fw.target), 95.0]
    for code in fw.tool_codes:
        for band in BANDS:
            assert lib.tool_texts(code, band), (year, code, band)
    for number in fw.indicator_numbers:
        for band in BANDS:
            texts = lib.indicator_texts(number, band)
            assert 1 <= len(texts) <= 3, (year, number, band)
            for text in texts:
                assert text.strip() == text and text
                assert not re.search(r"[0-9๐-๙]", text)
                assert not re.search(r"[A-Za-z]", text), text


def test_later_years_reuse_2565_without_copying():
    base = load_recommendations(2565)
    y2566 = load_recommendations(2566)
    assert y2566.lineage == (2566, 2565)
    assert load_recommendations(2568).lineage == (2568, 2567, 2566, 2565)
    assert y2566.indicators[1] == base.indicators[1]
    assert y2566.tools == base.tools
    # 2566 overrides indicator 10's corrective advice and keys item advice by its renumbered
    # items; 2567, whose item list is not known, drops the item advice
    assert y2566.indicators[10]["below_target"] != base.indicators[10]["below_target"]
    assert y2566.indicators[10]["excellent"] == base.indicators[10]["excellent"]
    assert any("ของขวัญ" in t for t in y2566.indicators[10]["below_target"])
    assert base.items is not None and y2566.items is not None
    assert set(base.items.texts) == set(load_framework(2565).items)
    assert set(y2566.items.texts) == set(load_framework(2566).items)
    assert y2566.items.texts["O31"] != base.items.texts["O31"]  # No Gift Policy, not O31
    assert load_recommendations(2567).items is None


# -- broken files are refused ------------------------------------------------------------------

def _refused(path: Path, *fragments: str) -> None:
    with pytest.raises(RecommendationError) as info:
        load_recommendations_file(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message
    assert isinstance(info.value, ItaError)


def test_a_missing_band_is_refused(lib_dir):
    path = _write(lib_dir, "2566.yaml",
                  {"fiscal_year": 2566, "based_on": 2565, "items": None,
                   "indicators": {5: {"excellent": None}}})
    _refused(path, "indicator 5 has no texts for band excellent")


def test_a_missing_indicator_and_tool_are_refused(lib_dir):
    path = _write(lib_dir, "2566.yaml",
                  {"fiscal_year": 2566, "based_on": 2565, "items": None,
                   "indicators": {7: None}, "tools": {"EIT": None}})
    _refused(path, "indicator 7 of the 2566 framework has no texts",
             "tool EIT of the 2566 framework has no texts")


def test_unknown_band_tool_and_indicator_are_refused(lib_dir):
    path = _write(lib_dir, "2566.yaml",
                  {"fiscal_year": 2566, "based_on": 2565, "items": None,
                   "tools": {"XYZ": {b: ["ควรทำ"] for b in BANDS}},
                   "indicators": {11: {b: ["ควรทำ"] for b in BANDS},
                                  2: {"superb": ["ควรทำ"]}}})
    _refused(path, "tool XYZ is not in the 2566 framework", "indicator 11 is not in the 2566",
             "unknown band 'superb'")


def test_item_codes_unknown_to_the_year_are_refused(lib_dir):
    # 2567 has no item list in its framework: inheriting 2565's item advice is an error
    shutil.copy(recommendation_path(2566), lib_dir / "2566.yaml")
    path = _write(lib_dir, "2567.yaml", {"fiscal_year": 2567, "based_on": 2565})
    _refused(path, "item O1 is not in the 2567 framework")


def test_digits_and_empty_texts_are_refused(lib_dir):
    path = _write(lib_dir, "2566.yaml",
                  {"fiscal_year": 2566, "based_on": 2565, "items": None,
                   "indicators": {3: {"meets_target": ["ทบทวนทุก 6 เดือน"],
                                      "excellent": []}}})
    _refused(path, "indicator 3, band meets_target, text 1 holds a digit",
             "indicator 3, band excellent: the list of texts is empty")


def test_bands_out_of_order_are_refused(lib_dir):
    path = _write(lib_dir, "2566.yaml",
                  {"fiscal_year": 2566, "based_on": 2565, "items": None,
                   "bands": [{"key": "below_target", "name_th": "ต่ำ", "min": 0},
                             {"key": "excellent", "name_th": "ดีเยี่ยม", "min": 95},
                             {"key": "meets_target", "name_th": "ผ่าน", "min": "target"}]})
    _refused(path, "band meets_target starts at 85")


def test_based_on_loops_and_missing_parents_are_refused(tmp_path):
    _write(tmp_path, "2566.yaml", {"fiscal_year": 2566, "based_on": 2567})
    loop = _write(tmp_path, "2567.yaml", {"fiscal_year": 2567, "based_on": 2566})
    _refused(loop, "loop", "2567.yaml -> 2566.yaml -> 2567.yaml")
    orphan = _write(tmp_path, "2568.yaml", {"fiscal_year": 2568, "based_on": 2561})
    _refused(orphan, "based_on 2561")


def test_unreadable_and_mislabelled_files_are_refused(lib_dir):
    _refused(_write(lib_dir, "2566.yaml", "fiscal_year: [2566\n"), "cannot read")
    _refused(_write(lib_dir, "2567.yaml", "- just\n- a list\n"), "expected a mapping")
    wrong = _write(lib_dir, "2568.yaml", {"fiscal_year": 2567, "based_on": 2565, "items": None})
    with pytest.raises(RecommendationError, match=r"fiscal_year is 2567, expected 2568"):
        load_recommendations_file(wrong, expect_year=2568)
    bad_type = _write(lib_dir, "2564.yaml",
                      {"fiscal_year": 2564, "based_on": 2565, "items": None,
                       "indicators": {1: {"excellent": "not a list"}}})
    _refused(bad_type, "invalid recommendation file", "indicators.1.excellent")


def test_a_year_without_a_file_is_refused():
    with pytest.raises(RecommendationError, match="no recommendation file for fiscal year 2599"):
        load_recommendations(2599)


# -- choosing the band ---------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "band"), [
    (0.0, "below_target"),
    (84.99, "below_target"),
    (84.994, "below_target"),  # shows as 84.99
    (84.995, "meets_target"),  # shows as 85.00
    (85.00, "meets_target"),
    (94.99, "meets_target"),
    (95.00, "excellent"),
    (100.0, "excellent"),
])
def test_band_boundaries(score, band):
    assert load_recommendations(2565).band_for(score).key == band


@pytest.mark.parametrize(("score", "band"), [
    (84.99, "below_target"), (85.00, "meets_target"), (94.99, "meets_target"),
    (95.00, "excellent"),
])
def test_band_boundaries_through_findings(seed, score, band):
    rec = next(r for r in recommendations(_with_indicator(seed, 4, score))
               if r.scope == "indicator" and r.key == "4")
    assert rec.band == band
    assert rec.score_2dp == score
    assert rec.texts == list(load_recommendations(2565).indicator_texts(4, band))


# -- recommendations for the seed organisation -------------------------------------------------

def test_seed_recommendations_order_and_bands(seed):
    recs = recommendations(seed)
    assert [(r.scope, r.key) for r in recs] == [
        ("tool", "IIT"), ("indicator", "1"), ("indicator", "2"), ("indicator", "3"),
        ("indicator", "4"), ("indicator", "5"),
        ("tool", "EIT"), ("indicator", "6"), ("indicator", "7"), ("indicator", "8"),
        ("tool", "OIT"), ("indicator", "9"), ("indicator", "10"),
        ("item", "O36"), ("item", "O42"),
    ]
    by_key = {(r.scope, r.key): r for r in recs}
    # every figure is 95 or more except indicator 10 (93.75) and the two short items
    assert by_key[("indicator", "10")].band == "meets_target"
    assert by_key[("indicator", "10")].score_2dp == 93.75
    assert by_key[("tool", "OIT")].score_2dp == 96.88
    assert by_key[("tool", "EIT")].score_2dp == 99.69
    assert all(r.band == "excellent" for r in recs
               if r.scope != "item" and r.key != "10")
    assert by_key[("item", "O36")].band == "not_full"
    assert by_key[("item", "O36")].score_2dp == 93.0
    assert by_key[("item", "O36")].name_th == "การประเมินความเสี่ยงการทุจริตประจำปี"
    assert by_key[("item", "O42")].score_2dp == 95.0
    assert by_key[("tool", "IIT")].name_th == "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน"
    assert by_key[("indicator", "3")].name_th == "การใช้อำนาจ"
    assert all(r.texts for r in recs)


def test_below_target_advice_is_corrective(seed):
    low = _with_indicator(seed, 4, 60.0)
    rec = next(r for r in recommendations(low) if r.key == "4")
    assert rec.band == "below_target"
    assert any("ยืม" in t and "คืน" in t for t in rec.texts)


def test_no_item_advice_where_the_year_has_none(seed):
    later = seed.model_copy(update={"fiscal_year": 2567})
    recs = recommendations(later)
    assert [r for r in recs if r.scope == "item"] == []
    assert len(recs) == 13


def test_no_item_advice_without_item_scores(seed):
    recs = recommendations(seed.model_copy(update={"items": []}))
    assert [r.scope for r in recs].count("item") == 0


def test_indicator_keys_written_as_text_override_numbers(lib_dir):
    path = _write(lib_dir, "2566.yaml",
                  'fiscal_year: 2566\nbased_on: 2565\nitems: null\n'
                  'indicators:\n  "5":\n    excellent: [ควรรักษาไว้]\n')
    lib = load_recommendations_file(path)
    assert lib.indicator_texts(5, "excellent") == ("ควรรักษาไว้",)
    assert lib.indicator_texts(5, "meets_target") == \
        load_recommendations(2565).indicator_texts(5, "meets_target")


@pytest.mark.parametrize("year", [2565, 2566])
def test_every_item_of_a_years_list_has_its_own_action(year: int) -> None:
    """Issue 10: every OIT item short of full marks gets a concrete action of its own."""
    from ita_analysis.rules.framework import load_framework

    lib = load_recommendations(year)
    codes = list(load_framework(year).items)
    assert codes and lib.items is not None
    texts = {code: lib.item_texts(code) for code in codes}
    assert all(texts.values()), [c for c, t in texts.items() if not t]
    flat = [" ".join(t) for t in texts.values()]
    assert len(set(flat)) == len(flat)  # no two items share one action
    assert not any(t.startswith("ควรรักษา") for t in flat)  # an action, not "keep it up"
