"""The one reader of input tables: CSV, XLSX (and, for answers, Parquet), with the encodings,
header checks and row numbers every file gets, and every problem of a file at once.

``read_table`` gives every cell as trimmed text (the data folder's tables, for validation that
quotes values as written); ``read_coded`` gives integer codes and distinct texts per column
(answer files of tens of millions of rows). docs/data-format.md says what is read and refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ...errors import Problem
from .base import ROW, Table, TableError
from .coded import CodedTable, coded_frame, plain_text, read_coded
from .csvfile import read_csv
from .xlsxfile import read_xlsx

__all__ = ["ROW", "CodedTable", "Table", "TableError", "coded_frame", "find_table",
           "plain_text", "read_coded", "read_table"]


def find_table(folder: Path, base: str) -> Path | None:
    """``base.csv`` or ``base.xlsx`` in ``folder``; both at once is ambiguous and refused."""
    candidates = (folder / f"{base}{ext}" for ext in (".csv", ".xlsx"))
    found = [path for path in candidates if path.is_file()]
    if len(found) > 1:
        raise TableError(Problem(str(folder / base), None, None, None,
                                 f"either {base}.csv or {base}.xlsx, not both"))
    return found[0] if found else None


def read_table(path: Path, required: Sequence[str] = ()) -> Table:
    """All cells of a CSV or XLSX file as trimmed text, column names normalised, plus ``ROW``.

    ``required`` are the columns the file must have: they find the header below a title row
    (to refuse it with its row) and the sheet of a workbook with several visible ones.
    """
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path, required)
    return read_csv(path, required)
