"""One invented province in the project's data formats (``make_province``): 80 local
administrations by default (mostly องค์การบริหารส่วนตำบล, some เทศบาลตำบล, a few เทศบาลเมือง),
their scores, items, published results (with deliberate contradictions) and measures.

Everything made here is SYNTHETIC: none of it describes a real agency, and any likeness to a
real place name is coincidental. Never mix these data with real assessment results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...rules.framework import load_framework
from ...scoring import score_table
from .names import (
    DISTRICTS,
    EXECUTIVE_TITLES,
    EXECUTIVES,
    FOLLOW_UPS,
    MEASURES,
    PLACE_HEADS,
    PLACE_TAILS,
    PLACE_VARIANTS,
    PROVINCES,
)
from .scores import DEFAULT_SEED, OIT10_SUBS, long_scores, normalise_years, simulate

ORGANISATION_COLUMNS = ["org_id", "name", "org_type", "district", "province",
                        "executive_name", "executive_title"]

ITEM_COLUMNS = ["org_id", "fiscal_year", "item", "score"]

PUBLISHED_COLUMNS = ["org_id", "fiscal_year", "iit", "eit", "oit", "overall", "grade"]

MEASURE_COLUMNS = [
    "org_id",
    "fiscal_year",
    "measure",
    "method",
    "owner",
    "start",
    "end",
    "follow_up",
    "addresses",
]

CONTRADICTION_COLUMNS = ["org_id", "fiscal_year", "column", "published", "correct"]

SAO = "องค์การบริหารส่วนตำบล"

TAMBON_MUNICIPALITY = "เทศบาลตำบล"

TOWN_MUNICIPALITY = "เทศบาลเมือง"

_TYPE_SLUG = {SAO: "sao", TAMBON_MUNICIPALITY: "tmn", TOWN_MUNICIPALITY: "twn"}

# a municipality publishes a little more on its website than an SAO (in OIT standard deviations)
_TYPE_OIT_SHIFT = {SAO: 0.0, TAMBON_MUNICIPALITY: 0.25, TOWN_MUNICIPALITY: 0.5}


@dataclass(frozen=True)
class SyntheticData:
    """One synthetic province in the project's data formats (see the module docstring).

    ``contradictions`` lists the published figures that were deliberately mistyped
    (``org_id, fiscal_year, column, published, correct``): reconciliation should find these
    and nothing else.
    """

    organisations: pd.DataFrame
    scores: pd.DataFrame
    items: pd.DataFrame
    published: pd.DataFrame
    measures: pd.DataFrame
    contradictions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CONTRADICTION_COLUMNS)
    )


def _organisations(rng: np.random.Generator, n_orgs: int) -> pd.DataFrame:
    # plain names first; "…เหนือ", "…ใหม่" and the like only when a large province needs them
    places = [h + t + v for v in PLACE_VARIANTS for h in PLACE_HEADS for t in PLACE_TAILS]
    if n_orgs > len(places):
        raise ValueError(f"n_orgs must be at most {len(places)} for a province, got {n_orgs}")
    n_plain = len(PLACE_HEADS) * len(PLACE_TAILS)
    name_pool = n_plain if n_orgs <= n_plain // 2 else len(places)
    province = PROVINCES[int(rng.integers(len(PROVINCES)))]
    n_districts = min(int(rng.integers(5, 9)), n_orgs)
    others = rng.choice(len(DISTRICTS), size=n_districts - 1, replace=False)
    districts = ["เมือง" + province] + [DISTRICTS[int(i)] for i in sorted(others)]

    n_town = n_orgs // 30
    n_tambon_muni = n_orgs // 5
    n_sao = n_orgs - n_town - n_tambon_muni
    types = [SAO] * n_sao + [TAMBON_MUNICIPALITY] * n_tambon_muni + [TOWN_MUNICIPALITY] * n_town

    # town municipalities sit in the first districts, the capital district first, and take
    # their district's name; every district gets at least one organisation
    n_rural = n_orgs - n_town
    base = np.arange(n_districts) if n_rural >= n_districts else np.zeros(0, dtype=np.int64)
    rural_district = rng.permutation(
        np.concatenate([base, rng.integers(0, n_districts, size=n_rural - len(base))])
    )
    district_of = np.concatenate([rural_district, np.arange(n_town) % n_districts])
    place_pick = rng.choice(name_pool, size=n_orgs, replace=False)

    rows = []
    counters = dict.fromkeys(_TYPE_SLUG, 0)
    width = max(3, len(str(n_orgs)))
    for i, org_type in enumerate(types):
        counters[org_type] += 1
        district = districts[int(district_of[i])]
        place = places[int(place_pick[i])]
        if org_type == TOWN_MUNICIPALITY and i - n_rural < n_districts:
            place = province if district_of[i] == 0 else district
        named = i % 2 == 0
        rows.append(
            {
                "org_id": f"syn-{_TYPE_SLUG[org_type]}-{counters[org_type]:0{width}d}",
                "name": org_type + place,
                "org_type": org_type,
                "district": "อำเภอ" + district,
                "province": "จังหวัด" + province,
                "executive_name": EXECUTIVES[(i // 2) % len(EXECUTIVES)] if named else "",
                "executive_title": EXECUTIVE_TITLES[org_type] + place if named else "",
            }
        )
    return pd.DataFrame(rows, columns=ORGANISATION_COLUMNS)


def _missing_org_years(
    rng: np.random.Generator, n_orgs: int, years: list[int]
) -> set[tuple[int, int]]:
    """A few (org index, year index) pairs not assessed; 2565 is kept whole when possible."""
    candidates = [j for j, y in enumerate(years) if y != 2565] if len(years) > 1 else []
    if not candidates or n_orgs < 10:
        return set()
    n_missing = max(1, n_orgs // 25)
    orgs = rng.choice(n_orgs, size=n_missing, replace=False)
    return {(int(o), int(candidates[int(rng.integers(len(candidates)))])) for o in orgs}


def _typo(value: float, decimals: bool) -> float | None:
    """The figure with its two decimals (or its two whole-number digits) swapped.

    None when that would not change it, or for 100.00 and figures below 10.
    """
    text = f"{value:.2f}"
    if value >= 100.0 or value < 10.0:
        return None
    a, b = (3, 4) if decimals else (0, 1)
    if text[a] == text[b]:
        return None
    chars = list(text)
    chars[a], chars[b] = chars[b], chars[a]
    return float("".join(chars))


def _published(
    rng: np.random.Generator, scores: pd.DataFrame, years: list[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Published results for a subset (30% of orgs in 2565, 10% in 2566 and 2567).

    Figures and grades come from the scoring library, as a correct publication would print
    them; two are then mistyped on purpose.
    """
    shares = {2565: 0.30, 2566: 0.10, 2567: 0.10}
    table = score_table(scores)
    rows = []
    for year in years:
        if year not in shares:
            continue
        assessed = table[table["fiscal_year"] == year]
        size = min(len(assessed), max(1, round(shares[year] * len(assessed))))
        if size == 0:
            continue
        chosen = assessed.iloc[np.sort(rng.choice(len(assessed), size=size, replace=False))]
        rows.append(pd.DataFrame({
            "org_id": chosen["org_id"].to_numpy(),
            "fiscal_year": year,
            "iit": chosen["IIT_2dp"].to_numpy(),
            "eit": chosen["EIT_2dp"].to_numpy(),
            "oit": chosen["OIT_2dp"].to_numpy(),
            "overall": chosen["overall_2dp"].to_numpy(),
            # what NACC would publish: every band of the file, unconfirmed ones included
            "grade": chosen["grade_provisional"].to_numpy(),
        }))
    published = (pd.concat(rows, ignore_index=True) if rows
                 else pd.DataFrame(columns=PUBLISHED_COLUMNS))[PUBLISHED_COLUMNS]

    # two deliberate contradictions: an overall with its decimals swapped (small, but beyond
    # the 0.01 that rounding can explain) and a tool score with its whole digits swapped
    contradictions = []
    letter_rows = [
        r for r in range(len(published))
        if load_framework(int(published.at[r, "fiscal_year"])).grading.kind == "letter"
    ]
    pool = letter_rows if len(letter_rows) >= 2 else list(range(len(published)))
    order = [int(r) for r in rng.permutation(pool)] if pool else []
    for column, decimals in (("overall", True), (str(rng.choice(["iit", "eit"])), False)):
        for r in order:
            wrong = _typo(float(published.at[r, column]), decimals)
            if wrong is None:
                continue
            contradictions.append(
                {
                    "org_id": published.at[r, "org_id"],
                    "fiscal_year": int(published.at[r, "fiscal_year"]),
                    "column": column,
                    "published": wrong,
                    "correct": float(published.at[r, column]),
                }
            )
            published.at[r, column] = wrong
            order.remove(r)
            break
    return published, pd.DataFrame(contradictions, columns=CONTRADICTION_COLUMNS)


