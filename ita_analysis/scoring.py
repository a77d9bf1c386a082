"""Score indicators into tools, an overall score and a grade, for many organisations at once.

Tool score = plain mean of its indicators; overall = sum of tool scores times the tool
weights of the year's framework. Arithmetic is exact (integers at the scale of the longest
decimal given, see ``rounding.to_scaled``); unrounded values are kept as floats for
analysis, and two-decimal half-up values (``*_2dp``) are what reports print and what grades
are read from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from math import lcm

import numpy as np
import pandas as pd

from .errors import ItaError
from .rounding import MICRO, hundredths_half_up, round2, to_scaled
from .rules.framework import Framework, assign_grades, load_framework

KEY = ["org_id", "fiscal_year"]
SCORE_COLUMNS = ["org_id", "fiscal_year", "indicator", "score"]


def indicator_column(number: int) -> str:
    """Column of an indicator's score in a score table."""
    return f"ind_{number}"


def rounded_column(name: str) -> str:
    """Column of the two-decimal half-up value of ``name``."""
    return f"{name}_2dp"


def _floats(numer: np.ndarray, denom: int) -> np.ndarray:
    """``numer / denom`` as float64, each correctly rounded (also for Python integers)."""
    return np.asarray(numer / denom, dtype=np.float64)


