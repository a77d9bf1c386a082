"""Real published results, reproduced by the library (shared/reference/ita-framework.md).

- the seed document (องค์การบริหารส่วนตำบลหนองแสง, 2565): 98.47, AA; its indicator 10 item
  table gives 98.31 by NACC's roll-up, not the 93.75 it prints;
- the University of Phayao's 2565 indicators, from its own ITA dashboard: 86.69, A;
- NACC's 2564 regional report for Phichit (group 6, table 4.26): indicator values reproduced
  from an OIT checklist, through ``score --checklist`` on a data folder that gives the other
  indicators;
- a national institute's published history (2562-2567) and the State Audit Office's 2568
  result: the label each year's confirmed bands give for its overall score.

Every expected figure is worked by hand with fractions in the comments.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from ita_analysis.cli import main
from ita_analysis.rounding import round_half_up
from ita_analysis.rules.framework import framework_path, load_framework
from ita_analysis.scoring import score_one

ORG = "phichit-agency"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


# -- the seed ---------------------------------------------------------------------------------

def test_the_seed_scores_98_47_aa_and_its_item_table_gives_98_31():
    code, out, err = run("score", "--year", "2565", "--json")
    assert code == 0, err
    [record] = json.loads(out)
    assert (record["overall"], record["grade"]) == (98.47, "AA")
    code, out, _ = run("check")
    assert code == 1
    # (793/8 + 195/2) / 2 = (99.125 + 97.5) / 2 = 98.3125 -> 98.31
    assert "indicator 10 is 93.75 but its 10 item scores give 98.31" in out


# -- the University of Phayao, 2565 -------------------------------------------------------------

def test_university_of_phayao_2565_scores_86_69_a():
    scores = {1: "92.82", 2: "86.53", 3: "90.12", 4: "86.43", 5: "89.35",
              6: "90.79", 7: "89.40", 8: "88.53", 9: "85.87", 10: "79.62"}
    row = score_one(scores, 2565)
    iit = Fraction("445.25") / 5  # 92.82 + 86.53 + 90.12 + 86.43 + 89.35 = 445.25 -> 89.05
    eit = Fraction("268.72") / 3  # 90.79 + 89.40 + 88.53 = 268.72 -> 89.5733...
    oit = Fraction("165.49") / 2  # 85.87 + 79.62 = 165.49 -> 82.745
    overall = Fraction(3, 10) * iit + Fraction(3, 10) * eit + Fraction(2, 5) * oit
    assert overall == Fraction("86.685")  # 26.715 + 26.872 + 33.098: exactly half a hundredth
    assert [str(round_half_up(v)) for v in (iit, eit, oit, overall)] == [
        "89.05", "89.57", "82.75", "86.69"]  # half up; half-even would print 86.68
    assert (row["IIT_2dp"], row["EIT_2dp"], row["OIT_2dp"], row["overall_2dp"]) == (
        89.05, 89.57, 82.75, 86.69)
    assert row["grade"] == "A"  # 85.00-94.99


# -- Phichit, NACC's regional report 2564, table 4.26 --------------------------------------------

def phichit_folder(root: Path, indicators: range = range(1, 9)) -> Path:
    """A data folder for 2564 with indicators 1-8 at 90 and the 2565 item list added to its
    2564 rules (the package has no 2564 item list; the table reproduces with 2565's sizes)."""
    folder = root / "data"
    folder.mkdir()
    (folder / "organisations.csv").write_text(
        "org_id,name,org_type,district,province\n"
        f"{ORG},องค์การบริหารส่วนตำบลทดสอบ,องค์การบริหารส่วนตำบล,,จังหวัดพิจิตร\n",
        encoding="utf-8")
    (folder / "scores.csv").write_text(
        "org_id,fiscal_year,indicator,score\n"
        + "".join(f"{ORG},2564,{n},90.00\n" for n in indicators), encoding="utf-8")
    raw = yaml.safe_load(framework_path(2564).read_text(encoding="utf-8"))
    with_items = yaml.safe_load(framework_path(2565).read_text(encoding="utf-8"))
    raw["indicators"] = with_items["indicators"]
    raw["scales"] = [s for s in with_items["scales"] if s["id"] == "oit_item"]
    raw["checklist_scale"] = "oit_item"
    (folder / "frameworks").mkdir()
    (folder / "frameworks" / "2564.yaml").write_text(
        yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def checklist(path: Path, failed: set[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["org_id", "fiscal_year", "item", "passed"])
        writer.writerows((ORG, 2564, f"O{n}", "ไม่ผ่าน" if f"O{n}" in failed else "ผ่าน")
                         for n in range(1, 44))
    return path


def test_phichit_values_from_an_oit_checklist(tmp_path):
    folder = phichit_folder(tmp_path)
    # O1 failed (9.1: 8 of 9) and O36 failed (10.1: 7 of 8):
    # indicator 9 = (800/9 + 4 x 100) / 5 = 880/9 = 97.777... -> 97.78 (the table's 97.78)
    # indicator 10 = (700/8 + 100) / 2 = 375/4 = 93.75 (the table's 93.75)
    oit = checklist(tmp_path / "oit_checklist.csv", {"O1", "O36"})
    code, out, err = run("score", "--year", "2564", "--data", str(folder),
                         "--checklist", str(oit), "--json")
    assert code == 0, err  # the folder lacks 9 and 10: the checklist gives them
    [record] = json.loads(out)
    assert (record["indicators"]["9"], record["indicators"]["10"]) == (97.78, 93.75)
    # OIT = (880/9 + 375/4) / 2 = 6895/72 = 95.7638... -> 95.76; overall = 0.3 x 90 +
    # 0.3 x 90 + 0.4 x 6895/72 = 54 + 2758/72 = 92.3055... -> 92.31, A
    oit_exact = (Fraction(880, 9) + Fraction(375, 4)) / 2
    assert oit_exact == Fraction(6895, 72)
    assert record["tools"]["OIT"] == float(round_half_up(oit_exact)) == 95.76
    assert record["overall"] == float(round_half_up(54 + Fraction(2, 5) * oit_exact)) == 92.31
    assert record["grade"] == "A"
    # two of 10.1 failed: (600/8 + 100) / 2 = 87.5 (the table's 87.50)
    oit = checklist(tmp_path / "oit_checklist.csv", {"O36", "O40"})
    code, out, _ = run("score", "--year", "2564", "--data", str(folder),
                       "--checklist", str(oit), "--json")
    assert json.loads(out)[0]["indicators"]["10"] == 87.5


def test_a_checklist_does_not_excuse_indicators_it_does_not_give(tmp_path):
    folder = phichit_folder(tmp_path, indicators=range(1, 7))  # 7 and 8 missing as well
    oit = checklist(tmp_path / "oit_checklist.csv", set())
    code, out, err = run("score", "--year", "2564", "--data", str(folder),
                         "--checklist", str(oit))
    assert code == 2 and out == ""
    assert (f"{ORG} 2564: no score for indicator(s) 7, 8 in {folder / 'scores.csv'} nor from "
            "the answers; expected every indicator from one or the other") in err
    # without answers the folder itself must hold every indicator, as before
    code, _, err = run("score", "--year", "2564", "--data", str(folder))
    assert code == 2 and "missing 7, 8, 9, 10" in err


def test_responses_do_not_demand_the_indicators_they_give(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "default", folder,
                    ignore=shutil.ignore_patterns("*.md"))
    scores = folder / "scores.csv"
    lines = scores.read_text(encoding="utf-8").splitlines()
    scores.write_text("\n".join([lines[0], *[ln for ln in lines[1:]
                                             if ln.split(",")[2] not in ("1",)]]) + "\n",
                      encoding="utf-8")
    responses = tmp_path / "responses.csv"
    responses.write_text(
        "org_id,fiscal_year,tool,respondent_id,question,answer\n"
        "nongsaeng-prachinburi,2565,IIT,r1,i1,มากที่สุด\n", encoding="utf-8")
    code, out, err = run("score", "--year", "2565", "--data", str(folder), "--responses",
                         str(responses), "--json")
    assert code == 0, err
    # indicator 1 from the one answer (มากที่สุด = 100): the seed's own 100.00 again
    assert json.loads(out)[0]["indicators"]["1"] == 100.0


# -- published histories: the label each year's confirmed bands give ----------------------------

@pytest.mark.parametrize(("year", "overall", "published"), [
    # a national institute: 2562 91.07 A, 2563 90.73 A, 2564 95.62 AA, 2565 90.22 A,
    # 2566 86.78 ผ่าน, 2567 91.15 ผ่าน
    (2562, "91.07", "A"), (2563, "90.73", "A"), (2564, "95.62", "AA"), (2565, "90.22", "A"),
    (2566, "86.78", "ผ่าน"), (2567, "91.15", "ผ่าน"),
])
def test_a_national_institutes_history(year, overall, published):
    # only the overall score is published: the tools are taken equal to it; in 2566-2567
    # the confirmed bands give ผ่าน at 85 or more whatever the tools
    value = Decimal(overall)
    fw = load_framework(year)
    assert fw.grade(value, dict.fromkeys(fw.tool_codes, value)) == published


def test_the_state_audit_office_2568():
    # 94.64 rated ผ่าน, not ผ่านดี, because its EIT was below 85 (NACC, via MGR Online)
    fw = load_framework(2568)
    tools = {"IIT": Decimal("99.20"), "EIT": Decimal("84.00"), "OIT": Decimal("99.20")}
    assert fw.grade(Decimal("94.64"), tools) == "ผ่าน"
    assert fw.grade(Decimal("94.64"), {**tools, "EIT": Decimal("85.00")}) == "ผ่านดี"
