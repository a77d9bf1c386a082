"""Next year's measures: what the analysis of a fiscal year sets for the year after it.

The analysis of fiscal year Y is written once Y's results are out, to set the measures of
Y+1. The data's measures table lists, per organisation and analysed year, the measures that
analysis holds; agencies often copy the measures of the year just assessed, whose period has
already ended. ``plan_measures`` sorts them by period, links every weak point of the result
(indicators below the target or weakest, items short of full marks) to the measures that name
it in their ``addresses``, and proposes a measure from the year's recommendation library for
every weak point that no measure of Y+1 addresses, for the agency to edit and adopt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from ..rounding import round_half_up
from ..rules.library import RecommendationLibrary
from .findings import Findings

__all__ = ["Measure", "MeasurePlan", "WeakPoint", "plan_measures", "weak_points"]

FIRST_MONTH = 10  # a Thai fiscal year runs from October to September
LAST_MONTH = 9
FULL_SCORE = Decimal(100)  # an OIT item is scored 100 or 0


@dataclass(frozen=True)
class Measure:
    """One row of a measures table; a proposed one leaves ``owner`` for the agency."""

    number: int
    measure: str
    method: str
    owner: str
    start: tuple[int, int]  # (BE year, month)
    end: tuple[int, int]
    follow_up: str
    addresses: tuple[str, ...]  # indicator numbers ("10") and item codes ("O36")
    proposed: bool = False


@dataclass(frozen=True)
class WeakPoint:
    """An indicator or item the result says needs work, and the measures that address it."""

    kind: Literal["indicator", "item"]
    key: str  # "10" or "O36"
    name_th: str
    score_2dp: float
    indicator: int
    ahead: tuple[int, ...] = ()  # numbers of the measures for the year ahead that name it
    done: tuple[int, ...] = ()  # numbers of the measures already carried out that name it

    def names(self, points: Iterable[WeakPoint] = ()) -> set[str]:
        """What a measure may name to address this point: an item or its indicator; for an
        indicator, also any of its weak items among ``points``."""
        own = {self.key, str(self.indicator)}
        if self.kind == "indicator":
            own |= {w.key for w in points if w.kind == "item" and w.indicator == self.indicator}
        return own


@dataclass(frozen=True)
class MeasurePlan:
    """The measures of the year after the assessed one, and how they meet the weak points."""

    assessed_year: int
    year: int  # the fiscal year the measures are for: assessed_year + 1
    ahead: list[Measure]  # the agency's own measures for ``year``, then our proposals
    done: list[Measure]  # the agency's measures whose period ended before ``year`` began
    weak_points: list[WeakPoint]
    stated: bool  # at least one of the agency's measures says what it addresses

    @property
    def own(self) -> list[Measure]:
        return [m for m in self.ahead if not m.proposed]

    @property
    def proposals(self) -> list[Measure]:
        return [m for m in self.ahead if m.proposed]

    @property
    def uncovered_by_own(self) -> list[WeakPoint]:
        """Weak points that none of the agency's own measures for the year ahead names."""
        own = {m.number for m in self.own}
        return [w for w in self.weak_points if not own.intersection(w.ahead)]

    @property
    def uncovered_by_done(self) -> list[WeakPoint]:
        return [w for w in self.weak_points if not w.done]


def fiscal_months(year: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """First and last month of a fiscal year as (BE year, month)."""
    return (year - 1, FIRST_MONTH), (year, LAST_MONTH)


def weak_points(f: Findings) -> list[WeakPoint]:
    """Indicators below the target, the weakest indicator(s) when they differ from the rest,
    and every item short of full marks, in the framework's order."""
    every_alike = set(f.weakest) == {ind.number for ind in f.indicators}
    wanted = {ind.number for ind in f.indicators if not ind.meets_target}
    if not every_alike:
        wanted |= set(f.weakest)
    points = [WeakPoint("indicator", str(ind.number), ind.name_th, ind.score_2dp, ind.number)
              for ind in f.indicators if ind.number in wanted]
    for summary in sorted(f.items, key=lambda s: s.indicator):
        for item in summary.items:
            score = round_half_up(item["score"], 2)
            if score < FULL_SCORE:
                points.append(WeakPoint("item", str(item["code"]), str(item["name_th"]),
                                        float(score), summary.indicator))
    return points


def _own(rows: Iterable[Mapping[str, Any]]) -> list[Measure]:
    return [Measure(
        number=0, measure=str(r["measure"]), method=str(r.get("method") or ""),
        owner=str(r.get("owner") or ""),
        start=(int(r["start_year"]), int(r["start_month"])),
        end=(int(r["end_year"]), int(r["end_month"])),
        follow_up=str(r.get("follow_up") or ""), addresses=tuple(r.get("addresses") or ()))
        for r in rows]


def _numbered(measures: list[Measure]) -> list[Measure]:
    return [replace(m, number=i) for i, m in enumerate(measures, start=1)]


def _as_action(advice: str) -> str:
    """Advice ("ควรเผยแพร่…") as a measure's method ("เผยแพร่…"): a table of measures says
    what will be done, not what should be."""
    return advice.removeprefix("ควร")


def _proposals(points: list[WeakPoint], year: int,
               lib: RecommendationLibrary) -> list[Measure]:
    """A measure for each point: an item with its own advice, else its indicator's measure
    (once per indicator), for the whole fiscal year ``year``."""
    start, end = fiscal_months(year)
    follow_up = lib.measures.follow_up if lib.measures else ""
    out: list[Measure] = []
    for w in points:
        texts = lib.item_texts(w.key) if w.kind == "item" else ()
        if texts:
            method = " ".join(_as_action(t) for t in texts)
            out.append(Measure(0, f"{w.name_th} (ข้อ {w.key})", method, "", start,
                               end, follow_up, (w.key,), proposed=True))
            continue
        advice = lib.measures.indicators.get(w.indicator) if lib.measures else None
        if advice is not None and not any(str(w.indicator) in m.addresses for m in out):
            out.append(Measure(0, advice.measure, advice.method, "", start, end, follow_up,
                               (str(w.indicator),), proposed=True))
    return out


def _covered_items(points: list[WeakPoint]) -> set[int]:
    """Indicators whose weak items are listed: the items speak for them."""
    return {w.indicator for w in points if w.kind == "item"}


def plan_measures(f: Findings, rows: Iterable[Mapping[str, Any]],
                  lib: RecommendationLibrary) -> MeasurePlan:
    """Sort the analysis' measures by period, link weak points, propose what is missing.

    ``rows`` are the organisation's measure rows for the analysed year, in the data's order.
    A measure belongs to the year ahead unless its period ended before that year began.
    """
    year = f.fiscal_year + 1
    first = fiscal_months(year)[0]
    own = _own(rows)
    ahead = [m for m in own if m.end >= first]
    done = _numbered([m for m in own if m.end < first])
    points = weak_points(f)
    with_items = _covered_items(points)
    # an indicator whose weak items are listed needs no measure of its own: its items have one
    wanting = [w for w in points
               if not any(w.names(points) & set(m.addresses) for m in ahead)
               and not (w.kind == "indicator" and w.indicator in with_items)]
    ahead = _numbered(ahead + _proposals(wanting, year, lib))
    linked = [replace(w, ahead=tuple(m.number for m in ahead
                                     if w.names(points) & set(m.addresses)),
                      done=tuple(m.number for m in done if w.names(points) & set(m.addresses)))
              for w in points]
    return MeasurePlan(assessed_year=f.fiscal_year, year=year, ahead=ahead, done=done,
                       weak_points=linked, stated=any(m.addresses for m in own))
