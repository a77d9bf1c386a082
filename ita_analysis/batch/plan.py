"""Whether a job's report must be rendered again, from what its folder holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..render.outputs import FAILED_NOTEBOOK
from .jobs import Job


def _recorded(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def plan(job: Job, force: bool) -> tuple[bool, str]:
    """(render it?, why) for one job, from what its folder holds."""
    folder = job.folder
    if force:
        return True, "forced"
    recorded = _recorded(folder)
    if recorded is None:
        return True, "new"
    if (folder / FAILED_NOTEBOOK).is_file():
        return True, "failed last time"
    files = recorded.get("files")
    if not isinstance(files, dict) or not all((folder / str(n)).is_file()
                                              for n in files.values()):
        return True, "files missing"
    if recorded.get("fingerprint") == job.fingerprint:
        return False, "unchanged"
    before = recorded.get("fingerprint_parts")
    if not isinstance(before, dict):
        return True, "no fingerprint recorded"
    changed = [k for k, v in job.fingerprint_parts if before.get(k) != v]
    return True, "changed: " + ",".join(changed or ["fingerprint"])

