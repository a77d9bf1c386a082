"""The notebooks in a real JupyterLab, as an analyst uses them: opened in headless Chromium,
Run → Run All Cells from the menu, every cell run without an error, and the report's sections
(and explore's Thai tables) drawn in Sarabun.

One server for the module (``tests/_jupyterlab.py``: 127.0.0.1, a free port, a token, a
temporary root with copies of the notebooks and temporary Jupyter folders), stopped at the end
also when a test fails.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _browser import needs_browser, require_playwright
from _jupyterlab import Lab, jupyterlab_server, notebook_state, open_notebook, run_all_cells

from ita_analysis.documents.report import sections

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = [REPO / "notebooks" / "report.ipynb", REPO / "notebooks" / "explore.ipynb"]
ERROR_AREAS = ('[data-mime-type="application/vnd.jupyter.error"], '
               '[data-mime-type="application/vnd.jupyter.stderr"]')

pytestmark = needs_browser


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    require_playwright()
    with jupyterlab_server(tmp_path_factory.mktemp("jupyterlab"), NOTEBOOKS) as server:
        yield server


def _platform_fonts(page: Any, selector: str) -> list[str]:
    """The faces Chromium drew the first element matching ``selector`` with (DevTools).
    Scrolled into view first: JupyterLab skips the layout of cells out of view."""
    page.locator(selector).first.scroll_into_view_if_needed()
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"nothing matches {selector}"
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return [f["familyName"] for f in fonts]


def _run(lab: Lab, name: str) -> Iterator[Any]:
    from ita_analysis.render.browser import chromium_page

    with chromium_page(lab.notebook_url(name), width=1400, height=1000) as (page, log):
        open_notebook(page, lab, name)
        run_all_cells(page)
        state = notebook_state(page)
        # every code cell ran (an execution count) and none output an error or a warning
        assert state["kernel"] == "idle"
        assert all(isinstance(c["count"], int) for c in state["cells"]), state
        bad = [o for c in state["cells"] for o in c["outputs"]
               if o in ("error", "stream:stderr")]
        assert bad == [], state
        assert page.locator(ERROR_AREAS).count() == 0
        yield page
        assert [e for e in log.console_errors if "Uncaught" in e] == []


def test_report_notebook_runs_in_jupyterlab_in_sarabun(lab: Lab) -> None:
    for page in _run(lab, "report.ipynb"):
        # the notebooks' kernel, "python3", is this environment's Python (as with `make lab`)
        assert lab.kernel_pythons() == {sys.executable}
        shown = page.evaluate("""() => [...document.querySelectorAll('section[id^="sec-"]')]
            .map(s => [s.id, getComputedStyle(s).fontFamily])""")
        ids = [i for i, _ in shown]
        # the default organisation's public sections, in the document's order
        expected = [f"sec-{key}" for key in sections.ORDER]
        assert [i for i in ids if i in expected] == [i for i in expected if i in ids]
        assert {"sec-cover", "sec-results", "sec-analysis", "sec-measures"} <= set(ids)
        assert all(family.split(",")[0].strip("'\" ") == "Sarabun" for _, family in shown), shown
        for selector in ("#sec-cover .cover-org", "#sec-results h2", "#sec-results td.ind",
                         "#sec-analysis p"):
            assert _platform_fonts(page, selector) == ["Sarabun"], selector


def test_explore_notebook_runs_in_jupyterlab_with_thai_in_sarabun(lab: Lab) -> None:
    for page in _run(lab, "explore.ipynb"):
        tables = page.locator("table.ita")
        assert tables.count() >= 6  # scores (twice), heat map, weakest, movement, history
        assert page.locator("figure svg[role=img]").count() >= 4  # the charts
        for selector in ("table.ita caption", "table.ita thead th.col_heading",
                         ".jp-RenderedMarkdown h2"):
            assert "Sarabun" in _platform_fonts(page, selector), selector
