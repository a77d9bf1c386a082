"""How fast ``ita-analysis batch`` renders reports with 1 and with 2 worker processes.

    python bench/batch.py [--reports N] [--executor process|dask] [--engine NAME]

Renders N reports of the synthetic province (organisations of the latest year first, then the
years before, cycling into fresh folders when N exceeds what the data holds) with
``run_batch(..., force=True)`` into a temporary output folder, once with ``jobs=1`` and once
with ``jobs=2``: the whole command's work (loading and checking the data, fingerprints, worker
start-up, papermill, nbconvert, atomic writes, batch.json and the index), with the command's
defaults (the ``ita-warm`` engine, worker processes) unless ``--engine`` or ``--executor`` say
otherwise (``--executor dask``: a local Dask cluster of 1 and of 2 workers, started and closed
with each batch). Prints the wall time per report of each and the speed-up; the last line is
machine-readable:

    jobs1_per_report_s=<s> jobs2_per_report_s=<s> speedup=<x>
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from ita_analysis.batch.executors import EXECUTORS
from ita_analysis.batch.run import run_batch
from ita_analysis.data.dataset import load_dataset, synthetic_data_dir
from ita_analysis.engine.warm import ENGINE_NAME


def plan(n: int) -> dict[tuple[int, int], list[str]]:
    """N (org, year) reports as {(round, year): [org, …]}: a round is one pass over the data."""
    ds = load_dataset(synthetic_data_dir())
    pairs = [(org, year) for year in sorted(ds.years, reverse=True)
             for org in ds.organisations["org_id"]
             if ((ds.scores["org_id"] == org) & (ds.scores["fiscal_year"] == year)).any()]
    groups: dict[tuple[int, int], list[str]] = defaultdict(list)
    for i, (org, year) in enumerate(itertools.islice(itertools.cycle(pairs), n)):
        groups[(i // len(pairs), year)].append(org)
    return groups


def run(groups: dict[tuple[int, int], list[str]], jobs: int, out: Path, *,
        executor: str = "process", engine: str = ENGINE_NAME) -> tuple[float, list]:
    wall, results = 0.0, []
    for (round_, year), orgs in groups.items():
        start = time.perf_counter()
        outcome = run_batch(year, data_dir=synthetic_data_dir(), out_dir=out / f"round-{round_}",
                            orgs=orgs, jobs=jobs, force=True, report_date="2024-03-01",
                            executor=executor, engine_name=engine, tty=False, out=io.StringIO())
        wall += time.perf_counter() - start
        failed = [r for r in outcome.results if r.status != "done"]
        if failed:
            raise SystemExit(f"{len(failed)} report(s) failed: {failed[0].error}")
        results.extend(outcome.results)
    return wall, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=50, metavar="N",
                        help="reports to render with each number of jobs (default: 50)")
    parser.add_argument("--executor", default="process", choices=sorted(EXECUTORS),
                        help="process (default) or dask (a local Dask cluster)")
    parser.add_argument("--engine", default=ENGINE_NAME,
                        help=f"papermill engine (default: {ENGINE_NAME}; nbclient: papermill's)")
    args = parser.parse_args(argv)
    groups = plan(args.reports)
    print(f"{args.reports} reports of the synthetic province "
          f"({', '.join(f'{len(o)} of {y}' for (_, y), o in groups.items())}); "
          f"{os.cpu_count()} CPU(s); executor {args.executor}, engine {args.engine}")
    per_report = {}
    with tempfile.TemporaryDirectory() as tmp:
        for jobs in (1, 2):
            wall, results = run(groups, jobs, Path(tmp) / f"jobs{jobs}",
                                executor=args.executor, engine=args.engine)
            each = [r.duration_s for r in results]
            per_report[jobs] = wall / args.reports
            print(f"jobs={jobs}: {args.reports} reports in {wall:.1f} s wall, "
                  f"{per_report[jobs]:.2f} s per report; one report in its worker: "
                  f"median {statistics.median(each):.2f} s, "
                  f"min {min(each):.2f} s, max {max(each):.2f} s")
    speedup = per_report[1] / per_report[2]
    print(f"speed-up with 2 jobs: {speedup:.2f}x")
    print(f"jobs1_per_report_s={per_report[1]:.3f} jobs2_per_report_s={per_report[2]:.3f} "
          f"speedup={speedup:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
