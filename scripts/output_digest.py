"""Render a fixed set of documents and print a SHA-256 of each output, to prove a change to the
code left every output byte as it was.

    python scripts/output_digest.py > before.txt          # on the old tree
    python scripts/output_digest.py --compare before.txt  # on the new one: what differs

With ``SOURCE_DATE_EPOCH=1700000000`` (set here) it runs the command line a user runs:
the seed report in Thai digits (with ``--pdf``) and in Arabic digits, two synthetic reports
(2565 and 2567), a portfolio of one district, and the index. One line per output file:

- ``report.html``, ``annex.html``, portfolio pages, ``index.html``: their bytes;
- ``summary.json`` and the portfolio's ``.json``: their bytes (``#bytes``), their bytes
  without the input fingerprint (``#record``), and each fingerprint part as recorded (so a
  difference names the input that changed: the notebook's bytes, the templates' paths…);
- ``*.ipynb``: only the HTML its cells display (``#html``): the cells' source holds module
  paths and papermill's metadata holds timings;
- ``report.pdf``: its text as ``pdftotext -layout`` reads it (``#text``).

The output folders are fixed (``--out``, default ``/tmp/ita-output-digest``) because the
data folder's absolute path is recorded in ``summary.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SYNTHETIC = REPO / "data" / "synthetic"
EPOCH = "1700000000"
FINGERPRINT_KEYS = ("fingerprint", "fingerprint_parts")

# (output folder, command line after `ita-analysis`)
RUNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("thai", ("report", "--org", "nongsaeng-prachinburi", "--year", "2565", "--pdf")),
    ("arabic", ("report", "--org", "nongsaeng-prachinburi", "--year", "2565",
                "--digits", "arabic")),
    ("thai", ("report", "--org", "syn-sao-003", "--year", "2565", "--data", str(SYNTHETIC))),
    ("thai", ("report", "--org", "syn-sao-001", "--year", "2567", "--data", str(SYNTHETIC))),
    ("thai", ("portfolio", "--year", "2567", "--district", "หนองไพรวัลย์")),
    ("thai", ("index",)),
    ("arabic", ("index", "--digits", "arabic")),
)


def sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def command() -> list[str]:
    script = Path(sys.executable).parent / "ita-analysis"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "ita_analysis.cli"]


def digests(path: Path, name: str) -> list[tuple[str, str]]:
    """(label, digest) lines of one output file."""
    raw = path.read_bytes()
    if path.suffix == ".json":
        record = json.loads(raw)
        lines = [(f"{name}#bytes", sha(raw))]
        rest = {k: v for k, v in record.items() if k not in FINGERPRINT_KEYS}
        lines.append((f"{name}#record", sha(json.dumps(rest, ensure_ascii=False, indent=2))))
        for part, value in sorted((record.get("fingerprint_parts") or {}).items()):
            lines.append((f"{name}#fingerprint.{part}", str(value)))
        return lines
    if path.suffix == ".ipynb":
        nb = json.loads(raw)
        shown = []
        for cell in nb.get("cells", []):
            for output in cell.get("outputs", []):
                html = output.get("data", {}).get("text/html")
                if html is not None:
                    shown.append("".join(html) if isinstance(html, list) else html)
        return [(f"{name}#html", sha("\n".join(shown)))]
    if path.suffix == ".pdf":
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                              capture_output=True).stdout
        return [(f"{name}#text", sha(text))]
    return [(name, sha(raw))]


def render(out: Path) -> list[tuple[str, str]]:
    if out.exists():
        shutil.rmtree(out)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    for folder, args in RUNS:
        done = subprocess.run([*command(), *args, "--out", str(out / folder)], env=env,
                              capture_output=True, text=True, cwd=REPO)
        if done.returncode != 0:
            raise SystemExit(f"output_digest: `ita-analysis {' '.join(args)}` failed "
                             f"({done.returncode}): {done.stderr.strip()}")
    lines = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        lines += digests(path, path.relative_to(out).as_posix())
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/ita-output-digest"),
                        help="folder to render into (emptied first)")
    parser.add_argument("--compare", type=Path, default=None, metavar="FILE",
                        help="an earlier run's output: print only what differs")
    args = parser.parse_args(argv)
    lines = render(args.out)
    if args.compare is None:
        for label, digest in lines:
            print(f"{digest}  {label}")
        return 0
    before = {}
    for line in args.compare.read_text(encoding="utf-8").splitlines():
        digest, _, label = line.partition("  ")
        before[label] = digest
    now = dict((label, digest) for label, digest in lines)
    changed = sorted(k for k in before.keys() & now.keys() if before[k] != now[k])
    for label in changed:
        print(f"changed  {label}")
    for label in sorted(before.keys() - now.keys()):
        print(f"gone     {label}")
    for label in sorted(now.keys() - before.keys()):
        print(f"new      {label}")
    same = len(before.keys() & now.keys()) - len(changed)
    print(f"{same} same, {len(changed)} changed, {len(before.keys() - now.keys())} gone, "
          f"{len(now.keys() - before.keys())} new")
    return 0


if __name__ == "__main__":
    sys.exit(main())
