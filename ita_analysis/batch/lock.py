"""One batch at a time per output folder: ``<out>/.batch.lock`` (flock), holding its PID."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import ItaError

LOCK_NAME = ".batch.lock"


class BatchLockedError(ItaError):
    """Another batch is writing to the same output folder."""


@contextlib.contextmanager
def batch_lock(out_dir: Path) -> Iterator[Path]:
    """Hold ``<out>/.batch.lock`` (flock, non-blocking) for the batch; it records our PID."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise BatchLockedError(
                f"another batch (PID {holder}) is writing to {out_dir} (lock {path}); "
                f"wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock

