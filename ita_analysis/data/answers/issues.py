"""Problems of answer files found across many rows and listed by row once every check has run;
checks run once per distinct value or combination of values, never per row."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from ...errors import MAX_LISTED_PROBLEMS, DataValidationError, Problem
from ..columns import ORG_ID, ORG_ID_EXPECTED, fiscal_year_error
from ..tables import CodedTable
from .compiled import answer_word

DENSE_LIMIT = 1 << 24  # combination tables up to this size are indexed directly


def distinct_combinations(codes: list[np.ndarray], sizes: list[int]
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Distinct combinations of several code columns: (inverse per row, combos × columns)."""
    sizes = [max(s, 1) for s in sizes]
    total = int(np.prod(sizes, dtype=np.float64))
    key = np.zeros(len(codes[0]), dtype=np.int32 if total < 2**31 else np.int64)
    for c, size in zip(codes, sizes, strict=True):
        key *= size
        key += c
    if total <= DENSE_LIMIT:
        present = np.flatnonzero(np.bincount(key, minlength=total))
        lookup = np.full(total, -1, dtype=np.int32)
        lookup[present] = np.arange(len(present), dtype=np.int32)
        inverse, uniques = lookup[key], present
    else:
        inverse, uniques = pd.factorize(key)
    parts = []
    for size in reversed(sizes):
        parts.append(uniques % size)
        uniques = uniques // size
    return inverse, np.stack(parts[::-1], axis=1) if parts else np.empty((0, 0))


class Issues:
    """Problems found across many rows, listed by row once every check has run."""

    def __init__(self, file: str, rows: np.ndarray | None, first_row: int = 2,
                 sheet: str | None = None, plain: Iterable[Problem] = ()) -> None:
        self.file = file
        self.rows = rows
        self.first_row = first_row
        self.sheet = sheet
        self.found: list[tuple[np.ndarray, str, Callable[[np.ndarray], list[str | None]],
                               Callable[[np.ndarray], list[str]]]] = []
        self.plain: list[Problem] = list(plain)

    @classmethod
    def of(cls, table: CodedTable, file: str) -> Issues:
        """The problems of one file read into ``table``."""
        return cls(file, table.rows, table.first_row, table.sheet, table.problems)

    def row(self, index: np.ndarray) -> np.ndarray:
        return self.rows[index] if self.rows is not None else index + self.first_row

    def add(self, index: np.ndarray, column: str,
            values: Callable[[np.ndarray], list[str | None]],
            expected: Callable[[np.ndarray], list[str]]) -> None:
        if len(index):
            self.found.append((np.asarray(index, dtype=np.int64), column, values, expected))

    def by_category(self, codes: np.ndarray, cats: list[str], column: str,
                    check: Callable[[str], str | None]) -> np.ndarray:
        """Check each distinct value once; rows holding a bad one are reported. Returns them."""
        return self.by_messages(codes, cats, column, [check(c) for c in cats])

    def by_messages(self, codes: np.ndarray, cats: list[str], column: str,
                    messages: list[str | None]) -> np.ndarray:
        """Rows whose category has a message (what was expected) are reported."""
        bad_cat = np.array([m is not None for m in messages], dtype=bool)
        if not bad_cat.any():
            return np.zeros(len(codes), dtype=bool)
        bad = bad_cat[codes]
        self.add(np.flatnonzero(bad), column, lambda i: [cats[c] for c in codes[i]],
                 lambda i: [str(messages[c]) for c in codes[i]])
        return bad

    def raise_if_any(self) -> None:
        total = len(self.plain) + sum(len(f[0]) for f in self.found)
        if not total:
            return
        heads = []
        for k, (index, _, _, _) in enumerate(self.found):
            head = index[:MAX_LISTED_PROBLEMS]
            heads.append(np.stack([head, np.full(len(head), k)], axis=1))
        problems = list(self.plain)
        if heads:
            merged = np.concatenate(heads)
            merged = merged[np.lexsort((merged[:, 1], merged[:, 0]))][:MAX_LISTED_PROBLEMS]
            for k, (_, column, values, expected) in enumerate(self.found):
                index = merged[merged[:, 1] == k, 0]
                if not len(index):
                    continue
                rows = self.row(index)
                for r, v, e in zip(rows, values(index), expected(index), strict=True):
                    problems.append(Problem(self.file, int(r), column, v, e, self.sheet))
        problems.sort(key=lambda p: (p.row or 0))
        raise DataValidationError(problems, total)


def check_columns(table: CodedTable, required: Iterable[str], file: str) -> None:
    missing = [name for name in required if name not in table.columns]
    if missing:
        raise DataValidationError([
            Problem(file, table.header_row, name, None, f"a column named '{name}' in the "
                    f"header row (columns expected: {', '.join(required)})", table.sheet)
            for name in missing])
    if not table.length:
        raise DataValidationError([Problem(file, None, None, None, "at least one data row",
                                           table.sheet)])


def org_check(organisations: Iterable[str] | None) -> Callable[[str], str | None]:
    known = None if organisations is None else set(organisations)

    def check(value: str) -> str | None:
        if not ORG_ID.match(value):
            return ORG_ID_EXPECTED
        if known is not None and value not in known:
            return "an org_id listed in organisations"
        return None
    return check


def year_values(cats: list[str], known: list[int]) -> tuple[np.ndarray, list[str | None]]:
    """Each distinct fiscal year text read, with what was expected where it is not one
    (``known``: the years with a framework)."""
    years = np.zeros(len(cats), dtype=np.int64)
    messages: list[str | None] = []
    for i, text in enumerate(cats):
        digits = answer_word(text)
        if not re.fullmatch(r"[0-9]+", digits):
            messages.append("a fiscal year, a whole number such as 2565")
            continue
        year = int(digits)
        problem = fiscal_year_error(year, known)
        if problem:
            messages.append(problem)
        else:
            years[i] = year
            messages.append(None)
    return years, messages
