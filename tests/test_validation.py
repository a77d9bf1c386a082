"""Tests for ita_analysis.dataset: every malformed folder of tests/fixtures/malformed/ is
refused with exactly the problems written here by hand (file, row, column, value and a
fragment of what was expected), and valid variants of one folder all load alike.

Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from ita_analysis.data.dataset import default_data_dir, load_dataset, synthetic_data_dir
from ita_analysis.errors import DataValidationError, ItaError, Problem

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MALFORMED = FIXTURES / "malformed"


def _load_script():
    spec = importlib.util.spec_from_file_location("make_malformed", FIXTURES / "make_malformed.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


mm = _load_script()
NONGSAENG, DEMO = mm.NONGSAENG, mm.DEMO


@dataclass(frozen=True)
class P:
    """An expected problem: the file's name, row, column, value and part of the expectation."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def matches(self, problem: Problem) -> bool:
        return (Path(problem.file).name == self.file and problem.row == self.row
                and problem.column == self.column and problem.value == self.value
                and self.expected in problem.expected)


SCORE_RANGE = "a number from 0 to 100"
ORG_ID_RULE = "an ASCII code of letters, digits, '-' or '_'"
ENCODING = "text encoded as UTF-8 or cp874 (TIS-620)"

EXPECTED: dict[str, list[P]] = {
    "missing_column": [
        P("scores.csv", 1, "score", None, "a column named 'score' in the header row")],
    "missing_column_xlsx": [
        P("organisations.xlsx", 1, "province", None, "a column named 'province'")],
    "empty_required_cell": [
        P("organisations.csv", 3, "name", "", "a non-empty text")],
    "unknown_org_in_scores": [
        P("scores.csv", row, "org_id", "demo-tuayaang", "an org_id listed in organisations")
        for row in range(12, 22)],
    "org_id_space": [P("organisations.csv", 4, "org_id", "ban nong", ORG_ID_RULE)],
    "org_id_slash": [P("organisations.csv", 4, "org_id", "ban/nong", ORG_ID_RULE)],
    "org_id_thai": [P("organisations.csv", 4, "org_id", "บ้านหนอง", ORG_ID_RULE)],
    "duplicate_org_id": [
        P("organisations.csv", 4, "org_id", NONGSAENG, "one row per org_id; row 2 has it")],
    "duplicate_score_row": [
        P("scores.csv", 22, "indicator", f"{NONGSAENG} / 2565 / 3",
          "one row per org_id, fiscal_year, indicator; row 4 has it")],
    "score_101": [P("scores.csv", 4, "score", "101", SCORE_RANGE)],
    "score_negative": [P("items.csv", 3, "score", "-1", SCORE_RANGE)],
    "score_text": [P("scores.csv", 13, "score", "abc", SCORE_RANGE)],
    "score_nan": [P("published.csv", 2, "overall", "NaN", SCORE_RANGE)],
    "score_inf_xlsx": [P("scores.xlsx", 11, "score", "inf", SCORE_RANGE)],
    "fiscal_year_ce": [
        P("published.csv", 2, "fiscal_year", "2022",
          "a Buddhist Era fiscal year; 2022 looks like a Christian Era year (BE 2565)")],
    "fiscal_year_no_framework": [
        P("items.csv", 5, "fiscal_year", "2599",
          "a fiscal year with a framework file (2562–2568, or the data folder's own "
          "frameworks/2599.yaml)")],
    "fiscal_year_two_digits": [
        P("measures.csv", 3, "fiscal_year", "65",
          "all four digits of a Buddhist Era fiscal year (2565?)")],
    "indicator_11": [P("scores.csv", 22, "indicator", "11", "an indicator of 2565: 1–10")],
    "missing_indicators_7_8": [
        P("scores.csv", 12, "indicator", None,
          f"a score for every indicator of {DEMO} in 2565; missing 7, 8")],
    "unknown_item": [P("items.csv", 12, "item", "O99", "an item code of 2565 (O1–O43)")],
    "unknown_item_xlsx": [P("items.xlsx", 6, "item", "O99", "an item code of 2565 (O1–O43)")],
    "item_code_malformed": [P("items.csv", 12, "item", "ข้อ 1", "an item code such as O34")],
    "grade_not_a_label": [
        P("published.csv", 2, "grade", "A+", "a label of 2565: AA, A, B, C, D, E, F")],
    "grade_after_blank_row_xlsx": [P("published.xlsx", 4, "grade", "A+", "a label of 2565")],
    "measure_bad_month_name": [
        P("measures.csv", 2, "start", "ตุลา 2564", "'ตุลา' is not a Thai month name")],
    "measure_month_13": [
        P("measures.csv", 3, "start", "2564-13", "the month 13 is not between 1 and 12")],
    "measure_two_digit_year": [
        P("measures.csv", 4, "end", "ก.ย. 65", "the two-digit year 65 is ambiguous")],
    "both_csv_and_xlsx": [
        P("scores", None, None, None, "either scores.csv or scores.xlsx, not both")],
    "organisations_missing": [
        P("organisations.csv", None, None, None,
          "the file organisations.csv (or .xlsx), which is required")],
    "encoding_utf16": [P("measures.csv", None, None, None, ENCODING)],
    "encoding_utf16_organisations": [P("organisations.csv", None, None, None, ENCODING)],
    "ragged_row": [
        P("scores.csv", 5, None, f"{NONGSAENG},2565,4,98.84,ตรวจแล้ว",
          "at most 4 fields as in the header")],
    "ragged_two_rows": [
        P("scores.csv", 5, None, f"{NONGSAENG},2565,4,98.84,ตรวจแล้ว", "at most 4 fields"),
        P("scores.csv", 9, None, f"{NONGSAENG},2565,8,99.79,ตรวจแล้ว", "at most 4 fields")],
    "scores_empty": [P("scores.csv", None, None, None, "a header row and data rows")],
    "scores_header_only": [P("scores.csv", None, None, None, "at least one data row")],
    "several_cell_problems": [
        P("items.csv", 3, "score", "abc", SCORE_RANGE),
        P("items.csv", 5, "fiscal_year", "2599", "a fiscal year with a framework file"),
        P("items.csv", 7, "score", "100.5", SCORE_RANGE)],
    "several_problems": [
        P("measures.csv", 2, "start", "ตุลา 2564", "is not a Thai month name"),
        P("measures.csv", 3, "org_id", "ghost-org", "an org_id listed in organisations"),
        P("measures.csv", 4, "fiscal_year", "2022", "looks like a Christian Era year (BE 2565)"),
        P("measures.csv", 4, "end", "2565-13", "the month 13 is not between 1 and 12")],
    # -- issue 12: hostile and careless input (the sheet is checked by test_sheets_are_named)
    "xlsx_percent_score": [
        P("scores.xlsx", 3, "score", "99.61%", "a number from 0 to 100, without a % sign")],
    "xlsx_hidden_first_sheet": [P("scores.xlsx", 4, "score", "101", SCORE_RANGE)],
    "xlsx_two_visible_sheets": [
        P("scores.xlsx", None, None, None,
          "one visible sheet with the columns org_id, fiscal_year, indicator, score; "
          "sheets '2565', 'copy' all have them")],
    "xlsx_every_sheet_hidden": [
        P("organisations.xlsx", None, None, None, "every sheet of this workbook is hidden")],
    "xlsx_formula_without_value": [
        P("scores.xlsx", 5, "score", "=AVERAGE(D2:D4)",
          "a saved value; this formula's result was never saved in the file")],
    "xlsx_error_value": [
        P("scores.xlsx", 4, "score", "#DIV/0!", "a value, not the Excel error #DIV/0!")],
    "xlsx_repeated_column": [
        P("scores.xlsx", 1, "score", None,
          "each column name once; columns D ('score'), E ('score') all read as 'score'")],
    "xlsx_saved_as_csv": [
        P("scores.csv", None, None, None, "this is a zip archive, as an .xlsx workbook is: "
          "rename it to .xlsx")],
    "repeated_column_in_another_case": [
        P("scores.csv", 1, "score", None,
          "each column name once; columns D ('score'), E ('Score') all read as 'score' "
          "(case and surrounding spaces are ignored)")],
    "unnamed_column_with_data": [
        P("organisations.csv", 1, None, None,
          "a name in the header row for column E, which holds data")],
    "title_row_above_header": [
        P("scores.csv", 1, None, "ผลการประเมิน ITA ปีงบประมาณ 2565",
          "row 2 holds them: delete the 1 row(s) above it (a title?)")],
    "encoding_utf16_without_bom": [
        P("published.csv", None, None, None,
          f"{ENCODING}; this file holds NUL bytes, as UTF-16 text without a byte-order mark")],
    "unclosed_quotation_mark": [
        P("measures.csv", 3, None, None,
          "a closing quotation mark: a quoted cell in this row runs to the end of the file")],
    "huge_integer_year": [
        P("scores.csv", 5, "fiscal_year", "99999999999999999999",
          "a whole number of at most 9 digits")],
    "huge_integer_indicator": [
        P("scores.csv", 7, "indicator", "123456789012345678901234567890",
          "a whole number of at most 9 digits")],
    "score_more_digits_than_carried": [
        P("scores.csv", 2, "score", "84.99499999999999999999",
          "with at most 15 significant digits")],
    "score_with_percent_sign": [
        P("scores.csv", 3, "score", "99.61%", "without a % sign (99.61, not 99.61%)")],
    "control_character_in_name": [
        P("organisations.csv", 2, "name", "องค์การบริหารส่วนตำบลหนองแสง\x1b[2J",
          "text without control characters or line breaks (this cell holds U+001B)")],
    "bidi_override_in_province": [
        P("organisations.csv", 3, "province", "จังหวัดปราจีน\u202eบุรี",
          "(this cell holds U+202E)")],
    "line_break_in_district": [
        P("organisations.csv", 2, "district", "อำเภอประจันต\nคาม",
          "(this cell holds a line break or tab)")],
}

