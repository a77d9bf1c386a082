"""The index of every rendered report: ``<out>/index.html`` and ``<out>/<year>/index.html``.

The index is made from the ``summary.json`` files found at ``<out>/<year>/<org_id>/`` (a report
is listed only when its ``report.html`` is there too), so it always shows what the output folder
holds, whichever command rendered it. Each row gives the organisation, its type, district and
province, the fiscal year, the overall score, the grade or pass label, and a relative link to the
report. The page is Thai (``lang="th"``), embeds Sarabun as the reports do, and sorts (click a
column heading) and filters (a text box and one list per province, type, year and grade) with a
small inline script: no server, no CDN, no other file. Every value from the data is escaped.
Files are written atomically (a temporary file beside the target, then ``os.replace``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import __version__
from ..present.thaibreak import CSS as BREAK_CSS
from ..present.thaibreak import wrap_html
from ..render.outputs import atomic_write_text
from ..thai import Digits, apply_digits, check_digits, format_score, to_arabic_digits
from . import TEMPLATES

INDEX_NAME = "index.html"
TEMPLATE = TEMPLATES / "index.html.j2"
_YEAR_DIR = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class Entry:
    """One rendered report as the index lists it."""

    org_id: str
    name: str
    org_type: str
    district: str
    province: str
    fiscal_year: int
    overall_2dp: float | None
    grade: str
    passed: bool | None
    grade_rank: int  # position of the grade among its framework's labels (0 = best)
    href: str  # report.html relative to the output folder, URL-quoted
    annex_href: str = ""  # the internal annex beside it, when there is one

    def search_text(self) -> str:
        """What the filter box matches: names and codes, digits as Arabic, case folded."""
        parts = (self.name, self.org_id, self.org_type, self.district, self.province,
                 str(self.fiscal_year), self.grade)
        return to_arabic_digits(" ".join(parts)).casefold()


def _grade_rank(year: int, grade: str, data_dir: str | None = None) -> int:
    from ..rules.framework import load_framework

    try:
        labels = load_framework(year, data_dir or None).grade_labels
    except Exception:  # a framework file removed since: sort such grades last
        return 99
    return labels.index(grade) if grade in labels else 99


def _entry(summary_file: Path, out_dir: Path) -> Entry | None:
    """The index row of one summary.json, or None when it cannot be read or has no page."""
    try:
        data = json.loads(summary_file.read_text(encoding="utf-8"))
        org, findings = data["org"], data["findings"]
        year = int(findings["fiscal_year"])
        html_name = data.get("files", {}).get("html", "report.html")
        annex_name = data.get("files", {}).get("annex", "")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    page = summary_file.parent / html_name
    if not page.is_file():
        return None
    rel = page.relative_to(out_dir).as_posix()
    annex = summary_file.parent / annex_name if annex_name else None
    overall = findings.get("overall_2dp")
    # what the report printed as the result: the label, or what stands in for one
    grade = str(findings.get("grade_text") or findings.get("grade") or "")
    return Entry(
        org_id=str(org.get("org_id", summary_file.parent.name)),
        name=str(org.get("name", "")),
        org_type=str(org.get("org_type", "")),
        district=str(org.get("district", "")),
        province=str(org.get("province", "")),
        fiscal_year=year,
        overall_2dp=None if overall is None else float(overall),
        grade=grade,
        passed=findings.get("passed"),
        grade_rank=_grade_rank(year, grade, str(data.get("parameters", {}).get("data_dir")
                                                or "")),
        href=quote(rel),
        annex_href=quote(annex.relative_to(out_dir).as_posix())
        if annex is not None and annex.is_file() else "",
    )


def collect(out_dir: str | Path) -> list[Entry]:
    """Every report under ``out_dir`` (``<year>/<org_id>/summary.json``), newest year first."""
    out = Path(out_dir)
    entries = []
    for year_dir in sorted(p for p in out.iterdir() if p.is_dir() and _YEAR_DIR.match(p.name)) \
            if out.is_dir() else []:
        for summary in sorted(year_dir.glob("*/summary.json")):
            entry = _entry(summary, out)
            if entry is not None:
                entries.append(entry)
    entries.sort(key=lambda e: (-e.fiscal_year, e.province, e.district, e.name, e.org_id))
    return entries


def _portfolios(out: Path, years: list[int]) -> list[dict[str, str]]:
    """Portfolio pages (``<year>/portfolio-<scope>.html``, named in the index by the group
    their summary names) found beside the reports; the annex is linked beside each."""
    found = []
    for year in years:
        for summary in sorted((out / str(year)).glob("portfolio-*.json")):
            try:
                data = json.loads(summary.read_text(encoding="utf-8"))
                label = str(data["scope"]["label"])
                files = data.get("files", {})
            except (OSError, ValueError, KeyError, TypeError):
                continue
            page = summary.parent / str(files.get("html", summary.stem + ".html"))
            if not page.is_file():
                continue
            annex = summary.parent / str(files.get("annex", ""))
            found.append({"year": str(year), "scope": label,
                          "href": quote(page.relative_to(out).as_posix()),
                          "annex_href": quote(annex.relative_to(out).as_posix())
                          if files.get("annex") and annex.is_file() else ""})
    return found


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATE.parent)),
                       autoescape=select_autoescape(["html", "j2"], default=True),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_index(entries: list[Entry], *, year: int | None = None, prefix: str = "",
                 digits: Digits = "thai", years: list[int] | None = None,
                 portfolios: list[dict[str, str]] | None = None) -> str:
    """The index page: every entry (of ``year`` only, when given), links prefixed by ``prefix``
    (``"../"`` for a page one folder down)."""
    from ..present.fonts import font_face_css
    from ..render.convert import visible_text

    digits = check_digits(digits)
    shown = [e for e in entries if year is None or e.fiscal_year == year]
    years = sorted(years if years is not None else {e.fiscal_year for e in entries},
                   reverse=True)

    def d(text: object) -> str:
        return apply_digits(str(text), digits)

    def local(href: str) -> str:
        """A link from the page being written: all years at the top, a year one folder down."""
        if not href:
            return ""
        return (prefix + href) if year is None else href.split("/", 1)[1]

    rows: list[dict[str, Any]] = [{
        "e": e,
        "href": local(e.href),
        "annex_href": local(e.annex_href),
        "year": d(e.fiscal_year),
        "score": format_score(e.overall_2dp, digits),
        "score_sort": "" if e.overall_2dp is None else f"{e.overall_2dp:.2f}",
        "grade_sort": f"{e.grade_rank:02d}",
        "search": e.search_text(),
    } for e in shown]

    def options(values: set[str]) -> list[str]:
        return sorted(v for v in values if v)

    page_prefix = "../" if year is not None else ""
    context = {
        "version": __version__,
        "digits": digits,
        "year": year,
        "year_label": d(year) if year is not None else "",
        "rows": rows,
        "count": d(len(rows)),
        "provinces": options({e.province for e in shown}),
        "types": options({e.org_type for e in shown}),
        "grades": [g for g, _ in sorted({(e.grade, e.grade_rank) for e in shown if e.grade},
                                        key=lambda t: (t[1], t[0]))],
        "years": [{"value": str(y), "label": d(y)}
                  for y in sorted({e.fiscal_year for e in shown}, reverse=True)],
        "nav": [{"label": d(y), "href": f"{page_prefix}{y}/{INDEX_NAME}",
                 "current": y == year} for y in years],
        "all_href": f"{page_prefix}{INDEX_NAME}",
        "portfolios": [{**p, "label": d(p["year"]), "href": local(p["href"]),
                        "annex_href": local(p["annex_href"])}
                       for p in (portfolios or []) if year is None or p["year"] == str(year)],
        "font_css": "",
    }
    template = _environment().get_template(TEMPLATE.name)
    keep = tuple(sorted({part for e in shown for part in (e.name, e.district, e.province)
                         if part}))
    context["break_css"] = BREAK_CSS
    draft = template.render(**context)
    context["font_css"] = font_face_css(visible_text(draft))
    return wrap_html(template.render(**context), keep=keep)


def write_indexes(out_dir: str | Path, *, digits: Digits = "thai") -> list[Path]:
    """Write ``<out>/index.html`` and ``<out>/<year>/index.html`` for every year with reports."""
    out = Path(out_dir)
    entries = collect(out)
    years = sorted({e.fiscal_year for e in entries}, reverse=True)
    portfolios = _portfolios(out, years)
    written = [out / INDEX_NAME]
    atomic_write_text(written[0], render_index(entries, digits=digits, years=years,
                                               portfolios=portfolios))
    for year in years:
        path = out / str(year) / INDEX_NAME
        atomic_write_text(path, render_index(entries, year=year, digits=digits, years=years,
                                             portfolios=portfolios))
        written.append(path)
    return written


__all__ = ["INDEX_NAME", "Entry", "collect", "render_index", "write_indexes"]
