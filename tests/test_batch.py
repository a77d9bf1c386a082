"""``ita-analysis batch``: failure isolation, skipping unchanged reports, interruption, the lock.

Batches run as the command does (a subprocess, output not a terminal, so one plain line per
report) over a small province: a copy of the synthetic data cut down to a few organisations,
rendered with ``--jobs 2``. The fast tests (fingerprints, selection, clean-up, the lock held
in this process) need no kernel.

The broken organisation: invalid rows of one organisation fail that organisation's report alone
(recorded with every problem), while a problem of a whole file stops the batch before anything
runs (exit 2; the same rules as ``ita-analysis check``). A report can also fail while it is
made: the realistic case tested here is an office's own notebook (``--notebook``) holding a
house rule that one organisation's valid-but-incomplete data breaks (its district is blank,
which the data format allows): the notebook raises in the middle, after earlier cells have
drawn output.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from _html import parse

from ita_analysis.analysis.scope import select_orgs
from ita_analysis.batch.lock import BatchLockedError, batch_lock
from ita_analysis.cli import main
from ita_analysis.data.dataset import load_dataset, synthetic_data_dir
from ita_analysis.engine.warm import warm_kernels
from ita_analysis.errors import ParameterError
from ita_analysis.render.fingerprint import Fingerprints, combine
from ita_analysis.render.outputs import TEMP_NAME, remove_temps
from ita_analysis.render.report import notebook_path

YEAR = 2567
DATE = "2024-03-01"


# -- a small province --------------------------------------------------------------------------

def _orgs(n: int) -> list[str]:
    """The first ``n`` synthetic organisations with scores in YEAR and the year before."""
    ds = load_dataset(synthetic_data_dir())
    years = ds.scores.groupby("org_id")["fiscal_year"].apply(set)
    return [o for o in ds.organisations["org_id"] if {YEAR - 1, YEAR} <= years[o]][:n]


def small_province(folder: Path, orgs: list[str]) -> Path:
    """The synthetic data cut down to ``orgs`` (every table, every year), as CSV text."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(synthetic_data_dir().glob("*.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        table[table["org_id"].isin(orgs)].to_csv(folder / path.name, index=False)
    load_dataset(folder)  # still valid
    return folder


def _edit(folder: Path, name: str, mask_of, column: str, value: str) -> None:
    table = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    mask = mask_of(table)
    assert mask.sum() >= 1
    table.loc[mask, column] = value
    table.to_csv(folder / name, index=False)


def _score(folder: Path, org: str, year: int, indicator: int, value: str) -> None:
    _edit(folder, "scores.csv",
          lambda t: (t["org_id"] == org) & (t["fiscal_year"] == str(year))
          & (t["indicator"] == str(indicator)), "score", value)


def slow_notebook(folder: Path, seconds: float = 2.0) -> Path:
    """The report notebook with a pause after the preface: a report long enough to be caught
    in the middle (a warm kernel renders one of the small province in half a second)."""
    nb = nbformat.read(notebook_path(), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "sections.preface" in c.source) + 1
    cell = nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})")
    cell.metadata["tags"] = ["remove_cell"]
    nb.cells.insert(at, cell)
    path = folder / "slow.ipynb"
    nbformat.write(nb, path)
    return path


def strict_notebook(folder: Path) -> Path:
    """The report notebook plus an office's house rule after the preface: a district is a must."""
    nb = nbformat.read(notebook_path(), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "sections.preface" in c.source) + 1
    cell = nbformat.v4.new_code_cell(
        'if not ctx.org["district"]:\n'
        '    raise ValueError(f"{ctx.org[\'org_id\']} has no district in organisations.csv")')
    cell.metadata["tags"] = ["remove_input"]
    nb.cells.insert(at, cell)
    path = folder / "strict.ipynb"
    nbformat.write(nb, path)
    return path


# -- running the command -----------------------------------------------------------------------

def _command(data: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "ita_analysis.cli", "batch", "--year", str(YEAR),
            "--data", str(data), "--out", str(out), "--date", DATE, *extra]


def batch(data: Path, out: Path, *extra: str,
          env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(data, out, *extra), capture_output=True, text=True,
                          timeout=600, cwd=out.parent, env=env)


