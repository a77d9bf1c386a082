"""One warm Jupyter kernel (``WarmKernel``): booted once, warmed with the heavy imports,
reset between notebooks (``kernel_side``), replaced when it dies or has run enough."""

from __future__ import annotations

import ast
import contextlib
import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..errors import ItaError

# papermill is imported only when a notebook runs (see engine/warm.py)
logger = logging.getLogger("papermill")  # papermill.log's logger

DEFAULT_MAX_NOTEBOOKS = 200
DEFAULT_SAVE_EVERY = 1.0  # seconds between saves of the output notebook while cells run
# Imported into every warm kernel before its first notebook: what our report notebook imports
# (a module missing from the kernel is skipped). Not pyplot: the report draws on Agg figures
# without it, and its inline backend costs a cold kernel ~0.1 s; a notebook that uses it
# imports it once per kernel.
PRELOAD: tuple[str, ...] = (
    "numpy",
    "pandas",
    "matplotlib",
    "ita_analysis.documents.report",
    "ita_analysis.documents.report.sections",
    "ita_analysis.present.charts.report",
)
KERNEL_MODULE = "_ita_warm_kernel"
_CONTROL_TIMEOUT = 120  # seconds for warm-up and reset requests


class WarmKernelError(ItaError):
    """The warm kernel could not be started, warmed up or reset."""


def env_max_notebooks() -> int:
    raw = os.environ.get("ITA_WARM_MAX_NOTEBOOKS", "")
    try:
        value = int(raw) if raw.strip() else DEFAULT_MAX_NOTEBOOKS
    except ValueError:
        raise WarmKernelError(f"ITA_WARM_MAX_NOTEBOOKS must be a whole number; got {raw!r}") \
            from None
    if value < 1:
        raise WarmKernelError(f"ITA_WARM_MAX_NOTEBOOKS must be at least 1; got {value}")
    return value


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        return float(raw) if raw.strip() else default
    except ValueError:
        raise WarmKernelError(f"{name} must be a number of seconds; got {raw!r}") from None


def env_preload() -> tuple[str, ...]:
    raw = os.environ.get("ITA_WARM_PRELOAD")
    if raw is None:
        return PRELOAD
    return tuple(name.strip() for name in raw.split(",") if name.strip())


def _kernel_source() -> str:
    return (resources.files("ita_analysis.engine") / "kernel_side.py").read_text(encoding="utf-8")


