"""Thai-language formatting and parsing: digits, numbers, Buddhist Era dates, fiscal years.

Reports are written in Thai, where numbers are customarily printed with Thai digits
(๐–๙) and years in the Buddhist Era (BE = CE + 543). Every function that writes a
number takes ``digits`` so that one switch chooses Thai or Arabic digits for a whole
report. Parsing accepts either kind of digit, because people type both.

All rounding goes through ``rounding.round_half_up`` (exact, half up), never ``round()``,
so that a figure prints the same way here as in every table and grade.
"""

from __future__ import annotations

import operator
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Literal, get_args

import numpy as np
import pandas as pd
from pythainlp.util import (
    arabic_digit_to_thai_digit,
    thai_digit_to_arabic_digit,
    thai_strftime,
)
from pythainlp.util.date import thai_abbr_months, thai_full_months

from .errors import ParameterError
from .rounding import DISPLAY_DECIMALS, round_half_up, to_fraction

__all__ = [
    "BE_OFFSET",
    "MINUS",
    "MISSING",
    "THAI_MONTHS",
    "THAI_MONTH_ABBREVIATIONS",
    "Digits",
    "apply_digits",
    "be_to_ce",
    "ce_to_be",
    "ce_year_hint",
    "check_digits",
    "fiscal_year_bounds",
    "fiscal_year_label",
    "format_int",
    "format_number",
    "format_percent",
    "format_score",
    "parse_document_date",
    "parse_month_year",
    "target_phrase",
    "thai_date",
    "thai_month_year",
    "to_arabic_digits",
    "to_thai_digits",
]

Digits = Literal["thai", "arabic"]
_DIGIT_CHOICES: tuple[str, ...] = get_args(Digits)

BE_OFFSET = 543  # Buddhist Era year = Christian Era year + 543
MIN_BE_YEAR = 2400  # the earliest year read as Buddhist Era (BE 2400 = CE 1857)
# A year in this range is a Christian Era year typed where a Buddhist Era one belongs.
CE_YEARS = range(1900, MIN_BE_YEAR)
MAX_BE_YEAR = 9999  # four-digit years only, so that every year parses back
MISSING = "–"  # en dash, printed in place of a missing figure
MINUS = "\u2212"  # the minus sign of a negative figure

# Read-only maps keyed 1..12, so that a stray month 0 or -1 fails loudly instead of
# silently picking a name (as a 0-padded list would).
THAI_MONTHS: MappingProxyType[int, str] = MappingProxyType(
    dict(enumerate(thai_full_months, start=1))
)
THAI_MONTH_ABBREVIATIONS: MappingProxyType[int, str] = MappingProxyType(
    dict(enumerate(thai_abbr_months, start=1))
)
if len(THAI_MONTHS) != 12 or len(THAI_MONTH_ABBREVIATIONS) != 12:  # pragma: no cover
    raise ImportError("pythainlp's Thai month name lists do not have 12 entries")

_MONTH_BY_NAME: dict[str, int] = {
    **{name: month for month, name in THAI_MONTHS.items()},
    **{name: month for month, name in THAI_MONTH_ABBREVIATIONS.items()},
}

MONTH_YEAR_EXPECTED = (
    "a month as YYYY-MM with a Buddhist Era year, e.g. 2564-10, "
    "or a Thai month and BE year, e.g. ตุลาคม ๒๕๖๔"
)


# --------------------------------------------------------------------------- digits


def check_digits(value: str) -> Digits:
    """Validate a ``digits`` option once, so a typo fails early with a clear message."""
    if value == "thai":
        return "thai"
    if value == "arabic":
        return "arabic"
    choices = " or ".join(repr(c) for c in _DIGIT_CHOICES)
    raise ParameterError(f"digits must be {choices}; got {value!r}")


# What a digit option never rewrites, because it is copied rather than read as a figure: a URL
# (https://…/ita2565/o36), an e-mail address, and a code, a run of ASCII letters and digits
# (with - _ . / : @ + # inside) that holds both a letter and a digit (O36, ITA2565, COVID-19).
_URL = r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<>\"'`]+"
_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_RUN = r"[A-Za-z0-9](?:[A-Za-z0-9_./:@+#-]*[A-Za-z0-9])?"
_VERBATIM = re.compile(f"{_URL}|{_EMAIL}|{_RUN}")
_LETTER_AND_DIGIT = re.compile(r"(?=.*[A-Za-z])(?=.*[0-9])", re.DOTALL)


def _verbatim(token: str) -> bool:
    return ("://" in token or token.startswith("www.") or "@" in token
            or _LETTER_AND_DIGIT.match(token) is not None)


