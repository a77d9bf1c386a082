"""Load and validate a data folder into typed tables, reporting every problem at once.

A data folder holds ``organisations``, ``scores`` and, optionally, ``items``, ``published``
and ``measures``, each as ``.csv`` or ``.xlsx`` (see docs/data-format.md). Every problem is
reported with its file, row, column, the value and what was expected; nothing is scored
from a folder that has any.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from .errors import DataValidationError, Problem
from .framework import Framework, available_years, load_framework
from .tables import ROW, TableError, find_table, read_table
from .thai import parse_month_year, to_arabic_digits

ORG_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
ITEM_CODE = re.compile(r"^[A-Za-z]{1,3}[0-9]{1,3}$")


class Invalid(ValueError):
    """A cell's value is not what its column expects (the message says what is)."""


# -- cell parsers: text in, typed value out, ``Invalid(expected)`` otherwise -------------

def _text(value: str) -> str:
    if not value:
        raise Invalid("a non-empty text")
    return value


def _optional_text(value: str) -> str:
    return value


def _org_id(value: str) -> str:
    if not ORG_ID.match(value):
        raise Invalid("an ASCII code of letters, digits, '-' or '_' (at most 64, starting "
                      "with a letter or digit), safe as a folder name")
    return value


def _integer(value: str) -> int:
    text = to_arabic_digits(value)
    if not re.fullmatch(r"[0-9]+(\.0+)?", text):
        raise Invalid("a whole number")
    return int(float(text))


def _fiscal_year(value: str) -> int:
    year = _integer(value)
    years = available_years()
    if 1900 <= year < 2400:
        raise Invalid(f"a Buddhist Era fiscal year; {year} looks like a Christian Era year "
                      f"(BE {year + 543})")
    if year not in years:
        raise Invalid(f"a fiscal year with a framework file ({years[0]}–{years[-1]})")
    return year


def _score(value: str) -> float:
    try:
        number = float(to_arabic_digits(value))
    except ValueError:
        raise Invalid("a number from 0 to 100") from None
    if not math.isfinite(number) or not 0 <= number <= 100:
        raise Invalid("a number from 0 to 100")
    return number


def _optional_score(value: str) -> float:
    return math.nan if value == "" else _score(value)


def _month(value: str) -> tuple[int, int]:
    try:
        return parse_month_year(value)
    except ValueError as exc:
        raise Invalid(str(exc)) from None


@dataclass(frozen=True)
class Spec:
    """What one input file holds: its columns and how each cell is read."""

    base: str
    required: bool
    columns: dict[str, Callable[[str], object]]
    optional_columns: dict[str, Callable[[str], object]] = field(default_factory=dict)


SPECS: tuple[Spec, ...] = (
    Spec("organisations", True, {"org_id": _org_id, "name": _text, "org_type": _text,
                                 "district": _optional_text, "province": _text}),
    Spec("scores", True, {"org_id": _org_id, "fiscal_year": _fiscal_year,
                          "indicator": _integer, "score": _score}),
    Spec("items", False, {"org_id": _org_id, "fiscal_year": _fiscal_year, "item": _text,
                          "score": _score}),
    Spec("published", False, {"org_id": _org_id, "fiscal_year": _fiscal_year,
                              "iit": _optional_score, "eit": _optional_score,
                              "oit": _optional_score, "overall": _optional_score,
                              "grade": _optional_text}),
    Spec("measures", False, {"org_id": _org_id, "fiscal_year": _fiscal_year, "measure": _text,
                             "method": _optional_text, "owner": _optional_text,
                             "start": _month, "end": _month, "follow_up": _optional_text}),
)


@dataclass(frozen=True)
class Dataset:
    """A validated data folder: typed tables plus where they came from."""

    source: Path
    organisations: pd.DataFrame
    scores: pd.DataFrame
    items: pd.DataFrame
    published: pd.DataFrame
    measures: pd.DataFrame
    files: dict[str, Path]
    digest: str  # SHA-256 over the files' bytes, recorded in every report

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.scores["fiscal_year"].unique())

    def organisation(self, org_id: str) -> pd.Series:
        rows = self.organisations[self.organisations["org_id"] == org_id]
        if rows.empty:
            raise KeyError(org_id)
        return rows.iloc[0]


