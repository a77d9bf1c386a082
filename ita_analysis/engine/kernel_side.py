"""The kernel side of the warm engine (``engine.warm``): runs inside the Jupyter kernel.

This file is not imported by the package: the engine sends its source text to a freshly started
kernel, which executes it as the module ``_ita_warm_kernel`` (so the kernel needs no
``ita_analysis`` installed, and a user's ``%reset`` cannot remove it). It uses the standard
library only and touches a third-party library only once the kernel has imported it.

``warm_up(preload)`` imports the heavy modules once and records the process state a fresh
kernel has after those imports. ``reset(cwd)`` runs before every notebook and puts the kernel
back into that state, so that a notebook's output does not depend on what ran before it:

* IPython: the user namespace, ``In``/``Out``, the history session and the execution counter
  (a new session, as a fresh kernel starts: the first cell is ``[1]`` again); event callbacks
  and AST transformers that a notebook registered are dropped.
* the working directory (the caller's, as papermill would start a kernel there), ``sys.path``,
  ``os.environ``, the root logger's level and handlers, ``warnings`` filters and the
  once-per-location registries (a warning shown by an earlier notebook is shown again), the
  ``decimal`` context, ``locale``.
* matplotlib: every pyplot figure closed, ``rcParams`` and the unit converters restored to the
  snapshot (``rc_file_defaults()`` when matplotlib arrived after the snapshot); numpy print and
  floating-point error options; pandas options (changed ones set back, or ``reset_option``).

What stays, on purpose: imported modules and what they registered at import time (a second
import is a no-op, as in any long-lived kernel: pyplot's inline figure display, once a
notebook imported pyplot, say), and caches that are keyed by everything they depend on.
``ita_analysis`` keeps four: ``dataset._load_cached`` (keyed by the data folder and each file's
name, size and modification time, so changed data is read again), ``report.context``'s scored
tables (keyed by the data's digest, a hash of the files' bytes, the folder's own rule files
included), ``framework.load_framework`` and ``recommend.load_recommendations`` (keyed by each
rule file's path, modification time and size, a data folder's own files included, so an edited
file is read again); the rest (fonts registered with matplotlib, compiled
templates) depend on nothing a report changes. Keeping them is the point of a warm kernel: a
batch reads, validates and scores its data once per kernel, not once per report. The cached
tables are shared, so a notebook must not change them in place (ours never does). Random
generators are not reseeded: a fresh kernel seeds them from the OS, so a notebook that wants
the same numbers seeds them itself.

Garbage collection: after the warm-up the imported modules' objects are frozen (``gc.freeze``),
and after every reset what survived the last notebook (the caches above), so that IPython's
reset, which runs a full collection, costs milliseconds, not ~50 ms.
"""

from __future__ import annotations

import decimal
import gc
import importlib
import locale
import logging
import os
import sys
import warnings
from typing import Any

_STATE: dict[str, Any] = {}


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - a kernel without IPython
        return None
    return get_ipython()


def warm_up(preload: list[str] | tuple[str, ...]) -> list[str]:
    """Import ``preload`` (names that fail are returned, not raised), then snapshot the state."""
    failed = []
    for name in preload:
        try:
            importlib.import_module(name)
        except Exception as exc:
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    snapshot()
    # What the imports made lives as long as the kernel: keep it out of every later garbage
    # collection (IPython's reset runs a full one; without this it costs ~50 ms a notebook).
    gc.collect()
    gc.freeze()
    return failed


def snapshot() -> None:
    """Record the state that ``reset`` restores."""
    s = _STATE
    s.clear()
    s["path"] = list(sys.path)
    s["environ"] = dict(os.environ)
    s["warnings"] = list(warnings.filters)
    s["decimal"] = decimal.getcontext().copy()
    root = logging.getLogger()
    s["logging"] = (root.level, list(root.handlers))
    try:
        s["locale"] = locale.setlocale(locale.LC_ALL)
    except locale.Error:
        pass
    ip = _shell()
    if ip is not None:
        s["events"] = {name: list(cbs) for name, cbs in ip.events.callbacks.items()}
        s["ast_transformers"] = list(ip.ast_transformers)
    if "matplotlib" in sys.modules:
        import matplotlib
        from matplotlib import units

        s["rc"] = matplotlib.rcParams.copy()
        s["units"] = dict(units.registry)
    if "numpy" in sys.modules:
        import numpy

        s["np_print"] = numpy.get_printoptions()
        s["np_err"] = numpy.geterr()
    if "pandas" in sys.modules:
        s["pandas"] = _pandas_options()


