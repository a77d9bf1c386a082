"""Scoring from raw answers: IIT/EIT responses and OIT checklists (ita_analysis.responses).

Hand-worked examples compute the expected indicator scores in the test with exact fractions;
an independent reference implementation (plain pandas group-bys over the text files) checks
the vectorised scoring on generated data; the CLI is run end to end on small files.
"""

from __future__ import annotations

import dataclasses
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from ita_analysis.cli import main
from ita_analysis.data.answers import (
    answers_from_frame,
    answers_to_long,
    check_answers,
    checklist_from_frame,
    checklist_to_long,
    dataset_with_answers,
    read_checklist,
    read_responses,
    score_answers,
    score_responses,
)
from ita_analysis.data.dataset import load_dataset
from ita_analysis.data.synthetic.responses import make_national_responses
from ita_analysis.errors import DataValidationError, FrameworkError, ItaError, ParameterError
from ita_analysis.rules.framework import load_framework, load_framework_file
from ita_analysis.scoring import result_records, score_table

FW = load_framework(2565)
HEADER = "org_id,fiscal_year,tool,respondent_id,question,answer\n"
LOW, MID_LOW, MID_HIGH, HIGH = Fraction(0), Fraction("33.33"), Fraction("66.67"), Fraction(100)


def mean(*values: Fraction) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def scores_of(scored: pd.DataFrame, org: str) -> dict[int, float]:
    mine = scored[scored["org_id"] == org]
    return dict(zip(mine["indicator"].astype(int), mine["score"], strict=True))


# -- the framework's question lists ----------------------------------------------------------

def test_2565_question_lists():
    ids = [q.id for q in FW.questions]
    assert ids == [f"i{n}" for n in range(1, 31)] + [f"e{n}" for n in range(1, 16)]
    for q in FW.questions:
        assert q.indicator in FW.tool(q.tool).indicators
        assert not q.verified  # nothing is checked against the official manual yet
    per_indicator = {n: sum(q.indicator == n for q in FW.questions) for n in range(1, 9)}
    assert per_indicator == {1: 6, 2: 6, 3: 6, 4: 6, 5: 6, 6: 5, 7: 5, 8: 5}
    four = FW.scale("four_level")
    assert [lv.score for lv in four.levels] == [0, Decimal("33.33"), Decimal("66.67"), 100]
    assert [lv.score for lv in FW.scale("yes_no").levels] == [0, 100]
    assert {m.tool: m.minimum for m in FW.min_respondents} == {"IIT": 30, "EIT": 30}
    assert not any(m.verified for m in FW.min_respondents)
    for year in (2562, 2563, 2564, 2566, 2567, 2568):
        assert load_framework(year).questions == ()


@pytest.mark.parametrize(("edit", "message"), [
    (lambda raw: raw["questions"][0].update(indicator=6), "not an indicator of IIT"),
    (lambda raw: raw["questions"][0].update(scale="five_level"), "scale five_level"),
    (lambda raw: raw["questions"][1].update(id="i1"), "question i1 is defined twice"),
    (lambda raw: raw["questions"][0].update(tool="XIT"), "tool XIT, which is not defined"),
    (lambda raw: raw["scales"][0]["levels"].pop(), "has 3 levels, expected 4"),
    (lambda raw: raw["min_respondents"].append({"tool": "IIT", "minimum": 5}),
     "gives tool IIT twice"),
    (lambda raw: raw.update(checklist_scale="four_level"), "not a yes_no scale"),
])
def test_framework_refuses_broken_question_lists(tmp_path, edit, message):
    source = (Path(__file__).resolve().parents[1] / "ita_analysis" / "rules" / "frameworks"
              / "2565.yaml")
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "2565.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FrameworkError, match=message):
        load_framework_file(path)


# -- hand-worked examples ---------------------------------------------------------------------

