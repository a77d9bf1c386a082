"""The report as a Word document: the public sections in the HTML's order, from the same
section data (``sections.<name>_data``) the HTML templates read, so the two say the same.

One function per section, named as in ``sections.ORDER``; each writes nothing when the HTML
section is empty. The annex is not part of it: the Word document is the one an agency signs,
edits and publishes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from ....present.charts import report as charts
from .. import sections as S
from ..context import SECTION_TITLES, ReportContext
from . import ooxml
from .writer import BODY_PT, Cell, Writer

FIGURE_WIDTH_CM = 12.2  # the charts' drawing width (4.8 in): their text prints at its size
FIGURE_DPI = 300


def _dots(count: int) -> str:
    return "." * count


def _section_heading(w: Writer, c: dict[str, Any], key: str, *, new_page: bool = False) -> None:
    """A numbered section's heading, "๓. การวิเคราะห์…", as the HTML's section macro writes it."""
    w.heading(f"{c['sec'][key]}. {SECTION_TITLES[key]}", 1, new_page=new_page)


def _month_span(n: S.Numbers, start: Any, end: Any) -> str:
    return f"{n.month(start[0], start[1])} – {n.month(end[0], end[1])}"


# -- the sections ---------------------------------------------------------------------------

def cover(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    d, f, fw, org = S.cover_data(ctx), c["f"], c["fw"], c["org"]
    if ctx.synthetic:
        w.para(("b", S.SYNTHETIC_NOTE), indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(5):
        w.para("", indent=False)
    title = w.doc.add_paragraph(style="Title")
    for i, line in enumerate(d["title_lines"]):
        run = w.run(title, line)
        if i < len(d["title_lines"]) - 1:
            run.add_break()  # type: ignore[attr-defined]
    big = dict(indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=20)
    w.para(f"ประจำปีงบประมาณ พ.ศ. {f.fiscal_year}", **big, space_after=36)
    w.para(("b", org["name"]), **big, space_after=0)
    if d["place"]:
        w.para(d["place"], **big, space_after=0)
    w.para("", indent=False, space_after=24)
    w.para("คะแนนรวม  ", ("b", S.Numbers(ctx.digits).score(f.overall_2dp)), **big, space_after=0)
    w.para(f"{fw.grading.name_th}  ", ("b", f.grade_text), **big)


def preface(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    d, f, fw, org = S.preface_data(ctx), c["f"], c["fw"], c["org"]
    n = S.Numbers(ctx.digits)
    w.unnumbered_heading("คำนำ", new_page=True)
    mandate, period = d["mandate"], d["period"]
    if mandate:
        w.para(f"คณะรัฐมนตรีมีมติเมื่อวันที่ {n.date(mandate.cabinet_resolution)} "
               f"ให้หน่วยงานภาครัฐทุกแห่งเข้าร่วม{fw.name_th} ({fw.short_name}) "
               "ตามแนวทางและเครื่องมือที่สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ "
               "(สำนักงาน ป.ป.ช.) กำหนด ประกอบกับแผนแม่บทภายใต้ยุทธศาสตร์ชาติ "
               "ประเด็นการต่อต้านการทุจริตและประพฤติมิชอบ "
               "กำหนดเป้าหมายให้หน่วยงานที่เข้ารับการประเมินไม่น้อยกว่าร้อยละ "
               f"{n.percent_weight(mandate.goal_share / 100)} มีผลคะแนนตั้งแต่ "
               f"{n.percent_weight(fw.target / 100)} คะแนนขึ้นไป")
    w.para(f"{org['name']} จึงได้วิเคราะห์ผลการประเมินของหน่วยงานประจำปีงบประมาณ พ.ศ. "
           f"{f.fiscal_year} ซึ่งประเมินการดำเนินงานระหว่างวันที่ {n.date(period[0])} "
           f"ถึงวันที่ {n.date(period[1])} ทั้งในภาพรวม รายเครื่องมือ และรายตัวชี้วัด "
           "เพื่อให้ทราบจุดแข็งและประเด็นที่ควรพัฒนา และนำไปกำหนดมาตรการส่งเสริมคุณธรรมและ"
           "ความโปร่งใสภายในหน่วยงานประจำปีงบประมาณ พ.ศ. "
           f"{d['next_year']} อันจะยกระดับการดำเนินงานด้านคุณธรรมและความโปร่งใสของหน่วยงานต่อไป")
    lines = [
        f"(ลงชื่อ) {_dots(28)}",
        f"({org['executive_name'] or _dots(30)})",
        org["executive_title"] or f"ตำแหน่ง {_dots(26)}",
        n.date(d["date"]) if d["date"]
        else f"วันที่ {_dots(5)} เดือน {_dots(14)} พ.ศ. {_dots(6)}",
    ]
    for i, line in enumerate(lines):
        p = w.para(line, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER,
                   space_after=0, keep_next=i < len(lines) - 1)
        p.paragraph_format.left_indent = Cm(7.0)  # type: ignore[attr-defined]
        if i == 0:
            p.paragraph_format.space_before = Pt(36)  # type: ignore[attr-defined]


def contents(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    """สารบัญ: Word's own table of contents over the numbered headings; until Word (or
    LibreOffice) updates it, it lists the headings without page numbers."""
    w.unnumbered_heading("สารบัญ", new_page=True)
    first = None
    for key, number in c["sec"].items():
        p = w.doc.add_paragraph(style="TOC 1" if "TOC 1" in _style_names(w) else None)
        p.paragraph_format.tab_stops.add_tab_stop(Cm(1.0))
        if first is None:
            first = p
            shown = ooxml.add_field(p, r'TOC \o "1-1" \h \z \u', rpr=_thai_rpr())
            shown.addnext(_text_run(w.text(f"{number}.\t{SECTION_TITLES[key]}")))
            continue
        w.run(p, f"{number}.\t{SECTION_TITLES[key]}")
    if first is not None:  # the field's end moves after the last entry
        _close_field_after(first, w.doc.paragraphs[-1])
    w.page_break()


def framework(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    d, fw, tab = S.framework_data(ctx), c["fw"], c["tab"]
    n = S.Numbers(ctx.digits)
    period = d["period"]
    _section_heading(w, c, "framework")
    w.para(f"{fw.name_th} ({fw.short_name}) ประจำปีงบประมาณ พ.ศ. {fw.fiscal_year} "
           f"ประเมินการดำเนินงานระหว่างวันที่ {n.date(period[0])} ถึงวันที่ {n.date(period[1])} "
           f"ประกอบด้วย {len(fw.indicators)} ตัวชี้วัด เก็บข้อมูลด้วยเครื่องมือ {len(fw.tools)} "
           f"เครื่องมือ แต่ละเครื่องมือมีน้ำหนักดังตารางที่ {tab['framework_tools']}")
    rows, merges, first = [], [], 0
    for i, row in enumerate(d["rows"]):
        tool = row["tool"]
        if tool:
            first = i
            merges += [(0, i, row["span"]), (2, i, row["span"])]
        ind = row["indicator"]
        rows.append([Cell(f"{tool.name_th} ({tool.code})" if tool else "", bold=True),
                     Cell(f"ตัวชี้วัดที่ {ind.number} {ind.name_th}"),
                     Cell(f"ร้อยละ {n.percent_weight(tool.weight)}" if tool else "",
                          number=True)])
    del first
    w.table(["เครื่องมือการประเมิน", "ตัวชี้วัด", Cell("น้ำหนัก", number=True)], rows,
            (4.6, 8.4, 3.0), merge_down=merges,
            caption=("ตาราง", tab["framework_tools"], "เครื่องมือ ตัวชี้วัด และน้ำหนักการประเมิน"))
    w.para("คะแนนของแต่ละเครื่องมือคือค่าเฉลี่ยของคะแนนตัวชี้วัดในเครื่องมือนั้น "
           "และคะแนนรวมคือผลรวมของคะแนนแต่ละเครื่องมือคูณด้วยน้ำหนัก "
           "โดยคำนวณจากคะแนนที่ยังไม่ปัดเศษ แล้วแสดงเป็นทศนิยมสองตำแหน่ง "
           f"(เศษตั้งแต่ 0.005 ปัดขึ้นเป็น 0.01) {fw.grading.name_th}พิจารณาจากคะแนนรวม"
           f"ตามเกณฑ์ในตารางที่ {tab['framework_grades']}")
    conditional = d["conditional"]
    header = [Cell("คะแนนรวม", number=True), fw.grading.name_th]
    if conditional:
        header.append("เงื่อนไขเพิ่มเติม")
    grade_rows = []
    for band in fw.grading.bands:
        row = [Cell(f"{n.score(band.min)} – {n.score(band.max)}", number=True),
               Cell(band.label + ("*" if not band.confirmed else ""))]
        if conditional:
            row.append(Cell(f"ทุกเครื่องมือได้ตั้งแต่ {n.score(band.each_tool_min)} คะแนนขึ้นไป"
                            if band.each_tool_min is not None else "–"))
        grade_rows.append(row)
    w.table(header, grade_rows, (4.0, 4.0, 8.0) if conditional else (5.0, 5.0),
            caption=("ตาราง", tab["framework_grades"], "เกณฑ์" + fw.grading.name_th))
    if d["noted_bands"]:
        w.para(f"* เกณฑ์ที่ยังไม่มีการประกาศอย่างเป็นทางการ เอกสารนี้จึงไม่ใช้เกณฑ์ดังกล่าว"
               f"แสดง{fw.grading.name_th}", indent=False, size=14)


def results(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    d, f, fw, org, tab = S.results_data(ctx), c["f"], c["fw"], c["org"], c["tab"]
    n = S.Numbers(ctx.digits)
    _section_heading(w, c, "results")
    lead = w.para(("b", f"ผลการประเมิน {fw.short_name} ประจำปีงบประมาณ พ.ศ. {f.fiscal_year}"),
                  indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    lead.runs[-1].add_break()  # type: ignore[attr-defined]
    w.run(lead, org["name"] + (f" {d['place']}" if d["place"] else ""), bold=True)
    rows, groups = [], []
    for tool in f.tools:
        groups.append(len(rows))
        rows.append([Cell(f"{tool.name_th} ({tool.name_en} : {tool.code})", bold=True,
                          small=f"คะแนนเฉลี่ย {len(tool.indicators)} ตัวชี้วัด น้ำหนักร้อยละ "
                                f"{n.percent_weight(tool.weight)}"),
                     Cell(n.score(tool.score_2dp), bold=True, number=True),
                     Cell(n.signed(-tool.gap_to_target), number=True)])
        for number in tool.indicators:
            ind = f.indicator(number)
            rows.append([Cell(f"{ind.number}. {ind.name_th}"),
                         Cell(n.score(ind.score_2dp), number=True),
                         Cell(n.signed(-ind.gap_to_target), number=True)])
    groups.append(len(rows))
    rows.append([Cell("คะแนนรวม (ถ่วงน้ำหนักตามเครื่องมือ)", bold=True),
                 Cell(n.score(f.overall_2dp), bold=True, number=True),
                 Cell(n.signed(-f.gap_to_target), number=True)])
    if f.national:
        agencies = f" ({n.int(f.national.agencies)} หน่วยงาน)" if f.national.agencies else ""
        rows.append([Cell(f"ค่าเฉลี่ยระดับประเทศ{agencies}", bold=True),
                     Cell(n.score(f.national.mean_2dp), number=True),
                     Cell(n.signed(-f.national.gap_to_target), number=True)])
    groups.append(len(rows))
    rows.append([Cell(fw.grading.name_th, bold=True), Cell(f.grade_text, bold=True, number=True),
                 Cell("บรรลุค่าเป้าหมาย" if f.passed else "ต่ำกว่าค่าเป้าหมาย", number=True)])
    w.table(["เครื่องมือ / ตัวชี้วัด", Cell("คะแนน", number=True),
             Cell(f"ผลต่างจาก{c['target']}", number=True)], rows, (9.0, 2.4, 4.6),
            group_rows=groups,
            caption=("ตาราง", tab["results"], "คะแนนรายตัวชี้วัด รายเครื่องมือ และคะแนนรวม"))


def analysis(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    d, f, tab = S.analysis_data(ctx), c["f"], c["tab"]
    n = S.Numbers(ctx.digits)
    _section_heading(w, c, "analysis")
    for i, text in enumerate(d["paragraphs"], start=1):
        w.numbered(f"{i}.", text)
    rows, merges = [], []
    for label, numbers in (("คะแนนสูงสุด", f.strongest), ("คะแนนต่ำสุด", f.weakest)):
        merges.append((0, len(rows), len(numbers)))
        for k, number in enumerate(numbers):
            ind = f.indicator(number)
            rows.append([Cell(label if k == 0 else "", bold=True),
                         Cell(f"ตัวชี้วัดที่ {ind.number} {ind.name_th}"),
                         Cell(n.score(ind.score_2dp), number=True)])
    w.table(["", "ตัวชี้วัด", Cell("คะแนน", number=True)], rows, (3.4, 10.2, 2.4),
            merge_down=[m for m in merges if m[2] > 1],
            caption=("ตาราง", tab["extremes"], "ตัวชี้วัดที่ได้คะแนนสูงสุดและต่ำสุด"))


def recommendations(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    d, sec = S.recommendations_data(ctx), c["sec"]
    n = S.Numbers(ctx.digits)
    _section_heading(w, c, "recommendations")
    for i, t in enumerate(d["tools"], start=1):
        w.heading(f"{sec['recommendations']}.{i} {t['tool'].name_th} ({t['tool'].code})", 2)
        if t["text"]:
            w.para(t["text"])
        for text in t["advice"]:
            w.para(text)
        for k, item in enumerate(t["indicators"], start=1):
            ind = item["ind"]
            w.numbered(f"{k})", ("b", ind.name_th),
                       f" (ตัวชี้วัดที่ {ind.number} ได้ {n.score(ind.score_2dp)} คะแนน)",
                       *(f" {text}" for text in item["texts"]))


def weakest(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    if "weakest" not in ctx.sections:
        return
    d, f, tab, sec, target = S.weakest_data(ctx), c["f"], c["tab"], c["sec"], c["target"]
    n = S.Numbers(ctx.digits)
    _section_heading(w, c, "weakest")
    if d["detail"]:
        w.para(d["detail"])
    blocks = d["blocks"]
    for b in blocks:
        ind = b["indicator"]
        if len(blocks) > 1:
            w.heading(f"ตัวชี้วัดที่ {ind.number} {ind.name_th}", 2)
        if not d["detail"]:
            tail = (f" แม้จะบรรลุ{target}แล้วก็ตาม" if ind.meets_target
                    else f" และต่ำกว่า{target}อยู่ {n.score(ind.gap_to_target)} คะแนน")
            w.para(f"ตัวชี้วัดที่ {ind.number} {ind.name_th} ได้ {n.score(ind.score_2dp)} คะแนน "
                   f"ซึ่งต่ำที่สุดในบรรดา {len(f.indicators)} ตัวชี้วัด{tail}")
        if b["groups"]:
            rows, groups = [], []
            for g in b["groups"]:
                groups.append(len(rows))
                rows.append([Cell(f"{g['code']} {g['sub'].name_th}", bold=True, span=2),
                             Cell(n.score(g["sub"].share), bold=True, number=True),
                             Cell(n.score(g["sub"].score_2dp), bold=True, number=True)])
                for item in g["rows"]:
                    rows.append([Cell(str(item["code"])), Cell(str(item["name_th"])),
                                 Cell(n.score(item["share"]), number=True),
                                 Cell(n.score(item["score"]), number=True)])
            summary = b["summary"]
            groups.append(len(rows))
            rows.append([Cell(f"คะแนนตัวชี้วัดที่ {ind.number}"
                              + ("" if summary.complete else " (มีผลรายข้อไม่ครบทุกข้อ)"),
                              bold=True, span=3),
                         Cell(n.score(summary.indicator_2dp), bold=True, number=True)])
            w.table(["ข้อ", "หัวข้อการประเมิน", Cell("สัดส่วน (ร้อยละ)", number=True),
                     Cell("คะแนน", number=True)], rows, (1.6, 9.6, 2.6, 2.2), group_rows=groups,
                    caption=("ตาราง", tab[f"items_{ind.number}"],
                             f"คะแนนรายข้อของตัวชี้วัดที่ {ind.number} {ind.name_th}"))
            if summary.method == "mean_of_sub_indicators" and len(summary.sub_indicators) > 1:
                w.para("คะแนนตัวชี้วัดเป็นค่าเฉลี่ยของคะแนนตัวชี้วัดย่อย และคะแนนตัวชี้วัดย่อย"
                       "เป็นค่าเฉลี่ยของคะแนนรายข้อ ตัวชี้วัดย่อยทุกตัวจึงมีน้ำหนักเท่ากัน "
                       "ส่วนแต่ละข้อมีน้ำหนักตามจำนวนข้อในตัวชี้วัดย่อยของตน "
                       "สัดส่วนในตารางคือร้อยละของคะแนนตัวชี้วัดที่ขึ้นอยู่กับตัวชี้วัดย่อยหรือข้อนั้น",
                       indent=False, size=14)
        if b["item_recs"] and not d["proposed_items"]:
            w.para("แนวทางการปรับปรุงข้อที่ยังไม่ได้คะแนนเต็ม มีดังนี้", indent=False)
            for k, rec in enumerate(b["item_recs"], start=1):
                w.numbered(f"{k})", ("b", f"ข้อ {rec.key} {rec.name_th}"),
                           f" ({n.score(rec.score_2dp)} คะแนน)",
                           *(f" {text}" for text in rec.texts))
        elif b["item_recs"]:
            w.para("แนวทางการปรับปรุงข้อที่ยังไม่ได้คะแนนเต็มแต่ละข้อ เสนอไว้เป็นมาตรการ"
                   f"ประจำปีงบประมาณ พ.ศ. {d['plan'].year} ในตารางที่ {tab['measures']} "
                   f"หัวข้อ {sec['measures']}")


def _measures_table(w: Writer, n: S.Numbers, rows: list[Any], number: object, title: str,
                    blank_owner: bool) -> None:
    body, groups = [], []
    for m in rows:
        groups.append(len(body))
        body.append([Cell(f"มาตรการที่ {m.number} {m.measure}", bold=True, span=4)])
        owner = m.owner or (_dots(10) if blank_owner else "–")
        body.append([Cell(m.method or "–"), Cell(owner), Cell(_month_span(n, m.start, m.end)),
                     Cell(m.follow_up or "–")])
    table = w.table(["วิธีการดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ", "การติดตามผล"],
                    body, (6.2, 2.8, 2.8, 4.2), group_rows=groups,
                    caption=("ตาราง", number, title))
    for k in groups:  # a measure's name stays on the page of its details
        for p in table.rows[k + 1].cells[0].paragraphs:  # type: ignore[attr-defined]
            p.paragraph_format.keep_with_next = True


def measures(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    d, org, tab, target = S.measures_data(ctx), c["org"], c["tab"], c["target"]
    n = S.Numbers(ctx.digits)
    plan, links = d["plan"], d["links"]
    _section_heading(w, c, "measures", new_page=True)
    if plan.own and plan.proposals:
        own = f"{n.text(1)}" + (f"–{len(plan.own)}" if len(plan.own) > 1 else "")
        prop = f"{plan.proposals[0].number}" + (
            f"–{plan.proposals[-1].number}" if len(plan.proposals) > 1 else "")
        w.para(f"{org['name']} กำหนดมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงานประจำปี"
               f"งบประมาณ พ.ศ. {plan.year} ไว้ {len(plan.own)} มาตรการ ตามมาตรการที่ {own} "
               f"ของตารางที่ {tab['measures']} และเพื่อให้ครอบคลุมประเด็นที่ควรพัฒนาทุกประเด็น "
               f"จึงเสนอมาตรการเพิ่มเติมตามมาตรการที่ {prop} ให้หน่วยงานพิจารณากำหนดผู้รับผิดชอบ"
               "และประกาศใช้")
    elif plan.own:
        w.para(f"{org['name']} กำหนดมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงานประจำปี"
               f"งบประมาณ พ.ศ. {plan.year} ดังตารางที่ {tab['measures']}")
    elif plan.proposals:
        w.para("ยังไม่มีมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงานสำหรับปีงบประมาณ "
               f"พ.ศ. {plan.year} ตารางที่ {tab['measures']} จึงเป็นร่างมาตรการที่เสนอจากประเด็น"
               f"ที่ควรพัฒนาตามผลการประเมิน เพื่อให้{org['name']} พิจารณาปรับปรุง "
               "กำหนดผู้รับผิดชอบ และประกาศใช้")
    else:
        w.para(f"ผลการประเมินไม่มีตัวชี้วัดที่ต่ำกว่า{target}และไม่มีข้อที่ยังไม่ได้คะแนนเต็ม "
               f"{org['name']} ควรคงมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงานที่ใช้อยู่"
               f"ต่อไปในปีงบประมาณ พ.ศ. {plan.year}")
    if plan.ahead:
        _measures_table(w, n, plan.ahead, tab["measures"],
                        ("ร่าง" if not plan.own else "")
                        + "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ "
                        f"พ.ศ. {plan.year}", True)
    if plan.weak_points and (plan.own or plan.done):
        header = ["ประเด็นที่ควรพัฒนา", Cell("คะแนน", number=True), f"มาตรการปี {plan.year}"]
        if plan.done:
            header.append(f"มาตรการปี {plan.assessed_year}")
        rows = []
        for wp in plan.weak_points:
            name = (f"ตัวชี้วัดที่ {wp.key} {wp.name_th}" if wp.kind == "indicator"
                    else f"ข้อ {wp.key} {wp.name_th}")
            row = [Cell(name), Cell(n.score(wp.score_2dp), number=True),
                   Cell(links(wp.ahead, plan.ahead))]
            if plan.done:
                row.append(Cell(links(wp.done, plan.done, True)))
            rows.append(row)
        w.table(header, rows, (7.0, 2.0, 3.5, 3.5) if plan.done else (8.5, 2.0, 5.5),
                caption=("ตาราง", tab["links"], "ประเด็นที่ควรพัฒนาและมาตรการที่รองรับ"))
        if not plan.stated:
            w.para("มาตรการของหน่วยงานยังไม่ได้ระบุว่ารองรับตัวชี้วัดหรือข้อใด "
                   "ตารางนี้จึงแสดงเฉพาะมาตรการที่เสนอ", indent=False, size=14)
        elif d["uncovered"]:
            tail = f" ดังที่เสนอไว้ในตารางที่ {tab['measures']}" if plan.proposals else ""
            w.para(f"มาตรการที่หน่วยงานกำหนดไว้ยังไม่ครอบคลุม {d['uncovered']} "
                   f"ซึ่งควรกำหนดมาตรการรองรับ{tail}")
    if plan.done:
        w.para(f"นอกจากนี้ หน่วยงานมีมาตรการอีก {len(plan.done)} มาตรการ ซึ่งมีระยะเวลา"
               f"ดำเนินการสิ้นสุดก่อนเริ่มปีงบประมาณ พ.ศ. {plan.year} "
               f"ดังตารางที่ {tab['measures_done']}")
        _measures_table(w, n, plan.done, tab["measures_done"],
                        "มาตรการที่มีระยะเวลาดำเนินการสิ้นสุดก่อนปีงบประมาณ พ.ศ. "
                        f"{plan.year}", False)


def _figures(w: Writer, ctx: ReportContext, figures: list[Any]) -> None:
    upto = ctx.findings.model_copy(update={"history": ctx.history})
    for fig in figures:
        png = charts.chart_png(fig.key, upto, ctx.digits, ctx.peer_scores, dpi=FIGURE_DPI)
        w.figure(png, fig.number, fig.caption, FIGURE_WIDTH_CM)


def charts_section(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    if "charts" not in ctx.sections:
        return
    _section_heading(w, c, "charts")
    _figures(w, ctx, ctx.figures_in("charts"))


def history(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    if "history" not in ctx.sections:
        return
    d, f, org, tab = S.history_data(ctx), c["f"], c["org"], c["tab"]
    n = S.Numbers(ctx.digits)
    _section_heading(w, c, "history")
    if d["text"]:
        w.para(d["text"])
    codes = d["tool_codes"]
    header = ["ปีงบประมาณ", *(Cell(code, number=True) for code in codes),
              Cell("คะแนนรวม", number=True), Cell("เปลี่ยนแปลง", number=True), "ผลการประเมิน"]
    rows = []
    for row in d["rows"]:
        current = row["fiscal_year"] == f.fiscal_year
        rows.append([Cell(str(row["fiscal_year"]), bold=True),
                     *(Cell(n.score(row["tools"].get(code)), number=True, bold=current)
                       for code in codes),
                     Cell(n.score(row["overall_2dp"]), number=True, bold=current),
                     Cell(n.signed(row["delta"]), number=True, bold=current),
                     Cell(str(row["grade_text"]), bold=current)])
    w.table(header, rows, (2.8, *([1.9] * len(codes)), 2.2, 2.3, 2.6),
            caption=("ตาราง", tab["history"], f"ผลการประเมินของ{org['name']} แต่ละปีงบประมาณ"))
    _figures(w, ctx, d["figures"])


def peers(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    if "peers" not in ctx.sections:
        return
    d, f, org, tab = S.peers_data(ctx), c["f"], c["org"], c["tab"]
    n = S.Numbers(ctx.digits)
    _section_heading(w, c, "peers")
    if d["text"]:
        w.para(d["text"])
    rows = [[Cell(g["label"], bold=True), Cell(n.int(g["peer"].count), number=True),
             Cell(n.int(g["peer"].rank), number=True), Cell(n.score(g["peer"].mean_2dp),
                                                            number=True),
             Cell(n.score(g["peer"].share_meeting_target), number=True)] for g in d["groups"]]
    w.table(["กลุ่มที่เปรียบเทียบ", Cell("จำนวนหน่วยงาน", number=True),
             Cell("ลำดับที่", number=True), Cell("คะแนนเฉลี่ยของกลุ่ม", number=True),
             Cell("ร้อยละของหน่วยงานที่บรรลุค่าเป้าหมาย", number=True)], rows,
            (4.6, 2.6, 2.0, 3.0, 3.8),
            caption=("ตาราง", tab["peers"], f"ลำดับของ{org['name']} ในกลุ่มหน่วยงานที่เปรียบเทียบ "
                                             f"ปีงบประมาณ พ.ศ. {f.fiscal_year}"))
    w.para(f"ลำดับที่ {n.int(1)} คือหน่วยงานที่ได้คะแนนรวมสูงสุดของกลุ่ม "
           "และหน่วยงานที่ได้คะแนนเท่ากันอยู่ในลำดับเดียวกัน", indent=False, size=14)
    _figures(w, ctx, d["figures"])


def colophon(w: Writer, ctx: ReportContext, c: dict[str, Any]) -> None:
    p = w.para("เอกสารนี้จัดทำจากข้อมูลผลการประเมินด้วยโปรแกรม ita-analysis รุ่น ", indent=False,
               align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    w.run(p, ctx.version, size=14, verbatim=True)  # a version is copied, not read as a figure
    p.paragraph_format.space_before = Pt(24)  # type: ignore[attr-defined]


SECTIONS: dict[str, Callable[[Writer, ReportContext, dict[str, Any]], None]] = {
    "cover": cover, "preface": preface, "contents": contents, "framework": framework,
    "results": results, "analysis": analysis, "recommendations": recommendations,
    "weakest": weakest, "measures": measures, "charts": charts_section, "history": history,
    "peers": peers, "colophon": colophon,
}


def build(ctx: ReportContext) -> Writer:
    """The public document, section by section in ``sections.ORDER``."""
    w = Writer(ctx.digits)
    common = S.common_data(ctx)
    for name in S.ORDER:
        SECTIONS[name](w, ctx, common)
    _properties(w, ctx)
    return w


def docx_bytes(ctx: ReportContext) -> bytes:
    buf = io.BytesIO()
    build(ctx).doc.save(buf)
    return buf.getvalue()


def _properties(w: Writer, ctx: ReportContext) -> None:
    """Title, author (the organisation), language and dates: what Word's file properties and
    a records system read. The dates are the run's, so the same run gives the same file."""
    fw, org = ctx.framework, ctx.org
    props = w.doc.core_properties
    props.title = w.text(f"การวิเคราะห์ผล{fw.name_th} ({fw.short_name}) ประจำปีงบประมาณ พ.ศ. "
                         f"{ctx.params.fiscal_year}")
    props.subject = org["name"]
    props.author = org["name"]
    props.last_modified_by = org["name"]
    props.language = ooxml.LANG
    props.keywords = fw.short_name
    props.comments = ""
    props.category = ""
    props.revision = 1
    when = ctx.generated_at.astimezone().replace(tzinfo=None) if isinstance(
        ctx.generated_at, datetime) else None
    if when is not None:
        props.created = when
        props.modified = when
        props.last_printed = when


# -- helpers of the contents page ---------------------------------------------------------

def _style_names(w: Writer) -> set[str]:
    return {s.name for s in w.doc.styles}


def _thai_rpr() -> Any:
    from docx.oxml import OxmlElement

    rpr = OxmlElement("w:rPr")
    ooxml.thai_run(rpr)
    ooxml.set_size(rpr, BODY_PT)
    return rpr


def _text_run(text: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r = OxmlElement("w:r")
    r.append(_thai_rpr())
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    r.append(t)
    return r


def _close_field_after(first: Any, last: Any) -> None:
    """Move the TOC field's end from the first entry's paragraph to the last one's, so the
    field's shown result spans every entry (as Word writes a table of contents)."""
    from docx.oxml.ns import qn

    ends = [r for r in first._p.iter(qn("w:r"))
            if (c := r.find(qn("w:fldChar"))) is not None and c.get(qn("w:fldCharType")) == "end"]
    if ends and last._p is not first._p:
        last._p.append(ends[-1])
