"""XLSX workbooks read as text cells, each as Excel's formula bar shows it: never a hidden
sheet, never a guess between sheets; an Excel error or a formula whose result was never saved
is a problem of its cell."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...errors import Problem, describe_os_error
from .base import (
    TITLE_ROWS_SEARCHED,
    Table,
    TableError,
    check_header,
    column_name,
    frame_of,
)

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


def read_xlsx(path: Path, required: Sequence[str]) -> Table:
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
    return Table(frame_of(body, names, keep, header_row + 1), file, sheet, header_row, notes)
