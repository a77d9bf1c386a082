"""Render many organisations' reports for one fiscal year: ``ita-analysis batch``.

A batch is a list of jobs, one per (organisation, fiscal year) with scores in the data, run by
an *executor* in workers; each job calls ``render_report`` (``run_one``). The executors are
``process`` (``process_executor``: worker processes on this machine, the default) and ``dask``
(``ita_analysis.dask_executor``: a Dask cluster, local or remote); both yield the results as
they finish, so what follows holds for both. Reports run with the ``ita-warm`` papermill engine
unless another is named (``--engine``): each worker keeps one warm kernel from report to
report and shuts it down when it ends; every result records its worker and that kernel's
counters (``JobResult.worker``). The batch

- **skips unchanged reports**: every report records an input fingerprint in its
  ``summary.json`` (``fingerprint`` and, part by part, ``fingerprint_parts``); a report whose
  recorded fingerprint equals the new one, whose files are all there and that has no
  ``failed.ipynb`` is not rendered again (``--force`` renders it anyway);
- **keeps going past failures**: a failed report's error is recorded, papermill's partly
  executed notebook is kept as ``<out>/<year>/<org_id>/failed.ipynb``, the other reports are
  rendered; the batch exits 1 if any report failed;
- **records what it did** in ``<out>/<year>/batch.json`` (every report's status, duration,
  error and files) and rewrites the index (``ita_analysis.index``), both atomically;
- **survives interruption**: SIGINT (Ctrl-C) and SIGTERM cancel pending jobs, stop the workers
  (a worker's own clean-up removes its temporary files; the batch removes those of a worker
  that had to be killed), record the finished reports and mark the rest ``interrupted``, and
  exit 130 or 143; the next run renders only what is missing;
- **refuses a second batch** on the same output folder (``<out>/.batch.lock``, ``flock``):
  the second one exits 2 naming the first one's PID.

What the fingerprint covers, honestly (what a report shows or records):

- ``organisation``: the organisation's own rows, in file order, of every table of the data
  folder (organisations, scores of *every* year: the history, the change on the earlier year
  and summary.json's history; items; published figures; measures);
- ``peers``: the fiscal year's score rows of every organisation and their province and type,
  because the report ranks the organisation among its province, its type and everyone, and
  charts the group's scores. Changing one organisation's score *in the batch's year* therefore
  re-renders every report of that year (their ranks, means and charts change with it); changing
  it in an earlier year re-renders only that organisation's report;
- ``frameworks``: the framework files of the year and of every year the organisation has
  scores in; ``recommendations``: the year's recommendation file and its ``based_on`` chain;
  ``notebook``: the report notebook's bytes; ``templates``: the report templates and CSS;
  ``software``: the package version and the versions of the libraries that draw the page;
  ``parameters``: digits, ``--pdf``, ``--date`` as given, the data folder and its file names.

Left out on purpose: the digest of the whole data folder that the colophon prints (any change
anywhere would re-render every report; a skipped report keeps the digest of the data it was
made from, which is what it records), the run time, and the date when ``--date`` is not given
(an unchanged report keeps the date it was made on). The package version stands for its code:
after editing the code of a checkout without a new version, use ``--force``.

The data folder is validated before anything runs (the same rules as ``ita-analysis check``).
Problems confined to one organisation's rows (a missing indicator, a score of 101) fail that
organisation's report alone, recorded in ``batch.json`` with every problem, and leave it out
of the data the others are made from (their ranks among peers, say); the others render and the
batch exits 1. A problem of a whole file (a missing column, an unreadable file) or of a row
without a valid ``org_id`` stops the batch with exit 2, since no report could be trusted. A
report also fails on its own when its notebook raises or its kernel dies or times out, when
printing its PDF fails (or the disk fills: nothing partial is kept, and batch.json is still
written), or when an organisation named with ``--org`` has no scores that year.

The batch cleans up only what it made: its jobs' temporary files carry the job's nonce
(``tempfiles``), so neither an interrupted batch nor the next one removes a concurrent
``ita-analysis report``'s files; leftovers of killed processes are removed once their writer is
gone. Its workers end with it, even when it is killed with ``kill -9`` (``lifetime``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

import pandas as pd

from . import __version__
from .dataset import ORG_ID, ORG_ID_EXPECTED, Dataset, load_dataset
from .engine import ENGINE_NAME, check_engine
from .errors import ItaError, ParameterError, describe_os_error
from .lifetime import die_with_parent
from .tempfiles import atomic_write_text, check_out_dir, new_nonce, owned_by, remove_temps
from .thai import check_digits

BATCH_SCHEMA = "ita-analysis/batch/1"
BATCH_RECORD = "batch.json"
LOCK_NAME = ".batch.lock"
TABLES = ("organisations", "scores", "items", "published", "measures")
# Libraries whose version can change the rendered page (charts, HTML, embedded font).
DRAWING_LIBRARIES = ("matplotlib", "nbconvert", "jinja2", "fonttools", "fontpkg-sarabun")
# At the start of a batch, a temporary file older than this is a leftover of a killed process:
# in a report folder (a live writer rewrites its notebook after every cell), and beside the
# index, batch.json and portfolios (where a live portfolio run may take longer).
STALE_AFTER_S = 60.0
STALE_TOP_AFTER_S = 3600.0
STOP_GRACE_S = 10.0  # how long stopped workers get to clean up before they are killed
EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class BatchLockedError(ItaError):
    """Another batch is writing to the same output folder."""


class Interrupted(BaseException):  # like KeyboardInterrupt: not an error
    """SIGINT or SIGTERM reached the batch."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


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
# ``process_executor`` (below) and ``ita_analysis.dask_executor`` are the two there are.
Executor = Callable[[Sequence[Job], RunOne, int], Iterator[JobResult]]


