"""``ita-warm``: a papermill engine that keeps one warm Jupyter kernel per worker and reuses it,
resetting it between notebooks (``kernel_side.reset``), so that a batch does not pay a kernel
start and the heavy imports per report. How it works and what it resets:
docs/architecture.md.

    papermill --engine ita-warm in.ipynb out.ipynb -p org_id ...
    papermill.execute_notebook(src, out, engine_name="ita-warm", ...)
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from pathlib import Path
from typing import Any

from . import ENGINE_NAME
from .kernel import (
    DEFAULT_SAVE_EVERY,
    WarmKernel,
    env_float,
    env_max_notebooks,
    env_preload,
    logger,
)

# -- the per-process pool ----------------------------------------------------------------------

_POOL: dict[tuple[int, str, Any], WarmKernel] = {}
_POOL_PID = os.getpid()
_POOL_LOCK = threading.Lock()
_ATEXIT = False


def _register_atexit() -> None:
    """Shut the kernels down when this process exits: through ``atexit`` in a main process,
    and through multiprocessing's finalizers in a worker it started (pool and Dask workers
    leave with ``os._exit``, which skips ``atexit``)."""
    global _ATEXIT
    if not _ATEXIT:
        from multiprocessing import util

        atexit.register(_kill_kernels)
        util.Finalize(None, _kill_kernels, exitpriority=100)
        _ATEXIT = True


def _pool() -> dict[tuple[int, str, Any], WarmKernel]:
    global _POOL_PID, _ATEXIT
    if os.getpid() != _POOL_PID:  # a forked child: those kernels are the parent's
        _POOL.clear()
        _POOL_PID = os.getpid()
        _ATEXIT = False
    return _POOL


def warm_kernel(kernel_name: str, manager_class: type | None = None, *,
                max_notebooks: int | None = None, preload: tuple[str, ...] | None = None,
                startup_timeout: int = 60) -> WarmKernel:
    """This thread's warm kernel for ``kernel_name`` (created, not yet started, if new)."""
    key = (threading.get_ident(), kernel_name, manager_class)
    with _POOL_LOCK:
        pool = _pool()
        kernel = pool.get(key)
        if kernel is None:
            kernel = pool[key] = WarmKernel(
                kernel_name, manager_class,
                max_notebooks=max_notebooks or env_max_notebooks(),
                preload=tuple(preload) if preload is not None else env_preload(),
                startup_timeout=startup_timeout, on_launch=_register_atexit)
        elif max_notebooks is not None:
            kernel.max_notebooks = max_notebooks
    return kernel


def prestart(kernel_name: str | None = None, manager_class: type | None = None, *,
             notebook: str | os.PathLike[str] | None = None) -> None:
    """Launch this thread's warm kernel now, if it has none, so that it boots while the caller
    prepares the notebook (``render_report`` does this when it runs with this engine).
    ``kernel_name`` defaults, as papermill's does, to the notebook's kernelspec."""
    if not kernel_name and notebook is not None:
        try:
            meta = json.loads(Path(notebook).read_text(encoding="utf-8")).get("metadata", {})
            kernel_name = meta.get("kernelspec", {}).get("name")
        except (OSError, ValueError, AttributeError):
            kernel_name = None
    if kernel_name:
        warm_kernel(kernel_name, manager_class).prestart()


def warm_kernels() -> list[WarmKernel]:
    """The warm kernels of this process (for tests and diagnostics)."""
    with _POOL_LOCK:
        return list(_pool().values())


def thread_kernels() -> list[WarmKernel]:
    """The warm kernels of the calling thread (``ita-analysis batch`` records their stats)."""
    ident = threading.get_ident()
    with _POOL_LOCK:
        return [kernel for key, kernel in _pool().items() if key[0] == ident]


def engine_names() -> list[str]:
    """The papermill engines that can be named: papermill's own (``nbclient``), this one, and
    those registered through papermill's entry point group, read without importing papermill."""
    from importlib.metadata import entry_points

    return sorted({"nbclient", ENGINE_NAME,
                   *(ep.name for ep in entry_points(group="papermill.engine"))})


