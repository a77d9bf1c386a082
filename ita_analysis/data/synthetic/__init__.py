"""SYNTHETIC data: invented organisations, scores and answers for tests, examples and
benchmarks; never real results. ``make_province`` (one province in the data formats),
``make_national`` (national-sized scores) and ``make_national_responses`` (raw answers)."""

from __future__ import annotations

from .province import (
    CONTRADICTION_COLUMNS,
    DEFAULT_SEED,
    ITEM_COLUMNS,
    MEASURE_COLUMNS,
    ORGANISATION_COLUMNS,
    PUBLISHED_COLUMNS,
    SyntheticData,
    make_province,
)
from .scores import SCORE_COLUMNS, make_national

__all__ = ["CONTRADICTION_COLUMNS", "DEFAULT_SEED", "ITEM_COLUMNS", "MEASURE_COLUMNS",
           "ORGANISATION_COLUMNS", "PUBLISHED_COLUMNS", "SCORE_COLUMNS", "SyntheticData",
           "make_national", "make_province"]
