"""One pipeline for every document (report, portfolio): execute the notebook, convert it,
print it if asked, and write every file into its folder together or not at all.

The caller has checked the parameters (nothing here knows what they mean) and names the
files: ``notebook``, ``html`` and ``summary`` always (written last, so that a run killed
between two renames leaves the earlier summary, which a batch reads as "make it again");
``annex`` (the cells tagged ``annex``) and ``pdf`` when asked for. The title and the summary
come from the notebook itself: its last cell emits them (``documents/summary.py``), and the
caller's ``summary`` adds the run record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from ..documents.summary import SUMMARY_MIME, read_emitted
from ..errors import ReportError
from .browser import CHROMIUM
from .convert import ANNEX_TITLE, export_html
from .execute import execute
from .outputs import staged, writing_failed
from .pdf import print_document
from .record import json_text


def packaged_notebook(name: str) -> Path:
    """A document's notebook: the copy installed with the package first, else the repo's."""
    installed = Path(str(resources.files("ita_analysis") / "_notebooks" / name))
    if installed.is_file():
        return installed
    return Path(__file__).resolve().parents[2] / "notebooks" / name


def emitted_summary(nb: Any, what: str = "notebook") -> dict[str, Any]:
    """The title and summary data the executed notebook's cells emitted (the last output of
    ``SUMMARY_MIME``: ``{"title": ..., "summary": {...}}``); ``ReportError`` if none did."""
    found = [output["data"][SUMMARY_MIME] for cell in nb.cells
             for output in cell.get("outputs", ())
             if SUMMARY_MIME in output.get("data", {})]
    if not found:
        raise ReportError(f"the {what} notebook emitted no summary data: its last cell must "
                          f"display the {SUMMARY_MIME} bundle of "
                          f"ita_analysis.documents.{what}.summary.emit(ctx)")
    try:
        return read_emitted(found[-1])
    except (TypeError, ValueError) as exc:
        raise ReportError(f"the {what} notebook's summary data cannot be read: {exc}") from None


def render_notebook(
    source: str | Path,
    folder: str | Path,
    names: Mapping[str, str],
    parameters: Mapping[str, Any],
    *,
    digits: str,
    failed: str,
    summary: Callable[[Mapping[str, Any]], Mapping[str, Any]],
    what: str = "notebook",
    kernel_name: str | None = None,
    engine_name: str | None = None,
    timeout: int | None = 600,
    chromium: str = CHROMIUM,
    built: Mapping[str, Callable[[], bytes]] | None = None,
) -> dict[str, Path]:
    """Make one document from ``source`` into ``folder``; returns the paths written, keyed as
    ``names``. A notebook that fails while running is kept, as papermill left it, as
    ``failed`` (a name in ``folder``); the next successful run removes it. ``what`` names the
    document in error messages ("the portfolio notebook failed in cell 4: …"). ``built``
    makes further files without the notebook (the Word document), keyed as ``names``: they
    are staged with the others, all kept or none. ``summary`` makes summary.json from the
    summary data the notebook emitted (``emitted_summary``), whose title the pages take."""
    folder = Path(folder)
    failed_path = folder / failed
    with staged(folder) as stage:
        # lab_fonts: the notebooks' JupyterLab-only font cell has nothing to do in a document
        nb = execute(Path(source), stage.temp(names["notebook"]),
                     {**parameters, "lab_fonts": False},
                     failed=failed_path, what=what, kernel_name=kernel_name,
                     engine_name=engine_name, timeout=timeout)
        emitted = emitted_summary(nb, what)
        title = emitted["title"]
        page = export_html(nb, title=title, digits=digits)
        try:
            html_tmp = stage.write_text(names["html"], page)
            if "annex" in names:
                stage.write_text(names["annex"], export_html(
                    nb, title=ANNEX_TITLE.format(title=title), digits=digits, annex=True))
            for key, build in (built or {}).items():
                stage.write_bytes(names[key], build())
        except OSError as exc:
            raise writing_failed(exc, folder, what) from exc
        if "pdf" in names:
            print_document(html_tmp, stage.temp(names["pdf"]), chromium)
        try:
            stage.write_text(names["summary"], json_text(summary(emitted["summary"])))
        except OSError as exc:
            raise writing_failed(exc, folder, what) from exc
    failed_path.unlink(missing_ok=True)  # an earlier failure is now stale
    return {key: folder / name for key, name in names.items()}
