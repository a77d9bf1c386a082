"""Save the README's picture of notebooks/explore.ipynb in JupyterLab, after Run All Cells.

    python scripts/screenshot_lab.py        # writes docs/img/explore-lab.png

Starts a private JupyterLab as the browser test does (``tests/_jupyterlab.py``: loopback, a
token, temporary Jupyter folders, stopped at the end), opens the notebook in headless Chromium
(Debian's), runs every cell from the Run menu, hides the file browser and shows the scored
overview and scored table of the synthetic province.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from _jupyterlab import (  # noqa: E402
    jupyterlab_server,
    notebook_state,
    open_notebook,
    run_all_cells,
)

from ita_analysis.render.browser import chromium_page  # noqa: E402

OUT = ROOT / "docs" / "img" / "explore-lab.png"
MAX_BYTES = 400 * 1024


def main() -> int:
    notebook = ROOT / "notebooks" / "explore.ipynb"
    with tempfile.TemporaryDirectory() as tmp, jupyterlab_server(Path(tmp), [notebook]) as lab, \
            chromium_page(lab.notebook_url(notebook.name), width=1440, height=960) as (page, _):
        open_notebook(page, lab, "explore.ipynb")
        run_all_cells(page)
        state = notebook_state(page)
        bad = [o for c in state["cells"] for o in c["outputs"] if o in ("error", "stream:stderr")]
        if bad:
            raise SystemExit(f"screenshot_lab: the notebook did not run cleanly: {state}")
        page.locator(".lm-MenuBar-itemLabel", has_text="View").click()
        page.locator(".lm-Menu-itemLabel", has_text="File Browser").first.click()
        load = page.locator(".jp-CodeCell").nth(1)  # the cell after the parameters
        load.evaluate("cell => cell.scrollIntoView({block: 'start'})")
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        page.wait_for_timeout(500)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT), type="png")
    size = OUT.stat().st_size
    print(f"wrote {OUT} ({size // 1024} KiB)")
    if size > MAX_BYTES:
        print(f"screenshot_lab: {OUT.name} is over {MAX_BYTES // 1024} KiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