HAND = HEADER + """\
org-a,2565,IIT,r1,i1,มากที่สุด
org-a,2565,IIT,r2,i1,มาก
org-a,2565,IIT,r3,i1,2
org-a,2565,IIT,r1,i4,ไม่มี
org-a,2565,IIT,r2,i4,มี
org-a,2565,IIT,r3,i4,1
org-a,2565,IIT,r1,i9,น้อยที่สุดหรือไม่มีเลย
org-a,2565,IIT,r2,i9,น้อย
org-a,2565,IIT,r1,i26,ใช่
org-a,2565,IIT,r2,i26,yes
org-a,2565,IIT,r3,i26,ไม่ใช่
org-a,2565,EIT,x1,e1,มาก
org-a,2565,EIT,x2,e1,มากที่สุด
org-a,2565,EIT,x1,e4,ไม่มี
org-a,2565,EIT,x2,e4,no
org-b,2565,IIT,r1,i1,4
"""

HAND_CHECKLIST = """org_id,fiscal_year,item,passed,comment
org-a,2565,O1,ผ่าน,
org-a,2565,O2,ไม่ผ่าน,ไม่พบข้อมูล
org-a,2565,O3,1,
org-a,2565,O34,pass,
org-a,2565,O35,no,ลิงก์เสีย
"""


def test_hand_worked_indicator_scores():
    answers = answers_from_frame(frame(HAND))
    scored = score_answers(answers, checklist_from_frame(frame(HAND_CHECKLIST)))
    # i1 four-level: r1 มากที่สุด 100, r2 มาก 66.67, r3 code 2 = น้อย 33.33
    i1 = mean(HIGH, MID_HIGH, MID_LOW)
    # i4 yes/no, reversed (demands for bribes): ไม่มี scores 100, มี and code 1 (มี) score 0
    i4 = mean(HIGH, LOW, LOW)
    # i9 four-level, reversed (budget spent for one's group): the scale is read backwards
    i9 = mean(HIGH, MID_HIGH)  # น้อยที่สุดหรือไม่มีเลย -> 100, น้อย -> 66.67; r3 did not answer
    # i26 yes/no, not reversed: ใช่ 100, yes 100, ไม่ใช่ 0
    i26 = mean(HIGH, HIGH, LOW)
    # e1: มาก 66.67, มากที่สุด 100; e4 yes/no reversed: ไม่มี 100, no 100
    e1, e4 = mean(MID_HIGH, HIGH), mean(HIGH, HIGH)
    # checklist: indicator 9 = mean of O1–O3 (100, 0, 100); indicator 10 = O34, O35 (100, 0)
    expected = {1: mean(i1, i4), 2: i9, 5: i26, 6: mean(e1, e4),
                9: mean(HIGH, LOW, HIGH), 10: mean(HIGH, LOW)}
    got = scores_of(scored.scores, "org-a")
    assert set(got) == set(expected)
    for number, value in expected.items():
        assert got[number] == pytest.approx(float(value), abs=1e-9), number
    assert got[1] == pytest.approx(50.0) and got[2] == pytest.approx(83.335)
    assert scores_of(scored.scores, "org-b") == {1: 100.0}

    questions = scored.questions.set_index(["org_id", "question"])
    assert questions.loc[("org-a", "i9"), "answers"] == 2
    assert questions.loc[("org-a", "i9"), "score"] == pytest.approx(83.335)
    assert np.isnan(questions.loc[("org-a", "i2"), "score"])
    counts = scored.respondents.set_index(["org_id", "tool"])["respondents"]
    assert counts[("org-a", "IIT")] == 3 and counts[("org-a", "EIT")] == 2
    assert counts[("org-b", "IIT")] == 1 and counts[("org-b", "EIT")] == 0


