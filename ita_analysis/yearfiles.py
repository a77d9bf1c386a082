"""Per-year data files shipped inside the package (frameworks, recommendation texts).

Both kinds live as ``<folder>/<BE year>.yaml`` under ``ita_analysis/``; this module finds
them, lists their years and reads one as a YAML mapping, so that each kind only says what
its own file means.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import ItaError

# libyaml's safe loader where PyYAML was built with it: the same documents, ~8x faster (every
# fresh kernel reads a framework and a recommendation file before its report starts)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def package_dir(name: str) -> Path:
    """A folder of data files inside the installed package."""
    return Path(str(resources.files("ita_analysis") / name))


def years_in(folder: Path) -> list[int]:
    """Fiscal years (BE) that have a file in ``folder``."""
    return sorted(int(p.stem) for p in folder.glob("*.yaml") if p.stem.isdigit())


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
