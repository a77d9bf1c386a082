"""Convert an executed notebook into a finished document: one self-contained HTML page with
our nbconvert template (no code, no prompts, our stylesheet, Sarabun embedded)."""

from __future__ import annotations

import html
import re
import threading
from functools import cache
from typing import Any

from .. import __version__
from ..documents import TEMPLATES
from ..documents.report.sections import ANNEX_TAG, SYNTHETIC_NOTE
from ..present.fonts import font_face_css
from ..present.thaibreak import CSS as BREAK_CSS
from .fastimport import nbformat  # without jsonschema's 1.2 s optional checker (see there)

TEMPLATE_DIR = TEMPLATES
TEMPLATE_NAME = "ita_report"  # nbconvert's page: TEMPLATE_DIR / TEMPLATE_NAME
ANNEX_TITLE = "ภาคผนวก (เอกสารภายใน) — {title}"

_TAG = re.compile(r"<(style|script)\b.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)


def visible_text(fragment: str) -> str:
    """The text of an HTML fragment (tags dropped, entities read): what the font must draw."""
    return html.unescape(_TAG.sub(" ", fragment))


def cell_tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _document_part(nb: nbformat.NotebookNode, annex: bool) -> nbformat.NotebookNode:
    """The cells of the public document (``annex=False``) or of the internal annex: the
    notebook computes both once, and each file shows only its own cells."""
    keep = [cell for cell in nb.cells if (ANNEX_TAG in cell_tags(cell)) == annex]
    return nbformat.from_dict({**nb, "cells": keep})


def _outputs_html(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if output.get("output_type") in ("display_data", "execute_result") \
                    and "text/html" in data:
                value = data["text/html"]
                parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


_EXPORTERS = threading.local()


def _exporter() -> Any:
    """This thread's HTML exporter for our template, made once: building one (and compiling
    its templates on first use) costs more than converting a report with it."""
    exporter = getattr(_EXPORTERS, "exporter", None)
    if exporter is None:
        exporter = _exporter_class()(template_name=TEMPLATE_NAME,
                                     extra_template_basedirs=[str(TEMPLATE_DIR)])
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        exporter.optimistic_validation = True  # once, after all preprocessors, not after each
        exporter.register_preprocessor(_tag_remover(), enabled=True)
        _EXPORTERS.exporter = exporter
    return exporter


@cache
def _exporter_class() -> type:
    """nbconvert's HTMLExporter without its BeautifulSoup pass over the finished page.

    That pass adds alt text to <img> elements without one and tabindex to JupyterLab's cell
    wrappers; our template writes neither, and re-serialising the page through html.parser
    costs ~60 ms a report and lowercases the charts' SVG attributes (viewBox -> viewbox). The
    rest is HTMLExporter.from_notebook_node as nbconvert 7 has it; should its internals move,
    the plain HTMLExporter is used.
    """
    from nbconvert.exporters.html import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    try:
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    except ImportError:  # pragma: no cover - another nbconvert
        return HTMLExporter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


def export_html(nb: nbformat.NotebookNode, *, title: str = "", digits: str | None = None,
                annex: bool = False) -> str:
    """The executed notebook as the finished document (one self-contained HTML page): the
    public document, or with ``annex`` the internal annex (the cells tagged ``annex``)."""
    exporter = _exporter()
    nb = _document_part(nb, annex)
    shown = _outputs_html(nb)
    if digits is None:  # a notebook run without us: the cover says which digits it used
        found = re.search(r'data-digits="(thai|arabic)"', shown)
        digits = found.group(1) if found else None
    synthetic = 'data-synthetic="1"' in shown
    text = visible_text(shown) + title + (SYNTHETIC_NOTE if synthetic else "")
    resources_in: dict[str, Any] = {"ita": {
        "font_css": font_face_css(text),
        "title": title or "การวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส",
        "generator": f"ita-analysis {__version__}",
        "digits": digits,
        "synthetic_note": SYNTHETIC_NOTE if synthetic else "",
        "break_css": BREAK_CSS,
    }}
    body, _ = exporter.from_notebook_node(nb, resources=resources_in)
    return body


def _tag_remover() -> Any:
    from nbconvert.preprocessors import TagRemovePreprocessor

    return TagRemovePreprocessor(remove_cell_tags={"remove_cell"},
                                 remove_input_tags={"remove_input"},
                                 remove_all_outputs_tags={"remove_output"})



def has_annex(nb: nbformat.NotebookNode) -> bool:
    """Whether the notebook has cells of an internal annex (tagged ``annex``)."""
    return any(ANNEX_TAG in cell_tags(cell) for cell in nb.cells)
