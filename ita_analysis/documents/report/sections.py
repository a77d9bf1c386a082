"""The document's sections as HTML fragments, one function per section, in the seed's order.

Each function takes the ``ReportContext`` and returns an HTML string (empty when the section
has nothing to show, so that no empty heading is ever printed). Fragments are Jinja2 templates
in ``templates/sections/`` with autoescaping on: every organisation name, measure and other
data-derived string is escaped. The environment's ``finalize`` writes the digits of every
printed value in the chosen script (Thai or Arabic), so no figure, year or number escapes the
option; only markup built here (``Markup``: charts, identifiers marked ``verbatim``) passes
through untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from ...present.thaibreak import wrap_html
from ...thai import (
    Digits,
    apply_digits,
    format_int,
    format_number,
    format_score,
    thai_date,
    thai_month_year,
)
from .. import TEMPLATES
from .context import ANNEX_TITLES, SECTION_TITLES, ReportContext

TEMPLATE_DIR = TEMPLATES / "sections"
THAI_TIME = timezone(timedelta(hours=7), "ICT")

# The order of the public document; ``document`` joins them, the notebook has one cell each.
ORDER = ("cover", "preface", "contents", "framework", "results", "analysis", "recommendations",
         "weakest", "measures", "charts", "history", "peers", "colophon")
# The internal annex (annex.html): for the analysts who audit a run, never published.
ANNEX_ORDER = ("annex_cover", "annex_quality", "annex_framework", "annex_run")
ANNEX_TAG = "annex"  # the notebook tags the annex's cells with it
SYNTHETIC_NOTE = "ข้อมูลสังเคราะห์ ไม่ใช่ผลการประเมินจริง"

PROVENANCE_TH = {
    "verified": "ตรวจสอบแล้ว",
    "partly verified": "ตรวจสอบแล้วบางส่วน",
    "unverified": "ยังไม่ได้ตรวจสอบกับคู่มือการประเมินฉบับทางการ",
}
PEER_SCOPE_TH = {"province": "หน่วยงานใน{group}", "org_type": "{group}ทั้งหมดในชุดข้อมูล",
                 "all": "หน่วยงานทั้งหมดในชุดข้อมูล"}


# -- formatting: one object per digit mode, handed to every template as ``n`` ------------------

class Numbers:
    """Figures written the way the report prints them, in one digit script."""

    def __init__(self, digits: Digits) -> None:
        self.digits = digits

    def score(self, value: object) -> str:
        return format_score(value, self.digits)

    def signed(self, value: object) -> str:
        return format_number(value, 2, self.digits, sign=True)

    def int(self, value: object) -> str:
        return format_int(value, self.digits)

    def text(self, value: object) -> str:
        return apply_digits(str(value), self.digits)

    def percent_weight(self, weight: object) -> str:
        value = Decimal(str(weight)) * 100
        return format_number(value, 0 if value == value.to_integral() else 2, self.digits)

    def month(self, year: object, month: object) -> str:
        return thai_month_year(int(year), int(month), self.digits)

    def date(self, value: date) -> str:
        return thai_date(value, self.digits)

    def time(self, value: datetime) -> str:
        """A moment in Thailand's time (UTC+7, no daylight saving), as Thai prose writes it:
        "๑๕ ธันวาคม ๒๕๖๕ เวลา ๐๙.๑๐ น."."""
        here = value.astimezone(THAI_TIME) if value.tzinfo else value
        return apply_digits(f"{thai_date(here.date(), 'arabic')} เวลา "
                            f"{here:%H.%M} น.", self.digits)


def _finalize(digits: Digits) -> Callable[[object], object]:
    def finalize(value: object) -> object:
        if isinstance(value, Markup):
            return value  # markup built on purpose (charts, identifiers): left as it is
        if value is None:
            return ""
        if isinstance(value, float):
            raise TypeError(f"a float ({value!r}) reached a template unformatted; "
                            "use n.score() or n.signed()")
        return apply_digits(str(value), digits)

    return finalize


def verbatim(value: object) -> Markup:
    """An identifier printed exactly as stored (hash, org_id, version): digits untouched."""
    return Markup(escape(str(value)))


_SVG_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->|<metadata>.*?</metadata>",
                         re.DOTALL)


def inline_svg(svg: str) -> Markup:
    """A chart's SVG text ready to sit inside HTML: prolog, doctype, comments, metadata gone."""
    return Markup(_SVG_PROLOG.sub("", svg).strip())


def template_environment(folder: Path, digits: Digits, **names: Any) -> Environment:
    """Jinja2 for our HTML sections: autoescaped, strict, every printed value in ``digits``.

    ``names`` become template globals beside ``n`` (the number formatter).
    """
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=_finalize(digits),
    )
    env.filters["verbatim"] = verbatim
    env.globals["n"] = Numbers(digits)
    env.globals.update(names)
    return env


