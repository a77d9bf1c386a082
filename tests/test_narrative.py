"""Tests for ita_analysis.present.narrative, on the seed organisation and hand-made variants of it.

The seed analysis (องค์การบริหารส่วนตำบลหนองแสง, 2565) named its strongest indicators
"ตัวชี้วัดที่ ๑, ๒, ๓" when they are 1, 3 and 9, and printed EIT 90.09 and OIT 100.00 when its
own indicator table gives 99.69 and 96.88 (96.875 rounded half up). Expected figures here come
from that table, worked out by hand.
"""

from __future__ import annotations

import re

import pytest

from ita_analysis.analysis.findings import Change, Findings, PeerRank, analyse
from ita_analysis.analysis.reconcile import Finding
from ita_analysis.data.dataset import load_dataset
from ita_analysis.present.narrative import (
    change_text,
    grade_phrase,
    indicator_label,
    join_thai,
    overall_text,
    peers_text,
    reconciliation_texts,
    strongest_weakest_text,
    tool_text,
    weakest_detail_text,
)
from ita_analysis.thai import apply_digits

ORG = "องค์การบริหารส่วนตำบลหนองแสง"
DIGIT_MODES = ("thai", "arabic")
ALLOWED_LATIN = re.compile(r"\b(?:IIT|EIT|OIT|AA|A|B|C|D|E|F|O[0-9]{1,2})\b")


@pytest.fixture(scope="module")
def seed() -> Findings:
    return analyse(load_dataset(), "nongsaeng-prachinburi", 2565)


def d(text: str, digits: str) -> str:
    """Expected text written with Arabic digits, in the digit script under test."""
    return apply_digits(text, digits)


def all_texts(f: Findings, digits: str) -> list[str]:
    texts = [overall_text(f, ORG, digits), strongest_weakest_text(f, digits),
             *(tool_text(f, c, digits) for c in ("IIT", "EIT", "OIT")),
             change_text(f, digits), peers_text(f, ORG, digits), weakest_detail_text(f, digits),
             *reconciliation_texts(f, digits)]
    return [t for t in texts if t is not None]


def _scored(f: Findings, scores: dict[int, float]) -> Findings:
    inds = [i.model_copy(update={"score": scores[i.number], "score_2dp": scores[i.number],
                                 "meets_target": scores[i.number] >= 85,
                                 "gap_to_target": round(85 - scores[i.number], 2)})
            if i.number in scores else i for i in f.indicators]
    return f.model_copy(update={"indicators": inds})


# -- helpers -------------------------------------------------------------------------------

def test_join_thai():
    assert join_thai([]) == ""
    assert join_thai(["ก"]) == "ก"
    assert join_thai(["ก", "ข"]) == "ก และข"
    assert join_thai(["ก", "ข", "ค"]) == "ก ข และค"  # Thai prose takes no comma
    # และ stands apart from a following digit or Latin letter
    assert join_thai(["๙", "๑๐"]) == "๙ และ ๑๐"
    assert join_thai(["9", "10"]) == "9 และ 10"
    assert join_thai(["IIT เท่าเดิม", "OIT เท่าเดิม"]) == "IIT เท่าเดิม และ OIT เท่าเดิม"
    assert join_thai(["ก", "", "ข"]) == "ก และข"


def test_grade_phrase_and_indicator_label():
    assert grade_phrase("AA", 2565) == "ระดับ AA"
    assert grade_phrase("ผ่านดี", 2566) == "ระดับ “ผ่านดี”"
    assert indicator_label(10, "การป้องกันการทุจริต") == "ตัวชี้วัดที่ ๑๐ การป้องกันการทุจริต"
    assert indicator_label(10, "การป้องกันการทุจริต", "arabic") == \
        "ตัวชี้วัดที่ 10 การป้องกันการทุจริต"


# -- the seed organisation ----------------------------------------------------------------------

