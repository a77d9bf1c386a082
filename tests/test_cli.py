"""Tests for the ``ita-analysis`` command, run as a separate process as a user would run it.

Exit codes: 0 success (``check``: clean), 1 contradictions found, 2 invalid input or usage.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MALFORMED = FIXTURES / "malformed"

# The issue's expected output of `ita-analysis score --year 2565 --json` on the default data.
SEED_RECORD = {
    "org_id": "nongsaeng-prachinburi",
    "fiscal_year": 2565,
    "indicators": {"1": 100.0, "2": 99.61, "3": 100.0, "4": 98.84, "5": 98.45, "6": 99.72,
                   "7": 99.57, "8": 99.79, "9": 100.0, "10": 93.75},
    "tools": {"IIT": 99.38, "EIT": 99.69, "OIT": 96.88},
    "overall": 98.47,
    "grade": "AA",
    "grade_provisional": "AA",
    "passed": True,
}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "ita_analysis.cli", *args], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=120, check=False)


def _make_malformed():
    spec = importlib.util.spec_from_file_location("make_malformed", FIXTURES / "make_malformed.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


# -- score ------------------------------------------------------------------------------

def test_score_json_on_the_default_data_is_the_issue_output():
    done = run("score", "--year", "2565", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    records = json.loads(done.stdout)
    assert records == [SEED_RECORD]
    assert list(records[0]) == list(SEED_RECORD)
    assert list(records[0]["indicators"]) == [str(n) for n in range(1, 11)]
    assert isinstance(records[0]["indicators"]["1"], float)


def test_score_json_for_one_org():
    done = run("score", "--year", "2565", "--org", "nongsaeng-prachinburi", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [SEED_RECORD]


def test_score_text_table():
    done = run("score", "--year", "2565")
    assert done.returncode == 0, done.stderr
    header, row, *rest = done.stdout.splitlines()
    assert rest == []
    assert header.split() == ["org_id", "ปีงบประมาณ", "IIT", "EIT", "OIT", "รวม/overall",
                              "ระดับผลการประเมิน"]
    assert row.split() == ["nongsaeng-prachinburi", "2565", "99.38", "99.69", "96.88", "98.47",
                           "AA", "องค์การบริหารส่วนตำบลหนองแสง"]


def test_score_ce_year_is_a_one_line_error():
    done = run("score", "--year", "2022")
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ita-analysis: error:")
    assert "2022" in lines[0] and "2565" in lines[0]
    assert "Traceback" not in done.stderr


def test_score_unknown_org_is_an_error():
    done = run("score", "--year", "2565", "--org", "nosuch")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "'nosuch'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_score_a_year_without_data_is_an_error():
    done = run("score", "--year", "2566")
    assert done.returncode == 2
    assert "no scores" in done.stderr and "2566" in done.stderr


def test_score_on_a_malformed_folder_is_an_error():
    done = run("score", "--year", "2565", "--data", str(MALFORMED / "score_negative"))
    assert done.returncode == 2
    assert "items.csv, row 3, column 'score': got '-1'" in done.stderr


def test_usage_error_exits_2():
    done = run("score")
    assert done.returncode == 2
    assert "--year" in done.stderr


# -- check ------------------------------------------------------------------------------

def test_check_on_the_default_data_lists_the_seed_contradictions():
    done = run("check")
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert "valid; 4 contradiction(s), 1 notice(s)" in out
    assert "published EIT 90.09 but the indicator scores give 99.69" in out
    assert "published OIT 100.00 but the indicator scores give 96.88" in out
    # NACC's roll-up of the seed's item table, worked by hand: 10.1 (O34-O41) =
    # (7 x 100 + 93) / 8 = 99.125, 10.2 (O42-O43) = (95 + 100) / 2 = 97.5, indicator 10 =
    # (99.125 + 97.5) / 2 = 98.3125 -> 98.31: still not the 93.75 the seed prints
    assert ("indicator 10 is 93.75 but its 10 item scores give 98.31 "
            "(the mean of sub-indicators 10.1 99.13, 10.2 97.50)") in out
    assert ("measure 'การเพิ่มประสิทธิภาพในการสื่อสาร' ends (2564-03) before it starts (2564-10)"
            in out)
    assert "notice: nongsaeng-prachinburi 2565: measure " \
           "'การให้ความรู้เกี่ยวกับการป้องกันผลประโยชน์ทับซ้อน' is listed more than once" in out
    # IIT 99.38 and the overall 98.47 agree with the indicators and are not listed
    assert "published IIT" not in out and "published overall" not in out


def test_check_json_structure():
    done = run("check", "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert set(report) == {"valid", "problems", "findings"}
    assert report["valid"] is True
    assert report["problems"] == []
    fields = {"org_id", "fiscal_year", "kind", "severity", "field", "published", "recomputed",
              "message"}
    for finding in report["findings"]:
        assert set(finding) == fields
        assert finding["org_id"] == "nongsaeng-prachinburi"
        assert finding["fiscal_year"] == 2565
    summary = sorted((f["kind"], f["severity"], f["field"], f["published"], f["recomputed"])
                     for f in report["findings"])
    assert summary == [
        ("item_rollup", "contradiction", "indicator 10", "93.75", "98.31"),
        ("measure_period", "contradiction", "การเพิ่มประสิทธิภาพในการสื่อสาร",
         "2564-10 to 2564-03", None),
        ("measure_repeated", "notice", "การให้ความรู้เกี่ยวกับการป้องกันผลประโยชน์ทับซ้อน", None,
         None),
        ("published_figure", "contradiction", "EIT", "90.09", "99.69"),
        ("published_figure", "contradiction", "OIT", "100.00", "96.88"),
    ]


def test_check_on_a_malformed_folder_lists_every_problem():
    folder = MALFORMED / "several_cell_problems"
    done = run("check", "--data", str(folder))
    assert done.returncode == 2
    assert done.stdout == ""
    err = done.stderr
    assert "3 problems in the input data" in err
    items = folder / "items.csv"
    assert f"{items}, row 3, column 'score': got 'abc'; expected a number from 0 to 100" in err
    assert (f"{items}, row 5, column 'fiscal_year': got '2599'; expected a fiscal year with a "
            "framework file (2562–2568, or the data folder's own frameworks/2599.yaml)") in err
    assert f"{items}, row 7, column 'score': got '100.5'; expected a number from 0 to 100" in err
    assert err.index("row 3") < err.index("row 5") < err.index("row 7")
    assert "Traceback" not in err


def test_check_json_on_a_malformed_folder():
    done = run("check", "--json", "--data", str(MALFORMED / "several_cell_problems"))
    assert done.returncode == 2
    report = json.loads(done.stdout)
    assert report["valid"] is False
    assert report["findings"] == []
    assert [(Path(p["file"]).name, p["row"], p["column"], p["value"]) for p in
            report["problems"]] == [("items.csv", 3, "score", "abc"),
                                    ("items.csv", 5, "fiscal_year", "2599"),
                                    ("items.csv", 7, "score", "100.5")]
    assert all(set(p) == {"file", "sheet", "row", "column", "value", "expected"}
               for p in report["problems"])


def test_check_on_a_missing_file_names_it():
    done = run("check", "--data", str(MALFORMED / "organisations_missing"))
    assert done.returncode == 2
    assert "organisations.csv" in done.stderr and "required" in done.stderr


def test_check_on_a_duplicate_row_exits_2():
    # a cross-row problem must not crash `check` (exit 1 would read as "contradictions")
    done = run("check", "--data", str(MALFORMED / "duplicate_score_row"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "row 22" in done.stderr


def test_check_on_a_clean_folder_exits_0(tmp_path):
    mm = _make_malformed()
    mm.write_folder(tmp_path, mm.base_tables())
    done = run("check", "--data", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == f"{tmp_path}: valid; 0 contradiction(s), 0 notice(s)"
    as_json = run("check", "--json", "--data", str(tmp_path))
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout) == {"valid": True, "problems": [], "findings": []}


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "ita-analysis"
    if not script.exists():
        pytest.skip("the ita-analysis console script is not installed next to this Python")
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0
    assert done.stdout.startswith("ita-analysis ")


# -- issue 12: one line, never a traceback --------------------------------------------------

def _python(code: str, *args: str, env: dict[str, str] | None = None
            ) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})})


def _many_organisations(folder: Path, count: int) -> Path:
    mm = _make_malformed()
    tables = mm.base_tables()
    demo = [r for r in tables["scores"] if r[0] == mm.DEMO]
    for n in range(count):
        org = f"org-{n:04d}"
        tables["organisations"].append([org, f"หน่วยงาน {n}", "เทศบาลตำบล", "", "จังหวัดน่าน"])
        tables["scores"] += [[org, *r[1:]] for r in demo]
    mm.write_folder(folder, tables)
    return folder


def test_a_closed_pipe_ends_score_quietly(tmp_path):
    """``score --json | head -1``: the reader goes, the command stops without a word."""
    data = _many_organisations(tmp_path, 400)
    proc = subprocess.Popen([sys.executable, "-m", "ita_analysis.cli", "score", "--year", "2565",
                             "--json", "--data", str(data)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"["
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert err == ""


_SLOW_CHECK = ("import sys, time\n"
               "from ita_analysis import cli\n"
               "def slow(args):\n"
               "    print('ready', flush=True)\n"
               "    time.sleep(60)\n"
               "cli.cmd_check = slow\n"
               "sys.exit(cli.main(['check']))\n")


@pytest.mark.parametrize(("signum", "code", "says"), [
    (signal.SIGINT, 130, "ita-analysis: interrupted (Ctrl-C)"),
    (signal.SIGTERM, 143, "ita-analysis: stopped by SIGTERM"),
    (signal.SIGHUP, 129, "ita-analysis: stopped by SIGHUP"),
], ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_ctrl_c_and_sigterm_stop_a_command_with_one_line(signum, code, says):
    proc = _python(_SLOW_CHECK)
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signum)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert err.startswith(says) and err.count("\n") == 1, err
    assert "Traceback" not in err


_CRASHING_CHECK = ("import sys\n"
                   "from ita_analysis import cli\n"
                   "from ita_analysis.analysis import reconcile\n"
                   "def crash(*args, **kwargs):\n"
                   "    raise ValueError('something the checker did not expect')\n"
                   "reconcile.reconcile = crash  # cli imports it when check runs\n"
                   "sys.exit(cli.main(['check']))\n")


def test_check_exits_2_never_1_when_it_fails_unexpectedly():
    """Exit 1 means "contradictions found": a crash must not read as that."""
    proc = _python(_CRASHING_CHECK)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "unexpected ValueError: something the checker did not expect" in err
    assert "ITA_DEBUG=1" in err
    proc = _python(_CRASHING_CHECK, env={"ITA_DEBUG": "1"})  # the way to see more
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "Traceback" in err


@pytest.mark.parametrize("command", ["report", "batch", "portfolio", "index"])
@pytest.mark.parametrize("out", ["a-file", "a-file/below", "x" * 300])
def test_an_unusable_out_folder_is_a_one_line_error(tmp_path, command, out):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    args = {"report": ["--org", "nongsaeng-prachinburi", "--year", "2565"],
            "batch": ["--year", "2565"], "portfolio": ["--year", "2567"], "index": []}[command]
    before = sorted(p.name for p in tmp_path.iterdir())
    done = run(command, *args, "--out", str(tmp_path / out), cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("ita-analysis: error:")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_responses_missing_or_a_folder_is_a_one_line_problem(tmp_path):
    for target, says in ((tmp_path / "none.csv", "expected an existing file"),
                         (tmp_path, "expected a file, not a folder")):
        done = run("score", "--year", "2565", "--responses", str(target))
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert says in done.stderr


_EARLY_FAILURE = ("import sys\n"
                  "from unittest import mock\n"
                  "from ita_analysis import cli\n"
                  "from ita_analysis.errors import ReportError\n"
                  "from ita_analysis.render import document\n"
                  "def fail(folder):\n"
                  "    raise ReportError('the output folder went away')\n"
                  "with mock.patch.object(document, 'staged', side_effect=fail):\n"
                  "    sys.exit(cli.main(['report', '--org', 'nongsaeng-prachinburi',\n"
                  "                       '--year', '2565', '--out', sys.argv[1]]))\n")


def test_a_report_failing_early_prints_its_error_and_no_kernel_traceback(tmp_path):
    """The warm kernel is already booting when the report fails: it is killed quietly (an
    interrupted kernel printed a KeyboardInterrupt traceback before the one-line error)."""
    proc = _python(_EARLY_FAILURE, str(tmp_path / "out"))
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2
    assert err == "ita-analysis: error: the output folder went away\n"
