"""The label a document prints (ita_analysis.present.labels), and check's view of a published one.

Each case is worked by hand from the bands in the framework files:

- 2565 letters, all confirmed (NACC's table as OSMEP's annual report 2565 reprints it):
  E 50.00-54.99, F 0-49.99;
- 2566-2567: only ผ่าน (85 or more) is confirmed; ผ่านดี (85 or more, every tool 85 or more),
  ผ่านดีเยี่ยม (2567: 95 and every tool 95), ต้องปรับปรุง (70-84.99) and ต้องปรับปรุงโดยด่วน
  are not;
- 2568: ผ่านดี is confirmed as well (NACC explained a 94.64 as ผ่าน because its EIT was below
  85).

Scores are given per tool (every indicator of a tool the same), so a tool's score is that value
and the overall is 0.3 IIT + 0.3 EIT + 0.4 OIT.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ita_analysis.analysis.findings import analyse
from ita_analysis.analysis.reconcile import reconcile
from ita_analysis.data.dataset import load_dataset
from ita_analysis.errors import DataValidationError
from ita_analysis.present.labels import NO_CONFIRMED_BAND_TH, choose_label, result_text
from ita_analysis.rules.framework import load_framework
from ita_analysis.scoring import score_table

TOOLS = {"IIT": range(1, 6), "EIT": range(6, 9), "OIT": range(9, 11)}

# org: (year, (IIT, EIT, OIT), published label or "")
CASES = {
    # 90 everywhere: overall 90.00. 2567: ผ่าน confirmed, every band gives ผ่านดี; NACC
    # published ผ่านดี: printed, and check notes it agrees with the unconfirmed band
    "p1": (2567, ("90.00", "90.00", "90.00"), "ผ่านดี"),
    # the same scores, published ผ่านดีเยี่ยม: printed (NACC's word), but no band gives it for
    # 90.00 (ผ่านดีเยี่ยม needs 95): a contradiction
    "p2": (2567, ("90.00", "90.00", "90.00"), "ผ่านดีเยี่ยม"),
    # 80 everywhere, nothing published: below ผ่าน; ต้องปรับปรุง is never printed
    "p3": (2567, ("80.00", "80.00", "80.00"), ""),
    # the State Audit Office in 2568: 0.3 x 99.20 + 0.3 x 84.00 + 0.4 x 99.20
    # = 29.76 + 25.20 + 39.68 = 94.64; EIT below 85, so ผ่าน, not ผ่านดี; published ผ่าน
    "p4": (2568, ("99.20", "84.00", "99.20"), "ผ่าน"),
    # 2568, 94.25 everywhere: every tool 85 or more: ผ่านดี, confirmed; nothing published
    "p5": (2568, ("94.25", "94.25", "94.25"), ""),
    # 2566, 80 everywhere, published ผ่าน: printed (NACC's), but no band gives ผ่าน below 85
    "p6": (2566, ("80.00", "80.00", "80.00"), "ผ่าน"),
    # 2565 letters, 45 everywhere: F (0-49.99); published E (the seed's own table would put
    # 45 in E, 40.00-54.99): every band is confirmed, so F prints and check contradicts E
    "l1": (2565, ("45.00", "45.00", "45.00"), "E"),
}


def write(path: Path, header: list[str], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def make_folder(folder: Path, label_column: str = "grade") -> Path:
    write(folder / "organisations.csv", ["org_id", "name", "org_type", "district", "province"],
          [(org, f"องค์การบริหารส่วนตำบล{org}", "องค์การบริหารส่วนตำบล", "", "จังหวัดหนึ่ง")
           for org in CASES])
    write(folder / "scores.csv", ["org_id", "fiscal_year", "indicator", "score"],
          [(org, year, n, value) for org, (year, tools, _) in CASES.items()
           for value, numbers in zip(tools, TOOLS.values(), strict=True) for n in numbers])
    write(folder / "published.csv",
          ["org_id", "fiscal_year", "iit", "eit", "oit", "overall", label_column],
          [(org, year, "", "", "", "", label) for org, (year, _, label) in CASES.items()
           if label])
    return folder


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return load_dataset(make_folder(tmp_path_factory.mktemp("labels")))


@pytest.fixture(scope="module")
def table(dataset):
    return score_table(dataset.scores)


def label(dataset, table, org):
    f = analyse(dataset, org, CASES[org][0], table)
    return (f.grade, f.grade_text, f.grade_source, f.grade_computed, f.grade_provisional)


@pytest.mark.parametrize(("org", "expected"), [
    ("p1", ("ผ่านดี", "ผ่านดี", "published", "ผ่าน", "ผ่านดี")),
    ("p2", ("ผ่านดีเยี่ยม", "ผ่านดีเยี่ยม", "published", "ผ่าน", "ผ่านดี")),
    ("p3", (None, "ต่ำกว่าเกณฑ์ “ผ่าน”", "none", None, "ต้องปรับปรุง")),
    ("p4", ("ผ่าน", "ผ่าน", "published", "ผ่าน", "ผ่าน")),
    ("p5", ("ผ่านดี", "ผ่านดี", "computed", "ผ่านดี", "ผ่านดี")),
    ("p6", ("ผ่าน", "ผ่าน", "published", None, "ต้องปรับปรุง")),
    ("l1", ("F", "F", "computed", "F", "F")),
])
def test_the_label_printed(dataset, table, org, expected):
    assert label(dataset, table, org) == expected


def test_check_on_published_labels(dataset, table):
    found = {f.org_id: (f.severity, f.published, f.recomputed, f.message)
             for f in reconcile(dataset, table) if f.kind == "published_grade"}
    assert found == {
        "p1": ("notice", "ผ่านดี", "ผ่าน",
               "published label ผ่านดี is what the unconfirmed band ผ่านดี 85.00–100.00, every "
               "tool at least 85.00 gives for 90.00; the confirmed bands give ผ่าน"),
        "p2": ("contradiction", "ผ่านดีเยี่ยม", "ผ่าน",
               "published label ผ่านดีเยี่ยม but the scores (overall 90.00 and each tool) earn "
               "ผ่าน (band ผ่าน 85.00–100.00 in 2567); every band, unconfirmed ones included, "
               "gives ผ่านดี"),
        "p6": ("contradiction", "ผ่าน", None,
               "published label ผ่าน but the scores (overall 80.00 and each tool) reach no "
               "confirmed band; every band, unconfirmed ones included, gives ต้องปรับปรุง"),
        "l1": ("contradiction", "E", "F",
               "published grade E but the overall score 45.00 earns F (band F 0.00–49.99 in "
               "2565)"),
    }


def test_the_published_label_may_come_as_a_label_column(tmp_path):
    data = load_dataset(make_folder(tmp_path, label_column="label"))
    assert analyse(data, "p1", 2567).grade == "ผ่านดี"


def test_grade_and_label_columns_together_are_refused(tmp_path):
    folder = make_folder(tmp_path)
    write(folder / "published.csv",
          ["org_id", "fiscal_year", "iit", "eit", "oit", "overall", "grade", "label"],
          [("p1", 2567, "", "", "", "", "ผ่านดี", "ผ่านดี")])
    with pytest.raises(DataValidationError) as info:
        load_dataset(folder)
    assert [(Path(p.file).name, p.row, p.column, p.expected) for p in info.value.problems] == [
        ("published.csv", 1, "label", "either a 'grade' or a 'label' column, not both")]


def test_result_text_without_a_label():
    fw = load_framework(2567)
    assert result_text(fw, "ผ่าน", "90.00") == "ผ่าน"
    assert result_text(fw, None, "84.99") == "ต่ำกว่าเกณฑ์ “ผ่าน”"
    # a year whose bands are all unconfirmed (a copied year) can say nothing more
    copy = fw.model_copy(update={"grading": fw.grading.model_copy(update={"bands": tuple(
        b.model_copy(update={"confirmed": False}) for b in fw.grading.bands)})})
    assert result_text(copy, None, "99.00") == NO_CONFIRMED_BAND_TH
    chosen = choose_label(copy, "99.00", None, "ผ่านดีเยี่ยม", None)
    assert (chosen.printed, chosen.source, chosen.provisional) == (None, "none", "ผ่านดีเยี่ยม")
