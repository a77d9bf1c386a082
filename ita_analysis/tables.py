"""Read one input table (CSV or XLSX) into text cells, keeping each row's number as a spreadsheet
shows it.

Thai offices save CSV from Excel as cp874 (TIS-620) or as UTF-8 with or without a BOM; all
three are read. Every cell stays text here, so that validation can quote the value exactly as
the file holds it. What careless exports carry is read as a person reading the file would read
it, or refused with the reason, never guessed:

- blank rows before the header and Excel's ``sep=;`` first line (which Excel hides, so rows are
  numbered without it) are skipped; CR-only line endings are line endings;
- a header must be the first row that is not blank: a title row above it is refused with the row
  that holds the column names; a column named twice (``score`` and ``Score``) is refused; a
  column without a name is dropped when it is empty (Excel's trailing commas) and refused when
  it holds data;
- a UTF-16 file, a workbook saved under ``.csv`` and a cell larger than the csv module reads
  (an unclosed quotation mark) are refused with what to do;
- in a workbook, hidden sheets are never read: the only visible sheet is, or among several the
  one whose header holds the file's columns, or else the active one; every message names it.
  A cell reads as Excel's formula bar shows it (a percentage as ``99.61%``, never the fraction
  0.9961; a date as ``2022-09-30``); an error value (``#DIV/0!``) or a formula whose result was
  never saved is a problem of that cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import Problem, describe_os_error

ROW = "file_row"  # row of a record in its file as a spreadsheet numbers it, header = 1
ENCODINGS = ("utf-8-sig", "cp874")
ENCODING_EXPECTED = "text encoded as UTF-8 or cp874 (TIS-620)"
MAX_CELL_CHARS = 131_072  # the csv module's field limit: a longer cell is refused, not read
TITLE_ROWS_SEARCHED = 10  # rows below a header without the columns searched for the real one
_SEP_LINE = re.compile(r'^\ufeff?"?sep=(.)"?[ \t]*$', re.IGNORECASE)  # Excel's delimiter line


class TableError(Exception):
    """A file that cannot be read as a table at all (carries every problem found)."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = list(problems)


@dataclass
class Table:
    """One file's cells as text, with where they came from.

    ``frame`` has the normalised column names (trimmed, lower case), every cell trimmed text,
    blank rows dropped, and ``ROW``; ``notes`` maps ``(row, column)`` to what was expected of
    a cell the reader could not read a value from (an Excel error, a formula without a saved
    result): validation reports those cells with that text.
    """

    frame: pd.DataFrame
    file: str
    sheet: str | None = None
    header_row: int = 1
    notes: dict[tuple[int, str], str] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != ROW]

    def problem(self, row: int | None, column: str | None, value: str | None,
                expected: str) -> Problem:
        """A problem located in this file (and sheet)."""
        return Problem(self.file, row, column, value, expected, self.sheet)


def column_name(raw: object) -> str:
    """A header cell as column names are matched: trimmed, no byte-order mark, lower case."""
    return ("" if raw is None else str(raw)).replace("\ufeff", "").strip().lower()


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def find_table(folder: Path, base: str) -> Path | None:
    """``base.csv`` or ``base.xlsx`` in ``folder``; both at once is ambiguous and refused."""
    candidates = (folder / f"{base}{ext}" for ext in (".csv", ".xlsx"))
    found = [path for path in candidates if path.is_file()]
    if len(found) > 1:
        raise TableError(Problem(str(folder / base), None, None, None,
                                 f"either {base}.csv or {base}.xlsx, not both"))
    return found[0] if found else None


def read_bytes(path: Path, limit: int = -1) -> bytes:
    """The file's bytes (the first ``limit`` only, if given); an OS error is a problem of it."""
    try:
        with open(path, "rb") as fh:
            return fh.read(limit)
    except IsADirectoryError:
        raise TableError(Problem(str(path), None, None, None, "a file, not a folder")) from None
    except OSError as exc:
        raise TableError(Problem(str(path), None, None, None,
                                 f"a readable file ({exc.strerror or type(exc).__name__})")
                         ) from None


