"""Imports that would otherwise cost a second: ``import jsonschema`` without ``rfc3987_syntax``.

nbformat imports jsonschema (so papermill and nbconvert do too), and jsonschema, at import,
registers an optional "iri" format checker from ``rfc3987_syntax`` when that package is
installed, which builds its Lark grammar there and then: 1.2 s on this machine, more than all
the rest of ``import papermill``. Nothing asks for it: rfc3987_syntax arrives with JupyterLab
(jupyter-events depends on ``jsonschema[format-nongpl]``), and neither nbformat's schemas nor
papermill's nor ours use the "iri" formats.

``import_jsonschema()`` imports jsonschema with ``rfc3987_syntax`` hidden, once per process,
before anything else does; afterwards ``rfc3987_syntax`` imports as usual. Importing this
module does it and then imports nbformat: ``from .fastimport import nbformat`` in a module
that needs nbformat (``report.render``, which every rendering process imports before papermill
and nbconvert) makes the whole process's jsonschema the quick one. The one effect: in
this process, jsonschema's ``FormatChecker`` does not check the "iri" and "iri-reference"
formats (it treats them as valid, as when the package is not installed). Where jsonschema was
already imported, nothing changes.
"""

from __future__ import annotations

import sys

_HIDDEN = "rfc3987_syntax"


def import_jsonschema() -> None:
    """Import jsonschema without its slow optional format checker (see the module's text)."""
    if "jsonschema" in sys.modules or _HIDDEN in sys.modules:
        return
    sys.modules[_HIDDEN] = None  # type: ignore[assignment]  # "import rfc3987_syntax" fails
    try:
        import jsonschema  # noqa: F401
    except ImportError:  # not installed: nbformat then does without it as well
        pass
    finally:
        if sys.modules.get(_HIDDEN, 0) is None:
            del sys.modules[_HIDDEN]


import_jsonschema()

import nbformat  # noqa: E402

__all__ = ["import_jsonschema", "nbformat"]