def check_engine(name: str | None) -> None:
    """Raise ``ParameterError`` for a papermill engine name that no engine answers to."""
    if name is None:
        return
    if name not in engine_names():
        from ..errors import ParameterError

        raise ParameterError(f"--engine: no papermill engine {name!r}; known: "
                             f"{', '.join(engine_names())}")


def ensure_registered() -> None:
    """Register this engine with papermill, should papermill not have found its entry point
    (a checkout run without installing the package)."""
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(ENGINE_NAME)
    except PapermillException:
        papermill_engines.register(ENGINE_NAME, _warm_engine_class())


def shutdown_kernels() -> None:
    """Shut down every warm kernel of this process."""
    for kernel in _take_all():
        kernel.shutdown()


def _kill_kernels() -> None:
    """At exit: kill every warm kernel of this process, without an event loop
    (``WarmKernel.kill`` says why)."""
    for kernel in _take_all():
        kernel.kill()


def _take_all() -> list[WarmKernel]:
    with _POOL_LOCK:
        kernels = list(_pool().values())
        _POOL.clear()
    return kernels


# -- the papermill engine ----------------------------------------------------------------------

def _execute_managed_notebook(
    nb_man: Any,
    kernel_name: str,
    log_output: bool = False,
    stdout_file: Any = None,
    stderr_file: Any = None,
    start_timeout: int = 60,
    execution_timeout: int | None = None,
    **kwargs: Any,
) -> Any:
    """WarmEngine.execute_managed_notebook: NBClientEngine's argument handling, then this
    thread's warm kernel instead of a new one."""
    from papermill.utils import merge_kwargs, remove_args

    kwargs = remove_args(["input_path"], **kwargs)
    manager_class = kwargs.pop("kernel_manager_class", None)
    max_notebooks = kwargs.pop("max_notebooks", None)
    preload = kwargs.pop("preload", None)
    save_every = kwargs.pop("save_every", None)
    if save_every is None:
        save_every = env_float("ITA_WARM_SAVE_EVERY", DEFAULT_SAVE_EVERY)
    safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
    final_kwargs = merge_kwargs(
        safe_kwargs,
        timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
        startup_timeout=start_timeout,
        kernel_name=kernel_name,
        log=logger,
        log_output=log_output,
        stdout_file=stdout_file,
        stderr_file=stderr_file,
    )
    kernel = warm_kernel(kernel_name, manager_class, max_notebooks=max_notebooks,
                         preload=preload, startup_timeout=start_timeout)
    return kernel.execute(nb_man, save_every=float(save_every), **final_kwargs)


# papermill is imported only when a notebook runs, and WarmEngine is made on first access (the
# module's __getattr__ below): importing papermill loads every "papermill.engine" entry point,
# this module's WarmEngine among them, so a papermill import at the top of this module would
# find this module half made whichever of the two was imported first.
_WARM_ENGINE: type | None = None


def _warm_engine_class() -> type:
    global _WARM_ENGINE
    if _WARM_ENGINE is None:
        from papermill.engines import Engine  # may come back here through the entry point

        if _WARM_ENGINE is None:

            class WarmEngine(Engine):
                """papermill engine ``ita-warm``: NBClientEngine's semantics on a reused, reset
                kernel (see ``ita_analysis.engine.warm``)."""

                @classmethod
                def execute_managed_notebook(cls, nb_man: Any, kernel_name: str,
                                             **kwargs: Any) -> Any:
                    return _execute_managed_notebook(nb_man, kernel_name, **kwargs)

            WarmEngine.__qualname__ = "WarmEngine"  # importable as ita_analysis.engine.WarmEngine
            _WARM_ENGINE = WarmEngine
    return _WARM_ENGINE


def __getattr__(name: str) -> Any:
    if name == "WarmEngine":  # the class papermill's entry point names
        return _warm_engine_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
