"""A report's parameters, checked before any kernel starts, and the context its sections read.

``check_parameters`` is the one gate: the organisation exists, the fiscal year has a
framework file, the data folder is valid and holds the organisation's scores for that year,
``digits`` is ``thai`` or ``arabic`` and the date reads as an ISO date. Each failure is a
one-line ``ParameterError``; the command calls it before papermill starts a kernel, and the
notebook calls it again (through ``build_context``) so that it also fails clearly when run on
its own in JupyterLab.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from ... import __version__
from ...analysis.findings import Findings, analyse
from ...analysis.measures import MeasurePlan, plan_measures
from ...data.dataset import Dataset
from ...errors import ParameterError
from ...rules.framework import Framework
from ...scoring import score_table
from ...thai import Digits, check_digits, fiscal_year_bounds, parse_document_date
from ..facts import ContextFacts
from ..params import check_hint, checked_dataset, data_folder, fiscal_year_param, require_org

DEFAULT_ORG = "nongsaeng-prachinburi"
DEFAULT_YEAR = 2565

# Numbered sections, in the seed document's order and then what the seed lacks.
SECTION_TITLES: dict[str, str] = {
    "framework": "กรอบการประเมินคุณธรรมและความโปร่งใส",
    "results": "ผลการประเมินคุณธรรมและความโปร่งใส",
    "analysis": "การวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส",
    "recommendations": "ข้อเสนอแนะจากการประเมินคุณธรรมและความโปร่งใส",
    "weakest": "ประเด็นที่ควรพัฒนา: ตัวชี้วัดที่ได้คะแนนต่ำสุด",
    "measures": "มาตรการเพื่อขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
    "charts": "แผนภูมิผลการประเมิน",
    "history": "ผลการประเมินเทียบกับปีที่ผ่านมา",
    "peers": "ผลการประเมินเทียบกับหน่วยงานอื่น",
}

# The internal annex (annex.html): what an analyst needs to audit the run, never published.
ANNEX_TITLES: dict[str, str] = {
    "annex_quality": "การตรวจสอบข้อมูลและตัวเลขที่หน่วยงานเคยประกาศ",
    "annex_framework": "ที่มาของกรอบการประเมินและเกณฑ์",
    "annex_run": "บันทึกการจัดทำเอกสาร",
}


@dataclass(frozen=True)
class ReportParams:
    """Checked parameters of one report (``data_dir`` resolved to an absolute folder)."""

    org_id: str
    fiscal_year: int
    data_dir: str  # "" = the embedded default data
    digits: Digits
    report_date: date | None  # the date printed under the preface, when one is given
    report_date_given: str  # as given ("" = take it from the data, else leave it blank)

    def notebook_parameters(self) -> dict[str, Any]:
        """The values papermill injects into the notebook."""
        return {"org_id": self.org_id, "fiscal_year": self.fiscal_year,
                "data_dir": self.data_dir, "digits": self.digits,
                "report_date": self.report_date_given}

    def as_dict(self) -> dict[str, Any]:
        return {"org_id": self.org_id, "fiscal_year": self.fiscal_year,
                "data_dir": self.data_dir, "digits": self.digits,
                "report_date": self.report_date.isoformat() if self.report_date else ""}


DATE_LEEWAY = timedelta(days=366)  # a document may be dated ahead, for its signing


def parse_report_date(value: object, fiscal_year: int,
                      today: date | None = None) -> tuple[date | None, str]:
    """The date printed under the preface and the date as given; none when none is given
    (never the day the command happens to run). Refused when it cannot be meant: a Buddhist
    Era year written as if CE (``2567-01-01`` would print as the year ๓๑๑๐), a day before
    the fiscal year began, or one more than a year from today."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        value = value.isoformat()
    text = str(value).strip()
    try:
        parsed = parse_document_date(text)
    except ValueError as exc:
        raise ParameterError(f"report date: {exc}") from None
    begun = fiscal_year_bounds(fiscal_year)[0]
    if parsed < begun:
        raise ParameterError(
            f"report date {text!r} is before fiscal year {fiscal_year} began ({begun}); "
            "expected a date on or after it, in the Christian Era (CE)")
    today = today or date.today()
    if parsed > today + DATE_LEEWAY:
        raise ParameterError(
            f"report date {text!r} is more than a year after today ({today}); expected a "
            "date near the report's making, in the Christian Era (CE)")
    return parsed, parsed.isoformat()


def check_parameters(
    org_id: str = DEFAULT_ORG,
    fiscal_year: int = DEFAULT_YEAR,
    data_dir: str | Path | None = "",
    digits: str = "thai",
    report_date: str | date | None = "",
) -> tuple[ReportParams, Dataset]:
    """Check every parameter without starting anything; one-line ``ParameterError`` if wrong."""
    checked_digits = check_digits(digits)
    year = fiscal_year_param(fiscal_year)
    when, given = parse_report_date(report_date, year)
    folder = data_folder(data_dir)
    # another organisation's invalid rows do not stop this one's report (as in a batch)
    dataset = checked_dataset(year, folder)
    org_id = require_org(dataset, org_id, check_hint(folder))
    mine = dataset.scores[dataset.scores["org_id"] == org_id]
    if not (mine["fiscal_year"] == year).any():
        have = sorted(int(y) for y in mine["fiscal_year"].unique())
        raise ParameterError(
            f"organisation {org_id!r} has no scores for fiscal year {year} in {dataset.source}"
            + (f"; it has {', '.join(map(str, have))}" if have else "; it has no scores at all"))
    params = ReportParams(org_id=org_id, fiscal_year=year,
                          data_dir=str(folder) if folder else "", digits=checked_digits,
                          report_date=when, report_date_given=given)
    return params, dataset


