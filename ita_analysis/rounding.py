"""The one place that says how figures are rounded.

Scores are computed from unrounded inputs with exact arithmetic. Only for display and for
grading is a value rounded, always half up (away from zero) to two decimals, as the ITA
publications print them: 96.875 shows as 96.88 and 84.995 is graded as 85.00.

Input scores are taken as the decimal numbers they were written as (``99.61`` is exactly
99.61, never the nearest binary float), carried to ``MICRO`` (six decimals). Vectorised
scoring works in integer micro-points so that it is exact and fast; the scalar path uses
``fractions.Fraction`` and serves as the independent check of the vectorised one.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np

DISPLAY_DECIMALS = 2
MICRO = 1_000_000  # input scores are carried to six decimals
_HUNDREDTH = Decimal("0.01")


def to_fraction(value: object) -> Fraction:
    """Exact value of a score as written: floats are read by their shortest repr."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return Fraction(Decimal(repr(float(value))))
    if isinstance(value, Decimal | int):
        return Fraction(value)
    return Fraction(Decimal(str(value).strip()))


def round_half_up(value: object, decimals: int = DISPLAY_DECIMALS) -> Decimal:
    """Round half up to ``decimals`` places, exactly, from any number or Fraction."""
    frac = to_fraction(value)
    scale = 10**decimals
    scaled = frac * scale
    # floor(x + 1/2) for x >= 0; mirror for negatives so that -0.005 -> -0.01
    if scaled >= 0:
        whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    else:
        whole = -((-scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator))
    return (Decimal(whole) / Decimal(scale)).quantize(Decimal(1).scaleb(-decimals))


def round2(value: object) -> float:
    """Half-up two-decimal rounding as a float, for JSON and tables."""
    return float(round_half_up(value, DISPLAY_DECIMALS))


def to_micro(values: np.ndarray) -> np.ndarray:
    """Scores as int64 micro-points, recovering the decimal each float was written as."""
    return np.rint(np.asarray(values, dtype=np.float64) * MICRO).astype(np.int64)


def hundredths_half_up(numer: np.ndarray, denom: np.ndarray | int) -> np.ndarray:
    """Vectorised, exact half-up rounding of ``numer / denom`` points to whole hundredths.

    Returns int64 hundredths (98.47 -> 9847); integers compare exactly against grade bands.
    Scores are never negative, which the floor-division form relies on.
    """
    numer = np.asarray(numer, dtype=np.int64)
    denom = np.asarray(denom, dtype=np.int64)
    return (numer * 200 + denom) // (denom * 2)


def mean_half_up(values: np.ndarray) -> float:
    """Exact mean of scores, rounded half up to two decimals (item means, group means)."""
    micro = to_micro(values)
    if micro.size == 0:
        return float("nan")
    return float(hundredths_half_up(micro.sum(), micro.size * MICRO)) / 100
