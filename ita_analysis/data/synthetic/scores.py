"""Synthetic scores: the score model shared by the invented province and the national-sized
population (``make_national``), fully vectorised. Everything made here is SYNTHETIC.

How the scores are made (the same model for both):

- IIT (indicators 1–5) and EIT (6–8): a yearly mean per tool, plus a persistent level per
  organisation, a yearly random-walk drift, a fixed effect per indicator and noise; clipped to
  [0, 100] and kept to two decimals. IIT sits in the 90s, EIT a few points lower.
- OIT (9–10): each organisation-year has a probability of meeting an OIT item, from a yearly
  mean, a persistent OIT capability and the drift; each of the 43 items of the 2565 list
  (O1–O43) is then scored 100 or 0 as assessors do, with some items harder than others.
  Indicators 9 and 10 are the plain mean of their sub-indicators' pass shares (9.1–9.5;
  10.1 O34–O41 and 10.2 O42–O43): NACC's roll-up, the rule `ita-analysis check` reconciles
  published item tables with. Hence OIT has the widest spread, with many agencies at 100.
- Province means per year come out near 80 (2563), 81 (2564), 88 (2565), 90 (2566) and
  92 (2567); the national means reported were 81.25 in 2564 and 87.57 in 2565.

Scores are decimal numbers with two places, taken as exact: published tool scores and the
overall score are computed from them with exact integer arithmetic and half-up rounding.
The weights (30/30/40) and grade bands are a deliberate copy, independent of the framework
files, so that the scoring library can be checked against these data.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

# The score model. Yearly means are of the latent values, calibrated so that the clipped and
# item-scored results land on the province means given above. A year outside the table takes
# the parameters of the nearest year in it.


DEFAULT_SEED = 2565

SCORE_COLUMNS = ["org_id", "fiscal_year", "indicator", "score"]

_YEAR_PARAMS: dict[int, tuple[float, float, float, float]] = {
    # year: (IIT latent mean, EIT latent mean, OIT latent mean, OIT spread)
    2563: (91.0, 84.5, 72.5, 19.0),
    2564: (91.5, 85.0, 74.5, 19.0),
    2565: (93.0, 87.0, 87.5, 15.0),
    2566: (94.0, 88.5, 92.0, 13.0),
    2567: (95.0, 90.0, 95.5, 11.0),
}

_IIT_EFFECT = np.array([1.5, -1.0, 0.5, -1.5, 0.5])  # indicators 1–5

_EIT_EFFECT = np.array([1.0, -0.5, -0.5])  # indicators 6–8

# OIT sub-indicators of the 2565 list: (first item, item count)
_OIT9_SUBS = ((1, 9), (10, 8), (18, 7), (25, 4), (29, 5))  # 9.1–9.5: O1–O33

OIT10_SUBS = ((34, 8), (42, 2))  # 10.1: O34–O41, 10.2: O42–O43

_N_OIT_ITEMS = 43

# how much harder (negative) or easier an OIT item is, on the logit scale
_HARD_ITEMS = {  # item number: effect
    12: -0.6,  # O12 annual performance report
    21: -0.5,  # O21 monthly procurement summary
    25: -0.7,  # O25–O28 human resources
    26: -0.5,
    27: -0.5,
    28: -0.6,
    32: -0.4,
    36: -0.6,  # O36 annual corruption-risk assessment
    37: -0.5,
    40: -0.8,  # O40 six-month monitoring report
    41: -0.6,
    43: -0.4,  # O43 carrying out the internal measures
}

_EASY_ITEMS = {1: 0.8, 2: 0.8, 3: 0.6, 4: 0.6, 5: 0.5, 34: 0.6, 35: 0.4}


def _year_params(years: list[int]) -> np.ndarray:
    """(len(years), 4) parameters; a year outside the table takes the nearest year's."""
    known = np.array(sorted(_YEAR_PARAMS))
    rows = []
    for year in years:
        nearest = int(known[np.argmin(np.abs(known - year))])
        rows.append(_YEAR_PARAMS[nearest])
    return np.array(rows, dtype=np.float64).reshape(len(years), 4)


def _item_effects() -> np.ndarray:
    effects = np.zeros(_N_OIT_ITEMS)
    for number, value in {**_HARD_ITEMS, **_EASY_ITEMS}.items():
        effects[number - 1] = value
    return effects


