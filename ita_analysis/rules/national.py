"""National results of the ITA per fiscal year, as data: what an organisation is compared with.

``national.yaml`` in the package holds what public sources report (agencies assessed, the
national mean, how many reached the target), each year with its sources and whether it is
reported or only inferred; a data folder's own ``national.yaml`` adds years or replaces them.
Documents show reported figures only.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import ItaError
from ..rounding import round_half_up
from .yearfiles import read_mapping, validation_lines

__all__ = ["NationalError", "NationalYear", "national_figures", "national_path", "reported"]

FILE_NAME = "national.yaml"


class NationalError(ItaError):
    """A national figures file is unreadable or does not add up."""


class NationalYear(BaseModel):
    """One fiscal year's national results."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fiscal_year: int = Field(ge=2500, le=2700)
    agencies: int | None = Field(default=None, gt=0)
    respondents: int | None = Field(default=None, gt=0)
    respondents_at_least: bool = False  # reported as "more than"
    mean: Decimal = Field(ge=0, le=100)
    at_target: int | None = Field(default=None, ge=0)
    share_at_target: Decimal | None = Field(default=None, ge=0, le=100)
    status: Literal["reported", "inferred"]
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _adds_up(self) -> NationalYear:
        if self.at_target is not None and self.agencies is not None:
            if self.at_target > self.agencies:
                raise ValueError(f"at_target {self.at_target} is more than agencies "
                                 f"{self.agencies}")
            share = round_half_up(Decimal(self.at_target) * 100 / self.agencies)
            if self.share_at_target is not None and share != self.share_at_target:
                raise ValueError(f"share_at_target {self.share_at_target:.2f} is not "
                                 f"at_target / agencies = {self.at_target} / {self.agencies} "
                                 f"= {share}")
        return self


def national_path(data_dir: str | Path | None = None) -> Path:
    """The data folder's own national figures if it has them, else the package's."""
    if data_dir not in (None, ""):
        mine = Path(data_dir) / FILE_NAME
        if mine.is_file():
            return mine
    return Path(__file__).resolve().parent / FILE_NAME


def _read(path: Path) -> dict[int, NationalYear]:
    raw = read_mapping(path, "national figures file", NationalError)
    years = raw.get("years")
    if set(raw) != {"years"} or not isinstance(years, dict):
        raise NationalError(f"{path}: expected one key, years, mapping each fiscal year to its "
                            "figures")
    out, lines = {}, []
    for year, figures in years.items():
        try:
            out[int(year)] = NationalYear.model_validate(
                {**(figures or {}), "fiscal_year": year})
        except (ValidationError, ValueError) as exc:
            errors = exc.errors() if isinstance(exc, ValidationError) else [
                {"loc": (), "msg": str(exc), "type": "value_error"}]
            lines += [_under_year(path, year, line) for line in validation_lines(path, errors)]
    if lines:
        raise NationalError(f"{path}: invalid national figures:\n"
                            + "\n".join(f"  - {line}" for line in lines))
    return out


def _under_year(path: Path, year: object, line: str) -> str:
    """A problem line of one year's figures, its key placed under ``years.<year>``."""
    top = f"{path}: (top of the file)"
    if line.startswith(top):
        return f"{path}: years.{year}{line[len(top):]}"
    return line.replace(f"{path}: ", f"{path}: years.{year}.", 1)


@lru_cache(maxsize=16)
def _cached(path: Path, mtime_ns: int, size: int) -> dict[int, NationalYear]:
    return _read(path)


def _load(path: Path) -> dict[int, NationalYear]:
    info = path.stat()
    return _cached(path, info.st_mtime_ns, info.st_size)


def national_figures(data_dir: str | Path | None = None) -> dict[int, NationalYear]:
    """Every year's national results, a data folder's own years over the package's."""
    figures = dict(_load(national_path()))
    mine = national_path(data_dir)
    if mine != national_path():
        figures.update(_load(mine))
    return dict(sorted(figures.items()))


def reported(fiscal_year: int, data_dir: str | Path | None = None) -> NationalYear | None:
    """A year's national results if a source reports them (inferred figures are not shown)."""
    year = national_figures(data_dir).get(int(fiscal_year))
    return year if year is not None and year.status == "reported" else None
