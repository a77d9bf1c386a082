"""PDF printing in pages per second: a browser started per report against one kept open.

    python bench/pdf.py [--reports 12] [--rounds 2]

Renders the HTML of ``--reports`` synthetic organisations once (2567), then prints them all to
PDF in two ways, alternating, ``--rounds`` times, in one process: ``print_pdf`` starting a
browser for each report (as a single ``ita-analysis report --pdf`` does), and with
``keep_browser_open()`` (as each batch worker does). Each report prints at least twice (its
contents list gets its page numbers). Counts printed A4 pages (pypdf). The last line is
machine-readable (medians over the rounds):

    launch_reports_per_s=<r/s> kept_reports_per_s=<r/s> kept_pages_per_s=<p/s> speedup=<x>
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from ita_analysis.data.dataset import load_dataset, synthetic_data_dir
from ita_analysis.render import browser
from ita_analysis.render.report import render_report


def _print_all(pages: list[Path], out: Path) -> tuple[float, int]:
    start = time.perf_counter()
    count = 0
    for i, html in enumerate(pages):
        pdf = out / f"{i}.pdf"
        browser.print_pdf(html, pdf)
        count += len(PdfReader(pdf).pages)
    return time.perf_counter() - start, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    data = synthetic_data_dir()
    ds = load_dataset(data)
    orgs = sorted(ds.scores[ds.scores["fiscal_year"] == 2567]["org_id"].unique())
    orgs = orgs[:args.reports]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        pages = [render_report(org, 2567, data_dir=data, out_dir=out / "html",
                               report_date="2024-12-15", engine_name="ita-warm").html
                 for org in orgs]
        rates: dict[str, list[float]] = {"launch": [], "kept": [], "kept_pages": []}
        for _ in range(args.rounds):
            took, _n = _print_all(pages, out)
            rates["launch"].append(len(pages) / took)
            browser.keep_browser_open()
            took, n = _print_all(pages, out)
            rates["kept"].append(len(pages) / took)
            rates["kept_pages"].append(n / took)
            browser.close_kept_browsers()
            browser._KEEP = False  # back to a browser per report for the next round
            print(f"round: launch {rates['launch'][-1]:.2f} reports/s, kept "
                  f"{rates['kept'][-1]:.2f} reports/s ({rates['kept_pages'][-1]:.1f} pages/s, "
                  f"{n / len(pages):.1f} pages a report)", flush=True)
    med = {k: statistics.median(v) for k, v in rates.items()}
    print(f"launch_reports_per_s={med['launch']:.2f} kept_reports_per_s={med['kept']:.2f} "
          f"kept_pages_per_s={med['kept_pages']:.1f} speedup={med['kept'] / med['launch']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
