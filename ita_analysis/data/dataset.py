"""Load and validate a data folder into typed tables, reporting every problem at once.

A data folder holds ``organisations``, ``scores`` and, optionally, ``items``, ``published``
and ``measures``, each as ``.csv`` or ``.xlsx`` (see docs/data-format.md), and may hold its own
rule files (``frameworks/<year>.yaml``, ``recommendations/<year>.yaml``) that add or replace a
year for everything run on it. Every problem is reported with its file, row, column, the
value and what was expected; nothing is scored from a folder that has any.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cache, partial
from importlib import resources
from pathlib import Path

import pandas as pd

from ..errors import DataValidationError, Problem
from ..rules.framework import Framework, FrameworkFiles
from ..rules.yearfiles import stamp
from .checks import cross_checks
from .columns import OK, ORG_ID, SPECS, Spec, fiscal_year_column
from .tables import ROW, Table, TableError, find_table, read_table

VALID = "row_valid"  # every cell of the row parsed

SYNTHETIC_PREFIX = "syn-"  # scripts/make_synthetic_data.py gives every invented org this id

RULE_KINDS = ("frameworks", "recommendations")  # a data folder's own rule files

NATIONAL_FILE = "national.yaml"  # a data folder's own national figures (``national``)


@dataclass(frozen=True)
class Excluded:
    """An organisation left out of a data set loaded with ``isolate``: its rows had problems
    (all of them are here), the other organisations' rows had none."""

    org_id: str
    problems: tuple[Problem, ...]
    name: str = ""  # as its organisations row gives them ("" when unknown)
    province: str = ""
    district: str = ""
    org_type: str = ""
    years: tuple[int, ...] = ()  # the fiscal years its rows name, where they could be read


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
    digest: str  # SHA-256 over the files' bytes (tables and rule files), recorded in reports
    rules_dir: Path | None = None  # the folder whose frameworks/ and recommendations/ apply
    rule_files: dict[str, Path] = field(default_factory=dict)  # "frameworks/2569.yaml": path
    # organisations left out because their own rows are invalid (``load_dataset(isolate=True)``)
    excluded: dict[str, Excluded] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.scores["fiscal_year"].unique())

    @property
    def synthetic(self) -> bool:
        """Invented data (the mark of our generator: every org_id starts with ``syn-``), which
        every document made from it must say on every page."""
        ids = self.organisations["org_id"]
        return bool(len(ids)) and bool(ids.str.startswith(SYNTHETIC_PREFIX).all())

    @property
    def frameworks(self) -> FrameworkFiles:
        """The frameworks this data set is scored by: its folder's own over the package's."""
        return FrameworkFiles(self.rules_dir)

    def framework(self, year: int) -> Framework:
        return self.frameworks(year)

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
    return Path(__file__).resolve().parents[2] / "data" / name


def load_dataset(folder: str | Path | None = None, *, every_indicator: bool = True,
                 isolate: bool = False) -> Dataset:
    """Read, validate and type every table of a data folder (default: the embedded data).

    ``every_indicator=False`` accepts organisation-years whose scores lack indicators, for a
    caller that gives them another way (``score --checklist``) and checks the whole itself.

    Strict by default: any problem refuses the folder. With ``isolate`` (what a batch of
    reports and a portfolio use), problems confined to one organisation's rows leave that
    organisation out (``Dataset.excluded`` keeps its problems) and the rest load; a problem of
    a whole file (a missing column, an unreadable file) or of a row without a valid
    ``org_id`` still refuses the folder, with every problem listed.
    """
    folder = Path(folder) if folder is not None else default_data_dir()
    if not folder.is_dir():
        raise DataValidationError([Problem(str(folder), None, None, None,
                                           "a folder holding organisations.csv and scores.csv")])
    return _load(folder.resolve(), every_indicator, isolate)


@cache
def _load_cached(folder: Path, every_indicator: bool, isolate: bool,
                 files: tuple[tuple[str, int, int], ...]) -> Dataset:
    return _build(folder, every_indicator, isolate)


def _load(folder: Path, every_indicator: bool = True, isolate: bool = False) -> Dataset:
    try:
        files = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                             for p in folder.iterdir() if p.is_file()))
        files += stamp(folder, *RULE_KINDS)
    except OSError as exc:
        raise DataValidationError([Problem(str(folder), None, None, None,
                                           f"a readable folder ({exc.strerror or exc})")]
                                  ) from None
    return _load_cached(folder, every_indicator, isolate, files)


