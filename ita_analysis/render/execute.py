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
def kernel_manager_class() -> type:
    """The kernel manager every notebook of ours runs under.

    On POSIX the kernel listens on Unix sockets in a folder of its own (transport "ipc"), not
    on TCP ports: jupyter_client picks a TCP port by binding and releasing it, so between that
    and the kernel's own bind another process (a second batch worker, any outgoing connection)
    can take it and the kernel dies with "Address already in use". And where pyzmq and
    jupyter_client support CurveZMQ, the kernel talks to us encrypted (ipykernel then does not
    print its warning about plain-text transport on every report).
    """
    import shutil
    import tempfile

    import zmq
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    curve = zmq.has("curve") and "transport_encryption" in AsyncKernelManager.class_traits()
    ipc = os.name == "posix"

    class ItaKernelManager(AsyncKernelManager):
        @default("transport")
        def _ipc_on_posix(self) -> str:
            return "ipc" if ipc else "tcp"

        _socket_folder: str | None = None  # made by us, removed with the kernel's sockets

        def _ip_default(self) -> str:  # traitlets' dynamic default of ``ip``
            if self.transport != "ipc":
                return super()._ip_default()
            self._socket_folder = tempfile.mkdtemp(prefix="ita-kernel-")
            # short: a Unix socket's path has at most 107 bytes
            return os.path.join(self._socket_folder, "k")

        def write_connection_file(self, **kwargs: Any) -> None:
            if self._socket_folder:  # again after a restart's clean-up removed it
                os.makedirs(self._socket_folder, mode=0o700, exist_ok=True)
            super().write_connection_file(**kwargs)

        def cleanup_ipc_files(self) -> None:
            super().cleanup_ipc_files()
            if self._socket_folder:
                shutil.rmtree(self._socket_folder, ignore_errors=True)

        if curve:
            @default("transport_encryption")
            def _encrypt_when_supported(self) -> str:
                return "auto"

    return ItaKernelManager


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
            kernel_manager_class=kernel_manager_class())
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
