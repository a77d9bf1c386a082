"""What each input file of a data folder holds: its columns, and how each cell is read.

Parsers work on whole columns (a national data set has hundreds of thousands of rows) and call
per-value code on distinct values only; each returns the typed values and, per row, what was
expected of a cell that is not valid ("" when it is).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from ..rules.framework import available_years
from ..thai import ce_year_hint, parse_document_date, parse_month_year, to_arabic_digits

ORG_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

ORG_ID_EXPECTED = ("an ASCII code of letters, digits, '-' or '_' (at most 64, starting with a "
                   "letter or digit), safe as a folder name")

ITEM_CODE = re.compile(r"^[A-Za-z]{1,3}[0-9]{1,3}$")

# Characters no name or text of a document may hold: C0 and C1 controls (an escape sequence
# would reach the terminal, a NUL the HTML) and the bidirectional overrides that make text read
# other than it is stored. Tabs and line breaks are allowed only in the long text columns.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

LINE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

MAX_INTEGER_DIGITS = 9  # indicator numbers and years; longer digit strings are no such thing

CARRIED_DIGITS = 15  # significant digits a score keeps exactly (what a float64 carries)

SCORE_EXPECTED = "a number from 0 to 100"

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


def fiscal_year_error(year: int, years: list[int] | None = None) -> str:
    """What is wrong with a fiscal year as a number, or OK (empty) when a framework has it;
    ``years`` are the years with a framework (default: the package's)."""
    years = available_years() if years is None else years
    if year < 100:
        return f"all four digits of a Buddhist Era fiscal year (25{year:02d}?)"
    if hint := ce_year_hint(year, short=True):
        return f"a Buddhist Era fiscal year; {hint}"
    if year not in years:
        return (f"a fiscal year with a framework file ({years[0]}–{years[-1]}, or the data "
                f"folder's own frameworks/{year}.yaml)")
    return OK


def fiscal_year_column(column: pd.Series, years: list[int] | None = None) -> Parsed:
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
    Spec("scores", True, {"org_id": _org_id, "fiscal_year": fiscal_year_column,
                          "indicator": _integer, "score": _score}),
    Spec("items", False, {"org_id": _org_id, "fiscal_year": fiscal_year_column, "item": _text,
                          "score": _score}),
    Spec("published", False, {"org_id": _org_id, "fiscal_year": fiscal_year_column,
                              "iit": _optional_score, "eit": _optional_score,
                              "oit": _optional_score, "overall": _optional_score,
                              "grade": _optional_text, "document_date": _optional_date},
         optional=frozenset({"document_date"}),
         aliases=(("label", "grade"),)),  # a pass label (2566 on) may come as "label"
    Spec("measures", False, {"org_id": _org_id, "fiscal_year": fiscal_year_column,
                             "measure": _long_text, "method": _optional_long_text,
                             "owner": _optional_long_text, "start": _month, "end": _month,
                             "follow_up": _optional_long_text,
                             "addresses": _optional_addresses},
         optional=frozenset({"addresses"})),
)
