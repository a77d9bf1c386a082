"""Shared by the scripts that write our notebooks, so every notebook is laid out alike.

A notebook is: an introduction for JupyterLab readers (left out of documents), one
``parameters`` cell, a hidden set-up cell, one hidden cell per document section, and
optional cells for analysts (left out of documents). Stored without outputs, with stable
cell ids, so regenerating it changes nothing unless the script changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

# JupyterLab only (left out of documents, and off when a document is rendered): the sections
# in Sarabun, as the documents print them, also on a machine without a Thai font.
LAB_FONTS_PARAMETER = (
    "lab_fonts: bool = True  # JupyterLab: Sarabun for the sections (rendering turns it off)")
LAB_FONTS_CELL = ("lab-fonts", """\
if lab_fonts:
    from IPython.display import display

    from ita_analysis.present.lab import lab_style

    display(lab_style())""")


def _hidden(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cell.metadata["tags"] = ["remove_input"]
    cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


def build_notebook(intro: str, parameters: str, setup: str, sections: Sequence[str],
                   analyst_cells: Sequence[tuple[str, str]] = (),
                   annex_sections: Sequence[str] = (),
                   lab_cells: Sequence[tuple[str, str]] = (),
                   summary: str = "") -> nbformat.NotebookNode:
    """The notebook; each section cell displays ``sections.<name>(ctx)`` as HTML. Cells of
    ``annex_sections`` are tagged ``annex``: they make the internal annex, not the document.
    ``lab_cells`` (id, source) follow the parameters, left out of documents: what JupyterLab
    needs before the sections (e.g. their typeface). ``summary`` (a module with ``emit``)
    makes the last cell: it displays the data summary.json needs for the renderer
    (``ita_analysis.documents.summary``), tagged ``remove_cell``: in no document."""
    about = new_markdown_cell(intro, id="about")
    about.metadata["tags"] = ["remove_cell"]
    params = new_code_cell(parameters, id="parameters")
    params.metadata["tags"] = ["parameters", "remove_input"]
    cells = [about, params]
    for cell_id, source in lab_cells:
        cell = new_code_cell(source, id=cell_id)
        cell.metadata["tags"] = ["remove_cell"]
        cells.append(cell)
    cells.append(_hidden(new_code_cell(setup, id="setup")))
    for name in sections:
        cells.append(_hidden(new_code_cell(f"display(HTML(sections.{name}(ctx)))",
                                           id=name.replace("_", "-"))))
    for name in annex_sections:
        cell = _hidden(new_code_cell(f"display(HTML(sections.{name}(ctx)))",
                                     id=name.replace("_", "-")))
        cell.metadata["tags"].append("annex")
        cells.append(cell)
    for cell_id, source in analyst_cells:
        cell = new_code_cell(source, id=cell_id)
        cell.metadata["tags"] = ["remove_cell"]
        cells.append(cell)
    if summary:
        cell = new_code_cell(f"from {summary} import emit\n\ndisplay(emit(ctx), raw=True)",
                             id="summary")
        cell.metadata["tags"] = ["remove_cell"]
        cell.metadata["jupyter"] = {"source_hidden": True}
        cells.append(cell)
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write_notebook(nb: nbformat.NotebookNode, out: Path) -> int:
    """Validate and write ``nb`` to ``out`` unless it is already up to date."""
    nbformat.validate(nb)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nb) + "\n"
    if out.exists() and out.read_text(encoding="utf-8") == text:
        print(f"{out} is up to date")
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0
