"""Thai sentences of the analysis, computed from ``Findings`` and nothing else.

Every figure comes from the findings (never retyped), every indicator is named by the number
the framework gives it, and every tie is named in full: the hand-written analyses this package
replaces got all three wrong. Sentences are plain text in the formal register; the renderer
escapes them. Numbers are written with ``thai.format_score``/``format_number`` and the whole
sentence is passed through ``apply_digits`` at the end, so that names carrying digits (an item
"รอบ 6 เดือน") follow the same digit option as the figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from ..analysis.findings import Change, Findings, IndicatorResult
from ..analysis.reconcile import Finding
from ..rounding import round_half_up
from ..rules.framework import Framework, load_framework
from ..thai import (
    Digits,
    apply_digits,
    check_digits,
    fiscal_year_label,
    format_int,
    format_number,
    format_score,
    target_phrase,
    thai_month_year,
)
from .labels import NO_CONFIRMED_BAND_TH

__all__ = [
    "change_text",
    "grade_phrase",
    "indicator_label",
    "join_thai",
    "label_notes",
    "national_text",
    "overall_text",
    "peers_text",
    "reconciliation_texts",
    "rules_notes",
    "strongest_weakest_text",
    "target_phrase",
    "tool_text",
    "weakest_detail_text",
]

FULL_MARKS = Decimal(100)  # an item's best score on the 0-100 scale
# How item scores make an indicator's score (``item_rollup`` of the framework), in words.
ROLLUP_TH = {
    "mean_of_sub_indicators": "ค่าเฉลี่ยของคะแนนตัวชี้วัดย่อย ซึ่งแต่ละตัวชี้วัดย่อยเป็นค่าเฉลี่ยของคะแนนรายข้อ",
    "mean_of_items": "ค่าเฉลี่ยของคะแนนรายข้อ",
}
_THAI_START = re.compile(r"^[\u0e01-\u0e4f]")  # Thai letters and marks, not Thai digits
_SPACES = re.compile(r"[ \t]+")
_PERIOD = re.compile(r"^(\d{4})-(\d{2}) to (\d{4})-(\d{2})$")


# -- small helpers -----------------------------------------------------------------------

def join_thai(items: Sequence[str]) -> str:
    """"ก", "ก และข", "ก ข และค": Thai list joining, a space between items (Thai prose takes
    no comma) and และ before the last one.

    และ is written against a following Thai word and apart from a following digit or Latin
    letter ("และ OIT"), as Thai typesetting does.
    """
    items = [s for s in items if s]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    last = items[-1]
    glue = " และ" if _THAI_START.match(last) else " และ "
    return " ".join(items[:-1]) + glue + last


def _finish(text: str, digits: Digits) -> str:
    """One digit script for the whole sentence and single spaces between clauses."""
    return apply_digits(_SPACES.sub(" ", text).strip(), digits)


def _plain(value: float | Decimal, digits: Digits) -> str:
    """A number without needless decimals: 85 -> "85", 22.5 -> "22.50"."""
    exact = Decimal(str(value))
    decimals = 0 if exact == exact.to_integral_value() else 2
    return format_number(exact, decimals, digits)


def _points(value: float, digits: Digits) -> str:
    return f"{format_score(value, digits)} คะแนน"


def indicator_label(number: int, name_th: str, digits: Digits = "thai") -> str:
    """"ตัวชี้วัดที่ ๑๐ การป้องกันการทุจริต", numbered as the framework numbers it."""
    return f"ตัวชี้วัดที่ {apply_digits(str(number), digits)} {name_th}"


def _label(ind: IndicatorResult, digits: Digits) -> str:
    return indicator_label(ind.number, ind.name_th, digits)


def _numbers(numbers: Sequence[int], digits: Digits) -> str:
    """"ตัวชี้วัดที่ ๑–๕", "ตัวชี้วัดที่ ๙ และ ๑๐", "ตัวชี้วัดที่ ๑, ๓ และ ๙"."""
    nums = sorted(numbers)
    text = [apply_digits(str(n), digits) for n in nums]
    if len(nums) >= 3 and nums == list(range(nums[0], nums[-1] + 1)):
        return f"ตัวชี้วัดที่ {text[0]}–{text[-1]}"
    return "ตัวชี้วัดที่ " + join_thai(text)


def grade_phrase(grade: str, fiscal_year: int, rules_dir: str | Path | None = None) -> str:
    """The grade as prose names it: "ระดับ AA", or "ระดับ “ผ่านดี”" for a pass label
    (``rules_dir``: the data folder whose own rule files apply)."""
    if load_framework(int(fiscal_year), rules_dir or None).grading.kind == "letter":
        return f"ระดับ {grade}"
    return f"ระดับ “{grade}”"


def _versus_target(gap: float, target: float, digits: Digits) -> str:
    """Position against the target from ``gap`` = target minus the two-decimal score."""
    t = target_phrase(target, digits)
    exact = Decimal(str(gap))
    if exact < 0:
        return f"สูงกว่า{t} อยู่ {_points(-exact, digits)}"
    if exact > 0:
        return f"ต่ำกว่า{t} อยู่ {_points(exact, digits)}"
    return f"เท่ากับ{t} พอดี"


def _phrase(f: Findings, grade: str, year: int | None = None) -> str:
    """``grade_phrase`` of a label of the findings' year (or ``year``), by its own rules."""
    return grade_phrase(grade, year or f.fiscal_year, f.rules_dir)