def test_hand_worked_findings():
    scored = score_answers(answers_from_frame(frame(HAND)),
                           checklist_from_frame(frame(HAND_CHECKLIST)))
    few = {(f.org_id, f.field): (f.count, f.expected) for f in scored.findings
           if f.kind == "few_respondents"}
    assert few == {("org-a", "IIT"): (3, 30), ("org-a", "EIT"): (2, 30),
                   ("org-b", "IIT"): (1, 30), ("org-b", "EIT"): (0, 30)}
    unanswered = {(f.org_id, f.field): f.count for f in scored.findings
                  if f.kind == "unanswered_questions"}
    assert unanswered == {("org-a", "IIT"): 4, ("org-a", "EIT"): 2, ("org-b", "IIT"): 1}
    incomplete = {f.field: (f.count, f.expected) for f in scored.findings
                  if f.kind == "incomplete_checklist"}
    assert incomplete == {"9": (3, 33), "10": (2, 10)}
    record = scored.records()[0]
    assert set(record) >= {"org_id", "fiscal_year", "kind", "severity", "message", "message_th"}
    assert all(f.severity == "notice" for f in scored.findings)


def test_labels_and_codes_are_both_accepted():
    rows = [("i1", "มากที่สุด", "4"), ("i2", "มาก", "3"), ("i3", "น้อย", "2"),
            ("i13", "น้อยที่สุดหรือไม่มีเลย", "1"), ("i4", "มี", "1"), ("i5", "ไม่มี", "0"),
            ("i6", "ใช่", "YES"), ("i26", "ไม่ใช่", "n"), ("i7", "น้อยที่สุด", "๑")]
    labels = HEADER + "".join(f"o,2565,IIT,r,{q},{label}\n" for q, label, _ in rows)
    codes = HEADER + "".join(f"o,2565,IIT,r,{q},{code}\n" for q, _, code in rows)
    by_label = answers_from_frame(frame(labels))
    by_code = answers_from_frame(frame(codes))
    assert by_label["level"].tolist() == by_code["level"].tolist() == [3, 2, 1, 0, 1, 0, 1, 0, 0]
    assert score_responses(by_label).scores.equals(score_responses(by_code).scores)
    # question ids, tools and item codes match whatever their case
    assert answers_from_frame(frame(HEADER + "o,2565,iit,r,I1,มาก\n"))["question"].tolist() \
        == ["i1"]
    assert checklist_from_frame(frame("org_id,fiscal_year,item,passed\no,2565,o5,Yes\n")
                                )["item"].tolist() == ["O5"]


# -- validation: every problem at once, with row numbers -------------------------------------

BAD = HEADER + """\
org-a,2565,IIT,r1,i1,มาก
org-a,2565,IIT,r1,i99,มาก
org-a,2565,IIT,r1,i2,5
org-a,2565,IIT,r1,i1,น้อย
org-a,2565,EIT,r2,i3,มาก
org-z,2565,IIT,r3,i1,มาก
org-a,2565,IIT,r1,i4,มาก
org-a,2566,IIT,r1,i5,มี
org-a,2565,IIT,,i6,มี
org-a,2022,IIT,r4,i1,มาก
"""


def test_validation_reports_every_problem_with_row_numbers():
    with pytest.raises(DataValidationError) as caught:
        answers_from_frame(frame(BAD), "responses.csv", organisations=["org-a", "org-b"])
    got = {(p.row, p.column) for p in caught.value.problems}
    assert got == {
        (3, "question"),  # i99 is no question of 2565
        (4, "answer"),  # 5 is not on the four-level scale
        (5, "question"),  # r1 answers i1 again (row 2 has it)
        (6, "tool"),  # i3 is an IIT question, not EIT
        (7, "org_id"),  # org-z is not in organisations
        (8, "answer"),  # มาก is not on i4's yes/no scale
        (9, "fiscal_year"),  # 2566 has no question list
        (10, "respondent_id"),  # empty
        (11, "fiscal_year"),  # a CE year
    }
    by_row = {p.row: p for p in caught.value.problems}
    assert "row 2 has it already" in by_row[5].expected
    assert "the tool of question i3: IIT" in by_row[6].expected
    assert "yes_no" in by_row[8].expected
    assert "lists its questions" in by_row[9].expected and "2566 has none" in by_row[9].expected
    assert "Christian Era" in by_row[11].expected
    assert all(p.file == "responses.csv" for p in caught.value.problems)
    assert [p.row for p in caught.value.problems] == sorted(p.row for p in caught.value.problems)


