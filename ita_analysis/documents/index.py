"""The index of every rendered report: ``<out>/index.html`` and ``<out>/<year>/index.html``.

The index is made from the ``summary.json`` files found at ``<out>/<year>/<org_id>/`` (a report
is listed only when its ``report.html`` is there too), so it always shows what the output folder
holds, whichever command rendered it. Each row gives the organisation, its type, district and
province, the fiscal year, the overall score, the grade or pass label, and a relative link to the
report. The page is Thai (``lang="th"``), embeds Sarabun as the reports do, and sorts (click a
column heading) and filters (a text box and one list per province, type, year and grade) with a
small inline script: no server, no CDN, no other file. Every value from the data is escaped.
Files are written atomically (a temporary file beside the target, then ``os.replace``).

Why ``<out>/index.json``: a national folder holds 8,303 reports, and reading every summary and
marking every name's line breaks again after each single report took longer than the report.
The file keeps each listed report's row (the summary's size and modification time, and its
names with their line breaks marked); writing the index reads only the summaries that are new
or changed since, checks that every listed page is still there, and joins the rows. It is a
cache: deleting it, or a different package version, only means one full read.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import escape

from .. import __version__
from ..present.thaibreak import CSS as BREAK_CSS
from ..present.thaibreak import wrap_html
from ..render.outputs import atomic_write_text
from ..thai import Digits, apply_digits, check_digits, format_score, to_arabic_digits
from . import TEMPLATES

INDEX_NAME = "index.html"
CACHE_NAME = "index.json"
CACHE_SCHEMA = "ita-analysis/index-cache/1"
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


def _summaries(out: Path) -> list[Path]:
    """Every ``<year>/<org_id>/summary.json`` under ``out``, in a fixed order."""
    if not out.is_dir():
        return []
    found = []
    for year_dir in sorted(p for p in out.iterdir() if p.is_dir() and _YEAR_DIR.match(p.name)):
        found += sorted(year_dir.glob("*/summary.json"))
    return found


def _stamp(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _load_cache(out: Path) -> dict[str, dict[str, Any]]:
    """The rows ``index.json`` keeps, by summary path (relative); empty when it is missing,
    unreadable or from another version."""
    try:
        data = json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))
        if data.get("schema") != CACHE_SCHEMA or data.get("version") != __version__:
            return {}
        return {str(row["summary"]): row for row in data["rows"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _still_there(entry: Entry, out: Path) -> bool:
    """The cached row's page, and its annex if it had one, are still where the row links."""
    from urllib.parse import unquote

    return (out / unquote(entry.href)).is_file() and (
        not entry.annex_href or (out / unquote(entry.annex_href)).is_file())


def _cached_rows(out: Path) -> list[dict[str, Any]]:
    """One row per listed report: its entry, its summary's stamp and its marked names; rows
    of unchanged summaries come from ``index.json``, the others are read again."""
    cache = _load_cache(out)
    rows = []
    for summary in _summaries(out):
        rel = summary.relative_to(out).as_posix()
        stamp = _stamp(summary)
        row = cache.get(rel)
        if row is not None and row.get("stamp") == stamp:
            try:
                entry = Entry(**row["entry"])
            except TypeError:
                entry = None
            if entry is not None and _still_there(entry, out):
                rows.append(row)
                continue
        entry = _entry(summary, out)
        if entry is not None:
            rows.append({"summary": rel, "stamp": stamp, "entry": asdict(entry),
                         "cells": _marked_cells(entry)})
    return rows


def _write_cache(out: Path, rows: list[dict[str, Any]]) -> None:
    atomic_write_text(out / CACHE_NAME, json.dumps(
        {"schema": CACHE_SCHEMA, "version": __version__, "rows": rows},
        ensure_ascii=False, separators=(",", ":")) + "\n")


def _sort_key(e: Entry) -> tuple[Any, ...]:
    return (-e.fiscal_year, e.province, e.district, e.name, e.org_id)


def collect(out_dir: str | Path) -> list[Entry]:
    """Every report under ``out_dir`` (``<year>/<org_id>/summary.json``), newest year first."""
    out = Path(out_dir)
    entries = [e for e in (_entry(s, out) for s in _summaries(out)) if e is not None]
    entries.sort(key=_sort_key)
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


_CELL_FIELDS = ("name", "org_type", "district", "province", "grade")
_HREF = "\x00href\x00"
_ANNEX_HREF = "\x00annex\x00"
_ROWS_MARK = "<!--ita-index-rows-->"


def _cell(text: str, keep: tuple[str, ...]) -> str:
    """A table cell's text, escaped, with its Thai line breaks marked (as the whole page would
    mark it: a cell is a run of its own)."""
    return wrap_html(f"<td>{escape(text)}</td>", keep=keep)[len("<td>"):-len("</td>")]


def _keep(e: Entry) -> tuple[str, ...]:
    """Names never broken inside: the organisation's own name, district and province."""
    return tuple(part for part in (e.name, e.district, e.province) if part)


def _marked_cells(e: Entry) -> list[str]:
    keep = _keep(e)
    return [_cell(getattr(e, name), keep) for name in _CELL_FIELDS]


