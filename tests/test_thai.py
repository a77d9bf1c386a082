"""Tests for ita_analysis.thai: expected values are worked out by hand in each test."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ita_analysis.errors import ItaError, ParameterError
from ita_analysis.thai import (
    MISSING,
    MONTH_YEAR_EXPECTED,
    THAI_MONTH_ABBREVIATIONS,
    THAI_MONTHS,
    apply_digits,
    be_to_ce,
    ce_to_be,
    check_digits,
    fiscal_year_bounds,
    fiscal_year_label,
    format_int,
    format_number,
    format_percent,
    format_score,
    parse_month_year,
    thai_date,
    thai_month_year,
    to_arabic_digits,
    to_thai_digits,
)

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"

# Typed by hand, not copied from pythainlp, so that a wrong spelling there is caught.
EXPECTED_MONTHS = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
]
EXPECTED_ABBREVIATIONS = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
]


# ---------------------------------------------------------------------------- digits


@pytest.mark.parametrize("value", ["thai", "arabic"])
def test_check_digits_accepts_both_choices(value):
    assert check_digits(value) == value


@pytest.mark.parametrize("value", ["Thai", "ARABIC", " thai", "", "latin", "ไทย", None, 1])
def test_check_digits_refuses_anything_else(value):
    with pytest.raises(ParameterError, match=r"digits must be 'thai' or 'arabic'; got"):
        check_digits(value)


def test_check_digits_error_is_an_ita_error():
    with pytest.raises(ItaError):
        check_digits("roman")


def test_to_thai_digits_converts_only_digits():
    assert to_thai_digits("0123456789") == THAI_DIGITS
    assert to_thai_digits("ปี 2564-10, 8,303.25%") == "ปี ๒๕๖๔-๑๐, ๘,๓๐๓.๒๕%"
    assert to_thai_digits("") == ""


def test_to_arabic_digits_converts_only_digits():
    assert to_arabic_digits(THAI_DIGITS) == "0123456789"
    assert to_arabic_digits("ร้อยละ ๗๐.๕๒ ของ ๘,๓๐๓") == "ร้อยละ 70.52 ของ 8,303"
    assert to_arabic_digits("mixed ๑2๓") == "mixed 123"


def test_apply_digits():
    assert apply_digits("98.47 / ๑๐๐", "thai") == "๙๘.๔๗ / ๑๐๐"
    assert apply_digits("98.47 / ๑๐๐", "arabic") == "98.47 / 100"
    with pytest.raises(ParameterError):
        apply_digits("1", "hindi")


# Text without Latin letters or "@" holds no URL, e-mail address or code: every digit converts.
FIGURES_ONLY = st.text(alphabet=st.characters(
    blacklist_characters="@ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))


@given(FIGURES_ONLY)
def test_digit_conversions_round_trip(text):
    thai = to_thai_digits(text)
    arabic = to_arabic_digits(text)
    assert not any(c in "0123456789" for c in thai)
    assert not any(c in THAI_DIGITS for c in arabic)
    assert to_thai_digits(arabic) == thai
    assert to_arabic_digits(thai) == arabic
    assert len(thai) == len(arabic) == len(text)


@given(st.text(alphabet=st.characters(blacklist_characters=THAI_DIGITS)))
def test_text_without_thai_digits_survives_a_round_trip(text):
    assert to_arabic_digits(to_thai_digits(text)) == text


@pytest.mark.parametrize(("text", "thai"), [
    ("ดูที่ https://www.nongsaeng.go.th/ita2565/o36 ค่ะ",
     "ดูที่ https://www.nongsaeng.go.th/ita2565/o36 ค่ะ"),
    ("www.nongsaeng.go.th/2565 ปี 2565", "www.nongsaeng.go.th/2565 ปี ๒๕๖๕"),
    ("ติดต่อ saraban2565@nongsaeng.go.th หรือ 1234@abc.go.th โทร. 0-3721-0000",
     "ติดต่อ saraban2565@nongsaeng.go.th หรือ 1234@abc.go.th โทร. ๐-๓๗๒๑-๐๐๐๐"),
    ("ข้อ O34–O43 ของปี 2565", "ข้อ O34–O43 ของปี ๒๕๖๕"),
    ("มาตรการ ITA2565 ตามแผน COVID-19 รอบ 6 เดือน",
     "มาตรการ ITA2565 ตามแผน COVID-19 รอบ ๖ เดือน"),
    ("คะแนน 99.61 (IIT 99.38) ตัวชี้วัดที่ 10.1 พ.ศ.2565",
     "คะแนน ๙๙.๖๑ (IIT ๙๙.๓๘) ตัวชี้วัดที่ ๑๐.๑ พ.ศ.๒๕๖๕"),
])
def test_thai_digits_leave_urls_emails_and_codes_as_written(text, thai):
    assert to_thai_digits(text) == thai
    assert apply_digits(text, "thai") == thai
    assert apply_digits(text, "arabic") == text


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "arabic", "thai"),
    [
        (98.47, "98.47", "๙๘.๔๗"),
        (96.875, "96.88", "๙๖.๘๘"),  # an exact half (775/8), rounded up
        (100, "100.00", "๑๐๐.๐๐"),
        (0, "0.00", "๐.๐๐"),
        (84.995, "85.00", "๘๕.๐๐"),  # the grading example in rounding.py
        (1.005, "1.01", "๑.๐๑"),  # round(1.005, 2) == 1.0 in Python
        (2.675, "2.68", "๒.๖๘"),  # round(2.675, 2) == 2.67 in Python
        (0.005, "0.01", "๐.๐๑"),
        (0.0049, "0.00", "๐.๐๐"),
        (Decimal("96.875"), "96.88", "๙๖.๘๘"),
        (Fraction(775, 8), "96.88", "๙๖.๘๘"),  # 96.875 exactly
        (Fraction(2, 3) * 100, "66.67", "๖๖.๖๗"),
        (np.float64(96.875), "96.88", "๙๖.๘๘"),
        (np.int64(85), "85.00", "๘๕.๐๐"),
        ("99.61", "99.61", "๙๙.๖๑"),
    ],
)
def test_format_score(value, arabic, thai):
    assert format_score(value, "arabic") == arabic
    assert format_score(value, "thai") == thai
    assert format_score(value) == thai  # Thai digits by default


@pytest.mark.parametrize(
    "value", [None, float("nan"), np.nan, np.float32("nan"), Decimal("NaN"), pd.NA, pd.NaT]
)
def test_missing_values_print_as_a_dash(value):
    assert MISSING == "–"
    assert format_score(value) == "–"
    assert format_number(value, sign=True) == "–"
    assert format_percent(value) == "–"
    assert format_int(value) == "–"


@pytest.mark.parametrize("value", [math.inf, -math.inf, Decimal("Infinity"), "abc", "", [1]])
def test_format_score_refuses_non_numbers(value):
    with pytest.raises(ValueError, match="cannot format"):
        format_score(value)


@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_booleans_are_not_figures(value):
    with pytest.raises(TypeError, match="boolean"):
        format_score(value)
    with pytest.raises(TypeError, match="boolean"):
        format_int(value)


def test_format_functions_refuse_a_bad_digits_option():
    for call in (
        lambda: format_score(1, "latin"),
        lambda: format_number(1, 2, "latin"),
        lambda: format_int(1, "latin"),
        lambda: format_percent(1, 2, "latin"),
        lambda: format_score(None, "latin"),  # checked even when nothing is printed
    ):
        with pytest.raises(ParameterError):
            call()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.25, "+1.25"),
        (-0.4, "−0.40"),
        (0, "0.00"),
        (0.004, "0.00"),  # rounds to zero: no sign
        (-0.004, "0.00"),  # and never "−0.00"
        (-0.005, "−0.01"),  # half away from zero, as published
        (0.005, "+0.01"),
        (12.345, "+12.35"),
        (-12.345, "−12.35"),
    ],
)
def test_format_number_with_sign(value, expected):
    assert format_number(value, digits="arabic", sign=True) == expected


def test_format_number_sign_in_thai_digits():
    assert format_number(1.25, sign=True) == "+๑.๒๕"
    assert format_number(-0.4, sign=True) == "−๐.๔๐"


def test_negative_figures_take_the_minus_sign_not_a_hyphen():
    assert "-" not in format_number(-3, 0, "thai") + format_int(-3, "arabic")
    assert format_number(-0.4, digits="thai").startswith("\u2212")


def test_format_number_without_sign_keeps_the_minus():
    assert format_number(1.25, digits="arabic") == "1.25"
    assert format_number(-0.4, digits="arabic") == "−0.40"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (2.5, 0, "3"),
        (-2.5, 0, "−3"),
        (70.25, 1, "70.3"),
        (1.2345, 3, "1.235"),
        (7, 3, "7.000"),
        (1234567.891, 2, "1234567.89"),
    ],
)
def test_format_number_decimals(value, decimals, expected):
    assert format_number(value, decimals, "arabic") == expected


@pytest.mark.parametrize("decimals", [-1, 1.5, True])
def test_format_number_refuses_bad_decimals(decimals):
    with pytest.raises((ValueError, TypeError)):
        format_number(1, decimals, "arabic")


@given(st.decimals(min_value=Decimal(-1000), max_value=Decimal(1000), places=4, allow_nan=False))
def test_format_score_agrees_with_decimal_half_up(value):
    expected = str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if Decimal(expected) == 0:
        expected = "0.00"  # Decimal keeps a sign on zero; we never print "−0.00"
    expected = expected.replace("-", "\u2212")  # a negative figure takes the minus sign
    assert format_score(value, "arabic") == expected
    assert format_score(value, "thai") == to_thai_digits(expected)


@pytest.mark.parametrize(
    ("value", "arabic", "thai"),
    [
        (8303, "8,303", "๘,๓๐๓"),
        (0, "0", "๐"),
        (999, "999", "๙๙๙"),
        (1000, "1,000", "๑,๐๐๐"),
        (1234567, "1,234,567", "๑,๒๓๔,๕๖๗"),
        (-8303, "−8,303", "−๘,๓๐๓"),
        (8303.0, "8,303", "๘,๓๐๓"),
        (np.int64(8303), "8,303", "๘,๓๐๓"),
        (Decimal("8303"), "8,303", "๘,๓๐๓"),
    ],
)
def test_format_int(value, arabic, thai):
    assert format_int(value, "arabic") == arabic
    assert format_int(value, "thai") == thai
    assert format_int(value) == thai


@pytest.mark.parametrize("value", [8303.5, Decimal("0.1"), Fraction(1, 3), math.inf, "x"])
def test_format_int_refuses_non_whole_numbers(value):
    with pytest.raises(ValueError):
        format_int(value)


@pytest.mark.parametrize(
    ("value", "decimals", "arabic", "thai"),
    [
        (70.52, 2, "70.52%", "๗๐.๕๒%"),
        (70.525, 2, "70.53%", "๗๐.๕๓%"),
        (100, 2, "100.00%", "๑๐๐.๐๐%"),
        (70.25, 1, "70.3%", "๗๐.๓%"),
        (85, 0, "85%", "๘๕%"),
    ],
)
def test_format_percent(value, decimals, arabic, thai):
    assert format_percent(value, decimals, "arabic") == arabic
    assert format_percent(value, decimals, "thai") == thai


def test_format_percent_defaults_to_two_decimals_in_thai_digits():
    assert format_percent(70.52) == "๗๐.๕๒%"


# ----------------------------------------------------------------------------- years


@pytest.mark.parametrize(("ce", "be"), [(2022, 2565), (2021, 2564), (1957, 2500), (0, 543)])
def test_era_conversion(ce, be):
    assert ce_to_be(ce) == be
    assert be_to_ce(be) == ce


def test_era_conversion_accepts_numpy_integers_and_refuses_floats():
    assert ce_to_be(np.int64(2022)) == 2565
    with pytest.raises(TypeError):
        ce_to_be(2022.0)
    with pytest.raises(TypeError):
        be_to_ce(2565.0)


# ----------------------------------------------------------------------------- months


def test_thai_month_names_are_spelled_correctly():
    assert dict(THAI_MONTHS) == dict(enumerate(EXPECTED_MONTHS, start=1))
    assert dict(THAI_MONTH_ABBREVIATIONS) == dict(enumerate(EXPECTED_ABBREVIATIONS, start=1))


def test_month_maps_are_indexed_1_to_12_and_read_only():
    assert list(THAI_MONTHS) == list(range(1, 13))
    assert THAI_MONTHS[1] == "มกราคม"
    assert THAI_MONTHS[12] == "ธันวาคม"
    assert THAI_MONTH_ABBREVIATIONS[10] == "ต.ค."
    with pytest.raises(KeyError):
        THAI_MONTHS[0]
    with pytest.raises(TypeError):
        THAI_MONTHS[1] = "x"


@pytest.mark.parametrize(
    ("d", "thai", "arabic"),
    [
        (date(2022, 12, 15), "๑๕ ธันวาคม ๒๕๖๕", "15 ธันวาคม 2565"),
        (date(2021, 10, 1), "๑ ตุลาคม ๒๕๖๔", "1 ตุลาคม 2564"),  # no leading zero
        (date(2024, 2, 29), "๒๙ กุมภาพันธ์ ๒๕๖๗", "29 กุมภาพันธ์ 2567"),
        (date(2023, 1, 9), "๙ มกราคม ๒๕๖๖", "9 มกราคม 2566"),
        (datetime(2022, 7, 31, 23, 59), "๓๑ กรกฎาคม ๒๕๖๕", "31 กรกฎาคม 2565"),
    ],
)
def test_thai_date(d, thai, arabic):
    assert thai_date(d) == thai
    assert thai_date(d, "thai") == thai
    assert thai_date(d, "arabic") == arabic


def test_thai_date_refuses_non_dates_and_bad_digits():
    with pytest.raises(TypeError, match="expected a date"):
        thai_date("2022-12-15")
    with pytest.raises(ParameterError):
        thai_date(date(2022, 12, 15), "latin")


@pytest.mark.parametrize(
    ("year", "month", "thai", "arabic"),
    [
        (2564, 10, "ตุลาคม ๒๕๖๔", "ตุลาคม 2564"),
        (2565, 1, "มกราคม ๒๕๖๕", "มกราคม 2565"),
        (2565, 5, "พฤษภาคม ๒๕๖๕", "พฤษภาคม 2565"),
        (2566, 11, "พฤศจิกายน ๒๕๖๖", "พฤศจิกายน 2566"),
    ],
)
def test_thai_month_year(year, month, thai, arabic):
    assert thai_month_year(year, month) == thai
    assert thai_month_year(year, month, "arabic") == arabic


@pytest.mark.parametrize("month", [0, 13, -1])
def test_thai_month_year_refuses_bad_months(month):
    with pytest.raises(ValueError, match="month must be between 1 and 12"):
        thai_month_year(2564, month)


def test_thai_month_year_refuses_ce_and_five_digit_years():
    with pytest.raises(ValueError, match=r"Christian Era.*add 543.*2564"):
        thai_month_year(2021, 10)
    with pytest.raises(ValueError, match="four-digit"):
        thai_month_year(10000, 10)


# ------------------------------------------------------------------ parse_month_year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2564-10", (2564, 10)),
        ("2564-1", (2564, 1)),
        ("2564-01", (2564, 1)),
        ("2565-12", (2565, 12)),
        ("๒๕๖๔-๑๐", (2564, 10)),
        ("๒๕๖๔-10", (2564, 10)),
        ("ตุลาคม ๒๕๖๔", (2564, 10)),
        ("ตุลาคม 2564", (2564, 10)),
        ("ต.ค. 2564", (2564, 10)),
        ("ต.ค.2564", (2564, 10)),
        ("ต.ค. ๒๕๖๔", (2564, 10)),
        ("ตุลาคม พ.ศ. ๒๕๖๔", (2564, 10)),
        ("ตุลาคม พ.ศ.2564", (2564, 10)),
        ("ต.ค. พ.ศ. 2564", (2564, 10)),
        ("  2564-10\n", (2564, 10)),
        ("\tตุลาคม   ๒๕๖๔  ", (2564, 10)),
        ("ตุลาคม\u00a0๒๕๖๔", (2564, 10)),  # no-break space
        ("\u200bตุลาคม\u200b ๒๕๖๔", (2564, 10)),  # zero-width spaces from Thai text
        ("มกราคม 2565", (2565, 1)),
        ("กุมภาพันธ์ 2567", (2567, 2)),
        ("มี.ค. 2566", (2566, 3)),
        ("พฤศจิกายน 2566", (2566, 11)),
        ("ธ.ค. 2565", (2565, 12)),
    ],
)
def test_parse_month_year_accepts(text, expected):
    assert parse_month_year(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("2564-13", "month 13 is not between 1 and 12"),
        ("2564-0", "month 0 is not between 1 and 12"),
        ("2564-00", "month 00 is not between 1 and 12"),
        ("2564-010", "month 010 is not between 1 and 12"),
        ("2021-10", r"2021 looks like a Christian Era \(CE\) year; add 543.*2564"),
        ("๒๐๒๑-๑๐", r"2021 looks like a Christian Era \(CE\) year; add 543"),
        ("ตุลาคม 2021", r"2021 looks like a Christian Era \(CE\) year; add 543.*2564"),
        ("ต.ค.64", "two-digit year 64 is ambiguous"),
        ("ต.ค. ๖๔", "two-digit year 64 is ambiguous"),
        ("64-10", "two-digit year 64 is ambiguous"),
        ("10-2564", "year comes first, as in 2564-10"),
        ("ตุลาคา 2564", "'ตุลาคา' is not a Thai month name"),
        ("October 2564", "'October' is not a Thai month name"),
        ("ตค 2564", "'ตค' is not a Thai month name"),
        ("ตุลาคม", "no year is given"),
        ("2564", "no month is given"),
        ("ตุลาคม 564", "564 does not have four digits"),
        ("25640-10", "25640 does not have four digits"),
        ("2564-10-01", "neither accepted form"),
        ("2564/10", "neither accepted form"),
        ("ตุลาคม 2564 ถึง", "neither accepted form"),
    ],
)
def test_parse_month_year_refuses(text, reason):
    with pytest.raises(ValueError, match=reason) as info:
        parse_month_year(text)
    message = str(info.value)
    assert MONTH_YEAR_EXPECTED in message
    assert "2564-10" in message and "ตุลาคม ๒๕๖๔" in message
    assert repr(text) in message


def test_parse_month_year_refuses_non_text():
    with pytest.raises(TypeError, match="expected text"):
        parse_month_year(256410)


@given(
    st.integers(min_value=2400, max_value=9999),
    st.integers(min_value=1, max_value=12),
    st.sampled_from(["thai", "arabic"]),
)
def test_parse_month_year_reads_back_thai_month_year(year, month, digits):
    assert parse_month_year(thai_month_year(year, month, digits)) == (year, month)


@given(st.integers(min_value=2400, max_value=9999), st.integers(min_value=1, max_value=12))
def test_parse_month_year_reads_numeric_and_abbreviated_forms(year, month):
    assert parse_month_year(f"{year}-{month:02d}") == (year, month)
    assert parse_month_year(to_thai_digits(f"{year}-{month}")) == (year, month)
    abbreviation = THAI_MONTH_ABBREVIATIONS[month]
    assert parse_month_year(f"{abbreviation} พ.ศ. {to_thai_digits(str(year))}") == (year, month)


# ----------------------------------------------------------------------- fiscal year


@pytest.mark.parametrize(
    ("year", "start", "end"),
    [
        (2565, date(2021, 10, 1), date(2022, 9, 30)),
        (2566, date(2022, 10, 1), date(2023, 9, 30)),
        (2567, date(2023, 10, 1), date(2024, 9, 30)),
    ],
)
def test_fiscal_year_bounds(year, start, end):
    assert fiscal_year_bounds(year) == (start, end)


@given(st.integers(min_value=2400, max_value=9999))
def test_fiscal_years_tile_the_calendar(year):
    start, end = fiscal_year_bounds(year)
    next_start, _ = fiscal_year_bounds(year + 1) if year < 9999 else (None, None)
    assert ce_to_be(end.year) == year
    assert (end - start).days in (364, 365)
    if next_start is not None:
        assert (next_start - end).days == 1


def test_fiscal_year_bounds_refuses_ce_years():
    with pytest.raises(ValueError, match=r"Christian Era.*2565"):
        fiscal_year_bounds(2022)


def test_fiscal_year_label():
    assert fiscal_year_label(2565) == "ปีงบประมาณ พ.ศ. ๒๕๖๕"
    assert fiscal_year_label(2565, "thai") == "ปีงบประมาณ พ.ศ. ๒๕๖๕"
    assert fiscal_year_label(2566, "arabic") == "ปีงบประมาณ พ.ศ. 2566"


def test_fiscal_year_label_refusals():
    with pytest.raises(ValueError, match="Christian Era"):
        fiscal_year_label(2022)
    with pytest.raises(ParameterError):
        fiscal_year_label(2565, "latin")
