"""One organisation's report: ``render_report`` checks every parameter (no kernel starts for a
wrong one), runs ``notebooks/report.ipynb`` through the document pipeline (``document``) and
leaves ``report.ipynb``, ``report.html``, ``annex.html``, ``summary.json`` and, on request,
``report.pdf`` in ``<out>/<year>/<org_id>/``: all of them or none (``outputs.staged``); a
notebook that fails is kept as ``failed.ipynb``. See docs/architecture.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..documents.report.context import (
    DEFAULT_ORG,
    DEFAULT_YEAR,
    ReportParams,
    build_context,
    check_parameters,
)
from ..errors import ParameterError
from ..thai import apply_digits
from .browser import CHROMIUM
from .document import packaged_notebook, render_notebook
from .execute import start_engine
from .outputs import FAILED_NOTEBOOK, report_folder
from .pdf import check_pdf_tools
from .record import run_time

SUMMARY_SCHEMA = "ita-analysis/report-summary/1"


@dataclass(frozen=True)
class ReportFiles:
    """Where one report's files were written."""

    folder: Path
    notebook: Path
    html: Path
    summary: Path
    annex: Path
    pdf: Path | None = None

    def all(self) -> list[Path]:
        return [p for p in (self.notebook, self.html, self.annex, self.summary, self.pdf)
                if p is not None]


def notebook_path() -> Path:
    """The report notebook (``document.packaged_notebook``)."""
    return packaged_notebook("report.ipynb")


def _summary(params: ReportParams, files: dict[str, str], generated_at: datetime,
             ctx: Any) -> dict[str, Any]:
    """What summary.json holds: the figures and findings, and all the annex records (data
    quality, the framework's provenance, the run), for machines and for audit."""
    fw = ctx.framework
    plan = ctx.measure_plan
    return {
        "schema": SUMMARY_SCHEMA,
        "org": ctx.org,
        "parameters": params.as_dict(),
        "generated": {
            "package_version": __version__,
            "framework_file": ctx.framework_file.name,
            "framework_origin": ctx.framework_origin,
            "data_source": params.data_dir or "embedded default data",
            "data_digest": ctx.dataset.digest,
            "data_files": sorted(p.name for p in ctx.dataset.files.values()),
            "run_time": generated_at.isoformat(timespec="seconds"),
        },
        "document": {
            "date": ctx.document_date.isoformat() if ctx.document_date else None,
            "synthetic": ctx.synthetic,
            "sections": list(ctx.sections),
        },
        "files": files,
        "rules": ctx.rules_summary(),
        "findings": ctx.findings.model_dump(mode="json"),
        "recommendations": [r.model_dump(mode="json") for r in ctx.recommendations],
        "measures": {
            "year": plan.year,
            "ahead": [dataclasses.asdict(m) for m in plan.ahead],
            "done": [dataclasses.asdict(m) for m in plan.done],
            "weak_points": [dataclasses.asdict(w) for w in plan.weak_points],
            "stated": plan.stated,
        },
        "framework_provenance": fw.provenance.model_dump(mode="json"),
    }


def render_report(
    org_id: str = DEFAULT_ORG,
    fiscal_year: int = DEFAULT_YEAR,
    *,
    data_dir: str | Path | None = None,
    out_dir: str | Path = "outputs",
    digits: str = "thai",
    report_date: str | date | None = None,
    pdf: bool = False,
    notebook: str | Path | None = None,
    chromium: str = CHROMIUM,
    kernel_name: str | None = None,
    timeout: int | None = 600,
    engine_name: str | None = None,
    extra_summary: Mapping[str, Any] | None = None,
) -> ReportFiles:
    """Make one organisation's report for one fiscal year; returns the paths written.

    ``engine_name`` is papermill's execution engine (None: its default); ``extra_summary``
    adds keys to ``summary.json`` (the input fingerprint of ``render.fingerprint``).
    """
    params, _ = check_parameters(org_id, fiscal_year, data_dir or "", digits, report_date or "")
    if pdf:
        check_pdf_tools(chromium)
    source = Path(notebook) if notebook is not None else notebook_path()
    if not source.is_file():
        raise ParameterError(f"report notebook {source} not found")
    generated_at = run_time()  # a wrong SOURCE_DATE_EPOCH is refused before a kernel starts
    start_engine(engine_name, kernel_name, source)  # a warm kernel boots meanwhile
    nb_params = {**params.notebook_parameters(), "generated_at": generated_at.isoformat()}
    ctx = build_context(**nb_params)
    folder = report_folder(out_dir, params.fiscal_year, params.org_id)
    names = {"notebook": "report.ipynb", "html": "report.html", "annex": "annex.html",
             "summary": "summary.json"}
    if pdf:
        names["pdf"] = "report.pdf"
    title = apply_digits(f"การวิเคราะห์ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. "
                         f"{params.fiscal_year} — {ctx.org['name']}", params.digits)
    summary = {**_summary(params, names, generated_at, ctx), **(extra_summary or {})}
    written = render_notebook(source, folder, names, nb_params, title=title,
                              digits=params.digits, failed=FAILED_NOTEBOOK, summary=summary,
                              what="report", kernel_name=kernel_name, engine_name=engine_name,
                              timeout=timeout, chromium=chromium)
    return ReportFiles(folder=folder, notebook=written["notebook"], html=written["html"],
                       summary=written["summary"], annex=written["annex"],
                       pdf=written.get("pdf"))
