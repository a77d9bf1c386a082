"""What a report says about one organisation's year, computed from the scored table.

Strongest and weakest indicators (every tie named), each tool and the overall score
against the target, change on the previous fiscal year, rank among peers, and the
reconciliation of published figures. Comparisons of indicators use the two-decimal
values a reader sees, so that two figures printed alike are treated alike.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import pandas as pd
from pydantic import BaseModel

from ..data.dataset import Dataset
from ..errors import ParameterError
from ..present.labels import Label, choose_label
from ..rollup import rollup
from ..rounding import round2
from ..rules.framework import Framework
from ..rules.national import reported
from ..scoring import KEY, indicator_column, rounded_column, score_table
from .reconcile import Finding, reconcile

PEER_SCOPES = ("province", "org_type", "all")


class IndicatorResult(BaseModel):
    number: int
    name_th: str
    tool: str
    score: float  # as given (unrounded)
    score_2dp: float
    meets_target: bool
    gap_to_target: float  # target minus score, two decimals; negative when above


class ToolResult(BaseModel):
    code: str
    name_th: str
    name_en: str
    weight: float
    indicators: list[int]
    score: float
    score_2dp: float
    meets_target: bool
    gap_to_target: float


class Change(BaseModel):
    previous_year: int
    previous_overall_2dp: float
    previous_grade: str | None  # the label printed for that year (``labels``)
    previous_grade_text: str
    overall: float  # change of the two-decimal overall score
    tools: dict[str, float]
    indicators: dict[int, float]


class PeerRank(BaseModel):
    scope: str  # province, org_type or all
    group: str  # the province or type; "ทั้งหมด" for everyone in the data
    rank: int  # 1 = highest overall score; ties share the best rank
    count: int
    percentile: float  # share of the group scoring at or below this organisation, in %
    mean_2dp: float
    share_meeting_target: float  # in %


class SubIndicatorSummary(BaseModel):
    """A sub-indicator of an indicator made from items: its mean and its weight."""

    code: str
    name_th: str
    listed: int  # items of it in the data
    items: int  # items the framework lists in it
    score_2dp: float | None  # mean of its listed items; None when none is listed
    share: float  # its weight in the indicator's score, in % (two decimals)


class NationalComparison(BaseModel):
    """The year's national results as a public source reports them (``national``)."""

    mean_2dp: float
    agencies: int | None
    at_target: int | None
    share_at_target: float | None
    difference: float  # this organisation's two-decimal overall minus the national mean
    gap_to_target: float  # target minus the national mean; negative when above
    sources: list[str]


class ItemSummary(BaseModel):
    indicator: int
    method: str  # the year's item roll-up (``rollup``)
    items: list[dict[str, object]]  # code, name_th, sub_indicator, score, share (% weight)
    sub_indicators: list[SubIndicatorSummary]
    from_items_2dp: float  # the indicator rolled up from the listed items
    indicator_2dp: float
    complete: bool


class Findings(BaseModel):
    org_id: str
    fiscal_year: int
    rules_dir: str = ""  # the data folder whose own rule files apply ("": the package's only)
    target: float
    overall: float
    overall_2dp: float
    grade: str | None  # the label the document prints (``labels``); None when it prints none
    grade_text: str  # what the document prints as the result: the label, or why there is none
    grade_source: Literal["published", "computed", "none"]
    grade_computed: str | None  # the highest confirmed band the scores reach
    grade_provisional: str | None  # what every band gives, unconfirmed ones included
    grade_published: str | None  # the label in the data's published results
    passed: bool
    gap_to_target: float
    indicators: list[IndicatorResult]
    tools: list[ToolResult]
    strongest: list[int]
    weakest: list[int]
    change: Change | None
    history: list[dict[str, object]]  # every year: year, overall, grade, grade_text, tools
    peers: list[PeerRank]
    items: list[ItemSummary]
    reconciliation: list[Finding]
    national: NationalComparison | None = None  # where a source reports the year's results

    def indicator(self, number: int) -> IndicatorResult:
        return next(ind for ind in self.indicators if ind.number == number)

    def tool(self, code: str) -> ToolResult:
        return next(tool for tool in self.tools if tool.code == code)


def _gap(target: Decimal, value_2dp: float) -> float:
    return float(target - Decimal(str(value_2dp)))


