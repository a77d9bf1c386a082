"""ita-analysis: score, grade, analyse and report Thailand's ITA results from data."""

from __future__ import annotations

from functools import cache


@cache
def _version() -> str:
    # importlib.metadata scans the installed distributions: read it once, and only when asked
    # (``ita-analysis --help`` never needs it)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ita-analysis")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["__version__"]
