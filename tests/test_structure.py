"""The package's layout keeps its rules (scripts/structure.py reads them from the source):
no import circle, and no private name imported from another module."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
try:
    import structure
finally:
    sys.path.pop(0)


def test_no_import_circle() -> None:
    assert structure.read(REPO).circles() == []


def test_no_private_name_is_imported_across_modules() -> None:
    assert structure.read(REPO).private == []
