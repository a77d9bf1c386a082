"""A real JupyterLab server for a test (or a screenshot), and driving a notebook in it.

``jupyterlab_server(workdir, notebooks)`` starts ``python -m jupyterlab`` from this venv on
127.0.0.1 (a free port, a random token), its root a temporary folder that holds copies of the
notebooks, with its own Jupyter config, data and runtime folders and IPython folder (nothing of
the user's is read or written). The server runs in a process group of its own; at the end, also
on failure, it is asked to shut down (its kernels with it), then the group is killed, and any
kernel still alive that was started for it (its connection file is in the server's runtime
folder) is killed too.

``run_all_cells(page)`` uses the menu as a user does (Run → Run All Cells) and waits until
every code cell has an execution count and the kernel is idle.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

START_TIMEOUT_S = 120
RUN_TIMEOUT_MS = 600_000

# The open notebook's model (the server exposes the app as ``window.jupyterapp``): every code
# cell's execution count and output types, and the kernel's status. A cell queued or running
# has no count, so "every count set and the kernel idle" means Run All has finished.
_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.content.model) { return null; }
  const cells = [...panel.content.model.cells].filter(c => c.type === 'code').map(c => ({
    count: c.executionCount,
    outputs: c.outputs.toJSON().map(o => o.output_type + (o.name ? ':' + o.name : '')),
  }));
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {path: panel.context.path, cells, kernel: kernel ? kernel.status : 'none'};
}"""
_DONE = f"""() => {{
  const state = ({_STATE})();
  return state !== null && state.kernel === 'idle' && state.cells.length > 0
    && state.cells.every(c => c.count !== null);
}}"""
_READY = f"""(path) => {{
  const state = ({_STATE})();
  return state !== null && state.path === path && state.kernel === 'idle';
}}"""


@dataclass(frozen=True)
class Lab:
    url: str  # http://127.0.0.1:<port>
    token: str
    root: Path
    runtime: Path  # the server's runtime folder: its kernels' connection files

    def kernel_pythons(self) -> set[str]:
        """The Python each of our kernels was started with (its command's first word: a
        venv's ``bin/python``, which ``/proc/<pid>/exe`` would resolve to the base one)."""
        return {Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
                for pid in _kernels_of(self.runtime)}

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}"

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = answer.read()
        return json.loads(body) if body else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kernels_of(runtime: Path) -> list[int]:
    """Processes whose command line names a connection file in ``runtime`` (our kernels)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if str(runtime) in cmdline:
            pids.append(int(entry.name))
    return pids


def _stop(process: subprocess.Popen[bytes], lab: Lab, runtime: Path) -> None:
    try:
        lab.api("/api/shutdown", method="POST")  # the server stops its kernels, then itself
        process.wait(timeout=20)
    except Exception:
        pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    for pid in _kernels_of(runtime):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@contextmanager
def jupyterlab_server(workdir: Path, notebooks: list[Path]) -> Iterator[Lab]:
    """JupyterLab serving copies of ``notebooks`` for the block's duration (see the module)."""
    root, config, data, runtime, ipython = (workdir / n for n in
                                            ("root", "config", "data", "runtime", "ipython"))
    for folder in (root, config, data, runtime, ipython):
        folder.mkdir(parents=True, exist_ok=True)
    for nb in notebooks:
        shutil.copy2(nb, root / nb.name)
    # no "official Jupyter news?" prompt over the notebook
    settings = config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_DATA_DIR": str(data),
           "JUPYTER_RUNTIME_DIR": str(runtime), "IPYTHONDIR": str(ipython),
           "JUPYTER_PLATFORM_DIRS": "1"}
    log = (workdir / "jupyterlab.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         *(["--allow-root"] if os.geteuid() == 0 else []),
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    lab = Lab(url=f"http://127.0.0.1:{port}", token=token, root=root, runtime=runtime)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {process.returncode}: "
                                   f"{(workdir / 'jupyterlab.log').read_text()[-2000:]}")
            try:
                lab.api("/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not answer within "
                                       f"{START_TIMEOUT_S} s") from None
                time.sleep(0.5)
        yield lab
    finally:
        _stop(process, lab, runtime)
        log.close()


def open_notebook(page: Any, lab: Lab, name: str) -> None:
    """Open a notebook and wait until it is the current tab and its own kernel is idle (a
    notebook restored from the last session may be current, and idle, before it)."""
    page.goto(lab.notebook_url(name), wait_until="load")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=120_000)
    page.wait_for_function(_READY, arg=name, timeout=120_000, polling=250)


def run_all_cells(page: Any) -> None:
    """Run → Run All Cells, as a user does, then wait for every cell and an idle kernel."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_function(_DONE, timeout=RUN_TIMEOUT_MS, polling=500)
    page.evaluate("document.fonts.ready.then(() => true)")


def notebook_state(page: Any) -> dict[str, Any]:
    """{"path": the notebook, "cells": [{"count": n, "outputs": ["display_data",
    "stream:stderr", …]}, …], "kernel": status} of the current notebook's code cells."""
    return page.evaluate(_STATE)
