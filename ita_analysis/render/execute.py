"""Run a notebook with papermill (any document, any engine): parameters in, the executed
notebook out; on failure papermill's partly executed notebook is kept beside the document."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from ..engine.warm import ENGINE_NAME, ensure_registered, prestart
from ..errors import ItaError, ReportError
from .fastimport import nbformat  # without jsonschema's 1.2 s optional checker (see there)
from .outputs import disk_error, writing_failed


@cache  # one class per process: the warm engine keeps a kernel per manager class
def kernel_manager_class() -> type | None:
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



def start_engine(engine_name: str | None, kernel_name: str | None, source: Path) -> None:
    """With the warm engine, boot this thread's kernel now (if it has none), so that it starts
    while the caller prepares the notebook's parameters."""
    if engine_name == ENGINE_NAME:
        ensure_registered()
        prestart(kernel_name, kernel_manager_class(), notebook=source)


def keep_failed(executed: Path, failed: Path) -> None:
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


def execution_error(exc: Exception, what: str) -> ReportError:
    """The one-line error of a notebook that raised: which cell, which exception."""
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = " ".join(str(getattr(exc, "evalue", exc)).split())
    count = getattr(exc, "exec_count", None)
    where = f" in cell {count}" if count is not None else ""
    return ReportError(f"the {what} notebook failed{where}: {ename}: {evalue}")


def execute(source: Path, executed: Path, parameters: dict[str, Any], *, failed: Path,
            what: str, kernel_name: str | None = None, engine_name: str | None = None,
            timeout: int | None = 600) -> nbformat.NotebookNode:
    """Run ``source`` with ``parameters`` into ``executed`` and return the executed notebook.

    A notebook that raises, a kernel that dies or times out, a full disk: ``ReportError``
    (``what`` names the document), with papermill's partly executed notebook kept as
    ``failed``."""
    import papermill  # after .fastimport, and only when a notebook runs
    from papermill.exceptions import PapermillExecutionError

    start_engine(engine_name, kernel_name, source)
    try:
        papermill.execute_notebook(
            str(source), str(executed), parameters=parameters,
            kernel_name=kernel_name, engine_name=engine_name, progress_bar=False,
            log_output=False, execution_timeout=timeout,
            **({"kernel_manager_class": km} if (km := kernel_manager_class()) else {}))
    except PapermillExecutionError as exc:
        keep_failed(executed, failed)
        raise execution_error(exc, what) from exc
    except ItaError:
        raise
    except Exception as exc:  # the kernel died, timed out or could not start; disk full
        if disk_error(exc) is None:
            keep_failed(executed, failed)
        else:  # "nothing was kept": a failed notebook would only keep the disk full
            executed.unlink(missing_ok=True)
        raise writing_failed(exc, failed.parent, what) from exc
    return nbformat.read(executed, as_version=4)
