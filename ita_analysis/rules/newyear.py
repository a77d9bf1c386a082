"""``ita-analysis rules new``: start a year's rules in a data folder from another year's.

An agency must analyse its result before the package ships that year's rules. This writes
``<data>/frameworks/<year>.yaml`` and ``<data>/recommendations/<year>.yaml`` as copies of
another year's (as that folder sees it), with every fact marked unverified: the provenance
says where it was copied from and that nothing is checked for the new year, every band is
unconfirmed (so no computed label is printed until the user confirms a band or the data gives
the published label), and the item roll-up and item lists are marked unverified. Both files
are checked before they are put in place, and appear whole or not at all.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..errors import FrameworkError, ParameterError
from ..render.outputs import atomic_write_text
from .framework import Framework, framework_path, load_framework, load_framework_file
from .library import RECOMMENDATION_DIR, load_recommendations_file, merged_mapping
from .yearfiles import read_mapping

__all__ = ["NewYear", "new_year", "what_to_check"]

FRAMEWORK_DIR = "frameworks"


class NewYear:
    """The files ``new_year`` wrote and the rules they hold."""

    def __init__(self, year: int, source: int, framework_file: Path,
                 recommendation_file: Path, framework: Framework) -> None:
        self.year, self.source = year, source
        self.framework_file, self.recommendation_file = framework_file, recommendation_file
        self.framework = framework


def _copied_framework(raw: dict[str, Any], year: int, source: int, today: date
                      ) -> dict[str, Any]:
    """``raw`` (the source year's file) as the new year's, every fact marked unverified."""
    prov = dict(raw.get("provenance") or {})
    carried = [f"{source}: {line}" for line in
               [*prov.get("verified", []), *prov.get("unverified", [])]]
    out = {**raw, "fiscal_year": year}
    out["provenance"] = {
        "status": "unverified",
        "verified": [],
        "unverified": [
            f"Copied from {source} by ita-analysis rules new on {today.isoformat()}: every rule "
            f"in this file (tools, weights, indicators, items, answer scales, grade bands, "
            f"target, item roll-up) is {source}'s and none is checked for {year}. Check each "
            f"against NACC's {year} manual and results (docs/adding-a-year.md).",
            *carried,
        ],
        "sources": list(prov.get("sources", [])),
        "copied_from": source,
    }
    grading = dict(out["grading"])
    grading["bands"] = [
        {**band, "confirmed": False,
         "source": f"copied from {source}, where it is "
                   f"{'confirmed' if band.get('confirmed') else 'not confirmed'}"
                   + (f" ({band['source']})" if band.get("source") else "")}
        for band in grading["bands"]]
    out["grading"] = grading
    rollup = dict(out["item_rollup"])
    out["item_rollup"] = {**rollup, "verified": False,
                          "source": f"copied from {source}: {rollup.get('source', '')}".strip()}
    out["indicators"] = [{**ind, "items_verified": False} if ind.get("sub_indicators") else ind
                         for ind in out["indicators"]]
    for key in ("questions", "min_respondents"):
        if key in out:
            out[key] = [{**entry, "verified": False} for entry in out[key]]
    return out


class _Dumper(yaml.SafeDumper):
    """YAML laid out like the package's own files: nested lists indented, lists of numbers
    and small records (an item, a band, a scale level) on one line."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(v, int | float) and not isinstance(v, bool) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[Any, Any]) -> yaml.Node:
    scalars = all(isinstance(v, int | float | str | bool) for v in data.values())
    flow = scalars and sum(len(f"{k}: {v}, ") for k, v in data.items()) < 80
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def _dump(header: str, mapping: dict[str, Any]) -> str:
    body = yaml.dump(mapping, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + body


def new_year(year: int, source: int, data_dir: str | Path, *, force: bool = False,
             today: date | None = None) -> NewYear:
    """Write the new year's framework and recommendation files into ``data_dir``."""
    year, source = int(year), int(source)
    folder = Path(data_dir).expanduser().resolve()
    if not 2500 <= year <= 2700:
        hint = f" (BE {year + 543}?)" if 1900 <= year < 2200 else ""
        raise ParameterError(f"the new year must be a Buddhist Era fiscal year such as 2569; "
                             f"got {year}{hint}")
    if year == source:
        raise ParameterError(f"--from must name another year than {year}")
    if not folder.is_dir():
        raise ParameterError(f"data folder {folder} does not exist or is not a folder")
    fw_out = folder / FRAMEWORK_DIR / f"{year}.yaml"
    rec_out = folder / RECOMMENDATION_DIR / f"{year}.yaml"
    there = [str(p) for p in (fw_out, rec_out) if p.exists()]
    if there and not force:
        raise ParameterError(f"{' and '.join(there)} {'exists' if len(there) == 1 else 'exist'} "
                             "already; keep it as it is, or give --force to replace the "
                             "year's files with a fresh copy")
    load_framework(source, folder)  # the source year must be sound before it is copied
    today = today or date.today()
    raw = read_mapping(framework_path(source, folder), "framework file", FrameworkError)
    framework_text = _dump(
        f"ITA framework, fiscal year {year}: a copy of {source}'s rules made by ita-analysis "
        f"rules new.\nNothing in it is checked for {year}: see provenance, and "
        "docs/adding-a-year.md for what to check\nand how to mark a rule verified or a band "
        "confirmed.", _copied_framework(raw, year, source, today))
    advice = {k: v for k, v in merged_mapping(source, folder).items() if k != "lineage"}
    advice["fiscal_year"] = year
    advice["source"] = (f"Copied from {source}'s recommendations by ita-analysis rules new on "
                        f"{today.isoformat()}. " + str(advice.get("source", ""))).strip()
    recommendation_text = _dump(
        f"Recommendation library, fiscal year {year}: {source}'s texts, merged into one file "
        f"by ita-analysis rules new.\nReword freely; texts hold no digits (write numbers in "
        "words).", {"fiscal_year": year, **{k: v for k, v in advice.items()
                                           if k != "fiscal_year"}})
    # check both as the folder will see them before anything is put in place
    with tempfile.TemporaryDirectory(prefix="ita-rules-new-") as tmp:
        staging = Path(tmp)
        for kind, text in ((FRAMEWORK_DIR, framework_text),
                           (RECOMMENDATION_DIR, recommendation_text)):
            (staging / kind).mkdir()
            (staging / kind / f"{year}.yaml").write_text(text, encoding="utf-8")
        fw = load_framework_file(staging / FRAMEWORK_DIR / f"{year}.yaml", expect_year=year)
        load_recommendations_file(staging / RECOMMENDATION_DIR / f"{year}.yaml",
                                  expect_year=year, data_dir=staging)
    atomic_write_text(fw_out, framework_text)
    atomic_write_text(rec_out, recommendation_text)
    return NewYear(year, source, fw_out, rec_out, fw)


def what_to_check(made: NewYear) -> list[str]:
    """What a user must check against NACC's manual before publishing, in the order of the
    framework file (the rules themselves are listed by ``yearrules.summary_lines``)."""
    fw, year, source = made.framework, made.year, made.source
    items = fw.items
    return [
        f"tools, weights, indicators and the target: as in {source}; change them where "
        f"NACC's {year} manual differs",
        f"grade bands: every band is copied unconfirmed, so no computed label is printed; mark "
        f"a band confirmed: true once NACC's {year} manual or results confirm it, or give "
        "the published label in published.csv (grade or label)",
        (f"OIT items: {source}'s list ({len(items)} items); replace it with {year}'s before "
         "scoring a checklist or reconciling an item table") if items else
        (f"OIT items: none listed; add {year}'s list (indicators' sub_indicators) to score "
         "checklists and item tables"),
        f"item roll-up: {fw.item_rollup.method}, copied; set verified: true when a {year} "
        "table reproduces it",
        f"IIT and EIT questions: {len(fw.questions)} copied" if fw.questions else
        "IIT and EIT questions: none (scores come from the data's indicator scores)",
        f"recommendation texts: {source}'s, in {made.recommendation_file}; reword any that "
        f"do not fit {year}",
        "provenance: list what you checked under verified, with its source",
    ]
