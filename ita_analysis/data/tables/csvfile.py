"""CSV files read as text cells: Excel's ``sep=`` line, blank rows above the header, ragged
rows and unclosed quotation marks handled as a reader of the file would, or refused."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from ...errors import Problem
from .base import (
    MAX_CELL_CHARS,
    Table,
    TableError,
    check_header,
    column_name,
    decode,
    frame_of,
    read_bytes,
    sep_directive,
)


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


def read_csv(path: Path, required: Sequence[str]) -> Table:
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
    return Table(frame_of(body, names, keep, header_row + 1), file, None, header_row)
