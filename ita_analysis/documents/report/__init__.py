"""The ITA analysis document: parameters, sections, and the papermill + nbconvert run.

``render_report(org_id, fiscal_year, ...)`` makes ``report.ipynb``, ``report.html``,
``summary.json`` (and optionally ``report.pdf``) in ``<out>/<year>/<org_id>/``; the notebook
``notebooks/report.ipynb`` calls ``build_context`` and one ``sections`` function per cell.
Heavy imports (papermill, nbconvert, matplotlib) happen only when a report is made.
"""

from __future__ import annotations

from typing import Any

from ...errors import ReportError
from . import sections
from .context import ReportContext, ReportParams, build_context, check_parameters

__all__ = [
    "ReportContext",
    "ReportError",
    "ReportFiles",
    "ReportParams",
    "build_context",
    "check_parameters",
    "export_html",
    "notebook_path",
    "render_report",
    "sections",
]

_RENDER = {"ReportFiles", "notebook_path", "render_report"}


def __getattr__(name: str) -> Any:
    if name in _RENDER:
        from ...render import report as render

        return getattr(render, name)
    if name == "export_html":
        from ...render.convert import export_html

        return export_html
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