def to_thai_digits(text: str) -> str:
    """Arabic digits 0-9 to Thai digits ๐-๙, except inside URLs, e-mail addresses and codes
    (``O36``, ``ita2565``), which stay as written; everything else is left as it is."""
    out, last = [], 0
    for found in _VERBATIM.finditer(text):
        if _verbatim(found.group()):
            out.append(arabic_digit_to_thai_digit(text[last:found.start()]))
            out.append(found.group())
            last = found.end()
    out.append(arabic_digit_to_thai_digit(text[last:]))
    return "".join(out)


def to_arabic_digits(text: str) -> str:
    """Thai digits ๐-๙ to Arabic digits 0-9, so input written either way parses alike."""
    return thai_digit_to_arabic_digit(text)


# Digits that belong to an identifier, not to a figure, stay as written: web addresses,
# e-mail addresses and codes that mix Latin letters with digits (the assessment's item codes
# O1–O43, "ITA2565", "COVID-19"). "https://…/ita๒๕๖๕/o๓๖" is a broken link, not Thai style.
_D = "0-9๐-๙"
_VERBATIM = re.compile(
    rf"(?:https?://|www\.)[^\s<>\"']+"  # a web address, up to the next space or quote
    rf"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"  # an e-mail address
    rf"|(?<![A-Za-z{_D}])[A-Za-z][A-Za-z{_D}_/-]*[{_D}][A-Za-z{_D}_/-]*"  # a code: O36, ITA2565
)


def apply_digits(text: str, digits: Digits) -> str:
    """Write the digits of figures in ``text`` in the chosen script (text is built with Arabic
    ones); digits inside web and e-mail addresses and Latin-letter codes stay as written."""
    convert = to_thai_digits if check_digits(digits) == "thai" else to_arabic_digits
    parts, pos = [], 0
    for m in _VERBATIM.finditer(text):
        parts.append(convert(text[pos:m.start()]))
        parts.append(m.group())
        pos = m.end()
    parts.append(convert(text[pos:]))
    return "".join(parts)


# -------------------------------------------------------------------------- numbers


def _is_missing(value: object) -> bool:
    """None, NaN, pd.NA and NaT are all 'no figure' and print as a dash."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _rounded(value: object, decimals: int) -> Decimal:
    """Exact half-up rounding with errors that name the offending value."""
    if isinstance(value, np.generic):
        # Plain Python numbers: numpy integers overflow and do not convert to Decimal.
        value = value.item()
    if isinstance(value, bool):
        # True would silently print as 1.00; a flag is never a figure.
        raise TypeError(f"expected a number, got the boolean {value!r}")
    if isinstance(decimals, bool) or operator.index(decimals) < 0:
        raise ValueError(f"decimals must be a whole number >= 0; got {decimals!r}")
    try:
        return round_half_up(value, operator.index(decimals))
    except (InvalidOperation, OverflowError, ValueError, TypeError) as exc:
        raise ValueError(f"cannot format {value!r} as a finite number") from exc


def format_score(value: object, digits: Digits = "thai") -> str:
    """A score as published: half up to two decimals (96.875 -> 96.88); missing -> dash."""
    return format_number(value, DISPLAY_DECIMALS, digits)


def format_number(
    value: object,
    decimals: int = DISPLAY_DECIMALS,
    digits: Digits = "thai",
    sign: bool = False,
) -> str:
    """A number rounded half up to ``decimals`` places; ``sign`` marks changes (+1.25).

    A change that rounds to zero prints as plain "0.00", never "+0.00" or "−0.00". A
    negative number takes the real minus sign (U+2212), not a hyphen: a hyphen before a
    figure reads as a dash in Thai text and may be broken away from it.
    """
    check_digits(digits)
    if _is_missing(value):
        return MISSING
    rounded = _rounded(value, decimals)
    text = format(abs(rounded), "f")
    if rounded < 0:
        text = MINUS + text
    elif sign and rounded > 0:
        text = "+" + text
    return apply_digits(text, digits)


def format_int(n: object, digits: Digits = "thai") -> str:
    """A whole number with thousands separators (8,303 / ๘,๓๐๓); missing -> dash."""
    check_digits(digits)
    if _is_missing(n):
        return MISSING
    if isinstance(n, np.generic):
        n = n.item()
    whole = int(_rounded(n, 0))  # also refuses booleans, text and infinities
    if to_fraction(n) != whole:
        raise ValueError(f"expected a whole number, got {n!r}")
    return apply_digits((MINUS if whole < 0 else "") + f"{abs(whole):,}", digits)


def format_percent(value: object, decimals: int = DISPLAY_DECIMALS, digits: Digits = "thai") -> str:
    """A value already in percent (70.52, not 0.7052) as "๗๐.๕๒%"; missing -> dash."""
    text = format_number(value, decimals, digits)
    return text if text == MISSING else text + "%"


# ---------------------------------------------------------------------------- years


def ce_to_be(year: int) -> int:
    """Christian Era year to Buddhist Era year (2022 -> 2565)."""
    return operator.index(year) + BE_OFFSET


def be_to_ce(year: int) -> int:
    """Buddhist Era year to Christian Era year (2565 -> 2022)."""
    return operator.index(year) - BE_OFFSET


def ce_year_hint(year: int, *, short: bool = False) -> str:
    """What to say of a year that looks like a Christian Era year typed where a Buddhist Era
    one belongs ("" for any other year): the one rule (``CE_YEARS``) and its words, for prose,
    or ``short`` for a cell's expectation ("2022 looks like a Christian Era year (BE 2565)")."""
    if year not in CE_YEARS:
        return ""
    if short:
        return f"{year} looks like a Christian Era year (BE {year + BE_OFFSET})"
    return (f"{year} looks like a Christian Era (CE) year; add 543 for the Buddhist Era year "
            f"({year + BE_OFFSET})")