def test_a_file_broken_throughout_lists_the_first_problems_and_counts_the_rest(monkeypatch):
    import ita_analysis.data.answers.issues as responses
    import ita_analysis.errors as errors

    monkeypatch.setattr(responses, "MAX_LISTED_PROBLEMS", 3)
    monkeypatch.setattr(errors, "MAX_LISTED_PROBLEMS", 3)
    text = HEADER + "".join(f"o,2565,IIT,r{n},i1,maybe\n" for n in range(10))
    with pytest.raises(DataValidationError) as caught:
        answers_from_frame(frame(text))
    problems = caught.value.problems
    assert [p.row for p in problems[:3]] == [2, 3, 4]
    assert problems[3].row is None and "7 more were found" in problems[3].expected
    assert str(caught.value).startswith("10 problems in the input data")


def test_unknown_organisations_only_when_organisations_are_given():
    text = HEADER + "org-z,2565,IIT,r1,i1,มาก\n"
    assert len(answers_from_frame(frame(text))) == 1
    with pytest.raises(DataValidationError, match="listed in organisations"):
        answers_from_frame(frame(text), organisations=["org-a"])


def test_missing_columns_and_empty_files():
    with pytest.raises(DataValidationError) as caught:
        answers_from_frame(frame("org_id,fiscal_year,question,answer\no,2565,i1,มาก\n"))
    assert {p.column for p in caught.value.problems} == {"tool", "respondent_id"}
    assert all(p.row == 1 for p in caught.value.problems)
    with pytest.raises(DataValidationError, match="at least one data row"):
        answers_from_frame(frame(HEADER))


def test_checklist_validation():
    text = """org_id,fiscal_year,item,passed
org-a,2565,O1,ผ่าน
org-a,2565,O99,ผ่าน
org-a,2565,O2,maybe
org-a,2565,O1,ไม่ผ่าน
org-z,2565,O3,มี
org-a,2567,O3,มี
"""
    with pytest.raises(DataValidationError) as caught:
        checklist_from_frame(frame(text), "oit_checklist.csv", organisations=["org-a"])
    got = {(p.row, p.column) for p in caught.value.problems}
    assert got == {(3, "item"), (4, "passed"), (5, "item"), (6, "org_id"), (7, "fiscal_year")}
    by_row = {p.row: p for p in caught.value.problems}
    assert "row 2 has it already" in by_row[5].expected


def test_csv_files_blank_lines_and_encodings(tmp_path):
    text = HEADER + "o,2565,IIT,r1,i1,มาก\n\no,2565,IIT,r1,i2,มากมาย\n"
    path = tmp_path / "responses.csv"
    path.write_text(text, encoding="cp874")
    with pytest.raises(DataValidationError) as caught:
        read_responses(path)
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (4, "answer", "มากมาย")
    path.write_text(text.replace("มากมาย", "มาก"), encoding="utf-8-sig")
    assert len(read_responses(path)) == 2


def test_parquet_and_xlsx_files(tmp_path):
    long = frame(HAND)
    long.to_parquet(tmp_path / "responses.parquet", index=False)
    long.to_excel(tmp_path / "responses.xlsx", index=False)
    from_csv = answers_from_frame(long)
    for name in ("responses.parquet", "responses.xlsx"):
        loaded = read_responses(tmp_path / name)
        assert score_responses(loaded).scores.equals(score_responses(from_csv).scores)
    frame(HAND_CHECKLIST).to_parquet(tmp_path / "oit_checklist.parquet", index=False)
    checked = read_checklist(tmp_path / "oit_checklist.parquet")
    assert checked["comment"].tolist()[1] == "ไม่พบข้อมูล"


# -- issue 12: every reader refuses what it cannot read as shown ------------------------------