def _run(coro_fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a coroutine function on this thread's event loop (the one nbclient uses)."""
    from jupyter_core.utils import run_sync

    return run_sync(coro_fn)(*args, **kwargs)


async def _maybe_await(value: Any) -> Any:
    from jupyter_core.utils import ensure_async

    return await ensure_async(value)


@dataclass
class WarmKernel:
    """One kernel (manager and client) kept alive across notebooks, for one thread."""

    kernel_name: str
    manager_class: type | None = None
    max_notebooks: int = DEFAULT_MAX_NOTEBOOKS
    preload: tuple[str, ...] = PRELOAD
    startup_timeout: int = 60
    km: Any = None
    kc: Any = None
    notebooks: int = 0  # notebooks run by the current kernel
    started: int = 0  # kernels started so far (the first start included)
    preload_failed: list[str] = field(default_factory=list)
    # called on every launch: the pool registers its shut-down at exit there
    on_launch: Callable[[], None] | None = field(default=None, repr=False)
    _boot_id: str | None = field(default=None, repr=False)  # the warm-up request, unanswered

    # -- the kernel's life ----------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.km is not None and self.kc is not None

    @property
    def pid(self) -> int | None:
        """The running kernel's process id (None without one, or with a remote provisioner)."""
        provisioner = getattr(self.km, "provisioner", None) if self.km is not None else None
        pid = getattr(provisioner, "pid", None)
        return pid if isinstance(pid, int) else None

    def stats(self) -> dict[str, Any]:
        """What this kernel has done: its process id, how many kernels were started for this
        worker so far, and how many notebooks the current one has run."""
        return {"pid": self.pid, "started": self.started, "notebooks": self.notebooks}

    def alive(self) -> bool:
        if not self.running:
            return False
        try:
            return bool(_run(self._async_alive))
        except Exception:
            return False

    async def _async_alive(self) -> bool:
        return bool(await _maybe_await(self.km.is_alive()))

    def launch(self) -> None:
        """Start a kernel and send it the warm-up (import ``preload``, snapshot the state)
        without waiting for either: the kernel boots while the caller goes on with its own
        work (``ensure_ready`` waits). Replaces a running kernel."""
        self.shutdown()
        _run(self._async_launch)
        self.started += 1
        self.notebooks = 0
        if self.on_launch is not None:
            self.on_launch()
        source = _kernel_source()
        boot = (
            "import sys as _s, types as _t\n"
            f"_m = _t.ModuleType({KERNEL_MODULE!r})\n"
            f"exec(compile({source!r}, '<{KERNEL_MODULE}>', 'exec'), _m.__dict__)\n"
            f"_s.modules[{KERNEL_MODULE!r}] = _m\n"
            f"_m.BOOT_FAILED = _m.warm_up({list(self.preload)!r})\n"
        )
        # zmq queues the request until the kernel has bound its sockets
        self._boot_id = self.kc.execute(
            boot, silent=True, store_history=False, allow_stdin=False, stop_on_error=False,
            user_expressions={"failed": f"__import__('sys').modules[{KERNEL_MODULE!r}]"
                                        ".BOOT_FAILED"})

    async def _async_launch(self) -> None:
        if self.manager_class is None:
            from jupyter_client.manager import AsyncKernelManager

            self.manager_class = AsyncKernelManager
        km = self.manager_class(kernel_name=self.kernel_name)
        # As nbclient starts one: history in memory, so kernels never share a sqlite file.
        await _maybe_await(km.start_kernel(
            extra_arguments=["--HistoryManager.hist_file=:memory:"], cwd=os.getcwd()))
        kc = km.client()
        try:
            # No heartbeat: whether the kernel lives is asked of its process (the client
            # asks its manager), and jupyter_client's heartbeat thread, stopped before it has
            # begun, spins opening sockets until zmq runs out ("Too many open files").
            await _maybe_await(kc.start_channels(hb=False))
        except BaseException:
            await _maybe_await(km.shutdown_kernel(now=True))
            await _maybe_await(km.cleanup_resources())
            raise
        kc.allow_stdin = False
        self.km, self.kc = km, kc

    def _finish_boot(self) -> None:
        """Wait for the warm-up's reply and for IOPub to be connected; a kernel that fails
        either is shut down and the error raised."""
        msg_id, self._boot_id = self._boot_id, None
        try:
            reply = _run(self._async_reply, msg_id, self.startup_timeout + _CONTROL_TIMEOUT)
            content = reply["content"]
            if content.get("status") != "ok":
                raise WarmKernelError(
                    f"the warm kernel's warm-up failed: {content.get('ename')}: "
                    f"{content.get('evalue', '')}")
            _run(self._async_iopub_ready, msg_id)
        except BaseException:
            self.shutdown()
            raise
        failed = content.get("user_expressions", {}).get("failed", {})
        try:
            self.preload_failed = list(ast.literal_eval(failed["data"]["text/plain"]))
        except (KeyError, TypeError, ValueError, SyntaxError):
            self.preload_failed = []
        for problem in self.preload_failed:
            logger.debug("warm kernel: could not preload %s", problem)

    async def _async_iopub_ready(self, boot_id: str) -> None:
        """IOPub is connected once a status message of ours arrives on it: the warm-up's
        ``idle`` normally (it took long enough), else that of a ``kernel_info`` request,
        asked again until one arrives (as jupyter_client's wait_for_ready does, without its
        fixed 0.2 s wait)."""
        kc, wanted = self.kc, boot_id
        deadline = time.monotonic() + self.startup_timeout
        wait = 0.5
        while time.monotonic() < deadline:
            until = time.monotonic() + wait
            while (left := until - time.monotonic()) > 0:
                try:
                    msg = await _maybe_await(kc.get_iopub_msg(timeout=left))
                except Exception:  # queue.Empty
                    break
                if msg.get("parent_header", {}).get("msg_id") == wanted \
                        and msg.get("msg_type") == "status":
                    return
            wanted = kc.kernel_info()
            await self._async_reply(wanted, self.startup_timeout)
            wait = 0.2
        raise WarmKernelError(f"the warm kernel's IOPub channel did not connect within "
                              f"{self.startup_timeout} s")

    def shutdown(self) -> None:
        """Stop the kernel: killed, not asked to exit. Our kernels hold nothing that needs a
        clean exit, and asking is not quiet: jupyter_client interrupts a kernel before stopping
        it (one interrupted while it imports prints a traceback), and ipykernel 7.4 can race
        its own shutdown request and print one ("Socket operation on non-socket" from its IOPub
        event pipe, seen in CI on the full-disk batch test)."""
        km, kc = self.km, self.kc
        self.km = self.kc = self._boot_id = None
        if km is None:
            return
        try:
            if kc is not None:
                kc.stop_channels()
            _run(self._async_shutdown, km)
        except Exception as exc:  # a kernel that is already gone
            logger.debug("warm kernel shutdown: %s", exc)

    def kill(self) -> None:
        """Stop the kernel at once, without an event loop: for the process's exit. Once a
        loop runs on the calling thread (Playwright's, in a process that prints), jupyter_client's
        coroutines go through jupyter_core's task runner, and that runner stops at exit, maybe
        before us: waiting on it then hangs the exit for ever."""
        if self.pid is None:  # none, or not a local process: only jupyter_client can stop it
            self.shutdown()
            return
        km, kc, pid = self.km, self.kc, self.pid
        self.km = self.kc = self._boot_id = None
        with contextlib.suppress(Exception):
            if kc is not None:
                kc.stop_channels()
        for send in (os.killpg, os.kill):  # its session (it leads one), then itself
            with contextlib.suppress(OSError):
                send(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):  # reaped here, or by asyncio's child watcher
            os.waitpid(pid, 0)
        for clean in (km.cleanup_connection_file, km.cleanup_ipc_files):
            with contextlib.suppress(Exception):
                clean()

    @staticmethod
    async def _async_shutdown(km: Any) -> None:
        try:
            if await _maybe_await(km.is_alive()):
                await _maybe_await(km.signal_kernel(signal.SIGKILL))
            await _maybe_await(km.shutdown_kernel(now=True))  # reaps it; interrupts nothing
        finally:
            await _maybe_await(km.cleanup_resources())

    # -- talking to it ------------------------------------------------------------------------
    def control(self, code: str, timeout: float = _CONTROL_TIMEOUT) -> dict[str, Any]:
        """Run ``code`` silently (no history, no counter, no outputs kept); its reply content.

        Raises ``WarmKernelError`` if the code raised in the kernel or did not finish in time.
        """
        reply = _run(self._async_control, code, timeout)
        content = reply["content"]
        if content.get("status") != "ok":
            raise WarmKernelError(
                f"the warm kernel could not run its {code.split(chr(10))[0][:60]!r} step: "
                f"{content.get('ename', content.get('status'))}: {content.get('evalue', '')}")
        return content

    async def _async_control(self, code: str, timeout: float) -> dict[str, Any]:
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False,
                                 stop_on_error=False)
        return await self._async_reply(msg_id, timeout)

    async def _async_reply(self, msg_id: str, timeout: float) -> dict[str, Any]:
        """The shell reply to ``msg_id`` (replies to anything else are dropped)."""
        kc = self.kc
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WarmKernelError(f"the warm kernel did not answer within {timeout:.0f} s")
            try:
                msg = await _maybe_await(kc.get_shell_msg(timeout=min(remaining, 1.0)))
            except Exception:  # queue.Empty: check the kernel is still there, then wait on
                if not await _maybe_await(self.km.is_alive()):
                    raise WarmKernelError("the warm kernel died") from None
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg

    def reset(self) -> None:
        """Reset the kernel for the next notebook (in the caller's working directory)."""
        code = f"__import__('sys').modules[{KERNEL_MODULE!r}].reset({os.getcwd()!r})"
        try:
            self.control(code)
        except WarmKernelError as exc:
            if "aborted" not in str(exc):
                raise
            self.control(code)  # a request that arrived while the kernel was aborting

    def prestart(self) -> None:
        """Launch the kernel now if there is none, so that it boots while the caller works."""
        if not self.running:
            self.launch()

    def ensure_ready(self) -> None:
        """A live kernel, warmed up and reset, with room for one more notebook (started or
        replaced as needed)."""
        if self.running and (self.notebooks >= self.max_notebooks or not self.alive()):
            self.shutdown()
        if not self.running:
            self.launch()
        if self._boot_id is not None:
            self._finish_boot()
        try:
            self.reset()
        except WarmKernelError:
            self.launch()  # a kernel that cannot reset is not trusted: a new one
            self._finish_boot()
            self.reset()

    # -- one notebook ---------------------------------------------------------------------
    def execute(self, nb_man: Any, save_every: float = 0.0, **client_kwargs: Any) -> Any:
        """Run the managed notebook in this kernel as papermill's NBClientEngine would.

        ``save_every`` > 0 saves the output notebook at most that often (in seconds) as cells
        start and complete, instead of twice a cell; papermill still saves it when the run
        starts and when it ends, however it ends.
        """
        from papermill.clientwrap import PapermillNotebookClient

        self.ensure_ready()
        self.notebooks += 1
        client = PapermillNotebookClient(nb_man, km=self.km, **client_kwargs)
        client.kc = self.kc  # reuse the connected client: nbclient then neither starts one
        # nor shuts the kernel down (it does not own the manager)
        if save_every > 0:
            nb_man.save = _throttled(nb_man.save, save_every)
        try:
            return client.execute()
        except BaseException:
            # A timeout, a dead kernel, an interrupt: the kernel may still be busy or gone.
            # (A cell that raised is not an exception here: papermill records it in the
            # notebook and the kernel stays usable.)
            self.shutdown()
            raise
        finally:
            nb_man.__dict__.pop("save", None)  # papermill's own save for notebook_complete


def _throttled(save: Any, every: float) -> Any:
    last = time.monotonic()  # papermill saved the notebook as the run started

    def throttled_save(**kwargs: Any) -> None:
        nonlocal last
        if time.monotonic() - last >= every:
            save(**kwargs)
            last = time.monotonic()

    return throttled_save