@cache
def environment(digits: Digits) -> Environment:
    return template_environment(TEMPLATE_DIR, digits, SECTION_TITLES=SECTION_TITLES,
                                ANNEX_TITLES=ANNEX_TITLES, SYNTHETIC_NOTE=SYNTHETIC_NOTE)


def keep_whole(org: dict[str, str]) -> tuple[str, ...]:
    """Names a line should not break inside: the organisation and its places."""
    return tuple(org[key] for key in ("name", "district", "province") if org.get(key))


def _render(name: str, ctx: ReportContext, **values: Any) -> str:
    """A section's HTML, with the points where its Thai lines may break marked."""
    template = environment(ctx.digits).get_template(f"{name}.html.j2")
    html = template.render(ctx=ctx, f=ctx.findings, fw=ctx.framework, org=ctx.org,
                           sec=ctx.sections, tab=ctx.tables,
                           target=_narrative().target_phrase(ctx.findings.target, ctx.digits),
                           **values).strip()
    return wrap_html(html, keep=keep_whole(ctx.org))


def _narrative() -> Any:
    from ...present import narrative

    return narrative


def _place(org: dict[str, str]) -> str:
    return " ".join(part for part in (org["district"], org["province"]) if part)


# -- the sections ---------------------------------------------------------------------------

def _title_lines(name_th: str, short_name: str) -> list[str]:
    """The cover title in two balanced lines, broken before "ในการดำเนินงาน" when it has one."""
    title = f"การวิเคราะห์ผล{name_th} ({short_name})"
    head, sep, tail = title.partition("ในการดำเนินงาน")
    return [head.strip(), sep + tail] if sep and head.strip() else [title]


def cover(ctx: ReportContext) -> str:
    return _render("cover", ctx, place=_place(ctx.org),
                   title_lines=_title_lines(ctx.framework.name_th, ctx.framework.short_name))


def preface(ctx: ReportContext) -> str:
    return _render("preface", ctx, mandate=ctx.framework.mandate, date=ctx.document_date,
                   period=ctx.assessment_period, next_year=ctx.params.fiscal_year + 1)


def contents(ctx: ReportContext) -> str:
    return _render("contents", ctx)


def framework(ctx: ReportContext) -> str:
    fw = ctx.framework
    rows = []
    for tool in fw.tools:
        for i, number in enumerate(tool.indicators):
            rows.append({"tool": tool if i == 0 else None, "span": len(tool.indicators),
                         "indicator": fw.indicator(number)})
    conditional = any(band.each_tool_min is not None for band in fw.grading.bands)
    return _render("framework", ctx, rows=rows, period=ctx.assessment_period,
                   noted_bands=[band for band in fw.grading.bands if not band.confirmed],
                   conditional=conditional)


def results(ctx: ReportContext) -> str:
    return _render("results", ctx, place=_place(ctx.org))


def analysis(ctx: ReportContext) -> str:
    nar, f, d = _narrative(), ctx.findings, ctx.digits
    paragraphs = [nar.overall_text(f, ctx.org["name"], d), nar.national_text(f, d),
                  nar.strongest_weakest_text(f, d)]
    return _render("analysis", ctx, paragraphs=[p for p in paragraphs if p])


def _recs(ctx: ReportContext, scope: str) -> dict[str, Any]:
    return {str(r.key): r for r in ctx.recommendations if r.scope == scope}


def recommendations(ctx: ReportContext) -> str:
    nar, f = _narrative(), ctx.findings
    tool_recs, indicator_recs = _recs(ctx, "tool"), _recs(ctx, "indicator")
    tools = []
    for tool in f.tools:
        trec = tool_recs.get(tool.code)
        tools.append({
            "tool": tool,
            "text": nar.tool_text(f, tool.code, ctx.digits),
            "advice": list(trec.texts) if trec else [],
            "indicators": [{"ind": f.indicator(number),
                            "texts": (indicator_recs[str(number)].texts
                                      if str(number) in indicator_recs else [])}
                           for number in tool.indicators],
        })
    return _render("recommendations", ctx, tools=tools)


