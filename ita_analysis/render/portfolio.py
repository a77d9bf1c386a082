"""Render the portfolio notebook: check, run with papermill, convert with nbconvert, write.

``render_portfolio`` checks every parameter first (no kernel starts for a wrong one), runs
``notebooks/portfolio.ipynb`` through ``render.document.render_notebook`` (the report's papermill
run, nbconvert template and all-or-nothing writes) and leaves, in ``<out>/<year>/``:

- ``portfolio-<scope>.html``: the document, self-contained (Sarabun embedded, nothing fetched);
- ``portfolio-<scope>-annex.html``: the internal annex (what made the document);
- ``portfolio-<scope>.ipynb``: the executed notebook;
- ``portfolio-<scope>.json``: what made it and every figure it shows (``Portfolio``).

``<scope>`` is ``all`` or the ASCII slug of the filters (``Scope.slug``: transliterated place
names and a hash of the exact filters, e.g. ``phanomphraiwan-nongphraiwan-ed6d23a5``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..analysis.scope import SLUG
from ..documents.portfolio.sections import DEFAULT_YEAR, PortfolioParams, check_parameters
from ..errors import ParameterError
from .convert import has_annex
from .document import packaged_notebook, render_notebook
from .execute import start_engine
from .fastimport import nbformat
from .record import run_record, run_time

__all__ = ["SUMMARY_SCHEMA", "PortfolioFiles", "notebook_path", "portfolio_stem",
           "portfolio_summary", "render_portfolio"]

SUMMARY_SCHEMA = "ita-analysis/portfolio-summary/1"


@dataclass(frozen=True)
class PortfolioFiles:
    """Where one portfolio's files were written."""

    html: Path
    notebook: Path
    summary: Path
    annex: Path
    slug: str
    # organisations of the scope left out because their own rows are invalid, with their
    # problems (also in the summary and, in words, in the document)
    left_out: tuple[dict[str, Any], ...] = ()

    def all(self) -> list[Path]:
        return [self.notebook, self.html, self.annex, self.summary]


def notebook_path() -> Path:
    """The portfolio notebook (``document.packaged_notebook``)."""
    return packaged_notebook("portfolio.ipynb")


def portfolio_stem(slug: str) -> str:
    """The file name (without extension) of a scope's portfolio."""
    if not SLUG.fullmatch(slug):
        raise ValueError(f"not a scope slug: {slug!r}")
    return f"portfolio-{slug}"


def portfolio_summary(params: PortfolioParams, files: Mapping[str, str],
                      generated_at: datetime, data: Mapping[str, Any]) -> dict[str, Any]:
    """What the portfolio's summary holds: the figures and records the notebook emitted
    (``documents.portfolio.summary``), in the order of the schema, with the run record this
    process adds: the schema, the parameters, the run time and the files."""
    return {
        "schema": SUMMARY_SCHEMA,
        "scope": data["scope"],
        **run_record(params.as_dict(), generated_at, data),
        "files": dict(files),
        **{key: data[key] for key in ("rules", "portfolio", "left_out")},
    }


def render_portfolio(
    fiscal_year: int = DEFAULT_YEAR,
    *,
    data_dir: str | Path | None = None,
    out_dir: str | Path = "outputs",
    province: str = "",
    district: str = "",
    org_type: str = "",
    digits: str = "thai",
    notebook: str | Path | None = None,
    kernel_name: str | None = None,
    timeout: int | None = 600,
    engine_name: str | None = None,
) -> PortfolioFiles:
    """Make the portfolio of a scope in one fiscal year; returns the paths written.
    ``engine_name`` is papermill's execution engine (None: its default; the command line
    runs ``ita-warm``, as for a report)."""
    params, _ = check_parameters(fiscal_year, data_dir or "", province, district, org_type,
                                 digits)
    source = Path(notebook) if notebook is not None else notebook_path()
    if not source.is_file():
        raise ParameterError(f"portfolio notebook {source} not found")
    generated_at = run_time()
    start_engine(engine_name, kernel_name, source)  # a warm kernel boots meanwhile
    nb_params = {**params.notebook_parameters(), "generated_at": generated_at.isoformat()}
    slug = params.scope.slug
    stem = portfolio_stem(slug)
    names = {"notebook": f"{stem}.ipynb", "html": f"{stem}.html",
             "annex": f"{stem}-annex.html", "summary": f"{stem}.json"}
    folder = Path(out_dir) / str(params.fiscal_year)
    recorded: dict[str, Any] = {}

    def summary(data: Mapping[str, Any]) -> dict[str, Any]:
        recorded.update(portfolio_summary(params, names, generated_at, data))
        return recorded

    if not has_annex(nbformat.read(source, as_version=4)):
        del names["annex"]
    written = render_notebook(source, folder, names, nb_params, digits=params.digits,
                              failed=f"{stem}.failed.ipynb",
                              summary=summary, what="portfolio", kernel_name=kernel_name,
                              engine_name=engine_name, timeout=timeout)
    return PortfolioFiles(html=written["html"], notebook=written["notebook"],
                          summary=written["summary"], annex=written["annex"], slug=slug,
                          left_out=tuple(recorded["left_out"]))