# Every case as the corpus had it before issue 12 (37), and after.
CORPUS_BEFORE_ISSUE_12 = 37

def problems_of(folder: Path) -> tuple[list[Problem], str]:
    with pytest.raises(DataValidationError) as info:
        load_dataset(folder)
    assert isinstance(info.value, ItaError)
    return info.value.problems, str(info.value)


# -- the corpus ----------------------------------------------------------------------------

def test_the_corpus_has_enough_cases_each_with_expectations():
    folders = sorted(p.name for p in MALFORMED.iterdir() if p.is_dir())
    assert folders == sorted(mm.CASES) == sorted(EXPECTED)
    assert len(folders) >= CORPUS_BEFORE_ISSUE_12 + 20
    xlsx = {p.parent.name for p in MALFORMED.glob("*/*.xlsx")}
    assert len(xlsx) >= 3


def test_the_corpus_is_what_the_script_writes(tmp_path):
    mm.build(tmp_path)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(MALFORMED) for p in MALFORMED.rglob("*") if p.is_file())
    assert written == committed
    for rel in written:
        assert (tmp_path / rel).read_bytes() == (MALFORMED / rel).read_bytes(), rel


def test_the_script_is_deterministic(tmp_path):
    mm.build(tmp_path / "a")
    mm.build(tmp_path / "b")
    for path in sorted((tmp_path / "a").rglob("*.xlsx")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()


def test_the_base_of_every_case_is_valid(tmp_path):
    mm.write_folder(tmp_path, mm.base_tables())
    data = load_dataset(tmp_path)
    assert list(data.organisations["org_id"]) == [NONGSAENG, DEMO]
    assert len(data.scores) == 20
    assert len(data.items) == 10
    assert len(data.measures) == 3


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_reports_the_expected_problems(case):
    folder = MALFORMED / case
    problems, message = problems_of(folder)
    for want in EXPECTED[case]:
        assert any(want.matches(p) for p in problems), (want, problems)
        # the message a person reads names the file, the row and the column
        assert want.file in message
        if want.row is not None:
            assert f"row {want.row}" in message
        if want.column is not None:
            assert f"column '{want.column}'" in message
    for problem in problems:
        assert Path(problem.file).parent == folder.resolve()


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_reports_nothing_else_in_row_order(case):
    problems, _ = problems_of(MALFORMED / case)
    want = EXPECTED[case]
    assert len(problems) == len(want), problems
    for expected, problem in zip(want, problems, strict=True):
        assert expected.matches(problem), (expected, problem)


# -- row numbers -----------------------------------------------------------------------------

def test_row_numbers_count_blank_lines(tmp_path):
    tables = mm.base_tables()
    tables["items"][3][3] = "101"  # the fourth line of items.csv
    mm.write_folder(tmp_path, tables)
    text = (tmp_path / "items.csv").read_text(encoding="utf-8").splitlines()
    text.insert(2, "")  # a blank line 3 pushes the bad row to line 5
    (tmp_path / "items.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    problems, _ = problems_of(tmp_path)
    assert [(p.row, p.column, p.value) for p in problems] == [(5, "score", "101")]


def test_row_numbers_in_xlsx_count_blank_rows(tmp_path):
    tables = mm.base_tables()
    tables["items"].insert(2, ["", "", "", ""])
    tables["items"][4][3] = "101"  # row 5 of the sheet, after the blank row 3
    mm.write_folder(tmp_path, tables, xlsx=("items",))
    problems, _ = problems_of(tmp_path)
    assert [(Path(p.file).name, p.row, p.column, p.value) for p in problems] == [
        ("items.xlsx", 5, "score", "101")]


def test_a_missing_folder_is_refused(tmp_path):
    problems, _ = problems_of(tmp_path / "nosuch")
    assert len(problems) == 1
    assert "organisations.csv and scores.csv" in problems[0].expected


# -- valid variants ----------------------------------------------------------------------------

def load_base(tmp_path: Path):
    folder = tmp_path / "base"
    mm.write_folder(folder, mm.base_tables())
    return load_dataset(folder)


def assert_same_tables(variant, base) -> None:
    for name in ("organisations", "scores", "items", "published", "measures"):
        pd.testing.assert_frame_equal(getattr(variant, name), getattr(base, name), obj=name)


def test_cp874_csv_with_thai_names_loads(tmp_path):
    folder = tmp_path / "cp874"
    mm.write_folder(folder, mm.base_tables(), encoding="cp874")
    raw = (folder / "organisations.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # truly cp874, not UTF-8 by accident
    data = load_dataset(folder)
    assert data.organisation(NONGSAENG)["name"] == "องค์การบริหารส่วนตำบลหนองแสง"
    assert_same_tables(data, load_base(tmp_path))


def test_utf8_with_bom_loads(tmp_path):
    folder = tmp_path / "bom"
    mm.write_folder(folder, mm.base_tables(), encoding="utf-8-sig")
    assert (folder / "scores.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert_same_tables(load_dataset(folder), load_base(tmp_path))


def test_thai_digits_in_fiscal_year_and_score_load(tmp_path):
    thai = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
    tables = mm.base_tables()
    for base in ("scores", "items", "published"):
        for row in tables[base][1:]:
            row[1:] = [cell.translate(thai) if cell[:1].isdigit() else cell
                       for cell in row[1:]]
    assert tables["scores"][2][1:] == ["๒๕๖๕", "๒", "๙๙.๖๑"]
    folder = tmp_path / "thai-digits"
    mm.write_folder(folder, tables)
    data = load_dataset(folder)
    assert data.scores.iloc[1]["score"] == 99.61
    assert data.scores.iloc[1]["fiscal_year"] == 2565
    assert_same_tables(data, load_base(tmp_path))


def test_xlsx_versions_of_every_file_load(tmp_path):
    folder = tmp_path / "xlsx"
    mm.write_folder(folder, mm.base_tables(), xlsx=mm.BASES)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{b}.xlsx" for b in mm.BASES)
    data = load_dataset(folder)
    assert set(data.files) == set(mm.BASES)
    assert_same_tables(data, load_base(tmp_path))


def test_extra_unknown_columns_are_ignored(tmp_path):
    tables = mm.base_tables()
    for rows in tables.values():
        rows[0].insert(1, "หมายเหตุ")
        for row in rows[1:]:
            row.insert(1, "บันทึก")
        rows[0].append("Remarks")
        for row in rows[1:]:
            row.append("x")
    folder = tmp_path / "extra"
    mm.write_folder(folder, tables)
    assert_same_tables(load_dataset(folder), load_base(tmp_path))


def test_blank_lines_are_ignored(tmp_path):
    folder = tmp_path / "blank"
    mm.write_folder(folder, mm.base_tables())
    for path in folder.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines()
        spaced = [lines[0], "", *(x for line in lines[1:] for x in (line, "")), ",,,", ""]
        path.write_text("\n".join(spaced) + "\n", encoding="utf-8")
    assert_same_tables(load_dataset(folder), load_base(tmp_path))


def test_header_names_are_case_and_space_insensitive(tmp_path):
    tables = mm.base_tables()
    tables["scores"][0] = [" Org_ID", "Fiscal_Year ", "INDICATOR", "Score"]
    folder = tmp_path / "header"
    mm.write_folder(folder, tables)
    assert_same_tables(load_dataset(folder), load_base(tmp_path))


def test_optional_files_may_be_absent(tmp_path):
    tables = mm.base_tables()
    for base in ("items", "published", "measures"):
        del tables[base]
    folder = tmp_path / "minimal"
    mm.write_folder(folder, tables)
    data = load_dataset(folder)
    assert set(data.files) == {"organisations", "scores"}
    assert data.items.empty and data.published.empty and data.measures.empty


def test_types_of_the_loaded_tables(tmp_path):
    data = load_base(tmp_path)
    assert data.scores["fiscal_year"].tolist() == [2565] * 20
    assert data.scores["indicator"].tolist() == [*range(1, 11)] * 2
    assert data.scores["score"].iloc[1] == 99.61
    assert data.items["indicator"].tolist() == [10] * 10
    measures = data.measures
    assert measures[["start_year", "start_month", "end_year", "end_month"]].astype(int) \
        .values.tolist() == [[2564, 10, 2565, 3], [2564, 10, 2565, 4], [2564, 10, 2565, 9]]
    assert data.years == [2565]
    assert len(data.digest) == 64


def test_the_shipped_data_folders_load():
    assert load_dataset(default_data_dir()).years == [2565]
    assert load_dataset().source == default_data_dir().resolve()
    assert len(load_dataset(synthetic_data_dir()).organisations) > 10


# -- issue 12: every XLSX message names its sheet; careless exports read as shown -------------

def test_every_message_about_a_workbook_names_its_sheet():
    for case in sorted(EXPECTED):
        folder = MALFORMED / case
        if not any(folder.glob("*.xlsx")):
            continue
        problems, message = problems_of(folder)
        for problem in problems:
            if not problem.file.endswith(".xlsx") or problem.row is None:
                continue  # a whole workbook (unreadable, or no sheet to read) has no sheet
            assert problem.sheet, (case, problem)
            assert f"sheet {problem.sheet!r}" in message
            assert problem.as_dict()["sheet"] == problem.sheet


def test_a_hidden_sheet_is_never_read(tmp_path):
    """The hidden first sheet holds scores that would grade E; the visible one, AA."""
    tables = mm.base_tables()
    low = [[*row[:3], "40.00"] if i else row for i, row in enumerate(tables["scores"])]
    mm.write_folder(tmp_path, {k: v for k, v in tables.items() if k != "scores"})
    mm.write_workbook(tmp_path / "scores.xlsx", [("old", low), ("scores", tables["scores"])],
                      hidden=("old",), active=1)
    assert_same_tables(load_dataset(tmp_path), load_base(tmp_path))


def test_of_several_visible_sheets_the_one_with_the_columns_is_read(tmp_path):
    tables = mm.base_tables()
    notes = [["หมายเหตุ"], ["ข้อมูลจากระบบ ITAS"]]
    mm.write_folder(tmp_path, {k: v for k, v in tables.items() if k != "scores"})
    mm.write_workbook(tmp_path / "scores.xlsx", [("notes", notes), ("scores", tables["scores"])])
    assert_same_tables(load_dataset(tmp_path), load_base(tmp_path))


def test_a_percent_formatted_cell_reads_as_excel_shows_it(tmp_path):
    """0.9961 shown as 99.61% is refused as the text '99.61%' is in CSV, never scored as 1.00
    (nor as 0.9961)."""
    problems, message = problems_of(MALFORMED / "xlsx_percent_score")
    assert [(p.row, p.column, p.value, p.sheet) for p in problems] == [
        (3, "score", "99.61%", "scores")]
    assert "scores.xlsx, sheet 'scores', row 3, column 'score': got '99.61%'" in message
    tables = mm.base_tables()
    tables["scores"][2][3] = "99.61%"
    mm.write_folder(tmp_path, tables)
    csv_problems, _ = problems_of(tmp_path)
    assert [(p.value, p.expected) for p in csv_problems] == [
        (p.value, p.expected) for p in problems]


@pytest.mark.parametrize("layout", ["blank lines first", "sep=, line", "sep=; line",
                                    "CR line endings", "trailing commas"])
def test_careless_csv_layouts_load_as_the_plain_file_does(tmp_path, layout):
    folder = tmp_path / "variant"
    mm.write_folder(folder, mm.base_tables())
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        if layout == "blank lines first":
            text = "\n,,\n" + text
        elif layout == "sep=, line":
            text = "sep=,\n" + text
        elif layout == "sep=; line":
            rows = list(csv.reader(io.StringIO(text)))
            out = io.StringIO()
            csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
            text = "sep=;\n" + out.getvalue()
        elif layout == "CR line endings":
            text = text.replace("\n", "\r")
        else:  # an Excel export whose sheet had empty columns on the right
            text = text.replace("\n", ",,\n")
        path.write_text(text, encoding="utf-8")
    assert_same_tables(load_dataset(folder), load_base(tmp_path))


def test_rows_after_blank_lines_and_a_sep_line_are_numbered_as_excel_shows_them(tmp_path):
    tables = mm.base_tables()
    tables["items"][3][3] = "101"  # the fourth row as the table has it
    mm.write_folder(tmp_path, tables)
    path = tmp_path / "items.csv"
    path.write_text("sep=,\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    problems, _ = problems_of(tmp_path)
    # Excel hides the sep= line and shows the blank line as row 1: the bad row is row 5
    assert [(p.row, p.column, p.value) for p in problems] == [(5, "score", "101")]


def test_a_cell_longer_than_the_csv_limit_is_one_problem(tmp_path):
    tables = mm.base_tables()
    tables["measures"][2][3] = "ก" * 140_000
    mm.write_folder(tmp_path, tables)
    problems, message = problems_of(tmp_path)
    assert [(Path(p.file).name, p.row) for p in problems] == [("measures.csv", 3)]
    assert "cells of at most 131,072 characters" in problems[0].expected
    assert len(message) < 1000


def test_a_value_quoted_in_a_message_is_cut_short():
    problem = Problem("scores.csv", 2, "score", "9" * 5000, "a number from 0 to 100")
    assert len(str(problem)) < 400 and "(5,000 characters)" in str(problem)


def test_a_million_bad_rows_list_ten_thousand_problems_and_count_the_rest(tmp_path):
    tables = mm.base_tables()
    tables["items"] += [[NONGSAENG, "2565", "O1", "abc"]] * 12_000
    mm.write_folder(tmp_path, tables)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(tmp_path)
    problems = caught.value.problems
    assert caught.value.total > 12_000
    assert len(problems) == 10_001
    assert problems[-1].row is None and "more were found" in problems[-1].expected
    assert str(caught.value).startswith(f"{caught.value.total:,} problems in the input data")
    assert len(str(caught.value)) < 2_000_000


def test_an_unreadable_file_is_a_problem_not_a_traceback(tmp_path, monkeypatch):
    import ita_analysis.data.tables.base as tables

    mm.write_folder(tmp_path, mm.base_tables())
    real_open = open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("items.csv"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(tables, "open", refuse, raising=False)
    problems, _ = problems_of(tmp_path)
    assert [(Path(p.file).name, p.expected) for p in problems] == [
        ("items.csv", "a readable file (Permission denied)")]


def test_scores_are_taken_with_every_decimal_written(tmp_path):
    tables = mm.base_tables()
    for row in tables["scores"][1:]:
        row[3] = "84.9949999"
    mm.write_folder(tmp_path, {k: v for k, v in tables.items() if k != "published"})
    data = load_dataset(tmp_path)
    from ita_analysis.scoring import score_table

    table = score_table(data.scores)
    # exactly 84.9949999 everywhere: 84.99 (B), never 85.00 (A) from six carried decimals
    assert table["overall_2dp"].tolist() == [84.99, 84.99]
    assert table["grade"].tolist() == ["B", "B"]


# -- batch isolation: the loader keeps the organisations whose own rows are valid -----------

def test_isolating_leaves_out_organisations_with_invalid_rows_and_keeps_every_problem():
    folder = MALFORMED / "missing_indicators_7_8"
    problems, _ = problems_of(folder)  # strict: the folder is refused, as check says
    data = load_dataset(folder, isolate=True)
    assert list(data.organisations["org_id"]) == [NONGSAENG]
    assert set(data.scores["org_id"]) == {NONGSAENG}
    assert list(data.excluded) == [DEMO]
    left = data.excluded[DEMO]
    assert list(left.problems) == problems
    assert (left.name, left.province, left.years) == ("เทศบาลตำบลตัวอย่าง",
                                                       "จังหวัดปราจีนบุรี", (2565,))


@pytest.mark.parametrize("case", ["missing_column", "ragged_row", "org_id_space",
                                  "xlsx_two_visible_sheets", "encoding_utf16"])
def test_a_problem_of_a_whole_file_or_without_an_org_id_still_refuses_the_folder(case):
    with pytest.raises(DataValidationError):
        load_dataset(MALFORMED / case, isolate=True)
