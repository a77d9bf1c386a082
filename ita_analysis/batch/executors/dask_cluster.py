"""Reports spread over a Dask cluster: ``ita-analysis batch --executor dask [--scheduler ADDRESS]``.

An executor of ``ita_analysis.batch.run`` (the same seam as its process pool): each job is one
``dask.distributed`` task calling ``batch.run_one``, and the results come back as they finish
(``as_completed``), so the progress bar, failure isolation, ``batch.json``, the index and the
handling of Ctrl-C and SIGTERM are the batch's own, whatever runs the reports. Dask does the
scheduling; nothing here decides which worker renders what.

- **Without ``--scheduler``** a ``LocalCluster`` is started for the batch and closed after it:
  ``--jobs`` worker processes with one thread each, listening on the loopback interface only
  (``127.0.0.1``, no dashboard). A worker that dies (killed, out of memory) has its report run
  once more on another worker; a report that kills a second worker fails alone (as with the
  process pool). The workers ignore Ctrl-C (the batch handles it) and, on SIGTERM, kill their
  kernel and remove the report's temporary files, as the process pool's workers do.
- **With ``--scheduler tcp://host:8786``** a ``Client`` connects to a running cluster (started
  with ``dask scheduler`` and ``dask worker``); ``--jobs`` is then unused (the cluster has the
  workers it has). Every worker must have this version of ``ita-analysis`` installed (checked
  before anything is submitted) and must reach the data folder (``--data``), the output folder
  (``--out``) and any ``--notebook`` **at the same absolute paths as the machine that runs
  the batch**: with workers on other machines, put them on shared storage (NFS, a cluster
  file system) mounted at the same place everywhere. The workers write the reports straight
  into the output folder (each file whole or not at all: a temporary file renamed into place),
  and the batch reads them there to write ``batch.json`` and the index. ``--data``'s default
  (the embedded data) is read from each worker's own installation. Interrupted, the batch
  cancels what has not started; a report already running on a remote worker finishes there
  (its files appear whole, and the next run skips it if nothing changed).

Each worker thread keeps its own warm kernel (``ita-warm``; ``ita_analysis.engine.warm`` keys them
by process and thread) from report to report, for as long as the worker lives: for a local
cluster, the batch; for a remote one, until that worker stops (the next batch finds it warm).
A worker shuts its kernels down when its process ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import dask
from distributed import Client, LocalCluster, WorkerPlugin, as_completed
from distributed.scheduler import KilledWorker

from ... import __version__
from ...errors import ItaError
from ...lifetime import die_with_parent
from ..jobs import Job, JobResult, RunOne, stop_worker

CLOSE_TIMEOUT_S = 20
PLUGIN_NAME = "ita-analysis-local-worker"


class DaskClusterError(ItaError):
    """The Dask cluster could not be started or reached, or its workers cannot render."""


class LocalWorker(WorkerPlugin):
    """Set up a worker of the local cluster the batch started, as the process pool sets up its
    workers: Ctrl-C is the batch's to handle (a terminal sends it to every process of the
    group, the workers included), and SIGTERM stops the worker at once, killing its kernel and
    removing the temporary files of the report it was rendering (``batch.stop_worker``); it
    gets SIGTERM too when the batch ends without closing the cluster (``kill -9``), so no
    worker and no kernel outlives the batch.

    Not registered on a cluster the batch connects to: its workers' signals are their owner's.
    """

    name = PLUGIN_NAME

    def __init__(self, batch_pid: int | None = None) -> None:
        self.batch_pid = batch_pid

    def setup(self, worker: Any) -> None:
        if threading.current_thread() is threading.main_thread():  # the worker's event loop
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, stop_worker)
            if self.batch_pid is not None:
                die_with_parent(self.batch_pid)


def _worker_version() -> str:
    return __version__


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while the local cluster spawns its workers, so that they start with it
    ignored (an ignored signal stays ignored across exec, and Python keeps it so): a Ctrl-C
    before ``LocalWorker`` is set up would otherwise crash them with tracebacks."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _start_local(workers: int) -> tuple[Client, LocalCluster]:
    # A report that kills its worker is run once more, then fails (the process pool's rule).
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), _sigint_ignored():
        try:
            cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                                   processes=True, host="127.0.0.1", dashboard_address=None,
                                   silence_logs=logging.ERROR)
        except Exception as exc:
            raise DaskClusterError(f"could not start a local Dask cluster: "
                                   f"{type(exc).__name__}: {exc}") from exc
    try:
        client = Client(cluster, set_as_default=False)
        client.register_plugin(LocalWorker(os.getpid()), name=PLUGIN_NAME)
    except BaseException:
        cluster.close()
        raise
    return client, cluster


def _connect(address: str) -> Client:
    # how long to try: Dask's distributed.comm.timeouts.connect (30 s unless configured, e.g.
    # DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=60s)
    try:
        client = Client(address, set_as_default=False)
    except Exception as exc:
        raise DaskClusterError(f"could not connect to the Dask scheduler at {address}: "
                               f"{type(exc).__name__}: {exc}") from exc
    try:
        versions = client.run(_worker_version)
    except Exception as exc:
        client.close()
        raise DaskClusterError(f"the workers of the Dask cluster at {address} cannot run "
                               f"ita-analysis (is it installed on every worker?): "
                               f"{type(exc).__name__}: {exc}") from exc
    other = {worker: v for worker, v in versions.items() if v != __version__}
    if other or not versions:
        client.close()
        raise DaskClusterError(
            f"the Dask cluster at {address} has no worker" if not versions else
            f"workers of the Dask cluster at {address} have another ita-analysis than "
            f"{__version__}: " + ", ".join(f"{w} {v}" for w, v in sorted(other.items())))
    return client


def _close(client: Client, cluster: LocalCluster | None) -> None:
    with contextlib.suppress(Exception):
        client.close(timeout=CLOSE_TIMEOUT_S)
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close(timeout=CLOSE_TIMEOUT_S)


def _stop_local_workers(cluster: LocalCluster) -> None:
    """SIGTERM to the local cluster's worker processes (``LocalWorker``'s handler kills the
    kernel, removes the report's temporary files and exits), so that an interrupted batch
    stops now rather than when the running reports end."""
    for nanny in list(getattr(cluster, "workers", {}).values()):
        pid = getattr(nanny, "pid", None)  # the worker process a Nanny runs
        if isinstance(pid, int) and pid > 0:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)


def _failed(job: Job, exc: BaseException, local: bool) -> JobResult:
    if isinstance(exc, KilledWorker) and local:  # allowed-failures 1: as the process pool says
        error = "its worker process died twice (killed or out of memory)"
    elif isinstance(exc, KilledWorker):
        error = "its worker process died every time it was run (killed or out of memory)"
    else:
        error = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    return JobResult(job.org_id, job.fiscal_year, "failed", error=error, reason=job.reason)


def dask_executor(jobs: Sequence[Job], run_one: RunOne, workers: int, *,
                  scheduler: str | None = None) -> Iterator[JobResult]:
    """Run the jobs as Dask tasks, yielding results as they finish (see the module's text).

    ``workers``: worker processes of the local cluster (unused with ``scheduler``).
    """
    if not jobs:
        return
    batch = uuid.uuid4().hex[:8]
    futures: dict[Any, Job] = {}
    finished = False
    cluster: LocalCluster | None = None
    client, cluster = (_connect(scheduler), None) if scheduler else _start_local(workers)
    try:
        for job in jobs:
            key = f"ita-report-{job.fiscal_year}-{job.org_id}-{batch}"
            futures[client.submit(run_one, job, key=key, pure=False)] = job
        for future in as_completed(list(futures), loop=client.loop):
            job = futures.pop(future)
            try:
                result = future.result()
            except (Exception, asyncio.CancelledError) as exc:  # KilledWorker, cancelled, …
                result = _failed(job, exc, local=cluster is not None)
            future.release()
            yield result
        finished = True
    finally:
        if not finished:  # interrupted, or the consumer stopped early
            with contextlib.suppress(Exception):
                client.cancel(list(futures), force=True)
            if cluster is not None:
                _stop_local_workers(cluster)
        _close(client, cluster)
