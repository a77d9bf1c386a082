"""The one place that says how figures are rounded.

Scores are computed from unrounded inputs with exact arithmetic. Only for display and for
grading is a value rounded, always half up (away from zero) to two decimals, as the ITA
publications print them: 96.875 shows as 96.88 and 84.995 is graded as 85.00.

Input scores are taken as the decimal numbers they were written as (``99.61`` is exactly
99.61, never the nearest binary float; ``84.9949999`` is exactly that, and grades 84.99):
a score travels as a float64 whose shortest representation is the decimal written (the
loader refuses a number with more significant digits than a float carries), and
``to_scaled`` turns floats back into exact integers at one decimal scale. Vectorised scoring
works in those integers: int64 micro-points (six decimals) where every score has at most
six decimals, which is fast, and Python integers at a finer scale where one has more. The
scalar path uses ``fractions.Fraction`` and serves as the independent check of the
vectorised one.
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
    """Scores known to have at most six decimals as int64 micro-points (``to_scaled`` for any
    score)."""
    return np.rint(np.asarray(values, dtype=np.float64) * MICRO).astype(np.int64)


def to_scaled(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Scores as exact integers at one decimal scale, and that scale (``10**places``).

    Each float stands for the decimal of its shortest representation (what was written).
    Where all have at most six decimals: int64 micro-points and ``MICRO``. Otherwise Python
    integers (an object array, so nothing overflows) at as many decimals as the longest has.
    """
    x = np.asarray(values, dtype=np.float64)
    if not np.isfinite(x).all():
        raise ValueError("scores must be finite numbers to be scaled exactly")
    micro = np.rint(x * MICRO)
    fits = micro / MICRO == x
    if fits.all():
        return micro.astype(np.int64), MICRO
    longer = [Decimal(repr(float(v))) for v in x[~fits]]
    places = max(-int(d.as_tuple().exponent) for d in longer)
    scale = 10**places
    out = micro.astype(np.int64).astype(object) * (scale // MICRO)
    out[~fits] = [int(d.scaleb(places)) for d in longer]
    return out, scale


def _integers(values: np.ndarray | int) -> np.ndarray:
    array = np.asarray(values)
    return array if array.dtype == object else array.astype(np.int64)


def hundredths_half_up(numer: np.ndarray, denom: np.ndarray | int) -> np.ndarray:
    """Vectorised, exact half-up rounding of ``numer / denom`` points to whole hundredths.

    Returns int64 hundredths (98.47 -> 9847); integers compare exactly against grade bands.
    Integers may be int64 or Python integers (object arrays, from ``to_scaled``). Scores are
    never negative, which the floor-division form relies on.
    """
    hundredths = (_integers(numer) * 200 + _integers(denom)) // (_integers(denom) * 2)
    return np.asarray(hundredths).astype(np.int64)


def rounded_hundredths(values: np.ndarray) -> np.ndarray:
    """Each score rounded half up to whole hundredths (int64), exactly as written."""
    scaled, scale = to_scaled(values)
    return hundredths_half_up(scaled, scale)


def mean_half_up(values: np.ndarray) -> float:
    """Exact mean of scores, rounded half up to two decimals (item means, group means)."""
    scaled, scale = to_scaled(values)
    if scaled.size == 0:
        return float("nan")
    return float(hundredths_half_up(scaled.sum(), scaled.size * scale)) / 100
