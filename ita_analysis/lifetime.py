"""Process lifetime: workers end with the process they work for, and the signals that stop a
command stop it through its clean-up.

- ``die_with_parent(pid)``: a batch's worker process must not outlive the batch. ``kill -9`` of
  the batch runs no clean-up in it, so the worker watches for itself, twice over: Linux's
  parent-death signal (``prctl(PR_SET_PDEATHSIG)`` through ctypes) fires when its parent ends,
  and a watchdog thread waits on the batch's process (a pidfd where the kernel has them, else a
  poll every half second), which also covers a worker whose parent is multiprocessing's
  forkserver rather than the batch itself. Either sends the worker SIGTERM, whose handler
  kills its kernel, removes its own temporary files and exits: within about a second.
- ``stop_signals()``: SIGTERM and SIGHUP raise ``Terminated`` in the main thread, as Ctrl-C
  raises ``KeyboardInterrupt``, so that ``finally`` blocks and staging clean-up run before the
  command exits (128 + the signal's number) instead of dying with temporary files left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType

PR_SET_PDEATHSIG = 1  # linux/prctl.h
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
POLL_S = 0.5


class Terminated(BaseException):  # like KeyboardInterrupt: a request to stop, not an error
    """SIGTERM or SIGHUP reached the command."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    def __str__(self) -> str:
        return f"stopped by {signal.Signals(self.signum).name}"


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """Within this block (main thread only), SIGTERM and SIGHUP raise ``Terminated``."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {sig: signal.signal(sig, _raise_terminated) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def _parent_death_signal(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent ends (False elsewhere)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def running(pid: int) -> bool:
    """Whether process ``pid`` runs here: a zombie (ended, not yet reaped, as an orphan is
    where the container's first process reaps nothing) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process (EPERM): it runs
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc here: kill(0) said it exists
    return state not in ("Z", "X")


def _stop_self(signum: int) -> None:
    """Deliver ``signum`` to this process's main thread (where Python runs its handlers and a
    blocking call is interrupted by it)."""
    main = threading.main_thread().ident
    try:
        if main is not None:
            signal.pthread_kill(main, signum)
            return
    except (OSError, AttributeError, ValueError):
        pass
    os.kill(os.getpid(), signum)


def _watch(pid: int, signum: int) -> None:
    fd = None
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:  # gone already
        _stop_self(signum)
        return
    except (AttributeError, OSError):  # no pidfd here: poll
        fd = None
    if fd is not None:
        try:
            select.select([fd], [], [])  # readable once the process has ended
        finally:
            os.close(fd)
    else:
        while running(pid):
            time.sleep(POLL_S)
    _stop_self(signum)


def usable_cores() -> int:
    """How many cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def die_with_parent(pid: int, signum: int = signal.SIGTERM) -> None:
    """Have ``signum`` sent to this process when its parent, or process ``pid`` (the one it
    works for), ends; at once if ``pid`` has ended already."""
    parent = os.getppid()
    _parent_death_signal(signum)
    if os.getppid() != parent:  # the parent ended before the signal was armed
        _stop_self(signum)
        return
    threading.Thread(target=_watch, args=(pid, signum), name="ita-parent-watch",
                     daemon=True).start()


__all__ = ["STOP_SIGNALS", "Terminated", "die_with_parent", "running", "stop_signals"]