def default_data_dir() -> Path:
    """The embedded default data (the seed organisation, 2565)."""
    return _data_dir("default")


def synthetic_data_dir() -> Path:
    """The embedded synthetic demonstration province (never real data)."""
    return _data_dir("synthetic")


def _data_dir(name: str) -> Path:
    installed = Path(str(resources.files("ita_analysis") / "_data" / name))
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "data" / name


def load_dataset(folder: str | Path | None = None) -> Dataset:
    """Read, validate and type every table of a data folder (default: the embedded data)."""
    folder = Path(folder) if folder is not None else default_data_dir()
    if not folder.is_dir():
        raise DataValidationError([Problem(str(folder), None, None, None,
                                           "a folder holding organisations.csv and scores.csv")])
    return _load(folder.resolve())


@cache
def _load_cached(folder: Path, stamp: tuple[tuple[str, int, int], ...]) -> Dataset:
    return _build(folder)


def _load(folder: Path) -> Dataset:
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                         for p in folder.iterdir() if p.is_file()))
    return _load_cached(folder, stamp)


def _build(folder: Path) -> Dataset:
    problems: list[Problem] = []
    raw: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    for spec in SPECS:
        try:
            path = find_table(folder, spec.base)
        except TableError as exc:
            problems.append(exc.problem)
            continue
        if path is None:
            if spec.required:
                problems.append(Problem(str(folder / f"{spec.base}.csv"), None, None, None,
                                        f"the file {spec.base}.csv (or .xlsx), which is required"))
            continue
        files[spec.base] = path
        try:
            table = read_table(path)
        except TableError as exc:
            problems.append(exc.problem)
            continue
        parsed, file_problems = _parse(path, table, spec)
        problems.extend(file_problems)
        raw[spec.base] = parsed
    for spec in SPECS:
        raw.setdefault(spec.base, _empty(spec))
    problems.extend(_cross_checks(raw, files))
    if problems:
        raise DataValidationError(problems)
    return Dataset(
        source=folder,
        organisations=raw["organisations"].drop(columns=ROW),
        scores=raw["scores"].drop(columns=ROW).astype({"fiscal_year": int, "indicator": int}),
        items=_with_indicator(raw["items"]).drop(columns=ROW),
        published=raw["published"].drop(columns=ROW),
        measures=_split_months(raw["measures"]).drop(columns=ROW),
        files=files,
        digest=_digest(files),
    )


def _empty(spec: Spec) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in [*spec.columns, ROW]})


