"""Run the report notebook with papermill, render it with nbconvert, write the files atomically.

``render_report`` checks every parameter first (no kernel starts for a wrong one), executes
``notebooks/report.ipynb`` with papermill, converts it with our own nbconvert template
(``templates/ita_report``: no code, no prompts, our A4 stylesheet, Sarabun embedded), and
writes ``report.ipynb``, ``report.html``, ``summary.json`` and, on request, ``report.pdf``
into ``<out>/<year>/<org_id>/``. Every file is written to a temporary file in that folder and
moved into place with ``os.replace`` only once all of them are ready: a failure anywhere
leaves the folder as it was, with no half-written or temporary file, except that a notebook
that fails while running is kept, as papermill left it, as ``failed.ipynb`` (moved into place
atomically, and only if it is a whole notebook: a full disk leaves no truncated one; the
next successful run removes it). Temporary files are named as ``tempfiles`` names them
(``STAGING_TEMP``: their writer's process is in the name), so that a later run removes those
of a killed process and nobody removes those of a running one.
"""

from __future__ import annotations

import dataclasses
import errno
import html
import json
import os
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .. import __version__
from .._fastimport import nbformat  # without jsonschema's 1.2 s optional checker (see there)
from ..errors import ItaError, ParameterError, describe_os_error
from ..tempfiles import TEMP_NAME, temp_path
from ..thai import apply_digits
from ..thaibreak import CSS as BREAK_CSS
from .browser import CHROMIUM
from .context import DEFAULT_ORG, DEFAULT_YEAR, ReportParams, build_context, check_parameters
from .fonts import font_face_css
from .sections import ANNEX_TAG, SYNTHETIC_NOTE

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "ita_report"
SUMMARY_SCHEMA = "ita-analysis/report-summary/1"
FAILED_NOTEBOOK = "failed.ipynb"  # the partly executed notebook of a failed run
STAGING_TEMP = TEMP_NAME  # how _Staging.temp names its files


class ReportError(ItaError):
    """The report could not be made (the notebook failed, or printing failed)."""


@dataclass(frozen=True)
class ReportFiles:
    """Where one report's files were written."""

    folder: Path
    notebook: Path
    html: Path
    summary: Path
    annex: Path
    pdf: Path | None = None

    def all(self) -> list[Path]:
        return [p for p in (self.notebook, self.html, self.annex, self.summary, self.pdf)
                if p is not None]


def notebook_path() -> Path:
    """The report notebook: the copy installed with the package first, else the repo's."""
    installed = Path(str(resources.files("ita_analysis") / "_notebooks" / "report.ipynb"))
    if installed.is_file():
        return installed
    return Path(__file__).resolve().parents[2] / "notebooks" / "report.ipynb"


def report_folder(out_dir: str | Path, fiscal_year: int, org_id: str) -> Path:
    return Path(out_dir) / str(int(fiscal_year)) / org_id


# -- HTML --------------------------------------------------------------------------------------