def weakest(ctx: ReportContext) -> str:
    if "weakest" not in ctx.sections:
        return ""
    f = ctx.findings
    detail = _narrative().weakest_detail_text(f, ctx.digits)
    proposed_items = {m.addresses[0] for m in ctx.measure_plan.proposals
                      if len(m.addresses) == 1 and not m.addresses[0].isdigit()}
    blocks = []
    for number in ctx.weakest_in_depth:
        summary = ctx.item_summary(number)
        groups: list[dict[str, Any]] = []
        if summary is not None:
            subs = {sub.code: sub for sub in summary.sub_indicators}
            for item in summary.items:
                code = str(item["sub_indicator"])
                if not groups or groups[-1]["code"] != code:
                    groups.append({"code": code, "sub": subs[code], "rows": []})
                groups[-1]["rows"].append(item)
        codes = {str(item["code"]) for g in groups for item in g["rows"]}
        item_recs = [r for r in ctx.recommendations
                     if r.scope == "item" and str(r.key) in codes]
        blocks.append({"indicator": f.indicator(number), "summary": summary, "groups": groups,
                       "item_recs": item_recs})
    every_proposed = all(str(r.key) in proposed_items for b in blocks for r in b["item_recs"])
    return _render("weakest", ctx, detail=detail, blocks=blocks, plan=ctx.measure_plan,
                   proposed_items=every_proposed)


def _links(ctx: ReportContext) -> Callable[[tuple[int, ...], list[Any]], str]:
    """How the links table names the measures that address a weak point."""
    n = Numbers(ctx.digits)

    def links(numbers: tuple[int, ...], measures: list[Any], past: bool = False) -> str:
        if not numbers:
            return "ไม่มี" if past else "ยังไม่มีมาตรการรองรับ"
        by_number = {m.number: m for m in measures}
        names = [f"มาตรการที่ {n.int(k)}" + (" (เสนอ)" if by_number[k].proposed else "")
                 for k in numbers]
        return _narrative().join_thai(names)

    return links


def _point_name(w: Any, digits: Digits) -> str:
    if w.kind == "indicator":
        return _narrative().indicator_label(int(w.key), w.name_th, digits)
    return f"ข้อ {w.key} {w.name_th}"


def measures(ctx: ReportContext) -> str:
    plan = ctx.measure_plan
    uncovered = _narrative().join_thai([_point_name(w, ctx.digits)
                                        for w in plan.uncovered_by_own]) if plan.own else ""
    return _render("measures", ctx, plan=plan, links=_links(ctx), uncovered=uncovered)


def charts(ctx: ReportContext) -> str:
    if "charts" not in ctx.sections:
        return ""
    return _render("charts", ctx, figures=ctx.figures_in("charts"), svg=inline_svg)


def history(ctx: ReportContext) -> str:
    if "history" not in ctx.sections:
        return ""
    f = ctx.findings
    text = _narrative().change_text(f, ctx.digits)
    history_rows = ctx.history
    tool_codes = list(dict.fromkeys(code for row in history_rows for code in row["tools"]))
    rows, before = [], None
    for row in history_rows:
        now = Decimal(str(row["overall_2dp"]))
        rows.append({**row, "delta": None if before is None else now - before})
        before = now
    return _render("history", ctx, text=text, rows=rows, tool_codes=tool_codes,
                   figures=ctx.figures_in("history"), svg=inline_svg)


def peers(ctx: ReportContext) -> str:
    if "peers" not in ctx.sections:
        return ""
    f = ctx.findings
    text = _narrative().peers_text(f, ctx.org["name"], ctx.digits)
    # A group as large as the whole data set is the whole data set: show it once.
    everyone = max(p.count for p in f.peers)
    groups, shown_everyone = [], False
    for p in f.peers:
        if p.count == everyone:
            if shown_everyone:
                continue
            shown_everyone = True
        groups.append({"peer": p, "label": PEER_SCOPE_TH[p.scope].format(group=p.group)})
    return _render("peers", ctx, text=text, groups=groups, figures=ctx.figures_in("peers"),
                   svg=inline_svg)


def colophon(ctx: ReportContext) -> str:
    return _render("colophon", ctx)


# -- the internal annex -----------------------------------------------------------------------

def annex_cover(ctx: ReportContext) -> str:
    return _render("annex_cover", ctx, place=_place(ctx.org))


def _published_rows(ctx: ReportContext) -> list[dict[str, Any]]:
    """The agency's published figures beside the recomputed ones, for the annex's table."""
    f, n = ctx.findings, Numbers(ctx.digits)
    m = ctx.dataset.published
    rows = m[(m["org_id"] == f.org_id) & (m["fiscal_year"] == f.fiscal_year)]
    if rows.empty:
        return []
    row = rows.iloc[0]
    out = []
    for tool in f.tools:
        value = row.get(tool.code.lower())
        if value is not None and not pd.isna(value):
            out.append({"key": tool.code, "label": f"คะแนน {tool.code}",
                        "published": n.score(value), "computed": n.score(tool.score_2dp),
                        "same": abs(Decimal(str(value)) - Decimal(str(tool.score_2dp)))
                        <= Decimal("0.01")})
    if not pd.isna(row.get("overall")):
        out.append({"key": "overall", "label": "คะแนนรวม", "published": n.score(row["overall"]),
                    "computed": n.score(f.overall_2dp),
                    "same": abs(Decimal(str(row["overall"])) - Decimal(str(f.overall_2dp)))
                    <= Decimal("0.01")})
    if row.get("grade"):
        out.append({"key": "grade", "label": ctx.framework.grading.name_th,
                    "published": row["grade"], "computed": f.grade,
                    "same": row["grade"] == f.grade})
    return out


