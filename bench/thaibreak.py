"""Benchmark: mark the Thai line breaks of a whole rendered report (ita_analysis.present.thaibreak).

Renders the seed organisation's report with the command line a user runs (or reads one given
with --html), takes its <body>, and times, in this fresh process:

- the floor: one pass of the standard library's html.parser over the same body (any marking
  that walks the HTML pays at least this);
- the dictionary: pythainlp's words and ours, built once per process;
- wrap_html cold (nothing cached but the dictionary) and warm (every run's text already segmented,
  as in a batch whose reports share most sentences).

Run:

    .venv/bin/python bench/thaibreak.py [--html outputs/2565/<org>/report.html]

The last line is machine-readable:
``wrap_ms=<cold ms> warm_ms=<ms> dict_ms=<ms> floor_ms=<ms> chars=<body chars>
added_bytes=<bytes> runs=<n> breaks=<n>``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

from ita_analysis.present import thaibreak, thaiwords

ORG, YEAR = "nongsaeng-prachinburi", 2565


def render(out: Path) -> Path:
    cli = Path(sys.executable).with_name("ita-analysis")
    subprocess.run([str(cli), "report", "--org", ORG, "--year", str(YEAR), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return out / str(YEAR) / ORG / "report.html"


def best_ms(func, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        timings.append(time.perf_counter() - t0)
    return min(timings) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, help="a rendered report (default: render one)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        page = args.html or render(Path(tmp))
        source = page.read_text(encoding="utf-8")
    body = re.search(r"<body[^>]*>(.*)</body>", source, re.S).group(1)
    print(f"{page.name}: {len(source):,} chars, body {len(body):,} chars")

    def floor() -> None:
        p = HTMLParser(convert_charrefs=False)
        p.feed(body)
        p.close()

    floor_ms = best_ms(floor, args.repeat)

    t0 = time.perf_counter()
    thaiwords.dictionary()
    dict_ms = (time.perf_counter() - t0) * 1000

    t0 = time.perf_counter()
    marked = thaibreak.wrap_html(body)
    cold_ms = (time.perf_counter() - t0) * 1000
    warm_ms = best_ms(lambda: thaibreak.wrap_html(body), args.repeat)

    def uncached() -> None:
        thaibreak._breaks.cache_clear()
        thaibreak.wrap_html(body)

    uncached_ms = best_ms(uncached, args.repeat)

    added = len(marked.encode()) - len(body.encode())
    runs = marked.count(f'<span class="{thaibreak.CLASS}">')
    breaks = marked.count("<wbr>") - body.count("<wbr>")
    print(f"floor (html.parser over the body): {floor_ms:.1f} ms")
    print(f"dictionary, once per process: {dict_ms:.0f} ms")
    print(f"wrap_html cold: {cold_ms:.1f} ms; again with no text cached: {uncached_ms:.1f} ms "
          f"({uncached_ms / floor_ms:.1f}x the floor); every text cached: {warm_ms:.1f} ms")
    print(f"added {added:,} bytes ({added / len(body.encode()):.1%} of the body): "
          f"{runs:,} runs, {breaks:,} break points")
    print(f"wrap_ms={cold_ms:.1f} warm_ms={warm_ms:.1f} dict_ms={dict_ms:.0f} "
          f"floor_ms={floor_ms:.1f} chars={len(body)} added_bytes={added} runs={runs} "
          f"breaks={breaks}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