def _fw(f: Findings) -> Framework:
    return load_framework(f.fiscal_year, f.rules_dir or None)


# -- sentences ----------------------------------------------------------------------------

def overall_text(f: Findings, org_name: str, digits: Digits = "thai") -> str:
    """Overall score, grade and position against the target."""
    check_digits(digits)
    fw = _fw(f)
    # without a confirmed label none is named: the position against the target says it
    grade = "" if f.grade is None else f"อยู่ใน{_phrase(f, f.grade)} "
    text = (f"ผล{fw.name_th} ประจำ{fiscal_year_label(f.fiscal_year, digits)} ของ{org_name} "
            f"ในภาพรวมได้ {_points(f.overall_2dp, digits)} {grade}"
            f"ซึ่ง{_versus_target(f.gap_to_target, f.target, digits)}")
    return _finish(text, digits)


def national_text(f: Findings, digits: Digits = "thai") -> str | None:
    """The overall score against the national mean of the year, where a source reports it."""
    check_digits(digits)
    n = f.national
    if n is None:
        return None
    exact = Decimal(str(n.difference))
    if exact > 0:
        where = f"สูงกว่าค่าเฉลี่ยระดับประเทศอยู่ {_points(exact, digits)}"
    elif exact < 0:
        where = f"ต่ำกว่าค่าเฉลี่ยระดับประเทศอยู่ {_points(-exact, digits)}"
    else:
        where = "เท่ากับค่าเฉลี่ยระดับประเทศพอดี"
    count = ("" if n.agencies is None else
             f" จากหน่วยงานที่เข้ารับการประเมิน {format_int(n.agencies, digits)} แห่ง")
    share = ("" if n.share_at_target is None else
             f" และหน่วยงานร้อยละ {format_score(n.share_at_target, digits)} "
             f"ได้คะแนนตั้งแต่ค่าเป้าหมายขึ้นไป")
    text = (f"ค่าเฉลี่ยระดับประเทศของ{fiscal_year_label(f.fiscal_year, digits)}เท่ากับ "
            f"{_points(n.mean_2dp, digits)}{count}{share} คะแนนในภาพรวมของหน่วยงานจึง{where}")
    return _finish(text, digits)


def strongest_weakest_text(f: Findings, digits: Digits = "thai") -> str:
    """The highest and lowest indicators, every tie named, with their two-decimal scores."""
    check_digits(digits)
    strong = [f.indicator(n) for n in sorted(f.strongest)]
    weak = [f.indicator(n) for n in sorted(f.weakest)]
    if set(f.strongest) == set(f.weakest):
        text = (f"เมื่อพิจารณาเป็นรายตัวชี้วัด พบว่าทุกตัวชี้วัดได้คะแนนเท่ากันที่ "
                f"{_points(strong[0].score_2dp, digits)}")
        return _finish(text, digits)
    text = (f"เมื่อพิจารณาเป็นรายตัวชี้วัด พบว่า{_extreme('สูงที่สุด', strong, digits)} "
            f"ส่วน{_extreme('ต่ำที่สุด', weak, digits)}")
    return _finish(text, digits)


