"""Benchmark: the time to draw each chart, against a floor measured in the same run.

    .venv/bin/python bench/charts.py [--repeat 15] [--paths]

In one warm process, each public chart function (the SVG text a document inlines) is run
once unmeasured, then ``--repeat`` rounds in which every chart runs once, in turn (so that a
busy machine slows all of them alike); the median of each is kept, as CPU time of the process
(what drawing costs, whatever else the machine runs) and as wall time. The data are the ones a user
renders: the seed organisation (indicators, tools, peers), the synthetic organisation
syn-sao-001 in 2567 with five years of history, and the synthetic province's portfolio of
2567 (80 organisations). The **floor** is an empty figure of the report's chart size in the
same style, saved to SVG through the same clean-up: what any chart pays before drawing.
Charts are drawn as the documents draw them, their text kept as text in the page's Sarabun
(``page_fonts``); ``--paths`` draws every glyph as a path instead, as a chart drawn on its own
is (and as the documents' charts were before 0.3.0).

Also measured: **cold**, a new Python process that imports the package and draws the
report's charts once (what ``ita-analysis report`` pays for its charts in its kernel).

The last line is machine-readable (CPU medians): ``floor_ms=<ms> <chart>_ms=<ms> ... cold_s=<s>``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ita_analysis.analysis.findings import analyse
from ita_analysis.analysis.portfolio import analyse_portfolio
from ita_analysis.data.dataset import load_dataset, synthetic_data_dir
from ita_analysis.present.charts import portfolio as pc
from ita_analysis.present.charts import report as charts
from ita_analysis.present.charts.style import WIDTH_IN, page_fonts, render

COLD = """
import time
t0 = time.perf_counter()
from ita_analysis.present.charts import report as charts
from contextlib import nullcontext
from ita_analysis.present.charts.style import page_fonts
from ita_analysis.data.dataset import load_dataset
from ita_analysis.analysis.findings import analyse
f = analyse(load_dataset(), "nongsaeng-prachinburi", 2565)
t1 = time.perf_counter()
with (nullcontext() if {paths} else page_fonts()):
    charts.indicator_chart(f, "thai")
    charts.tool_chart(f, "thai")
print(time.perf_counter() - t1)
"""


def _floor() -> str:
    def draw() -> Figure:
        fig = Figure(figsize=(WIDTH_IN, 3.0))
        FigureCanvasAgg(fig)
        fig.add_subplot()
        return fig

    return render("bench", "floor", draw)


def _in_page(fn: Callable[[], object]) -> Callable[[], object]:
    def drawn() -> object:
        with page_fonts():
            return fn()

    return drawn


def _medians(jobs: dict[str, Callable[[], object]], repeat: int) -> dict[str, tuple[float, float]]:
    """Median (CPU ms, wall ms) of each job over ``repeat`` interleaved rounds."""
    for fn in jobs.values():
        fn()
    cpu: dict[str, list[float]] = {name: [] for name in jobs}
    wall: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(repeat):
        for name, fn in jobs.items():
            c0, w0 = time.process_time(), time.perf_counter()
            fn()
            cpu[name].append(time.process_time() - c0)
            wall[name].append(time.perf_counter() - w0)
    return {name: (statistics.median(cpu[name]) * 1000, statistics.median(wall[name]) * 1000)
            for name in jobs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--paths", action="store_true",
                        help="glyphs as paths (a chart on its own), not text in the page's font")
    args = parser.parse_args(argv)

    seed = analyse(load_dataset(), "nongsaeng-prachinburi", 2565)
    synthetic = load_dataset(synthetic_data_dir())
    five = analyse(synthetic, "syn-sao-001", 2567)
    portfolio = analyse_portfolio(synthetic, 2567)
    peers = [62.0, 70.0, 75.5, 80.0, 82.0, 85.0, 88.0, 90.0, 91.0, 92.0, 95.0, 96.0, 97.0,
             98.47, 99.0]
    jobs: dict[str, Callable[[], object]] = {
        "floor": _floor,
        "indicator": lambda: charts.indicator_chart(seed, "thai"),
        "tool": lambda: charts.tool_chart(seed, "thai"),
        "history": lambda: charts.history_chart(five, "thai"),
        "peer": lambda: charts.peer_chart(seed, peers, "thai"),
        "pf_histogram": lambda: pc.score_histogram(portfolio, "thai"),
        "pf_grades": lambda: pc.grade_chart(portfolio, "thai"),
        "pf_heat_map": lambda: pc.heat_map(portfolio.heat_map, portfolio.target, "thai"),
        "pf_movement": lambda: pc.movement_chart(portfolio.movement, portfolio.fiscal_year,
                                                 portfolio.target, "thai"),
    }
    if not args.paths:
        jobs = {name: _in_page(fn) for name, fn in jobs.items()}
    results = _medians(jobs, args.repeat)
    floor = results["floor"][0]
    print(f"{'chart':<14}{'CPU ms':>9}{'x floor':>9}{'wall ms':>9}")
    for name, (cpu_ms, wall_ms) in results.items():
        print(f"{name:<14}{cpu_ms:>9.1f}{cpu_ms / floor:>9.2f}{wall_ms:>9.1f}")
    cold = subprocess.run([sys.executable, "-c", COLD.format(paths=args.paths)],
                          capture_output=True, text=True, check=True)
    cold_s = float(cold.stdout.strip().splitlines()[-1])
    print(f"cold: first indicator + tool chart in a new process: {cold_s:.2f} s")
    print(" ".join(f"{name}_ms={cpu_ms:.1f}" for name, (cpu_ms, _) in results.items())
          + f" cold_s={cold_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
