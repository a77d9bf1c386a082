"""The rules a data folder sees for a year, where each comes from, and whether they hold.

A year's rules are its framework file and its recommendation file (with the files that one is
``based_on``), each the data folder's own (``<data>/frameworks/<year>.yaml``) or else the
package's. ``resolve`` gathers them for one year with their origins; ``check_folder``
validates every file a folder would use and reports every problem at once; ``record`` is the
machine-readable account that ``summary.json`` and ``rules check --json`` carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ItaError
from .framework import Framework, framework_origin, framework_path, load_framework
from .framework import available_years as framework_years
from .library import RECOMMENDATION_DIR, load_recommendations, recommendation_chain
from .library import available_years as recommendation_years
from .national import national_figures
from .yearfiles import Origin, user_dir, year_file, years_in

__all__ = ["YearRules", "check_folder", "folder_problems", "record", "resolve", "summary_lines",
           "user_years"]


@dataclass(frozen=True)
class YearRules:
    """One year's rules as a data folder sees them (``framework`` None when it is broken)."""

    year: int
    framework_file: Path
    framework_origin: Origin
    framework: Framework | None
    recommendation_files: list[tuple[Path, Origin]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each, file and key named


def _origin(path: Path, data_dir: str | Path | None) -> Origin:
    mine = user_dir(data_dir, RECOMMENDATION_DIR)
    return "data folder" if mine is not None and path.parent == mine else "package"


def resolve(year: int, data_dir: str | Path | None = None) -> YearRules:
    """A year's rules with every problem of their files; raises only when there is no
    framework file for the year at all."""
    path = framework_path(year, data_dir)
    origin = framework_origin(year, data_dir)
    problems: list[str] = []
    fw: Framework | None = None
    try:
        fw = load_framework(year, data_dir)
    except ItaError as exc:
        problems += _lines(exc)
    chain = [(p, _origin(p, data_dir)) for p in recommendation_chain(year, data_dir)]
    if not chain:
        problems.append(f"no recommendation file for fiscal year {year}: expected "
                        f"{RECOMMENDATION_DIR}/{year}.yaml in the data folder or the package")
    elif fw is not None:
        try:
            load_recommendations(year, data_dir)
        except ItaError as exc:
            problems += _lines(exc)
    return YearRules(year=int(year), framework_file=path, framework_origin=origin,
                     framework=fw, recommendation_files=chain, problems=problems)


def _lines(exc: ItaError) -> list[str]:
    """An error's problems one a line (a file's message lists them under a heading line)."""
    text = str(exc).strip()
    head, _, rest = text.partition("\n")
    items = [line.strip().removeprefix("- ") for line in rest.splitlines() if line.strip()]
    return items or [head]


def user_years(data_dir: str | Path | None) -> list[int]:
    """Years for which the data folder holds a rule file of its own (either kind)."""
    return sorted(set(years_in(user_dir(data_dir, "frameworks")))
                  | set(years_in(user_dir(data_dir, RECOMMENDATION_DIR))))


def check_folder(data_dir: str | Path | None, years: list[int] | None = None
                 ) -> list[YearRules]:
    """Every year's rules the folder would use (``years``, or the folder's own years, or all),
    with their problems. A recommendation file without a framework of its year is a problem
    of that year."""
    if years is None:
        years = user_years(data_dir) or framework_years(data_dir)
    out = []
    for year in years:
        if year_file("frameworks", year, data_dir) is None:
            problems = [f"no framework file for fiscal year {year}: expected frameworks/{year}"
                        ".yaml in the data folder (ita-analysis rules new) or the package"]
            if year in recommendation_years(data_dir):
                problems[0] += "; its recommendation file has no framework to go with"
            out.append(YearRules(year=int(year), framework_file=Path(f"frameworks/{year}.yaml"),
                                 framework_origin="data folder", framework=None,
                                 problems=problems))
            continue
        out.append(resolve(year, data_dir))
    return out


def record(rules: YearRules) -> dict[str, Any]:
    """What a run used of a year's rules, for ``summary.json`` (analysts, not citizens)."""
    fw = rules.framework
    out: dict[str, Any] = {
        "fiscal_year": rules.year,
        "framework": {"file": rules.framework_file.name, "origin": rules.framework_origin},
        "recommendations": [{"file": p.name, "origin": origin}
                            for p, origin in rules.recommendation_files],
        "problems": rules.problems,
    }
    if fw is not None:
        out["framework"].update({
            "status": fw.provenance.status,
            "copied_from": fw.provenance.copied_from,
            "unverified": list(fw.provenance.unverified),
            "sources": list(fw.provenance.sources),
        })
        out["item_rollup"] = fw.item_rollup.model_dump(mode="json")
        out["bands"] = [{"label": b.label, "min": float(b.min), "max": float(b.max),
                         "each_tool_min": None if b.each_tool_min is None
                         else float(b.each_tool_min), "confirmed": b.confirmed}
                        for b in fw.grading.bands]
    return out


def summary_lines(rules: YearRules) -> list[str]:
    """A short account of a year's resolved rules and which file each came from."""
    fw = rules.framework
    where = f"{rules.framework_file} ({rules.framework_origin})"
    if fw is None:
        return [f"{rules.year}: {where}: invalid"]
    status = fw.provenance.status
    if fw.provenance.copied_from is not None:
        status += f", copied from {fw.provenance.copied_from}"
    tools = ", ".join(f"{t.code} {t.weight * 100:.0f}% (indicators {_numbers(t.indicators)})"
                      for t in fw.tools)
    bands = "; ".join(
        f"{b.label} {b.min:.2f}–{b.max:.2f}"
        + (f", every tool at least {b.each_tool_min:.2f}" if b.each_tool_min is not None else "")
        + ("" if b.confirmed else " (unconfirmed)") for b in fw.grading.bands)
    items = fw.items
    recs = ", ".join(f"{p} ({origin})" for p, origin in rules.recommendation_files)
    return [
        f"{rules.year}: framework {where}: {status}",
        f"  tools and weights: {tools}",
        "  indicators: " + ", ".join(f"{i.number} {i.name_th}" for i in fw.indicators),
        f"  {fw.grading.name_th} ({fw.grading.kind}): {bands}",
        f"  target: {fw.target}",
        f"  item roll-up: {fw.item_rollup.method} "
        f"({'verified' if fw.item_rollup.verified else 'unverified'})"
        + (f"; OIT items {next(iter(items))}–{list(items)[-1]} ({len(items)})" if items
           else "; no OIT item list"),
        f"  recommendations: {recs}",
    ]


def _numbers(numbers: tuple[int, ...]) -> str:
    return f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 2 else ", ".join(map(str, numbers))


def folder_problems(data_dir: str | Path | None) -> list[str]:
    """Problems of a folder's rule files that belong to no one year: files in its rule folders
    that no run reads (a misnamed year is a mistake), and its own national figures."""
    if data_dir in (None, ""):
        return []
    out = []
    for kind in ("frameworks", RECOMMENDATION_DIR):
        for path in sorted((Path(data_dir) / kind).glob("*")):
            if path.is_file() and not (path.suffix == ".yaml" and path.stem.isdigit()):
                out.append(f"{path}: not read by any run; expected a file named <BE year>.yaml "
                           "such as 2569.yaml")
    try:
        national_figures(data_dir)
    except ItaError as exc:
        out += _lines(exc)
    return out
