"""Write notebooks/portfolio.ipynb: the parameterised portfolio notebook, stored without outputs.

The notebook is generated so that it stays clean (no outputs, no execution counts, stable cell
ids): edit this script, not the notebook, and run it again:

    python scripts/make_portfolio_notebook.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_builder import LAB_FONTS_CELL, LAB_FONTS_PARAMETER, build_notebook, write_notebook

OUT = Path(__file__).resolve().parent.parent / "notebooks" / "portfolio.ipynb"

INTRO = """\
# การวิเคราะห์ผลการประเมิน ITA ของกลุ่มหน่วยงาน (ITA portfolio)

The results of a group of organisations in one fiscal year: a province, a district, an
organisation type, any combination of them, or everyone in the data. Set the parameters in the
next cell and run all cells (JupyterLab: *Run → Run All Cells*), or run it with papermill:
`papermill notebooks/portfolio.ipynb out.ipynb -p fiscal_year 2567 -p district อำเภอ…`.
`ita-analysis portfolio --year YEAR [--province P] [--district D] [--org-type T]` runs it and
renders the finished HTML document. Every cell calls
`ita_analysis.documents.portfolio.sections`; the code is hidden in the rendered document.
Without `data_dir` the notebook reads the embedded **synthetic** demonstration province
(invented data, never real results), and says so."""

PARAMETERS = """\
# Parameters: papermill replaces these values (papermill --help-notebook lists them).
# Help comments hold no equals sign: papermill skips a line with two.
fiscal_year: int = 2567  # Buddhist Era fiscal year, e.g. 2567
data_dir: str = ""  # data folder (empty: the embedded synthetic province, invented data)
province: str = ""  # province as in organisations.csv, with or without its prefix (empty: any)
district: str = ""  # district as in organisations.csv, with or without its prefix (empty: any)
org_type: str = ""  # organisation type as in organisations.csv, e.g. เทศบาลตำบล (empty: any)
digits: str = "thai"  # "thai" or "arabic": digits of every number and year
generated_at: str = ""  # ISO time recorded as the run time in the annex (empty: now)
""" + LAB_FONTS_PARAMETER

SETUP = """\
from IPython.display import HTML, display

from ita_analysis.documents.portfolio import sections

ctx = sections.build_context(fiscal_year=fiscal_year, data_dir=data_dir, province=province,
                             district=district, org_type=org_type, digits=digits,
                             generated_at=generated_at)"""

ANALYST = """\
# For analysts, left out of the rendered document: the group's scored rows as a DataFrame
# (ctx.portfolio holds every figure of the document as typed results).
ctx.rows.sort_values("overall", ascending=False)"""

SECTIONS = ("cover", "overview", "weakest", "ranking", "heat_map", "movement", "colophon")
ANNEX = ("annex_run",)


def build() -> nbformat.NotebookNode:
    return build_notebook(INTRO, PARAMETERS, SETUP, SECTIONS,
                          analyst_cells=(("analyst-table", ANALYST),), annex_sections=ANNEX,
                          lab_cells=[LAB_FONTS_CELL],
                          summary="ita_analysis.documents.portfolio.summary")


def main() -> int:
    return write_notebook(build(), OUT)


if __name__ == "__main__":
    sys.exit(main())