def _extreme(which: str, inds: list[IndicatorResult], digits: Digits) -> str:
    names = join_thai([_label(i, digits) for i in inds])
    score = _points(inds[0].score_2dp, digits)
    if len(inds) == 1:
        return f"ตัวชี้วัดที่ได้คะแนน{which} คือ {names} ซึ่งได้ {score}"
    count = apply_digits(str(len(inds)), digits)
    return (f"ตัวชี้วัดที่ได้คะแนน{which}มี {count} ตัวชี้วัด ได้แก่ {names} "
            f"ซึ่งได้คะแนนเท่ากันที่ {score}")


def tool_text(f: Findings, code: str, digits: Digits = "thai") -> str:
    """One tool: its mean over its indicators, its weight, and where it stands to the target."""
    check_digits(digits)
    tool = f.tool(code)
    count = apply_digits(str(len(tool.indicators)), digits)
    weight = _plain(Decimal(str(tool.weight)) * 100, digits)
    text = (f"ผลการประเมินตาม{tool.name_th} ({tool.code}) ซึ่งเป็นค่าเฉลี่ยของ {count} ตัวชี้วัด "
            f"({_numbers(tool.indicators, digits)}) และมีน้ำหนักร้อยละ {weight} ของคะแนนรวม "
            f"ได้ {_points(tool.score_2dp, digits)} "
            f"{_versus_target(tool.gap_to_target, f.target, digits)}")
    below = [f.indicator(n) for n in tool.indicators if not f.indicator(n).meets_target]
    if not below:
        text += " และทุกตัวชี้วัดในเครื่องมือนี้บรรลุค่าเป้าหมาย"
    else:
        listed = join_thai([f"{_label(i, digits)} ({_points(i.score_2dp, digits)})"
                            for i in below])
        text += f" โดยตัวชี้วัดที่ยังต่ำกว่าค่าเป้าหมาย ได้แก่ {listed}"
    return _finish(text, digits)


def _movement(delta: float, digits: Digits) -> str:
    exact = Decimal(str(delta))
    if round_half_up(exact, 2) == 0:
        return "เท่าเดิม"
    word = "เพิ่มขึ้น" if exact > 0 else "ลดลง"
    return f"{word} {_points(abs(exact), digits)}"


def change_text(f: Findings, digits: Digits = "thai") -> str | None:
    """Change on the previous assessed year: overall, grade, tools, largest indicator moves."""
    check_digits(digits)
    c = f.change
    if c is None:
        return None
    gap_note = "" if c.previous_year == f.fiscal_year - 1 else \
        " ซึ่งเป็นปีล่าสุดก่อนหน้าที่มีผลการประเมิน"
    before = (f"ผลการประเมินประจำ{fiscal_year_label(c.previous_year, digits)}{gap_note} "
              f"ซึ่งได้ {_points(c.previous_overall_2dp, digits)}"
              + ("" if c.previous_grade is None else
                 f" ({_phrase(f, c.previous_grade, c.previous_year)})"))
    overall = _movement(c.overall, digits)
    now = "คะแนนในภาพรวมเท่าเดิม" if overall == "เท่าเดิม" else f"คะแนนในภาพรวม{overall}"
    parts = [f"เมื่อเทียบกับ{before} {now}"]
    parts.extend(_label_change(f, c))
    if c.tools:
        moves = [f"{code} {_movement(delta, digits)}" for code, delta in c.tools.items()]
        parts.append(f"เมื่อแยกตามเครื่องมือ พบว่า {join_thai(moves)}")
    if c.indicators:
        parts.extend(_largest_moves(f, c.indicators, digits))
    return _finish(" ".join(parts), digits)


