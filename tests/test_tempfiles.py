"""Temporary files and output folders (``ita_analysis.render.outputs``): whole files or none, names
that say whose they are, an output folder checked before anything runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ita_analysis.errors import ParameterError
from ita_analysis.render.outputs import (
    TEMP_NAME,
    check_out_dir,
    host_id,
    owned_by,
    remove_temps,
    temp_path,
    writer_gone,
)

WRITE_UNDER_LIMIT = ("import resource, sys\n"
                     "from pathlib import Path\n"
                     "from ita_analysis.render.outputs import atomic_write_text\n"
                     "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
                     "try:\n"
                     "    atomic_write_text(Path(sys.argv[1]), 'x' * 10_000)\n"
                     "except OSError as exc:\n"
                     "    print(exc.strerror, exc.filename)\n")


def test_a_write_that_does_not_fit_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "batch.json"
    target.write_text("the old record", encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", WRITE_UNDER_LIMIT, str(target)],
                         capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == f"File too large {target}"  # the file meant, not the temp
    assert target.read_text(encoding="utf-8") == "the old record"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch.json"]


def test_temporary_names_say_whose_they_are(tmp_path):
    path = temp_path(tmp_path / "report.html")
    found = TEMP_NAME.match(path.name)
    assert found and found["stem"] == "report" and found["ext"] == ".html"
    assert (found["host"], int(found["pid"])) == (host_id(), os.getpid())
    assert writer_gone(path) is False  # this process writes it
    with owned_by("0123abcd"):
        assert TEMP_NAME.match(temp_path(tmp_path / "x.json").name)["nonce"] == "0123abcd"
    assert TEMP_NAME.match(temp_path(tmp_path / "x.json").name)["nonce"] != "0123abcd"
    assert writer_gone(tmp_path / ".report.0123abcd.tmp.html") is None  # an older name


def test_a_job_removes_exactly_its_own_files(tmp_path):
    with owned_by("aaaaaaaa"):
        mine = temp_path(tmp_path / "report.html")
    theirs = temp_path(tmp_path / "report.html")
    for path in (mine, theirs):
        path.write_text("x", encoding="utf-8")
    assert remove_temps([tmp_path], nonce="aaaaaaaa") == [mine]
    assert [p.name for p in tmp_path.iterdir()] == [theirs.name]


def test_an_out_folder_is_checked_before_anything_is_made(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert check_out_dir(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()
    for out, says in ((tmp_path / "file", "is a file; expected a folder"),
                      (tmp_path / "file" / "below", "is a file, not a folder"),
                      (tmp_path / ("x" * 300), "too long|longer than the file system allows")):
        with pytest.raises(ParameterError, match=says) as caught:
            check_out_dir(out)
        assert "\n" not in str(caught.value)


READ_ONLY_CHECK = ("import sys\n"
                   "from pathlib import Path\n"
                   "from ita_analysis.errors import ParameterError\n"
                   "from ita_analysis.render.outputs import check_out_dir\n"
                   "try:\n"
                   "    check_out_dir(Path(sys.argv[1]) / 'out')\n"
                   "except ParameterError as exc:\n"
                   "    print(exc)\n")


def test_a_read_only_out_folder_is_refused(tmp_path):
    """A folder one may not write to: by its mode for a user; for root, who writes anyway, a
    read-only bind mount in a private mount namespace."""
    folder = tmp_path / "ro"
    folder.mkdir()
    command = [sys.executable, "-c", READ_ONLY_CHECK, str(folder)]
    if os.geteuid() == 0:
        if subprocess.run(["which", "unshare"], capture_output=True).returncode:
            pytest.skip("root without unshare: no way to make a folder read-only")
        command = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                   f'mount --bind "{folder}" "{folder}" && '
                   f'mount -o remount,bind,ro "{folder}" && exec "$@"', "sh", *command]
    else:
        folder.chmod(0o555)
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        folder.chmod(0o755)
    assert "is not writable (read-only?)" in run.stdout, run.stdout + run.stderr