def _score_year(wide: pd.DataFrame, fw: Framework, scale: int) -> pd.DataFrame:
    """Score one fiscal year: rows are organisations, columns indicator numbers (integers at
    ``scale``: int64, or Python integers in an object frame)."""
    dtype = np.int64 if scale == MICRO else object
    out = pd.DataFrame(index=wide.index)
    for number in fw.indicator_numbers:
        out[indicator_column(number)] = _floats(wide[number].to_numpy(dtype=dtype), scale)
    weights = {t.code: Fraction(t.weight) for t in fw.tools}
    # overall = sum_t w_t * S_t / (n_t * scale); bring every term to one integer denominator.
    denom = lcm(*(w.denominator * len(t.indicators) for t, w in zip(
        fw.tools, weights.values(), strict=True)))
    overall_numer = np.zeros(len(out), dtype=dtype)
    tools_h: dict[str, np.ndarray] = {}
    for tool in fw.tools:
        n = len(tool.indicators)
        sums = wide[list(tool.indicators)].to_numpy(dtype=dtype).sum(axis=1)
        out[tool.code] = _floats(sums, n * scale)
        tools_h[tool.code] = hundredths_half_up(sums, n * scale)
        w = weights[tool.code]
        overall_numer = overall_numer + sums * (w.numerator * denom // (w.denominator * n))
    out["overall"] = _floats(overall_numer, denom * scale)
    overall_h = hundredths_half_up(overall_numer, denom * scale)
    for code, hundredths in tools_h.items():
        out[rounded_column(code)] = hundredths / 100
    out[rounded_column("overall")] = overall_h / 100
    # grade: the highest confirmed band reached (None if none); grade_provisional: what every
    # band gives, unconfirmed ones included (``labels`` decides what a document prints)
    out["grade"] = assign_grades(fw, overall_h, tools_h, confirmed_only=True)
    out["grade_provisional"] = assign_grades(fw, overall_h, tools_h)
    out["passed"] = overall_h >= int(fw.target * 100)
    return out


def score_table(
    scores: pd.DataFrame,
    frameworks: Callable[[int], Framework] = load_framework,
) -> pd.DataFrame:
    """Score every organisation and fiscal year in a long table of indicator scores.

    ``scores`` has columns ``org_id, fiscal_year, indicator, score`` (one row per indicator).
    Returns one row per organisation and year: ``ind_<n>`` (as given), tool codes and
    ``overall`` (unrounded), ``<tool>_2dp`` and ``overall_2dp`` (half up), ``grade`` (the label
    of the confirmed bands, None where the scores reach none), ``grade_provisional`` (the label
    of every band, unconfirmed ones included) and ``passed``. Each year is scored by its own
    framework.
    """
    missing = [c for c in SCORE_COLUMNS if c not in scores.columns]
    if missing:
        raise ItaError(f"scores table lacks column(s) {', '.join(missing)}; "
                       f"expected {', '.join(SCORE_COLUMNS)}")
    _refuse_bad_scores(scores)
    parts = []
    for year, group in scores.groupby("fiscal_year", sort=True):
        fw = frameworks(int(year))
        scaled, scale = to_scaled(group["score"].to_numpy())
        wide = group.assign(score=scaled).pivot(index=KEY, columns="indicator", values="score")
        expected = list(fw.indicator_numbers)
        extra = sorted(set(wide.columns) - set(expected))
        if extra:
            raise ItaError(f"fiscal year {year} has no indicator(s) {extra}; expected {expected}")
        wide = wide.reindex(columns=expected)
        incomplete = wide.isna().any(axis=1)
        if incomplete.any():
            org, yr = wide.index[incomplete.argmax()]
            gaps = [n for n in expected if pd.isna(wide.loc[(org, yr), n])]
            raise ItaError(f"{org} {yr}: no score for indicator(s) {gaps}; "
                           f"every indicator {expected[0]}–{expected[-1]} is needed")
        parts.append(_score_year(wide, fw, scale))
    if not parts:
        return pd.DataFrame(columns=[*KEY, "overall", "grade", "grade_provisional", "passed"])
    table = pd.concat(parts).reset_index()
    for column in ("grade", "grade_provisional"):  # concat may turn an all-None column to NaN
        table[column] = table[column].astype(object).where(table[column].notna(), None)
    return table.sort_values(KEY, kind="stable").reset_index(drop=True)


def _refuse_bad_scores(scores: pd.DataFrame) -> None:
    """Scores outside 0–100 (or missing) and repeated indicators cannot be scored."""
    values = pd.to_numeric(scores["score"], errors="coerce")
    bad = ~values.between(0, 100)
    if bad.any():
        row = scores[bad].iloc[0]
        raise ItaError(f"{int(bad.sum())} score(s) not a number from 0 to 100, first: "
                       f"{row['org_id']} {row['fiscal_year']} indicator {row['indicator']}: "
                       f"{row['score']!r}")
    dup = scores.duplicated(["org_id", "fiscal_year", "indicator"])
    if dup.any():
        row = scores[dup].iloc[0]
        raise ItaError(f"indicator {row['indicator']} of {row['org_id']} {row['fiscal_year']} "
                       "is given more than once; expected one score per indicator")


def score_one(
    indicators: Mapping[int, object], fiscal_year: int,
    frameworks: Callable[[int], Framework] = load_framework,
    org_id: str = "-",
) -> pd.Series:
    """Score one organisation's indicators (``{1: 100.0, …}``); a row of ``score_table``."""
    long = pd.DataFrame({
        "org_id": org_id,
        "fiscal_year": int(fiscal_year),
        "indicator": [int(k) for k in indicators],
        "score": [float(Decimal(str(v))) for v in indicators.values()],
    })
    return score_table(long, frameworks).iloc[0]


def result_records(table: pd.DataFrame, frameworks: Callable[[int], Framework] = load_framework
                   ) -> list[dict[str, object]]:
    """Scored rows as plain dicts (two-decimal figures), the shape ``score --json`` prints."""
    records = []
    for row in table.itertuples(index=False):
        row_d = row._asdict()
        fw = frameworks(int(row_d["fiscal_year"]))
        records.append({
            "org_id": row_d["org_id"],
            "fiscal_year": int(row_d["fiscal_year"]),
            "indicators": {str(n): round2(row_d[indicator_column(n)])
                           for n in fw.indicator_numbers},
            "tools": {code: float(row_d[rounded_column(code)]) for code in fw.tool_codes},
            "overall": float(row_d[rounded_column("overall")]),
            "grade": row_d["grade"],
            "grade_provisional": row_d["grade_provisional"],
            "passed": bool(row_d["passed"]),
        })
    return records