# -- the processes a batch leaves behind: none -------------------------------------------------

# An orphaned kernel (its worker gone without shutting it down) notices within a second and
# says so on the stderr it shares with the batch; capture_output waits for every holder of the
# pipe, so a batch that leaked a kernel always has this line in its captured stderr.
ORPHANED_KERNEL = "Parent appears to have exited"


def marked_env() -> tuple[dict[str, str], str]:
    """The environment for a batch whose processes (workers, kernels) can be found later: every
    one of them inherits the mark."""
    mark = f"ita-test-{uuid.uuid4().hex}"
    return {**os.environ, "ITA_TEST_MARK": mark}, mark


def running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")  # a zombie is not running


def marked_processes(mark: str) -> list[str]:
    """The running processes whose environment holds the mark (their command lines)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or not running(int(proc.name)):
            continue
        try:
            if f"ITA_TEST_MARK={mark}".encode() in (proc / "environ").read_bytes().split(b"\0"):
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return found


def assert_nothing_left(run: subprocess.CompletedProcess[str], mark: str) -> None:
    """No kernel outlived its worker, and no process of the batch outlives it (the
    multiprocessing forkserver may take a moment to see that its parent is gone)."""
    assert ORPHANED_KERNEL not in run.stderr, run.stderr[-3000:]
    assert [c for c in marked_processes(mark) if "ipykernel" in c] == []
    deadline = time.monotonic() + 10
    while marked_processes(mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert marked_processes(mark) == []


def kernels_by_worker(out: Path) -> dict[int, list[dict]]:
    """batch.json's kernel stats of the rendered reports, by worker process."""
    workers: dict[int, list[dict]] = {}
    for r in record(out)["reports"]:
        if r["status"] in ("done", "failed"):
            workers.setdefault(r["worker"]["pid"], []).append(r["worker"]["kernel"])
    return workers


def assert_one_warm_kernel_per_worker(out: Path, reports: int, workers: int) -> None:
    """Each worker rendered its reports in one kernel, started once and reused: its reports
    show that kernel's counter going 1, 2, … (recorded in the order they finished)."""
    by_worker = kernels_by_worker(out)
    assert sum(len(k) for k in by_worker.values()) == reports
    assert 1 <= len(by_worker) <= workers
    for kernels in by_worker.values():
        assert len({k["pid"] for k in kernels}) == 1
        assert {k["started"] for k in kernels} == {1}
        assert sorted(k["notebooks"] for k in kernels) == list(range(1, len(kernels) + 1))
    assert max(len(k) for k in by_worker.values()) >= 2  # at least one kernel was reused


def record(out: Path) -> dict:
    return json.loads((out / str(YEAR) / "batch.json").read_text(encoding="utf-8"))


def statuses(out: Path) -> dict[str, str]:
    return {r["org_id"]: r["status"] for r in record(out)["reports"]}


def temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if TEMP_NAME.match(p.name)]


def indexed(page: Path) -> list[str]:
    soup = parse(page.read_text(encoding="utf-8"))
    return sorted(tr["data-org"] for tr in soup.select("#reports tbody tr[data-org]"))


def assert_whole_reports(out: Path) -> None:
    """Every report.html in the tree is complete and has its summary.json beside it."""
    for page in out.rglob("report.html"):
        assert (page.parent / "summary.json").is_file(), page
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page


# -- failure isolation -------------------------------------------------------------------------