def analyse(dataset: Dataset, org_id: str, fiscal_year: int,
            table: pd.DataFrame | None = None) -> Findings:
    """Findings of one organisation's fiscal year; ``table`` is the scored dataset if at hand."""
    if table is None:
        table = score_table(dataset.scores, dataset.frameworks)
    fw = dataset.framework(int(fiscal_year))
    row = table[(table["org_id"] == org_id) & (table["fiscal_year"] == int(fiscal_year))]
    if row.empty:
        have = sorted(table.loc[table["org_id"] == org_id, "fiscal_year"].astype(int))
        raise ParameterError(
            f"no scores for organisation {org_id!r} in fiscal year {fiscal_year}"
            + (f"; it has {', '.join(map(str, have))}" if have else "; it has no scores at all"))
    current = row.iloc[0]
    indicators = _indicators(current, fw)
    shown = {ind.number: ind.score_2dp for ind in indicators}
    top, bottom = max(shown.values()), min(shown.values())
    published = _published_labels(dataset, org_id)
    label = _label(current, fw, published)
    return Findings(
        org_id=org_id,
        fiscal_year=int(fiscal_year),
        rules_dir=str(dataset.rules_dir or ""),
        target=float(fw.target),
        overall=float(current["overall"]),
        overall_2dp=float(current[rounded_column("overall")]),
        grade=label.printed,
        grade_text=label.text_th,
        grade_source=label.source,
        grade_computed=label.computed,
        grade_provisional=label.provisional,
        grade_published=label.published,
        passed=bool(current["passed"]),
        gap_to_target=_gap(fw.target, current[rounded_column("overall")]),
        indicators=indicators,
        tools=_tools(current, fw),
        strongest=[n for n, v in shown.items() if v == top],
        weakest=[n for n, v in shown.items() if v == bottom],
        change=_change(dataset, table, current, fw, published),
        history=_history(dataset, table, org_id, published),
        peers=_peers(dataset, table, current),
        items=_items(dataset, current, fw),
        reconciliation=_reconciliation(dataset, table, org_id, int(fiscal_year)),
        national=_national(dataset, int(fiscal_year), current, fw),
    )


def _national(dataset: Dataset, year: int, current: pd.Series,
              fw: Framework) -> NationalComparison | None:
    figures = reported(year, dataset.rules_dir)
    if figures is None:
        return None
    mean = round2(figures.mean)
    return NationalComparison(
        mean_2dp=mean, agencies=figures.agencies, at_target=figures.at_target,
        share_at_target=None if figures.share_at_target is None
        else float(figures.share_at_target),
        difference=_delta(current[rounded_column("overall")], mean),
        gap_to_target=_gap(fw.target, mean), sources=list(figures.sources))


def _published_labels(dataset: Dataset, org_id: str) -> dict[int, str]:
    """The labels an organisation's published results give, by fiscal year."""
    rows = dataset.published[dataset.published["org_id"] == org_id]
    return {int(r.fiscal_year): str(r.grade) for r in rows.itertuples()
            if isinstance(r.grade, str) and r.grade.strip()}


def _label(row: pd.Series, fw: Framework, published: dict[int, str]) -> Label:
    return choose_label(fw, row[rounded_column("overall")], row["grade"],
                        row["grade_provisional"], published.get(int(row["fiscal_year"])))


