"""Benchmark: rendering against the floor, and batches with fresh and with warm kernels.

    .venv/bin/python bench/render.py [--reports N] [--repeat R] [--fresh-reports M]
                                     [--executor process|dask]

Measured in one run, on this machine:

* **floor**: a trivial notebook (import pandas and matplotlib, draw one chart with pyplot)
  executed by papermill (a fresh kernel, its default engine) and converted by nbconvert's
  default HTMLExporter: what any papermill + nbconvert report pays before doing any work.
* **one report end to end**: ``render_report`` for the seed organisation with no kernel
  running before it, as the floor: parameter checks, a new ``ita-warm`` kernel (started while
  the parameters are checked), papermill, nbconvert with our template and the embedded font
  subset, summary, atomic writes, and the kernel's shutdown. Floor and report run in this one
  process, alternately, ``R`` times each, after one unmeasured run of each; medians are kept.
  Also shown: the same report with papermill's own engine (a new kernel, shut down before
  ``execute_notebook`` returns) and on an already warm kernel.
* **batches** of ``N`` reports of the synthetic province (``data/synthetic``; every
  organisation of the latest years first), wall time per report, with fresh kernels
  (papermill's ``nbclient`` engine) and with warm kernels (``ita-warm``, what
  ``ita-analysis batch`` uses by default), with 1 and 2 workers. The batch runs through
  ``ita_analysis.batch``'s executor seam, as ``ita-analysis batch`` does: ``run_one`` for each
  report on the executor named by ``--executor`` (``process``, the default: worker processes;
  ``dask``: a local Dask cluster, started for each batch and timed with it).
  ``--fresh-reports M`` runs the fresh-kernel batches on the first ``M`` reports only (they
  are slow); by default they run all ``N``.

The last line is machine-readable (batch figures with 2 jobs):

    floor_s=<s> report_s=<s> report_ratio=<x> fresh_per_report_s=<s> warm_per_report_s=<s>
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat
import papermill
from nbconvert import HTMLExporter

from ita_analysis.batch.executors import EXECUTORS
from ita_analysis.batch.jobs import Job, run_one
from ita_analysis.data.dataset import load_dataset, synthetic_data_dir
from ita_analysis.documents.report import render_report
from ita_analysis.engine.warm import ENGINE_NAME, shutdown_kernels

REPORT_DATE = "2022-12-15"
FRESH_ENGINE = "nbclient"  # papermill's own engine, named: a new kernel for every notebook

FLOOR_CELLS = (
    "import pandas as pd\nimport matplotlib.pyplot as plt",
    "df = pd.DataFrame({'x': range(10), 'y': [v * v for v in range(10)]})\n"
    "fig, ax = plt.subplots(figsize=(6, 4))\nax.plot(df['x'], df['y'])\nplt.show()",
)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- floor and one report ----------------------------------------------------------------------

def floor_notebook(folder: Path, cells: Sequence[str] = FLOOR_CELLS,
                   name: str = "floor") -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def floor_once(folder: Path, source: Path) -> float:
    """A notebook through plain papermill and nbconvert's default HTML exporter."""
    start = time.perf_counter()
    out = folder / f"{source.stem}-out.ipynb"
    papermill.execute_notebook(str(source), str(out), progress_bar=False)
    body, _ = HTMLExporter().from_notebook_node(nbformat.read(out, as_version=4))
    (folder / f"{source.stem}.html").write_text(body, encoding="utf-8")
    return time.perf_counter() - start


def report_once(folder: Path, engine: str, *, cold: bool = False) -> float:
    """One seed report; ``cold``: no warm kernel before, and the time includes starting the
    kernel and shutting it down afterwards (as the floor's papermill run does)."""
    if cold:
        shutdown_kernels()
    start = time.perf_counter()
    render_report(out_dir=folder / "outputs", report_date=REPORT_DATE, engine_name=engine)
    if cold:
        shutdown_kernels()
    return time.perf_counter() - start


# -- batches -----------------------------------------------------------------------------------

def batch_pairs(n: int) -> list[tuple[str, int]]:
    """``n`` organisation-years of the synthetic province, latest years first (repeated if the
    province has fewer)."""
    scores = load_dataset(synthetic_data_dir()).scores
    pairs = sorted({(str(o), int(y)) for o, y in zip(scores["org_id"], scores["fiscal_year"],
                                                      strict=True)},
                   key=lambda p: (-p[1], p[0]))
    return [pairs[i % len(pairs)] for i in range(n)]