def _check_be_year(year_be: int) -> int:
    """Refuse years that are surely not BE, chiefly CE years passed by mistake."""
    if isinstance(year_be, bool):
        raise TypeError(f"expected a Buddhist Era year, got the boolean {year_be!r}")
    year = operator.index(year_be)
    if hint := ce_year_hint(year):
        raise ValueError(f"year {hint}")
    if not MIN_BE_YEAR <= year <= MAX_BE_YEAR:
        raise ValueError(f"year {year} is not a four-digit Buddhist Era year")
    return year


def _check_month(month: int) -> int:
    if isinstance(month, bool) or operator.index(month) not in THAI_MONTHS:
        raise ValueError(f"month must be between 1 and 12; got {month!r}")
    return operator.index(month)


# ---------------------------------------------------------------------------- dates


def thai_date(d: date, digits: Digits = "thai") -> str:
    """A date as Thai prose writes it: "๑๕ ธันวาคม ๒๕๖๕" (no leading zero, BE year)."""
    check_digits(digits)
    if not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}: {d!r}")
    as_datetime = datetime(d.year, d.month, d.day)
    return thai_strftime(as_datetime, "%-d %B %Y", thaidigit=digits == "thai")


def thai_month_year(year_be: int, month: int, digits: Digits = "thai") -> str:
    """A month as "ตุลาคม ๒๕๖๔"; ``parse_month_year`` reads it back."""
    check_digits(digits)
    year = _check_be_year(year_be)
    name = THAI_MONTHS[_check_month(month)]
    return f"{name} {apply_digits(str(year), digits)}"


# Zero-width characters that Thai text often carries invisibly (word-break hints).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_NUMERIC_FORM = re.compile(r"([0-9]+)\s*-\s*([0-9]+)")
_NAMED_FORM = re.compile(r"(?P<name>[^0-9]+?)\s*(?:พ\.\s*ศ\.\s*)?(?P<year>[0-9]+)")


def _refusal(text: str, reason: str) -> ValueError:
    return ValueError(f"cannot read {text!r} as a month: {reason}. Expected {MONTH_YEAR_EXPECTED}.")


def _parse_year(text: str, digits: str) -> int:
    """A written year: exactly four digits, in the Buddhist Era."""
    if len(digits) <= 2:
        raise _refusal(text, f"the two-digit year {digits} is ambiguous; write all four digits")
    if len(digits) != 4:
        raise _refusal(text, f"the year {digits} does not have four digits")
    year = int(digits)
    if hint := ce_year_hint(year):
        raise _refusal(text, f"the year {hint}")
    if year < MIN_BE_YEAR:
        raise _refusal(text, f"the year {year} is not a Buddhist Era year")
    return year