@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_overall(seed, digits):
    assert overall_text(seed, ORG, digits) == d(
        "ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ "
        "ประจำปีงบประมาณ พ.ศ. 2565 ขององค์การบริหารส่วนตำบลหนองแสง ในภาพรวมได้ 98.47 คะแนน "
        "อยู่ในระดับ AA ซึ่งสูงกว่าค่าเป้าหมาย (85 คะแนน) อยู่ 13.47 คะแนน", digits)


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_strongest_and_weakest_are_numbered_as_the_framework_numbers_them(seed, digits):
    text = strongest_weakest_text(seed, digits)
    assert text == d(
        "เมื่อพิจารณาเป็นรายตัวชี้วัด พบว่าตัวชี้วัดที่ได้คะแนนสูงที่สุดมี 3 ตัวชี้วัด ได้แก่ "
        "ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่ ตัวชี้วัดที่ 3 การใช้อำนาจ "
        "และตัวชี้วัดที่ 9 การเปิดเผยข้อมูล ซึ่งได้คะแนนเท่ากันที่ 100.00 คะแนน "
        "ส่วนตัวชี้วัดที่ได้คะแนนต่ำที่สุด คือ ตัวชี้วัดที่ 10 การป้องกันการทุจริต "
        "ซึ่งได้ 93.75 คะแนน", digits)
    # the seed's mistakes
    assert d("ตัวชี้วัดที่ 2 การใช้อำนาจ", digits) not in text
    assert d("ตัวชี้วัดที่ 3 การเปิดเผยข้อมูล", digits) not in text


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_tool_means_come_from_the_indicators(seed, digits):
    iit = tool_text(seed, "IIT", digits)
    eit = tool_text(seed, "EIT", digits)
    oit = tool_text(seed, "OIT", digits)
    assert iit == d(
        "ผลการประเมินตามแบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT) ซึ่งเป็นค่าเฉลี่ยของ "
        "5 ตัวชี้วัด (ตัวชี้วัดที่ 1–5) และมีน้ำหนักร้อยละ 30 ของคะแนนรวม ได้ 99.38 คะแนน "
        "สูงกว่าค่าเป้าหมาย (85 คะแนน) อยู่ 14.38 คะแนน "
        "และทุกตัวชี้วัดในเครื่องมือนี้บรรลุค่าเป้าหมาย", digits)
    assert d("ค่าเฉลี่ยของ 3 ตัวชี้วัด (ตัวชี้วัดที่ 6–8)", digits) in eit
    assert d("ได้ 99.69 คะแนน", digits) in eit
    assert d("90.09", digits) not in eit  # the seed's figure
    assert d("ค่าเฉลี่ยของ 2 ตัวชี้วัด (ตัวชี้วัดที่ 9 และ 10)", digits) in oit
    assert d("ร้อยละ 40", digits) in oit
    assert d("ได้ 96.88 คะแนน", digits) in oit  # 96.875 half up
    assert d("100.00", digits) not in oit
    assert d("อยู่ 11.88 คะแนน", digits) in oit


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_weakest_detail_names_the_items_that_fell_short(seed, digits):
    assert weakest_detail_text(seed, digits) == d(
        "ตัวชี้วัดที่ 10 การป้องกันการทุจริต ซึ่งได้คะแนนต่ำที่สุด (93.75 คะแนน) "
        "มีผลการตรวจรายข้อครบทั้ง 10 ข้อ ได้คะแนนเต็ม 8 ข้อ ข้อที่ยังไม่ได้คะแนนเต็ม ได้แก่ "
        "ข้อ O36 การประเมินความเสี่ยงการทุจริตประจำปี (93.00 คะแนน) "
        "และข้อ O42 มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน (95.00 คะแนน)", digits)
    # item codes are written as the assessment writes them, in Arabic digits
    assert "O36" in weakest_detail_text(seed, digits)


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_reconciliation_explains_each_contradiction(seed, digits):
    texts = reconciliation_texts(seed, digits)
    assert len(texts) == len(seed.reconciliation) == 5
    joined = "\n".join(texts)
    assert d("เอกสารที่เผยแพร่ระบุคะแนน EIT ไว้ 90.09 คะแนน แต่ค่าเฉลี่ยของคะแนน 3 ตัวชี้วัด"
             "ของเครื่องมือนี้ (ตัวชี้วัดที่ 6–8) เท่ากับ 99.69 คะแนน", digits) in joined
    assert d("ระบุคะแนน OIT ไว้ 100.00 คะแนน", digits) in joined
    assert d("(ตัวชี้วัดที่ 9 และ 10) เท่ากับ 96.88 คะแนน", digits) in joined
    assert d("คะแนนตัวชี้วัดที่ 10 การป้องกันการทุจริต เท่ากับ 93.75 คะแนน "
             "แต่เมื่อคำนวณจากคะแนนรายข้อทั้ง 10 ข้อ (ค่าเฉลี่ยของคะแนนตัวชี้วัดย่อย "
             "ซึ่งแต่ละตัวชี้วัดย่อยเป็นค่าเฉลี่ยของคะแนนรายข้อ) ได้ 98.31 คะแนน",
             digits) in joined
    assert d("มาตรการ “การเพิ่มประสิทธิภาพในการสื่อสาร” ระบุระยะเวลาดำเนินการ"
             "ตั้งแต่เดือนตุลาคม 2564 ถึงเดือนมีนาคม 2564", digits) in joined
    assert "“การให้ความรู้เกี่ยวกับการป้องกันผลประโยชน์ทับซ้อน” ปรากฏในตารางมาตรการ" in joined


