"""Render many organisations' reports for one fiscal year: ``ita-analysis batch``.

``run_batch`` selects the organisations (``analysis.scope``), plans each report from its input
fingerprint (``plan``), runs the jobs in an executor (``executors``), and writes
``<out>/<year>/batch.json`` and the index. What it skips, how it survives failures and
interruptions, and what the fingerprint covers: docs/architecture.md.
"""


from __future__ import annotations

import contextlib
import functools
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from importlib.util import find_spec
from pathlib import Path
from typing import IO, Any

from .. import __version__
from ..analysis.scope import excluded_in_scope, select_orgs
from ..data.columns import ORG_ID, ORG_ID_EXPECTED
from ..data.dataset import Dataset, load_dataset
from ..documents.index import write_indexes
from ..documents.report.context import parse_report_date
from ..engine.warm import ENGINE_NAME, check_engine
from ..errors import ItaError, ParameterError, describe_os_error
from ..lifetime import usable_cores
from ..render.fingerprint import Fingerprints, combine
from ..render.outputs import atomic_write_text, check_out_dir, clean_leftovers, new_nonce
from ..render.pdf import check_pdf_tools
from ..render.record import json_text, run_time
from ..rules.framework import framework_path
from ..thai import check_digits
from .executors import EXECUTORS, Executor
from .jobs import Job, JobResult, forget_job, result_paths, run_one
from .lock import batch_lock
from .plan import plan
from .progress import Interrupted, Progress, Signals, print_summary

BATCH_SCHEMA = "ita-analysis/batch/1"
BATCH_RECORD = "batch.json"
EXIT_OK, EXIT_FAILED = 0, 1


@dataclass
class BatchOutcome:
    exit_status: int
    results: list[JobResult]
    record: Path
    interrupted_by: int | None = None



def _check_executor(executor: str | Executor, scheduler: str | None) -> None:
    if isinstance(executor, str) and executor not in EXECUTORS:
        raise ParameterError(f"--executor must be one of {', '.join(sorted(EXECUTORS))}; "
                             f"got {executor!r}")
    if scheduler and executor != "dask":
        raise ParameterError("--scheduler is the address of a Dask scheduler: it goes with "
                             "--executor dask")
    if executor == "dask":
        if find_spec("distributed") is None or find_spec("dask") is None:
            raise ParameterError("--executor dask needs dask.distributed: "
                                 "pip install 'ita-analysis[dask]'")


def _check_options(year: int, digits: str, report_date: str, jobs: int, pdf: bool,
                   notebook: str | Path | None, timeout: int | None = 600,
                   orgs: Sequence[str] = (), data_dir: str | Path | None = None) -> None:
    try:
        framework_path(year, data_dir)  # the data folder's own frameworks/<year>.yaml counts
    except ItaError as exc:
        raise ParameterError(" ".join(str(exc).split())) from None
    check_digits(digits)
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
    if pdf:
        check_pdf_tools()
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
    ``ita_analysis.batch.executors.dask_cluster``) or an ``Executor``.
    """
    out, err = out or sys.stdout, err or sys.stderr
    year = int(fiscal_year)
    workers = usable_cores() if jobs is None else int(jobs)
    folder = str(Path(data_dir).expanduser().resolve()) if data_dir else ""
    _check_options(year, digits, report_date, workers, pdf, notebook, timeout, orgs,
                   folder or None)
    check_engine(engine_name)
    _check_executor(executor, scheduler)
    out_path = check_out_dir(Path(out_dir)).resolve()
    run = EXECUTORS[executor] if isinstance(executor, str) else executor
    if isinstance(executor, str):
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
            render, why = plan(job, force)
            if render:
                planned.append(replace(job, reason=why))
            else:
                results[org] = JobResult(org, year, "skipped", reason=why, paths=result_paths(
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
        with Signals() as signals:
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
        print_summary(out, year, ordered, counts, where, time.perf_counter() - clock,
                       record, out_path, index_error, signals.received, record_error)
        if record_error:
            print(f"ita-analysis: error: {BATCH_RECORD} not written: {record_error}", file=err)
        if index_error:
            print(f"ita-analysis: error: the index not written: {index_error}", file=err)
        return BatchOutcome(status, ordered, record, signals.received)


def _write_record(record: Path, content: dict[str, Any]) -> str:
    """Write batch.json whole (or not at all); what went wrong, or ""."""
    try:
        atomic_write_text(record, json_text(content))
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