def check_text_bytes(raw: bytes, file: str) -> None:
    """Refuse what is not text at all, saying what it is: a workbook saved as .csv, UTF-16."""
    if raw.startswith(b"PK\x03\x04"):
        why = "this is a zip archive, as an .xlsx workbook is: rename it to .xlsx"
    elif raw.startswith(b"\xd0\xcf\x11\xe0"):
        why = "this is an old Excel .xls workbook: save it as .xlsx or as CSV UTF-8"
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        why = "this file is UTF-16 (its byte-order mark says so): save it as CSV UTF-8"
    elif b"\x00" in raw:
        why = ("this file holds NUL bytes, as UTF-16 text without a byte-order mark does: "
               "save it as CSV UTF-8")
    else:
        return
    raise TableError(Problem(file, None, None, None, f"{ENCODING_EXPECTED}; {why}"))


def decode(raw: bytes, file: str) -> str:
    """Text of a CSV file in the first encoding that fits."""
    check_text_bytes(raw, file)
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(Problem(file, None, None, None, ENCODING_EXPECTED))


def sep_directive(first_line: str) -> str | None:
    """The delimiter of Excel's ``sep=;`` first line, or None when the line is not one."""
    found = _SEP_LINE.match(first_line.rstrip("\r\n"))
    return found.group(1) if found else None


def read_table(path: Path, required: Sequence[str] = ()) -> Table:
    """All cells of a CSV or XLSX file as trimmed text, column names normalised, plus ``ROW``.

    ``required`` are the columns the file must have: they find the header below a title row
    (to refuse it with its row) and the sheet of a workbook with several visible ones.
    """
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, required)
    return _read_csv(path, required)


# -- the header, for every reader ----------------------------------------------------------------

def _joined(cells: Iterable[object]) -> str:
    return ",".join("" if c is None else str(c) for c in cells).rstrip(",")


def check_header(raw_names: Sequence[object], below: Sequence[Sequence[object]], *, file: str,
                 sheet: str | None, header_row: int, required: Sequence[str],
                 holds_data: Sequence[bool]) -> list[int]:
    """The columns to keep (0-based), or ``TableError`` with every header problem.

    ``below`` are the rows under the header (for a title row's tell-tale: the column names in
    a later row), ``holds_data`` says of each column whether any cell below the header is not
    blank. Columns without a name are dropped when empty and refused when they hold data; a
    name given twice (ignoring case and surrounding spaces) is refused.
    """
    names = [column_name(c) for c in raw_names]
    wanted = set(required)
    if wanted and not wanted <= set(names):
        for offset, row in enumerate(below[:TITLE_ROWS_SEARCHED], start=1):
            if wanted <= {column_name(c) for c in row}:
                found = header_row + offset
                raise TableError(Problem(
                    file, header_row, None, _joined(raw_names),
                    f"the column names in the first row that is not blank; row {found} holds "
                    f"them: delete the {offset} row(s) above it (a title?)", sheet))
    problems = []
    keep = []
    for i, name in enumerate(names):
        if name:
            keep.append(i)
        elif i < len(holds_data) and holds_data[i]:
            problems.append(Problem(file, header_row, None, None,
                                    f"a name in the header row for column {column_letter(i)}, "
                                    "which holds data", sheet))
    seen: dict[str, list[int]] = {}
    for i in keep:
        seen.setdefault(names[i], []).append(i)
    for name, where in seen.items():
        if len(where) > 1:
            spelled = ", ".join(f"{column_letter(i)} ({str(raw_names[i]).strip()!r})"
                                for i in where)
            problems.append(Problem(file, header_row, name, None,
                                    f"each column name once; columns {spelled} all read as "
                                    f"{name!r} (case and surrounding spaces are ignored)", sheet))
    if problems:
        raise TableError(*sorted(problems, key=lambda p: p.column or ""))
    return keep