def _label_change(f: Findings, c: Change) -> list[str]:
    """How the printed label moved; nothing when either year prints none."""
    if c.previous_grade is None or f.grade is None:
        return []
    if load_framework(c.previous_year, f.rules_dir or None).grading.kind != \
            _fw(f).grading.kind:
        return [f"ทั้งนี้ เกณฑ์การรายงานผลของสองปีนี้ต่างกัน "
                f"(ปีนี้อยู่ใน{_phrase(f, f.grade)}) "
                "จึงเปรียบเทียบระดับผลการประเมินโดยตรงไม่ได้"]
    if c.previous_grade == f.grade:
        return [f"และยังคงอยู่ใน{_phrase(f, f.grade)}"]
    return [f"และระดับผลการประเมินเปลี่ยนจาก{_phrase(f, c.previous_grade, c.previous_year)}"
            f" เป็น{_phrase(f, f.grade)}"]


def _largest_moves(f: Findings, deltas: dict[int, float], digits: Digits) -> list[str]:
    exact = {n: round_half_up(d, 2) for n, d in deltas.items()}
    out = []
    top, bottom = max(exact.values()), min(exact.values())
    if top > 0:
        names = join_thai([_label(f.indicator(n), digits) for n, d in sorted(exact.items())
                           if d == top])
        out.append(f"ตัวชี้วัดที่คะแนนเพิ่มขึ้นมากที่สุด คือ {names} (เพิ่มขึ้น {_points(top, digits)})")
    if bottom < 0:
        names = join_thai([_label(f.indicator(n), digits) for n, d in sorted(exact.items())
                           if d == bottom])
        lead = "ส่วนตัวชี้วัด" if out else "ตัวชี้วัด"
        out.append(f"{lead}ที่คะแนนลดลงมากที่สุด คือ {names} (ลดลง {_points(-bottom, digits)})")
    return out


def peers_text(f: Findings, org_name: str, digits: Digits = "thai") -> str | None:
    """Rank among the other organisations of the same year in the data behind the report."""
    check_digits(digits)
    if not f.peers:
        return None
    all_count = next((p.count for p in f.peers if p.scope == "all"), None)
    shown = []
    for p in f.peers:
        same_set = any(q.count == p.count and ("all" in (p.scope, q.scope) or q.count == all_count)
                       for q in shown)
        if not same_set:
            shown.append(p)
    sentences = []
    for p in shown:
        if p.scope == "province":
            group = f"หน่วยงานใน{p.group}"
        elif p.scope == "org_type":
            group = f"{p.group}ด้วยกัน"
        else:
            group = "หน่วยงานทั้งหมด"
        mean_gap = Decimal(str(f.overall_2dp)) - Decimal(str(p.mean_2dp))
        if mean_gap > 0:
            vs_mean = "สูงกว่า"
        elif mean_gap < 0:
            vs_mean = "ต่ำกว่า"
        else:
            vs_mean = "เท่ากับ"
        sentences.append(
            f"ในบรรดา{group} จำนวน {format_number(p.count, 0, digits)} แห่ง "
            f"{org_name}อยู่ในลำดับที่ {format_number(p.rank, 0, digits)} "
            f"มีคะแนน{vs_mean}ค่าเฉลี่ยของกลุ่ม ({_points(p.mean_2dp, digits)}) "
            f"และหน่วยงานในกลุ่มนี้ร้อยละ {format_score(p.share_meeting_target, digits)} "
            "บรรลุค่าเป้าหมาย")
    intro = (f"เมื่อเปรียบเทียบกับหน่วยงานอื่นที่มีผลการประเมินประจำ"
             f"{fiscal_year_label(f.fiscal_year, digits)}")
    return _finish(intro + " " + " ".join(sentences), digits)


