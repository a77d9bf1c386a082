"""The ``ita-warm`` papermill engine: a reused kernel gives what a fresh one gives.

Two reports of the synthetic province are chosen from the data so that they differ in every
section (framework year, digits, history, measures, items, peer group); report B rendered
after report A in one warm kernel must equal report B rendered in a fresh kernel, byte for byte
(the run time is a parameter here). Also: the engine through the ``papermill`` command, a cell
error (papermill's exception, the partly run notebook written, the kernel reused cleanly
after), a kernel that dies, the restart after ``max_notebooks``, and the reset of the state a
notebook can leave behind.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from ita_analysis.data.dataset import load_dataset, synthetic_data_dir
from ita_analysis.engine import kernel as kernel_module
from ita_analysis.engine.warm import ENGINE_NAME, shutdown_kernels, warm_kernel, warm_kernels
from ita_analysis.render import record as render_module
from ita_analysis.render.convert import export_html
from ita_analysis.render.report import notebook_path, render_report

REPORT_DATE = "2024-12-15"  # after every fiscal year these reports are of began
RUN_TIME = "2024-12-15T10:30:00+07:00"


@pytest.fixture(autouse=True)
def _no_kernel_left() -> object:
    shutdown_kernels()
    yield
    shutdown_kernels()


# -- two reports that differ in every section --------------------------------------------------

def _two_reports() -> tuple[dict[str, object], dict[str, object]]:
    """A: a year with measures and a long history; B: another type of organisation, another
    framework year, with item scores (the weakest-indicator section) and a shorter history."""
    ds = load_dataset(synthetic_data_dir())
    types = ds.organisations.set_index("org_id")["org_type"]
    years = ds.scores.groupby("org_id")["fiscal_year"].apply(lambda s: {int(y) for y in s})
    measured = ds.measures.groupby(["org_id", "fiscal_year"]).size()
    itemised = ds.items.groupby(["org_id", "fiscal_year"]).size()
    a = next((o, int(y)) for o, y in sorted(measured.index)
             if len({x for x in years[o] if x < y}) >= 3 and (o, y) not in itemised.index)
    b = next((o, int(y)) for o, y in sorted(itemised.index)
             if types[o] != types[a[0]] and y != a[1] and (o, y) not in measured.index
             and 1 <= len({x for x in years[o] if x < y}) < len({x for x in years[a[0]]
                                                                   if x < a[1]}))
    data = str(synthetic_data_dir())
    # lab_fonts off, as render_report runs the notebook (JupyterLab's typeface is no section)
    return ({"org_id": a[0], "fiscal_year": a[1], "data_dir": data, "digits": "arabic",
             "report_date": REPORT_DATE, "generated_at": RUN_TIME, "lab_fonts": False},
            {"org_id": b[0], "fiscal_year": b[1], "data_dir": data, "digits": "thai",
             "report_date": REPORT_DATE, "generated_at": RUN_TIME, "lab_fonts": False})


def _comparable(nb: nbformat.NotebookNode) -> dict[str, object]:
    """The executed notebook less what records when and where it ran."""
    data = json.loads(nbformat.writes(nb))
    data["metadata"].pop("papermill", None)
    for cell in data["cells"]:
        cell["metadata"].pop("papermill", None)
        cell["metadata"].pop("execution", None)
        if "injected-parameters" in cell["metadata"].get("tags", []):
            cell.pop("id", None)  # papermill gives the injected cell a new id every run
    return data


def _run(tmp: Path, name: str, params: dict[str, object], engine_name: str,
         **kwargs: object) -> tuple[nbformat.NotebookNode, str]:
    out = tmp / f"{name}.ipynb"
    papermill.execute_notebook(str(notebook_path()), str(out), parameters=params,
                               engine_name=engine_name, progress_bar=False, **kwargs)
    nb = nbformat.read(out, as_version=4)
    return nb, export_html(nb, digits=str(params["digits"]))


def test_report_after_another_in_a_warm_kernel_equals_a_fresh_kernels(tmp_path: Path) -> None:
    a, b = _two_reports()
    assert (a["org_id"], a["fiscal_year"]) != (b["org_id"], b["fiscal_year"])
    fresh_nb, fresh_html = _run(tmp_path, "b-fresh", b, "nbclient")
    warm_a_nb, warm_a_html = _run(tmp_path, "a-warm", a, ENGINE_NAME)
    warm_b_nb, warm_b_html = _run(tmp_path, "b-warm", b, ENGINE_NAME)

    [kernel] = warm_kernels()
    assert kernel.started == 1 and kernel.notebooks == 2  # both ran in the one kernel
    assert warm_b_html == fresh_html  # byte for byte
    assert _comparable(warm_b_nb) == _comparable(fresh_nb)
    # and the two reports really differ, section by section
    sections = [c for c in warm_a_nb.cells if c.cell_type == "code" and c.get("outputs")]
    others = [c for c in warm_b_nb.cells if c.cell_type == "code" and c.get("outputs")]
    assert warm_a_html != warm_b_html
    differing = sum(x.outputs != y.outputs for x, y in zip(sections, others, strict=False))
    assert differing >= len(others) - 1  # every section but, at most, one
    # A shows its own measures; B has none, so its measures section is a proposal
    assert '<tbody class="measure"' in warm_a_html
    assert '<tbody class="measure"' not in warm_b_html
    assert '<tbody class="measure proposed"' in warm_b_html


def test_render_report_with_the_warm_engine_matches_a_fresh_kernel(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end (files, summary.json) with the run time held still."""

    class FixedTime(datetime):
        @classmethod
        def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
            return datetime.fromisoformat(RUN_TIME)

    monkeypatch.setattr(render_module, "datetime", FixedTime)
    a, b = _two_reports()

    def render(params: dict[str, object], out: Path, engine_name: str | None) -> Path:
        return render_report(str(params["org_id"]), int(params["fiscal_year"]),  # type: ignore[call-overload]
                             data_dir=str(params["data_dir"]), out_dir=out,
                             digits=str(params["digits"]), report_date=REPORT_DATE,
                             engine_name=engine_name).folder

    fresh = render(b, tmp_path / "fresh", None)
    render(a, tmp_path / "warm", ENGINE_NAME)
    warm = render(b, tmp_path / "warm", ENGINE_NAME)
    assert warm_kernels()[0].notebooks == 2
    for name in ("report.html", "summary.json"):
        assert (warm / name).read_bytes() == (fresh / name).read_bytes(), name


