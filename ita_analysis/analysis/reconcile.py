"""Contradictions in published figures: what a document states against what its data give.

A published tool or overall score may differ from the recomputed one by 0.01 through
rounding of two-decimal indicators (seen in real publications); more than that is a
contradiction. Also found: a grade that the published overall score does not earn, an
indicator that its item scores, rolled up by the year's rule (``rollup``), do not give, and
measure periods that end before they start.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import pandas as pd
from pydantic import BaseModel

from ..data.dataset import Dataset
from ..present.labels import band_words
from ..rollup import Rollup, rollup
from ..rounding import round2, round_half_up
from ..rules.framework import Framework
from ..scoring import indicator_column, rounded_column

ROUNDING_TOLERANCE = Decimal("0.01")


class Finding(BaseModel):
    """One thing in the data that does not add up."""

    org_id: str
    fiscal_year: int
    kind: Literal["published_figure", "published_grade", "item_rollup", "measure_period",
                  "measure_repeated"]
    severity: Literal["contradiction", "notice"]
    field: str
    published: str | None = None
    recomputed: str | None = None
    message: str


def _fmt(value: float) -> str:
    return f"{Decimal(str(value)):.2f}"


def reconcile(dataset: Dataset, table: pd.DataFrame) -> list[Finding]:
    """Every contradiction and notice across the data set, in a stable order."""
    found: list[Finding] = []
    scored = table.set_index(["org_id", "fiscal_year"])
    found += _published(dataset, scored)
    found += _item_rollups(dataset, scored)
    found += _measures(dataset)
    return sorted(found, key=lambda f: (f.org_id, f.fiscal_year, f.kind, f.field))


def _published(dataset: Dataset, scored: pd.DataFrame) -> list[Finding]:
    found = []
    for row in dataset.published.itertuples(index=False):
        key = (row.org_id, int(row.fiscal_year))
        if key not in scored.index:
            continue
        fw = dataset.framework(key[1])
        mine = scored.loc[key]
        for column, name in (("iit", "IIT"), ("eit", "EIT"), ("oit", "OIT"),
                             ("overall", "overall")):
            published = getattr(row, column)
            if pd.isna(published) or (name != "overall" and name not in fw.tool_codes):
                continue
            recomputed = float(mine[rounded_column(name)])
            if abs(Decimal(str(published)) - Decimal(str(recomputed))) > ROUNDING_TOLERANCE:
                found.append(Finding(
                    org_id=key[0], fiscal_year=key[1], kind="published_figure",
                    severity="contradiction", field=name, published=_fmt(published),
                    recomputed=_fmt(recomputed),
                    message=f"published {name} {_fmt(published)} but the indicator scores give "
                            f"{_fmt(recomputed)}"))
        if row.grade:
            found += _published_label(key, row.grade, mine, fw)
    return found


def _published_label(key: tuple[str, int], published: str, mine: pd.Series,
                     fw: Framework) -> list[Finding]:
    """A published label against the computed one (see ``labels`` for which one prints).

    Agreeing with the confirmed bands is silent; agreeing only with what the unconfirmed bands
    give is a notice (evidence about NACC's rule, not an error); anything else contradicts.
    """
    computed, provisional = mine["grade"], mine["grade_provisional"]
    if published == computed:
        return []
    overall = _fmt(mine[rounded_column("overall")])
    word = "grade" if fw.grading.kind == "letter" else "label"
    if published == provisional:
        band = fw.band_of(published)
        return [Finding(
            org_id=key[0], fiscal_year=key[1], kind="published_grade", severity="notice",
            field="grade", published=published, recomputed=computed,
            message=f"published {word} {published} is what the unconfirmed band "
                    f"{band_words(band)} gives for {overall}; the confirmed bands give "
                    f"{computed or 'no label'}")]
    letter = fw.grading.kind == "letter"
    what = f"the overall score {overall}" if letter else \
        f"the scores (overall {overall} and each tool)"
    if computed is None:
        earned = f"{'reaches' if letter else 'reach'} no confirmed band"
    else:
        earned = (f"{'earns' if letter else 'earn'} {computed} "
                  f"(band {band_words(fw.band_of(computed))} in {key[1]})")
    if provisional != computed:
        earned += f"; every band, unconfirmed ones included, gives {provisional}"
    return [Finding(
        org_id=key[0], fiscal_year=key[1], kind="published_grade", severity="contradiction",
        field="grade", published=published, recomputed=computed,
        message=f"published {word} {published} but {what} {earned}")]


def _item_rollups(dataset: Dataset, scored: pd.DataFrame) -> list[Finding]:
    found = []
    items = dataset.items.dropna(subset=["indicator"])
    for (org, year, number), group in items.groupby(["org_id", "fiscal_year", "indicator"]):
        key = (org, int(year))
        if key not in scored.index:
            continue
        fw = dataset.framework(key[1])
        if len(group) != len(fw.indicator(int(number)).items):
            continue  # a partial item list cannot be compared with the indicator
        rolled = rollup(fw, int(number), dict(zip(group["item"], group["score"], strict=True)))
        value = float(round_half_up(rolled.score))
        given = round2(scored.loc[key, indicator_column(int(number))])
        if abs(Decimal(str(value)) - Decimal(str(given))) > ROUNDING_TOLERANCE:
            found.append(Finding(
                org_id=org, fiscal_year=key[1], kind="item_rollup", severity="contradiction",
                field=f"indicator {int(number)}", published=_fmt(given), recomputed=_fmt(value),
                message=f"indicator {int(number)} is {_fmt(given)} but its {len(group)} item "
                        f"scores give {_fmt(value)} ({_how(rolled)})"))
    return found


def _how(rolled: Rollup) -> str:
    """How item scores made an indicator's, in words: the roll-up and its parts."""
    if rolled.method == "mean_of_items":
        return "the mean of its items"
    parts = [f"{sub.code} {_fmt(float(round_half_up(sub.score)))}"
             for sub in rolled.sub_indicators if sub.score is not None]
    return "the mean of sub-indicators " + ", ".join(parts)


def _measures(dataset: Dataset) -> list[Finding]:
    found = []
    m = dataset.measures
    for row in m.itertuples(index=False):
        start = (row.start_year, row.start_month)
        end = (row.end_year, row.end_month)
        if end < start:
            found.append(Finding(
                org_id=row.org_id, fiscal_year=int(row.fiscal_year), kind="measure_period",
                severity="contradiction", field=row.measure,
                published=f"{start[0]}-{start[1]:02d} to {end[0]}-{end[1]:02d}",
                message=f"measure '{row.measure}' ends ({end[0]}-{end[1]:02d}) before it "
                        f"starts ({start[0]}-{start[1]:02d})"))
    repeated = m[m.duplicated(["org_id", "fiscal_year", "measure"], keep="first")]
    for row in repeated.drop_duplicates(["org_id", "fiscal_year", "measure"]).itertuples():
        found.append(Finding(
            org_id=row.org_id, fiscal_year=int(row.fiscal_year), kind="measure_repeated",
            severity="notice", field=row.measure,
            message=f"measure '{row.measure}' is listed more than once"))
    return found