def weakest_detail_text(f: Findings, digits: Digits = "thai") -> str | None:
    """Which items of the weakest indicator(s) fell short, when item scores are at hand."""
    check_digits(digits)
    by_indicator = {s.indicator: s for s in f.items}
    sentences = []
    for number in sorted(f.weakest):
        summary = by_indicator.get(number)
        if summary is None or not summary.items:
            continue
        ind = f.indicator(number)
        expected = len(_fw(f).indicator(number).items)
        have = len(summary.items)
        short = [i for i in summary.items if round_half_up(i["score"], 2) < FULL_MARKS]
        full = have - len(short)
        count = (f"มีผลการตรวจรายข้อครบทั้ง {format_number(have, 0, digits)} ข้อ"
                 if summary.complete else
                 f"มีผลการตรวจรายข้อ {format_number(have, 0, digits)} ข้อ "
                 f"จากทั้งหมด {format_number(expected, 0, digits)} ข้อ")
        text = (f"{_label(ind, digits)} ซึ่งได้คะแนนต่ำที่สุด ({_points(ind.score_2dp, digits)}) "
                f"{count}")
        if not short:
            text += " และทุกข้อได้คะแนนเต็ม"
        else:
            listed = join_thai([f"ข้อ {i['code']} {i['name_th']} "
                                f"({_points(float(i['score']), digits)})" for i in short])
            text += (f" ได้คะแนนเต็ม {format_number(full, 0, digits)} ข้อ "
                     f"ข้อที่ยังไม่ได้คะแนนเต็ม ได้แก่ {listed}")
        sentences.append(text)
    if not sentences:
        return None
    return _finish(" ".join(sentences), digits)


# -- the label and its bands (for the annex) ------------------------------------------------

def label_notes(f: Findings, digits: Digits = "thai") -> list[str]:
    """Where the printed label comes from and what the unconfirmed bands would give.

    For analysts (the annex and ``summary.json``): the public document prints the label only.
    """
    check_digits(digits)
    notes = []
    if f.grade_source == "published":
        note = (f"ผลการประเมิน “{f.grade}” เป็นผลที่สำนักงาน ป.ป.ช. ประกาศ "
                "เพราะเกณฑ์ของปีนี้ยังได้รับการยืนยันไม่ครบทุกระดับ")
        if f.grade_computed != f.grade:
            note += (f" ส่วนเกณฑ์ที่ได้รับการยืนยันแล้วให้ผลเป็น “{f.grade_computed}”"
                     if f.grade_computed else " ส่วนคะแนนไม่ถึงเกณฑ์ใดที่ได้รับการยืนยันแล้ว")
        notes.append(note)
    elif f.grade is None and f.grade_text == NO_CONFIRMED_BAND_TH:
        notes.append("เกณฑ์ระดับผลการประเมินของปีนี้ยังไม่ได้รับการยืนยันแม้แต่ระดับเดียว "
                     "และข้อมูลไม่มีผลที่สำนักงาน ป.ป.ช. ประกาศ เอกสารจึงไม่แสดงระดับผลการประเมิน")
    elif f.grade is None:
        notes.append(f"คะแนนในภาพรวมไม่ถึงเกณฑ์ใดที่ได้รับการยืนยันแล้ว "
                     f"เอกสารจึงแสดงผลว่า{f.grade_text} แทนระดับผลการประเมิน")
    if f.grade_provisional is not None and f.grade_provisional != f.grade:
        notes.append(f"หากใช้เกณฑ์ทุกระดับในแฟ้มกรอบการประเมิน รวมทั้งเกณฑ์ที่ยังไม่ได้รับการยืนยัน "
                     f"ผลการประเมินจะเป็น “{f.grade_provisional}” ซึ่งเอกสารนี้ไม่นำมาแสดงเป็นผลการประเมิน")
    return [_finish(note, digits) for note in notes]


def rules_notes(fw: Framework, origin: str, digits: Digits = "thai") -> list[str]:
    """Where a year's rules come from, when that is not the package's checked file: a data
    folder's own file, a copy of another year (``rules new``). For the annex."""
    check_digits(digits)
    notes = []
    if origin == "data folder":
        notes.append("กรอบการประเมินของปีนี้มาจากแฟ้มในโฟลเดอร์ข้อมูล ไม่ใช่แฟ้มที่มากับโปรแกรม")
    if fw.provenance.copied_from is not None:
        notes.append(f"กรอบการประเมินของปีนี้คัดลอกมาจากกรอบการประเมินประจำ"
                     f"{fiscal_year_label(fw.provenance.copied_from, digits)} "
                     "ทุกประเด็นจึงยังไม่ได้ตรวจสอบกับคู่มือการประเมินของปีนี้")
    return [_finish(note, digits) for note in notes]


# -- contradictions ------------------------------------------------------------------------