def _link_cell(annex: bool) -> str:
    cell = f'<td class="link"><a href="{_HREF}">รายงาน</a>'
    if annex:
        cell += f' <a class="annex" href="{_ANNEX_HREF}">ภาคผนวก</a>'
    return wrap_html(cell + "</td>")


def _row(e: Entry, cells: list[str], *, href: str, annex_href: str, digits: Digits,
         links: dict[bool, str]) -> str:
    """One ``<tr>`` of the table (what the template's row loop wrote)."""
    name, org_type, district, province, grade = (escape(getattr(e, f)) for f in _CELL_FIELDS)
    score_sort = "" if e.overall_2dp is None else f"{e.overall_2dp:.2f}"
    year = apply_digits(str(e.fiscal_year), digits)
    below = ' class="below"' if e.passed is False else ""
    link = links[bool(annex_href)].replace(_HREF, str(escape(href))).replace(
        _ANNEX_HREF, str(escape(annex_href)))
    return (
        f'<tr data-org="{escape(e.org_id)}" data-province="{province}" data-type="{org_type}" '
        f'data-year="{e.fiscal_year}" data-grade="{grade}" '
        f'data-search="{escape(e.search_text())}"{below}>\n'
        f'<td data-sort="{name}">{cells[0]}</td>\n'
        f'<td data-sort="{org_type}">{cells[1]}</td>\n'
        f'<td data-sort="{district}">{cells[2]}</td>\n'
        f'<td data-sort="{province}">{cells[3]}</td>\n'
        f'<td class="num" data-sort="{e.fiscal_year}">{_cell(year, ())}</td>\n'
        f'<td class="num" data-sort="{score_sort}">'
        f'{_cell(format_score(e.overall_2dp, digits), ())}</td>\n'
        f'<td class="grade" data-sort="{e.grade_rank:02d}">{cells[4]}</td>\n'
        f"{link}\n</tr>\n")


def render_index(entries: list[Entry], *, year: int | None = None, prefix: str = "",
                 digits: Digits = "thai", years: list[int] | None = None,
                 portfolios: list[dict[str, str]] | None = None,
                 marked: dict[tuple[int, str], list[str]] | None = None) -> str:
    """The index page: every entry (of ``year`` only, when given), links prefixed by ``prefix``
    (``"../"`` for a page one folder down). ``marked``: each entry's cells with their line
    breaks already marked (``index.json``), by (year, org_id); the others are marked here.

    The page around the table is rendered and its line breaks marked on its own; the rows,
    marked one by one (or kept from before), are joined into it: marking a whole page of
    thousands of rows, with every name of the page kept whole in every cell, grew with the
    square of the number of reports."""
    from ..present.fonts import font_face_css

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

    links = {False: _link_cell(False), True: _link_cell(True)}
    marked = marked or {}
    rows_html = "".join(
        _row(e, marked.get((e.fiscal_year, e.org_id)) or _marked_cells(e), href=local(e.href),
             annex_href=local(e.annex_href), digits=digits, links=links) for e in shown)

    def options(values: set[str]) -> list[str]:
        return sorted(v for v in values if v)

    page_prefix = "../" if year is not None else ""
    context = {
        "version": __version__,
        "digits": digits,
        "year": year,
        "year_label": d(year) if year is not None else "",
        "rows": shown,
        "rows_html": _ROWS_MARK,
        "count": d(len(shown)),
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
        "break_css": BREAK_CSS,
    }
    template = _environment().get_template(TEMPLATE.name)
    # the page's own text is ours (within the shipped font); the data's text is in the rows
    keep = tuple(sorted({part for e in shown for part in (e.district, e.province) if part}))
    data_text = "".join({part for e in shown for part in (e.name, e.org_type, e.district,
                                                            e.province, e.grade)})
    scopes = "".join(p["scope"] for p in context["portfolios"])
    context["font_css"] = font_face_css(data_text + scopes)
    page = wrap_html(template.render(**context), keep=keep)
    return page.replace(_ROWS_MARK, rows_html, 1)


def write_indexes(out_dir: str | Path, *, digits: Digits = "thai") -> list[Path]:
    """Write ``<out>/index.html`` and ``<out>/<year>/index.html`` for every year with reports
    (and ``<out>/index.json``, what the next writing reuses)."""
    out = Path(out_dir)
    rows = _cached_rows(out)
    entries = sorted((Entry(**row["entry"]) for row in rows), key=_sort_key)
    marked = {(row["entry"]["fiscal_year"], row["entry"]["org_id"]): row["cells"]
              for row in rows}
    years = sorted({e.fiscal_year for e in entries}, reverse=True)
    portfolios = _portfolios(out, years)
    written = [out / INDEX_NAME]
    atomic_write_text(written[0], render_index(entries, digits=digits, years=years,
                                               portfolios=portfolios, marked=marked))
    for year in years:
        path = out / str(year) / INDEX_NAME
        atomic_write_text(path, render_index(entries, year=year, digits=digits, years=years,
                                             portfolios=portfolios, marked=marked))
        written.append(path)
    _write_cache(out, rows)
    return written


__all__ = ["INDEX_NAME", "Entry", "collect", "render_index", "write_indexes"]
