"""The analysis of a group of organisations in one fiscal year: the portfolio.

A scope (a province, a district, an organisation type, any combination of them, or everyone in
the data) and a fiscal year select rows of ``score_table``; ``analyse_portfolio`` turns them
into small typed results that the portfolio notebook prints and tests check by hand:

- the distribution of overall scores (five-point bins) and of grades or pass labels, in the
  framework's label order;
- how many are at or above the target, and their share;
- the indicator-by-organisation matrix (a heat map);
- the ranking (ties share the best rank, as in ``findings``);
- the indicators weakest across the group (mean, and share of organisations below target);
- movement since the previous fiscal year (who rose, who fell, by how much, who is new and
  who is missing).

Rules, the same as the single report's: organisations are compared by the two-decimal scores a
reader sees (ranks, rises and falls, below or above target); group means are computed from
unrounded values and rounded half up to two decimals (``rounding``). Everything is computed on
whole columns; no figure is typed anywhere but in the data.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
from pydantic import BaseModel

from ..data.dataset import Dataset
from ..present.labels import label_columns
from ..rounding import hundredths_half_up, round2, rounded_hundredths, to_scaled
from ..rules.framework import Framework
from ..rules.national import NationalYear, reported
from ..scoring import indicator_column, rounded_column, score_table
from .scope import Scope, empty_scope

__all__ = [
    "BIN_WIDTH",
    "GradeCount",
    "HeatMap",
    "IndicatorStat",
    "Move",
    "Movement",
    "OrgRef",
    "Portfolio",
    "RankRow",
    "ScoreBin",
    "ToolStat",
    "analyse_portfolio",
    "scope_rows",
    "short_name",
]

BIN_WIDTH = 5  # points per bin of the score distribution

# Usual Thai abbreviations of local government types, for labels where space is short.
TYPE_ABBREVIATIONS: dict[str, str] = {
    "องค์การบริหารส่วนจังหวัด": "อบจ.",
    "องค์การบริหารส่วนตำบล": "อบต.",
    "เทศบาลนคร": "ทน.",
    "เทศบาลเมือง": "ทม.",
    "เทศบาลตำบล": "ทต.",
}


def short_name(name: str) -> str:
    """An organisation's name with its type abbreviated: "อบต.ลำแสงอรุณ"."""
    for full in sorted(TYPE_ABBREVIATIONS, key=len, reverse=True):
        if name.startswith(full) and len(name) > len(full):
            return TYPE_ABBREVIATIONS[full] + name[len(full):].lstrip()
    return name


def scope_rows(dataset: Dataset, table: pd.DataFrame, scope: Scope,
               fiscal_year: int) -> pd.DataFrame:
    """Scored rows of the scope's organisations in one fiscal year, with names and places."""
    orgs = dataset.organisations[["org_id", "name", "org_type", "district", "province"]]
    for key, value in scope.filters().items():
        orgs = orgs[orgs[key] == value]
    year = table[table["fiscal_year"] == int(fiscal_year)]
    rows = year.merge(orgs, on="org_id", how="inner")
    rows["district"] = rows["district"].fillna("").astype(str)
    rows["short_name"] = rows["name"].map(short_name)
    rows = label_columns(rows, dataset.published, dataset.frameworks)
    return rows.reset_index(drop=True)


# -- results ---------------------------------------------------------------------------------

class OrgRef(BaseModel):
    org_id: str
    name: str
    short_name: str


class ScoreBin(BaseModel):
    low: int  # bins are [low, high); the last one, ending at 100, is [low, 100]
    high: int
    count: int
    at_or_above_target: bool  # the whole bin is at or above the target


class GradeCount(BaseModel):
    label: str  # the label printed, or what is printed in place of one (``labels``)
    count: int
    share: float  # percent of the group, two decimals
    at_or_above_target: bool  # the label's band starts at or above the target
    confirmed: bool  # a label whose band is confirmed (else published, or no label at all)
    published: int  # how many of ``count`` print the label NACC published


class ToolStat(BaseModel):
    code: str
    name_th: str
    mean_2dp: float
    at_target: int
    share_at_target: float  # percent


class IndicatorStat(BaseModel):
    number: int
    name_th: str
    tool: str
    mean_2dp: float  # exact mean of the scores as given, rounded half up
    min_2dp: float
    max_2dp: float
    below_target: int  # organisations whose two-decimal score is below the target
    share_below_target: float  # percent


