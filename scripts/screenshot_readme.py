"""Render the seed organisation's report and save a screenshot of its top for the README.

    python scripts/screenshot_readme.py            # writes docs/img/report-seed.png

Uses the same headless Chromium machinery as the browser test (``ita_analysis.report.browser``);
the report date is fixed so that the picture only changes when the document does.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ita_analysis.report.browser import CHROMIUM, screenshot
from ita_analysis.report.render import render_report

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img" / "report-seed.png"
MAX_BYTES = 400 * 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"PNG to write (default {OUT})")
    parser.add_argument("--width", type=int, default=1200, help="browser width in CSS pixels")
    parser.add_argument("--height", type=int, default=1500, help="browser height in CSS pixels")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        print(f"screenshot_readme: no Chromium at {CHROMIUM} (apt-get install chromium)",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        files = render_report(out_dir=tmp, report_date="2022-12-15")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        log = screenshot(files.html, args.out, width=args.width, height=args.height)
    if log.console_errors or log.failed_requests or log.outside_requests:
        print(f"screenshot_readme: the page had problems: {log}", file=sys.stderr)
        return 1
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1024:.0f} KiB)")
    if size > MAX_BYTES:
        print(f"screenshot_readme: {args.out} is over {MAX_BYTES // 1024} KiB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
