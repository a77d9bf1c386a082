"""An indicator's score from its items' scores, by the year's rule (``item_rollup``).

NACC scores each OIT item 100 or 0, and its published tables reproduce an OIT indicator only
as the mean of its sub-indicators, each the mean of its items (the framework files carry the
rule and its source). A list that lacks items (a checklist still being filled in) is rolled
up from the items it has: a missing item is left out of its sub-indicator's mean, and a
sub-indicator with no item listed is left out of the indicator's mean; nothing missing is
ever scored 0.

The one rule has two implementations: ``rollup`` works exactly (``Fraction``) on one
organisation's items, for item tables, reconciliation and reports; ``rollup_arrays`` works on
whole arrays of organisations, for checklists of a national batch. A test holds them equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .rounding import to_fraction
from .rules.framework import Framework

__all__ = ["Rollup", "SubIndicatorScore", "rollup", "rollup_arrays"]


@dataclass(frozen=True)
class SubIndicatorScore:
    """One sub-indicator of an indicator rolled up from items."""

    code: str
    name_th: str
    listed: int  # items of this sub-indicator that have a score
    items: int  # items the framework lists in it
    score: Fraction | None  # mean of the listed items; None when none is listed
    share: Fraction  # its weight in the indicator's score (0 when none is listed)


@dataclass(frozen=True)
class Rollup:
    """An indicator's score from its items, with the parts a reader needs to follow it."""

    indicator: int
    method: str
    score: Fraction | None  # None when no item of the indicator is listed
    sub_indicators: tuple[SubIndicatorScore, ...]
    weights: dict[str, Fraction]  # each listed item's weight in the indicator's score

    @property
    def complete(self) -> bool:
        return all(sub.listed == sub.items for sub in self.sub_indicators)


def rollup(fw: Framework, number: int, scores: Mapping[str, object]) -> Rollup:
    """Indicator ``number`` from item scores (``{"O34": 100, …}``; other codes are ignored)."""
    ind = fw.indicator(number)
    method = fw.item_rollup.method
    listed = {sub.code: [item.code for item in sub.items if item.code in scores]
              for sub in ind.sub_indicators}
    present = [sub for sub in ind.sub_indicators if listed[sub.code]]
    total = sum(len(codes) for codes in listed.values())
    weights: dict[str, Fraction] = {}
    for sub in present:
        for code in listed[sub.code]:
            weights[code] = (Fraction(1, len(present) * len(listed[sub.code]))
                             if method == "mean_of_sub_indicators" else Fraction(1, total))
    subs = []
    for sub in ind.sub_indicators:
        codes = listed[sub.code]
        mean = (sum((to_fraction(scores[c]) for c in codes), Fraction(0)) / len(codes)
                if codes else None)
        subs.append(SubIndicatorScore(
            code=sub.code, name_th=sub.name_th, listed=len(codes), items=len(sub.items),
            score=mean, share=sum((weights[c] for c in codes), Fraction(0))))
    score = (sum((w * to_fraction(scores[c]) for c, w in weights.items()), Fraction(0))
             if weights else None)
    return Rollup(indicator=number, method=method, score=score, sub_indicators=tuple(subs),
                  weights=weights)


def rollup_arrays(method: str, sums: np.ndarray, counts: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Indicator values of many rows at once from per-sub-indicator sums and item counts.

    ``sums`` and ``counts`` have one row per organisation and one column per sub-indicator of
    one indicator; values come back in the units of ``sums`` per item, with a mask of the
    rows that list any item (other rows hold NaN).
    """
    sums = np.asarray(sums, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.int64)
    present = counts.sum(axis=1) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "mean_of_items":
            values = sums.sum(axis=1) / counts.sum(axis=1)
        elif method == "mean_of_sub_indicators":
            listed = counts > 0
            means = np.where(listed, sums / np.where(listed, counts, 1), 0.0)
            values = means.sum(axis=1) / listed.sum(axis=1)
        else:
            raise ValueError(f"unknown item roll-up {method!r}")
    return np.where(present, values, np.nan), present
