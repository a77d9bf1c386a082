"""What the portfolio's summary (``portfolio-<scope>.json``) takes from its context, computed
in the kernel that makes the document and emitted by the notebook's last hidden cell
(``documents/summary.py``); the renderer adds the run record (``render/portfolio.py``).
"""

from __future__ import annotations

from typing import Any

from ...rules.check import record, resolve
from ..summary import SUMMARY_MIME, emitted
from .sections import PortfolioContext, title

__all__ = ["SUMMARY_MIME", "document_title", "emit", "left_out", "summary_data"]

document_title = title


def left_out(ctx: PortfolioContext) -> list[dict[str, Any]]:
    """Organisations of the scope left out (their own rows are invalid), with their problems."""
    return [{"org_id": org.org_id, "name": org.name,
             "problems": [p.as_dict() for p in org.problems]} for org in ctx.left_out]


def summary_data(ctx: PortfolioContext) -> dict[str, Any]:
    """The figures and records of the summary (JSON-ready), in its order; the renderer adds
    the schema, parameters, run time and files."""
    return {
        "scope": {**ctx.scope.as_dict(), "slug": ctx.scope.slug,
                  "label": ctx.portfolio.scope_label},
        "generated": {
            "package_version": ctx.version,
            "framework_file": ctx.framework_file.name,
            "framework_origin": ctx.framework_origin,
            "data_source": ctx.params.data_dir or "embedded synthetic data",
            "data_digest": ctx.dataset.digest,
            "synthetic": ctx.synthetic,
        },
        "rules": record(resolve(ctx.params.fiscal_year, ctx.dataset.rules_dir)),
        "portfolio": ctx.portfolio.model_dump(mode="json"),
        "left_out": left_out(ctx),
    }


def emit(ctx: PortfolioContext) -> dict[str, Any]:
    """The notebook's last cell: display this raw (a bundle of ``SUMMARY_MIME``)."""
    return emitted(document_title(ctx), summary_data(ctx))