_TAG = re.compile(r"<(style|script)\b.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)


def visible_text(fragment: str) -> str:
    """The text of an HTML fragment (tags dropped, entities read): what the font must draw."""
    return html.unescape(_TAG.sub(" ", fragment))


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _document_part(nb: nbformat.NotebookNode, annex: bool) -> nbformat.NotebookNode:
    """The cells of the public document (``annex=False``) or of the internal annex: the
    notebook computes both once, and each file shows only its own cells."""
    keep = [cell for cell in nb.cells if (ANNEX_TAG in _tags(cell)) == annex]
    return nbformat.from_dict({**nb, "cells": keep})


def _outputs_html(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if output.get("output_type") in ("display_data", "execute_result") \
                    and "text/html" in data:
                value = data["text/html"]
                parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


_EXPORTERS = threading.local()


def _exporter() -> Any:
    """This thread's HTML exporter for our template, made once: building one (and compiling
    its templates on first use) costs more than converting a report with it."""
    exporter = getattr(_EXPORTERS, "exporter", None)
    if exporter is None:
        exporter = _exporter_class()(template_name=TEMPLATE_NAME,
                                     extra_template_basedirs=[str(TEMPLATE_DIR)])
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        exporter.register_preprocessor(_tag_remover(), enabled=True)
        _EXPORTERS.exporter = exporter
    return exporter


@cache
def _exporter_class() -> type:
    """nbconvert's HTMLExporter without its BeautifulSoup pass over the finished page.

    That pass adds alt text to <img> elements without one and tabindex to JupyterLab's cell
    wrappers; our template writes neither, and re-serialising the page through html.parser
    costs ~60 ms a report and lowercases the charts' SVG attributes (viewBox -> viewbox). The
    rest is HTMLExporter.from_notebook_node as nbconvert 7 has it; should its internals move,
    the plain HTMLExporter is used.
    """
    from nbconvert.exporters.html import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    try:
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    except ImportError:  # pragma: no cover - another nbconvert
        return HTMLExporter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


def export_html(nb: nbformat.NotebookNode, *, title: str = "", digits: str | None = None,
                annex: bool = False) -> str:
    """The executed notebook as the finished document (one self-contained HTML page): the
    public document, or with ``annex`` the internal annex (the cells tagged ``annex``)."""
    exporter = _exporter()
    nb = _document_part(nb, annex)
    shown = _outputs_html(nb)
    if digits is None:  # a notebook run without us: the cover says which digits it used
        found = re.search(r'data-digits="(thai|arabic)"', shown)
        digits = found.group(1) if found else None
    synthetic = 'data-synthetic="1"' in shown
    text = visible_text(shown) + title + (SYNTHETIC_NOTE if synthetic else "")
    resources_in: dict[str, Any] = {"ita": {
        "font_css": font_face_css(text),
        "title": title or "การวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส",
        "generator": f"ita-analysis {__version__}",
        "digits": digits,
        "synthetic_note": SYNTHETIC_NOTE if synthetic else "",
        "break_css": BREAK_CSS,
    }}
    body, _ = exporter.from_notebook_node(nb, resources=resources_in)
    return body


def _tag_remover() -> Any:
    from nbconvert.preprocessors import TagRemovePreprocessor

    return TagRemovePreprocessor(remove_cell_tags={"remove_cell"},
                                 remove_input_tags={"remove_input"},
                                 remove_all_outputs_tags={"remove_output"})


# -- PDF ---------------------------------------------------------------------------------------

def _check_pdf_tools(chromium: str) -> None:
    if not Path(chromium).is_file():
        raise ParameterError(f"--pdf needs Chromium at {chromium} (Debian: apt-get install "
                             "chromium)")
    try:
        import playwright.sync_api  # noqa: F401
        import pypdf  # noqa: F401
    except ImportError as exc:
        raise ParameterError(f"--pdf needs the {exc.name} package "
                             "(pip install 'ita-analysis[pdf]')") from None


# -- the kernel --------------------------------------------------------------------------------

@cache  # one class per process: the warm engine keeps a kernel per manager class
def _kernel_manager_class() -> type | None:
    """A kernel manager that provisions CurveZMQ keys when the kernel supports them.

    The local kernel then talks to us encrypted, and ipykernel does not print its warning
    about plain-text TCP on every report. None (nbclient's default) where pyzmq lacks Curve.
    """
    import zmq
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    if not zmq.has("curve") or "transport_encryption" not in AsyncKernelManager.class_traits():
        return None

    class CurveKernelManager(AsyncKernelManager):
        @default("transport_encryption")
        def _encrypt_when_supported(self) -> str:
            return "auto"

    return CurveKernelManager


# -- atomic files ------------------------------------------------------------------------------

class _Staging:
    """Temporary files beside their targets, moved into place together or removed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pending: list[tuple[Path, Path]] = []

    def temp(self, name: str) -> Path:
        tmp = temp_path(self.folder / name)
        self.pending.append((tmp, self.folder / name))
        return tmp

    def write_text(self, name: str, text: str) -> Path:
        tmp = self.temp(name)
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        return tmp

    def commit(self) -> None:
        for tmp, _ in self.pending:
            if not tmp.is_file():
                raise ReportError(f"internal error: {tmp.name} was not written")
        for tmp, final in self.pending:
            os.replace(tmp, final)
        self.pending.clear()

    def discard(self) -> None:
        for tmp, _ in self.pending:
            tmp.unlink(missing_ok=True)
        self.pending.clear()


def _keep_failed(executed: Path, failed: Path) -> None:
    """Keep papermill's partly executed notebook as ``failed`` (an atomic rename), if it is a
    whole notebook: one cut short by a full disk or a file-size limit is removed, not kept."""
    if not executed.is_file():
        return
    try:
        nbformat.read(executed, as_version=4)
    except Exception:  # truncated JSON, or unreadable: nothing worth keeping
        executed.unlink(missing_ok=True)
        return
    os.replace(executed, failed)


_DISK_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def disk_error(exc: BaseException) -> OSError | None:
    """The full-disk (or file-size limit, or quota) error behind ``exc``, if that is what it is."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _DISK_FULL:
            return current
        current = current.__cause__ or current.__context__
    return None


def _writing_failed(exc: BaseException, folder: Path, what: str) -> ReportError:
    full = disk_error(exc)
    if full is not None:
        return ReportError(f"writing the {what} into {folder} failed: "
                           f"{full.strerror or 'disk full'}; nothing was kept")
    if isinstance(exc, OSError):
        return ReportError(f"writing the {what} into {folder} failed: {describe_os_error(exc)}")
    detail = " ".join(str(exc).split())[:300]
    return ReportError(f"running the {what} notebook failed: {type(exc).__name__}: {detail}")


@contextmanager
def _staged(folder: Path) -> Iterator[_Staging]:
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create the folder {folder}: {describe_os_error(exc)}"
                          ) from None
    staging = _Staging(folder)
    try:
        yield staging
        staging.commit()
    except BaseException:
        staging.discard()
        if created:
            with suppress(OSError):
                if not any(folder.iterdir()):
                    folder.rmdir()
        raise


# -- the whole run -----------------------------------------------------------------------------

def run_time() -> datetime:
    """The run time a document records: now, in the local time zone, to the second; or, where
    ``SOURCE_DATE_EPOCH`` is set (reproducible-builds.org: seconds since 1970 UTC), that
    instant, so that two runs of the same inputs give the same bytes."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return datetime.now().astimezone().replace(microsecond=0)
    try:
        return datetime.fromtimestamp(int(raw), tz=UTC).astimezone()
    except (ValueError, OverflowError, OSError):
        raise ParameterError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since "
                             f"1970-01-01 UTC; got {raw!r}") from None


def _summary(params: ReportParams, files: dict[str, str], generated_at: datetime,
             ctx: Any) -> dict[str, Any]:
    """What summary.json holds: the figures and findings, and all the annex records (data
    quality, the framework's provenance, the run), for machines and for audit."""
    fw = ctx.framework
    plan = ctx.measure_plan
    return {
        "schema": SUMMARY_SCHEMA,
        "org": ctx.org,
        "parameters": params.as_dict(),
        "generated": {
            "package_version": __version__,
            "framework_file": ctx.framework_file.name,
            "framework_origin": ctx.framework_origin,
            "data_source": params.data_dir or "embedded default data",
            "data_digest": ctx.dataset.digest,
            "data_files": sorted(p.name for p in ctx.dataset.files.values()),
            "run_time": generated_at.isoformat(timespec="seconds"),
        },
        "document": {
            "date": ctx.document_date.isoformat() if ctx.document_date else None,
            "synthetic": ctx.synthetic,
            "sections": list(ctx.sections),
        },
        "files": files,
        "rules": ctx.rules_summary(),
        "findings": ctx.findings.model_dump(mode="json"),
        "recommendations": [r.model_dump(mode="json") for r in ctx.recommendations],
        "measures": {
            "year": plan.year,
            "ahead": [dataclasses.asdict(m) for m in plan.ahead],
            "done": [dataclasses.asdict(m) for m in plan.done],
            "weak_points": [dataclasses.asdict(w) for w in plan.weak_points],
            "stated": plan.stated,
        },
        "framework_provenance": fw.provenance.model_dump(mode="json"),
    }


def _execution_error(exc: Exception) -> ReportError:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = " ".join(str(getattr(exc, "evalue", exc)).split())
    count = getattr(exc, "exec_count", None)
    where = f" in cell {count}" if count is not None else ""
    return ReportError(f"the report notebook failed{where}: {ename}: {evalue}")


def render_report(
    org_id: str = DEFAULT_ORG,
    fiscal_year: int = DEFAULT_YEAR,
    *,
    data_dir: str | Path | None = None,
    out_dir: str | Path = "outputs",
    digits: str = "thai",
    report_date: str | date | None = None,
    pdf: bool = False,
    notebook: str | Path | None = None,
    chromium: str = CHROMIUM,
    kernel_name: str | None = None,
    timeout: int | None = 600,
    engine_name: str | None = None,
    extra_summary: Mapping[str, Any] | None = None,
) -> ReportFiles:
    """Make one organisation's report for one fiscal year; returns the paths written.

    ``engine_name`` is papermill's execution engine (None: its default); ``extra_summary``
    adds keys to ``summary.json`` (``ita-analysis batch`` records its input fingerprint).
    """
    params, _ = check_parameters(org_id, fiscal_year, data_dir or "", digits, report_date or "")
    if pdf:
        _check_pdf_tools(chromium)
    source = Path(notebook) if notebook is not None else notebook_path()
    if not source.is_file():
        raise ParameterError(f"report notebook {source} not found")
    generated_at = run_time()  # a wrong SOURCE_DATE_EPOCH is refused before a kernel starts
    if engine_name == "ita-warm":  # a warm kernel: if there is none yet, it boots meanwhile
        from ..engine import ensure_registered, prestart

        ensure_registered()
        prestart(kernel_name, _kernel_manager_class(), notebook=source)
    nb_params = {**params.notebook_parameters(), "generated_at": generated_at.isoformat()}
    ctx = build_context(**nb_params)
    folder = report_folder(out_dir, params.fiscal_year, params.org_id)
    names = {"notebook": "report.ipynb", "html": "report.html", "annex": "annex.html",
             "summary": "summary.json"}
    if pdf:
        names["pdf"] = "report.pdf"

    import papermill
    from papermill.exceptions import PapermillExecutionError

    with _staged(folder) as stage:
        executed = stage.temp(names["notebook"])
        try:
            papermill.execute_notebook(
                # lab_fonts: the notebook's JupyterLab-only style cell has nothing to do here
                str(source), str(executed), parameters={**nb_params, "lab_fonts": False},
                kernel_name=kernel_name, engine_name=engine_name, progress_bar=False,
                log_output=False, execution_timeout=timeout,
                **({"kernel_manager_class": km} if (km := _kernel_manager_class()) else {}))
        except PapermillExecutionError as exc:
            _keep_failed(executed, folder / FAILED_NOTEBOOK)
            raise _execution_error(exc) from exc
        except ItaError:
            raise
        except Exception as exc:  # the kernel died, timed out or could not start; disk full
            _keep_failed(executed, folder / FAILED_NOTEBOOK)
            raise _writing_failed(exc, folder, "report") from exc
        nb = nbformat.read(executed, as_version=4)
        title = apply_digits(f"การวิเคราะห์ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. "
                             f"{params.fiscal_year} — {ctx.org['name']}", params.digits)
        page = export_html(nb, title=title, digits=params.digits)
        try:
            html_tmp = stage.write_text(names["html"], page)
            stage.write_text(names["annex"], export_html(
                nb, title=f"ภาคผนวก (เอกสารภายใน) — {title}", digits=params.digits,
                annex=True))
        except OSError as exc:
            raise _writing_failed(exc, folder, "report") from exc
        if pdf:
            from .browser import print_pdf

            try:
                print_pdf(html_tmp, stage.temp(names["pdf"]), chromium)
            except ItaError:
                raise
            except Exception as exc:
                raise ReportError(f"printing the PDF failed: {' '.join(str(exc).split())[:300]}"
                                  ) from exc
        # summary.json is staged last, so it is also moved into place last: a process killed
        # between two renames leaves whole files and the earlier summary (or none), which
        # `ita-analysis batch` then sees as a report to make again
        summary = {**_summary(params, names, generated_at, ctx), **(extra_summary or {})}
        try:
            stage.write_text(names["summary"],
                             json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
        except OSError as exc:
            raise _writing_failed(exc, folder, "report") from exc
    (folder / FAILED_NOTEBOOK).unlink(missing_ok=True)  # an earlier failure is now stale
    return ReportFiles(folder=folder, notebook=folder / names["notebook"],
                       html=folder / names["html"], summary=folder / names["summary"],
                       annex=folder / names["annex"],
                       pdf=folder / names["pdf"] if pdf else None)


# -- any notebook, the same way ----------------------------------------------------------------

def render_notebook(
    source: str | Path,
    folder: str | Path,
    stem: str,
    parameters: Mapping[str, Any],
    *,
    title: str,
    digits: str,
    summary: Mapping[str, Any] | None = None,
    what: str = "notebook",
    kernel_name: str | None = None,
    timeout: int | None = 600,
) -> dict[str, Path]:
    """Run a notebook with papermill and ``parameters``, export it with our template, and write
    ``<stem>.ipynb``, ``<stem>.html`` and (given ``summary``) ``<stem>.json`` into ``folder``,
    all of them or none (``_staged``). A notebook that fails while running is kept, as
    papermill left it, as ``<stem>.failed.ipynb``; the next successful run removes it.

    Parameters must have been checked by the caller: nothing here knows what they mean.
    ``what`` names the notebook in error messages ("the portfolio notebook failed in cell 4:
    …"). A notebook with cells tagged ``annex`` also gives ``<stem>-annex.html``, the internal
    annex. Returns the paths written, keyed ``notebook``, ``html`` (``annex``, ``summary``).
    ``render_report`` keeps its own steps; this is the same pipeline for other notebooks.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    folder = Path(folder)
    names = {"notebook": f"{stem}.ipynb", "html": f"{stem}.html"}
    source_nb = nbformat.read(source, as_version=4)
    if any(ANNEX_TAG in _tags(cell) for cell in source_nb.cells):
        names["annex"] = f"{stem}-annex.html"
    if summary is not None:
        names["summary"] = f"{stem}.json"
    failed = folder / f"{stem}.failed.ipynb"
    with _staged(folder) as stage:
        executed = stage.temp(names["notebook"])
        try:
            papermill.execute_notebook(
                str(source), str(executed), parameters=dict(parameters),
                kernel_name=kernel_name, progress_bar=False, log_output=False,
                execution_timeout=timeout,
                **({"kernel_manager_class": km} if (km := _kernel_manager_class()) else {}))
        except PapermillExecutionError as exc:
            _keep_failed(executed, failed)
            message = str(_execution_error(exc)).replace("the report notebook",
                                                         f"the {what} notebook", 1)
            raise ReportError(message) from exc
        except ItaError:
            raise
        except Exception as exc:  # the kernel died, timed out or could not start; disk full
            _keep_failed(executed, failed)
            raise _writing_failed(exc, folder, what) from exc
        nb = nbformat.read(executed, as_version=4)
        try:
            stage.write_text(names["html"], export_html(nb, title=title, digits=digits))
            if "annex" in names:
                stage.write_text(names["annex"], export_html(
                    nb, title=f"ภาคผนวก (เอกสารภายใน) — {title}", digits=digits, annex=True))
            if summary is not None:
                stage.write_text(names["summary"],
                                 json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
        except OSError as exc:
            raise _writing_failed(exc, folder, what) from exc
    failed.unlink(missing_ok=True)  # an earlier failure is now stale
    return {key: folder / name for key, name in names.items()}
