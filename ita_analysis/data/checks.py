"""Checks across rows and files of a data folder: duplicates, unknown organisations, and what
the year's framework allows (its indicators, items and labels). Each check looks only at the
rows whose cells it needs are valid, so that one bad cell is reported once."""

from __future__ import annotations

import pandas as pd

from ..errors import Problem
from ..rules.framework import FrameworkFiles
from .columns import ITEM_CODE
from .tables import ROW, Table


def cross_checks(raw: dict[str, pd.DataFrame], tables: dict[str, Table],
                  known: set[str] | None, rules: FrameworkFiles,
                  every_indicator: bool = True) -> list[Problem]:
    """Checks across rows and files: duplicates, unknown organisations, framework fit.

    Each check looks at the rows whose cells it needs are valid.
    """
    problems: list[Problem] = []
    scores = raw["scores"]
    # organisations with a score row whose year or indicator could not be read: a missing
    # indicator of theirs is that row's problem, already reported, not another one
    unsure = set(scores.loc[scores[["fiscal_year", "indicator"]].isna().any(axis=1),
                            "org_id"].dropna())
    raw = {base: frame.dropna(subset=[c for c in ("org_id", "fiscal_year") if c in frame])
           for base, frame in raw.items()}
    if "organisations" in tables:
        problems += _duplicates(raw["organisations"], ["org_id"], tables["organisations"])
    for base, keys in (("scores", ["org_id", "fiscal_year", "indicator"]),
                       ("items", ["org_id", "fiscal_year", "item"]),
                       ("published", ["org_id", "fiscal_year"]),
                       ("measures", None)):
        if base not in tables:
            continue
        frame, table = raw[base], tables[base]
        if known is not None:
            for row in frame[~frame["org_id"].isin(known)].itertuples():
                problems.append(table.problem(getattr(row, ROW), "org_id", row.org_id,
                                              "an org_id listed in organisations"))
        if keys:
            problems += _duplicates(frame.dropna(subset=keys), keys, table)
    if "scores" in tables:
        problems += _score_fit(raw["scores"].dropna(subset=["indicator"]), tables["scores"],
                               rules, every_indicator, unsure)
    if "items" in tables:
        problems += _item_fit(raw["items"].dropna(subset=["item"]), tables["items"], rules)
    if "measures" in tables:
        problems += _address_fit(raw["measures"], tables["measures"], rules)
    if "published" in tables:
        for row in raw["published"].itertuples():
            labels = rules(row.fiscal_year).grade_labels
            if row.grade and row.grade not in labels:
                problems.append(tables["published"].problem(
                    getattr(row, ROW), "grade", row.grade,
                    f"a label of {row.fiscal_year}: {', '.join(labels)} (or empty)"))
    return problems


def _duplicates(frame: pd.DataFrame, keys: list[str], table: Table) -> list[Problem]:
    dup = frame[frame.duplicated(keys, keep="first")]
    first = frame.drop_duplicates(keys, keep="first").set_index(keys)[ROW]
    problems = []
    for row in dup.itertuples(index=False):
        key = tuple(getattr(row, k) for k in keys)
        value = " / ".join(str(k) for k in key)
        first_row = first.loc[key if len(key) > 1 else key[0]]
        problems.append(table.problem(getattr(row, ROW), keys[-1], value,
                                      f"one row per {', '.join(keys)}; row {first_row} has "
                                      "it already"))
    return problems


def _score_fit(scores: pd.DataFrame, table: Table, rules: FrameworkFiles,
               every_indicator: bool = True, unsure: set[str] = frozenset()
               ) -> list[Problem]:
    """Indicators the year's framework knows, and (unless told otherwise) all of them for
    every organisation-year (but for organisations in ``unsure``, some of whose rows could not
    be placed)."""
    problems = []
    for year, rows in scores.groupby("fiscal_year", sort=True):
        expected = rules(int(year)).indicator_numbers
        known = rows["indicator"].isin(expected)
        for row in rows[~known].itertuples():
            problems.append(table.problem(getattr(row, ROW), "indicator", str(row.indicator),
                                          f"an indicator of {year}: "
                                          f"{min(expected)}–{max(expected)}"))
        if not every_indicator:
            continue
        counts = rows[known].groupby("org_id")["indicator"].nunique()
        short = counts[counts < len(expected)].index
        for org in (o for o in short if o not in unsure):
            group = rows[rows["org_id"] == org]
            gaps = sorted(set(expected) - set(group["indicator"]))
            problems.append(table.problem(int(group[ROW].min()), "indicator", None,
                                          f"a score for every indicator of {org} in {year}; "
                                          f"missing {', '.join(map(str, gaps))}"))
    return sorted(problems, key=lambda p: (p.row or 0))


def _item_fit(items: pd.DataFrame, table: Table, rules: FrameworkFiles) -> list[Problem]:
    problems = []
    for year, rows in items.groupby("fiscal_year", sort=True):
        codes = list(rules(int(year)).items)
        if codes:
            bad = rows[~rows["item"].isin(codes)]
            expected = f"an item code of {year} ({_span(codes)})"
        else:
            bad = rows[~rows["item"].str.fullmatch(ITEM_CODE.pattern)]
            expected = "an item code such as O34"
        problems += [table.problem(int(r), "item", code, expected)
                     for r, code in zip(bad[ROW], bad["item"], strict=True)]
    return sorted(problems, key=lambda p: (p.row or 0))


def _address_fit(measures: pd.DataFrame, table: Table, rules: FrameworkFiles) -> list[Problem]:
    """A measure addresses indicators and items that its year's framework has."""
    problems = []
    for row in measures.dropna(subset=["addresses"]).itertuples():
        fw = rules(int(row.fiscal_year))
        for token in row.addresses:
            known = (int(token) in fw.indicator_numbers) if token.isdigit() else (
                token in fw.items or not fw.items)
            if not known:
                items = f" or an item code ({_span(list(fw.items))})" if fw.items else ""
                problems.append(table.problem(
                    getattr(row, ROW), "addresses", token,
                    f"an indicator of {row.fiscal_year} ({min(fw.indicator_numbers)}–"
                    f"{max(fw.indicator_numbers)}){items}"))
    return problems


def _span(codes: list[str]) -> str:
    return f"{codes[0]}–{codes[-1]}" if len(codes) > 2 else ", ".join(codes)