def batch_per_report(pairs: Sequence[tuple[str, int]], root: Path, engine: str, jobs: int,
                     executor: str = "process") -> float:
    """Wall time per report of one batch run as ``ita-analysis batch`` runs it: ``run_one``
    for every report on the batch module's executor (worker start-up and shut-down, and the
    warm kernels' start, included)."""
    out_dir = root / f"batch-{engine}-{jobs}"
    batch = [Job(org_id=o, fiscal_year=y, out_dir=str(out_dir),
                 data_dir=str(synthetic_data_dir()), report_date=REPORT_DATE,
                 engine_name=engine) for o, y in pairs]
    start = time.perf_counter()
    failed = [r for r in EXECUTORS[executor](batch, run_one, jobs) if r.status != "done"]
    elapsed = time.perf_counter() - start
    if failed:
        raise SystemExit(f"{len(failed)} report(s) failed; first: {failed[0].error}")
    shutil.rmtree(out_dir, ignore_errors=True)
    return elapsed / len(batch)


# -- the run -----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200, help="reports in each batch")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the floor and of the one report (median kept)")
    parser.add_argument("--fresh-reports", type=int, default=None,
                        help="reports in the fresh-kernel batches (default: --reports)")
    parser.add_argument("--executor", default="process", choices=sorted(EXECUTORS),
                        help="what runs the batches (default: process, worker processes)")
    args = parser.parse_args(argv)
    n_fresh = min(args.fresh_reports or args.reports, args.reports)

    floors, reports, nbclient_reports, warm_reports = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="ita-bench-render-") as tmp:
        root = Path(tmp)
        source = floor_notebook(root)
        floor_once(root, source)  # first runs load and compile what every later run reuses
        report_once(root, ENGINE_NAME, cold=True)
        report_once(root, FRESH_ENGINE)
        for i in range(args.repeat):
            floors.append(floor_once(root, source))
            reports.append(report_once(root, ENGINE_NAME, cold=True))
            nbclient_reports.append(report_once(root, FRESH_ENGINE))
            say(f"run {i + 1}: floor {floors[-1]:.2f} s, report {reports[-1]:.2f} s "
                f"(papermill's engine {nbclient_reports[-1]:.2f} s)")
        report_once(root, ENGINE_NAME)  # start and warm this process's kernel
        for _ in range(args.repeat):
            warm_reports.append(report_once(root, ENGINE_NAME))
        shutdown_kernels()

        pairs = batch_pairs(args.reports)
        per: dict[tuple[str, int], float] = {}
        for engine, label, count in ((FRESH_ENGINE, "fresh", n_fresh),
                                     (ENGINE_NAME, "warm", args.reports)):
            for jobs in (1, 2):
                per[(label, jobs)] = batch_per_report(pairs[:count], root, engine, jobs,
                                                      args.executor)
                say(f"batch of {count}, {label} kernels, {jobs} job(s) ({args.executor}): "
                    f"{per[(label, jobs)]:.3f} s per report")

    floor_s, report_s = statistics.median(floors), statistics.median(reports)
    nbclient_s, warm_s = statistics.median(nbclient_reports), statistics.median(warm_reports)
    fresh2, warm2 = per[("fresh", 2)], per[("warm", 2)]
    print(f"floor (pandas + matplotlib notebook, papermill + nbconvert): {floor_s:.2f} s")
    print(f"one report end to end, new kernel (ita-warm, started and shut down): {report_s:.2f} s "
          f"({report_s / floor_s:.2f}x the floor)")
    print(f"one report end to end, papermill's own engine:  {nbclient_s:.2f} s "
          f"({nbclient_s / floor_s:.2f}x the floor)")
    print(f"one report end to end, kernel already warm:     {warm_s:.2f} s "
          f"({warm_s / floor_s:.2f}x the floor)")
    for label, count in (("fresh", n_fresh), ("warm", args.reports)):
        for jobs in (1, 2):
            print(f"batch of {count}, {label} kernels, {jobs} job(s) ({args.executor}): "
                  f"{per[(label, jobs)]:.3f} s wall per report")
    for jobs in (1, 2):
        print(f"warm over fresh, {jobs} job(s): "
              f"{per[('fresh', jobs)] / per[('warm', jobs)]:.2f}x faster")
    for label in ("fresh", "warm"):
        print(f"2 jobs over 1, {label} kernels: "
              f"{per[(label, 1)] / per[(label, 2)]:.2f}x faster")
    print(f"floor_s={floor_s:.2f} report_s={report_s:.2f} report_ratio={report_s / floor_s:.2f} "
          f"fresh_per_report_s={fresh2:.3f} warm_per_report_s={warm2:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