@pytest.mark.parametrize("digits", DIGIT_MODES)
def test_one_digit_script_and_no_english(seed, digits):
    wrong = r"[0-9]" if digits == "thai" else r"[๐-๙]"
    for text in all_texts(seed, digits):
        assert not re.search(wrong, ALLOWED_LATIN.sub("", text)), text
        assert not re.search(r"[A-Za-z]", ALLOWED_LATIN.sub("", text)), text
        assert "  " not in text and text == text.strip()


def test_absent_data_gives_none(seed):
    assert seed.change is None and seed.peers == []
    assert change_text(seed) is None
    assert peers_text(seed, ORG) is None
    assert weakest_detail_text(seed.model_copy(update={"items": []})) is None
    # the weakest indicator has no item scores
    other = _scored(seed, {2: 90.0})
    other = other.model_copy(update={"weakest": [2]})
    assert weakest_detail_text(other) is None


def test_bad_digit_option_is_refused(seed):
    with pytest.raises(Exception, match="digits must be"):
        overall_text(seed, ORG, "roman")


# -- hand-made variants ---------------------------------------------------------------------

def test_below_and_at_the_target(seed):
    below = seed.model_copy(update={"overall": 82.3, "overall_2dp": 82.3, "grade": "B",
                                    "passed": False, "gap_to_target": 2.7})
    assert overall_text(below, ORG).endswith(
        "ในภาพรวมได้ ๘๒.๓๐ คะแนน อยู่ในระดับ B ซึ่งต่ำกว่าค่าเป้าหมาย (๘๕ คะแนน) อยู่ ๒.๗๐ คะแนน")
    at = seed.model_copy(update={"overall": 85.0, "overall_2dp": 85.0, "grade": "A",
                                 "gap_to_target": 0.0})
    assert overall_text(at, ORG).endswith("ซึ่งเท่ากับค่าเป้าหมาย (๘๕ คะแนน) พอดี")
    passed = seed.model_copy(update={"fiscal_year": 2566, "grade": "ผ่านดี"})
    assert "อยู่ในระดับ “ผ่านดี”" in overall_text(passed, ORG)


def test_tool_text_lists_indicators_below_the_target(seed):
    f = _scored(seed, {2: 80.5, 4: 70.0})
    text = tool_text(f, "IIT")
    assert text.endswith("โดยตัวชี้วัดที่ยังต่ำกว่าค่าเป้าหมาย ได้แก่ "
                         "ตัวชี้วัดที่ ๒ การใช้งบประมาณ (๘๐.๕๐ คะแนน) "
                         "และตัวชี้วัดที่ ๔ การใช้ทรัพย์สินของราชการ (๗๐.๐๐ คะแนน)")


def test_single_strongest_and_tied_weakest(seed):
    scores = {1: 97.0, 2: 90.0, 3: 97.0, 4: 88.0, 5: 96.0, 6: 99.5, 7: 88.0, 8: 95.0,
              9: 91.0, 10: 92.0}
    f = _scored(seed, scores).model_copy(update={"strongest": [6], "weakest": [4, 7]})
    assert strongest_weakest_text(f, "arabic") == (
        "เมื่อพิจารณาเป็นรายตัวชี้วัด พบว่าตัวชี้วัดที่ได้คะแนนสูงที่สุด คือ "
        "ตัวชี้วัดที่ 6 คุณภาพการดำเนินงาน ซึ่งได้ 99.50 คะแนน "
        "ส่วนตัวชี้วัดที่ได้คะแนนต่ำที่สุดมี 2 ตัวชี้วัด ได้แก่ "
        "ตัวชี้วัดที่ 4 การใช้ทรัพย์สินของราชการ และตัวชี้วัดที่ 7 ประสิทธิภาพการสื่อสาร "
        "ซึ่งได้คะแนนเท่ากันที่ 88.00 คะแนน")


