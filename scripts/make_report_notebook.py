"""Write notebooks/report.ipynb: the parameterised ITA analysis report, stored without outputs.

The notebook is generated so that it stays clean (no outputs, no execution counts, stable cell
ids): edit this script, not the notebook, and run it again:

    python scripts/make_report_notebook.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_builder import LAB_FONTS_CELL, LAB_FONTS_PARAMETER, build_notebook, write_notebook

OUT = Path(__file__).resolve().parent.parent / "notebooks" / "report.ipynb"

INTRO = """\
# การวิเคราะห์ผลการประเมิน ITA (ITA analysis report)

Set the parameters in the next cell and run all cells (JupyterLab: *Run → Run All Cells*),
or run it with papermill:
`papermill notebooks/report.ipynb out.ipynb -p org_id ID -p fiscal_year 2565`.
`ita-analysis report --org ID --year YEAR` runs it and renders the finished HTML document.
Every cell calls `ita_analysis.documents.report`; the code is hidden in the rendered document."""

PARAMETERS = """\
# Parameters: papermill replaces these values (papermill --help-notebook lists them).
# Help comments hold no equals sign: papermill skips a line with two.
org_id: str = "nongsaeng-prachinburi"  # organisation (org_id in organisations.csv)
fiscal_year: int = 2565  # Buddhist Era fiscal year, e.g. 2565
data_dir: str = ""  # data folder (empty: the embedded default data)
digits: str = "thai"  # "thai" or "arabic": digits of every number, year and page number
report_date: str = ""  # date under the preface, e.g. 2022-12-15 (empty: the data's, else blank)
generated_at: str = ""  # ISO time recorded as the run time in the annex (empty: now)
""" + LAB_FONTS_PARAMETER

SETUP = """\
from IPython.display import HTML, display

from ita_analysis.documents.report import build_context, sections

ctx = build_context(org_id=org_id, fiscal_year=fiscal_year, data_dir=data_dir, digits=digits,
                    report_date=report_date, generated_at=generated_at)"""

SECTIONS = ("cover", "preface", "contents", "framework", "results", "analysis",
            "recommendations", "weakest", "measures", "charts", "history", "peers",
            "colophon")
ANNEX = ("annex_cover", "annex_quality", "annex_framework", "annex_run")


def build() -> nbformat.NotebookNode:
    return build_notebook(INTRO, PARAMETERS, SETUP, SECTIONS, annex_sections=ANNEX,
                          lab_cells=[LAB_FONTS_CELL],
                          summary="ita_analysis.documents.report.summary")


def main() -> int:
    return write_notebook(build(), OUT)


if __name__ == "__main__":
    sys.exit(main())