def _month(year: int, index: int) -> str:
    """Month ``index`` (0 = October of year - 1) of fiscal year ``year`` as BE ``YYYY-MM``."""
    calendar_month = (index + 9) % 12 + 1
    calendar_year = year - 1 if index < 3 else year
    return f"{calendar_year:04d}-{calendar_month:02d}"


def _measures(
    rng: np.random.Generator,
    org_ids: list[str],
    years: list[int],
    cents: np.ndarray,
    present: np.ndarray,
) -> pd.DataFrame:
    """Measures for about a quarter of the organisations in each of the last two fiscal years
    that follow an assessed year, answering each organisation's weakest indicators of that
    assessed year: the analysis of year Y (the rows' ``fiscal_year``) sets them for Y+1."""
    rows = []
    year_index = {y: j for j, y in enumerate(years)}
    measure_years = [y for y in years if y - 1 in year_index][-2:]
    for year in measure_years:
        prev = year_index[year - 1]
        assessed = np.flatnonzero(present[:, prev])
        size = min(len(assessed), max(1, round(0.25 * len(org_ids))))
        if size == 0:
            continue
        chosen = np.sort(rng.choice(assessed, size=size, replace=False))
        for i in chosen:
            n_measures = int(rng.integers(2, 6))
            # weakest indicators first; ties broken at random
            noise = rng.random(10)
            ranked = np.lexsort((noise, cents[i, prev, :])) + 1
            picked: list[tuple[int, tuple[str, str, tuple[str, ...], int, int]]] = []
            for indicator in ranked:
                for entry in MEASURES[int(indicator)]:
                    if len(picked) < n_measures:
                        picked.append((int(indicator), entry))
            for number, (measure, method, owners, shortest, longest) in picked:
                length = int(rng.integers(shortest, longest + 1))
                start = int(rng.integers(0, 12 - length + 1))
                end = start + length - 1
                rows.append(
                    {
                        "org_id": org_ids[int(i)],
                        "fiscal_year": year - 1,
                        "measure": measure,
                        "method": method,
                        "owner": owners[int(rng.integers(len(owners)))],
                        "start": _month(year, start),
                        "end": _month(year, end),
                        "follow_up": FOLLOW_UPS[int(rng.integers(len(FOLLOW_UPS)))],
                        "addresses": str(number),
                    }
                )
    return pd.DataFrame(rows, columns=MEASURE_COLUMNS)


