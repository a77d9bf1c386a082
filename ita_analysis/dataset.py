"""Load and validate a data folder into typed tables, reporting every problem at once.

A data folder holds ``organisations``, ``scores`` and, optionally, ``items``, ``published``
and ``measures``, each as ``.csv`` or ``.xlsx`` (see docs/data-format.md), and may hold its own
rule files (``frameworks/<year>.yaml``, ``recommendations/<year>.yaml``) that add or replace a
year for everything run on it. Every problem is reported with its file, row, column, the
value and what was expected; nothing is scored from a folder that has any.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache, partial
from importlib import resources
from pathlib import Path

import pandas as pd

from .errors import DataValidationError, Problem
from .rules.framework import Framework, FrameworkFiles, available_years
from .rules.yearfiles import stamp
from .tables import ROW, Table, TableError, find_table, read_table
from .thai import parse_document_date, parse_month_year, to_arabic_digits

VALID = "row_valid"  # every cell of the row parsed
ORG_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
ORG_ID_EXPECTED = ("an ASCII code of letters, digits, '-' or '_' (at most 64, starting with a "
                   "letter or digit), safe as a folder name")
ITEM_CODE = re.compile(r"^[A-Za-z]{1,3}[0-9]{1,3}$")
SYNTHETIC_PREFIX = "syn-"  # scripts/make_synthetic_data.py gives every invented org this id
# Characters no name or text of a document may hold: C0 and C1 controls (an escape sequence
# would reach the terminal, a NUL the HTML) and the bidirectional overrides that make text read
# other than it is stored. Tabs and line breaks are allowed only in the long text columns.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LINE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MAX_INTEGER_DIGITS = 9  # indicator numbers and years; longer digit strings are no such thing
CARRIED_DIGITS = 15  # significant digits a score keeps exactly (what a float64 carries)
SCORE_EXPECTED = "a number from 0 to 100"


# -- column parsers: a column of text in, typed values and an error text per row out ------
# An empty error text means the cell is valid. Parsers work on whole columns (national data
# sets have hundreds of thousands of rows) and call per-value code on distinct values only.

Parsed = tuple[pd.Series, pd.Series]  # (values, errors)
OK = ""


def _per_distinct(column: pd.Series, parse: Callable[[str], object]) -> Parsed:
    """Apply a per-value parser to each distinct value once; ValueError text is the error."""
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for text in column.unique():
        try:
            values[text], errors[text] = parse(text), OK
        except ValueError as exc:
            values[text], errors[text] = None, str(exc)
    return column.map(values), column.map(errors)


def _arabic(column: pd.Series) -> pd.Series:
    return column.map({text: to_arabic_digits(text) for text in column.unique()})


def control_error(text: str, lines: bool = False) -> str:
    """What is wrong with a text holding a control character (``lines``: line breaks and tabs
    are allowed), or OK."""
    found = (LINE_CONTROL if lines else CONTROL).search(text)
    if found is None:
        return OK
    char = found.group()
    what = "a line break or tab" if char in "\n\r\t" else f"U+{ord(char):04X}"
    return (f"text without control characters{'' if lines else ' or line breaks'} "
            f"(this cell holds {what})")


def _controls(column: pd.Series, lines: bool) -> pd.Series:
    """Per row, what is wrong with a text cell's characters (OK: nothing)."""
    pattern = LINE_CONTROL if lines else CONTROL
    flagged = column.str.contains(pattern.pattern, regex=True)
    if not flagged.any():
        return pd.Series(OK, index=column.index)
    return column.map({t: control_error(t, lines) for t in column[flagged].unique()}).fillna(OK)


def _text(column: pd.Series) -> Parsed:
    errors = column.eq("").map({True: "a non-empty text", False: OK})
    return column, errors.where(errors.ne(OK), _controls(column, lines=False))


def _optional_text(column: pd.Series) -> Parsed:
    return column, _controls(column, lines=False)


def _long_text(column: pd.Series) -> Parsed:
    errors = column.eq("").map({True: "a non-empty text", False: OK})
    return column, errors.where(errors.ne(OK), _controls(column, lines=True))


def _optional_long_text(column: pd.Series) -> Parsed:
    return column, _controls(column, lines=True)


def _org_id(column: pd.Series) -> Parsed:
    ok = column.str.fullmatch(ORG_ID.pattern)
    return column, ok.map({True: OK, False: ORG_ID_EXPECTED})


def _integer(column: pd.Series) -> Parsed:
    text = _arabic(column)
    ok = text.str.fullmatch(r"[0-9]+(\.0+)?")
    digits = text.str.split(".", n=1).str[0].str.len()
    long = ok & digits.gt(MAX_INTEGER_DIGITS)
    ok &= ~long
    values = pd.to_numeric(text.where(ok), errors="coerce").astype("Int64")
    errors = ok.map({True: OK, False: "a whole number"})
    return values, errors.mask(long, f"a whole number of at most {MAX_INTEGER_DIGITS} digits")


RULE_KINDS = ("frameworks", "recommendations")  # a data folder's own rule files
NATIONAL_FILE = "national.yaml"  # a data folder's own national figures (``national``)


