"""What every table reader shares: the table, its problems, text encodings and the header.

Cells stay text, so that validation can quote a value exactly as the file holds it. Thai
offices save CSV as UTF-8 (with or without a BOM) or cp874 (TIS-620): ``ENCODINGS`` is the one
list of encodings every reader tries, in order (``first_encoding``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd

from ...errors import Problem

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


T = TypeVar("T")


def first_encoding(read: Callable[[str], T], file: str) -> T:
    """``read(encoding)`` with the first of ``ENCODINGS`` that decodes the file; a file that
    none decodes is a problem of the file."""
    for encoding in ENCODINGS:
        try:
            return read(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(Problem(file, None, None, None, ENCODING_EXPECTED))


def decode(raw: bytes, file: str) -> str:
    """Text of a CSV file in the first encoding that fits."""
    check_text_bytes(raw, file)
    return first_encoding(raw.decode, file)


def sep_directive(first_line: str) -> str | None:
    """The delimiter of Excel's ``sep=;`` first line, or None when the line is not one."""
    found = _SEP_LINE.match(first_line.rstrip("\r\n"))
    return found.group(1) if found else None


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


def frame_of(body: list[list[str]], names: list[str], keep: list[int],
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