def _sub_indicator_cents(passed: np.ndarray, subs: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Plain mean of sub-indicator pass shares, in hundredths of a point, rounded half up.

    Exact: with L the lcm of the item counts, the score in points is
    100 * sum(k_s * L / n_s) / (len(subs) * L).
    """
    lcm = int(np.lcm.reduce([n for _, n in subs]))
    numer = np.zeros(passed.shape[:-1], dtype=np.int64)
    for first, count in subs:
        k = passed[..., first - 1 : first - 1 + count].sum(axis=-1, dtype=np.int64)
        numer += k * (lcm // count)
    denom = len(subs) * lcm
    # cents = 10000 * numer / denom, half up
    return (numer * 20000 + denom) // (2 * denom)


def simulate(
    rng: np.random.Generator, n_orgs: int, years: list[int], oit_shift: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Indicator scores as int64 hundredths (n_orgs, n_years, 10) and OIT items (…, 43) bool."""
    n_years = len(years)
    params = _year_params(years)
    mu_iit, mu_eit, mu_oit, sd_oit = (params[:, j] for j in range(4))

    def centred(values: np.ndarray) -> np.ndarray:
        # centring the organisation effects keeps a small province's yearly means on target
        return values - values.mean(axis=0) if values.shape[0] > 1 else values

    level = centred(rng.standard_normal(n_orgs))
    oit_cap = centred(0.5 * level + np.sqrt(0.75) * rng.standard_normal(n_orgs))
    drift = centred(np.cumsum(rng.normal(0.0, 0.6, (n_orgs, n_years)), axis=1))

    iit = (
        mu_iit[None, :, None]
        + _IIT_EFFECT[None, None, :]
        + 2.5 * level[:, None, None]
        + 1.0 * drift[:, :, None]
        + rng.normal(0.0, 1.8, (n_orgs, n_years, 5))
    )
    eit = (
        mu_eit[None, :, None]
        + _EIT_EFFECT[None, None, :]
        + 3.5 * level[:, None, None]
        + 1.5 * drift[:, :, None]
        + rng.normal(0.0, 2.5, (n_orgs, n_years, 3))
    )
    latent_oit = (
        mu_oit[None, :]
        + sd_oit[None, :] * (oit_cap + oit_shift - oit_shift.mean())[:, None]
        + 3.0 * drift
        + rng.normal(0.0, 6.0, (n_orgs, n_years))
    )
    p = np.clip(latent_oit / 100.0, 1e-4, 1.0 - 1e-4)
    logit = np.log(p / (1.0 - p))[:, :, None] + _item_effects()[None, None, :]
    passed = rng.random((n_orgs, n_years, _N_OIT_ITEMS)) < 1.0 / (1.0 + np.exp(-logit))

    cents = np.empty((n_orgs, n_years, 10), dtype=np.int64)
    cents[:, :, 0:5] = np.rint(np.clip(iit, 0.0, 100.0) * 100.0).astype(np.int64)
    cents[:, :, 5:8] = np.rint(np.clip(eit, 0.0, 100.0) * 100.0).astype(np.int64)
    cents[:, :, 8] = _sub_indicator_cents(passed, _OIT9_SUBS)
    # indicator 10 as NACC rolls it up (the rule reconciliation checks): 10.1 and 10.2
    cents[:, :, 9] = _sub_indicator_cents(passed, OIT10_SUBS)
    return cents, passed


def long_scores(org_ids: np.ndarray, years: list[int], cents: np.ndarray) -> pd.DataFrame:
    n_orgs, n_years = cents.shape[:2]
    return pd.DataFrame(
        {
            "org_id": np.repeat(org_ids, n_years * 10),
            "fiscal_year": np.tile(np.repeat(np.asarray(years, dtype=np.int64), 10), n_orgs),
            "indicator": np.tile(np.arange(1, 11, dtype=np.int64), n_orgs * n_years),
            "score": cents.reshape(-1) / 100.0,
        }
    )


def normalise_years(years: Iterable[int]) -> list[int]:
    out = sorted({int(y) for y in years})
    if not out:
        raise ValueError("years must name at least one fiscal year")
    return out


def make_national(
    n_orgs: int = 8303, years: Iterable[int] = range(2563, 2568), seed: int = DEFAULT_SEED
) -> pd.DataFrame:
    """Long scores table (``org_id, fiscal_year, indicator, score``) for a national population.

    SYNTHETIC data for benchmarks: org_ids ``nat-00001``…, every organisation assessed every
    year, ten indicators each (8,303 × 5 × 10 = 415,150 rows by default). Vectorised: no loop
    over rows or organisations.
    """
    if n_orgs < 1:
        raise ValueError(f"n_orgs must be at least 1, got {n_orgs}")
    year_list = normalise_years(years)
    rng = np.random.default_rng(seed)
    cents, _ = simulate(rng, n_orgs, year_list, np.zeros(n_orgs))
    width = max(5, len(str(n_orgs)))
    numbers = np.char.zfill(np.arange(1, n_orgs + 1).astype(str), width)
    org_ids = np.char.add("nat-", numbers).astype(object)
    return long_scores(org_ids, year_list, cents)
