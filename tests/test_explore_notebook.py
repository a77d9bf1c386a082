"""notebooks/explore.ipynb under plain papermill: on the embedded default data (one
organisation, one year: nothing to compare) and on a synthetic folder of two years, where its
last cell also renders an organisation's report. And the notebook as stored: clean, generated
by its script, its parameters documented.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat

from ita_analysis.data.dataset import default_data_dir
from ita_analysis.data.synthetic import make_province

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "explore.ipynb"


def _papermill(tmp_path: Path, *params: str) -> nbformat.NotebookNode:
    out = tmp_path / "explored.ipynb"
    args = [a for pair in zip(["-p"] * (len(params) // 2), params[::2], params[1::2],
                              strict=True) for a in pair]
    run = subprocess.run([sys.executable, "-m", "papermill", str(NOTEBOOK), str(out),
                          "--no-progress-bar", "--cwd", str(NOTEBOOK.parent), *args],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"]
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")
    return nb


def _html(nb: nbformat.NotebookNode) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for c in nb.cells
                   for o in c.get("outputs", []))


def test_explore_runs_on_the_default_data(tmp_path: Path) -> None:
    nb = _papermill(tmp_path, "data_dir", str(default_data_dir()))
    html = _html(nb)
    assert "องค์การบริหารส่วนตำบลหนองแสง" in html and "๙๘.๔๗" in html  # the seed's overall
    assert "ไม่มีแผนภูมินี้สำหรับข้อมูลชุดนี้" in html  # no previous year to draw
    assert 'class="ita-lab" hidden' in html and 'class="ita"' in html


def test_explore_runs_on_a_synthetic_folder_and_renders_a_report(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    province = make_province(n_orgs=12, years=[2566, 2567], seed=14)
    for name in ("organisations", "scores", "items", "published", "measures"):
        getattr(province, name).to_csv(data / f"{name}.csv", index=False)
    out = tmp_path / "out"
    org = str(province.organisations["org_id"].iloc[3])
    nb = _papermill(tmp_path, "data_dir", str(data), "fiscal_year", "2567", "org_id", org,
                    "digits", "arabic", "render", "True", "out_dir", str(out))
    html = _html(nb)
    assert html.count("<svg") >= 5  # histogram, grades, heat map, movement, history
    assert "การเปลี่ยนแปลงจากปีงบประมาณ พ.ศ. 2566" in html
    report = out / "2567" / org / "report.html"
    summary = json.loads((out / "2567" / org / "summary.json").read_text(encoding="utf-8"))
    assert report.is_file() and summary["parameters"]["org_id"] == org
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert printed.strip() == str(report)


def test_explore_is_stored_clean_and_documents_its_parameters() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert [c for c in code if "parameters" in c.metadata.get("tags", [])] == [code[0]]
    assert nb.metadata.kernelspec.name == "python3"
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import make_explore_notebook
    finally:
        sys.path.pop(0)
    assert NOTEBOOK.read_text(encoding="utf-8") == \
        nbformat.writes(make_explore_notebook.build()) + "\n"
    run = subprocess.run([sys.executable, "-m", "papermill", "--help-notebook", str(NOTEBOOK)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    for name, kind in (("data_dir", "str"), ("fiscal_year", "int"), ("province", "str"),
                       ("district", "str"), ("org_type", "str"), ("org_id", "str"),
                       ("digits", "str"), ("render", "bool"), ("out_dir", "str")):
        assert any(ln.strip().startswith(f"{name}: {kind}") for ln in run.stdout.splitlines())
