"""Render the seed organisation's report and save the README's pictures of it.

    python scripts/screenshot_readme.py        # writes docs/img/report-*.png

- ``report-seed.png``: the top of the document on a desktop screen (1200 px);
- ``report-phone.png``: the top of the document on a phone (390 px wide);
- ``report-pdf-results.png`` and ``report-pdf-measures.png``: two pages of the printed PDF
  (the results table, and the measures proposed for the year after), as poppler draws them.

Uses the package's own Chromium machinery (``ita_analysis.render.browser``) and Debian's
``pdftoppm``; the report date is fixed so that the pictures only change when the document
does.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ita_analysis.render.browser import CHROMIUM, chromium_page
from ita_analysis.render.report import render_report

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
MAX_BYTES = 400 * 1024
PAGES = {"results": "sec-results", "measures": "sec-measures"}


def _shot(html: Path, png: Path, width: int, height: int) -> None:
    with chromium_page(html, width=width, height=height) as (page, log):
        page.screenshot(path=str(png), full_page=False, type="png")
    if log.console_errors or log.failed_requests or log.outside_requests:
        raise SystemExit(f"screenshot_readme: the page had problems: {log}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder to write (default {OUT})")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).is_file() or not shutil.which("pdftoppm"):
        print(f"screenshot_readme: needs Chromium at {CHROMIUM} and pdftoppm "
              "(apt-get install chromium poppler-utils)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = render_report(out_dir=tmp, report_date="2022-12-15", pdf=True)
        _shot(files.html, args.out / "report-seed.png", 1200, 1500)
        _shot(files.html, args.out / "report-phone.png", 390, 1400)
        from ita_analysis.render.browser import section_pages

        assert files.pdf is not None
        where = section_pages(files.pdf.read_bytes())
        for name, anchor in PAGES.items():
            number = where[anchor]
            stem = Path(tmp) / name
            subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(number),
                            "-l", str(number), str(files.pdf), str(stem)], check=True)
            shutil.copyfile(f"{stem}.png", args.out / f"report-pdf-{name}.png")
    for png in sorted(args.out.glob("report-*.png")):
        size = png.stat().st_size
        if size > MAX_BYTES:
            print(f"screenshot_readme: {png.name} is {size // 1024} KiB, over "
                  f"{MAX_BYTES // 1024} KiB", file=sys.stderr)
            return 1
        print(f"wrote {png} ({size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