def _build(folder: Path, every_indicator: bool = True, isolate: bool = False) -> Dataset:
    problems: list[Problem] = []
    raw: dict[str, pd.DataFrame] = {}
    listed_ids: set[str] | None = None  # None: organisations unreadable, skip reference checks
    files: dict[str, Path] = {}
    tables: dict[str, Table] = {}
    rules = FrameworkFiles(folder)
    years = rules.years()
    for spec in SPECS:
        if "fiscal_year" in spec.columns:  # the years this folder has rules for
            spec = replace(spec, columns={**spec.columns,
                                          "fiscal_year": partial(fiscal_year_column, years=years)})
        try:
            path = find_table(folder, spec.base)
        except TableError as exc:
            problems.extend(exc.problems)
            continue
        if path is None:
            if spec.required:
                problems.append(Problem(str(folder / f"{spec.base}.csv"), None, None, None,
                                        f"the file {spec.base}.csv (or .xlsx), which is required"))
            continue
        files[spec.base] = path
        try:
            table = read_table(path, spec.required_columns)
        except TableError as exc:
            problems.extend(exc.problems)
            continue
        table, alias_problems = _aliased(table, spec)
        problems.extend(alias_problems)
        tables[spec.base] = table
        parsed, file_problems = _parse(table, spec)
        problems.extend(file_problems)
        raw[spec.base] = parsed
        if spec.base == "organisations" and "org_id" in table.columns:
            # an organisation whose row has another bad cell still exists: no cascade of
            # "unknown org_id" problems in the other files
            listed_ids = set(table.frame["org_id"])
    for spec in SPECS:
        raw.setdefault(spec.base, _empty(spec))
    problems.extend(cross_checks(raw, tables, listed_ids, rules, every_indicator))
    excluded: dict[str, Excluded] = {}
    if problems:
        owners = _owners(problems, tables) if isolate else None
        if owners is None or any(o is None for o in owners):
            raise DataValidationError(sorted(problems, key=_problem_order))
        excluded = _excluded(problems, owners, raw, tables)
    raw = {base: frame[frame[VALID] & ~frame["org_id"].isin(excluded)].drop(columns=VALID)
           for base, frame in raw.items()}
    rule_files = {f"{kind}/{p.name}": p for kind in RULE_KINDS
                  for p in sorted((folder / kind).glob("*.yaml")) if (folder / kind).is_dir()}
    if (folder / NATIONAL_FILE).is_file():  # the folder's own national figures
        rule_files[NATIONAL_FILE] = folder / NATIONAL_FILE
    return Dataset(
        source=folder,
        organisations=raw["organisations"].drop(columns=ROW),
        scores=raw["scores"].drop(columns=ROW).astype(
            {"fiscal_year": "int64", "indicator": "int64", "score": "float64"}),
        items=_with_indicator(raw["items"], rules).drop(columns=ROW).astype(
            {"score": "float64"}),
        published=raw["published"].drop(columns=ROW),
        measures=_split_months(raw["measures"]).drop(columns=ROW),
        files=files,
        digest=files_digest({**files, **rule_files}),
        rules_dir=folder,
        rule_files=rule_files,
        excluded=excluded,
    )


def _owners(problems: list[Problem], tables: dict[str, Table]) -> list[str | None]:
    """The organisation each problem belongs to: the valid ``org_id`` of its row; None for a
    problem of a whole file, of its header, or of a row without a valid ``org_id``."""
    by_file: dict[str, dict[int, str]] = {}
    for table in tables.values():
        frame = table.frame
        if "org_id" in frame.columns:
            ids = frame["org_id"]
            good = ids.str.fullmatch(ORG_ID.pattern)
            by_file[table.file] = dict(zip(frame.loc[good, ROW], ids[good], strict=True))
    owners: list[str | None] = []
    for problem in problems:
        rows = by_file.get(problem.file, {})
        owners.append(None if problem.row is None else rows.get(problem.row))
    return owners


def _excluded(problems: list[Problem], owners: list[str | None], raw: dict[str, pd.DataFrame],
              tables: dict[str, Table]) -> dict[str, Excluded]:
    """What is known of each organisation whose rows have problems, with those problems."""
    mine: dict[str, list[Problem]] = {}
    for problem, owner in zip(problems, owners, strict=True):
        if owner is not None:
            mine.setdefault(owner, []).append(problem)
    rows: dict[str, dict[str, str]] = {}
    if "organisations" in tables:
        listed = tables["organisations"].frame.drop_duplicates("org_id")
        rows = {org: row for org, row in zip(listed["org_id"], listed.to_dict("records"),
                                             strict=True)}
    years: dict[str, set[int]] = {}
    for frame in raw.values():
        for org, year in zip(frame["org_id"], frame["fiscal_year"] if "fiscal_year" in frame
                             else [None] * len(frame), strict=True):
            if org in mine and year is not None and not pd.isna(year):
                years.setdefault(org, set()).add(int(year))
    found = {}
    for org, own in mine.items():
        row = rows.get(org, {})
        found[org] = Excluded(org_id=org, problems=tuple(sorted(own, key=_problem_order)),
                              name=str(row.get("name", "")),
                              province=str(row.get("province", "")),
                              district=str(row.get("district", "")),
                              org_type=str(row.get("org_type", "")),
                              years=tuple(sorted(years.get(org, ()))))
    return found


