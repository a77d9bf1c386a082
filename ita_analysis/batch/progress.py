"""What a batch says while it runs and when it ends, and how SIGINT/SIGTERM reach it."""

from __future__ import annotations

import signal
import threading
from collections import Counter
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from .jobs import JobResult


class Interrupted(BaseException):  # like KeyboardInterrupt: not an error
    """SIGINT or SIGTERM reached the batch."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class Signals:
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

    def __enter__(self) -> Signals:
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



def print_summary(out: IO[str], year: int, results: list[JobResult], counts: Counter[str],
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

