"""What each command loads: ``--help`` only the standard library and the package's light
modules, and ``ita-analysis report`` nothing of the batch package (a single report records its
fingerprint through ``render.fingerprint``, not through the batch)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "numpy", "pydantic", "papermill", "nbconvert", "nbformat", "matplotlib",
         "jinja2", "yaml")


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=600)


def test_help_loads_no_heavy_library() -> None:
    done = _run("import contextlib, io, json, sys\n"
                "from ita_analysis import cli\n"
                "with contextlib.redirect_stdout(io.StringIO()), "
                "contextlib.suppress(SystemExit):\n"
                "    cli.main(['--help'])\n"
                f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_a_single_report_imports_nothing_from_the_batch(tmp_path: Path) -> None:
    done = _run("import json, sys\n"
                "from ita_analysis import cli\n"
                "status = cli.main(['report', '--org', 'nongsaeng-prachinburi', '--year', "
                "'2565', '--out', sys.argv[1]])\n"
                "print(json.dumps(sorted(m for m in sys.modules if m == 'ita_analysis.batch' "
                "or m.startswith('ita_analysis.batch.'))))\n"
                "sys.exit(status)\n", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == []
    summary = json.loads((tmp_path / "out" / "2565" / "nongsaeng-prachinburi" / "summary.json")
                         .read_text(encoding="utf-8"))
    assert len(summary["fingerprint"]) == 64 and "organisation" in summary["fingerprint_parts"]
