"""Fixtures the test modules share: the public documents, rendered once per session.

The set is the one issue 10 asks every document test to cover: the seed organisation (a
letter-grade year, in both digit modes) and invented organisations of the synthetic province
chosen from the data by what they show: a letter-grade year with its own measures for the
year ahead, a pass-label year that fails the target, and a year without any measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from _html import parse
from bs4 import BeautifulSoup

from ita_analysis.data.dataset import default_data_dir, load_dataset, synthetic_data_dir
from ita_analysis.render.report import ReportFiles, render_report
from ita_analysis.scoring import score_table

SEED_ORG, SEED_YEAR = "nongsaeng-prachinburi", 2565


@dataclass(frozen=True)
class Case:
    org: str
    year: int
    data: Path
    digits: str
    date: str = ""


@dataclass
class Document:
    """One rendered report: its files, parsed public page and annex."""

    name: str
    case: Case
    files: ReportFiles

    @property
    def html(self) -> str:
        return self.files.html.read_text(encoding="utf-8")

    @property
    def soup(self) -> BeautifulSoup:
        return parse(self.html)

    @property
    def annex(self) -> BeautifulSoup:
        return parse(self.files.annex.read_text(encoding="utf-8"))


def document_cases() -> dict[str, Case]:
    """The seed, and invented organisations picked from the synthetic data by what they show."""
    ds = load_dataset(synthetic_data_dir())
    table = score_table(ds.scores)
    with_measures = set(zip(ds.measures["org_id"], ds.measures["fiscal_year"], strict=True))

    def pick(year: int, *, passed: bool, measures: bool) -> str:
        rows = table[(table["fiscal_year"] == year) & (table["passed"] == passed)]
        for org in sorted(rows["org_id"]):
            if ((org, year) in with_measures) == measures:
                return str(org)
        raise AssertionError(f"no synthetic organisation for {year}, {passed}, {measures}")

    synthetic = synthetic_data_dir()
    return {
        "seed": Case(SEED_ORG, SEED_YEAR, default_data_dir(), "thai"),
        "seed-arabic": Case(SEED_ORG, SEED_YEAR, default_data_dir(), "arabic", "2022-12-15"),
        "letter": Case(pick(2565, passed=True, measures=True), 2565, synthetic, "thai"),
        "failing": Case(pick(2566, passed=False, measures=True), 2566, synthetic, "arabic"),
        "no-measures": Case(pick(2567, passed=True, measures=False), 2567, synthetic, "thai"),
    }


@pytest.fixture(scope="session")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Document]:
    out = tmp_path_factory.mktemp("documents")
    rendered = {}
    for name, case in document_cases().items():
        files = render_report(case.org, case.year, data_dir=case.data, out_dir=out / name,
                              digits=case.digits, report_date=case.date or None)
        rendered[name] = Document(name, case, files)
    return rendered
