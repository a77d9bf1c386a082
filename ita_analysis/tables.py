"""Read one input table (CSV or XLSX) into strings, keeping each row's line number.

Thai offices save CSV from Excel as cp874 (TIS-620) or as UTF-8 with or without a BOM; all
three are read. Every cell stays text here, so that validation can quote the value exactly
as the file holds it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from .errors import Problem

ROW = "file_row"  # row of a record in its file as a spreadsheet numbers it, header = 1
ENCODINGS = ("utf-8-sig", "cp874")


class TableError(Exception):
    """A file that cannot be read as a table at all (carries every problem found)."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = list(problems)


def find_table(folder: Path, base: str) -> Path | None:
    """``base.csv`` or ``base.xlsx`` in ``folder``; both at once is ambiguous and refused."""
    candidates = (folder / f"{base}{ext}" for ext in (".csv", ".xlsx"))
    found = [path for path in candidates if path.is_file()]
    if len(found) > 1:
        raise TableError(Problem(str(folder / base), None, None, None,
                                 f"either {base}.csv or {base}.xlsx, not both"))
    return found[0] if found else None


def decode(path: Path) -> str:
    """Text of a CSV file in the first encoding that fits."""
    raw = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(Problem(str(path), None, None, None,
                             "text encoded as UTF-8 or cp874 (TIS-620)"))


def read_table(path: Path) -> pd.DataFrame:
    """All cells as stripped strings, column names lower-cased, plus ``file_row``."""
    if path.suffix.lower() == ".xlsx":
        frame = _read_xlsx(path)
    else:
        frame = _read_csv(path)
    frame.columns = [str(c).strip().lstrip("\ufeff").lower() for c in frame.columns]
    for column in frame.columns:
        frame[column] = frame[column].fillna("").astype(str).str.strip()
    frame[ROW] = range(2, len(frame) + 2)
    cells = frame.drop(columns=ROW)
    blank = (cells == "").all(axis=1) if len(cells.columns) else pd.Series(True, frame.index)
    return frame[~blank].reset_index(drop=True)


def _read_csv(path: Path) -> pd.DataFrame:
    text = decode(path)
    if not text.strip():
        raise TableError(Problem(str(path), None, None, None, "a header row and data rows"))
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    width = len(header)
    ragged = [
        Problem(str(path), number, None, ",".join(row), f"at most {width} fields as in the header")
        for number, row in enumerate(body, start=2)
        if len(row) > width and any(cell.strip() for cell in row[width:])
    ]
    if ragged:
        raise TableError(*ragged)
    body = [row if len(row) == width else (row + [""] * width)[:width] for row in body]
    return pd.DataFrame(body, columns=header, dtype=object)


def _read_xlsx(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=object, header=0)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        expected = f"a readable .xlsx workbook ({type(exc).__name__}: {exc})"
        raise TableError(Problem(str(path), None, None, None, expected)) from exc
    frame = frame.astype(object).where(frame.notna(), "")
    return frame.map(_xlsx_cell)  # workbooks are small; exact text matters more


def _xlsx_cell(value: object) -> str:
    """Excel stores 2565 as 2565.0 and 99.61 as a float; give back what was typed."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
