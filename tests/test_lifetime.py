"""Process lifetime (``ita_analysis.lifetime``): a worker ends with the process it works for,
and SIGTERM/SIGHUP stop a command through its clean-up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from ita_analysis.lifetime import Terminated, stop_signals

# A "worker" that watches the process it works for (the middle one, its parent), reports
# SIGTERM on its stdout and exits; and the middle process that starts it, then waits forever.
WORKER = ("import os, signal, sys, time\n"
          "from ita_analysis.lifetime import die_with_parent\n"
          "def stop(signum, frame):\n"
          "    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # both watches may fire\n"
          "    print('stopped', flush=True)\n"
          "    os._exit(143)\n"
          "signal.signal(signal.SIGTERM, stop)\n"
          "die_with_parent(int(sys.argv[1]))\n"
          "print('watching', flush=True)\n"
          "time.sleep(120)\n")
MIDDLE = ("import os, subprocess, sys, time\n"
          "child = subprocess.Popen([sys.executable, '-c', sys.argv[1], str(os.getpid())],\n"
          "                         stdout=sys.stdout)\n"
          "print(child.pid, flush=True)\n"
          "time.sleep(120)\n")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def test_a_worker_ends_within_a_second_or_two_when_its_batch_is_killed():
    middle = subprocess.Popen([sys.executable, "-c", MIDDLE, WORKER], stdout=subprocess.PIPE,
                              text=True)
    try:
        worker = int(middle.stdout.readline())
        assert middle.stdout.readline().strip() == "watching"
        time.sleep(1)
        assert _alive(worker)  # its batch runs: it works on
        middle.kill()  # kill -9: nothing runs in it
        middle.wait()
        killed = time.monotonic()
        assert middle.stdout.readline().strip() == "stopped"
        while _alive(worker) and time.monotonic() < killed + 10:
            time.sleep(0.05)
        assert not _alive(worker)
        assert time.monotonic() - killed < 3
    finally:
        if middle.poll() is None:
            middle.kill()


def test_a_worker_whose_batch_is_already_gone_stops_at_once():
    gone = subprocess.Popen(["true"])
    gone.wait()
    worker = subprocess.run([sys.executable, "-c", WORKER, str(gone.pid)], capture_output=True,
                            text=True, timeout=60)
    assert worker.returncode == 143 and "stopped" in worker.stdout


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_stop_signals_raise_terminated_so_clean_up_runs(signum):
    cleaned = []
    with pytest.raises(Terminated) as caught, stop_signals():
        try:
            os.kill(os.getpid(), signum)
            time.sleep(5)
        finally:
            cleaned.append(True)
    assert caught.value.signum == signum and cleaned == [True]
    assert str(caught.value) == f"stopped by {signal.Signals(signum).name}"


def test_stop_signals_leave_other_threads_alone():
    seen = []
    worker = threading.Thread(target=lambda: seen.append(_enter_in_thread()))
    worker.start()
    worker.join()
    assert seen == [signal.getsignal(signal.SIGTERM)]


def _enter_in_thread() -> object:
    with stop_signals():
        return signal.getsignal(signal.SIGTERM)
