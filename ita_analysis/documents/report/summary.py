"""What ``summary.json`` takes from a report's context, computed in the kernel that makes the
document: the notebook's last hidden cell displays ``emit(ctx)`` as one output of its own
MIME type, and the renderer reads it there and adds the run record (``render/report.py``).
One computation per document: the parent process never builds the context for a render.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ...thai import apply_digits
from ..summary import SUMMARY_MIME, emitted
from .context import ReportContext

__all__ = ["SUMMARY_MIME", "document_title", "emit", "summary_data"]


def document_title(ctx: ReportContext) -> str:
    """The document's title (the browser tab, the first heading)."""
    return apply_digits(f"การวิเคราะห์ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. "
                        f"{ctx.params.fiscal_year} — {ctx.org['name']}", ctx.params.digits)


def summary_data(ctx: ReportContext) -> dict[str, Any]:
    """The figures, findings and annex records of summary.json (JSON-ready), in its order;
    the renderer adds the schema, parameters, run time and files."""
    plan = ctx.measure_plan
    return {
        "org": ctx.org,
        "generated": {
            "package_version": ctx.version,
            "framework_file": ctx.framework_file.name,
            "framework_origin": ctx.framework_origin,
            "data_source": ctx.params.data_dir or "embedded default data",
            "data_digest": ctx.dataset.digest,
            "data_files": sorted(p.name for p in ctx.dataset.files.values()),
        },
        "document": {
            "date": ctx.document_date.isoformat() if ctx.document_date else None,
            "synthetic": ctx.synthetic,
            "sections": list(ctx.sections),
        },
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
        "framework_provenance": ctx.framework.provenance.model_dump(mode="json"),
    }


def emit(ctx: ReportContext) -> dict[str, Any]:
    """The notebook's last cell: display this (``IPython.display.display(emit(ctx),
    raw=True)``), a bundle of ``SUMMARY_MIME`` holding the title and ``summary_data``."""
    return emitted(document_title(ctx), summary_data(ctx))
