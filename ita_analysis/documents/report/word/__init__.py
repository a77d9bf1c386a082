"""The report as an editable Word document (``report.docx``), for the agency that signs,
letter-heads and sometimes edits its analysis before publishing it.

Built with python-docx from the same section data as the HTML (``report.sections``), never
by converting the HTML: the two documents cannot disagree. See ``document`` for the sections
and ``writer`` for how a Thai official document is set (A4, margins, TH Sarabun New).
"""

from __future__ import annotations

from .document import build, docx_bytes

__all__ = ["build", "docx_bytes"]
