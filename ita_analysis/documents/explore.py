"""An analyst's view of a data folder: the tables and charts ``notebooks/explore.ipynb`` shows.

``explore(...)`` loads and checks a data folder, scores it and analyses one group of it (the
portfolio's scope: a province, a district, a type, any combination, or everyone) in one fiscal
year; the ``Exploration`` it returns gives every view as a DataFrame with Thai headers, as a
pandas ``Styler`` formatted in the chosen digits, or as a chart (the package's own, in Sarabun).
Nothing is computed here that the library does not already compute for the documents: the
figures come from ``portfolio.analyse_portfolio`` and ``findings.analyse``, so what an analyst
sees here is what the reports print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import escape
from pandas.io.formats.style import Styler

from ..analysis.findings import Findings, analyse
from ..data.dataset import load_dataset, synthetic_data_dir
from ..errors import ParameterError
from ..present.charts.style import BELOW_COLOUR
from ..rounding import round2
from ..thai import Digits, format_int, format_number, format_score
from .params import require_org
from .portfolio.sections import PortfolioContext, build_context

__all__ = ["Chart", "Exploration", "explore", "latest_year"]

FONT_CSS = "font-family: 'Sarabun', sans-serif"
TABLE_CLASS = "ita"  # lab.py sets tables of this class in Sarabun
BELOW_CSS = f"color: {BELOW_COLOUR}; font-weight: 700"

# Thai headers of the views (the columns of the DataFrames below)
ORG = "หน่วยงาน"
TYPE = "ประเภท"
DISTRICT = "อำเภอ"
PROVINCE = "จังหวัด"
RANK = "อันดับ"
OVERALL = "คะแนนรวม"
RESULT = "ผลการประเมิน"
PASSED = "ถึงค่าเป้าหมาย"
PREVIOUS = "ปีก่อน"
CHANGE = "เปลี่ยนแปลง"
COUNT = "จำนวนหน่วยงาน"
SHARE = "ร้อยละ"
YEAR = "ปีงบประมาณ"
YES, NO = "ใช่", "ไม่"
CHARTS = ("histogram", "grades", "heat_map", "movement")
NOTHING_TO_DRAW = "ไม่มีแผนภูมินี้สำหรับข้อมูลชุดนี้ (ข้อมูลไม่พอ เช่น ไม่มีปีก่อนหน้า)"


def _tool_header(code: str) -> str:
    return f"คะแนน {code}"


def _indicator_header(number: int) -> str:
    return f"ตัวชี้วัดที่ {number}"


@dataclass(frozen=True)
class Chart:
    """One of the package's charts (inline SVG, drawn in Sarabun), shown by a notebook."""

    caption: str
    svg: str = field(default="", repr=False)  # "" where the data has nothing to draw

    def _repr_html_(self) -> str:
        return (f'<figure style="margin:0;{FONT_CSS}">{self.svg}'
                f"<figcaption>{escape(self.caption)}</figcaption></figure>")


def latest_year(data_dir: str | Path | None = "") -> int:
    """The latest fiscal year with scores in a data folder ("" = the embedded synthetic one)."""
    folder = Path(data_dir).expanduser() if data_dir not in (None, "") else synthetic_data_dir()
    if not folder.is_dir():
        raise ParameterError(f"data folder {folder} does not exist or is not a folder")
    years = load_dataset(folder, isolate=True).scores["fiscal_year"]
    if years.empty:
        raise ParameterError(f"the data in {folder} has no scores")
    return int(years.max())