def test_a_broken_organisation_fails_alone_and_the_rest_render(tmp_path: Path) -> None:
    orgs = _orgs(4)
    broken = orgs[2]
    data = small_province(tmp_path / "data", orgs)
    _edit(data, "organisations.csv", lambda t: t["org_id"] == broken, "district", "")
    notebook = strict_notebook(tmp_path)
    out = tmp_path / "outputs"

    run = batch(data, out, "--jobs", "2", "--notebook", str(notebook))

    assert run.returncode == 1, run.stderr[-3000:]
    assert statuses(out) == {o: ("failed" if o == broken else "done") for o in orgs}
    failed = next(r for r in record(out)["reports"] if r["org_id"] == broken)
    assert f"ValueError: {broken} has no district" in failed["error"]
    assert "the report notebook failed in cell" in failed["error"]
    assert failed["paths"] == {"failed_notebook": f"{broken}/failed.ipynb"}
    # papermill's partly executed notebook: the cells before the rule ran and drew output
    kept = nbformat.read(out / str(YEAR) / broken / "failed.ipynb", as_version=4)
    errors = [o for c in kept.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert [e.ename for e in errors] == ["ValueError"]
    assert any("sections.cover" in c.source and c.outputs for c in kept.cells)
    assert sorted(p.name for p in (out / str(YEAR) / broken).iterdir()) == ["failed.ipynb"]
    # the others are whole reports; the output says what happened, one line per report
    for org in orgs:
        if org != broken:
            assert (out / str(YEAR) / org / "report.html").is_file()
            assert f"done {org} " in run.stdout
    assert f"failed {broken} " in run.stdout and "failed reports:" in run.stdout
    assert temp_files(out) == []
    # the index lists the rendered reports, not the broken one
    rendered = sorted(o for o in orgs if o != broken)
    assert indexed(out / "index.html") == rendered
    assert indexed(out / str(YEAR) / "index.html") == rendered

    # mended, the next run renders only the broken organisation and drops its failed.ipynb
    # (its district is no input of the others' reports)
    _edit(data, "organisations.csv", lambda t: t["org_id"] == broken, "district", "อำเภอซ่อม")
    again = batch(data, out, "--jobs", "2", "--notebook", str(notebook))
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert statuses(out) == {o: ("done" if o == broken else "skipped") for o in orgs}
    assert not (out / str(YEAR) / broken / "failed.ipynb").exists()
    assert indexed(out / "index.html") == sorted(orgs)


def test_an_organisation_named_without_scores_fails_before_any_kernel(tmp_path: Path) -> None:
    orgs = _orgs(2)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    run = batch(data, out, "--org", "no-such-org", "--jobs", "1")
    assert run.returncode == 1
    (result,) = record(out)["reports"]
    assert result["status"] == "failed" and "no organisation 'no-such-org'" in result["error"]
    assert not (out / str(YEAR) / "no-such-org").exists()


def test_a_problem_of_a_whole_file_stops_the_batch_before_anything_runs(tmp_path: Path) -> None:
    data = small_province(tmp_path / "data", _orgs(2))
    _score(data, _orgs(1)[0], YEAR, 1, "101")  # one organisation's row: not enough to stop
    table = pd.read_csv(data / "items.csv", dtype=str, keep_default_na=False)
    table.drop(columns=["score"]).to_csv(data / "items.csv", index=False)  # a whole file
    out = tmp_path / "outputs"
    run = batch(data, out, "--jobs", "1")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "items.csv, row 1, column 'score'" in run.stderr  # every problem is listed
    assert "scores.csv" in run.stderr and "a number from 0 to 100" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (out / str(YEAR)).exists()


def test_an_unknown_engine_or_executor_option_is_a_usage_error(tmp_path: Path) -> None:
    data = small_province(tmp_path / "data", _orgs(1))
    out = tmp_path / "outputs"
    run = batch(data, out, "--engine", "no-such-engine")
    assert run.returncode == 2
    assert "--engine: no papermill engine 'no-such-engine'; known: " in run.stderr
    assert "ita-warm" in run.stderr and "nbclient" in run.stderr
    run = batch(data, out, "--scheduler", "tcp://127.0.0.1:1")
    assert run.returncode == 2 and "it goes with --executor dask" in run.stderr
    assert not out.exists()


# -- warm kernels ------------------------------------------------------------------------------

def test_each_worker_process_keeps_one_warm_kernel_and_shuts_it_down(tmp_path: Path) -> None:
    """The default engine is ita-warm: a process-pool worker keeps its kernel from report to
    report, and shuts it down when the pool ends (no kernel outlives the batch)."""
    orgs = _orgs(3)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    env, mark = marked_env()
    run = batch(data, out, "--jobs", "2", env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    rec = record(out)
    assert (rec["engine"], rec["executor"], rec["jobs"]) == ("ita-warm", "process", 2)
    assert set(statuses(out).values()) == {"done"}
    assert_one_warm_kernel_per_worker(out, reports=3, workers=2)
    assert_nothing_left(run, mark)


# -- skipping what has not changed --------------------------------------------------------------

def test_unchanged_reports_are_skipped_and_a_change_rerenders_what_it_changes(
        tmp_path: Path) -> None:
    orgs = _orgs(4)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    first = batch(data, out, "--jobs", "2")
    assert first.returncode == 0, first.stderr[-3000:]
    assert set(statuses(out).values()) == {"done"}
    pages = {o: out / str(YEAR) / o / "report.html" for o in orgs}
    stamps = {o: p.stat().st_mtime_ns for o, p in pages.items()}
    summary = json.loads((out / str(YEAR) / orgs[0] / "summary.json").read_text("utf-8"))
    assert len(summary["fingerprint"]) == 64
    assert set(summary["fingerprint_parts"]) >= {"organisation", "peers", "frameworks",
                                                 "recommendations", "notebook", "templates",
                                                 "software", "parameters"}

    # nothing changed: nothing rendered, and it says so
    second = batch(data, out, "--jobs", "2")
    assert second.returncode == 0
    assert set(statuses(out).values()) == {"skipped"}
    assert "nothing to render: all 4 report(s) of 2567 are unchanged" in second.stdout
    assert {o: p.stat().st_mtime_ns for o, p in pages.items()} == stamps

    # one organisation's score of an EARLIER year: only its report shows that year (history,
    # change on the year before), so only it is rendered again
    changed = orgs[1]
    _score(data, changed, YEAR - 1, 1, "12.34")
    third = batch(data, out, "--jobs", "2")
    assert third.returncode == 0, third.stderr[-3000:]
    assert statuses(out) == {o: ("done" if o == changed else "skipped") for o in orgs}
    reasons = {r["org_id"]: r["reason"] for r in record(out)["reports"]}
    assert reasons[changed] == "changed: organisation"
    assert f"done {changed} " in third.stdout
    after = json.loads((out / str(YEAR) / changed / "summary.json").read_text("utf-8"))
    assert after["findings"]["change"]["previous_year"] == YEAR - 1
    assert {o: p.stat().st_mtime_ns for o, p in pages.items() if o != changed} == \
        {o: s for o, s in stamps.items() if o != changed}

    # a score of THE batch's year: the report ranks every organisation among its peers and
    # charts the group's scores, so the peers' reports change too and are rendered again
    # (correctly); shown here for two of them
    _score(data, changed, YEAR, 1, "23.45")
    fourth = batch(data, out, "--jobs", "2", "--org", changed, orgs[0])
    assert fourth.returncode == 0, fourth.stderr[-3000:]
    reasons = {r["org_id"]: r["reason"] for r in record(out)["reports"]}
    assert reasons == {changed: "changed: organisation,peers", orgs[0]: "changed: peers"}


def test_what_the_fingerprint_covers(tmp_path: Path) -> None:
    orgs = _orgs(4)
    data = small_province(tmp_path / "data", orgs)
    a, b = orgs[0], orgs[1]

    def prints(**kw: object) -> dict[str, dict[str, str]]:
        fp = Fingerprints(load_dataset(data), data_dir=str(data), **kw)
        return {o: fp.parts(o, YEAR) for o in orgs}

    before = prints()
    assert prints() == before  # deterministic
    _score(data, a, YEAR - 1, 2, "1.5")  # an earlier year: only a's report
    earlier = prints()
    assert [o for o in orgs if combine(earlier[o]) != combine(before[o])] == [a]
    assert [k for k in before[a] if earlier[a][k] != before[a][k]] == ["organisation"]
    _score(data, a, YEAR, 2, "1.5")  # this year: a's data, and everyone's peers
    same_year = prints()
    for org in orgs:
        moved = [k for k in before[org] if same_year[org][k] != earlier[org][k]]
        assert moved == (["organisation", "peers"] if org == a else ["peers"])
    _edit(data, "measures.csv", lambda t: t["org_id"] == b, "owner", "กองช่าง")  # b's only
    measures = prints()
    assert [o for o in orgs if combine(measures[o]) != combine(same_year[o])] == [b]
    # the render parameters and the notebook are inputs of every report
    assert all(prints(digits="arabic")[o]["parameters"] != measures[o]["parameters"]
               for o in orgs)
    other = strict_notebook(tmp_path)
    assert all(prints(notebook=other)[o]["notebook"] != measures[o]["notebook"] for o in orgs)


# -- interruption ------------------------------------------------------------------------------

def _wait_for(proc: subprocess.Popen[str], lines: list[str], prefix: str,
              timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        if not line:
            break
        lines.append(line)
        if line.startswith(prefix):
            return
    raise AssertionError(f"no line starting {prefix!r}: {''.join(lines)}")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_batch_leaves_no_partial_file_and_a_rerun_completes_it(
        tmp_path: Path, signum: int) -> None:
    orgs = _orgs(3)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    out.mkdir()
    notebook = slow_notebook(tmp_path)
    # its own session: SIGINT goes to the whole group, as Ctrl-C in a terminal does
    proc = subprocess.Popen(_command(data, out, "--jobs", "1", "--notebook", str(notebook)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path, start_new_session=True)
    lines: list[str] = []
    try:
        _wait_for(proc, lines, "done ")
        if signum == signal.SIGINT:
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGTERM)
        rest, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 128 + signum, "".join(lines) + rest + err[-3000:]
    assert f"interrupted by {signal.Signals(signum).name}" in rest
    rec = record(out)
    assert rec["status"] == "interrupted" and rec["exit_status"] == 128 + signum
    done = [o for o, s in statuses(out).items() if s == "done"]
    assert done and "interrupted" in statuses(out).values()
    assert set(statuses(out).values()) <= {"done", "interrupted"}
    assert temp_files(out) == []
    assert_whole_reports(out)
    assert sorted(p.parent.name for p in out.rglob("report.html")) == sorted(done)

    rerun = batch(data, out, "--jobs", "2", "--notebook", str(notebook))
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert statuses(out) == {o: ("skipped" if o in done else "done") for o in orgs}
    assert temp_files(out) == []
    assert indexed(out / "index.html") == sorted(orgs)


def test_leftover_temporary_files_are_removed_at_the_start(tmp_path: Path) -> None:
    folder = tmp_path / str(YEAR) / "org-a"
    folder.mkdir(parents=True)
    old = folder / ".report.0123abcd.tmp.html"
    new = folder / ".summary.89abcdef.tmp.json"
    keep = folder / "report.html"
    for path in (old, new, keep):
        path.write_text("x", encoding="utf-8")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert remove_temps([folder], older_than=60) == [old]
    assert sorted(p.name for p in folder.iterdir()) == sorted([new.name, keep.name])
    assert remove_temps([folder]) == [new]
    assert [p.name for p in folder.iterdir()] == ["report.html"]


# -- two batches at once -----------------------------------------------------------------------

def test_a_second_batch_on_the_same_output_folder_is_refused(tmp_path: Path) -> None:
    orgs = _orgs(3)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    out.mkdir()
    first = subprocess.Popen(_command(data, out, "--jobs", "1"), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        _wait_for(first, [], "batch 2567:")  # it holds the lock from before this line
        second = batch(data, out, "--jobs", "1")
        assert second.returncode == 2
        assert second.stderr.count("\n") == 1
        assert f"another batch (PID {first.pid}) is writing to {out}" in second.stderr
        assert second.stdout == ""
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=120)
    assert first.returncode == 143
    assert record(out)["fiscal_year"] == YEAR  # the first batch's record, whole


def test_the_lock_names_its_holder(tmp_path: Path) -> None:
    with batch_lock(tmp_path):
        assert (tmp_path / ".batch.lock").read_text().strip() == str(os.getpid())
        # flock locks belong to the open file: a second open in this process conflicts too
        with pytest.raises(BatchLockedError, match=f"PID {os.getpid()}"), batch_lock(tmp_path):
            pass
    with batch_lock(tmp_path):  # released
        pass


# -- choosing the organisations ----------------------------------------------------------------

def test_selection_by_province_type_and_org() -> None:
    ds = load_dataset(synthetic_data_dir())
    every = select_orgs(ds, YEAR)
    scored = set(ds.scores.loc[ds.scores["fiscal_year"] == YEAR, "org_id"])
    assert set(every) == scored
    province = ds.organisations["province"].iloc[0]
    assert select_orgs(ds, YEAR, provinces=[province.removeprefix("จังหวัด")]) == every
    town = select_orgs(ds, YEAR, org_types=["เทศบาลตำบล"])
    assert town and set(town) < set(every)
    assert select_orgs(ds, YEAR, orgs=["nobody", every[0]]) == ["nobody", every[0]]
    with pytest.raises(ParameterError, match="provinces with scores that year"):
        select_orgs(ds, YEAR, provinces=["ไม่มี"])


# -- a single report updates the index too -----------------------------------------------------

def test_a_single_report_updates_the_index(tmp_path: Path) -> None:
    (org,) = _orgs(1)
    out = tmp_path / "outputs"
    code = main(["report", "--org", org, "--year", str(YEAR), "--data",
                 str(synthetic_data_dir()), "--out", str(out), "--date", DATE])
    assert code == 0
    assert not any(k.running for k in warm_kernels())  # the warm kernel it started is gone
    assert indexed(out / "index.html") == [org]
    assert indexed(out / str(YEAR) / "index.html") == [org]
    summary = json.loads((out / str(YEAR) / org / "summary.json").read_text("utf-8"))
    assert len(summary["fingerprint"]) == 64
    # the same inputs: a batch skips what the report command made
    run = batch(synthetic_data_dir(), out, "--org", org, "--jobs", "1")
    assert run.returncode == 0 and statuses(out) == {org: "skipped"}


def test_report_names_an_unknown_engine_before_any_kernel(capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path) -> None:
    code = main(["report", "--org", _orgs(1)[0], "--year", str(YEAR), "--out", str(tmp_path),
                 "--engine", "no-such-engine"])
    assert code == 2
    assert "no papermill engine 'no-such-engine'" in capsys.readouterr().err
    assert warm_kernels() == [] or not any(k.running for k in warm_kernels())
    assert list(tmp_path.iterdir()) == []


# -- issue 12: one organisation's bad rows, ids, clean-up, killed parents, full disks ----------

def test_one_organisations_invalid_rows_fail_its_report_alone_with_every_problem(
        tmp_path: Path) -> None:
    orgs = _orgs(3)
    bad = orgs[1]
    data = small_province(tmp_path / "data", orgs)
    _score(data, bad, YEAR, 1, "101")
    _score(data, bad, YEAR, 2, "abc")
    out = tmp_path / "outputs"
    run = batch(data, out, "--jobs", "2")
    assert run.returncode == 1, run.stdout + run.stderr[-3000:]
    assert statuses(out) == {o: ("failed" if o == bad else "done") for o in orgs}
    failed = next(r for r in record(out)["reports"] if r["org_id"] == bad)
    assert [(p["column"], p["value"]) for p in failed["problems"]] == [("score", "101"),
                                                                      ("score", "abc")]
    assert all(p["file"].endswith("scores.csv") and p["row"] for p in failed["problems"])
    assert "its data are invalid: 2 problem(s)" in failed["error"]
    assert f"failed {bad} " in run.stdout and "Traceback" not in run.stderr
    assert not (out / str(YEAR) / bad).exists()
    assert indexed(out / "index.html") == sorted(o for o in orgs if o != bad)
    # the others' reports rank them without the invalid organisation
    summary = json.loads((out / str(YEAR) / orgs[0] / "summary.json").read_text("utf-8"))
    assert bad not in json.dumps(summary["findings"]["peers"])
    # check still lists everything, and refuses the folder
    checked = subprocess.run([sys.executable, "-m", "ita_analysis.cli", "check", "--data",
                              str(data)], capture_output=True, text=True, timeout=300)
    assert checked.returncode == 2 and "2 problems in the input data" in checked.stderr


def test_org_ids_that_are_paths_and_a_zero_timeout_are_refused_before_anything(
        tmp_path: Path) -> None:
    data = small_province(tmp_path / "data", _orgs(1))
    out = tmp_path / "outputs"
    for extra, says in ((["--org", "../../etc"], "--org '../../etc' is not an organisation id"),
                        (["--org", "a/b"], "--org 'a/b' is not an organisation id"),
                        (["--timeout", "0"], "--timeout must be 1 second or more"),
                        (["--date", "2567-01-01"], "an ISO date takes the Christian Era year: "
                                                   "2024-01-01")):
        run = batch(data, out, *extra)
        assert run.returncode == 2 and says in run.stderr, run.stderr
        assert run.stderr.count("\n") == 1 and not out.exists()


def test_leftovers_of_killed_writers_go_at_once_and_a_live_writers_files_stay(
        tmp_path: Path) -> None:
    from ita_analysis.render.outputs import temp_path

    folder = tmp_path / str(YEAR) / "org-a"
    folder.mkdir(parents=True)
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process that has ended: its pid names a killed writer
    dead = temp_path(folder / "report.html")
    dead = dead.with_name(dead.name.replace(f"-{os.getpid()}.", f"-{gone.pid}."))
    live = temp_path(folder / "summary.json")  # this process: a concurrent, running writer
    for path in (dead, live):
        path.write_text("x", encoding="utf-8")
    assert remove_temps([folder], older_than=3600) == [dead]
    assert [p.name for p in folder.iterdir()] == [live.name]


@pytest.mark.parametrize("signum", [signal.SIGTERM], ids=["SIGTERM"])
def test_an_interrupted_batch_removes_only_what_it_made(tmp_path: Path, signum: int) -> None:
    """A concurrent ``report``'s temporary file in a report folder, and a folder that was
    there before, survive the batch's clean-up; the batch's own leftovers do not."""
    from ita_analysis.render.outputs import temp_path

    orgs = _orgs(3)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    theirs = temp_path(out / str(YEAR) / orgs[2] / "report.html")  # a running report's
    theirs.parent.mkdir(parents=True)
    theirs.write_text("half a page", encoding="utf-8")
    empty = out / str(YEAR) / orgs[1]
    empty.mkdir()
    notebook = slow_notebook(tmp_path, 20)
    proc = subprocess.Popen(_command(data, out, "--jobs", "1", "--notebook", str(notebook),
                                     "--org", *orgs), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 300
        while not temp_files(out / str(YEAR) / orgs[0]) and time.monotonic() < deadline:
            time.sleep(0.2)  # the first report is being written
        proc.send_signal(signum)
        rest, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signum, rest + err[-3000:]
    assert theirs.read_text(encoding="utf-8") == "half a page"
    assert empty.is_dir()
    assert temp_files(out) == [theirs]
    assert not (out / str(YEAR) / orgs[0]).exists()  # it made this folder: gone with it


def test_kill_9_of_the_batch_leaves_no_process_of_it_alive(tmp_path: Path) -> None:
    orgs = _orgs(3)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    env, mark = marked_env()
    notebook = slow_notebook(tmp_path, 60)
    proc = subprocess.Popen(_command(data, out, "--jobs", "2", "--notebook", str(notebook)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            cwd=tmp_path)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # both workers render, each in its kernel
            if len([c for c in marked_processes(mark) if "ipykernel" in c]) >= 2 \
                    and temp_files(out):
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"no kernels: {marked_processes(mark)}")
        alive = marked_processes(mark)
        proc.kill()
        proc.wait()
        killed = time.monotonic()
        while marked_processes(mark) and time.monotonic() < killed + 10:
            time.sleep(0.1)
        gone_after = time.monotonic() - killed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert len(alive) >= 5, alive  # the batch, its workers and their kernels
    assert marked_processes(mark) == [], f"still alive {gone_after:.1f} s after kill -9"
    assert gone_after < 5
    assert temp_files(out) == []  # the workers removed their own temporary files


def _can_mount_tmpfs() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True, timeout=60)
    return probe.returncode == 0


@pytest.mark.parametrize("full", ["file-size limit", "tmpfs"])
def test_a_batch_on_a_nearly_full_file_system_keeps_no_partial_file_and_says_so(
        tmp_path: Path, full: str) -> None:
    """Reports do not fit; nothing half-written stays (no truncated failed.ipynb, no
    temporary file), batch.json and the index are still written, and the batch exits 1 with
    the reason, without a traceback."""
    orgs = _orgs(2)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    out.mkdir()
    command = _command(data, out, "--jobs", "2")
    listing, kept = tmp_path / "listing.txt", tmp_path / "batch.json"
    if full == "tmpfs":
        if not _can_mount_tmpfs():
            pytest.skip("needs root and a private mount namespace (unshare) for a tmpfs")
        # the tmpfs lives as long as its namespace: list it (and keep batch.json) from inside
        script = ('mount -t tmpfs -o size=400k tmpfs "$OUT" || exit 9; "$@"; rc=$?; '
                  '(cd "$OUT" && find . -type f | sort) > "$LISTING"; '
                  f'cp "$OUT/{YEAR}/batch.json" "$KEPT"; exit $rc')
        command = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                   *command]
        reason = "No space left on device"

        def limit() -> None:
            return None
    else:
        reason = "File too large"

        def limit() -> None:  # every file of the batch, its workers and kernels: < 150 kB
            resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000))

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "OUT": str(out),
           "LISTING": str(listing), "KEPT": str(kept)}
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path,
                         preexec_fn=limit, env=env)
    assert run.returncode == 1, run.stdout + run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    for org in orgs:
        assert f"failed {org} " in run.stdout
        assert f"writing the report into {out / str(YEAR) / org} failed: {reason}" in run.stdout
    if full == "tmpfs":
        files = listing.read_text(encoding="utf-8").split()
        rec = json.loads(kept.read_text(encoding="utf-8"))
    else:
        files = sorted(f"./{p.relative_to(out).as_posix()}" for p in out.rglob("*")
                       if p.is_file())
        rec = record(out)
    assert {r["org_id"]: r["status"] for r in rec["reports"]} == {o: "failed" for o in orgs}
    assert all("nothing was kept" in r["error"] for r in rec["reports"])
    # no report, no failed.ipynb, no temporary file: the record, the (empty) index and its
    # rows (index.json), the lock
    assert files == ["./.batch.lock", f"./{YEAR}/batch.json", "./index.html", "./index.json"]


