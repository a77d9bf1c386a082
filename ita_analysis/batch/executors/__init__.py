"""Where the batch's jobs run. An executor runs ``run_one`` over the jobs and yields one
``JobResult`` per job as each finishes; closing the iterator (or an exception raised into it)
stops all work promptly. Both take the same arguments: ``(jobs, run_one, workers, *,
scheduler=None)``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..jobs import Executor, Job, JobResult, RunOne
from .process import process_executor


def dask_executor(jobs: Sequence[Job], run_one: RunOne, workers: int, *,
                  scheduler: str | None = None) -> Iterator[JobResult]:
    """A Dask cluster (``dask_cluster``): local with ``workers`` workers, or the one whose
    scheduler is at ``scheduler``. Dask is imported only when it is used."""
    from .dask_cluster import dask_executor as run  # deliberate: dask is optional and slow

    return run(jobs, run_one, workers, scheduler=scheduler)


EXECUTORS: dict[str, Executor] = {"process": process_executor, "dask": dask_executor}

__all__ = ["EXECUTORS", "Executor", "dask_executor", "process_executor"]