def explore(data_dir: str | Path | None = "", fiscal_year: int = 0, province: str = "",
            district: str = "", org_type: str = "", org_id: str = "",
            digits: str = "thai") -> Exploration:
    """Load, check, score and analyse a data folder for one group and one fiscal year.

    ``data_dir`` "" is the embedded synthetic province (invented data); ``fiscal_year`` 0 is
    the latest year in the data; empty filters mean "any"; ``org_id`` "" picks the group's
    lowest-ranked organisation (the one with most to improve). One-line ``ParameterError`` for
    anything the data does not hold.
    """
    year = int(fiscal_year) if fiscal_year else latest_year(data_dir)
    ctx = build_context(fiscal_year=year, data_dir=data_dir or "", province=province,
                        district=district, org_type=org_type, digits=digits)
    return Exploration(ctx, _org(ctx, org_id))


def _org(ctx: PortfolioContext, org_id: str) -> str:
    if not org_id:
        return ctx.portfolio.ranking[-1].org_id
    return require_org(ctx.dataset, org_id)


@dataclass
class Exploration:
    """The views of one group in one fiscal year (and of one organisation's history)."""

    ctx: PortfolioContext
    org_id: str
    _findings: dict[tuple[str, int], Findings] = field(default_factory=dict, repr=False)

    # -- what was explored ---------------------------------------------------------------------

    @property
    def fiscal_year(self) -> int:
        return self.ctx.params.fiscal_year

    @property
    def digits(self) -> Digits:
        return self.ctx.digits

    @property
    def data_dir(self) -> str:
        """The data folder as given ("" = the embedded synthetic data)."""
        return self.ctx.params.data_dir

    @property
    def data_folder(self) -> str:
        """The data folder itself, the embedded synthetic one included (``render_report``
        reads "" as the embedded *default* data, so it is given the folder)."""
        return self.data_dir or str(synthetic_data_dir())

    @property
    def title(self) -> str:
        return f"{self.ctx.portfolio.scope_label} ปีงบประมาณ พ.ศ. {self.fiscal_year}"

    def narrow(self, province: str | None = None, district: str | None = None,
               org_type: str | None = None, org_id: str | None = None,
               fiscal_year: int | None = None) -> Exploration:
        """The same data with other filters (None keeps a filter, "" clears it); the
        organisation stays if the new group holds it, else the group's lowest-ranked."""
        p = self.ctx.params
        x = explore(self.data_dir, fiscal_year or p.fiscal_year,
                    p.province if province is None else province,
                    p.district if district is None else district,
                    p.org_type if org_type is None else org_type, org_id or "", p.digits)
        if org_id is None and self.org_id in {r.org_id for r in x.ctx.portfolio.ranking}:
            x.org_id = self.org_id
        return x

    def name(self, org_id: str | None = None) -> str:
        """An organisation's name as the data writes it."""
        names = self.ctx.dataset.organisations.set_index("org_id")["name"]
        return str(names[org_id or self.org_id])

    # -- tables --------------------------------------------------------------------------------

    def overview(self) -> pd.DataFrame:
        """The group's figures in one column: how many, mean, median, range, at the target."""
        p = self.ctx.portfolio
        rows = {
            COUNT: p.count,
            "คะแนนรวมเฉลี่ย": p.mean_2dp,
            "มัธยฐาน": p.median_2dp,
            "ต่ำสุด": p.min_2dp,
            "สูงสุด": p.max_2dp,
            "ค่าเป้าหมาย": p.target,
            f"{COUNT}ที่ถึงค่าเป้าหมาย": p.at_target,
            f"{SHARE}ที่ถึงค่าเป้าหมาย": p.share_at_target,
        }
        return pd.DataFrame({self.title: pd.Series(rows, dtype=object)})

    def styled_overview(self) -> Styler:
        """``overview()`` in the chosen digits: counts whole, scores and shares to two places."""
        frame = self.overview()
        column = frame.columns[0]
        counts = [COUNT, f"{COUNT}ที่ถึงค่าเป้าหมาย"]
        styler = self._style(frame, "ภาพรวมของกลุ่ม")
        return styler.format(lambda v: format_score(v, self.digits), subset=pd.IndexSlice[
            [r for r in frame.index if r not in counts], column]).format(
            lambda v: format_int(v, self.digits), subset=pd.IndexSlice[counts, column])

    def choices(self) -> pd.DataFrame:
        """How many organisations of the data are scored this year, by province, district and
        type: the values the filters take."""
        year = self.ctx.table[self.ctx.table["fiscal_year"] == self.fiscal_year]
        orgs = self.ctx.dataset.organisations
        rows = orgs[orgs["org_id"].isin(year["org_id"])].fillna({"district": ""})
        counts = rows.groupby(["province", "district", "org_type"]).size()
        return counts.rename(COUNT).reset_index().rename(
            columns={"province": PROVINCE, "district": DISTRICT, "org_type": TYPE})

    def scores(self) -> pd.DataFrame:
        """The group's scored table in ranking order: tools, overall, result, previous year."""
        p, fw = self.ctx.portfolio, self.ctx.framework
        rows = self.ctx.rows.set_index("org_id")
        out = pd.DataFrame({
            RANK: [r.rank for r in p.ranking],
            ORG: [r.name for r in p.ranking],
            TYPE: [r.org_type for r in p.ranking],
            DISTRICT: [r.district for r in p.ranking],
        }, index=pd.Index([r.org_id for r in p.ranking], name="org_id"))
        for code in fw.tool_codes:
            out[_tool_header(code)] = rows.loc[out.index, f"{code}_2dp"].to_numpy()
        out[OVERALL] = [r.overall_2dp for r in p.ranking]
        out[RESULT] = [r.grade for r in p.ranking]
        out[PASSED] = [YES if r.passed else NO for r in p.ranking]
        out[f"{OVERALL}{PREVIOUS}"] = [r.previous_2dp for r in p.ranking]
        out[CHANGE] = [r.change for r in p.ranking]
        return out

    def distribution(self) -> pd.DataFrame:
        """Organisations per five-point band of the overall score, lowest band first."""
        p = self.ctx.portfolio
        n = self._n
        return pd.DataFrame({
            "ช่วงคะแนน": [f"{n.int(b.low)}–{n.int(b.high)}" for b in p.bins],
            COUNT: [b.count for b in p.bins],
            PASSED: [YES if b.at_or_above_target else NO for b in p.bins],
        })

    def grades(self) -> pd.DataFrame:
        """Organisations per printed result (grade or pass label), in the framework's order."""
        return pd.DataFrame({
            RESULT: [g.label for g in self.ctx.portfolio.grades],
            COUNT: [g.count for g in self.ctx.portfolio.grades],
            SHARE: [g.share for g in self.ctx.portfolio.grades],
        })

    def heat_map(self) -> pd.DataFrame:
        """Two-decimal indicator scores, one row per organisation in ranking order."""
        hm = self.ctx.portfolio.heat_map
        return pd.DataFrame(hm.values, columns=[_indicator_header(n) for n in hm.indicators],
                            index=pd.Index(hm.labels, name=ORG))

    def weakest(self) -> pd.DataFrame:
        """Every indicator, weakest group mean first, with how many are below the target."""
        return pd.DataFrame({
            "ตัวชี้วัด": [s.number for s in self.ctx.portfolio.indicators],
            "ชื่อตัวชี้วัด": [s.name_th for s in self.ctx.portfolio.indicators],
            "เครื่องมือ": [s.tool for s in self.ctx.portfolio.indicators],
            "ค่าเฉลี่ย": [s.mean_2dp for s in self.ctx.portfolio.indicators],
            "ต่ำสุด": [s.min_2dp for s in self.ctx.portfolio.indicators],
            "สูงสุด": [s.max_2dp for s in self.ctx.portfolio.indicators],
            "ต่ำกว่าค่าเป้าหมาย": [s.below_target for s in self.ctx.portfolio.indicators],
            f"{SHARE}ที่ต่ำกว่าค่าเป้าหมาย":
                [s.share_below_target for s in self.ctx.portfolio.indicators],
        })

    def movement(self) -> pd.DataFrame:
        """Organisations scored in both years, largest rise first (empty without a previous
        year in the data)."""
        m = self.ctx.portfolio.movement
        moves = [*m.rose, *m.unchanged, *sorted(m.fell, key=lambda v: (-v.change, v.org_id))]
        return pd.DataFrame({
            ORG: [v.name for v in moves],
            f"{OVERALL} {m.previous_year}": [v.previous_2dp for v in moves],
            f"{OVERALL} {self.fiscal_year}": [v.current_2dp for v in moves],
            CHANGE: [v.change for v in moves],
            f"{RESULT} {m.previous_year}": [v.previous_grade for v in moves],
            f"{RESULT} {self.fiscal_year}": [v.grade for v in moves],
        }, index=pd.Index([v.org_id for v in moves], name="org_id"))

    def findings(self, org_id: str | None = None) -> Findings:
        """The report's findings of an organisation in its latest scored year up to this one
        (its first scored year if it has none before)."""
        org = org_id or self.org_id
        years = sorted(int(y) for y in
                       self.ctx.table.loc[self.ctx.table["org_id"] == org, "fiscal_year"])
        if not years:
            raise ParameterError(f"organisation {org!r} has no scores in "
                                 f"{self.ctx.dataset.source}")
        year = max((y for y in years if y <= self.fiscal_year), default=years[0])
        if (org, year) not in self._findings:
            self._findings[(org, year)] = analyse(self.ctx.dataset, org, year,
                                                  table=self.ctx.table)
        return self._findings[(org, year)]

    def history(self, org_id: str | None = None) -> pd.DataFrame:
        """One organisation's every scored year: tool scores, overall, result, change."""
        f = self.findings(org_id)
        codes = list(dict.fromkeys(c for h in f.history for c in h["tools"]))  # type: ignore[union-attr]
        out = pd.DataFrame({YEAR: [int(h["fiscal_year"]) for h in f.history]})  # type: ignore[arg-type]
        for code in codes:
            out[_tool_header(code)] = [h["tools"].get(code) for h in f.history]  # type: ignore[union-attr]
        out[OVERALL] = [float(h["overall_2dp"]) for h in f.history]  # type: ignore[arg-type]
        out[RESULT] = [h["grade_text"] for h in f.history]
        hundredths = (out[OVERALL] * 100).round().astype("int64")
        out[CHANGE] = (hundredths.diff() / 100).astype(object).where(out.index > 0, None)
        return out.set_index(YEAR)

    # -- styled tables -------------------------------------------------------------------------

    @cached_property
    def _n(self) -> Any:
        from .report.sections import Numbers

        return Numbers(self.digits)

    def _style(self, frame: pd.DataFrame, caption: str, scores: list[str] | None = None,
               signed: list[str] | None = None, counts: list[str] | None = None,
               shares: list[str] | None = None, below: list[str] | None = None) -> Styler:
        """A Styler in Sarabun with the figures written in the chosen digits; ``below``
        columns print values under the target in the documents' red."""
        d = self.digits
        styler = frame.style.set_caption(self._n.text(caption)).set_table_attributes(
            f'class="{TABLE_CLASS}"').set_table_styles(
            [{"selector": "", "props": FONT_CSS},
             {"selector": "caption", "props": "font-weight: 700; text-align: left"}])
        styler = styler.format(lambda v: self._n.text(v) if isinstance(v, int | str) else v)
        for columns, fmt in ((scores, lambda v: format_score(v, d)),
                             (signed, lambda v: format_number(v, 2, d, sign=True)),
                             (counts, lambda v: format_int(v, d)),
                             (shares, lambda v: format_number(v, 2, d))):
            if columns:
                styler = styler.format(fmt, subset=columns, na_rep="–")
        figures = {*(scores or []), *(signed or []), *(counts or []), *(shares or [])}
        words = [c for c in frame.columns if c not in figures
                 and not pd.api.types.is_numeric_dtype(frame[c])]
        if words:  # names and labels read from the left, on one line
            styler = styler.set_properties(subset=words, **{"text-align": "left",
                                                            "white-space": "nowrap"})
        target = self.ctx.portfolio.target
        if below:
            styler = styler.map(lambda v: BELOW_CSS if isinstance(v, float) and
                                round2(v) < target else "", subset=below)
        for axis in (0, 1):
            styler = styler.format_index(lambda v: self._n.text(v), axis=axis)
        return styler

    def styled_scores(self) -> Styler:
        """``scores()`` as a styled table: scores below the target in red."""
        frame = self.scores()
        tools = [c for c in frame.columns if c.startswith("คะแนน ")]
        return self._style(frame, f"ผลการประเมินรายหน่วยงาน: {self.title}",
                           scores=[*tools, OVERALL, f"{OVERALL}{PREVIOUS}"], signed=[CHANGE],
                           counts=[RANK], below=[*tools, OVERALL]).hide(axis="index")

    def styled_heat_map(self) -> Styler:
        """``heat_map()`` coloured from red (far below the target) to green (100)."""
        frame = self.heat_map()
        styler = self._style(frame, "คะแนนรายตัวชี้วัดของแต่ละหน่วยงาน เรียงตามอันดับคะแนนรวม",
                             scores=list(frame.columns))
        return styler.background_gradient(cmap="RdYlGn", vmin=min(50.0, frame.min().min()),
                                          vmax=100.0, axis=None)

    def styled_weakest(self, top: int = 5) -> Styler:
        """The ``top`` weakest indicators of the group."""
        frame = self.weakest().head(top)
        return self._style(frame, "ตัวชี้วัดที่ค่าเฉลี่ยของกลุ่มต่ำที่สุด",
                           scores=["ค่าเฉลี่ย", "ต่ำสุด", "สูงสุด"], counts=["ต่ำกว่าค่าเป้าหมาย"],
                           shares=[f"{SHARE}ที่ต่ำกว่าค่าเป้าหมาย"],
                           below=["ค่าเฉลี่ย", "ต่ำสุด", "สูงสุด"]).hide(axis="index")

    def styled_movement(self) -> Styler:
        frame = self.movement()
        m = self.ctx.portfolio.movement
        return self._style(frame, f"การเปลี่ยนแปลงจากปีงบประมาณ พ.ศ. {m.previous_year}",
                           scores=list(frame.columns[1:3]), signed=[CHANGE]).hide(axis="index")

    def styled_history(self, org_id: str | None = None) -> Styler:
        frame = self.history(org_id)
        return self._style(frame, f"ผลการประเมินทุกปีของ{self.name(org_id)}",
                           scores=[c for c in frame.columns if c.startswith("คะแนน")],
                           signed=[CHANGE], below=[OVERALL])

    # -- charts --------------------------------------------------------------------------------

    def charts(self) -> list[str]:
        """The names of the group's charts (``chart(name)``), those the data allows."""
        return list(self.ctx.figures)

    def chart(self, name: str) -> Chart:
        """One of the portfolio document's charts: histogram, grades, heat_map, movement
        (a note instead where the data has nothing to draw, e.g. no previous year)."""
        if name not in CHARTS:
            raise ParameterError(f"no chart {name!r}; known: {', '.join(CHARTS)}")
        figure = self.ctx.figures.get(name)
        if figure is None:
            return Chart(NOTHING_TO_DRAW)
        return Chart(figure.caption, figure.svg)

    def history_chart(self, org_id: str | None = None) -> Chart:
        """The report's chart of an organisation's scores over the years (a note instead
        where it has a single year)."""
        from ..present.charts.report import history_chart

        svg = history_chart(self.findings(org_id), self.digits)
        if not svg:
            return Chart(NOTHING_TO_DRAW)
        return Chart(self._n.text(f"คะแนนของ{self.name(org_id)}ในแต่ละปีงบประมาณ"), svg)
