"""One report as a user makes it: from the command line, against the naive papermill floor.

    python bench/cli.py [--runs 5]

Three timings, each the median of ``--runs`` fresh command-line runs (a new Python process
each time, as a user types them), in one run of this script so that they share the machine's
load:

- floor: the papermill CLI and the ``jupyter nbconvert`` CLI on a trivial notebook (``1 + 1``):
  the least any notebook-made document costs from a shell;
- naive report: the same two commands on our report notebook (the seed organisation);
- report: ``ita-analysis report`` for the seed organisation, everything it does included
  (parameter check, kernel, notebook, conversion, annex, summary, index).

The last line is machine-readable:

    floor_s=<s> naive_report_s=<s> report_s=<s> ratio=<report / floor>
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "report.ipynb"
TRIVIAL = {"cells": [{"cell_type": "code", "execution_count": None, "id": "one",
                      "metadata": {}, "outputs": [], "source": "1 + 1"}],
           "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}},
           "nbformat": 4, "nbformat_minor": 5}


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    which = shutil.which(name)
    if which is None:
        raise SystemExit(f"bench/cli.py: {name} not found beside {sys.executable}")
    return which


def _timed(commands: list[list[str]], cwd: Path) -> float:
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _naive(source: Path, work: Path, parameters: list[str]) -> list[list[str]]:
    executed = work / "executed.ipynb"
    return [[_tool("papermill"), str(source), str(executed), "--no-progress-bar", *parameters],
            [_tool("jupyter"), "nbconvert", "--to", "html", str(executed),
             "--output-dir", str(work)]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {"floor": [], "naive_report": [], "report": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        trivial = work / "trivial.ipynb"
        trivial.write_text(json.dumps(TRIVIAL), encoding="utf-8")
        report = [_tool("ita-analysis"), "report", "--org", "nongsaeng-prachinburi",
                  "--year", "2565", "--out", str(work / "out"), "--date", "2022-12-15"]
        for run in range(args.runs):  # interleaved, so that a slow moment hits all three
            times["floor"].append(_timed(_naive(trivial, work, []), work))
            times["naive_report"].append(_timed(_naive(NOTEBOOK, work, [
                "-p", "report_date", "2022-12-15"]), work))
            times["report"].append(_timed([report], work))
            print(f"run {run + 1}: " + " ".join(f"{k}={v[-1]:.2f}s" for k, v in times.items()),
                  flush=True)
    median = {k: statistics.median(v) for k, v in times.items()}
    print(f"floor_s={median['floor']:.2f} naive_report_s={median['naive_report']:.2f} "
          f"report_s={median['report']:.2f} ratio={median['report'] / median['floor']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