def parse_month_year(text: str) -> tuple[int, int]:
    """Read a month as (BE year, month) from "2564-10", "ตุลาคม ๒๕๖๔", "ต.ค. พ.ศ. 2564" etc.

    Two-digit years and CE years are refused rather than guessed: a report for the wrong
    year looks plausible and is easily missed.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}: {text!r}")
    cleaned = to_arabic_digits(text.translate(_INVISIBLE)).strip()
    if not cleaned:
        raise _refusal(text, "the text is empty")

    numeric = _NUMERIC_FORM.fullmatch(cleaned)
    if numeric:
        first, second = numeric.groups()
        if len(first) <= 2 and len(second) == 4:
            raise _refusal(text, f"the year comes first, as in {second}-{first}")
        year = _parse_year(text, first)
        if len(second) > 2 or not 1 <= int(second) <= 12:
            raise _refusal(text, f"the month {second} is not between 1 and 12")
        return year, int(second)

    named = _NAMED_FORM.fullmatch(cleaned)
    if named:
        name = named["name"].strip()
        if name not in _MONTH_BY_NAME:
            raise _refusal(text, f"{name!r} is not a Thai month name or abbreviation")
        return _parse_year(text, named["year"]), _MONTH_BY_NAME[name]

    if cleaned in _MONTH_BY_NAME:
        raise _refusal(text, "no year is given")
    if cleaned.isascii() and cleaned.isdigit():
        raise _refusal(text, "no month is given")
    raise _refusal(text, "it is in neither accepted form")


# ---------------------------------------------------------------------- fiscal year


def fiscal_year_bounds(year_be: int) -> tuple[date, date]:
    """First and last day (CE dates) of Thai fiscal year ``year_be``: 1 Oct to 30 Sep.

    The fiscal year is named after the year it ends in: 2565 runs 1 Oct 2021 - 30 Sep 2022.
    """
    end_ce = be_to_ce(_check_be_year(year_be))
    return date(end_ce - 1, 10, 1), date(end_ce, 9, 30)


def fiscal_year_label(year_be: int, digits: Digits = "thai") -> str:
    """The fiscal year as report headings write it: "ปีงบประมาณ พ.ศ. ๒๕๖๕"."""
    check_digits(digits)
    year = _check_be_year(year_be)
    return f"ปีงบประมาณ พ.ศ. {apply_digits(str(year), digits)}"


# ---------------------------------------------------------------------- a document's date

_THAI_DATE = re.compile(r"(?P<day>[0-9]{1,2})\s*(?P<name>[^0-9\s]+?)\s*(?:พ\.\s*ศ\.\s*)?"
                        r"(?P<year>[0-9]{4})")
DOCUMENT_DATE_EXPECTED = ("a date as YYYY-MM-DD (Christian Era, e.g. 2022-12-15) or in Thai "
                          "with a Buddhist Era year (e.g. ๑๕ ธันวาคม ๒๕๖๕)")
# Documents analyse results from fiscal 2562 on; a date outside these years is a typo (a BE
# year written as CE, or the reverse), never a real date of an analysis.
EARLIEST_DOCUMENT_CE, LATEST_DOCUMENT_CE = 2015, 2100


def parse_document_date(text: str) -> date:
    """The date of a document: ISO with a CE year, or Thai prose with a BE year.

    A year far from today's is refused with a hint rather than printed: ``2567-01-01`` is a
    BE year typed where a CE one belongs, and would print as the year ๓๑๑๐.
    """
    cleaned = to_arabic_digits(str(text).translate(_INVISIBLE)).strip()
    named = _THAI_DATE.fullmatch(cleaned)
    if named:
        month = _MONTH_BY_NAME.get(named["name"].strip())
        if month is None:
            raise ValueError(f"{named['name']!r} is not a Thai month name; expected "
                             f"{DOCUMENT_DATE_EXPECTED}")
        year_be = int(named["year"])
        if year_be < MIN_BE_YEAR:
            hint = ce_year_hint(year_be) or f"the year {year_be} is not a Buddhist Era year"
            raise ValueError(f"{text!r}: a Thai date takes a Buddhist Era year; {hint}")
        try:
            value = date(be_to_ce(year_be), month, int(named["day"]))
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a date: {exc}") from None
    else:
        try:
            value = date.fromisoformat(cleaned)
        except ValueError:
            raise ValueError(f"cannot read {text!r} as a date; expected "
                             f"{DOCUMENT_DATE_EXPECTED}") from None
        if value.year > LATEST_DOCUMENT_CE and value.year - BE_OFFSET >= EARLIEST_DOCUMENT_CE:
            raise ValueError(f"{text!r} has the Buddhist Era year {value.year}; an ISO date "
                             f"takes the Christian Era year: "
                             f"{value.replace(year=value.year - BE_OFFSET).isoformat()}")
    if not EARLIEST_DOCUMENT_CE <= value.year <= LATEST_DOCUMENT_CE:
        raise ValueError(f"{text!r} is not a plausible date of an analysis (years "
                         f"{EARLIEST_DOCUMENT_CE}–{LATEST_DOCUMENT_CE} CE)")
    return value


def target_phrase(target: object, digits: Digits = "thai") -> str:
    """The target as every sentence, table and chart of a document writes it:
    "ค่าเป้าหมาย (๘๕ คะแนน)" (docs/thai-style.md)."""
    exact = Decimal(str(target))
    shown = format_number(exact, 0 if exact == exact.to_integral_value() else 2, digits)
    return f"ค่าเป้าหมาย ({shown} คะแนน)"