def annex_quality(ctx: ReportContext) -> str:
    f = ctx.findings
    texts = list(_narrative().reconciliation_texts(f, ctx.digits))
    kinds = [r.severity for r in f.reconciliation]
    m = ctx.dataset.measures
    has_measures = bool(((m["org_id"] == f.org_id) & (m["fiscal_year"] == f.fiscal_year)).any())
    published = _published_rows(ctx)
    return _render("annex_quality", ctx, texts=texts, published_rows=published,
                   contradictions=kinds.count("contradiction"), notices=kinds.count("notice"),
                   has_published=bool(published), has_items=bool(f.items),
                   has_measures=has_measures, plan_notes=_plan_notes(ctx))


def _plan_notes(ctx: ReportContext) -> list[str]:
    """What the analyst should know of the measures: periods that ended, unstated links."""
    plan, n = ctx.measure_plan, Numbers(ctx.digits)
    notes = []
    if plan.done:
        notes.append(f"มาตรการ {n.int(len(plan.done))} มาตรการในข้อมูลมีระยะเวลาดำเนินการสิ้นสุด"
                     f"ก่อนเริ่มปีงบประมาณ พ.ศ. {n.text(plan.year)} ซึ่งเป็นปีที่การวิเคราะห์ผล"
                     f"ปี {n.text(plan.assessed_year)} ต้องกำหนดมาตรการไว้ เอกสารจึงแสดงแยกไว้"
                     "ในตารางมาตรการที่ดำเนินการแล้ว")
    if not plan.own:
        notes.append(f"ข้อมูลไม่มีมาตรการสำหรับปีงบประมาณ พ.ศ. {n.text(plan.year)} เอกสารจึงแสดง"
                     f"ร่างมาตรการ {n.int(len(plan.proposals))} มาตรการจากคลังข้อเสนอแนะ")
    if (plan.own or plan.done) and not plan.stated:
        notes.append("มาตรการในข้อมูลไม่มีคอลัมน์ addresses จึงเชื่อมโยงมาตรการกับ"
                     "ประเด็นที่ควรพัฒนาไม่ได้")
    return notes


def annex_framework(ctx: ReportContext) -> str:
    fw, nar = ctx.framework, _narrative()
    return _render("annex_framework", ctx, status=PROVENANCE_TH[fw.provenance.status],
                   fw_file=_framework_shown(ctx),
                   noted_bands=[band for band in fw.grading.bands if not band.confirmed],
                   label_notes=[*nar.rules_notes(fw, ctx.framework_origin, ctx.digits),
                                *nar.label_notes(ctx.findings, ctx.digits)])


def _framework_shown(ctx: Any) -> str:
    """The framework file as the package names it, the same wherever it is installed (a data
    folder's own file by its place in the folder)."""
    if ctx.framework_origin == "data folder":
        return f"frameworks/{ctx.framework_file.name} (data folder)"
    return f"ita_analysis/rules/frameworks/{ctx.framework_file.name}"


def colophon_values(ctx: Any) -> dict[str, Any]:
    """What an annex (report or portfolio) records of the run that made the document."""
    return {
        "fw_file": _framework_shown(ctx),
        "rec_file": f"ita_analysis/rules/recommendations/{ctx.framework_file.name}",
        "files": ", ".join(sorted(p.name for p in ctx.dataset.files.values())),
        "params": ctx.params.as_dict(),
    }


def annex_run(ctx: ReportContext) -> str:
    return _render("annex_run", ctx, **colophon_values(ctx))


SECTIONS: dict[str, Callable[[ReportContext], str]] = {
    "cover": cover, "preface": preface, "contents": contents, "framework": framework,
    "results": results, "analysis": analysis, "recommendations": recommendations,
    "weakest": weakest, "measures": measures, "charts": charts, "history": history,
    "peers": peers, "colophon": colophon,
    "annex_cover": annex_cover, "annex_quality": annex_quality,
    "annex_framework": annex_framework, "annex_run": annex_run,
}


def document(ctx: ReportContext) -> str:
    """Every public section in order, as one HTML fragment."""
    return "\n".join(part for part in (SECTIONS[name](ctx) for name in ORDER) if part)


def annex(ctx: ReportContext) -> str:
    """Every section of the internal annex in order, as one HTML fragment."""
    return "\n".join(part for part in (SECTIONS[name](ctx) for name in ANNEX_ORDER) if part)


__all__ = ["ANNEX_ORDER", "ORDER", "SECTIONS", "annex", "document", *ORDER, *ANNEX_ORDER]