def test_a_parquet_column_named_twice_in_another_case_is_refused_not_resolved(tmp_path):
    """``answer`` and ``Answer``: which one is meant? Reading either silently scored IIT
    26.67 instead of 55.59."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    long = frame(HAND)
    table = pa.Table.from_pandas(long, preserve_index=False)
    table = table.append_column("Answer", pa.array(["1"] * len(long)))
    pq.write_table(table, tmp_path / "responses.parquet")
    with pytest.raises(DataValidationError) as caught:
        read_responses(tmp_path / "responses.parquet")
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (1, "answer")
    assert "each column name once" in problem.expected and "'Answer'" in problem.expected


def test_a_list_typed_parquet_column_is_a_problem_not_a_traceback(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    long = frame(HAND)
    table = pa.Table.from_pandas(long.drop(columns=["answer"]), preserve_index=False)
    table = table.append_column("answer", pa.array([["มาก"]] * len(long)))
    pq.write_table(table, tmp_path / "responses.parquet")
    with pytest.raises(DataValidationError) as caught:
        read_responses(tmp_path / "responses.parquet")
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (1, "answer")
    assert problem.value.startswith("list<") and "text or whole numbers" in problem.expected


def test_csv_rows_with_more_fields_than_the_header_are_refused_not_shifted(tmp_path):
    """pandas would take the first column as an index (every column shifted one place) or
    drop the extra field; either scores the wrong answers without a word."""
    path = tmp_path / "responses.csv"
    path.write_text(HEADER + "".join(line + ",x\n" for line in HAND.splitlines()[1:]),
                    encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_responses(path)
    problems = caught.value.problems
    assert [p.row for p in problems] == list(range(2, 2 + len(HAND.splitlines()) - 1))
    assert all(p.expected == "at most 6 fields as in the header" for p in problems)
    path.write_text(HEADER.replace("\n", ",,\n") + "".join(
        line + ",,\n" for line in HAND.splitlines()[1:]), encoding="utf-8")  # empty: fine
    assert len(read_responses(path)) == len(HAND.splitlines()) - 1


@pytest.mark.parametrize("prefix", ["\n", "sep=,\n", "\n,,,,,\n"])
def test_responses_csv_after_blank_lines_or_a_sep_line_reads_and_numbers_rows(tmp_path, prefix):
    path = tmp_path / "responses.csv"
    path.write_text(prefix + HEADER + "o,2565,IIT,r1,i1,มาก\no,2565,IIT,r1,i2,มากมาย\n",
                    encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_responses(path)
    [problem] = caught.value.problems
    header_row = prefix.count("\n") + 1 - prefix.startswith("sep=")
    assert (problem.row, problem.value) == (header_row + 2, "มากมาย")


def test_a_title_row_above_the_responses_header_is_refused_with_the_row(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text("แบบวัด IIT 2565\n" + HAND, encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_responses(path)
    [problem] = caught.value.problems
    assert problem.row == 1 and "row 2 holds them" in problem.expected


def test_an_xlsx_answers_file_names_its_sheet(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "คำตอบ"
    for line in (HEADER + "o,2565,IIT,r1,i1,มากมาย\n").splitlines():
        ws.append(line.split(","))
    ws["F3"] = "=A1"  # a formula without a saved result
    ws.append(["o", 2565, "IIT", "r2", "i1", None])
    wb.save(tmp_path / "responses.xlsx")
    with pytest.raises(DataValidationError) as caught:
        read_responses(tmp_path / "responses.xlsx")
    problems = caught.value.problems
    assert [(p.sheet, p.row, p.column) for p in problems][:2] == [
        ("คำตอบ", 2, "answer"), ("คำตอบ", 3, "answer")]
    assert "sheet 'คำตอบ', row 3, column 'answer': got '=A1'" in str(caught.value)


@pytest.mark.parametrize("name", ["missing.csv", "folder"])
def test_responses_that_are_missing_or_a_folder_are_a_problem(tmp_path, name):
    (tmp_path / "folder").mkdir()
    with pytest.raises(DataValidationError) as caught:
        read_responses(tmp_path / name)
    [problem] = caught.value.problems
    assert problem.expected == ("an existing file" if name == "missing.csv"
                                else "a file, not a folder")


def test_several_years_score_each_by_its_own_rules():
    # 2566 has no question list; a framework source that gives 2565's rules for every year
    # lets the multi-year paths run and must score each year alike
    two_years = HAND + HAND.split("\n", 1)[1].replace(",2565,", ",2566,")
    answers = answers_from_frame(frame(two_years), frameworks=lambda year: FW)
    assert sorted(set(answers["fiscal_year"])) == [2565, 2566]
    check_answers(answers, frameworks=lambda year: FW)
    scored = score_responses(answers, frameworks=lambda year: FW).scores
    per_year = {y: g.drop(columns="fiscal_year").reset_index(drop=True)
                for y, g in scored.groupby("fiscal_year")}
    pd.testing.assert_frame_equal(per_year[2565], per_year[2566])
    single = score_responses(answers_from_frame(frame(HAND))).scores
    pd.testing.assert_frame_equal(per_year[2565], single.drop(columns="fiscal_year"))
    # respondents are counted per year: r1 of 2565 and r1 of 2566 are two people
    counts = score_responses(answers, frameworks=lambda year: FW).respondents
    assert counts[(counts.org_id == "org-a") & (counts.tool == "IIT")]["respondents"].tolist() \
        == [3, 3]


def test_scoring_refuses_a_year_without_questions():
    answers = answers_from_frame(frame(HEADER + "o,2565,IIT,r1,i1,มาก\n"))
    answers["fiscal_year"] = np.int16(2566)
    with pytest.raises(ItaError, match="2566 has no question list"):
        score_responses(answers)


def test_check_answers_in_memory():
    syn = make_national_responses(seed=5, agencies=4, respondents=200)
    check_answers(syn.answers)
    broken = syn.answers.copy()
    broken.loc[7, "respondent"] = broken.loc[3, "respondent"]
    broken.loc[7, "question"] = broken.loc[3, "question"]
    broken.loc[7, "level"] = broken.loc[3, "level"]
    broken.loc[11, "level"] = np.int8(9)
    with pytest.raises(DataValidationError) as caught:
        check_answers(broken)
    assert {(p.row, p.column) for p in caught.value.problems} == {(9, "question"),
                                                                   (13, "level")}


# -- the synthetic national generator ----------------------------------------------------------

def test_generator_is_deterministic_and_has_the_national_shape_at_small_size():
    one = make_national_responses(seed=11, agencies=25, respondents=2000)
    two = make_national_responses(seed=11, agencies=25, respondents=2000)
    other = make_national_responses(seed=12, agencies=25, respondents=2000)
    pd.testing.assert_frame_equal(one.answers, two.answers)
    pd.testing.assert_frame_equal(one.checklist, two.checklist)
    assert not one.answers["level"].equals(other.answers["level"])
    answers = one.answers
    assert one.respondents == 2000
    assert len(answers) == 800 * 30 + 1200 * 15  # iit_share 0.4, every question answered
    assert answers["level"].dtype == np.int8 and answers["respondent"].dtype == np.int32
    assert isinstance(answers["question"].dtype, pd.CategoricalDtype)
    check_answers(answers)  # no repeats, every level on its scale, tools right
    per_respondent = answers.groupby("respondent", observed=True)["question"].nunique()
    tool_of = answers.groupby("respondent", observed=True)["tool"].first()
    assert (per_respondent == tool_of.map({"IIT": 30, "EIT": 15}).astype(int)).all()
    counts = score_responses(answers).respondents
    assert (counts["respondents"] >= 1).all() and counts["respondents"].sum() == 2000
    assert len(one.checklist) == 25 * 43
    assert one.organisations["org_id"].tolist() == [f"syn-{i:05d}" for i in range(1, 26)]


def test_fewer_respondents_than_the_minimum_are_flagged():
    syn = make_national_responses(seed=3, agencies=30, respondents=2400)
    scored = score_responses(syn.answers)
    counts = scored.respondents
    flagged = {(f.org_id, f.field) for f in scored.findings if f.kind == "few_respondents"}
    below = {(r.org_id, r.tool) for r in counts.itertuples() if r.respondents < 30}
    assert flagged == below and below  # some agencies are small, some are not
    assert len(below) < len(counts)


# -- equality with an independent reference ------------------------------------------------------

def reference_scores(long: pd.DataFrame, checklist: pd.DataFrame) -> pd.DataFrame:
    """Indicator scores the slow, obvious way: text in, group-by means out."""
    rows = []
    for q in FW.questions:
        scale = FW.scale(q.scale)
        scores = [lv.score for lv in scale.levels]
        if q.reversed:
            scores = scores[::-1]
        for level, score in zip(scale.levels, scores, strict=True):
            for word in (*level.labels, *level.codes):
                rows.append((q.id, word.casefold(), float(score), q.indicator))
    points = pd.DataFrame(rows, columns=["question", "answer", "points", "indicator"])
    long = long.astype(str).assign(answer=lambda d: d["answer"].str.casefold())
    scored = long.merge(points, on=["question", "answer"], how="left", validate="m:1")
    assert scored["points"].notna().all()
    per_q = scored.groupby(["org_id", "fiscal_year", "indicator", "question"])["points"].mean()
    ind = per_q.groupby(["org_id", "fiscal_year", "indicator"]).mean().reset_index()
    # OIT: NACC's roll-up, the mean of the sub-indicators' item means
    item_ind = {code: ind_.number for code, (ind_, _, _) in FW.items.items()}
    item_sub = {code: sub.code for code, (_, sub, _) in FW.items.items()}
    passed = checklist.astype(str)["passed"].map({"ผ่าน": 100.0, "ไม่ผ่าน": 0.0})
    items = checklist["item"].astype(str)
    oit = checklist.astype(str).assign(points=passed, indicator=items.map(item_ind),
                                       sub=items.map(item_sub))
    per_sub = oit.groupby(["org_id", "fiscal_year", "indicator", "sub"])["points"].mean()
    oit = per_sub.groupby(["org_id", "fiscal_year", "indicator"]).mean().reset_index()
    out = pd.concat([ind.rename(columns={"points": "score"}),
                     oit.rename(columns={"points": "score"})], ignore_index=True)
    return out.astype({"fiscal_year": int, "indicator": int}).sort_values(
        ["org_id", "fiscal_year", "indicator"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def small_set():
    syn = make_national_responses(seed=2565, agencies=40, respondents=3000)
    long = answers_to_long(syn.answers)
    checklist = checklist_to_long(syn.checklist)
    return syn, long, checklist


def test_scores_from_answers_equal_score_table_of_the_indicator_scores(small_set):
    syn, long, checklist = small_set
    reference = reference_scores(long, checklist)
    scored = score_answers(syn.answers, syn.checklist)
    got = scored.scores.astype({"org_id": str})
    assert got[["org_id", "fiscal_year", "indicator"]].equals(
        reference[["org_id", "fiscal_year", "indicator"]])
    np.testing.assert_allclose(got["score"], reference["score"], rtol=0, atol=1e-9)
    from_answers, from_scores = score_table(got), score_table(reference)
    assert result_records(from_answers) == result_records(from_scores)
    # the same through the long text format read back from CSV
    again = score_responses(answers_from_frame(long.astype(str))).scores
    assert np.array_equal(again["score"].to_numpy(),
                          score_responses(syn.answers).scores["score"].to_numpy())


# -- the command line -----------------------------------------------------------------------------

def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_cli_score_from_responses_and_checklist(tmp_path, small_set):
    _, long, checklist = small_set
    responses, oit = tmp_path / "responses.csv", tmp_path / "oit_checklist.csv"
    long.to_csv(responses, index=False)
    checklist.to_csv(oit, index=False)
    code, out, err = run_cli("score", "--year", "2565", "--responses", str(responses),
                             "--checklist", str(oit), "--json")
    assert code == 0, err
    expected = result_records(score_table(reference_scores(long, checklist)))
    assert json.loads(out) == expected
    assert "fewer than the minimum of 30" in err  # notices go to stderr
    code, out, _ = run_cli("score", "--year", "2565", "--responses", str(responses),
                           "--checklist", str(oit), "--org", "syn-00002")
    assert code == 0 and "syn-00002" in out and "syn-00001" not in out


def test_cli_responses_with_data_folder_for_the_other_indicators(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "organisations.csv").write_text(
        "org_id,name,org_type,district,province\norg-a,หน่วยงานทดสอบ,อบต.,,จังหวัดทดสอบ\n",
        encoding="utf-8")
    (folder / "scores.csv").write_text(
        "org_id,fiscal_year,indicator,score\n"
        + "".join(f"org-a,2565,{n},90\n" for n in range(1, 11)), encoding="utf-8")
    responses = tmp_path / "responses.csv"
    responses.write_text(HEADER + "org-a,2565,IIT,r1,i1,มาก\norg-a,2565,IIT,r2,i1,มากที่สุด\n",
                         encoding="utf-8")
    code, out, err = run_cli("score", "--year", "2565", "--data", str(folder),
                             "--responses", str(responses), "--json")
    assert code == 0, err
    [record] = json.loads(out)
    assert record["indicators"]["1"] == 83.34  # (66.67 + 100) / 2 = 83.335, half up
    assert all(record["indicators"][str(n)] == 90.0 for n in range(2, 11))
    # an organisation that is not in the data folder is a validation problem (exit 2)
    responses.write_text(HEADER + "org-x,2565,IIT,r1,i1,มาก\n", encoding="utf-8")
    code, _, err = run_cli("score", "--year", "2565", "--data", str(folder),
                           "--responses", str(responses))
    assert code == 2 and "row 2, column 'org_id'" in err


def test_cli_answers_without_data_need_every_indicator(tmp_path):
    responses = tmp_path / "responses.csv"
    responses.write_text(HEADER + "org-a,2565,IIT,r1,i1,มาก\n", encoding="utf-8")
    code, _, err = run_cli("score", "--year", "2565", "--responses", str(responses))
    assert code == 2 and "no score for indicator(s) 2, 3, 4, 5, 6, 7, 8, 9, 10" in err
    with pytest.raises(ParameterError):
        dataset_with_answers(None, responses)


# -- a report from responses equals the report from the scores they give -----------------------

def test_report_from_responses_equals_report_from_scores(tmp_path, small_set):
    report = pytest.importorskip("ita_analysis.documents.report")
    syn, long, checklist = small_set
    folder = tmp_path / "scores"
    folder.mkdir()
    syn.organisations.to_csv(folder / "organisations.csv", index=False)
    reference = reference_scores(long, checklist)
    reference.assign(score=[repr(float(v)) for v in reference["score"]]).to_csv(
        folder / "scores.csv", index=False)
    responses, oit = tmp_path / "responses.csv", tmp_path / "oit_checklist.csv"
    long.to_csv(responses, index=False)
    checklist.to_csv(oit, index=False)

    from ita_analysis.analysis.findings import analyse

    org = "syn-00003"
    from_scores = report.build_context(org, 2565, data_dir=folder, report_date="2022-12-15",
                                       generated_at="2022-12-15T10:00:00+07:00")
    dataset, _ = dataset_with_answers(load_dataset(folder), responses, oit)
    table = score_table(dataset.scores)
    from_answers = dataclasses.replace(
        from_scores, dataset=dataset, table=table,
        findings=analyse(dataset, org, 2565, table=table), _cache={})
    assert result_records(from_answers.table) == result_records(from_scores.table)
    for name, section in report.sections.SECTIONS.items():
        if name == "annex_run":  # names the input files and their hash, which differ by design
            continue
        assert section(from_answers) == section(from_scores), name