def _frame(body: list[list[str]], names: list[str], keep: list[int],
           first_row: int) -> pd.DataFrame:
    """Rows (padded) to a frame of the kept columns with ROW; blank rows dropped."""
    width = len(names)
    body = [row if len(row) == width else (row + [""] * width)[:width] for row in body]
    frame = pd.DataFrame(body, columns=range(width), dtype=object) if body else \
        pd.DataFrame({i: pd.Series(dtype=object) for i in range(width)})
    frame = frame[keep]
    frame.columns = [names[i] for i in keep]
    for column in frame.columns:
        frame[column] = frame[column].fillna("").astype(str).str.strip()
    frame[ROW] = range(first_row, first_row + len(frame))
    cells = frame.drop(columns=ROW)
    blank = (cells == "").all(axis=1) if len(cells.columns) else pd.Series(True, frame.index)
    return frame[~blank].reset_index(drop=True)


# -- CSV -----------------------------------------------------------------------------------------

def _records(text: str, delimiter: str, file: str, row_offset: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        row = len(records) + 1 + row_offset
        if "field limit" in str(exc):
            expected = (f"cells of at most {MAX_CELL_CHARS:,} characters; one in this row is "
                        "longer (an unclosed quotation mark takes the rest of the file into "
                        "one cell)")
        else:
            expected = f"CSV text ({exc})"
        raise TableError(Problem(file, row, None, None, expected)) from None
    if records and text.count('"') % 2 and any("\n" in c or "\r" in c for c in records[-1]):
        start = len(records) + row_offset
        raise TableError(Problem(file, start, None, None,
                                 "a closing quotation mark: a quoted cell in this row runs to "
                                 "the end of the file"))
    return records


def _read_csv(path: Path, required: Sequence[str]) -> Table:
    file = str(path)
    text = decode(read_bytes(path), file)
    first, _, rest = text.partition("\n")
    delimiter = sep_directive(first)
    if delimiter is None:
        delimiter = ","
    else:  # Excel hides this line: the header it shows as row 1 is the next line
        text = rest
    records = _records(text, delimiter, file, 0)
    start = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if start is None:
        raise TableError(Problem(file, None, None, None, "a header row and data rows"))
    header, body = records[start], records[start + 1:]
    header_row, width = start + 1, len(header)
    holds = [any(i < len(r) and r[i].strip() for r in body) for i in range(width)]
    keep = check_header(header, body, file=file, sheet=None, header_row=header_row,
                        required=required, holds_data=holds)
    ragged = [
        Problem(file, number, None, delimiter.join(row),
                f"at most {width} fields as in the header")
        for number, row in enumerate(body, start=header_row + 1)
        if len(row) > width and any(cell.strip() for cell in row[width:])
    ]
    if ragged:
        raise TableError(*ragged)
    names = [column_name(c) for c in header]
    return Table(_frame(body, names, keep, header_row + 1), file, None, header_row)


# -- XLSX ----------------------------------------------------------------------------------------

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _percent_format(number_format: object) -> bool:
    """Excel shows the value times 100 with a % sign (a literal "%" in quotes does not)."""
    return isinstance(number_format, str) and "%" in _QUOTED.sub("", number_format)


def _decimal_text(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def cell_text(value: object, data_type: str = "", number_format: object = None
              ) -> tuple[str, str | None]:
    """A workbook cell as Excel's formula bar shows it, and what was expected of it when it
    holds no value (an error)."""
    if value is None:
        return "", None
    if data_type == "e":
        return str(value), (f"a value, not the Excel error {value} (correct the formula or "
                            "type the value)")
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), None
    if isinstance(value, int | float):
        number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        if not number.is_finite():
            return str(value), None
        if _percent_format(number_format):
            return _decimal_text(number * 100) + "%", None
        return _decimal_text(number), None
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == time() else
                value.isoformat(sep=" ")), None
    if isinstance(value, date | time):
        return value.isoformat(), None
    if isinstance(value, timedelta):
        return str(value), None
    return str(value), None


def _has_columns(ws: Any, required: Sequence[str]) -> bool:
    wanted = set(required)
    for row in ws.iter_rows(max_row=TITLE_ROWS_SEARCHED + 1, values_only=True):
        if wanted <= {column_name(c) for c in row}:
            return True
    return False