def _paths(job: Job, names: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {key: f"{job.org_id}/{name}" for key, name in names
            if (job.folder / name).is_file()}


# The jobs a worker process is rendering, by thread (one in a process-pool worker or a Dask
# worker with one thread; one per thread in a Dask worker with more).
_CURRENT_JOBS: dict[int, Job] = {}


def _worker_info(job: Job) -> dict[str, Any]:
    info: dict[str, Any] = {"host": socket.gethostname(), "pid": os.getpid()}
    if job.engine_name == ENGINE_NAME:
        from .engine import thread_kernels

        kernels = [k for k in thread_kernels() if k.running]
        if kernels:
            info["kernel"] = kernels[0].stats()
    if job.pdf:
        from .report.browser import browser_stats

        info["browser"] = browser_stats()
    return info


def run_one(job: Job) -> JobResult:
    """Render one report; never raises for a report's own failure (it is the result)."""
    from .report.render import FAILED_NOTEBOOK, render_report

    if job.pdf:  # one browser per worker, kept open: a page per report
        from .report.browser import keep_browser_open

        keep_browser_open()
    thread = threading.get_ident()
    _CURRENT_JOBS[thread], start = job, time.perf_counter()
    try:
        with owned_by(job.nonce) if job.nonce else contextlib.nullcontext():
            files = render_report(
                job.org_id, job.fiscal_year, data_dir=job.data_dir or None,
                out_dir=job.out_dir, digits=job.digits, report_date=job.report_date,
                pdf=job.pdf, notebook=job.notebook, timeout=job.timeout,
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
                         paths=_paths(job, [(k, p.name) for k, p in
                                            (("html", files.html), ("notebook", files.notebook),
                                             ("summary", files.summary), ("pdf", files.pdf))
                                            if p is not None]),
                         worker=_worker_info(job))
    _CURRENT_JOBS.pop(thread, None)
    return JobResult(job.org_id, job.fiscal_year, "failed", time.perf_counter() - start,
                     error=error, reason=job.reason,
                     paths=_paths(job, [("failed_notebook", FAILED_NOTEBOOK)]),
                     worker=_worker_info(job))


# -- the process executor ----------------------------------------------------------------------

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
    clean_temps([job.folder], nonce=job.nonce or None)
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
        ctx.set_forkserver_preload(["ita_analysis.batch", "ita_analysis.report.render",
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


def process_executor(jobs: Sequence[Job], run_one: RunOne, workers: int) -> Iterator[JobResult]:
    """Run the jobs in ``workers`` processes (forkserver or spawn), yielding results as they end.

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


def dask_executor(jobs: Sequence[Job], run_one: RunOne, workers: int, *,
                  scheduler: str | None = None) -> Iterator[JobResult]:
    """The Dask executor (``ita_analysis.dask_executor``), imported only when it is used."""
    from .dask_executor import dask_executor as run

    return run(jobs, run_one, workers, scheduler=scheduler)


EXECUTORS: dict[str, Executor] = {"process": process_executor, "dask": dask_executor}


# -- fingerprints ------------------------------------------------------------------------------

def _sha(*chunks: bytes | str) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        h.update(b"\x1d")
    return h.hexdigest()


def _row_texts(frame: pd.DataFrame) -> pd.Series:
    """One canonical text per row (every column, as the loaded data types print it)."""
    def cells(column: str) -> pd.Series:
        values = frame[column]
        return values.astype(object).where(values.notna(), "\x1e").astype(str)  # NA: RS

    columns = list(frame.columns)
    text = cells(columns[0])
    for column in columns[1:]:
        text = text + "\x1f" + cells(column)
    return text


def _file_digest(path: Path) -> str:
    return _sha(path.read_bytes())


def _software() -> dict[str, str]:
    versions = {"ita-analysis": __version__}
    for name in DRAWING_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


class Fingerprints:
    """Input fingerprints of reports made from one data set with one set of parameters."""

    def __init__(self, dataset: Dataset, *, data_dir: str = "", digits: str = "thai",
                 pdf: bool = False, report_date: str = "", notebook: str | Path | None = None,
                 only: Iterable[str] | None = None) -> None:
        from .report import sections
        from .report.render import TEMPLATE_DIR, TEMPLATE_NAME, notebook_path

        self.dataset = dataset
        keep = set(only) if only is not None else None
        self._own: dict[str, dict[str, str]] = {}
        self._columns: dict[str, str] = {}
        for table in TABLES:
            frame: pd.DataFrame = getattr(dataset, table)
            self._columns[table] = ",".join(map(str, frame.columns))
            if keep is not None:
                frame = frame[frame["org_id"].isin(keep)]
            if frame.empty:
                self._own[table] = {}
                continue
            texts = _row_texts(frame)
            self._own[table] = texts.groupby(frame["org_id"].to_numpy(), sort=False) \
                .agg("\n".join).to_dict()
        self._org_years = dataset.scores.groupby("org_id")["fiscal_year"] \
            .agg(lambda s: sorted({int(y) for y in s})).to_dict()
        self._peers: dict[int, str] = {}
        self._frameworks: dict[int, str] = {}
        self._recommendations: dict[int, str] = {}
        source = Path(notebook) if notebook is not None else notebook_path()
        self._notebook = _file_digest(source) if source.is_file() else "missing"
        # the report's templates: nbconvert's page (with its CSS) and the sections' fragments
        templates = sorted(p for folder in (TEMPLATE_DIR / TEMPLATE_NAME, sections.TEMPLATE_DIR)
                           for p in folder.rglob("*") if p.is_file())
        self._templates = _sha(*(f"{p.relative_to(TEMPLATE_DIR).as_posix()}\x1e{_file_digest(p)}"
                                 for p in templates))
        self._software = _sha(json.dumps(_software(), sort_keys=True))
        files = sorted(p.name for p in dataset.files.values())
        self._parameters = _sha(json.dumps(
            {"digits": digits, "pdf": bool(pdf), "report_date": report_date,
             "data_dir": data_dir, "data_files": files}, sort_keys=True))

    def _peer_digest(self, year: int) -> str:
        if year not in self._peers:
            ds = self.dataset
            scores = ds.scores[ds.scores["fiscal_year"] == year] \
                .sort_values(["org_id", "indicator", "score"], kind="stable")
            orgs = ds.organisations[ds.organisations["org_id"].isin(set(scores["org_id"]))]
            orgs = orgs[["org_id", "province", "org_type"]].sort_values("org_id", kind="stable")
            self._peers[year] = _sha("\n".join(_row_texts(scores)) if len(scores) else "",
                                     "\n".join(_row_texts(orgs)) if len(orgs) else "")
        return self._peers[year]

    def _framework_digest(self, year: int) -> str:
        """The year's framework file as the data folder sees it (its own file, if it has one)."""
        if year not in self._frameworks:
            from .framework import framework_path

            try:
                self._frameworks[year] = _file_digest(
                    framework_path(year, self.dataset.rules_dir))
            except ItaError:
                self._frameworks[year] = "missing"
        return self._frameworks[year]

    def _recommendation_digest(self, year: int) -> str:
        """The year's recommendation file and what it is based on, as the folder sees them."""
        if year not in self._recommendations:
            from .recommend import recommendation_chain

            chain = recommendation_chain(year, self.dataset.rules_dir)
            self._recommendations[year] = _sha(*(f"{p.name}\x1e{_file_digest(p)}"
                                                 for p in chain)) if chain else "missing"
        return self._recommendations[year]

    def _national_digest(self) -> str:
        """The national figures a report compares with: the package's and the folder's own."""
        from .national import national_path

        files = dict.fromkeys([national_path(), national_path(self.dataset.rules_dir)])
        return _sha(*(_file_digest(path) for path in files))

    def parts(self, org_id: str, fiscal_year: int) -> dict[str, str]:
        """The fingerprint of one report, part by part (each a SHA-256 in hex)."""
        year = int(fiscal_year)
        own = _sha(*(f"{t}\x1e{self._columns[t]}\x1e{self._own[t].get(org_id, '')}"
                     for t in TABLES))
        years = sorted({year, *self._org_years.get(org_id, [])})
        return {
            "organisation": own,
            "peers": self._peer_digest(year),
            "frameworks": _sha(*(f"{y}\x1e{self._framework_digest(y)}" for y in years)),
            "recommendations": self._recommendation_digest(year),
            "national": self._national_digest(),
            "notebook": self._notebook,
            "templates": self._templates,
            "software": self._software,
            "parameters": self._parameters,
        }


def combine(parts: dict[str, str]) -> str:
    """The one fingerprint of a report: SHA-256 over its parts."""
    return _sha(json.dumps(parts, sort_keys=True))


def fingerprint_summary(org_id: str, fiscal_year: int, *, data_dir: str | Path | None = None,
                        digits: str = "thai", pdf: bool = False, report_date: str = "",
                        notebook: str | Path | None = None) -> dict[str, Any] | None:
    """The ``summary.json`` keys of one report's fingerprint (for ``ita-analysis report``);
    None when the data cannot be read (``render_report`` then says what is wrong)."""
    try:
        folder = str(Path(data_dir).expanduser().resolve()) if data_dir else ""
        dataset = load_dataset(folder or None, isolate=True)  # as the batch reads it
        parts = Fingerprints(dataset, data_dir=folder, digits=digits, pdf=pdf,
                             report_date=str(report_date or ""), notebook=notebook,
                             only=[org_id]).parts(org_id, int(fiscal_year))
    except (ItaError, OSError, ValueError):
        return None
    return {"fingerprint": combine(parts), "fingerprint_parts": parts}


# -- the output folder: lock, leftovers, what is already there ---------------------------------

@contextlib.contextmanager
def batch_lock(out_dir: Path) -> Iterator[Path]:
    """Hold ``<out>/.batch.lock`` (flock, non-blocking) for the batch; it records our PID."""
    import fcntl  # POSIX; imported here so that the rest of the command loads anywhere

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


def clean_temps(folders: Iterable[Path], *, older_than: float = 0.0,
                nonce: str | None = None) -> list[Path]:
    """Remove temporary files (``tempfiles``) in ``folders``: with ``nonce``, exactly those of
    that job; else the leftovers: files whose writing process has ended (at once), and files
    whose writer cannot be known (another host, an older name) last written more than
    ``older_than`` seconds ago. A running process's files are never removed."""
    return remove_temps(folders, nonce=nonce, older_than=older_than)


def clean_leftovers(out_dir: Path, year: int) -> list[Path]:
    """Temporary files that killed processes left in ``<out>``, ``<out>/<year>`` and its
    report folders."""
    year_dir = out_dir / str(year)
    try:
        reports = [p for p in year_dir.iterdir() if p.is_dir()] if year_dir.is_dir() else []
    except OSError:
        reports = []
    return [*clean_temps([out_dir, year_dir], older_than=STALE_TOP_AFTER_S),
            *clean_temps(reports, older_than=STALE_AFTER_S)]


def _recorded(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _plan(job: Job, force: bool) -> tuple[bool, str]:
    """(render it?, why) for one job, from what its folder holds."""
    from .report.render import FAILED_NOTEBOOK

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


# -- choosing the organisations ----------------------------------------------------------------

def _matches(value: object, wanted: Sequence[str], prefix: str) -> bool:
    text = "" if pd.isna(value) else str(value).strip()
    return any(text in (w.strip(), prefix + w.strip()) for w in wanted)


def select_orgs(dataset: Dataset, year: int, *, provinces: Sequence[str] = (),
                org_types: Sequence[str] = (), orgs: Sequence[str] = (),
                allow_none: bool = False) -> list[str]:
    """The organisations to report on: those with scores in ``year`` (or those named with
    ``orgs``, kept even without scores so that they fail clearly), narrowed by province and type.
    A province may be given with or without its "จังหวัด" prefix."""
    table = dataset.organisations.set_index("org_id", drop=False)
    scored = set(dataset.scores.loc[dataset.scores["fiscal_year"] == year, "org_id"])
    if orgs:
        candidates = list(dict.fromkeys(orgs))
    else:
        candidates = [o for o in table["org_id"] if o in scored]
    chosen = []
    for org in candidates:
        if org in table.index:
            row = table.loc[org]
            if provinces and not _matches(row["province"], provinces, "จังหวัด"):
                continue
            if org_types and not _matches(row["org_type"], org_types, ""):
                continue
        chosen.append(org)
    if not chosen and not allow_none:
        wanted = [f"--province {' '.join(provinces)}" if provinces else "",
                  f"--org-type {' '.join(org_types)}" if org_types else ""]
        known = sorted({str(p) for p in table.loc[table["org_id"].isin(scored), "province"]})
        raise ParameterError(
            f"no organisation with scores in fiscal year {year} in {dataset.source}"
            + (f" matches {' '.join(w for w in wanted if w)}" if any(wanted) else "")
            + (f"; provinces with scores that year: {', '.join(known)}" if known else ""))
    return chosen


def excluded_in_scope(dataset: Dataset, year: int, *, provinces: Sequence[str] = (),
                      org_types: Sequence[str] = (), orgs: Sequence[str] = ()) -> list[str]:
    """Organisations of the selection that the data set left out because their own rows are
    invalid (``load_dataset(isolate=True)``): named with ``orgs``, or with rows of ``year`` (or
    rows whose year could not be read) in the province and type asked for."""
    found = []
    for org, left in sorted(dataset.excluded.items()):
        if orgs:
            if org in orgs:
                found.append(org)
            continue
        if left.years and year not in left.years:
            continue
        if provinces and not _matches(left.province, provinces, "จังหวัด"):
            continue
        if org_types and not _matches(left.org_type, org_types, ""):
            continue
        found.append(org)
    return found


# -- signals -----------------------------------------------------------------------------------

class _Signals:
    """SIGINT and SIGTERM: raise Interrupted while armed, else remember them for the exit."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.armed = False
        self._old: dict[int, Any] = {}

    def _handle(self, signum: int, frame: object) -> None:
        if self.received is None:
            self.received = signum
        if self.armed:
            self.armed = False
            raise Interrupted(signum)

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._old.items():
            signal.signal(sig, handler)


# -- progress ----------------------------------------------------------------------------------

class Progress:
    """One tqdm bar on a terminal; else one plain line per report on ``out``."""

    def __init__(self, year: int, to_run: int, *, tty: bool, out: IO[str], err: IO[str]) -> None:
        self.year, self.tty, self.out, self.err = year, tty, out, err
        self.counts: Counter[str] = Counter()
        self.bar: Any = None
        if tty:
            from tqdm import tqdm

            self.bar = tqdm(total=to_run, desc=f"ITA {year}", unit="report", file=err,
                            dynamic_ncols=True, leave=True,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                                       "[{elapsed}<{remaining}]{postfix}")

    def line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.err)
        else:
            print(text, file=self.out, flush=True)

    def report(self, r: JobResult) -> None:
        self.counts[r.status] += 1
        if self.bar is not None:
            if r.status != "skipped":
                self.bar.update(1)
            self.bar.set_postfix_str(" ".join(f"{k}={self.counts[k]}"
                                              for k in ("done", "failed", "skipped")))
            if r.status == "failed":
                self.bar.write(f"failed {r.org_id}: {r.error}", file=self.err)
            return
        if r.status == "done":
            self.line(f"done {r.org_id} {r.duration_s:.2f}s {r.reason}".rstrip())
        elif r.status == "failed":
            self.line(f"failed {r.org_id} {r.duration_s:.2f}s error: {r.error}")
        elif r.status == "skipped":
            self.line(f"skipped {r.org_id} unchanged")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# -- the batch ---------------------------------------------------------------------------------

@dataclass
class BatchOutcome:
    exit_status: int
    results: list[JobResult]
    record: Path
    interrupted_by: int | None = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _check_executor(executor: str | Executor, scheduler: str | None) -> None:
    if isinstance(executor, str) and executor not in EXECUTORS:
        raise ParameterError(f"--executor must be one of {', '.join(sorted(EXECUTORS))}; "
                             f"got {executor!r}")
    if scheduler and executor != "dask":
        raise ParameterError("--scheduler is the address of a Dask scheduler: it goes with "
                             "--executor dask")
    if executor == "dask":
        from importlib.util import find_spec

        if find_spec("distributed") is None or find_spec("dask") is None:
            raise ParameterError("--executor dask needs dask.distributed: "
                                 "pip install 'ita-analysis[dask]'")


def _check_options(year: int, digits: str, report_date: str, jobs: int, pdf: bool,
                   notebook: str | Path | None, timeout: int | None = 600,
                   orgs: Sequence[str] = (), data_dir: str | Path | None = None) -> None:
    from .framework import framework_path
    from .report.browser import CHROMIUM
    from .report.context import parse_report_date

    try:
        framework_path(year, data_dir)  # the data folder's own frameworks/<year>.yaml counts
    except ItaError as exc:
        raise ParameterError(" ".join(str(exc).split())) from None
    check_digits(digits)
    from .report.render import run_time

    try:
        parse_report_date(report_date, year, run_time().date())
    except ParameterError as exc:
        raise ParameterError(f"--date: {exc}") from None
    if jobs < 1:
        raise ParameterError(f"--jobs must be 1 or more; got {jobs}")
    if timeout is not None and timeout < 1:
        raise ParameterError(f"--timeout must be 1 second or more (the longest a notebook cell "
                             f"may run); got {timeout}")
    for org in orgs:
        if not ORG_ID.fullmatch(org):
            raise ParameterError(f"--org {org!r} is not an organisation id: expected "
                                 f"{ORG_ID_EXPECTED}")
    if pdf and not Path(CHROMIUM).is_file():
        raise ParameterError(f"--pdf needs Chromium at {CHROMIUM} (Debian: apt-get install "
                             "chromium)")
    if notebook is not None and not Path(notebook).is_file():
        raise ParameterError(f"report notebook {notebook} not found")


def run_batch(
    fiscal_year: int,
    *,
    data_dir: str | Path | None = None,
    out_dir: str | Path = "outputs",
    provinces: Sequence[str] = (),
    org_types: Sequence[str] = (),
    orgs: Sequence[str] = (),
    jobs: int | None = None,
    force: bool = False,
    pdf: bool = False,
    digits: str = "thai",
    report_date: str = "",
    notebook: str | Path | None = None,
    engine_name: str | None = ENGINE_NAME,
    timeout: int | None = 600,
    executor: str | Executor = "process",
    scheduler: str | None = None,
    tty: bool | None = None,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> BatchOutcome:
    """Render every selected organisation's report for ``fiscal_year``; see the module text.

    ``engine_name`` is the papermill engine (default ``ita-warm``: a warm kernel per worker;
    ``nbclient`` or None: papermill's own, a new kernel per report). ``executor`` is
    ``"process"`` (worker processes on this machine), ``"dask"`` (a Dask cluster: a local
    one with ``jobs`` workers, or the one whose scheduler is at ``scheduler``; see
    ``ita_analysis.dask_executor``) or an ``Executor``.
    """
    from .index import write_indexes

    out, err = out or sys.stdout, err or sys.stderr
    year = int(fiscal_year)
    workers = default_jobs() if jobs is None else int(jobs)
    folder = str(Path(data_dir).expanduser().resolve()) if data_dir else ""
    _check_options(year, digits, report_date, workers, pdf, notebook, timeout, orgs,
                   folder or None)
    check_engine(engine_name)
    _check_executor(executor, scheduler)
    out_path = check_out_dir(Path(out_dir)).resolve()
    run = EXECUTORS[executor] if isinstance(executor, str) else executor
    if executor == "dask":
        run = functools.partial(run, scheduler=scheduler or None)
    nb = str(Path(notebook).resolve()) if notebook is not None else None
    # a problem of a whole file stops here (exit 2); an organisation whose own rows are
    # invalid is left out of the data set and fails alone
    dataset = load_dataset(folder or None, isolate=True)
    invalid = excluded_in_scope(dataset, year, provinces=provinces, org_types=org_types,
                                orgs=orgs)
    valid_orgs = [o for o in orgs if o not in dataset.excluded]
    chosen = [] if invalid and orgs and not valid_orgs else select_orgs(
        dataset, year, provinces=provinces, org_types=org_types, orgs=valid_orgs,
        allow_none=bool(invalid))
    started, clock = datetime.now().astimezone().replace(microsecond=0), time.perf_counter()

    with batch_lock(out_path):
        clean_leftovers(out_path, year)
        prints = Fingerprints(dataset, data_dir=folder, digits=digits, pdf=pdf,
                              report_date=report_date, notebook=nb,
                              only=chosen if len(chosen) < 50 else None)
        planned: list[Job] = []
        results: dict[str, JobResult] = {org: _invalid_result(dataset, org, year)
                                         for org in invalid}
        for org in chosen:
            parts = prints.parts(org, year)
            job = Job(org_id=org, fiscal_year=year, out_dir=str(out_path), data_dir=folder,
                      digits=digits, pdf=pdf, report_date=report_date, notebook=nb,
                      engine_name=engine_name, timeout=timeout, fingerprint=combine(parts),
                      fingerprint_parts=tuple(sorted(parts.items())), nonce=new_nonce())
            job = replace(job, folder_existed=job.folder.exists())
            render, why = _plan(job, force)
            if render:
                planned.append(replace(job, reason=why))
            else:
                results[org] = JobResult(org, year, "skipped", reason=why, paths=_paths(
                    job, [("html", "report.html"), ("notebook", "report.ipynb"),
                          ("summary", "summary.json"), ("pdf", "report.pdf")]))
        chosen = [*chosen, *invalid]
        n_workers = max(1, min(workers, len(planned))) if planned else 0
        where = (f"on the Dask cluster at {scheduler}" if scheduler
                 else f"with {n_workers} job(s)"
                 + (" on a local Dask cluster" if executor == "dask" else ""))
        progress = Progress(year, len(planned), tty=err.isatty() if tty is None else tty,
                            out=out, err=err)
        if not progress.tty:
            progress.line(f"batch {year}: {len(chosen)} report(s), "
                          f"{len(results) - len(invalid)} unchanged, "
                          + (f"{len(invalid)} with invalid data, " if invalid else "")
                          + f"{len(planned)} to render {where}")
        for r in results.values():
            progress.report(r)
        with _Signals() as signals:
            try:
                signals.armed = True
                with contextlib.closing(run(planned, run_one, n_workers)) as stream:
                    for result in stream:
                        results[result.org_id] = result
                        progress.report(result)
                signals.armed = False
            except Interrupted:
                pass
            finally:
                signals.armed = False
                progress.close()
            unfinished = [job for job in planned if job.org_id not in results]
            for job in unfinished:  # a killed worker's leftovers: its own, nobody else's
                forget_job(job)
                results[job.org_id] = JobResult(job.org_id, year, "interrupted",
                                                reason=job.reason)
            ordered = [results[o] for o in chosen]
            counts = Counter(r.status for r in ordered)
            status = (128 + signals.received if signals.received is not None
                      else EXIT_FAILED if counts["failed"] else EXIT_OK)
            record = out_path / str(year) / BATCH_RECORD
            record_error = _write_record(record, {
                "schema": BATCH_SCHEMA,
                "fiscal_year": year,
                "status": "interrupted" if signals.received is not None else "complete",
                "started": started.isoformat(),
                "finished": datetime.now().astimezone().replace(microsecond=0).isoformat(),
                "duration_s": round(time.perf_counter() - clock, 3),
                "exit_status": status,
                "jobs": n_workers,
                "executor": executor if isinstance(executor, str) else getattr(
                    executor, "__name__", "custom"),
                "scheduler": scheduler or None,
                "engine": engine_name or "nbclient",
                "package_version": __version__,
                "data_source": folder or "embedded default data",
                "selection": {"province": list(provinces), "org_type": list(org_types),
                              "org": list(orgs)},
                "parameters": {"digits": digits, "pdf": pdf, "report_date": report_date,
                               "force": force, "notebook": nb},
                "counts": {k: counts[k] for k in ("done", "failed", "skipped", "interrupted")},
                "reports": [r.as_dict() for r in ordered],
            })
            index_error = ""
            try:
                write_indexes(out_path, digits=check_digits(digits))
            except OSError as exc:  # the reports stand; say so and fail the batch
                index_error = describe_os_error(exc)
            except Exception as exc:
                index_error = f"{type(exc).__name__}: {exc}"
            if (index_error or record_error) and status == EXIT_OK:
                status = EXIT_FAILED
        _print_summary(out, year, ordered, counts, where, time.perf_counter() - clock,
                       record, out_path, index_error, signals.received, record_error)
        if record_error:
            print(f"ita-analysis: error: {BATCH_RECORD} not written: {record_error}", file=err)
        if index_error:
            print(f"ita-analysis: error: the index not written: {index_error}", file=err)
        return BatchOutcome(status, ordered, record, signals.received)


def _write_record(record: Path, content: dict[str, Any]) -> str:
    """Write batch.json whole (or not at all); what went wrong, or ""."""
    try:
        atomic_write_text(record, json.dumps(content, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        return describe_os_error(exc)
    return ""


def _invalid_result(dataset: Dataset, org: str, year: int) -> JobResult:
    """The result of an organisation left out because its own rows are invalid."""
    problems = dataset.excluded[org].problems
    first = " ".join(str(problems[0]).split()) if problems else "unknown problem"
    return JobResult(org, year, "failed", reason="invalid data",
                     error=f"its data are invalid: {len(problems)} problem(s) in its own rows; "
                           f"first: {first}",
                     problems=[p.as_dict() for p in problems])


def _print_summary(out: IO[str], year: int, results: list[JobResult], counts: Counter[str],
                   where: str, elapsed: float, record: Path, out_path: Path,
                   index_error: str, signum: int | None, record_error: str = "") -> None:
    def p(text: str) -> None:
        print(text, file=out)

    if signum is not None:
        p(f"interrupted by {signal.Signals(signum).name}: {counts['interrupted']} report(s) "
          f"not rendered; run the same command again to finish them")
    rendered = counts["done"] + counts["failed"]
    if not rendered and not counts["interrupted"]:
        p(f"nothing to render: all {counts['skipped']} report(s) of {year} are unchanged "
          f"(--force renders them anyway)")
    durations = [r.duration_s for r in results if r.status in ("done", "failed")]
    p(f"ITA {year} batch: {len(results)} report(s) in {elapsed:.1f}s {where}"
      + (f", {sum(durations) / len(durations):.2f}s per report" if durations else ""))
    width = max(len(k) for k in ("done", "failed", "skipped", "interrupted"))
    p(f"  {'status'.ljust(width)}  reports")
    for key in ("done", "failed", "skipped", "interrupted"):
        p(f"  {key.ljust(width)}  {counts[key]:>7}")
    failed = [r for r in results if r.status == "failed"]
    if failed:
        p("failed reports:")
        w = max(len(r.org_id) for r in failed)
        for r in failed:
            kept = f" (kept {r.paths['failed_notebook']})" if "failed_notebook" in r.paths else ""
            p(f"  {r.org_id.ljust(w)}  {r.duration_s:6.2f}s  {r.error}{kept}")
    p(f"record: NOT written: {record_error}" if record_error else f"record: {record}")
    if index_error:
        p(f"index: NOT written: {index_error}")
    else:
        p(f"index: {out_path / 'index.html'}")


# -- the command -------------------------------------------------------------------------------

def add_batch_parser(sub: argparse._SubParsersAction) -> None:
    batch = sub.add_parser(
        "batch", help="render every matching organisation's report for a fiscal year",
        description="Render the reports of every organisation with scores in a fiscal year "
                    "(or those chosen) in worker processes; skip those whose inputs are "
                    "unchanged; keep going past failures; write <out>/<year>/batch.json and "
                    "the index. Exit 0: all done, 1: a report failed, 2: invalid input or "
                    "another batch is running, 130/143: interrupted.")
    batch.add_argument("--year", type=int, required=True,
                       help="fiscal year, Buddhist Era (2567)")
    batch.add_argument("--data", type=Path, default=None,
                       help="data folder (default: the embedded default data)")
    batch.add_argument("--out", type=Path, default=Path("outputs"),
                       help="output folder (default: ./outputs)")
    batch.add_argument("--province", action="append", default=[], metavar="P",
                       help="only this province (repeatable; 'จังหวัด' may be left out)")
    batch.add_argument("--org-type", action="append", default=[], metavar="T",
                       help="only this organisation type (repeatable)")
    batch.add_argument("--org", nargs="+", action="extend", default=[], metavar="ID",
                       help="only these organisations (org_id)")
    batch.add_argument("--jobs", type=int, default=None, metavar="N",
                       help=f"worker processes, or workers of the local Dask cluster "
                            f"(default: the number of cores, {default_jobs()})")
    batch.add_argument("--force", action="store_true",
                       help="render every report, even those whose inputs are unchanged")
    batch.add_argument("--pdf", action="store_true",
                       help="also print report.pdf (A4) with headless Chromium")
    batch.add_argument("--digits", default="thai", choices=("thai", "arabic"),
                       help="digits of every number and year (default: thai)")
    batch.add_argument("--date", default="", metavar="YYYY-MM-DD",
                       help="date printed in the preface, ISO (CE) (default: the run date)")
    batch.add_argument("--timeout", type=int, default=600, metavar="SECONDS",
                       help="longest a notebook cell may run (default: 600)")
    batch.add_argument("--notebook", type=Path, default=None, metavar="FILE",
                       help="a customised report notebook (default: the package's)")
    add_engine_argument(batch)
    batch.add_argument("--executor", default="process", choices=sorted(EXECUTORS),
                       help="process: worker processes on this machine (default); dask: a "
                            "Dask cluster (dask.distributed), local unless --scheduler")
    batch.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="with --executor dask: the scheduler of a running cluster "
                            "(tcp://host:8786); its workers must reach --data, --out and "
                            "--notebook at the same paths (shared storage)")
    batch.set_defaults(func=cmd_batch)


def add_engine_argument(parser: argparse.ArgumentParser) -> None:
    """``--engine NAME``, for ``batch`` and ``report``."""
    parser.add_argument("--engine", default=ENGINE_NAME, metavar="NAME",
                        help=f"papermill engine that runs the notebook (default: {ENGINE_NAME}, "
                             "a warm kernel reused from report to report; nbclient: "
                             "papermill's own, a new kernel each report)")


def cmd_batch(args: argparse.Namespace) -> int:
    try:
        outcome = run_batch(
            args.year, data_dir=args.data, out_dir=args.out, provinces=args.province,
            org_types=args.org_type, orgs=args.org, jobs=args.jobs, force=args.force,
            pdf=args.pdf, digits=args.digits, report_date=args.date, notebook=args.notebook,
            engine_name=args.engine, timeout=args.timeout, executor=args.executor,
            scheduler=args.scheduler)
    except KeyboardInterrupt:  # Ctrl-C while the data was still being read: nothing written
        print("ita-analysis: interrupted before any report was started", file=sys.stderr)
        return 128 + signal.SIGINT
    return outcome.exit_status


__all__ = ["EXECUTORS", "BatchLockedError", "BatchOutcome", "Executor", "Fingerprints",
           "Interrupted", "Job", "JobResult", "RunOne", "add_batch_parser",
           "add_engine_argument", "batch_lock", "clean_leftovers", "clean_temps", "cmd_batch",
           "combine", "dask_executor", "excluded_in_scope", "fingerprint_summary",
           "forget_job", "process_executor", "run_batch", "run_one", "select_orgs",
           "stop_worker"]