def test_sigterm_of_report_removes_its_staging_files_and_its_kernel(tmp_path: Path) -> None:
    (org,) = _orgs(1)
    out = tmp_path / "outputs"
    env, mark = marked_env()
    proc = subprocess.Popen([sys.executable, "-m", "ita_analysis.cli", "report", "--org", org,
                             "--year", str(YEAR), "--data", str(synthetic_data_dir()),
                             "--out", str(out), "--date", DATE], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 300
        while not temp_files(out) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)  # papermill is writing the executed notebook
        assert temp_files(out), "the report ended before its staging could be seen"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143
    assert err == "ita-analysis: stopped by SIGTERM; nothing half-written was kept\n"
    assert temp_files(out) == []
    assert not (out / str(YEAR) / org).exists()
    deadline = time.monotonic() + 10
    while marked_processes(mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert marked_processes(mark) == []


def test_after_kill_9_of_a_whole_batch_the_next_run_removes_its_leftovers(
        tmp_path: Path) -> None:
    """Every process of the batch killed at once (its process group): nothing could clean
    up, so temporary files stay; the next run removes them at once (their writers are gone)
    and renders what is missing."""
    orgs = _orgs(2)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    notebook = slow_notebook(tmp_path, 60)
    env, mark = marked_env()
    proc = subprocess.Popen(_command(data, out, "--jobs", "2", "--notebook", str(notebook)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            cwd=tmp_path, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while len(temp_files(out)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        victims = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
                   and _has_mark(int(p.name), mark)]
        # the batch, its workers and the kernels in their own sessions: all stopped first, so
        # that no worker sees its parent die (and cleans up) before its own SIGKILL arrives
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for pid in victims:
                with contextlib.suppress(OSError):
                    os.kill(pid, sig)
        proc.wait()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    left = temp_files(out)
    assert len(left) >= 2  # nobody cleaned up
    rerun = batch(data, out, "--jobs", "2")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr[-3000:]
    assert temp_files(out) == []
    assert set(statuses(out).values()) == {"done"}
    assert_whole_reports(out)


def _has_mark(pid: int, mark: str) -> bool:
    try:
        return f"ITA_TEST_MARK={mark}".encode() in Path(f"/proc/{pid}/environ").read_bytes() \
            .split(b"\0")
    except OSError:
        return False
