"""One organisation's report: ``render_report`` checks every parameter (no kernel starts for a
wrong one), runs ``notebooks/report.ipynb`` through the document pipeline (``document``) and
leaves ``report.ipynb``, ``report.html``, ``annex.html``, ``summary.json`` and, on request,
``report.pdf`` and ``report.docx`` (``documents.report.word``) in ``<out>/<year>/<org_id>/``: all of
them or none (``outputs.staged``); a notebook that fails is kept as ``failed.ipynb``. The
context is built in the kernel only: the title and ``summary.json`` come from what the
notebook's last cell emits (``documents.report.summary``), to which ``report_summary`` adds
the run record; only ``--docx`` builds a context here. See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..documents.report.context import (
    DEFAULT_ORG,
    DEFAULT_YEAR,
    ReportParams,
    build_context,
    check_parameters,
)
from ..errors import ParameterError
from .browser import CHROMIUM
from .document import packaged_notebook, render_notebook
from .execute import start_engine
from .outputs import FAILED_NOTEBOOK, report_folder
from .pdf import check_pdf_tools
from .record import run_record, run_time

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
    docx: Path | None = None

    def all(self) -> list[Path]:
        return [p for p in (self.notebook, self.html, self.annex, self.summary, self.pdf,
                            self.docx) if p is not None]


def notebook_path() -> Path:
    """The report notebook (``document.packaged_notebook``)."""
    return packaged_notebook("report.ipynb")


def report_summary(params: ReportParams, files: Mapping[str, str], generated_at: datetime,
                   data: Mapping[str, Any]) -> dict[str, Any]:
    """What summary.json holds: the figures, findings and annex records the notebook emitted
    (``documents.report.summary``), in the order of the schema, with the run record this
    process adds: the schema, the parameters, the run time and the files."""
    return {
        "schema": SUMMARY_SCHEMA,
        "org": data["org"],
        **run_record(params.as_dict(), generated_at, data),
        "document": data["document"],
        "files": dict(files),
        **{key: data[key] for key in ("rules", "findings", "recommendations", "measures",
                                      "framework_provenance")},
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
    docx: bool = False,
    notebook: str | Path | None = None,
    chromium: str = CHROMIUM,
    kernel_name: str | None = None,
    timeout: int | None = 600,
    engine_name: str | None = None,
    extra_summary: Mapping[str, Any] | None = None,
    checked: ReportParams | None = None,
) -> ReportFiles:
    """Make one organisation's report for one fiscal year; returns the paths written.

    ``engine_name`` is papermill's execution engine (None: its default); ``extra_summary``
    adds keys to ``summary.json`` (the input fingerprint of ``render.fingerprint``).
    ``checked`` is what ``check_parameters`` returned to a caller that checked the
    parameters itself (the command line), so that they are checked once; the organisation,
    year, data folder, digits and date arguments are then not read.
    """
    params = checked or check_parameters(org_id, fiscal_year, data_dir or "", digits,
                                         report_date or "")[0]
    if pdf:
        check_pdf_tools(chromium)
    source = Path(notebook) if notebook is not None else notebook_path()
    if not source.is_file():
        raise ParameterError(f"report notebook {source} not found")
    generated_at = run_time()  # a wrong SOURCE_DATE_EPOCH is refused before a kernel starts
    start_engine(engine_name, kernel_name, source)  # a warm kernel boots meanwhile
    nb_params = {**params.notebook_parameters(), "generated_at": generated_at.isoformat()}
    folder = report_folder(out_dir, params.fiscal_year, params.org_id)
    names = {"notebook": "report.ipynb", "html": "report.html", "annex": "annex.html",
             "summary": "summary.json"}
    if pdf:
        names["pdf"] = "report.pdf"
    built = {}
    if docx:  # the Word document: python-docx, not the kernel, so this process builds the
        # context for it (only when it is asked for)
        from ..documents.report.word import docx_bytes

        names["docx"] = "report.docx"
        built["docx"] = lambda: docx_bytes(build_context(**nb_params))

    def summary(data: Mapping[str, Any]) -> dict[str, Any]:
        return {**report_summary(params, names, generated_at, data), **(extra_summary or {})}

    written = render_notebook(source, folder, names, nb_params,
                              digits=params.digits, failed=FAILED_NOTEBOOK, summary=summary,
                              what="report", kernel_name=kernel_name, engine_name=engine_name,
                              timeout=timeout, chromium=chromium, built=built)
    return ReportFiles(folder=folder, notebook=written["notebook"], html=written["html"],
                       summary=written["summary"], annex=written["annex"],
                       pdf=written.get("pdf"), docx=written.get("docx"))
