"""Print a finished HTML document to PDF (A4) with headless Chromium (``browser.print_pdf``)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ItaError, ParameterError, ReportError
from .browser import CHROMIUM, print_pdf


def check_pdf_tools(chromium: str = CHROMIUM) -> None:
    """Refuse ``--pdf`` before anything runs when Chromium or the printing packages are missing."""
    if not Path(chromium).is_file():
        raise ParameterError(f"--pdf needs Chromium at {chromium} (Debian: apt-get install "
                             "chromium)")
    try:
        import playwright.sync_api  # noqa: F401
        import pypdf  # noqa: F401
    except ImportError as exc:
        raise ParameterError(f"--pdf needs the {exc.name} package "
                             "(pip install 'ita-analysis[pdf]')") from None


def print_document(html_file: Path, pdf_file: Path, chromium: str = CHROMIUM) -> None:
    """Print ``html_file`` into ``pdf_file``; any failure is a ``ReportError``."""
    try:
        print_pdf(html_file, pdf_file, chromium)
    except ItaError:
        raise
    except Exception as exc:
        raise ReportError(f"printing the PDF failed: {' '.join(str(exc).split())[:300]}"
                          ) from exc
