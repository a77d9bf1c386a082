"""One exception family for the package, so callers can catch ``ItaError`` alone.

Messages say what was wrong, where, and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass


class ItaError(Exception):
    """Base of every error this package raises on purpose."""


class FrameworkError(ItaError):
    """A framework file is missing or breaks the rules a framework must keep."""


class UnknownFiscalYearError(FrameworkError):
    """No framework file exists for the requested fiscal year."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one input file, located as precisely as we can."""

    file: str
    row: int | None  # 1-based line in the file as a spreadsheet shows it (header = 1)
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{where}{got}; expected {self.expected}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
        }


class DataValidationError(ItaError):
    """Input data is invalid; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the input data:\n{lines}")


class ParameterError(ItaError):
    """A report or command parameter is wrong (unknown organisation, bad option)."""
