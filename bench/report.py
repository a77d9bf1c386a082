"""How long one report takes, against the floor of papermill + nbconvert on a trivial notebook.

    python bench/report.py [--repeat N]

Both are measured in this one process, alternately, N times each (median kept): the floor is
a one-cell notebook (``1+1``) executed by papermill and converted by nbconvert's default
HTMLExporter; the report is ``render_report`` for the seed organisation end to end (parameter
checks, papermill, nbconvert with our template and the embedded font subset, atomic writes).
The last line is machine-readable:

    floor_s=<s> report_s=<s> ratio=<x> html_kib=<k>
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill
from nbconvert import HTMLExporter

from ita_analysis.report import render_report


def trivial_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1+1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = folder / "trivial.ipynb"
    nbformat.write(nb, path)
    return path


def floor_once(folder: Path, source: Path) -> float:
    start = time.perf_counter()
    out = folder / "trivial-out.ipynb"
    papermill.execute_notebook(str(source), str(out), progress_bar=False)
    body, _ = HTMLExporter().from_notebook_node(nbformat.read(out, as_version=4))
    (folder / "trivial.html").write_text(body, encoding="utf-8")
    return time.perf_counter() - start


def report_once(folder: Path) -> tuple[float, int]:
    start = time.perf_counter()
    files = render_report(out_dir=folder / "outputs", report_date="2022-12-15")
    elapsed = time.perf_counter() - start
    return elapsed, files.html.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median kept)")
    args = parser.parse_args(argv)
    floors, reports, size = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = trivial_notebook(folder)
        for i in range(args.repeat):
            floors.append(floor_once(folder, source))
            seconds, size = report_once(folder)
            reports.append(seconds)
            print(f"run {i + 1}: floor {floors[-1]:.2f} s, report {reports[-1]:.2f} s",
                  file=sys.stderr)
    floor_s, report_s = statistics.median(floors), statistics.median(reports)
    print(f"trivial notebook (papermill + nbconvert): {floor_s:.2f} s")
    print(f"seed report end to end:                  {report_s:.2f} s "
          f"({report_s / floor_s:.2f}x the floor)")
    print(f"seed report.html:                        {size / 1024:.1f} KiB")
    print(f"floor_s={floor_s:.2f} report_s={report_s:.2f} ratio={report_s / floor_s:.2f} "
          f"html_kib={size / 1024:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