class RankRow(BaseModel):
    rank: int  # 1 = highest two-decimal overall score; ties share the best rank
    org_id: str
    name: str
    short_name: str
    org_type: str
    district: str
    overall_2dp: float
    grade: str
    passed: bool
    previous_2dp: float | None  # the previous fiscal year (fiscal_year - 1)
    change: float | None  # overall_2dp - previous_2dp


class HeatMap(BaseModel):
    """Two-decimal indicator scores, one row per organisation in ranking order."""

    indicators: list[int]
    tools: list[str]  # the tool of each indicator
    org_ids: list[str]
    labels: list[str]  # short names
    ranks: list[int]
    overall_2dp: list[float]
    values: list[list[float]]  # values[row][column]


class Move(BaseModel):
    org_id: str
    name: str
    short_name: str
    previous_2dp: float
    current_2dp: float
    change: float
    previous_grade: str
    grade: str


class Movement(BaseModel):
    previous_year: int
    has_previous: bool  # the scope has any scores in the previous year
    compared: int  # organisations scored in both years
    rose: list[Move]  # largest rise first
    fell: list[Move]  # largest fall first
    unchanged: list[Move]
    new: list[OrgRef]  # scored this year, not the previous one
    missing: list[OrgRef]  # scored the previous year, not this one
    mean_change: float | None  # mean change of the two-decimal scores of those compared
    previous_count: int
    previous_mean_2dp: float | None
    previous_share_at_target: float | None
    previous_grading_kind: str | None


class Portfolio(BaseModel):
    fiscal_year: int
    scope: dict[str, str]
    scope_label: str
    target: float
    goal_share: float | None  # % of agencies the national plan expects at the target
    grading_kind: str
    grading_name_th: str
    count: int
    mean_2dp: float
    median_2dp: float
    min_2dp: float
    max_2dp: float
    at_target: int
    share_at_target: float  # percent
    bins: list[ScoreBin]
    grades: list[GradeCount]
    tools: list[ToolStat]
    indicators: list[IndicatorStat]  # weakest first
    ranking: list[RankRow]
    heat_map: HeatMap
    movement: Movement
    national: NationalYear | None = None  # the year's national results, where reported

    @property
    def weakest(self) -> list[IndicatorStat]:
        """The indicators with the lowest group mean (every tie)."""
        low = self.indicators[0].mean_2dp
        return [s for s in self.indicators if s.mean_2dp == low]

    def ranking_frame(self) -> pd.DataFrame:
        """The ranking as a DataFrame, for analysts in a notebook."""
        return pd.DataFrame([r.model_dump() for r in self.ranking]).set_index("rank")


# -- computing them --------------------------------------------------------------------------

def _hundredths(values: pd.Series | np.ndarray) -> np.ndarray:
    """Two-decimal values (already rounded) as exact int64 hundredths."""
    return np.rint(np.asarray(values, dtype=np.float64) * 100).astype(np.int64)


def _share(part: int, whole: int) -> float:
    return round2(Decimal(part) * 100 / Decimal(whole)) if whole else 0.0


