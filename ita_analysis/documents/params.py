"""The parameter checks every document shares: the fiscal year, the data folder with its rules
for the year, the data set read with one organisation's bad rows set aside, one organisation.
Each raises a one-line ``ParameterError`` before any kernel starts."""

from __future__ import annotations

import operator
from pathlib import Path

from ..data.dataset import Dataset, load_dataset
from ..errors import DataValidationError, ItaError, ParameterError, one_line
from ..rules.framework import framework_path


def fiscal_year_param(value: object) -> int:
    """A fiscal year as given (int or text), as an int; ``ParameterError`` otherwise."""
    if isinstance(value, bool):
        raise ParameterError(f"fiscal year must be a Buddhist Era year such as 2565; got {value!r}")
    try:
        return operator.index(value) if not isinstance(value, str) else int(value.strip())
    except (TypeError, ValueError):
        raise ParameterError(f"fiscal year must be a Buddhist Era year such as 2565; "
                             f"got {value!r}") from None


def data_folder(data_dir: str | Path | None) -> Path | None:
    """The data folder named (resolved), or None for the package's own data."""
    folder = Path(data_dir).expanduser().resolve() if data_dir not in (None, "") else None
    if folder is not None and not folder.is_dir():
        raise ParameterError(f"data folder {folder} does not exist or is not a folder")
    return folder


def check_hint(folder: Path | None) -> str:
    return f"run `ita-analysis check{f' --data {folder}' if folder else ''}` to list them all"


def checked_dataset(year: int, folder: Path | None, *, default: Path | None = None,
                    default_name: str = "the embedded default data") -> Dataset:
    """The data set of ``folder`` (or ``default``, or the package's), once the year's rules are
    found (the folder's own frameworks/<year>.yaml counts); an organisation whose own rows are
    invalid is set aside (``Dataset.excluded``), a problem of a whole file stops here."""
    try:
        framework_path(year, folder)
    except ItaError as exc:
        raise ParameterError(one_line(str(exc))) from None
    try:
        return load_dataset(folder or default, isolate=True)
    except DataValidationError as exc:
        where = folder or default_name
        first = one_line(str(exc.problems[0])) if exc.problems else "unknown problem"
        raise ParameterError(
            f"the data in {where} is invalid ({exc.total} problem(s); first: {first}); "
            f"{check_hint(folder or default)}") from None


def require_org(dataset: Dataset, org_id: object, check: str = "") -> str:
    """``org_id`` if the data set holds that organisation with valid rows; the one message for
    an organisation that is missing, or whose own rows are invalid, otherwise."""
    if isinstance(org_id, str) and org_id in dataset.excluded:
        own = dataset.excluded[org_id].problems
        raise ParameterError(
            f"the data of organisation {org_id!r} in {dataset.source} are invalid "
            f"({len(own)} problem(s) in its own rows; first: {one_line(str(own[0]))})"
            + (f"; {check}" if check else ""))
    if not isinstance(org_id, str) or org_id not in set(dataset.organisations["org_id"]):
        known = sorted(dataset.organisations["org_id"])
        hint = ", ".join(known[:5]) + (", …" if len(known) > 5 else "")
        raise ParameterError(f"no organisation {org_id!r} in {dataset.source}; "
                             f"known org_id values: {hint}")
    return org_id