def _choose_sheet(wb: Any, file: str, required: Sequence[str]) -> Any:
    """The one worksheet to read: never a hidden one, never a guess between candidates."""
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    if not visible:
        raise TableError(Problem(file, None, None, None,
                                 "a visible worksheet; every sheet of this workbook is hidden"))
    if len(visible) == 1:
        return visible[0]
    titles = ", ".join(repr(ws.title) for ws in visible)
    if required:
        holding = [ws for ws in visible if _has_columns(ws, required)]
        if len(holding) == 1:
            return holding[0]
        if holding:
            names = ", ".join(repr(ws.title) for ws in holding)
            raise TableError(Problem(file, None, None, None,
                                     f"one visible sheet with the columns "
                                     f"{', '.join(required)}; sheets {names} all have them "
                                     "(delete or hide the sheets not meant)"))
    active = wb.active
    if active is not None and getattr(active, "sheet_state", "") == "visible":
        return active
    raise TableError(Problem(file, None, None, None,
                             f"one sheet to read; the visible sheets {titles} have no header "
                             "with the expected columns and none of them is the active one"))


def _open_workbook(path: Path, data_only: bool) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except IsADirectoryError:
        raise TableError(Problem(str(path), None, None, None, "a file, not a folder")) from None
    except OSError as exc:
        raise TableError(Problem(str(path), None, None, None,
                                 f"a readable file ({describe_os_error(exc)})")) from None
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        detail = " ".join(str(exc).split())[:200]
        raise TableError(Problem(str(path), None, None, None,
                                 f"a readable .xlsx workbook ({type(exc).__name__}: {detail})")
                         ) from None


def _formulas(path: Path, title: str, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The formulas of the given cells (row, column; 0-based) whose result was never saved."""
    wb = _open_workbook(path, data_only=False)
    try:
        found: dict[tuple[int, int], str] = {}
        last = max(r for r, _ in cells) + 1
        for r, row in enumerate(wb[title].iter_rows(max_row=last)):
            for c, cell in enumerate(row):
                if (r, c) in cells and isinstance(cell.value, str) \
                        and cell.value.startswith("="):
                    found[(r, c)] = cell.value
        return found
    finally:
        wb.close()


def _read_xlsx(path: Path, required: Sequence[str]) -> Table:
    file = str(path)
    wb = _open_workbook(path, data_only=True)
    try:
        ws = _choose_sheet(wb, file, required)
        sheet = ws.title
        rows: list[list[str]] = []
        errors: dict[tuple[int, int], str] = {}
        unread: set[tuple[int, int]] = set()  # cells present without a value: formulas?
        for r, row in enumerate(ws.iter_rows()):
            texts = []
            for c, cell in enumerate(row):
                value = cell.value
                if value is None:
                    if type(cell).__name__ == "ReadOnlyCell":
                        unread.add((r, c))
                    texts.append("")
                    continue
                text, problem = cell_text(value, getattr(cell, "data_type", ""),
                                          getattr(cell, "number_format", None))
                if problem is not None:
                    errors[(r, c)] = problem
                texts.append(text)
            rows.append(texts)
    finally:
        wb.close()
    for (r, c), formula in (_formulas(path, sheet, unread) if unread else {}).items():
        rows[r][c] = formula
        errors[(r, c)] = ("a saved value; this formula's result was never saved in the file "
                          "(open the workbook in Excel and save it again)")
    start = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if start is None:
        raise TableError(Problem(file, None, None, None, "a header row and data rows", sheet))
    width = max(len(r) for r in rows)
    header, body = rows[start] + [""] * (width - len(rows[start])), rows[start + 1:]
    header_row = start + 1
    holds = [any(i < len(r) and r[i].strip() for r in body) for i in range(width)]
    keep = check_header(header, body, file=file, sheet=sheet, header_row=header_row,
                        required=required, holds_data=holds)
    names = [column_name(c) for c in header]
    notes = {(r + 1, names[c]): expected for (r, c), expected in errors.items()
             if r > start and c in keep}
    return Table(_frame(body, names, keep, header_row + 1), file, sheet, header_row, notes)
