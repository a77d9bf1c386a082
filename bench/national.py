"""A national round as a user runs it: ``ita-analysis batch --jobs 2`` from the command line,
with and without ``--pdf``, on N synthetic organisations; projected to 8,303 agencies.

    python bench/national.py [--reports 400] [--year 2567] [--jobs 2]

Writes a synthetic data folder of N invented organisations (``make_province``, two fiscal
years so that each report has a year to compare with), then times two commands, each from a
fresh process as a scheduler would start them: the batch writing HTML (with its annex, summary
and index) and the batch writing HTML and PDF. The per-report figure is the command's whole
wall time over N (start-up, data checks, workers, kernels, the index: everything the user
waits for). The last line is machine-readable:

    html_per_report_s=<s> pdf_per_report_s=<s> national_hours=<h for 8,303 with PDF>
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NATIONAL = 8303  # agencies assessed in fiscal 2565


def _write_data(folder: Path, n: int, year: int) -> None:
    from ita_analysis.data.synthetic import make_province

    data = make_province(n_orgs=n, years=[year - 1, year], seed=2565)
    for name in ("organisations", "scores", "items", "published", "measures"):
        getattr(data, name).to_csv(folder / f"{name}.csv", index=False)


def _batch(data: Path, out: Path, year: int, jobs: int, pdf: bool) -> float:
    tool = Path(sys.executable).parent / "ita-analysis"
    command = [str(tool if tool.exists() else shutil.which("ita-analysis")), "batch",
               "--year", str(year), "--data", str(data), "--out", str(out),
               "--jobs", str(jobs), "--force"] + (["--pdf"] if pdf else [])
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True)
    took = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"bench/national.py: batch exited {run.returncode}: "
                         f"{run.stderr.strip()[-500:]}")
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=400)
    parser.add_argument("--year", type=int, default=2567)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        _write_data(data, args.reports, args.year)
        html = _batch(data, Path(tmp) / "html", args.year, args.jobs, pdf=False)
        print(f"html: {html:.1f}s for {args.reports} reports", flush=True)
        pdf = _batch(data, Path(tmp) / "pdf", args.year, args.jobs, pdf=True)
        print(f"html+pdf: {pdf:.1f}s for {args.reports} reports", flush=True)
    html_each, pdf_each = html / args.reports, pdf / args.reports
    print(f"per report: html {html_each:.3f}s, html+pdf {pdf_each:.3f}s; "
          f"{NATIONAL:,} reports with PDF: {pdf_each * NATIONAL / 3600:.2f} h")
    print(f"html_per_report_s={html_each:.3f} pdf_per_report_s={pdf_each:.3f} "
          f"national_hours={pdf_each * NATIONAL / 3600:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