def test_all_indicators_equal(seed):
    f = _scored(seed, dict.fromkeys(range(1, 11), 100.0)).model_copy(
        update={"strongest": list(range(1, 11)), "weakest": list(range(1, 11))})
    assert strongest_weakest_text(f) == \
        "เมื่อพิจารณาเป็นรายตัวชี้วัด พบว่าทุกตัวชี้วัดได้คะแนนเท่ากันที่ ๑๐๐.๐๐ คะแนน"


def _change(previous_year: int = 2564, grade: str | None = "A") -> Change:
    return Change(previous_year=previous_year, previous_overall_2dp=90.12,
                  previous_grade=grade, previous_grade_text=grade or "ต่ำกว่าเกณฑ์ “ผ่าน”",
                  overall=8.35,
                  tools={"IIT": 1.0, "EIT": -0.5, "OIT": 0.0},
                  indicators={1: 2.0, 2: 0.5, 3: 0.0, 4: -1.5, 5: 1.0, 6: -1.5, 7: 0.1,
                              8: 0.0, 9: 2.0, 10: -0.25})


def test_change_on_the_previous_year(seed):
    f = seed.model_copy(update={"change": _change()})
    assert change_text(f) == (
        "เมื่อเทียบกับผลการประเมินประจำปีงบประมาณ พ.ศ. ๒๕๖๔ ซึ่งได้ ๙๐.๑๒ คะแนน (ระดับ A) "
        "คะแนนในภาพรวมเพิ่มขึ้น ๘.๓๕ คะแนน และระดับผลการประเมินเปลี่ยนจากระดับ A เป็นระดับ AA "
        "เมื่อแยกตามเครื่องมือ พบว่า IIT เพิ่มขึ้น ๑.๐๐ คะแนน EIT ลดลง ๐.๕๐ คะแนน และ OIT เท่าเดิม "
        "ตัวชี้วัดที่คะแนนเพิ่มขึ้นมากที่สุด คือ ตัวชี้วัดที่ ๑ การปฏิบัติหน้าที่ "
        "และตัวชี้วัดที่ ๙ การเปิดเผยข้อมูล (เพิ่มขึ้น ๒.๐๐ คะแนน) "
        "ส่วนตัวชี้วัดที่คะแนนลดลงมากที่สุด คือ ตัวชี้วัดที่ ๔ การใช้ทรัพย์สินของราชการ "
        "และตัวชี้วัดที่ ๖ คุณภาพการดำเนินงาน (ลดลง ๑.๕๐ คะแนน)")


def test_change_after_a_gap_and_across_grading_schemes(seed):
    gap = seed.model_copy(update={"change": _change(2563, "AA")})
    text = change_text(gap, "arabic")
    assert "ปีงบประมาณ พ.ศ. 2563 ซึ่งเป็นปีล่าสุดก่อนหน้าที่มีผลการประเมิน" in text
    assert "และยังคงอยู่ในระดับ AA" in text
    later = seed.model_copy(update={"fiscal_year": 2566, "grade": "ผ่าน",
                                    "change": _change(2565, "AA")})
    text = change_text(later)
    assert "(ระดับ AA)" in text
    assert "เกณฑ์การรายงานผลของสองปีนี้ต่างกัน (ปีนี้อยู่ในระดับ “ผ่าน”)" in text


def test_no_label_is_named_where_no_confirmed_band_is_reached(seed):
    # 2567 at 80.00: below ผ่าน (the only confirmed band) and the unconfirmed ต้องปรับปรุง
    # is never printed; the target comparison says where it stands
    low = seed.model_copy(update={"fiscal_year": 2567, "grade": None, "overall_2dp": 80.0,
                                  "gap_to_target": 5.0, "change": _change(2566, None)})
    text = overall_text(low, ORG, "arabic")
    assert "ในภาพรวมได้ 80.00 คะแนน ซึ่งต่ำกว่าค่าเป้าหมาย (85 คะแนน) อยู่ 5.00 คะแนน" in text
    assert "ระดับ" not in text
    change = change_text(low, "arabic")
    assert "ซึ่งได้ 90.12 คะแนน คะแนนในภาพรวมเพิ่มขึ้น" in change
    assert "ระดับ" not in change


def test_unchanged_overall(seed):
    flat = _change().model_copy(update={"overall": 0.0, "indicators": dict.fromkeys(
        range(1, 11), 0.0)})
    text = change_text(seed.model_copy(update={"change": flat}))
    assert "คะแนนในภาพรวมเท่าเดิม" in text
    assert "มากที่สุด" not in text


