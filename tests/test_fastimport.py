"""jsonschema is imported without rfc3987_syntax in a rendering process, and only there.

rfc3987_syntax (installed with JupyterLab) builds a grammar when jsonschema imports it: 1.2 s.
A stand-in that raises when imported shows that jsonschema, imported through the report
renderer, never imports it, that it still imports normally afterwards, and that a kernel-side
import of the report package does not import jsonschema at all.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

STAND_IN = "raise RuntimeError('rfc3987_syntax was imported')\n"


def _python(tmp: Path, code: str) -> subprocess.CompletedProcess[str]:
    (tmp / "rfc3987_syntax.py").write_text(STAND_IN, encoding="utf-8")
    prelude = f"import sys\nsys.path.insert(0, {str(tmp)!r})\n"
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=120, cwd=tmp)


def test_the_renderer_imports_jsonschema_without_rfc3987_syntax(tmp_path: Path) -> None:
    run = _python(tmp_path, """
        import ita_analysis.render.report
        import jsonschema, nbformat, papermill, nbconvert
        assert "rfc3987_syntax" not in sys.modules
        try:
            import rfc3987_syntax
        except RuntimeError as exc:  # the stand-in ran: importable again, as usual
            print(exc)
    """)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "rfc3987_syntax was imported"


def test_without_the_renderer_jsonschema_is_untouched(tmp_path: Path) -> None:
    run = _python(tmp_path, """
        # what a report kernel imports
        import ita_analysis.documents.report, ita_analysis.present.charts.report
        assert "jsonschema" not in sys.modules
        try:
            import jsonschema
        except RuntimeError as exc:  # jsonschema imported the stand-in, as it always would
            print(exc)
    """)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "rfc3987_syntax was imported"
