"""Which organisations a run covers: those with scores in the year, narrowed by province,
type or a list of ids; and those of the selection left out for invalid rows."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..data.dataset import Dataset
from ..errors import ParameterError


def _matches(value: object, wanted: Sequence[str], prefix: str) -> bool:
    text = "" if pd.isna(value) else str(value).strip()
    return any(text in (w.strip(), prefix + w.strip()) for w in wanted)


def select_orgs(dataset: Dataset, year: int, *, provinces: Sequence[str] = (),
                org_types: Sequence[str] = (), orgs: Sequence[str] = (),
                allow_none: bool = False) -> list[str]:
    """The organisations to report on: those with scores in ``year`` (or those named with
    ``orgs``, kept even without scores so that they fail clearly), narrowed by province and type.
    A province may be given with or without its "จังหวัด" prefix."""
    table = dataset.organisations.set_index("org_id", drop=False)
    scored = set(dataset.scores.loc[dataset.scores["fiscal_year"] == year, "org_id"])
    if orgs:
        candidates = list(dict.fromkeys(orgs))
    else:
        candidates = [o for o in table["org_id"] if o in scored]
    chosen = []
    for org in candidates:
        if org in table.index:
            row = table.loc[org]
            if provinces and not _matches(row["province"], provinces, "จังหวัด"):
                continue
            if org_types and not _matches(row["org_type"], org_types, ""):
                continue
        chosen.append(org)
    if not chosen and not allow_none:
        wanted = [f"--province {' '.join(provinces)}" if provinces else "",
                  f"--org-type {' '.join(org_types)}" if org_types else ""]
        known = sorted({str(p) for p in table.loc[table["org_id"].isin(scored), "province"]})
        raise ParameterError(
            f"no organisation with scores in fiscal year {year} in {dataset.source}"
            + (f" matches {' '.join(w for w in wanted if w)}" if any(wanted) else "")
            + (f"; provinces with scores that year: {', '.join(known)}" if known else ""))
    return chosen


def excluded_in_scope(dataset: Dataset, year: int, *, provinces: Sequence[str] = (),
                      org_types: Sequence[str] = (), orgs: Sequence[str] = ()) -> list[str]:
    """Organisations of the selection that the data set left out because their own rows are
    invalid (``load_dataset(isolate=True)``): named with ``orgs``, or with rows of ``year`` (or
    rows whose year could not be read) in the province and type asked for."""
    found = []
    for org, left in sorted(dataset.excluded.items()):
        if orgs:
            if org in orgs:
                found.append(org)
            continue
        if left.years and year not in left.years:
            continue
        if provinces and not _matches(left.province, provinces, "จังหวัด"):
            continue
        if org_types and not _matches(left.org_type, org_types, ""):
            continue
        found.append(org)
    return found