def fiscal_year_error(year: int, years: list[int] | None = None) -> str:
    """What is wrong with a fiscal year as a number, or OK (empty) when a framework has it;
    ``years`` are the years with a framework (default: the package's)."""
    years = available_years() if years is None else years
    if year < 100:
        return f"all four digits of a Buddhist Era fiscal year (25{year:02d}?)"
    if 1900 <= year < 2400:
        return (f"a Buddhist Era fiscal year; {year} looks like a Christian Era year "
                f"(BE {year + 543})")
    if year not in years:
        return (f"a fiscal year with a framework file ({years[0]}–{years[-1]}, or the data "
                f"folder's own frameworks/{year}.yaml)")
    return OK


def _fiscal_year(column: pd.Series, years: list[int] | None = None) -> Parsed:
    values, errors = _integer(column)
    known = values.dropna().unique()
    year_errors = {int(y): fiscal_year_error(int(y), years) for y in known}
    errors = errors.where(errors.ne(OK), values.map(year_errors, na_action="ignore"))
    return values, errors.fillna(OK)


def carried(text: str) -> bool:
    """Whether a number's float holds it exactly as written (at most ~15 significant
    digits): scores are computed exactly from the decimals they were written as."""
    try:
        written = Decimal(text)
    except ArithmeticError:
        return False
    return Decimal(repr(float(written))) == written


def _score(column: pd.Series) -> Parsed:
    text = _arabic(column)
    numbers = pd.to_numeric(text, errors="coerce")
    ok = numbers.between(0, 100)  # NaN and infinities fall outside
    errors = ok.map({True: OK, False: SCORE_EXPECTED})
    percent = ~ok & text.str.endswith("%")
    if percent.any():
        errors = errors.mask(percent, f"{SCORE_EXPECTED}, without a % sign (99.61, not 99.61%)")
    long = ok & text.str.count(r"[0-9]").gt(CARRIED_DIGITS)
    if long.any():
        lost = {t for t in text[long].unique() if not carried(t)}
        if lost:
            errors = errors.mask(text.isin(lost),
                                 f"{SCORE_EXPECTED} with at most {CARRIED_DIGITS} significant "
                                 "digits, as many as a score is computed with exactly")
    return numbers, errors


def _optional_score(column: pd.Series) -> Parsed:
    values, errors = _score(column)
    return values, errors.where(column.ne(""), OK)


def _month(column: pd.Series) -> Parsed:
    return _per_distinct(column, parse_month_year)


def _optional_date(column: pd.Series) -> Parsed:
    return _per_distinct(column, lambda text: parse_document_date(text) if text else None)


ADDRESS = re.compile(r"^(?:[0-9]{1,2}|[A-Za-z]{1,3}[0-9]{1,3})$")


def _addresses(text: str) -> tuple[str, ...]:
    """Indicator numbers and item codes a measure addresses: "10 O36", "9; O1, O2"."""
    tokens = tuple(t for t in re.split(r"[\s,;]+", to_arabic_digits(text).strip()) if t)
    bad = [t for t in tokens if not ADDRESS.match(t)]
    if bad:
        raise ValueError("indicator numbers or item codes separated by spaces, such as "
                         f"\"10 O36\"; {bad[0]!r} is neither")
    return tuple(t.upper() if not t.isdigit() else str(int(t)) for t in tokens)


def _optional_addresses(column: pd.Series) -> Parsed:
    return _per_distinct(column, _addresses)


@dataclass(frozen=True)
class Spec:
    """What one input file holds: its columns and how each cell is read."""

    base: str
    required: bool
    columns: dict[str, Callable[[pd.Series], Parsed]]
    optional: frozenset[str] = frozenset()  # columns a file may leave out (read as empty)
    aliases: tuple[tuple[str, str], ...] = ()  # (another name a file may use, the column)

    @property
    def required_columns(self) -> list[str]:
        return [name for name in self.columns if name not in self.optional]


SPECS: tuple[Spec, ...] = (
    Spec("organisations", True, {"org_id": _org_id, "name": _text, "org_type": _text,
                                 "district": _optional_text, "province": _text,
                                 "executive_name": _optional_text,
                                 "executive_title": _optional_text},
         optional=frozenset({"executive_name", "executive_title"})),
    Spec("scores", True, {"org_id": _org_id, "fiscal_year": _fiscal_year,
                          "indicator": _integer, "score": _score}),
    Spec("items", False, {"org_id": _org_id, "fiscal_year": _fiscal_year, "item": _text,
                          "score": _score}),
    Spec("published", False, {"org_id": _org_id, "fiscal_year": _fiscal_year,
                              "iit": _optional_score, "eit": _optional_score,
                              "oit": _optional_score, "overall": _optional_score,
                              "grade": _optional_text, "document_date": _optional_date},
         optional=frozenset({"document_date"}),
         aliases=(("label", "grade"),)),  # a pass label (2566 on) may come as "label"
    Spec("measures", False, {"org_id": _org_id, "fiscal_year": _fiscal_year,
                             "measure": _long_text, "method": _optional_long_text,
                             "owner": _optional_long_text, "start": _month, "end": _month,
                             "follow_up": _optional_long_text,
                             "addresses": _optional_addresses},
         optional=frozenset({"addresses"})),
)


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
    return Path(__file__).resolve().parent.parent / "data" / name


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
                                          "fiscal_year": partial(_fiscal_year, years=years)})
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
    problems.extend(_cross_checks(raw, tables, listed_ids, rules, every_indicator))
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
        digest=_digest({**files, **rule_files}),
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


def _cross_checks(raw: dict[str, pd.DataFrame], tables: dict[str, Table],
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


def _digest(files: dict[str, Path]) -> str:
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