@dataclass(frozen=True)
class Figure:
    key: str
    number: int
    caption: str
    svg: str


@dataclass
class ReportContext(ContextFacts):
    """Everything the sections of one report read; built once per run by ``build_context``."""

    params: ReportParams
    dataset: Dataset
    framework: Framework
    framework_file: Path
    table: pd.DataFrame  # the whole data set, scored
    findings: Findings
    generated_at: datetime
    version: str = __version__
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- plain look-ups (digits, framework_origin: ContextFacts) -------------------------
    def rules_summary(self) -> dict[str, Any]:
        """The rules this report used, where each came from, and the notes an analyst needs
        about them (copied year, data folder's file, label not printed): for summary.json and
        the annex."""
        from ...present import narrative
        from ...rules.check import record, resolve

        out = record(resolve(self.params.fiscal_year, self.dataset.rules_dir))
        out["notes_th"] = [*narrative.rules_notes(self.framework, self.framework_origin,
                                                  self.digits),
                           *narrative.label_notes(self.findings, self.digits)]
        return out

    @cached_property  # read by every section and chart: about 40 times a report
    def org(self) -> dict[str, str]:
        row = self.dataset.organisation(self.params.org_id)
        return {key: ("" if pd.isna(row[key]) else str(row[key]))
                for key in ("org_id", "name", "org_type", "district", "province",
                            "executive_name", "executive_title")}

    @property
    def synthetic(self) -> bool:
        return self.dataset.synthetic

    @cached_property
    def document_date(self) -> date | None:
        """The date under the preface: the one asked for, else the one in the data (the
        published analysis' own), else none: the agency dates the document when it signs."""
        if self.params.report_date is not None:
            return self.params.report_date
        p = self.dataset.published
        rows = p[(p["org_id"] == self.params.org_id)
                 & (p["fiscal_year"] == self.params.fiscal_year)]["document_date"].dropna()
        return rows.iloc[0] if len(rows) else None

    @property
    def assessment_period(self) -> tuple[date, date]:
        """The fiscal year assessed: 1 October to 30 September."""
        return fiscal_year_bounds(self.params.fiscal_year)

    @cached_property
    def recommendations(self) -> list[Any]:
        from ...present.advice import recommendations

        return list(recommendations(self.findings))

    @cached_property
    def measure_plan(self) -> MeasurePlan:
        """Next year's measures: the agency's own, or proposed, linked to the weak points."""
        m = self.dataset.measures
        rows = m[(m["org_id"] == self.params.org_id)
                 & (m["fiscal_year"] == self.params.fiscal_year)]
        records = [{key: (None if not isinstance(value, tuple) and pd.isna(value) else value)
                    for key, value in r.items()} for r in rows.to_dict("records")]
        from ...rules.library import load_recommendations

        return plan_measures(self.findings, records,
                             load_recommendations(self.params.fiscal_year,
                                                  self.findings.rules_dir or None))

    @property
    def history(self) -> list[dict[str, Any]]:
        """The organisation's results up to this report's year (later years stay out)."""
        return [row for row in self.findings.history
                if int(row["fiscal_year"]) <= self.params.fiscal_year]

    @property
    def weakest_in_depth(self) -> list[int]:
        """Weakest indicators worth a section: none when every indicator scores alike."""
        f = self.findings
        return [] if set(f.weakest) == {i.number for i in f.indicators} else list(f.weakest)

    # -- which numbered sections, tables and figures the document holds ---------------
    @cached_property
    def sections(self) -> dict[str, int]:
        present = {
            "framework": True, "results": True, "analysis": True, "recommendations": True,
            "weakest": bool(self.weakest_in_depth),
            "measures": True,
            # the indicator and tool charts are always drawn: knowing that the section is
            # there must not draw them (summary.json asks in the parent process, too)
            "charts": True,
            "history": len(self.history) > 1,
            "peers": bool(self.findings.peers),
        }
        keys = [key for key in SECTION_TITLES if present[key]]
        return {key: number for number, key in enumerate(keys, start=1)}

    def section_number(self, key: str) -> int | None:
        return self.sections.get(key)

    @cached_property
    def tables(self) -> dict[str, int]:
        keys = ["framework_tools", "framework_grades", "results", "extremes"]
        if "weakest" in self.sections:
            keys += [f"items_{n}" for n in self.weakest_in_depth if self.item_summary(n)]
        keys.append("measures")
        plan = self.measure_plan
        if plan.weak_points and (plan.own or plan.done):
            keys.append("links")
        if plan.done:
            keys.append("measures_done")
        if "history" in self.sections:
            keys.append("history")
        if "peers" in self.sections:
            keys.append("peers")
        return {key: number for number, key in enumerate(keys, start=1)}

    def item_summary(self, indicator: int) -> Any:
        return next((s for s in self.findings.items if s.indicator == indicator), None)

    @cached_property
    def figures(self) -> list[Figure]:
        """Every chart of the document, numbered in document order (drawn once)."""
        from ...present.charts import report as charts
        from ...present.charts.style import page_fonts

        f, d = self.findings, self.digits
        with page_fonts():  # the document (or the notebook's lab_style) carries Sarabun
            drawn: list[tuple[str, str, str | None]] = [
                ("indicators", "คะแนนรายตัวชี้วัดเทียบกับค่าเป้าหมาย",
                 charts.indicator_chart(f, d)),
                ("tools", "คะแนนรายเครื่องมือการประเมิน", charts.tool_chart(f, d)),
            ]
            if len(self.history) > 1:
                upto = f.model_copy(update={"history": self.history})
                drawn.append(("history", "คะแนนรวมและคะแนนรายเครื่องมือในแต่ละปีงบประมาณ",
                              charts.history_chart(upto, d)))
            if self.peer_group is not None:
                group = self.peer_group
                where = ("หน่วยงานทั้งหมดในชุดข้อมูล" if group.scope == "all"
                         else f"หน่วยงานใน{group.group}" if group.scope == "province"
                         else f"{group.group}ในชุดข้อมูล")
                drawn.append(("peers", f"การกระจายของคะแนนรวมของ{where}",
                              charts.peer_chart(f, self.peer_scores, d)))
        kept = [(key, caption, svg) for key, caption, svg in drawn if svg]
        return [Figure(key, number, caption, svg)
                for number, (key, caption, svg) in enumerate(kept, start=1)]

    def figures_in(self, section: str) -> list[Figure]:
        keys = {"charts": ("indicators", "tools"), "history": ("history",),
                "peers": ("peers",)}[section]
        return [fig for fig in self.figures if fig.key in keys]

    @property
    def peer_group(self) -> Any:
        """The narrowest peer group the data holds (province, then type, then everyone)."""
        return self.findings.peers[0] if self.findings.peers else None

    @property
    def peer_scores(self) -> list[float]:
        """Two-decimal overall scores of the peer group's organisations in the fiscal year."""
        group = self.peer_group
        if group is None:
            return []
        year = self.table[self.table["fiscal_year"] == self.params.fiscal_year]
        year = year.merge(self.dataset.organisations[["org_id", "province", "org_type"]],
                          on="org_id", how="left")
        if group.scope != "all":
            year = year[year[group.scope] == group.group]
        return [float(v) for v in year["overall_2dp"]]


