"""The summary data a document's notebook emits for its renderer: the title and what its
``summary.json`` takes from the context, as one output of ``SUMMARY_MIME`` in the notebook's
last hidden cell (tagged ``remove_cell``: in neither the document nor its annex). The
renderer reads it from the executed notebook (``render/document.py``), so the context is
built once, in the kernel.
"""

from __future__ import annotations

import json
from typing import Any

# JSON text, not a JSON object: notebook files sort an object's keys, and summary.json keeps
# the order its schema gives them
SUMMARY_MIME = "text/vnd.ita-analysis.summary+json"


def emitted(title: str, data: dict[str, Any]) -> dict[str, Any]:
    """The MIME bundle to display raw (``display(bundle, raw=True)``): ``{"title": ...,
    "summary": data}`` as JSON text, and a line of text for JupyterLab."""
    return {SUMMARY_MIME: json.dumps({"title": title, "summary": data}, ensure_ascii=False),
            "text/plain": f"summary data of {title}"}


def read_emitted(text: str) -> dict[str, Any]:
    """``emitted``'s JSON text read back, keys in their order; ``ValueError`` if it is not
    an object with a title and a summary."""
    data = json.loads(text)
    if not (isinstance(data, dict) and isinstance(data.get("title"), str)
            and isinstance(data.get("summary"), dict)):
        raise ValueError("not an object with a title and a summary")
    return data
