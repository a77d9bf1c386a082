"""How long one report takes, against the floor of papermill + nbconvert on a trivial notebook.

    python bench/report.py [--repeat N]

Both are measured in this one process, alternately, N times each (median kept): the floor is
a one-cell notebook (``1+1``) executed by papermill and converted by nbconvert's default
HTMLExporter; the report is what ``ita-analysis report`` does for the seed organisation end
to end (parameter checks, the default ``ita-warm`` engine starting a kernel and shutting it
down, nbconvert with our template and the embedded font subset, atomic writes).
``bench/render.py`` has the heavier floor (pandas + matplotlib) and the batch figures.
The last line is machine-readable:

    floor_s=<s> report_s=<s> ratio=<x> html_kib=<k>
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from render import REPORT_DATE, floor_notebook, floor_once, report_once

from ita_analysis.documents.report.context import DEFAULT_ORG, DEFAULT_YEAR
from ita_analysis.engine.warm import ENGINE_NAME
from ita_analysis.render.report import report_folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median kept)")
    args = parser.parse_args(argv)
    floors, reports = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = floor_notebook(folder, cells=("1+1",), name="trivial")
        for i in range(args.repeat):
            floors.append(floor_once(folder, source))
            reports.append(report_once(folder, ENGINE_NAME, cold=True))
            print(f"run {i + 1}: floor {floors[-1]:.2f} s, report {reports[-1]:.2f} s",
                  file=sys.stderr)
        html = report_folder(folder / "outputs", DEFAULT_YEAR, DEFAULT_ORG) / "report.html"
        size = html.stat().st_size
    floor_s, report_s = statistics.median(floors), statistics.median(reports)
    print(f"trivial notebook (papermill + nbconvert): {floor_s:.2f} s")
    print(f"seed report end to end ({ENGINE_NAME}):       {report_s:.2f} s "
          f"({report_s / floor_s:.2f}x the floor)")
    print(f"seed report.html ({REPORT_DATE}):       {size / 1024:.1f} KiB")
    print(f"floor_s={floor_s:.2f} report_s={report_s:.2f} ratio={report_s / floor_s:.2f} "
          f"html_kib={size / 1024:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
