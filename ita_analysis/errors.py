"""One exception family for the package, so callers can catch ``ItaError`` alone.

Messages say what was wrong, where, and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass

# A file broken on every row would print one line per row: a national file means hundreds of
# megabytes of text nobody reads. This many problems are listed, then how many more there were.
MAX_LISTED_PROBLEMS = 10_000
# Values longer than this are shortened in messages (the whole value stays in ``Problem.value``).
SHOWN_VALUE_CHARS = 200


class ItaError(Exception):
    """Base of every error this package raises on purpose."""


class FrameworkError(ItaError):
    """A framework file is missing or breaks the rules a framework must keep."""


class UnknownFiscalYearError(FrameworkError):
    """No framework file exists for the requested fiscal year."""


def _shown(value: str) -> str:
    """A value as a message quotes it: control characters escaped (repr), long ones cut."""
    if len(value) <= SHOWN_VALUE_CHARS:
        return repr(value)
    return f"{value[:SHOWN_VALUE_CHARS]!r}… ({len(value):,} characters)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one input file, located as precisely as we can."""

    file: str
    row: int | None  # 1-based line in the file as a spreadsheet shows it (header = 1)
    column: str | None
    value: str | None
    expected: str
    sheet: str | None = None  # the worksheet of an XLSX file

    def __str__(self) -> str:
        where = self.file
        if self.sheet is not None:
            where += f", sheet {self.sheet!r}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        got = "" if self.value is None else f": got {_shown(self.value)}"
        return f"{where}{got}; expected {self.expected}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
        }


def capped(problems: list[Problem], total: int | None = None) -> list[Problem]:
    """The first ``MAX_LISTED_PROBLEMS`` problems, then one that says how many more there were
    (``total``: how many were found, when the caller did not make them all)."""
    found = len(problems) if total is None else total
    if found <= MAX_LISTED_PROBLEMS:
        return list(problems)
    head = list(problems[:MAX_LISTED_PROBLEMS])
    file = head[-1].file if head else "input"
    return [*head, Problem(file, None, None, None,
                           f"fewer problems: the first {len(head):,} are listed and "
                           f"{found - len(head):,} more were found")]


class DataValidationError(ItaError):
    """Input data is invalid; carries every problem found, not only the first (at most
    ``MAX_LISTED_PROBLEMS`` of them, and then how many more there were)."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = capped(list(problems), total)
        self.total = len(problems) if total is None else total
        lines = "\n".join(f"  - {p}" for p in self.problems)
        count = self.total
        super().__init__(f"{count:,} problem{'s' if count != 1 else ''} in the input data:\n"
                         f"{lines}")


class ParameterError(ItaError):
    """A report or command parameter is wrong (unknown organisation, bad option)."""


class ReportError(ItaError):
    """A document could not be made (its notebook failed, or writing or printing failed)."""


def one_line(text: str) -> str:
    """A message on one line: every run of white space (line breaks too) as one space."""
    return " ".join(str(text).split())


def describe_os_error(exc: OSError) -> str:
    """An operating-system error in words a user acts on: the reason and, where known, the
    path (``No space left on device: outputs/2567/index.html``)."""
    reason = exc.strerror or type(exc).__name__
    where = exc.filename if exc.filename is not None else None
    return f"{reason}: {where}" if where is not None else reason
