"""Write notebooks/explore.ipynb: the analyst's worked example, stored without outputs.

Generated so that it stays clean (no outputs, no execution counts, stable cell ids): edit this
script, not the notebook, and run it again:

    python scripts/make_explore_notebook.py

Every figure the notebook shows comes from ``ita_analysis.documents.explore``; the cells
only call it.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_builder import write_notebook

OUT = Path(__file__).resolve().parent.parent / "notebooks" / "explore.ipynb"


def build() -> nbformat.NotebookNode:
    cells: list[nbformat.NotebookNode] = []

    def md(cell_id: str, text: str) -> None:
        cells.append(new_markdown_cell(textwrap.dedent(text).strip(), id=cell_id))

    def code(cell_id: str, source: str, tags: tuple[str, ...] = ()) -> None:
        cell = new_code_cell(textwrap.dedent(source).strip(), id=cell_id)
        if tags:
            cell.metadata["tags"] = list(tags)
        cells.append(cell)

    md("about", """
    # สำรวจผลการประเมิน ITA (Exploring ITA results)

    สมุดงานสำหรับนักวิเคราะห์: โหลดข้อมูล คิดคะแนน แล้วดูผลของกลุ่มหน่วยงานในปีงบประมาณหนึ่ง
    ทั้งตารางคะแนน การกระจาย คะแนนรายตัวชี้วัด ตัวชี้วัดที่อ่อน การเปลี่ยนแปลงจากปีก่อน
    และประวัติของหน่วยงานหนึ่ง ตัวเลขทุกตัวมาจาก `ita_analysis` (ตัวเดียวกับที่รายงานพิมพ์)

    An analyst's worked example. Set the parameters in the next cell and run all cells
    (*Run → Run All Cells*), or run it with papermill:
    `papermill notebooks/explore.ipynb out.ipynb -p district อำเภอ… -p fiscal_year 2567`.
    Without `data_dir` it reads the embedded **synthetic** province (invented data, never real
    results). Every view is a method of the `Exploration` that `explore()` returns
    (`ita_analysis/documents/explore.py`): a DataFrame with Thai headers, or the same as a
    styled table.
    """)
    code("parameters", '''
    # Parameters: papermill replaces these values (papermill --help-notebook lists them).
    # Help comments hold no equals sign: papermill skips a line with two.
    data_dir: str = ""  # data folder (empty: the embedded synthetic province, invented data)
    fiscal_year: int = 0  # Buddhist Era fiscal year, e.g. 2567 (0: the latest in the data)
    province: str = ""  # province as in organisations.csv, with or without its prefix (empty: any)
    district: str = ""  # district as in organisations.csv, with or without its prefix (empty: any)
    org_type: str = ""  # organisation type as in organisations.csv (empty: any)
    org_id: str = ""  # the organisation whose history is shown (empty: the group's lowest-ranked)
    digits: str = "thai"  # "thai" or "arabic": digits of the tables and charts
    render: bool = False  # True: also render org_id's report (the last cell)
    out_dir: str = "../outputs"  # where the last cell writes (JupyterLab runs it in notebooks/)
    ''', tags=("parameters",))
    code("load", '''
    from IPython.display import display

    from ita_analysis.documents.explore import explore
    from ita_analysis.present.lab import lab_style

    display(lab_style())  # Sarabun for this notebook's Thai text: no Thai system font is needed
    x = explore(data_dir, fiscal_year, province, district, org_type, org_id, digits)
    x.styled_overview()
    ''')
    md("scores-about", """
    ## ๑. ตารางคะแนน (the scored table)

    หนึ่งแถวต่อหน่วยงาน เรียงตามอันดับคะแนนรวม คะแนนที่ต่ำกว่าค่าเป้าหมายเป็นสีแดงเหมือนในรายงาน
    `x.scores()` is the same table as a plain DataFrame (index: `org_id`), to sort, filter
    or export.
    """)
    code("scores", "x.styled_scores()")
    md("filters-about", """
    ## ๒. กรองตามจังหวัด อำเภอ และประเภท (filters)

    ค่าที่ใช้กรองได้ และจำนวนหน่วยงานที่มีคะแนนในปีนี้ `x.narrow(...)` คืนมุมมองใหม่จากข้อมูลชุดเดิม
    (`province`, `district`, `org_type`; `""` clears a filter). Here: the first district listed.
    """)
    code("filters", '''
    choices = x.choices()
    display(choices)
    x.narrow(district=choices["อำเภอ"].iloc[0]).styled_scores()
    ''')
    md("distribution-about", """
    ## ๓. การกระจายของคะแนน (distribution)

    จำนวนหน่วยงานในแต่ละช่วงคะแนนห้าคะแนน และตามผลการประเมิน
    แผนภูมิทุกรูปวาดด้วย matplotlib ในแบบอักษร Sarabun ชุดเดียวกับรายงาน
    """)
    code("distribution", '''
    display(x.distribution(), x.grades())
    display(x.chart("histogram"), x.chart("grades"))
    ''')
    md("heat-map-about", """
    ## ๔. คะแนนรายตัวชี้วัดของแต่ละหน่วยงาน (indicator by organisation)

    แถวละหนึ่งหน่วยงานตามอันดับ สีจากแดง (ต่ำ) ถึงเขียว (๑๐๐)
    """)
    code("heat-map", '''
    display(x.styled_heat_map())
    x.chart("heat_map")
    ''')
    md("weakest-about", """
    ## ๕. ตัวชี้วัดที่ควรพัฒนา (the weakest indicators)

    ค่าเฉลี่ยของกลุ่มต่ำที่สุดก่อน พร้อมจำนวนหน่วยงานที่ต่ำกว่าค่าเป้าหมาย (`x.weakest()`: every indicator)
    """)
    code("weakest", "x.styled_weakest(top=5)")
    md("movement-about", """
    ## ๖. การเปลี่ยนแปลงจากปีก่อน (movement on the previous year)

    หน่วยงานที่มีคะแนนทั้งสองปี เพิ่มขึ้นมากที่สุดก่อน
    """)
    code("movement", '''
    display(x.styled_movement())
    x.chart("movement")
    ''')
    md("history-about", """
    ## ๗. ประวัติของหน่วยงานหนึ่ง (one organisation's history)

    ทุกปีที่มีคะแนนของ `org_id` (ว่าง: หน่วยงานอันดับท้ายของกลุ่ม); `x.history("another-id")` for any other
    """)
    code("history", '''
    display(x.styled_history())
    x.history_chart()
    ''')
    md("render-about", """
    ## ๘. ทำรายงานของหน่วยงาน (render any organisation's report)

    `render_report` makes the same document as `ita-analysis report`: `report.html`, the internal
    annex and `summary.json` in `<out_dir>/<year>/<org_id>/`. Set `render = True` in the parameters,
    or call it for any organisation of the data, e.g. `render_report("syn-sao-001", x.fiscal_year,
    data_dir=x.data_folder, out_dir=out_dir)`.
    """)
    code("render", '''
    from ita_analysis.render.report import render_report

    if render:
        files = render_report(x.org_id, x.fiscal_year, data_dir=x.data_folder, out_dir=out_dir,
                              digits=digits)
        print(files.html)
    ''')


    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main() -> int:
    return write_notebook(build(), OUT)


if __name__ == "__main__":
    sys.exit(main())
