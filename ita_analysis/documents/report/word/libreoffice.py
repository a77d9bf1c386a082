"""report.docx as LibreOffice prints it: a headless conversion to PDF, for a preview without
Word, the README's picture and the tests.

The machine needs no Thai font and no TH Sarabun New: a private fontconfig file adds the
package's Sarabun and names it for TH Sarabun New, as the document's font table does.
LibreOffice runs with a throw-away profile and home in ``work``, so nothing of the user's is
read or changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import fontpkg

from ....errors import ItaError
from .ooxml import FALLBACK, FONT


def soffice() -> str | None:
    """LibreOffice's command, if installed (Debian: libreoffice-writer-nogui)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def fontconfig(work: Path) -> Path:
    """A fontconfig file: the system's fonts, the package's Sarabun, TH Sarabun New drawn
    with Sarabun."""
    sarabun = Path(fontpkg.path(FALLBACK, weight=400)).parent
    conf = work / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{sarabun}</dir>
  <cachedir>{work / "fontcache"}</cachedir>
  <alias binding="same">
    <family>{FONT}</family><prefer><family>{FALLBACK}</family></prefer>
  </alias>
</fontconfig>
""", encoding="utf-8")
    return conf


def to_pdf(docx: Path, work: Path, timeout: int = 240) -> Path:
    """Print ``docx`` to ``work/pdf/<stem>.pdf`` with LibreOffice; returns the PDF's path."""
    command = soffice()
    if command is None:
        raise ItaError("LibreOffice is not installed (Debian: apt-get install "
                       "libreoffice-writer-nogui)")
    work.mkdir(parents=True, exist_ok=True)
    (work / "home").mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(work / "home"), "FONTCONFIG_FILE": str(fontconfig(work))}
    subprocess.run([command, f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                    str(work / "pdf"), str(docx)],
                   env=env, check=True, capture_output=True, timeout=timeout)
    pdf = work / "pdf" / f"{docx.stem}.pdf"
    if not pdf.is_file():
        raise ItaError(f"LibreOffice wrote no PDF of {docx.name}")
    return pdf
