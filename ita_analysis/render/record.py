"""What a run records: its time (``SOURCE_DATE_EPOCH`` honoured) and its JSON records."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ..errors import ParameterError


def run_time() -> datetime:
    """The run time a document records: now, in the local time zone, to the second; or, where
    ``SOURCE_DATE_EPOCH`` is set (reproducible-builds.org: seconds since 1970 UTC), that
    instant, so that two runs of the same inputs give the same bytes."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return datetime.now().astimezone().replace(microsecond=0)
    try:
        return datetime.fromtimestamp(int(raw), tz=UTC).astimezone()
    except (ValueError, OverflowError, OSError):
        raise ParameterError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since "
                             f"1970-01-01 UTC; got {raw!r}") from None


def run_record(parameters: Mapping[str, Any], generated_at: datetime,
               emitted: Mapping[str, Any]) -> dict[str, Any]:
    """What a summary adds to the record its notebook emitted: the parameters it ran with,
    and the notebook's ``generated`` block with this run's time."""
    return {"parameters": dict(parameters),
            "generated": {**emitted["generated"],
                          "run_time": generated_at.isoformat(timespec="seconds")}}


def json_text(record: Any) -> str:
    """A record as every JSON file of the package is written: UTF-8 as is, indented."""
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"
