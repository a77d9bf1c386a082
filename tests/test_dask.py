"""``ita-analysis batch --executor dask``: the same batch on a Dask cluster.

Batches run as the command does (a subprocess) over the small province of test_batch.py, on a
Dask ``LocalCluster`` that the batch starts on the loopback interface, and are compared with
the process pool's: the same report.html and summary.json bytes (``--date`` and
``SOURCE_DATE_EPOCH`` hold the dates still), a failing report recorded alike, Ctrl-C handled
alike. Also: a batch on a running cluster (``--scheduler``), whose workers keep their warm
kernels from one batch to the next and shut them down when they stop.

Without dask.distributed these tests are skipped, except where ``ITA_REQUIRE_ALL=1`` (CI):
there they fail.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from importlib.util import find_spec
from pathlib import Path

import nbformat
import pytest
from test_batch import (
    YEAR,
    _command,
    _edit,
    _orgs,
    _wait_for,
    assert_nothing_left,
    assert_one_warm_kernel_per_worker,
    assert_whole_reports,
    batch,
    indexed,
    kernels_by_worker,
    marked_env,
    marked_processes,
    record,
    running,
    slow_notebook,
    small_province,
    statuses,
    strict_notebook,
    temp_files,
)

REQUIRED = os.environ.get("ITA_REQUIRE_ALL") == "1"  # CI: a missing dependency fails
HAVE_DASK = find_spec("distributed") is not None and find_spec("dask") is not None
pytestmark = pytest.mark.skipif(
    not HAVE_DASK and not REQUIRED,
    reason="dask.distributed is not installed (pip install 'ita-analysis[dask]')")
EPOCH = "1709280000"  # 2024-03-01T08:00:00Z: the run time every report records


def test_dask_distributed_is_installed() -> None:
    assert HAVE_DASK, "dask.distributed is missing: pip install -e '.[dev]'"


def _env(**extra: str) -> tuple[dict[str, str], str]:
    env, mark = marked_env()
    return {**env, "SOURCE_DATE_EPOCH": EPOCH, **extra}, mark


def _report_files(out: Path, org: str) -> dict[str, bytes]:
    folder = out / str(YEAR) / org
    return {name: (folder / name).read_bytes() for name in ("report.html", "summary.json")}


def _comparable(reports: list[dict]) -> list[dict]:
    """batch.json's reports less what depends on where and how fast they ran."""
    return [{k: v for k, v in r.items() if k not in ("duration_s", "worker")} for r in reports]


# -- the same outputs --------------------------------------------------------------------------

def test_a_batch_on_a_local_dask_cluster_equals_the_process_pools(tmp_path: Path) -> None:
    """Dask with warm kernels (the default engine) against the process pool with a new kernel
    for every report (papermill's engine): byte for byte the same reports."""
    orgs = _orgs(4)
    data = small_province(tmp_path / "data", orgs)
    pool_out, dask_out = tmp_path / "pool", tmp_path / "dask"

    env, _ = _env()
    pool = batch(data, pool_out, "--jobs", "2", "--engine", "nbclient", env=env)
    assert pool.returncode == 0, pool.stderr[-3000:]
    env, mark = _env()
    run = batch(data, dask_out, "--jobs", "2", "--executor", "dask", env=env)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]

    assert statuses(dask_out) == statuses(pool_out) == {o: "done" for o in orgs}
    for org in orgs:
        assert _report_files(dask_out, org) == _report_files(pool_out, org), org
    summary = json.loads((dask_out / str(YEAR) / orgs[0] / "summary.json").read_text("utf-8"))
    assert summary["generated"]["run_time"].startswith("2024-03-01")
    assert _comparable(record(dask_out)["reports"]) == _comparable(record(pool_out)["reports"])
    assert indexed(dask_out / "index.html") == indexed(pool_out / "index.html") == sorted(orgs)
    assert "on a local Dask cluster" in run.stdout and f"done {orgs[0]} " in run.stdout

    rec = record(dask_out)
    assert (rec["executor"], rec["scheduler"], rec["engine"]) == ("dask", None, "ita-warm")
    assert record(pool_out)["engine"] == "nbclient"
    assert all("kernel" not in r["worker"] for r in record(pool_out)["reports"])
    # each Dask worker is a process of its own, keeping one warm kernel for its reports, and
    # none of them (nor their kernels) outlives the batch
    assert_one_warm_kernel_per_worker(dask_out, reports=4, workers=2)
    assert_nothing_left(run, mark)


