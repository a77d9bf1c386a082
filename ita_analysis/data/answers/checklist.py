"""An OIT assessors' checklist read and validated into the compact form scoring works on: one
row per item judged, ``passed`` as the level on the year's pass/fail scale."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataValidationError
from ...rules.framework import load_framework
from ..tables import CodedTable, TableError, coded_frame, read_coded
from .compiled import Frameworks, answer_word, items_of, known_years, years_with
from .issues import Issues, check_columns, distinct_combinations, org_check, year_values

CHECKLIST_COLUMNS = ("org_id", "fiscal_year", "item", "passed")

CHECKLIST_OPTIONAL = ("comment",)

CHECKED_COLUMNS = ("org_id", "fiscal_year", "item", "passed")


def read_checklist(path: str | Path, organisations: Iterable[str] | None = None,
                   frameworks: Frameworks = load_framework) -> pd.DataFrame:
    """Read and validate an OIT checklist file (CSV, XLSX or Parquet) into the compact form."""
    path = Path(path)
    try:
        table = read_coded(path, (*CHECKLIST_COLUMNS, *CHECKLIST_OPTIONAL), CHECKLIST_COLUMNS)
    except TableError as exc:
        raise DataValidationError(exc.problems) from None
    return _checklist(table, str(path), organisations, frameworks)


def checklist_from_frame(frame: pd.DataFrame, file: str = "oit_checklist",
                         organisations: Iterable[str] | None = None,
                         frameworks: Frameworks = load_framework,
                         rows: np.ndarray | None = None) -> pd.DataFrame:
    """Validate an OIT checklist in the documented format; return the compact form.

    Reported at once: unknown item, a ``passed`` value that is not a pass or a fail, an item
    listed twice for one organisation and year, an unknown organisation (when given), a
    fiscal year without an item list.
    """
    return _checklist(coded_frame(frame, (*CHECKLIST_COLUMNS, *CHECKLIST_OPTIONAL), rows),
                      file, organisations, frameworks)


def _checklist(table: CodedTable, file: str, organisations: Iterable[str] | None,
               frameworks: Frameworks) -> pd.DataFrame:
    check_columns(table, CHECKLIST_COLUMNS, file)
    issues = Issues.of(table, file)
    org, org_cats = table.columns["org_id"]
    year_c, year_cats = table.columns["fiscal_year"]
    item_c, item_cats = table.columns["item"]
    pass_c, pass_cats = table.columns["passed"]
    n_rows = table.length
    issues.by_category(org, org_cats, "org_id", org_check(organisations))
    years, year_msgs = year_values(year_cats, known_years(frameworks))
    compiled = {int(y): items_of(frameworks(int(y)))
                for i, y in enumerate(years) if year_msgs[i] is None}
    for i, y in enumerate(years):
        if year_msgs[i] is None and compiled[int(y)] is None:
            have = years_with(items_of, frameworks)
            year_msgs[i] = ("a fiscal year whose framework file lists OIT items and their "
                            f"pass/fail scale ({', '.join(map(str, have)) or 'none yet'})")
    bad_year = np.array([m is not None for m in year_msgs], dtype=bool)
    if bad_year.any():
        idx = np.flatnonzero(bad_year[year_c])
        issues.add(idx, "fiscal_year", lambda i: [year_cats[c] for c in year_c[i]],
                   lambda i: [str(year_msgs[c]) for c in year_c[i]])
    inverse, combos = distinct_combinations([year_c, item_c, pass_c],
                              [len(year_cats), len(item_cats), len(pass_cats)])
    c_item = np.full(len(combos), -1, dtype=np.int16)
    c_pass = np.full(len(combos), -1, dtype=np.int8)
    i_msg: dict[int, str] = {}
    p_msg: dict[int, str] = {}
    for k, (yc, ic, pc) in enumerate(combos):
        if bad_year[yc]:
            continue
        comp = compiled[int(years[yc])]
        assert comp is not None
        code = item_cats[ic].upper()
        if code not in comp.ids:
            i_msg[k] = f"an OIT item of {years[yc]} ({comp.ids[0]}–{comp.ids[-1]})"
        else:
            c_item[k] = comp.ids.index(code)
        level = comp.words.get(answer_word(pass_cats[pc]))
        if level is None:
            p_msg[k] = f"a pass or a fail ({comp.hint})"
        else:
            c_pass[k] = level
    for msgs, column, codes, cats in ((i_msg, "item", item_c, item_cats),
                                      (p_msg, "passed", pass_c, pass_cats)):
        if msgs:
            flagged = np.zeros(len(combos), dtype=bool)
            flagged[list(msgs)] = True
            issues.add(np.flatnonzero(flagged[inverse]), column,
                       lambda i, codes=codes, cats=cats: [cats[c] for c in codes[i]],
                       lambda i, msgs=msgs: [msgs[int(k)] for k in inverse[i]])
    item_pos = c_item[inverse]
    key = pd.Series((year_c.astype(np.int64) * len(org_cats) + org) * max(len(item_cats), 1)
                    + item_c)
    dup = key.duplicated().to_numpy() & (item_pos >= 0)
    if dup.any():
        first = pd.Series(np.arange(len(key))).groupby(key.to_numpy()).transform("min")
        where = np.flatnonzero(dup)
        first_rows = dict(zip(where.tolist(), issues.row(first.to_numpy()[where]).tolist(),
                              strict=True))
        issues.add(where, "item", lambda i: [f"{org_cats[org[j]]} / {item_cats[item_c[j]]}"
                                             for j in i],
                   lambda i: [f"one row per org_id, fiscal_year and item; row "
                              f"{first_rows[int(j)]} has it already" for j in i])
    issues.raise_if_any()
    ids = list(dict.fromkeys(code for comp in compiled.values() if comp for code in comp.ids))
    i_code = np.zeros(n_rows, dtype=np.int16)
    for y, comp in compiled.items():
        if comp is None:
            continue
        in_year = np.isin(year_c, np.flatnonzero(years == y))
        i_code[in_year] = np.array([ids.index(c) for c in comp.ids], dtype=np.int16)[
            item_pos[in_year]]
    out = pd.DataFrame({
        "org_id": pd.Categorical.from_codes(org, org_cats),
        "fiscal_year": years.astype(np.int16)[year_c],
        "item": pd.Categorical.from_codes(i_code, ids),
        "passed": c_pass[inverse],
    })
    if "comment" in table.columns:
        comment_c, comment_cats = table.columns["comment"]
        out["comment"] = pd.Categorical.from_codes(comment_c, comment_cats)
    return out
