"""One job of a batch: one report to render in a worker, its result, and what a stopped
worker leaves behind (its own temporary files, nothing else)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..engine.warm import ENGINE_NAME, thread_kernels
from ..errors import ItaError
from ..render.outputs import FAILED_NOTEBOOK, owned_by, remove_temps
from ..render.report import render_report

# -- jobs and results --------------------------------------------------------------------------

@dataclass(frozen=True)
class Job:
    """One report to render: everything ``run_one`` needs, picklable."""

    org_id: str
    fiscal_year: int
    out_dir: str
    data_dir: str = ""  # "" = the embedded default data
    digits: str = "thai"
    pdf: bool = False
    docx: bool = False
    report_date: str = ""
    notebook: str | None = None
    engine_name: str | None = ENGINE_NAME
    timeout: int | None = 600
    fingerprint: str = ""
    fingerprint_parts: tuple[tuple[str, str], ...] = ()
    reason: str = ""  # why it is rendered: new, forced, changed: …
    nonce: str = ""  # the job's temporary files carry it: the batch removes exactly those
    folder_existed: bool = True  # its folder was there before the batch (never removed then)

    @property
    def folder(self) -> Path:
        return Path(self.out_dir) / str(self.fiscal_year) / self.org_id


@dataclass(frozen=True)
class JobResult:
    """What became of one job. ``paths`` are relative to ``<out>/<year>/``; ``worker`` says
    where it ran: ``host``, ``pid`` and, with the ``ita-warm`` engine, the warm ``kernel``'s
    ``pid``, ``started`` (kernels this worker has started) and ``notebooks`` (run by that
    kernel, this one included)."""

    org_id: str
    fiscal_year: int
    status: str  # done | failed | skipped | interrupted
    duration_s: float = 0.0
    error: str = ""
    reason: str = ""
    paths: dict[str, str] = field(default_factory=dict)
    worker: dict[str, Any] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)  # its invalid data, if so

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "duration_s": round(self.duration_s, 3)}


RunOne = Callable[[Job], JobResult]
# An executor runs ``run_one`` over the jobs and yields one JobResult per job as each finishes.
# Closing the iterator (or an exception raised into it) must stop all work promptly.
# ``executors.process`` and ``executors.dask_cluster`` are the two there are.
Executor = Callable[[Sequence[Job], RunOne, int], Iterator[JobResult]]


def result_paths(job: Job, names: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {key: f"{job.org_id}/{name}" for key, name in names
            if (job.folder / name).is_file()}


# The jobs a worker process is rendering, by thread (one in a process-pool worker or a Dask
# worker with one thread; one per thread in a Dask worker with more).
_CURRENT_JOBS: dict[int, Job] = {}


def _worker_info(job: Job) -> dict[str, Any]:
    info: dict[str, Any] = {"host": socket.gethostname(), "pid": os.getpid()}
    if job.engine_name == ENGINE_NAME:
        kernels = [k for k in thread_kernels() if k.running]
        if kernels:
            info["kernel"] = kernels[0].stats()
    if job.pdf:
        from ..render.browser import browser_stats

        info["browser"] = browser_stats()
    return info


def run_one(job: Job) -> JobResult:
    """Render one report; never raises for a report's own failure (it is the result)."""
    if job.pdf:  # one browser per worker, kept open: a page per report
        from ..render.browser import keep_browser_open

        keep_browser_open()
    thread = threading.get_ident()
    _CURRENT_JOBS[thread], start = job, time.perf_counter()
    try:
        with owned_by(job.nonce) if job.nonce else contextlib.nullcontext():
            files = render_report(
                job.org_id, job.fiscal_year, data_dir=job.data_dir or None,
                out_dir=job.out_dir, digits=job.digits, report_date=job.report_date,
                pdf=job.pdf, docx=job.docx, notebook=job.notebook, timeout=job.timeout,
                engine_name=job.engine_name,
                extra_summary={"fingerprint": job.fingerprint,
                               "fingerprint_parts": dict(job.fingerprint_parts)})
    except ItaError as exc:
        error = " ".join(str(exc).split())
    except Exception as exc:  # a bug, but still this report's failure only
        error = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    else:
        _CURRENT_JOBS.pop(thread, None)
        return JobResult(job.org_id, job.fiscal_year, "done", time.perf_counter() - start,
                         reason=job.reason,
                         paths=result_paths(job, [(k, p.name) for k, p in
                                            (("html", files.html), ("notebook", files.notebook),
                                             ("summary", files.summary), ("pdf", files.pdf),
                                             ("docx", files.docx))
                                            if p is not None]),
                         worker=_worker_info(job))
    _CURRENT_JOBS.pop(thread, None)
    return JobResult(job.org_id, job.fiscal_year, "failed", time.perf_counter() - start,
                     error=error, reason=job.reason,
                     paths=result_paths(job, [("failed_notebook", FAILED_NOTEBOOK)]),
                     worker=_worker_info(job))



def _kill_children() -> None:
    """Kill this process's children (the report's kernel, in its own session) at once."""
    pids: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):
            pids.update(int(p) for p in (task / "children").read_text().split())
    for pid in pids:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)  # jupyter_client starts a kernel in a new session
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    # Where /proc lists no children, an orphaned kernel exits by itself (ipykernel watches
    # its parent, JPY_PARENT_PID).


def forget_job(job: Job) -> None:
    """Remove what a stopped job left: its own temporary files (by its nonce: never another
    process's) and its folder, if the batch made it and it is empty."""
    remove_temps([job.folder], nonce=job.nonce or None)
    if not job.folder_existed:
        with contextlib.suppress(OSError):
            job.folder.rmdir()  # only if empty


def stop_worker(signum: int, frame: object) -> None:
    """SIGTERM in a worker (from the batch, or because the batch is gone): kill the kernel,
    remove the job's temporary files, exit now.

    Exiting from the handler (rather than unwinding through papermill's event loop and the
    kernel's sockets) is prompt and quiet. A report is never half moved into place: its files
    are renamed one by one with summary.json last, and without a new summary.json the batch
    renders it again.
    """
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: both parent-death watches may fire
    _kill_children()
    for job in list(_CURRENT_JOBS.values()):
        with contextlib.suppress(OSError):
            forget_job(job)
    os._exit(128 + signum)