def test_a_failing_report_under_dask_is_recorded_as_under_the_process_pool(
        tmp_path: Path) -> None:
    orgs = _orgs(2)
    broken = orgs[1]
    data = small_province(tmp_path / "data", orgs)
    _edit(data, "organisations.csv", lambda t: t["org_id"] == broken, "district", "")
    notebook = strict_notebook(tmp_path)
    outs = {"process": tmp_path / "pool", "dask": tmp_path / "dask"}
    runs = {}
    for executor, out in outs.items():
        env, mark = _env()
        runs[executor] = batch(data, out, "--jobs", "2", "--notebook", str(notebook),
                               "--executor", executor, env=env)
        assert runs[executor].returncode == 1, runs[executor].stderr[-3000:]
        assert_nothing_left(runs[executor], mark)

    pool, dask = (record(outs[e])["reports"] for e in ("process", "dask"))
    assert _comparable(dask) == _comparable(pool)
    failed = next(r for r in dask if r["org_id"] == broken)
    assert failed["status"] == "failed"
    assert f"ValueError: {broken} has no district" in failed["error"]
    assert failed["paths"] == {"failed_notebook": f"{broken}/failed.ipynb"}
    kept = {e: nbformat.read(out / str(YEAR) / broken / "failed.ipynb", as_version=4)
            for e, out in outs.items()}
    errors = {e: [o.ename for c in nb.cells for o in c.get("outputs", [])
                  if o.output_type == "error"] for e, nb in kept.items()}
    assert errors == {"process": ["ValueError"], "dask": ["ValueError"]}
    assert f"failed {broken} " in runs["dask"].stdout and "failed reports:" in runs["dask"].stdout
    assert indexed(outs["dask"] / "index.html") == [orgs[0]]
    assert temp_files(outs["dask"]) == []


# -- interruption ------------------------------------------------------------------------------

def test_ctrl_c_stops_a_dask_batch_cleanly_and_a_rerun_completes_it(tmp_path: Path) -> None:
    orgs = _orgs(3)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    out.mkdir()
    notebook = slow_notebook(tmp_path)
    env, mark = _env()
    command = _command(data, out, "--jobs", "1", "--executor", "dask", "--notebook",
                       str(notebook))
    # its own session: SIGINT goes to the whole group (the Dask workers too), as Ctrl-C does
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path, start_new_session=True, env=env)
    lines: list[str] = []
    try:
        _wait_for(proc, lines, "done ")  # the next report is now in its pause
        os.killpg(proc.pid, signal.SIGINT)
        rest, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, "".join(lines) + rest + err[-3000:]
    assert "interrupted by SIGINT" in rest
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-3000:]
    rec = record(out)
    assert rec["status"] == "interrupted" and rec["exit_status"] == 130
    done = [o for o, s in statuses(out).items() if s == "done"]
    assert done and set(statuses(out).values()) == {"done", "interrupted"}
    assert temp_files(out) == []
    assert_whole_reports(out)
    assert sorted(p.parent.name for p in out.rglob("report.html")) == sorted(done)
    assert_nothing_left(subprocess.CompletedProcess(command, 130, rest, err), mark)

    rerun = batch(data, out, "--jobs", "2", "--executor", "dask", "--notebook", str(notebook))
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert statuses(out) == {o: ("skipped" if o in done else "done") for o in orgs}
    assert indexed(out / "index.html") == sorted(orgs)


# -- a running cluster -------------------------------------------------------------------------

def test_a_running_cluster_keeps_its_workers_kernels_warm_from_batch_to_batch(
        tmp_path: Path) -> None:
    """``--scheduler``: the batch connects to a cluster it did not start (here one started by
    the test, on loopback) and leaves it running; its worker's kernel serves the next batch
    too, and is shut down when the worker stops."""
    from distributed import LocalCluster

    orgs = _orgs(2)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        first = batch(data, out, "--executor", "dask", "--scheduler", address)
        assert first.returncode == 0, first.stdout + first.stderr[-3000:]
        assert f"on the Dask cluster at {address}" in first.stdout
        second = batch(data, out, "--executor", "dask", "--scheduler", address, "--force")
        assert second.returncode == 0, second.stderr[-3000:]
        rec = record(out)
        assert (rec["executor"], rec["scheduler"]) == ("dask", address)
        assert set(statuses(out).values()) == {"done"}
        [(worker, kernels)] = kernels_by_worker(out).items()
        # the second batch's reports ran in the kernel the first batch warmed up
        assert {k["started"] for k in kernels} == {1}
        assert sorted(k["notebooks"] for k in kernels) == [3, 4]
        [kernel] = {k["pid"] for k in kernels}
        assert running(worker) and running(kernel)
    assert not running(kernel) and not running(worker)


def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path: Path) -> None:
    data = small_province(tmp_path / "data", _orgs(1))
    out = tmp_path / "outputs"
    env, mark = marked_env()
    run = batch(data, out, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9",
                env={**env, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert run.returncode == 2
    assert "could not connect to the Dask scheduler at tcp://127.0.0.1:9" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (out / str(YEAR)).exists()
    assert marked_processes(mark) == []