def reconciliation_texts(f: Findings, digits: Digits = "thai") -> list[str]:
    """One Thai explanation per contradiction or notice found in the published figures."""
    check_digits(digits)
    return [_finish(_explain(f, finding, digits), digits) for finding in f.reconciliation]


def _explain(f: Findings, x: Finding, digits: Digits) -> str:
    if x.kind == "published_figure" and x.field == "overall":
        return (f"เอกสารที่เผยแพร่ระบุคะแนนในภาพรวมไว้ {_points(float(x.published), digits)} "
                f"แต่เมื่อคำนวณจากคะแนนรายตัวชี้วัดตามน้ำหนักของแต่ละเครื่องมือได้ "
                f"{_points(float(x.recomputed), digits)} "
                "รายงานฉบับนี้จึงใช้คะแนนที่คำนวณจากคะแนนรายตัวชี้วัด")
    if x.kind == "published_figure":
        tool = f.tool(x.field)
        count = apply_digits(str(len(tool.indicators)), digits)
        return (f"เอกสารที่เผยแพร่ระบุคะแนน {tool.code} ไว้ {_points(float(x.published), digits)} "
                f"แต่ค่าเฉลี่ยของคะแนน {count} ตัวชี้วัดของเครื่องมือนี้ "
                f"({_numbers(tool.indicators, digits)}) เท่ากับ "
                f"{_points(float(x.recomputed), digits)} "
                "รายงานฉบับนี้จึงใช้คะแนนที่คำนวณจากคะแนนรายตัวชี้วัด")
    if x.kind == "published_grade" and x.severity == "notice":
        return (f"ผลการประเมินที่ประกาศคือ{_phrase(f, x.published or '')} "
                f"ซึ่งตรงกับเกณฑ์ของระดับนี้ที่ยังไม่ได้รับการยืนยันจากสำนักงาน ป.ป.ช.")
    if x.kind == "published_grade":
        earned = (f"อยู่ใน{_phrase(f, x.recomputed)}" if x.recomputed
                  else "ไม่ถึงเกณฑ์ใดที่ได้รับการยืนยันแล้ว")
        return (f"เอกสารที่เผยแพร่ระบุผลการประเมินเป็น{_phrase(f, x.published or '')} "
                f"แต่คะแนนในภาพรวม {_points(f.overall_2dp, digits)} {earned} "
                f"ตามเกณฑ์ของ{fiscal_year_label(f.fiscal_year, digits)}")
    if x.kind == "item_rollup":
        number = int(x.field.split()[-1])
        summary = next((s for s in f.items if s.indicator == number), None)
        count = f"ทั้ง {format_number(len(summary.items), 0, digits)} ข้อ " if summary else ""
        how = f"({ROLLUP_TH[summary.method]}) " if summary else ""
        return (f"คะแนน{_label(f.indicator(number), digits)} เท่ากับ "
                f"{_points(float(x.published), digits)} แต่เมื่อคำนวณจากคะแนนรายข้อ{count}"
                f"{how}ได้ {_points(float(x.recomputed), digits)} "
                "ควรตรวจสอบคะแนนรายข้อและคะแนนตัวชี้วัดกับเอกสารต้นฉบับอีกครั้ง")
    if x.kind == "measure_period":
        period = _PERIOD.match(x.published or "")
        if period:
            y1, m1, y2, m2 = (int(g) for g in period.groups())
            span = (f"ตั้งแต่เดือน{thai_month_year(y1, m1, digits)} "
                    f"ถึงเดือน{thai_month_year(y2, m2, digits)} ")
        else:
            span = ""
        return (f"มาตรการ “{x.field}” ระบุระยะเวลาดำเนินการ{span}"
                "ซึ่งเดือนที่สิ้นสุดอยู่ก่อนเดือนที่เริ่มต้น ควรแก้ไขระยะเวลาดำเนินการให้ถูกต้อง")
    if x.kind == "measure_repeated":
        return (f"มาตรการ “{x.field}” ปรากฏในตารางมาตรการมากกว่าหนึ่งครั้ง "
                "ควรรวมเป็นรายการเดียว")
    return f"พบข้อมูลที่ไม่สอดคล้องกันในรายการ “{x.field}” ควรตรวจสอบกับเอกสารต้นฉบับ"