def _bins(overall_2dp: pd.Series, target: Decimal) -> list[ScoreBin]:
    """Five-point bins from the lowest score's bin up to 100 (100 falls in the last bin)."""
    h = _hundredths(overall_2dp)
    step = BIN_WIDTH * 100
    low = min(int(h.min()) // step * step, 10_000 - step)
    index = np.minimum((h - low) // step, (10_000 - low) // step - 1)
    counts = np.bincount(index, minlength=(10_000 - low) // step)
    target_h = int(target * 100)
    return [ScoreBin(low=(low + i * step) // 100, high=(low + (i + 1) * step) // 100,
                     count=int(c), at_or_above_target=low + i * step >= target_h)
            for i, c in enumerate(counts)]


def _grades(rows: pd.DataFrame, fw: Framework) -> list[GradeCount]:
    """Organisations per printed label in the framework's order, then per text printed in
    place of a label; confirmed labels are listed even when no one has them."""
    counts = rows["label_text"].value_counts()
    published = rows[rows["label_source"] == "published"]["label_text"].value_counts()
    lowest: dict[str, Decimal] = {}
    sure: dict[str, bool] = {}
    for band in fw.grading.bands:  # a label's lowest band decides where it stands
        lowest[band.label] = min(lowest.get(band.label, band.min), band.min)
        sure[band.label] = sure.get(band.label, False) or band.confirmed
    shown = [label for label in fw.grade_labels if sure[label] or counts.get(label, 0)]
    shown += [text for text in counts.index if text not in lowest]

    def count(label: str) -> GradeCount:
        n = int(counts.get(label, 0))
        if label in lowest:
            above = lowest[label] >= fw.target
        else:  # no label: where its organisations stand
            above = bool(rows.loc[rows["label_text"] == label, "passed"].all())
        return GradeCount(label=label, count=n, share=_share(n, len(rows)),
                          at_or_above_target=above, confirmed=sure.get(label, False),
                          published=int(published.get(label, 0)))
    return [count(label) for label in shown]


def _exact_means(frame: pd.DataFrame) -> np.ndarray:
    """Column means of scores as given, exact, rounded half up to two decimals."""
    scaled, scale = to_scaled(frame.to_numpy(dtype=np.float64))
    return hundredths_half_up(scaled.sum(axis=0), len(frame) * scale) / 100


def _tools(rows: pd.DataFrame, fw: Framework) -> list[ToolStat]:
    target_h = int(fw.target * 100)
    out = []
    for tool in fw.tools:
        ok = int((_hundredths(rows[rounded_column(tool.code)]) >= target_h).sum())
        out.append(ToolStat(code=tool.code, name_th=tool.name_th,
                            mean_2dp=round2(rows[tool.code].mean()), at_target=ok,
                            share_at_target=_share(ok, len(rows))))
    return out


def _indicators(rows: pd.DataFrame, fw: Framework) -> list[IndicatorStat]:
    columns = [indicator_column(n) for n in fw.indicator_numbers]
    values = rows[columns]
    shown = rounded_hundredths(values.to_numpy(dtype=np.float64))
    below = (shown < int(fw.target * 100)).sum(axis=0)
    means = _exact_means(values)
    stats = [IndicatorStat(number=n, name_th=fw.indicator(n).name_th, tool=fw.tool_of(n).code,
                           mean_2dp=float(means[i]), min_2dp=float(shown[:, i].min()) / 100,
                           max_2dp=float(shown[:, i].max()) / 100, below_target=int(below[i]),
                           share_below_target=_share(int(below[i]), len(rows)))
             for i, n in enumerate(fw.indicator_numbers)]
    return sorted(stats, key=lambda s: (s.mean_2dp, -s.share_below_target, s.number))


def _previous(dataset: Dataset, table: pd.DataFrame, scope: Scope, year: int) -> pd.DataFrame:
    rows = scope_rows(dataset, table, scope, year - 1)
    return rows[["org_id", "overall", "overall_2dp", "grade", "label_text", "passed"]]


def _ranking(rows: pd.DataFrame, before: pd.DataFrame) -> tuple[pd.DataFrame, list[RankRow]]:
    ranked = rows.assign(rank=rows["overall_2dp"].rank(ascending=False, method="min")
                         .astype(int))
    ranked = ranked.merge(before[["org_id", "overall_2dp"]].rename(
        columns={"overall_2dp": "previous_2dp"}), on="org_id", how="left")
    ranked = ranked.sort_values(["rank", "org_id"], kind="stable").reset_index(drop=True)
    now_h = _hundredths(ranked["overall_2dp"])
    prev_h = np.rint(ranked["previous_2dp"].to_numpy(dtype=np.float64) * 100)
    ranked["change"] = (now_h - prev_h) / 100  # NaN where there is no previous score
    out = []
    for r in ranked.itertuples(index=False):
        has_prev = not math.isnan(r.previous_2dp)
        out.append(RankRow(rank=int(r.rank), org_id=r.org_id, name=r.name,
                           short_name=r.short_name, org_type=r.org_type, district=r.district,
                           overall_2dp=float(r.overall_2dp), grade=str(r.label_text),
                           passed=bool(r.passed),
                           previous_2dp=float(r.previous_2dp) if has_prev else None,
                           change=float(r.change) if has_prev else None))
    return ranked, out


def _heat_map(ranked: pd.DataFrame, fw: Framework) -> HeatMap:
    columns = [indicator_column(n) for n in fw.indicator_numbers]
    shown = rounded_hundredths(ranked[columns].to_numpy(dtype=np.float64))
    return HeatMap(indicators=list(fw.indicator_numbers),
                   tools=[fw.tool_of(n).code for n in fw.indicator_numbers],
                   org_ids=ranked["org_id"].tolist(), labels=ranked["short_name"].tolist(),
                   ranks=[int(r) for r in ranked["rank"]],
                   overall_2dp=[float(v) for v in ranked["overall_2dp"]],
                   values=(shown / 100).tolist())


def _movement(dataset: Dataset, table: pd.DataFrame, scope: Scope, rows: pd.DataFrame,
              year: int) -> Movement:
    prev_year = year - 1
    before = scope_rows(dataset, table, scope, prev_year)
    both = rows.merge(before[["org_id", "overall_2dp", "label_text"]], on="org_id",
                      how="outer", suffixes=("", "_prev"), indicator=True)
    names = dataset.organisations.set_index("org_id")["name"]

    def ref(org_id: str) -> OrgRef:
        name = str(names[org_id])
        return OrgRef(org_id=org_id, name=name, short_name=short_name(name))

    new = [ref(o) for o in sorted(both.loc[both["_merge"] == "left_only", "org_id"])]
    missing = [ref(o) for o in sorted(both.loc[both["_merge"] == "right_only", "org_id"])]
    pair = both[both["_merge"] == "both"].copy()
    pair["change_h"] = _hundredths(pair["overall_2dp"]) - _hundredths(pair["overall_2dp_prev"])
    moves = [Move(org_id=r.org_id, name=r.name, short_name=r.short_name,
                  previous_2dp=float(r.overall_2dp_prev), current_2dp=float(r.overall_2dp),
                  change=int(r.change_h) / 100, previous_grade=str(r.label_text_prev),
                  grade=str(r.label_text))
             for r in pair.sort_values(["change_h", "org_id"],
                                       ascending=[False, True]).itertuples(index=False)]
    mean_change = None
    if len(pair):  # exact mean of the hundredths; half away from zero, as rounding does
        mean_change = round2(Decimal(int(pair["change_h"].sum())) / Decimal(100 * len(pair)))
    has_prev = not before.empty
    try:
        prev_kind = dataset.framework(prev_year).grading.kind if has_prev else None
    except Exception:  # no framework for that year: then there are no scores either
        prev_kind = None
    return Movement(
        previous_year=prev_year, has_previous=has_prev, compared=len(pair),
        rose=[m for m in moves if m.change > 0],
        fell=sorted((m for m in moves if m.change < 0), key=lambda m: (m.change, m.org_id)),
        unchanged=[m for m in moves if m.change == 0],
        new=new, missing=missing, mean_change=mean_change,
        previous_count=len(before),
        previous_mean_2dp=round2(before["overall"].mean()) if has_prev else None,
        previous_share_at_target=_share(int(before["passed"].sum()), len(before))
        if has_prev else None,
        previous_grading_kind=prev_kind,
    )


def analyse_portfolio(dataset: Dataset, fiscal_year: int, scope: Scope | None = None,
                      table: pd.DataFrame | None = None) -> Portfolio:
    """Every figure of the portfolio of ``scope`` in ``fiscal_year``.

    ``table`` is ``score_table(dataset.scores)`` if already at hand. The scope must hold at
    least one organisation scored that year (``resolve_scope`` checks it with a clear error).
    """
    scope = scope or Scope()
    year = int(fiscal_year)
    fw = dataset.framework(year)
    if table is None:
        table = score_table(dataset.scores, dataset.frameworks)
    rows = scope_rows(dataset, table, scope, year)
    if rows.empty:
        raise empty_scope(scope, year)
    before = _previous(dataset, table, scope, year)
    ranked, ranking = _ranking(rows, before)
    at_target = int(rows["passed"].sum())
    return Portfolio(
        fiscal_year=year,
        scope=scope.as_dict(),
        scope_label=scope.label_th(),
        target=float(fw.target),
        goal_share=float(fw.mandate.goal_share) if fw.mandate else None,
        grading_kind=fw.grading.kind,
        grading_name_th=fw.grading.name_th,
        count=len(rows),
        mean_2dp=round2(rows["overall"].mean()),
        median_2dp=round2(rows["overall"].median()),
        min_2dp=float(rows["overall_2dp"].min()),
        max_2dp=float(rows["overall_2dp"].max()),
        at_target=at_target,
        share_at_target=_share(at_target, len(rows)),
        bins=_bins(rows["overall_2dp"], fw.target),
        grades=_grades(rows, fw),
        tools=_tools(rows, fw),
        indicators=_indicators(rows, fw),
        ranking=ranking,
        heat_map=_heat_map(ranked, fw),
        movement=_movement(dataset, table, scope, rows, year),
        national=reported(year, dataset.rules_dir),
    )
