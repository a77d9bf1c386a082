"""The process executor: the jobs in worker processes on this machine (forkserver or spawn)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ...lifetime import die_with_parent
from ..jobs import Job, JobResult, RunOne, stop_worker

STOP_GRACE_S = 10.0  # how long stopped workers get to clean up before they are killed


def _worker_init(batch_pid: int | None = None) -> None:
    # The batch (the parent) decides what Ctrl-C means: a worker ignores SIGINT (a terminal
    # sends it to the whole process group) and stops at once on SIGTERM, which it also gets
    # when the batch ends without stopping it (kill -9): no worker outlives its batch.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, stop_worker)
    if batch_pid is not None:
        die_with_parent(batch_pid)


def _mp_context() -> multiprocessing.context.BaseContext:
    """forkserver where the platform has it (workers start fast, inherit no lock or thread),
    else spawn; never fork."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["ita_analysis.batch.jobs", "ita_analysis.render.report",
                                    "papermill", "nbconvert"])
        return ctx
    return multiprocessing.get_context("spawn")


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and stop the workers: SIGTERM, a grace period, SIGKILL."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + STOP_GRACE_S
    for proc in processes:
        proc.join(max(0.0, deadline - time.monotonic()))
    for proc in processes:
        if proc.is_alive():
            proc.kill()
            proc.join(1.0)


def process_executor(jobs: Sequence[Job], run_one: RunOne, workers: int, *,
                     scheduler: str | None = None) -> Iterator[JobResult]:
    """Run the jobs in ``workers`` processes (forkserver or spawn), yielding results as they end
    (``scheduler`` is the Dask executor's: here it must be None).

    A worker that dies (killed, out of memory) breaks the pool: the jobs it took down are run
    once more in a fresh pool, and fail if they break it again.
    """
    pending, attempts = list(jobs), Counter[tuple[str, int]]()
    while pending:
        broken: list[Job] = []
        pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(pending))),
                                   mp_context=_mp_context(), initializer=_worker_init,
                                   initargs=(os.getpid(),))
        try:
            futures: dict[Future[JobResult], Job] = {pool.submit(run_one, j): j for j in pending}
            waiting = set(futures)
            while waiting:
                finished, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = futures[future]
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken.append(job)
                    except Exception as exc:  # run_one could not even be called
                        yield JobResult(job.org_id, job.fiscal_year, "failed",
                                        error=f"{type(exc).__name__}: {exc}", reason=job.reason)
        except BaseException:
            _stop(pool)
            raise
        pool.shutdown(wait=True)
        pending = []
        for job in broken:
            attempts[(job.org_id, job.fiscal_year)] += 1
            if attempts[(job.org_id, job.fiscal_year)] > 1:
                yield JobResult(job.org_id, job.fiscal_year, "failed", reason=job.reason,
                                error="its worker process died twice (killed or out of memory)")
            else:
                pending.append(job)

