"""Benchmark: score a synthetic national data set (8,303 organisations x 5 fiscal years).

Prints the time to score from a table already in memory, the time to load the same scores
from CSV through the validating loader, and the process's peak memory. Run:

    .venv/bin/python bench/score.py [--orgs 8303]

The last line is machine-readable: ``score_s=<s> load_s=<s> peak_mib=<MiB> rows=<n>``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from ita_analysis.data.dataset import load_dataset
from ita_analysis.data.synthetic import make_national
from ita_analysis.scoring import score_table


def peak_mib() -> float:
    # ru_maxrss is KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=8303)
    parser.add_argument("--repeat", type=int, default=3, help="best of N scoring runs")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    scores = make_national(n_orgs=args.orgs)
    gen_s = time.perf_counter() - t0
    print(f"generated {len(scores):,} indicator rows for {args.orgs:,} organisations "
          f"in {gen_s:.2f} s")

    floor = []
    for _ in range(args.repeat):  # floor: one pass over the data (a pandas groupby mean)
        t0 = time.perf_counter()
        scores.groupby(["org_id", "fiscal_year"])["score"].mean()
        floor.append(time.perf_counter() - t0)
    timings = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        table = score_table(scores)
        timings.append(time.perf_counter() - t0)
    score_s = min(timings)
    print(f"floor (groupby mean of the same rows): {min(floor):.3f} s")
    print(f"score_table: {score_s:.3f} s for {len(table):,} organisation-years "
          f"({score_s / len(table) * 1e6:.1f} us each; {score_s / min(floor):.1f}x the floor)")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        orgs = pd.DataFrame({"org_id": scores["org_id"].unique()})
        orgs["name"] = "หน่วยงาน " + orgs["org_id"]
        orgs["org_type"] = "องค์การบริหารส่วนตำบล"
        orgs["district"] = ""
        orgs["province"] = "จังหวัดสมมติ"
        orgs.to_csv(folder / "organisations.csv", index=False)
        scores.to_csv(folder / "scores.csv", index=False)
        t0 = time.perf_counter()
        dataset = load_dataset(folder)
        load_s = time.perf_counter() - t0
    print(f"load_dataset (CSV, validated): {load_s:.2f} s for {len(dataset.scores):,} rows")
    peak = peak_mib()
    print(f"peak memory of the process: {peak:.0f} MiB")
    print(f"score_s={score_s:.3f} load_s={load_s:.2f} peak_mib={peak:.0f} rows={len(scores)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