_SCORED: dict[str, pd.DataFrame] = {}  # data digest -> the data set scored
_SCORED_KEEP = 4


def scored_table(dataset: Dataset) -> pd.DataFrame:
    """``score_table(dataset.scores)``, computed once per process for each data set (keyed by
    its digest, a hash of every file's bytes, the folder's own rule files included; the
    package's frameworks do not change while it runs). A
    process or warm kernel that makes many reports from one data set scores it once: a
    national data set takes ~0.1 s to score. The table is shared: read it, never change it
    in place."""
    table = _SCORED.get(dataset.digest)
    if table is None:
        table = score_table(dataset.scores, dataset.frameworks)
        while len(_SCORED) >= _SCORED_KEEP:
            _SCORED.pop(next(iter(_SCORED)))
        _SCORED[dataset.digest] = table
    return table


def build_context(
    org_id: str = DEFAULT_ORG,
    fiscal_year: int = DEFAULT_YEAR,
    data_dir: str | Path | None = "",
    digits: str = "thai",
    report_date: str | date | None = "",
    generated_at: str | datetime | None = "",
    *,
    now: datetime | None = None,
) -> ReportContext:
    """Check the parameters, score the data and analyse the organisation's year.

    ``generated_at`` (ISO time) is the run time the document records; empty means now.
    """
    if generated_at and not isinstance(generated_at, datetime):
        try:
            generated_at = datetime.fromisoformat(str(generated_at))
        except ValueError:
            raise ParameterError(f"generated_at must be an ISO time such as "
                                 f"2022-12-15T10:00:00+07:00; got {generated_at!r}") from None
    now = now or (generated_at or None)
    if now is not None and now.tzinfo is None:
        now = now.astimezone()
    params, dataset = check_parameters(org_id, fiscal_year, data_dir, digits, report_date)
    table = scored_table(dataset)
    findings = analyse(dataset, params.org_id, params.fiscal_year, table=table)
    return ReportContext(
        params=params,
        dataset=dataset,
        framework=dataset.framework(params.fiscal_year),
        framework_file=dataset.frameworks.path(params.fiscal_year),
        table=table,
        findings=findings,
        generated_at=(now or datetime.now().astimezone()),
    )
