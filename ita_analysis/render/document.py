"""One pipeline for every document (report, portfolio): execute the notebook, convert it,
print it if asked, and write every file into its folder together or not at all.

The caller has checked the parameters (nothing here knows what they mean) and names the
files: ``notebook`` and ``html`` always; ``annex`` (the cells tagged ``annex``), ``pdf`` and
``summary`` (written last, so that a run killed between two renames leaves the earlier
summary, which a batch reads as "make it again") when asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

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


def render_notebook(
    source: str | Path,
    folder: str | Path,
    names: Mapping[str, str],
    parameters: Mapping[str, Any],
    *,
    title: str,
    digits: str,
    failed: str,
    summary: Mapping[str, Any] | None = None,
    what: str = "notebook",
    kernel_name: str | None = None,
    engine_name: str | None = None,
    timeout: int | None = 600,
    chromium: str = CHROMIUM,
) -> dict[str, Path]:
    """Make one document from ``source`` into ``folder``; returns the paths written, keyed as
    ``names``. A notebook that fails while running is kept, as papermill left it, as
    ``failed`` (a name in ``folder``); the next successful run removes it. ``what`` names the
    document in error messages ("the portfolio notebook failed in cell 4: …")."""
    folder = Path(folder)
    failed_path = folder / failed
    with staged(folder) as stage:
        nb = execute(Path(source), stage.temp(names["notebook"]), dict(parameters),
                     failed=failed_path, what=what, kernel_name=kernel_name,
                     engine_name=engine_name, timeout=timeout)
        page = export_html(nb, title=title, digits=digits)
        try:
            html_tmp = stage.write_text(names["html"], page)
            if "annex" in names:
                stage.write_text(names["annex"], export_html(
                    nb, title=ANNEX_TITLE.format(title=title), digits=digits, annex=True))
        except OSError as exc:
            raise writing_failed(exc, folder, what) from exc
        if "pdf" in names:
            print_document(html_tmp, stage.temp(names["pdf"]), chromium)
        if summary is not None:
            try:
                stage.write_text(names["summary"], json_text(summary))
            except OSError as exc:
                raise writing_failed(exc, folder, what) from exc
    failed_path.unlink(missing_ok=True)  # an earlier failure is now stale
    return {key: folder / name for key, name in names.items()}