# -- papermill semantics -----------------------------------------------------------------------

def _notebook(tmp: Path, name: str, *sources: str, parameters: str = "") -> Path:
    cells = []
    if parameters:
        cell = nbformat.v4.new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        cells.append(cell)
    cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _outputs(nb: nbformat.NotebookNode) -> list[str]:
    """Each output's text (streams and plain-text results)."""
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                texts.append(out.text.strip())
            elif "data" in out:
                texts.append(out.data.get("text/plain", ""))
    return texts


def test_the_papermill_command_runs_the_engine(tmp_path: Path) -> None:
    source = _notebook(tmp_path, "cli", "print(greeting * 2)", parameters="greeting = 'x'")
    out = tmp_path / "cli-out.ipynb"
    run = subprocess.run(
        [sys.executable, "-m", "papermill", "--engine", ENGINE_NAME, str(source), str(out),
         "-p", "greeting", "สวัสดี", "--no-progress-bar"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    nb = nbformat.read(out, as_version=4)
    assert "สวัสดีสวัสดี" in _outputs(nb)
    assert nb.metadata.papermill.parameters == {"greeting": "สวัสดี"}
    assert [c.execution_count for c in nb.cells] == [1, 2, 3]  # parameters, injected, print


def test_a_cell_error_raises_and_the_kernel_then_runs_the_next_notebook_cleanly(
        tmp_path: Path) -> None:
    failing = _notebook(tmp_path, "failing", "import os\nleft_behind = os.getpid()\n"
                        "print(left_behind)", "1 / 0", "print('never')")
    out = tmp_path / "failing-out.ipynb"
    with pytest.raises(PapermillExecutionError) as raised:
        papermill.execute_notebook(str(failing), str(out), engine_name=ENGINE_NAME,
                                   progress_bar=False)
    assert raised.value.ename == "ZeroDivisionError"
    written = nbformat.read(out, as_version=4)  # the partly executed notebook is written
    assert written.cells[-1].get("outputs") == []
    assert any(o.output_type == "error" for c in written.cells for o in c.get("outputs", []))
    assert written.metadata.papermill.exception is True

    after = _notebook(tmp_path, "after", "import os\nprint(os.getpid())",
                      "print('left_behind' in globals())")
    nb = papermill.execute_notebook(str(after), str(tmp_path / "after-out.ipynb"),
                                    engine_name=ENGINE_NAME, progress_bar=False)
    pid, leftover = _outputs(nb)
    first = next(c for c in written.cells if c.cell_type == "code")
    assert pid == first.outputs[0].text.strip()  # the same kernel process
    assert leftover == "False"  # and nothing of the failed notebook in it
    [kernel] = warm_kernels()
    assert kernel.started == 1 and kernel.notebooks == 2  # the same kernel, reused


def test_a_dead_kernel_is_replaced(tmp_path: Path) -> None:
    dying = _notebook(tmp_path, "dying", "import os\nos._exit(3)")
    with pytest.raises(Exception) as raised:  # nbclient raises DeadKernelError
        papermill.execute_notebook(str(dying), str(tmp_path / "dying-out.ipynb"),
                                   engine_name=ENGINE_NAME, progress_bar=False)
    assert "died" in str(raised.value).lower() or "dead" in type(raised.value).__name__.lower()
    assert (tmp_path / "dying-out.ipynb").is_file()  # written as the run ended
    fine = _notebook(tmp_path, "fine", "print(6 * 7)")
    nb = papermill.execute_notebook(str(fine), str(tmp_path / "fine-out.ipynb"),
                                    engine_name=ENGINE_NAME, progress_bar=False)
    assert _outputs(nb) == ["42"]
    assert warm_kernels()[0].started == 2


def test_the_kernel_is_restarted_after_max_notebooks(tmp_path: Path) -> None:
    source = _notebook(tmp_path, "pid", "import os\nprint(os.getpid())")
    pids = []
    for i in range(5):
        nb = papermill.execute_notebook(str(source), str(tmp_path / f"pid-{i}.ipynb"),
                                        engine_name=ENGINE_NAME, progress_bar=False,
                                        max_notebooks=2)
        pids.append(_outputs(nb)[0])
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]
    assert warm_kernel("python3").started == 3


def test_max_notebooks_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITA_WARM_MAX_NOTEBOOKS", "7")
    assert kernel_module.env_max_notebooks() == 7
    monkeypatch.setenv("ITA_WARM_MAX_NOTEBOOKS", "none")
    with pytest.raises(kernel_module.WarmKernelError, match="whole number"):
        kernel_module.env_max_notebooks()


# -- what a notebook leaves behind does not reach the next -------------------------------------

POLLUTE = """
import os, sys, decimal, warnings, logging
import matplotlib, matplotlib.pyplot as plt
import numpy as np, pandas as pd
secret = 42
os.chdir('/')
os.environ['ITA_WARM_TEST'] = 'set'
sys.path.insert(0, '/nowhere')
matplotlib.rcParams['font.size'] = 31
matplotlib.rcParams['svg.fonttype'] = 'none'
plt.figure()
warnings.simplefilter('error')
decimal.getcontext().prec = 3
np.set_printoptions(precision=2)
pd.set_option('display.max_rows', 3)
logging.getLogger().setLevel(logging.CRITICAL)
get_ipython().events.register('post_run_cell', lambda result: print('hook'))
"""

INSPECT = """
import os, sys, decimal, warnings, logging
import matplotlib, matplotlib.pyplot as plt
import numpy as np, pandas as pd
print(sorted(k for k in globals() if not k.startswith('_') and k not in
             ('In', 'Out', 'get_ipython', 'exit', 'quit', 'open',
              'os', 'sys', 'decimal', 'warnings', 'logging', 'matplotlib', 'plt', 'np', 'pd')))
print(os.getcwd() == WHERE, 'ITA_WARM_TEST' in os.environ, '/nowhere' in sys.path)
print(matplotlib.rcParams['font.size'], matplotlib.rcParams['svg.fonttype'], plt.get_fignums())
print(warnings.filters[0][0] == 'error', decimal.getcontext().prec)
print(np.get_printoptions()['precision'], pd.get_option('display.max_rows'),
      logging.getLogger().level)
"""


def test_a_notebook_leaves_nothing_to_the_next(tmp_path: Path) -> None:
    pollute = _notebook(tmp_path, "pollute", POLLUTE)
    inspect = _notebook(tmp_path, "inspect", INSPECT, parameters="WHERE = ''")
    params = {"WHERE": str(tmp_path)}
    fresh = papermill.execute_notebook(str(inspect), str(tmp_path / "fresh.ipynb"),
                                       parameters=params, engine_name="nbclient",
                                       progress_bar=False, cwd=str(tmp_path))
    papermill.execute_notebook(str(pollute), str(tmp_path / "polluted.ipynb"),
                               engine_name=ENGINE_NAME, progress_bar=False,
                               cwd=str(tmp_path))
    warm = papermill.execute_notebook(str(inspect), str(tmp_path / "warm.ipynb"),
                                      parameters=params, engine_name=ENGINE_NAME,
                                      progress_bar=False, cwd=str(tmp_path))
    assert warm_kernels()[0].notebooks == 2
    assert _outputs(warm) == _outputs(fresh)
    assert "hook" not in _outputs(warm)
    assert [c.execution_count for c in warm.cells] == [c.execution_count for c in fresh.cells]


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets are POSIX only")
def test_our_kernels_listen_on_private_unix_sockets_not_tcp_ports(tmp_path: Path) -> None:
    """A TCP port picked by binding and releasing it can be taken by another process before
    the kernel binds it ("Address already in use", seen in CI with two batch workers): our
    kernels listen on Unix sockets in a folder of their own, which goes with the kernel."""
    from ita_analysis.render.execute import kernel_manager_class

    manager = kernel_manager_class()
    source = _notebook(tmp_path, "where", "print(6 * 7)")
    nb = papermill.execute_notebook(str(source), str(tmp_path / "where-out.ipynb"),
                                    engine_name=ENGINE_NAME, progress_bar=False,
                                    kernel_manager_class=manager)
    assert _outputs(nb) == ["42"]
    [kernel] = [k for k in warm_kernels() if k.manager_class is manager]
    info = kernel.km.get_connection_info()
    folder = Path(info["ip"]).parent
    assert info["transport"] == "ipc"
    assert folder.is_dir() and stat.S_IMODE(folder.stat().st_mode) == 0o700
    sockets = {folder / f"k-{info[name]}" for name in
               ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")}
    assert all(path.is_socket() for path in sockets)
    # two managers never share a folder, whatever ports they pick
    other = Path(manager(kernel_name="python3").ip).parent
    assert other != folder
    other.rmdir()
    shutdown_kernels()
    assert not folder.exists()


KEEP = """
import gc, json, weakref


class Node:
    pass


cycle = Node()
cycle.me = cycle  # garbage once the namespace is cleared: only the collector can free it
json._ita_probe = weakref.ref(cycle)
json._ita_cache = [[] for _ in range(1000)]  # a cache a module keeps for the next notebook
"""
CHECK = """
import gc, json
cache_id = id(json._ita_cache)
print(json._ita_probe() is None, any(id(o) == cache_id for o in gc.get_objects()))
"""


def test_a_notebooks_garbage_is_collected_and_what_it_keeps_is_frozen(tmp_path: Path) -> None:
    # Before each notebook the kernel collects the last one's garbage (a reference cycle is
    # freed, not kept) and freezes what survives, so that IPython's full collection before
    # the next notebook does not walk a batch's caches again.
    keep = _notebook(tmp_path, "keep", KEEP)
    check = _notebook(tmp_path, "check", CHECK)
    for name, path in (("kept", keep), ("checked", check)):
        out = papermill.execute_notebook(str(path), str(tmp_path / f"{name}.ipynb"),
                                         engine_name=ENGINE_NAME, progress_bar=False,
                                         cwd=str(tmp_path))
    assert warm_kernels()[0].notebooks == 2
    assert _outputs(out) == ["True False"]  # cycle freed; the cache out of the collector's view


def test_a_kernel_stopped_as_it_boots_leaves_no_thread_failing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A report that fails at once stops the kernel launched for it. jupyter_client's
    heartbeat thread, stopped before it had begun, span opening sockets until zmq ran out and
    printed "Too many open files" over the report's one-line error (CI; 8 of 30 times here)."""
    from ita_analysis.render.execute import kernel_manager_class

    failures: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))
    kernel = kernel_module.WarmKernel("python3", manager_class=kernel_manager_class())
    for _ in range(30):
        kernel.launch()
        kernel.shutdown()
    assert failures == []