def _empty(spec: Spec) -> pd.DataFrame:
    columns = {name: pd.Series(dtype=object) for name in [*spec.columns, ROW]}
    return pd.DataFrame({**columns, VALID: pd.Series(dtype=bool)})


def _problem_order(problem: Problem) -> tuple[int, int, int]:
    """Files in the order of SPECS, then rows, then columns as the spec lists them."""
    base = Path(problem.file).stem
    spec_index = next((i for i, spec in enumerate(SPECS) if spec.base == base), len(SPECS))
    columns = list(SPECS[spec_index].columns) if spec_index < len(SPECS) else []
    column = columns.index(problem.column) if problem.column in columns else len(columns)
    return spec_index, problem.row or 0, column


def _aliased(table: Table, spec: Spec) -> tuple[Table, list[Problem]]:
    """Columns under another accepted name take their usual one; both at once is refused."""
    problems = []
    frame = table.frame
    for alias, name in spec.aliases:
        if alias not in frame.columns:
            continue
        if name in frame.columns:
            problems.append(table.problem(table.header_row, alias, None,
                                          f"either a '{name}' or a '{alias}' column, not both"))
            frame = frame.drop(columns=alias)
        else:
            frame = frame.rename(columns={alias: name})
    return replace(table, frame=frame), problems


def _parse(table: Table, spec: Spec) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed columns of one file, every row kept: a bad cell becomes NA and its row invalid.

    Cross-file checks still see the row's good cells, so one bad score does not also show
    up as a missing indicator.
    """
    frame = table.frame
    missing = [name for name in spec.required_columns if name not in frame.columns]
    if missing:
        return _empty(spec), [
            table.problem(table.header_row, name, None, f"a column named '{name}' in the "
                          f"header row (columns expected: {', '.join(spec.required_columns)})")
            for name in missing
        ]
    frame = frame.assign(**{name: "" for name in spec.optional if name not in frame.columns})
    problems: list[tuple[int, int, Problem]] = []
    parsed = {ROW: frame[ROW]}
    bad_rows = pd.Series(False, index=frame.index)
    for order, (name, parse) in enumerate(spec.columns.items()):
        values, errors = parse(frame[name])
        noted = {row: expected for (row, column), expected in table.notes.items()
                 if column == name}
        if noted:  # an Excel error or a formula without a saved result: no value to check
            hit = frame[ROW].isin(noted)
            errors = errors.mask(hit, frame[ROW].map(noted))
        bad = errors.ne(OK)
        parsed[name] = values.where(~bad)
        bad_rows |= bad
        for row, value, error in zip(frame.loc[bad, ROW], frame.loc[bad, name],
                                     errors[bad], strict=True):
            problems.append((int(row), order, table.problem(int(row), name, value, error)))
    out = pd.DataFrame(parsed)[[*spec.columns, ROW]].assign(**{VALID: ~bad_rows})
    found = [p for _, _, p in sorted(problems, key=lambda t: (t[0], t[1]))]
    if spec.required and frame.empty:
        found.append(table.problem(None, None, None, "at least one data row"))
    return out, found


def _with_indicator(items: pd.DataFrame, rules: FrameworkFiles) -> pd.DataFrame:
    """Items gain the indicator they belong to (missing where the year has no item list)."""
    lookup = {(year, code): ind.number for year in items["fiscal_year"].unique()
              for code, (ind, _, _) in rules(int(year)).items.items()}
    keys = zip(items["fiscal_year"], items["item"], strict=True)
    return items.assign(indicator=pd.array([lookup.get(k) for k in keys], dtype="Int64"))


def _split_months(measures: pd.DataFrame) -> pd.DataFrame:
    for name in ("start", "end"):
        pairs = measures[name].tolist()
        measures = measures.assign(**{
            f"{name}_year": pd.array([p[0] for p in pairs], dtype="Int64"),
            f"{name}_month": pd.array([p[1] for p in pairs], dtype="Int64"),
        }).drop(columns=name)
    return measures


def files_digest(files: dict[str, Path]) -> str:
    sha = hashlib.sha256()
    for base in sorted(files):
        sha.update(base.encode())
        try:
            sha.update(files[base].read_bytes())
        except OSError as exc:  # removed or made unreadable since it was read
            raise DataValidationError([Problem(str(files[base]), None, None, None,
                                               f"a readable file ({exc.strerror or exc})")]
                                      ) from None
    return sha.hexdigest()
