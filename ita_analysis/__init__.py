"""ita-analysis: score, grade, analyse and report Thailand's ITA results from data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ita-analysis")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