def _parse(path: Path, table: pd.DataFrame, spec: Spec) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed cells of one file; rows with a bad cell are dropped after being reported."""
    missing = [name for name in spec.columns if name not in table.columns]
    if missing:
        return _empty(spec), [
            Problem(str(path), 1, name, None, f"a column named '{name}' in the header row "
                    f"(columns expected: {', '.join(spec.columns)})")
            for name in missing
        ]
    problems: list[Problem] = []
    records = []
    for row in table.to_dict("records"):
        record: dict[str, object] = {ROW: row[ROW]}
        ok = True
        for name, parse in spec.columns.items():
            try:
                record[name] = parse(row[name])
            except Invalid as exc:
                problems.append(Problem(str(path), row[ROW], name, row[name], str(exc)))
                ok = False
        if ok:
            records.append(record)
    frame = pd.DataFrame.from_records(records, columns=[*spec.columns, ROW]) if records \
        else _empty(spec)
    if spec.required and table.empty:
        problems.append(Problem(str(path), None, None, None, "at least one data row"))
    return frame, problems


def _cross_checks(raw: dict[str, pd.DataFrame], files: dict[str, Path]) -> list[Problem]:
    """Checks across rows and files: duplicates, unknown organisations, framework fit."""
    problems: list[Problem] = []
    orgs = raw["organisations"]
    if "organisations" in files:
        problems += _duplicates(orgs, ["org_id"], files["organisations"])
    known = set(orgs["org_id"])
    for base, keys in (("scores", ["org_id", "fiscal_year", "indicator"]),
                       ("items", ["org_id", "fiscal_year", "item"]),
                       ("published", ["org_id", "fiscal_year"]),
                       ("measures", None)):
        if base not in files:
            continue
        frame, path = raw[base], files[base]
        if "organisations" in files:
            for row in frame[~frame["org_id"].isin(known)].itertuples():
                problems.append(Problem(str(path), getattr(row, ROW), "org_id", row.org_id,
                                        "an org_id listed in organisations"))
        if keys:
            problems += _duplicates(frame, keys, path)
    if "scores" in files:
        problems += _score_fit(raw["scores"], files["scores"])
    if "items" in files:
        problems += _item_fit(raw["items"], files["items"])
    if "published" in files:
        for row in raw["published"].itertuples():
            labels = load_framework(row.fiscal_year).grade_labels
            if row.grade and row.grade not in labels:
                problems.append(Problem(str(files["published"]), getattr(row, ROW), "grade",
                                        row.grade, f"a label of {row.fiscal_year}: "
                                        f"{', '.join(labels)} (or empty)"))
    return problems


def _duplicates(frame: pd.DataFrame, keys: list[str], path: Path) -> list[Problem]:
    dup = frame[frame.duplicated(keys, keep="first")]
    first = frame.drop_duplicates(keys, keep="first").set_index(keys)[ROW]
    problems = []
    for row in dup.itertuples(index=False):
        key = tuple(getattr(row, k) for k in keys)
        value = " / ".join(str(k) for k in key)
        first_row = first.loc[key if len(key) > 1 else key[0]]
        problems.append(Problem(str(path), getattr(row, ROW), keys[-1], value,
                                f"one row per {', '.join(keys)}; row {first_row} has it already"))
    return problems


def _score_fit(scores: pd.DataFrame, path: Path) -> list[Problem]:
    """Indicators the year's framework knows, and all of them for every organisation-year."""
    problems = []
    for (org, year), group in scores.groupby(["org_id", "fiscal_year"], sort=False):
        fw = load_framework(int(year))
        expected = set(fw.indicator_numbers)
        for row in group[~group["indicator"].isin(expected)].itertuples():
            problems.append(Problem(str(path), getattr(row, ROW), "indicator",
                                    str(row.indicator), f"an indicator of {year}: "
                                    f"{min(expected)}–{max(expected)}"))
        gaps = sorted(expected - set(group["indicator"]))
        if gaps:
            problems.append(Problem(str(path), int(group[ROW].min()), "indicator", None,
                                    f"a score for every indicator of {org} in {year}; "
                                    f"missing {', '.join(map(str, gaps))}"))
    return problems


def _item_fit(items: pd.DataFrame, path: Path) -> list[Problem]:
    problems = []
    for row in items.itertuples():
        fw = load_framework(int(row.fiscal_year))
        if fw.items:
            if row.item not in fw.items:
                problems.append(Problem(str(path), getattr(row, ROW), "item", row.item,
                                        f"an item code of {row.fiscal_year} "
                                        f"({_span(list(fw.items))})"))
        elif not ITEM_CODE.match(row.item):
            problems.append(Problem(str(path), getattr(row, ROW), "item", row.item,
                                    "an item code such as O34"))
    return problems


def _span(codes: list[str]) -> str:
    return f"{codes[0]}–{codes[-1]}" if len(codes) > 2 else ", ".join(codes)


def _item_indicator(fw: Framework, code: str) -> int | None:
    found = fw.items.get(code)
    return found[0].number if found else None


def _with_indicator(items: pd.DataFrame) -> pd.DataFrame:
    """Items gain the indicator they belong to (None where the year has no item list)."""
    items = items.copy()
    items["indicator"] = [
        _item_indicator(load_framework(int(y)), code)
        for y, code in zip(items["fiscal_year"], items["item"], strict=True)
    ]
    return items


def _split_months(measures: pd.DataFrame) -> pd.DataFrame:
    measures = measures.copy()
    for name in ("start", "end"):
        measures[f"{name}_year"] = [v[0] for v in measures[name]]
        measures[f"{name}_month"] = [v[1] for v in measures[name]]
        measures = measures.drop(columns=name)
    return measures


def _digest(files: dict[str, Path]) -> str:
    sha = hashlib.sha256()
    for base in sorted(files):
        sha.update(base.encode())
        sha.update(files[base].read_bytes())
    return sha.hexdigest()