def test_peers(seed):
    peers = [
        PeerRank(scope="province", group="จังหวัดปราจีนบุรี", rank=3, count=40,
                 percentile=95.0, mean_2dp=90.5, share_meeting_target=70.0),
        PeerRank(scope="org_type", group="องค์การบริหารส่วนตำบล", rank=5, count=60,
                 percentile=93.33, mean_2dp=99.1, share_meeting_target=72.5),
        PeerRank(scope="all", group="ทั้งหมด", rank=5, count=60, percentile=93.33,
                 mean_2dp=99.1, share_meeting_target=72.5),
    ]
    text = peers_text(seed.model_copy(update={"peers": peers}), ORG)
    assert text == (
        "เมื่อเปรียบเทียบกับหน่วยงานอื่นที่มีผลการประเมินประจำปีงบประมาณ พ.ศ. ๒๕๖๕ "
        "ในบรรดาหน่วยงานในจังหวัดปราจีนบุรี จำนวน ๔๐ แห่ง "
        "องค์การบริหารส่วนตำบลหนองแสงอยู่ในลำดับที่ ๓ มีคะแนนสูงกว่าค่าเฉลี่ยของกลุ่ม "
        "(๙๐.๕๐ คะแนน) และหน่วยงานในกลุ่มนี้ร้อยละ ๗๐.๐๐ บรรลุค่าเป้าหมาย "
        "ในบรรดาองค์การบริหารส่วนตำบลด้วยกัน จำนวน ๖๐ แห่ง "
        "องค์การบริหารส่วนตำบลหนองแสงอยู่ในลำดับที่ ๕ มีคะแนนต่ำกว่าค่าเฉลี่ยของกลุ่ม "
        "(๙๙.๑๐ คะแนน) และหน่วยงานในกลุ่มนี้ร้อยละ ๗๒.๕๐ บรรลุค่าเป้าหมาย")
    # "all" is the same 60 organisations as the type group, so it is not repeated
    assert "หน่วยงานทั้งหมด" not in text


def test_weakest_detail_with_partial_and_full_items(seed):
    summary = seed.items[0]
    partial = summary.model_copy(update={"items": summary.items[:3], "complete": False})
    text = weakest_detail_text(seed.model_copy(update={"items": [partial]}), "arabic")
    assert "มีผลการตรวจรายข้อ 3 ข้อ จากทั้งหมด 10 ข้อ ได้คะแนนเต็ม 2 ข้อ" in text
    assert "ซึ่งไม่ตรงกับ" not in text  # a partial list is not compared with the indicator
    full = summary.model_copy(update={
        "items": [{**i, "score": 100.0} for i in summary.items], "from_items_2dp": 100.0})
    text = weakest_detail_text(seed.model_copy(update={"items": [full]}))
    assert "มีผลการตรวจรายข้อครบทั้ง ๑๐ ข้อ และทุกข้อได้คะแนนเต็ม" in text


def test_reconciliation_of_overall_and_grade(seed):
    extra = [
        Finding(org_id=seed.org_id, fiscal_year=2565, kind="published_figure",
                severity="contradiction", field="overall", published="97.00",
                recomputed="98.47", message="published overall 97.00 but ..."),
        Finding(org_id=seed.org_id, fiscal_year=2565, kind="published_grade",
                severity="contradiction", field="grade", published="A", recomputed="AA",
                message="published grade A but ..."),
    ]
    texts = reconciliation_texts(seed.model_copy(update={"reconciliation": extra}))
    assert texts == [
        "เอกสารที่เผยแพร่ระบุคะแนนในภาพรวมไว้ ๙๗.๐๐ คะแนน "
        "แต่เมื่อคำนวณจากคะแนนรายตัวชี้วัดตามน้ำหนักของแต่ละเครื่องมือได้ ๙๘.๔๗ คะแนน "
        "รายงานฉบับนี้จึงใช้คะแนนที่คำนวณจากคะแนนรายตัวชี้วัด",
        "เอกสารที่เผยแพร่ระบุผลการประเมินเป็นระดับ A แต่คะแนนในภาพรวม ๙๘.๔๗ คะแนน "
        "อยู่ในระดับ AA ตามเกณฑ์ของปีงบประมาณ พ.ศ. ๒๕๖๕",
    ]
    assert reconciliation_texts(seed.model_copy(update={"reconciliation": []})) == []
