"""Per-year rule files (frameworks, recommendation texts): the package's and a data folder's.

Both kinds live as ``<kind>/<BE year>.yaml``: under ``ita_analysis/`` for the years the package
ships, and under a data folder (``<data>/frameworks/2569.yaml``) for years a user adds or
replaces. A data folder's file wins over the package's for everything run on that folder.
This module finds them, lists their years and reads one as a YAML mapping, so that each kind
only says what its own file means.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from ..errors import ItaError

# libyaml's safe loader where PyYAML was built with it: the same documents, ~8x faster (every
# fresh kernel reads a framework and a recommendation file before its report starts)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


Origin = Literal["package", "data folder"]


def package_dir(name: str) -> Path:
    """A folder of the package's own rule files (``rules/frameworks``, ...)."""
    return Path(str(resources.files(__package__) / name))


def user_dir(data_dir: str | Path | None, name: str) -> Path | None:
    """The data folder's own folder of a kind (``<data>/frameworks``), None without a folder."""
    return None if data_dir in (None, "") else Path(data_dir) / name


def years_in(folder: Path | None) -> list[int]:
    """Fiscal years (BE) that have a file in ``folder``."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(int(p.stem) for p in folder.glob("*.yaml") if p.stem.isdigit())


def year_file(name: str, year: int, data_dir: str | Path | None) -> tuple[Path, Origin] | None:
    """A year's file of a kind and where it comes from: the data folder's, else the package's."""
    mine = user_dir(data_dir, name)
    if mine is not None and (mine / f"{int(year)}.yaml").is_file():
        return mine / f"{int(year)}.yaml", "data folder"
    shipped = package_dir(name) / f"{int(year)}.yaml"
    return (shipped, "package") if shipped.is_file() else None


def years_of(name: str, data_dir: str | Path | None) -> list[int]:
    """Every year with a file of a kind, the data folder's and the package's together."""
    return sorted(set(years_in(package_dir(name))) | set(years_in(user_dir(data_dir, name))))


def stamp(data_dir: str | Path | None, *names: str) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of a data folder's rule files (a cache key part)."""
    out = []
    for name in names:
        folder = user_dir(data_dir, name)
        if folder is not None and folder.is_dir():
            out += [(f"{name}/{p.name}", p.stat().st_mtime_ns, p.stat().st_size)
                    for p in sorted(folder.glob("*.yaml"))]
    return tuple(out)


def span(years: list[int]) -> str:
    """``2562–2568`` for the years on offer, or ``none``."""
    return f"{years[0]}–{years[-1]}" if years else "none"


def read_mapping(path: Path, what: str, error: type[ItaError]) -> dict[str, Any]:
    """A YAML file whose top is a mapping; ``error`` names the file otherwise."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"{path}: cannot read {what}: {exc}") from exc
    if not isinstance(raw, dict):
        raise error(f"{path}: expected a mapping at the top of the {what}")
    return raw


def validation_lines(path: Path, errors: list[dict[str, Any]]) -> list[str]:
    """Pydantic's errors as lines naming the file, the key, what was expected and what was
    there: ``2569.yaml: tools.0.weight: Input should be a valid decimal; got 'abc'``."""
    lines = []
    for err in errors:
        loc = ".".join(str(part) for part in err["loc"]) or "(top of the file)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg += " (a key this file does not have: misspelt, or in the wrong place?)"
        got = err.get("input")
        if err["type"] != "missing" and not isinstance(got, dict | list) and got is not None:
            text = repr(got)
            msg += f"; got {text[:60] + '…' if len(text) > 60 else text}"
        lines.append(f"{path}: {loc}: {msg}")
    return lines