def _reconciliation(dataset: Dataset, table: pd.DataFrame, org_id: str,
                    year: int) -> list[Finding]:
    """``reconcile`` on this organisation-year's rows only. Every check compares rows of one
    organisation-year, so the findings are those of the whole data set's run for it; the
    time no longer grows with the data set (a national batch reconciles each row once per
    report otherwise)."""
    def mine(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[(frame["org_id"] == org_id) & (frame["fiscal_year"] == year)]

    own = replace(dataset, published=mine(dataset.published), items=mine(dataset.items),
                  measures=mine(dataset.measures))
    return reconcile(own, mine(table))


def _indicators(current: pd.Series, fw: Framework) -> list[IndicatorResult]:
    out = []
    for ind in fw.indicators:
        score = float(current[indicator_column(ind.number)])
        shown = round2(score)
        out.append(IndicatorResult(
            number=ind.number, name_th=ind.name_th, tool=fw.tool_of(ind.number).code,
            score=score, score_2dp=shown, meets_target=Decimal(str(shown)) >= fw.target,
            gap_to_target=_gap(fw.target, shown)))
    return out


def _tools(current: pd.Series, fw: Framework) -> list[ToolResult]:
    out = []
    for tool in fw.tools:
        shown = float(current[rounded_column(tool.code)])
        out.append(ToolResult(
            code=tool.code, name_th=tool.name_th, name_en=tool.name_en,
            weight=float(tool.weight), indicators=list(tool.indicators),
            score=float(current[tool.code]), score_2dp=shown,
            meets_target=Decimal(str(shown)) >= fw.target, gap_to_target=_gap(fw.target, shown)))
    return out


def _delta(now: float, before: float) -> float:
    return float(Decimal(str(now)) - Decimal(str(before)))


def _change(dataset: Dataset, table: pd.DataFrame, current: pd.Series, fw: Framework,
            published: dict[int, str]) -> Change | None:
    """Change on the nearest earlier fiscal year the organisation was scored in."""
    earlier = table[(table["org_id"] == current["org_id"])
                    & (table["fiscal_year"] < current["fiscal_year"])]
    if earlier.empty:
        return None
    prev = earlier.sort_values("fiscal_year").iloc[-1]
    prev_fw = dataset.framework(int(prev["fiscal_year"]))
    shared_tools = [c for c in fw.tool_codes if c in prev_fw.tool_codes]
    shared_inds = [n for n in fw.indicator_numbers if n in prev_fw.indicator_numbers]
    before = _label(prev, prev_fw, published)
    return Change(
        previous_year=int(prev["fiscal_year"]),
        previous_overall_2dp=float(prev[rounded_column("overall")]),
        previous_grade=before.printed,
        previous_grade_text=before.text_th,
        overall=_delta(current[rounded_column("overall")], prev[rounded_column("overall")]),
        tools={c: _delta(current[rounded_column(c)], prev[rounded_column(c)])
               for c in shared_tools},
        indicators={n: _delta(round2(current[indicator_column(n)]),
                              round2(prev[indicator_column(n)])) for n in shared_inds},
    )


def _history(dataset: Dataset, table: pd.DataFrame, org_id: str,
             published: dict[int, str]) -> list[dict[str, object]]:
    rows = table[table["org_id"] == org_id].sort_values("fiscal_year")
    out = []
    for _, r in rows.iterrows():
        fw = dataset.framework(int(r["fiscal_year"]))
        label = _label(r, fw, published)
        out.append({
            "fiscal_year": int(r["fiscal_year"]),
            "overall_2dp": float(r[rounded_column("overall")]),
            "grade": label.printed,
            "grade_text": label.text_th,
            "tools": {c: float(r[rounded_column(c)]) for c in fw.tool_codes},
        })
    return out


def _peers(dataset: Dataset, table: pd.DataFrame, current: pd.Series) -> list[PeerRank]:
    year_rows = table[table["fiscal_year"] == current["fiscal_year"]].merge(
        dataset.organisations[["org_id", "province", "org_type"]], on="org_id", how="left")
    me = year_rows[year_rows["org_id"] == current["org_id"]].iloc[0]
    out = []
    for scope in PEER_SCOPES:
        group = year_rows if scope == "all" else year_rows[year_rows[scope] == me[scope]]
        if len(group) < 2:
            continue
        ranks = group["overall_2dp"].rank(ascending=False, method="min")
        pct = group["overall_2dp"].rank(pct=True, method="max")
        mine = group.index[group["org_id"] == current["org_id"]][0]
        out.append(PeerRank(
            scope=scope,
            group="ทั้งหมด" if scope == "all" else str(me[scope]),
            rank=int(ranks[mine]),
            count=len(group),
            percentile=round2(pct[mine] * 100),
            mean_2dp=round2(group["overall"].mean()),
            share_meeting_target=round2(group["passed"].mean() * 100),
        ))
    return out


def _percent(share: Fraction) -> float:
    """A weight as a percentage, two decimals half up (1/16 -> 6.25)."""
    return round2(share * 100)


def _items(dataset: Dataset, current: pd.Series, fw: Framework) -> list[ItemSummary]:
    items = dataset.items[(dataset.items["org_id"] == current["org_id"])
                          & (dataset.items["fiscal_year"] == current["fiscal_year"])]
    out = []
    for number, group in items.groupby("indicator", dropna=True, sort=True):
        ind = fw.indicator(int(number))
        rolled = rollup(fw, ind.number, dict(zip(group["item"], group["score"], strict=True)))
        known = fw.items
        listed = [{"code": r.item, "name_th": known[r.item][2].name_th,
                   "sub_indicator": known[r.item][1].code, "score": float(r.score),
                   "share": _percent(rolled.weights[r.item])}
                  for r in group.itertuples()]
        order = {code: i for i, code in enumerate(known)}
        listed.sort(key=lambda d: order[str(d["code"])])
        out.append(ItemSummary(
            indicator=ind.number, method=rolled.method, items=listed,
            sub_indicators=[SubIndicatorSummary(
                code=sub.code, name_th=sub.name_th, listed=sub.listed, items=sub.items,
                score_2dp=None if sub.score is None else round2(sub.score),
                share=_percent(sub.share)) for sub in rolled.sub_indicators],
            from_items_2dp=round2(rolled.score),
            indicator_2dp=round2(current[indicator_column(ind.number)]),
            complete=rolled.complete))
    return out


__all__ = ["KEY", "Findings", "analyse"]