def make_province(
    n_orgs: int = 80, years: Iterable[int] = range(2563, 2568), seed: int = DEFAULT_SEED
) -> SyntheticData:
    """One invented province of ``n_orgs`` local administrations (SYNTHETIC data).

    The same arguments always give equal frames. See the module docstring for the model.
    """
    if n_orgs < 1:
        raise ValueError(f"n_orgs must be at least 1, got {n_orgs}")
    year_list = normalise_years(years)
    rng = np.random.default_rng(seed)

    organisations = _organisations(rng, n_orgs)
    org_ids = organisations["org_id"].tolist()
    oit_shift = organisations["org_type"].map(_TYPE_OIT_SHIFT).to_numpy(dtype=np.float64)
    cents, passed = simulate(rng, n_orgs, year_list, oit_shift)

    present = np.ones((n_orgs, len(year_list)), dtype=bool)
    for i, j in _missing_org_years(rng, n_orgs, year_list):
        present[i, j] = False

    scores = long_scores(np.asarray(org_ids, dtype=object), year_list, cents)
    scores = scores[np.repeat(present.reshape(-1), 10)].reset_index(drop=True)

    if 2565 in year_list:
        j = year_list.index(2565)
        rows = np.flatnonzero(present[:, j])
        first = OIT10_SUBS[0][0]
        count = sum(n for _, n in OIT10_SUBS)
        block = passed[rows, j, first - 1 : first - 1 + count]
        items = pd.DataFrame(
            {
                "org_id": np.repeat(np.asarray(org_ids, dtype=object)[rows], count),
                "fiscal_year": np.int64(2565),
                "item": np.tile([f"O{first + k}" for k in range(count)], len(rows)),
                "score": np.where(block.reshape(-1), 100, 0).astype(np.int64),
            },
            columns=ITEM_COLUMNS,
        )
    else:
        items = pd.DataFrame(columns=ITEM_COLUMNS)

    published, contradictions = _published(rng, scores, year_list)
    measures = _measures(rng, org_ids, year_list, cents, present)
    return SyntheticData(
        organisations=organisations,
        scores=scores,
        items=items,
        published=published,
        measures=measures,
        contradictions=contradictions,
    )
