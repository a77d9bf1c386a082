"""Temporary files beside their targets, named so that a later run knows whose they are.

Everything this package writes goes to a temporary file in the target's folder and is renamed
into place once whole (``atomic_write_text``; reports stage several files the same way). A
temporary file is named ``.<stem>.<token>.tmp.<ext>``, and its token says who writes it:
``<nonce>-<host>-<pid>``, a random nonce (or the one a batch gave the job), a short hash of the
host name and the writing process's id. So

- a process cleans up exactly its own files (a batch the files of its own jobs, by nonce), never
  those of a concurrent ``report`` in the same folder;
- a file whose writer is gone (killed with ``kill -9``, or by a full disk) is a leftover that the
  next run removes at once, whatever its age; one whose writer still runs is left alone;
- a file from another host (shared storage) or without an owner in its name is a leftover only
  once it is older than the caller allows.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import ParameterError, ReportError, describe_os_error
from ..lifetime import running

TEMP_NAME = re.compile(r"^\.(?P<stem>.+)\.(?P<nonce>[0-9a-f]{8})"
                       r"(?:-(?P<host>[0-9a-f]{6})-(?P<pid>[0-9]{1,10}))?\.tmp(?P<ext>\.[^.]+)?$")
_OWNER = threading.local()  # the nonce a batch job's files carry, in the thread that runs it


def host_id() -> str:
    """Six hex digits naming this host in temporary file names."""
    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def new_nonce() -> str:
    return secrets.token_hex(4)


@contextlib.contextmanager
def owned_by(nonce: str) -> Iterator[None]:
    """Temporary files made in this thread meanwhile carry ``nonce`` (a batch job's), so that
    the batch can remove them should the worker making them be killed."""
    before = getattr(_OWNER, "nonce", None)
    _OWNER.nonce = nonce
    try:
        yield
    finally:
        _OWNER.nonce = before


def new_token() -> str:
    """The token of a new temporary file of this process (and thread's job, if any)."""
    nonce = getattr(_OWNER, "nonce", None) or new_nonce()
    return f"{nonce}-{host_id()}-{os.getpid()}"


def temp_path(target: Path, token: str | None = None) -> Path:
    """Where ``target`` is written before it is renamed into place."""
    stem, dot, ext = target.name.rpartition(".")
    token = token or new_token()
    return target.with_name(f".{stem or ext}.{token}.tmp{dot}{ext if stem else ''}")


def writer_gone(path: Path) -> bool | None:
    """True when the process that writes this temporary file has ended, False while it runs,
    None when that cannot be known here (another host, or a name without its writer)."""
    found = TEMP_NAME.match(path.name)
    if found is None or found["pid"] is None or found["host"] != host_id():
        return None
    pid = int(found["pid"])
    return pid != os.getpid() and not running(pid)


def remove_temps(folders: Iterable[Path], *, nonce: str | None = None,
                 older_than: float = 0.0) -> list[Path]:
    """Remove temporary files in ``folders``: with ``nonce``, exactly the files of that nonce
    (a batch's own job); else the leftovers: files whose writer has ended, and files whose
    writer cannot be known that were last written more than ``older_than`` seconds ago."""
    removed, now = [], time.time()
    for folder in folders:
        try:
            paths = list(folder.iterdir()) if folder.is_dir() else []
        except OSError:
            continue
        for path in paths:
            found = TEMP_NAME.match(path.name)
            if found is None or not path.is_file():
                continue
            if nonce is not None:
                doomed = found["nonce"] == nonce
            else:
                gone = writer_gone(path)
                if gone is None:
                    try:
                        doomed = now - path.stat().st_mtime >= older_than
                    except OSError:
                        continue
                else:
                    doomed = gone
            if doomed:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
    return removed


def write_whole(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` and flush it to the disk."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, renamed into place once
    whole; an error (a full disk) leaves neither a partial file nor the temporary one, and is
    raised as an ``OSError`` naming ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        write_whole(tmp, text)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise




def check_out_dir(path: Path, option: str = "--out") -> Path:
    """``path`` as an output folder: an existing folder, or one that can be made where it is
    asked for; else ``ParameterError`` saying why (a file, a read-only place, a name too long),
    before anything runs. Nothing is created here."""
    path = Path(path).expanduser()
    try:
        if path.exists() and not path.is_dir():
            raise ParameterError(f"{option} {path} is a file; expected a folder for the "
                                 "outputs")
        probe, missing = path.absolute(), []
        while not probe.exists() and probe != probe.parent:
            missing.append(probe.name)
            probe = probe.parent
    except OSError as exc:  # a name too long, a loop of links, a folder one may not enter
        shown = str(path) if len(str(path)) <= 120 else f"{str(path)[:120]}…"
        raise ParameterError(f"{option} {shown}: {exc.strerror or exc}; expected a folder "
                             "the outputs can be written to") from None
    if not probe.is_dir():
        raise ParameterError(f"{option} {path}: {probe} is a file, not a folder")
    try:
        limit = os.pathconf(probe, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    for name in missing:
        if len(os.fsencode(name)) > limit:
            raise ParameterError(f"{option}: the name {name[:40]!r}… is longer than the file "
                                 f"system allows ({limit} bytes)")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ParameterError(f"{option} {path}: {probe} is not writable (read-only?); "
                             "expected a folder the outputs can be written to")
    return path


# -- a document's folder: its files staged together ---------------------------------------------

FAILED_NOTEBOOK = "failed.ipynb"  # a report's partly executed notebook after a failed run
# At the start of a run, a temporary file older than this is a leftover of a killed process:
# in a report folder (a live writer rewrites its notebook after every cell), and beside the
# index, batch.json and portfolios (where a live portfolio run may take longer).
STALE_AFTER_S = 60.0
STALE_TOP_AFTER_S = 3600.0


def report_folder(out_dir: str | Path, fiscal_year: int, org_id: str) -> Path:
    """``<out>/<year>/<org_id>``: where one organisation's report goes."""
    return Path(out_dir) / str(int(fiscal_year)) / org_id


class Staging:
    """Temporary files beside their targets, moved into place together or removed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pending: list[tuple[Path, Path]] = []

    def temp(self, name: str) -> Path:
        tmp = temp_path(self.folder / name)
        self.pending.append((tmp, self.folder / name))
        return tmp

    def write_text(self, name: str, text: str) -> Path:
        tmp = self.temp(name)
        write_whole(tmp, text)
        return tmp

    def commit(self) -> None:
        for tmp, _ in self.pending:
            if not tmp.is_file():
                raise ReportError(f"internal error: {tmp.name} was not written")
        for tmp, final in self.pending:
            os.replace(tmp, final)
        self.pending.clear()

    def discard(self) -> None:
        for tmp, _ in self.pending:
            tmp.unlink(missing_ok=True)
        self.pending.clear()


_DISK_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def disk_error(exc: BaseException) -> OSError | None:
    """The full-disk (or file-size limit, or quota) error behind ``exc``, if that is what it is."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _DISK_FULL:
            return current
        current = current.__cause__ or current.__context__
    return None


def writing_failed(exc: BaseException, folder: Path, what: str) -> ReportError:
    """The error to raise when making the ``what`` document into ``folder`` failed."""
    full = disk_error(exc)
    if full is not None:
        return ReportError(f"writing the {what} into {folder} failed: "
                           f"{full.strerror or 'disk full'}; nothing was kept")
    if isinstance(exc, OSError):
        return ReportError(f"writing the {what} into {folder} failed: {describe_os_error(exc)}")
    detail = " ".join(str(exc).split())[:300]
    return ReportError(f"running the {what} notebook failed: {type(exc).__name__}: {detail}")


@contextlib.contextmanager
def staged(folder: Path) -> Iterator[Staging]:
    """Stage a document's files in ``folder``: all moved into place at the end, or none (and
    the folder removed again if this made it and it is empty)."""
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create the folder {folder}: {describe_os_error(exc)}"
                          ) from None
    staging = Staging(folder)
    try:
        yield staging
        staging.commit()
    except BaseException:
        staging.discard()
        if created:
            with contextlib.suppress(OSError):
                if not any(folder.iterdir()):
                    folder.rmdir()
        raise


def clean_leftovers(out_dir: Path, year: int) -> list[Path]:
    """Temporary files that killed processes left in ``<out>``, ``<out>/<year>`` and its
    report folders."""
    year_dir = out_dir / str(year)
    try:
        reports = [p for p in year_dir.iterdir() if p.is_dir()] if year_dir.is_dir() else []
    except OSError:
        reports = []
    return [*remove_temps([out_dir, year_dir], older_than=STALE_TOP_AFTER_S),
            *remove_temps(reports, older_than=STALE_AFTER_S)]


__all__ = ["FAILED_NOTEBOOK", "STALE_AFTER_S", "STALE_TOP_AFTER_S", "TEMP_NAME", "Staging",
           "atomic_write_text", "check_out_dir", "clean_leftovers",
           "disk_error", "host_id", "new_nonce", "new_token", "owned_by", "remove_temps",
           "report_folder", "staged", "temp_path", "write_whole", "writer_gone",
           "writing_failed"]
