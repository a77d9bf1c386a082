"""Sarabun in a notebook's page: what a notebook displays once so that its Thai reads as the
documents do.

JupyterLab draws a notebook's text in the reader's system fonts, and many machines (servers,
this project's CI) have no Thai font at all: Thai headers, report sections and markdown then
show as empty boxes or in a face that is not the documents'. ``lab_style()`` is an object that,
displayed by a cell, puts Sarabun (regular and bold, subset to the Thai block and Basic Latin,
as data URLs: nothing is fetched) into the page with:

- the report's sections (``section[id^="sec-"]``), its synthetic-data banner and the
  package's tables (``table.ita``, see ``explore``) set wholly in Sarabun, as in the document;
- in the JupyterLab notebook that shows the style, Sarabun as the face for Thai characters in
  rendered markdown, HTML and text outputs and in the code editor (Latin keeps JupyterLab's
  faces: Sarabun comes last in each list, so it only draws what the faces before it lack).

The rules are scoped to the notebook that displays the style (``:has()``), so other notebooks
open in the same JupyterLab are untouched. Documents never need this: they embed their own
subset of Sarabun (``report.fonts``), and ``render_report`` turns the report notebook's style
cell off (``lab_fonts=False``), so a batch never pays for it.
"""

from __future__ import annotations

from functools import cache

from .fonts import FAMILY, font_face_css

MARKER = "ita-lab"  # the class of the (hidden) element that marks a notebook showing the style

# Set wholly in Sarabun wherever the style is shown (report sections, the package's tables).
DOCUMENT_SELECTORS = ('section[id^="sec-"]', ".synthetic-banner", "table.ita")


@cache
def lab_css() -> str:
    """The style sheet (``@font-face`` rules first); built once per process."""
    whole = ", ".join(DOCUMENT_SELECTORS)
    scope = f".jp-Notebook:has(.{MARKER})"
    return "\n".join([
        font_face_css(),
        f"{whole} {{ font-family: '{FAMILY}', sans-serif; }}",
        'section[id^="sec-"] { line-height: 1.65; }',
        f"{scope} :is(.jp-RenderedMarkdown, .jp-RenderedHTMLCommon) "
        f"{{ font-family: var(--jp-content-font-family), '{FAMILY}'; }}",
        f"{scope} :is(.jp-RenderedText, .cm-content) "
        f"{{ font-family: var(--jp-code-font-family), '{FAMILY}'; }}",
    ])


class LabStyle:
    """Displayed by a cell (``display(lab_style())``), loads Sarabun into the page."""

    def _repr_html_(self) -> str:
        return f'<style>\n{lab_css()}\n</style>\n<div class="{MARKER}" hidden></div>'

    def __repr__(self) -> str:  # the plain-text form, where HTML is not shown
        return f"<{FAMILY} for this notebook's Thai text>"


def lab_style() -> LabStyle:
    """The object a notebook displays once, near its top, to draw its Thai in Sarabun."""
    return LabStyle()