def _freeze_survivors() -> None:
    """Collect the last notebook's garbage, then freeze what survives: the caches the kernel
    keeps for a batch (data, scored tables, segmented texts, fonts), filled by the first
    notebooks, after the warm-up's freeze. Otherwise IPython's reset walks them in a full
    collection before every notebook (~50 ms); now it walks only what one notebook made. An
    object frozen and dropped later is still freed by reference counting; only a reference
    cycle of such objects waits for the kernel's replacement (``ITA_WARM_MAX_NOTEBOOKS``)."""
    gc.collect()
    gc.freeze()


def reset(cwd: str) -> None:
    """Put the kernel back into the state ``snapshot`` recorded; run before each notebook."""
    s = _STATE
    ip = _shell()
    if ip is not None:
        ip.reset(new_session=True)  # %reset -f, plus a new history session and counter
        if "events" in s:
            for name, cbs in s["events"].items():
                ip.events.callbacks[name][:] = cbs
        if "ast_transformers" in s:
            ip.ast_transformers[:] = s["ast_transformers"]
    _freeze_survivors()
    os.chdir(cwd)
    if "path" in s:
        sys.path[:] = s["path"]
    if "environ" in s and dict(os.environ) != s["environ"]:
        os.environ.clear()
        os.environ.update(s["environ"])
    if "logging" in s:
        root = logging.getLogger()
        root.setLevel(s["logging"][0])
        root.handlers[:] = s["logging"][1]
    if "warnings" in s:
        warnings.filters[:] = s["warnings"]
    mutated = getattr(warnings, "_filters_mutated", None) or getattr(
        warnings, "_filters_mutated_lock_held", None)
    if mutated is not None:
        mutated()  # every module's "already shown" registry is stale from now on
    if "decimal" in s:
        decimal.setcontext(s["decimal"].copy())
    if "locale" in s:
        try:
            if locale.setlocale(locale.LC_ALL) != s["locale"]:
                locale.setlocale(locale.LC_ALL, s["locale"])
        except locale.Error:
            pass
    _reset_matplotlib(s)
    _reset_numpy(s)
    _reset_pandas(s)


def _reset_matplotlib(s: dict[str, Any]) -> None:
    if "matplotlib" not in sys.modules:
        return
    import matplotlib
    from matplotlib import units

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    rc = s.get("rc")
    if rc is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            matplotlib.rc_file_defaults()
        return
    setter = getattr(matplotlib.rcParams, "_set", None)
    getter = getattr(rc, "_get", rc.__getitem__)
    for key in rc:
        if key == "backend":  # reading it may resolve the backend; it never changes here
            continue
        value = getter(key)
        if setter is not None:
            setter(key, value)  # the values were validated when they were first set
        else:  # pragma: no cover - matplotlib before 3.7
            matplotlib.rcParams[key] = value
    if "units" in s and dict(units.registry) != s["units"]:
        units.registry.clear()
        units.registry.update(s["units"])


def _reset_numpy(s: dict[str, Any]) -> None:
    if "numpy" not in sys.modules or "np_print" not in s:
        return
    import numpy

    try:
        if numpy.get_printoptions() != s["np_print"]:
            numpy.set_printoptions(**s["np_print"])
        numpy.seterr(**s["np_err"])
    except (TypeError, ValueError):  # pragma: no cover - an option this numpy does not take
        pass


def _pandas_options() -> dict[str, Any]:
    import pandas

    keys = list(getattr(pandas._config.config, "_registered_options", {}))
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key in keys:
            try:
                out[key] = pandas.get_option(key)
            except Exception:  # an option that cannot be read is left alone
                continue
    return out


def _reset_pandas(s: dict[str, Any]) -> None:
    if "pandas" not in sys.modules:
        return
    import pandas

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if "pandas" not in s:
            pandas.reset_option("all")
            return
        for key, value in _pandas_options().items():
            if key in s["pandas"] and value != s["pandas"][key]:
                try:
                    pandas.set_option(key, s["pandas"][key])
                except Exception:  # an option that refuses its old value is left
                    continue
