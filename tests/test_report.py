"""The analysis document, end to end: papermill runs notebooks/report.ipynb, nbconvert renders it.

Reports are rendered once per module (seed organisation and a synthetic organisation with
earlier years and peers, in both digit modes; one of them through the plain ``papermill``
command) and every assertion reads the same HTML. Expected figures come from the library
(``score_table`` and ``analyse``), never typed into the test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from _fonts import assert_in_shipped_font, shipped_cmap
from _html import parse
from bs4 import BeautifulSoup

from ita_analysis import __version__
from ita_analysis.analysis.findings import analyse
from ita_analysis.cli import main
from ita_analysis.data.dataset import default_data_dir, load_dataset, synthetic_data_dir
from ita_analysis.documents.report import render_report, sections
from ita_analysis.documents.report.context import build_context, check_parameters
from ita_analysis.errors import ParameterError, ReportError
from ita_analysis.present.fonts import shipped_file
from ita_analysis.render.convert import export_html
from ita_analysis.render.record import run_time
from ita_analysis.render.report import notebook_path
from ita_analysis.rounding import round_half_up
from ita_analysis.scoring import indicator_column, rounded_column, score_table
from ita_analysis.thai import to_arabic_digits

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_ORG, SEED_YEAR = "nongsaeng-prachinburi", 2565
REPORT_DATE = "2022-12-15"
SYNTHETIC_DATE = "2024-12-15"  # a date after the synthetic report's fiscal year (2567) began
ARABIC = re.compile(r"[0-9]")
THAI_DIGIT = re.compile(r"[\u0e50-\u0e59]")
SVG_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


# -- picking the synthetic organisation from the data, not by hand ----------------------------

def _synthetic_choice() -> tuple[str, int]:
    """An organisation-year of the synthetic data with earlier years, peers and measures."""
    ds = load_dataset(synthetic_data_dir())
    with_measures = ds.measures.groupby(["org_id", "fiscal_year"]).size().index
    years = ds.scores.groupby("org_id")["fiscal_year"].apply(set)
    for org, year in sorted(with_measures):
        if len({y for y in years[org] if y < year}) >= 2:
            return org, int(year)
    raise AssertionError("the synthetic data has no organisation with history and measures")


# -- rendered reports, once per module --------------------------------------------------------

class Rendered:
    def __init__(self, html: str, org: str, year: int, data: Path, digits: str,
                 folder: Path | None = None) -> None:
        self.html = html
        self.soup = parse(html)
        self.org, self.year, self.data, self.digits, self.folder = org, year, data, digits, folder

    @property
    def annex(self) -> BeautifulSoup:
        assert self.folder is not None
        return parse((self.folder / "annex.html").read_text(encoding="utf-8"))

    def text(self, el: object) -> str:
        return to_arabic_digits(" ".join(el.get_text(" ").split()))  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("outputs")


@pytest.fixture(scope="module")
def seed_thai(out_dir: Path) -> Rendered:
    files = render_report(SEED_ORG, SEED_YEAR, out_dir=out_dir, report_date=REPORT_DATE)
    return Rendered(files.html.read_text(encoding="utf-8"), SEED_ORG, SEED_YEAR,
                    default_data_dir(), "thai", files.folder)


@pytest.fixture(scope="module")
def seed_arabic_papermill(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The seed report run by the plain papermill command (no ita-analysis involved)."""
    tmp = tmp_path_factory.mktemp("papermill")
    executed = tmp / "executed.ipynb"
    run = subprocess.run(
        [sys.executable, "-m", "papermill", str(notebook_path()), str(executed),
         "-p", "org_id", SEED_ORG, "-p", "fiscal_year", str(SEED_YEAR),
         "-p", "digits", "arabic", "-p", "report_date", REPORT_DATE, "--no-progress-bar"],
        capture_output=True, text=True, timeout=300, cwd=tmp)
    assert run.returncode == 0, run.stderr[-2000:]
    page = export_html(nbformat.read(executed, as_version=4))  # digits read from the cover
    return Rendered(page, SEED_ORG, SEED_YEAR, default_data_dir(), "arabic")


@pytest.fixture(scope="module")
def synthetic_choice() -> tuple[str, int]:
    return _synthetic_choice()


def _synthetic(out_dir: Path, choice: tuple[str, int], digits: str) -> Rendered:
    org, year = choice
    files = render_report(org, year, data_dir=synthetic_data_dir(), out_dir=out_dir / digits,
                          digits=digits, report_date=SYNTHETIC_DATE)
    return Rendered(files.html.read_text(encoding="utf-8"), org, year, synthetic_data_dir(),
                    digits, files.folder)


@pytest.fixture(scope="module")
def synthetic_thai(out_dir: Path, synthetic_choice: tuple[str, int]) -> Rendered:
    return _synthetic(out_dir, synthetic_choice, "thai")


@pytest.fixture(scope="module")
def synthetic_arabic(out_dir: Path, synthetic_choice: tuple[str, int]) -> Rendered:
    return _synthetic(out_dir, synthetic_choice, "arabic")


@pytest.fixture(params=["synthetic_thai", "synthetic_arabic"])
def synthetic(request: pytest.FixtureRequest) -> Rendered:
    return request.getfixturevalue(request.param)


@pytest.fixture(params=["seed_thai", "seed_arabic_papermill", "synthetic_thai",
                        "synthetic_arabic"])
def report(request: pytest.FixtureRequest) -> Rendered:
    return request.getfixturevalue(request.param)


def _two(value: object) -> str:
    return str(round_half_up(value, 2))


def _expected(r: Rendered) -> tuple[pd.Series, object]:
    ds = load_dataset(r.data)
    table = score_table(ds.scores)
    row = table[(table["org_id"] == r.org) & (table["fiscal_year"] == r.year)].iloc[0]
    return row, analyse(ds, r.org, r.year, table=table)


# -- figures: every one equals the library's ---------------------------------------------------

def test_every_indicator_tool_overall_and_grade_equals_the_library(report: Rendered) -> None:
    row, findings = _expected(report)
    soup = report.soup
    for ind in findings.indicators:
        cell = soup.select_one(f'td[data-indicator="{ind.number}"]')
        assert report.text(cell) == _two(row[indicator_column(ind.number)]), ind.number
        assert ind.name_th in report.text(cell.find_previous("td"))
    for tool in findings.tools:
        cell = soup.select_one(f'td[data-tool="{tool.code}"]')
        assert report.text(cell) == _two(row[rounded_column(tool.code)]), tool.code
    assert report.text(soup.select_one("td[data-overall]")) == _two(row[rounded_column("overall")])
    assert report.text(soup.select_one("td[data-grade]")) == row["grade"]
    assert report.text(soup.select_one("[data-cover-overall]")) == \
        _two(row[rounded_column("overall")])
    assert report.text(soup.select_one("[data-cover-grade]")) == row["grade"]


def test_strongest_and_weakest_indicators_are_named_with_their_scores(report: Rendered) -> None:
    row, findings = _expected(report)
    scores = {ind.number: round_half_up(row[indicator_column(ind.number)], 2)
              for ind in findings.indicators}
    strongest = sorted(n for n, v in scores.items() if v == max(scores.values()))
    weakest = sorted(n for n, v in scores.items() if v == min(scores.values()))
    assert strongest == sorted(findings.strongest) and weakest == sorted(findings.weakest)
    for attr, numbers in (("strongest", strongest), ("weakest", weakest)):
        rows = report.soup.select(f"tr[data-{attr}]")
        assert sorted(int(r[f"data-{attr}"]) for r in rows) == numbers
        for r in rows:
            number = int(r[f"data-{attr}"])
            text = report.text(r)
            assert f"ตัวชี้วัดที่ {number} {findings.indicator(number).name_th}" in text
            assert text.endswith(str(scores[number]))
    analysis = report.text(report.soup.select_one("#sec-analysis"))
    for number in {*strongest, *weakest}:
        assert f"ตัวชี้วัดที่ {number} {findings.indicator(number).name_th}" in analysis
    assert f"{scores[weakest[0]]} คะแนน" in analysis
    assert f"{_two(row[rounded_column('overall')])} คะแนน" in analysis


def test_item_table_of_the_weakest_indicator_shows_every_item(seed_thai: Rendered) -> None:
    _, findings = _expected(seed_thai)
    summary = next(s for s in findings.items if s.indicator in findings.weakest)
    for item in summary.items:
        cell = seed_thai.soup.select_one(f'td[data-item="{item["code"]}"]')
        assert seed_thai.text(cell) == _two(item["score"])
    # each sub-indicator half of indicator 10: 10.1 = 793/8 = 99.125 -> 99.13 and its eight
    # items 1/16 each (6.25%); 10.2 = 195/2 = 97.50 and its two items 1/4 each (25%)
    def cell(attr: str, key: str) -> str:
        return seed_thai.text(seed_thai.soup.select_one(f'td[data-{attr}="{key}"]'))

    assert [cell("sub", c) for c in ("10.1", "10.2")] == ["99.13", "97.50"]
    assert [cell("sub-share", c) for c in ("10.1", "10.2")] == ["50.00", "50.00"]
    assert [cell("item-share", f"O{n}") for n in range(34, 44)] == ["6.25"] * 8 + ["25.00"] * 2


def test_history_and_peers_appear_with_the_library_figures(synthetic: Rendered) -> None:
    _, findings = _expected(synthetic)
    history = {int(r["data-history"]): synthetic.text(r)
               for r in synthetic.soup.select("tr[data-history]")}
    expected = [h for h in findings.history if h["fiscal_year"] <= synthetic.year]
    assert sorted(history) == [h["fiscal_year"] for h in expected]
    for h in expected:
        assert _two(h["overall_2dp"]) in history[h["fiscal_year"]]
        assert history[h["fiscal_year"]].endswith(str(h["grade_text"]))
    peers = synthetic.soup.select("tr[data-peer]")
    assert peers
    for r in peers:
        peer = next(p for p in findings.peers if p.scope == r["data-peer"])
        cells = [synthetic.text(td) for td in r.find_all("td")]
        assert cells[:2] == [str(peer.count), str(peer.rank)]
        assert cells[2] == _two(peer.mean_2dp)
    assert synthetic.soup.select_one("#sec-history figure svg") is not None
    assert synthetic.soup.select_one("#sec-peers figure svg") is not None


def test_summary_json_holds_the_findings_org_and_parameters(seed_thai: Rendered) -> None:
    summary = json.loads((seed_thai.folder / "summary.json").read_text(encoding="utf-8"))
    _, findings = _expected(seed_thai)
    assert summary["findings"] == findings.model_dump(mode="json")
    assert summary["org"]["org_id"] == SEED_ORG
    assert summary["org"]["name"] == load_dataset().organisation(SEED_ORG)["name"]
    assert summary["parameters"] == {"org_id": SEED_ORG, "fiscal_year": SEED_YEAR,
                                     "data_dir": "", "digits": "thai",
                                     "report_date": REPORT_DATE}
    assert summary["generated"]["data_digest"] == load_dataset().digest
    executed = nbformat.read(seed_thai.folder / "report.ipynb", as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)


# -- the document: language, digits, no code, nothing fetched ---------------------------------

def test_document_is_thai_self_contained_and_shows_no_code(report: Rendered) -> None:
    html, soup = report.html, report.soup
    assert soup.html["lang"] == "th"
    assert not soup.find_all(["script", "link", "iframe", "img"])
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html)
    assert "@import" not in html
    assert set(re.findall(r"https?://[^\s\"')<>]+", html)) <= SVG_NAMESPACES
    assert "@font-face" in html and "data:font/woff2;base64," in html
    for leak in ("In&nbsp;[", "In [", "jp-InputArea", "input_prompt", "build_context",
                 "display(HTML", "injected-parameters", "Traceback"):
        assert leak not in html, leak
    assert soup.select("main.document > section.cover")


IDENTIFIERS = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*[0-9]+|\d+\.\d+\.\d+")


def _body_text(soup: BeautifulSoup) -> str:
    body = parse(str(soup.body))
    for el in body.find_all(["code", "style"]):
        el.decompose()  # <code> holds identifiers verbatim: a hash, org_id, version
    # item codes (O36) and the program's version are identifiers, written as they are
    return IDENTIFIERS.sub("", body.get_text(" "))


# Codes (O34, ITA2565) are copied as written whatever the digit option (thai.to_thai_digits).
CODE = re.compile(r"[A-Za-z][A-Za-z0-9]*[0-9][A-Za-z0-9]*")


def test_digits_follow_the_option_everywhere(report: Rendered) -> None:
    text = _body_text(report.soup)
    if report.digits == "thai":
        figures = CODE.sub("", text)
        assert not ARABIC.findall(figures), \
            sorted(set(re.findall(r"\S*[0-9]\S*", figures)))[:20]
        assert THAI_DIGIT.search(report.soup.title.get_text())
        assert "counter(page, thai)" in report.html
    else:
        assert not THAI_DIGIT.findall(text), sorted(set(re.findall(r"\S*[๐-๙]\S*", text)))[:20]
        assert "counter(page, decimal)" in report.html
    captions = [report.text(c) for c in report.soup.find_all("caption")]
    assert [int(re.match(r"ตารางที่ (\d+)", c).group(1)) for c in captions] == \
        list(range(1, len(captions) + 1))


def test_sections_follow_the_seed_order_and_absent_ones_leave_no_heading(
        seed_thai: Rendered, synthetic: Rendered) -> None:
    seed_ids = [s["id"] for s in seed_thai.soup.select("main > section, main > footer")]
    assert seed_ids[:8] == ["sec-cover", "sec-preface", "sec-contents", "sec-framework",
                            "sec-results", "sec-analysis", "sec-recommendations", "sec-weakest"]
    assert "sec-history" not in seed_ids and "sec-peers" not in seed_ids  # seed has neither
    assert "ผลการประเมินเทียบกับปีที่ผ่านมา" not in seed_thai.html
    syn_ids = [s["id"] for s in synthetic.soup.select("main > section, main > footer")]
    assert syn_ids[-3:] == ["sec-history", "sec-peers", "sec-colophon"]
    for r in (seed_thai, synthetic):
        numbers = [int(r.text(h.select_one(".secno")).rstrip("."))
                   for h in r.soup.select("section.main > h2")]
        assert numbers == list(range(1, len(numbers) + 1))
        for section in r.soup.select("section.main"):
            assert len(section.find_all(["p", "table", "figure"])) >= 1, section["id"]
        toc = [a["href"] for a in r.soup.select("#sec-contents a")]
        assert toc == [f"#{s['id']}" for s in r.soup.select("section.main")]


def test_preface_date_cover_and_annex_record_what_made_the_document(
        seed_thai: Rendered) -> None:
    soup = seed_thai.soup
    assert "15 ธันวาคม 2565" in seed_thai.text(soup.select_one(".signature"))
    cover = seed_thai.text(soup.select_one(".cover"))
    org = load_dataset().organisation(SEED_ORG)
    for part in (org["name"], org["district"], org["province"], "ปีงบประมาณ พ.ศ. 2565"):
        assert part in cover
    run = seed_thai.text(seed_thai.annex.select_one("#annex-run"))
    assert load_dataset().digest in run
    assert "ita_analysis/rules/frameworks/2565.yaml" in run
    assert "report_date=2022-12-15" in run and "digits=thai" in run
    assert seed_thai.annex.select_one("#annex-run time")["datetime"]
    # the public document ends with one line naming the program and its version
    assert seed_thai.text(soup.select_one("#sec-colophon")) == \
        f"เอกสารนี้จัดทำจากข้อมูลผลการประเมินด้วยโปรแกรม ita-analysis รุ่น {__version__}"


def test_annex_says_what_of_the_framework_is_unverified(seed_thai: Rendered) -> None:
    text = seed_thai.text(seed_thai.annex.select_one("#annex-framework"))
    # 2565's items are all verified now (indicator 9's from a national institute's own page);
    # the answer scales and questions are not
    assert "ตรวจสอบแล้ว" in text and "ยังไม่ได้ตรวจสอบ" in text
    assert not seed_thai.soup.select(".provenance")


def test_annex_lists_what_check_finds(seed_thai: Rendered) -> None:
    _, findings = _expected(seed_thai)
    shown = seed_thai.annex.select("#annex-quality .findings .numbered")
    assert len(shown) == len(findings.reconciliation) > 0
    published = {r["data-published"]: seed_thai.text(r)
                 for r in seed_thai.annex.select("tr[data-published]")}
    assert "90.09" in published["EIT"] and "99.69" in published["EIT"]
    assert "ไม่ตรงกัน" in published["EIT"] and "ตรงกัน" in published["IIT"]


def test_seed_html_weighs_under_300_kib(seed_thai: Rendered) -> None:
    size = len(seed_thai.html.encode("utf-8"))
    assert size < 300 * 1024, f"{size / 1024:.0f} KiB"


# -- escaping ----------------------------------------------------------------------------------

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def evil_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("evil")
    for f in default_data_dir().glob("*.csv"):
        shutil.copy(f, folder / f.name)
    orgs = pd.read_csv(folder / "organisations.csv", dtype=str)
    orgs.loc[orgs["org_id"] == SEED_ORG, "name"] = EVIL
    orgs.loc[orgs["org_id"] == SEED_ORG, "district"] = "<b>อำเภอ</b>"
    orgs.to_csv(folder / "organisations.csv", index=False)
    measures = pd.read_csv(folder / "measures.csv", dtype=str)
    measures.loc[0, "measure"] = '<img src="http://example.com/x.png">มาตรการ'
    measures.to_csv(folder / "measures.csv", index=False)
    return folder


def test_names_holding_markup_show_as_text(evil_data: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["report", "--org", SEED_ORG, "--year", "2565", "--data", str(evil_data),
                 "--out", str(tmp_path), "--date", REPORT_DATE, "--digits", "arabic"])
    folder = tmp_path / "2565" / SEED_ORG
    assert code == 0
    assert capsys.readouterr().out.split() == [
        str(folder / n) for n in ("report.ipynb", "report.html", "annex.html", "summary.json")]
    html = (folder / "report.html").read_text(encoding="utf-8")
    soup = parse(html)
    assert not soup.find_all(["script", "img", "b"])
    assert EVIL in soup.select_one(".cover-org").get_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img" in html and '<img src="http://example.com/x.png">มาตรการ' in soup.get_text()
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["org"]["name"] == EVIL


def test_sections_escape_without_a_kernel(evil_data: Path) -> None:
    ctx = build_context(SEED_ORG, SEED_YEAR, data_dir=evil_data, report_date=REPORT_DATE)
    fragment = sections.document(ctx)
    assert "<script>" not in fragment and "&lt;script&gt;" in fragment


def test_thai_digits_leave_the_organisations_links_and_codes_as_written(tmp_path: Path) -> None:
    for f in default_data_dir().glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    measures = pd.read_csv(tmp_path / "measures.csv", dtype=str)
    measures.loc[0, "method"] = ("เผยแพร่ที่ https://www.nongsaeng.go.th/ita2565/o36 "
                                 "และ saraban@nongsaeng.go.th ภายใน 30 วัน")
    measures.to_csv(tmp_path / "measures.csv", index=False)
    ctx = build_context(SEED_ORG, SEED_YEAR, data_dir=tmp_path, report_date=REPORT_DATE)
    text = BeautifulSoup(sections.document(ctx), "html.parser").get_text()
    assert "https://www.nongsaeng.go.th/ita2565/o36" in text
    assert "saraban@nongsaeng.go.th ภายใน ๓๐ วัน" in text
    assert "ita๒๕๖๕" not in text and "o๓๖" not in text


# -- files appear whole or not at all ----------------------------------------------------------

def test_a_failing_notebook_leaves_nothing_half_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    folder = out / str(SEED_YEAR) / SEED_ORG
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("earlier report", encoding="utf-8")
    with pytest.raises(ReportError) as err:
        render_report(SEED_ORG, SEED_YEAR, out_dir=out, notebook=FIXTURES / "failing_report.ipynb")
    assert "RuntimeError: boom in the middle" in str(err.value)
    assert "\n" not in str(err.value)
    # no temporary file, the earlier report is as it was, and papermill's partly executed
    # notebook is kept (whole) as failed.ipynb for the reader of the error
    assert sorted(p.name for p in folder.iterdir()) == ["failed.ipynb", "report.html"]
    assert (folder / "report.html").read_text(encoding="utf-8") == "earlier report"
    failed = nbformat.read(folder / "failed.ipynb", as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in failed.cells
               for o in c.get("outputs", []))


def test_a_failure_after_papermill_removes_every_temporary_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ita_analysis.render.document as render

    def broken(*args: object, **kwargs: object) -> str:
        raise OSError("disk full while converting")

    monkeypatch.setattr(render, "export_html", broken)
    with pytest.raises(OSError):
        render_report(SEED_ORG, SEED_YEAR, out_dir=tmp_path)
    folder = tmp_path / str(SEED_YEAR) / SEED_ORG
    assert not folder.exists() or list(folder.iterdir()) == []


# -- wrong parameters fail fast, in one line, with no kernel -----------------------------------

@pytest.fixture
def invalid_data(tmp_path: Path) -> Path:
    for f in default_data_dir().glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    scores = (tmp_path / "scores.csv").read_text(encoding="utf-8")
    (tmp_path / "scores.csv").write_text(scores.replace(",100.00", ",1000", 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"org_id": "no-such-org"}, "no organisation 'no-such-org'"),
    ({"fiscal_year": 2599}, "no ITA framework for fiscal year 2599"),
    ({"fiscal_year": 2022}, "Christian Era"),
    ({"fiscal_year": 2566}, "has no scores for fiscal year 2566"),
    ({"digits": "roman"}, "digits must be 'thai' or 'arabic'"),
    ({"report_date": "15/12/2565"}, "cannot read '15/12/2565' as a date"),
    # a date that cannot be meant: a Buddhist Era year as if CE would print the year ๓๑๑๐
    ({"report_date": "2567-01-01"},
     "has the Buddhist Era year 2567; an ISO date takes the Christian Era year: 2024-01-01"),
    ({"report_date": "2021-09-30"}, "is before fiscal year 2565 began (2021-10-01)"),
    ({"report_date": "2099-01-01"}, "is more than a year after today"),
    ({"data_dir": "/no/such/folder"}, "does not exist"),
])
def test_wrong_parameters_fail_before_any_kernel(
        kwargs: dict, says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import papermill

    def no_kernel(*args: object, **kw: object) -> None:
        raise AssertionError("a kernel was started for a wrong parameter")

    monkeypatch.setattr(papermill, "execute_notebook", no_kernel)
    params = {"org_id": SEED_ORG, "fiscal_year": SEED_YEAR, **kwargs}
    with pytest.raises(ParameterError) as err:
        render_report(params.pop("org_id"), params.pop("fiscal_year"), out_dir=tmp_path,
                      **params)
    assert says in str(err.value) and "\n" not in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_invalid_data_is_a_one_line_parameter_error(invalid_data: Path) -> None:
    with pytest.raises(ParameterError) as err:
        check_parameters(SEED_ORG, SEED_YEAR, invalid_data)
    assert "invalid" in str(err.value) and "\n" not in str(err.value)
    assert "ita-analysis check" in str(err.value)


def test_another_organisations_invalid_rows_do_not_stop_this_report(tmp_path: Path) -> None:
    """As in a batch: the report of an organisation whose rows are valid is made; the one
    whose rows are not says so, in one line."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "make_malformed", Path(__file__).parent / "fixtures" / "make_malformed.py")
    mm = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_malformed", mm)
    spec.loader.exec_module(mm)
    tables = mm.base_tables()
    tables["scores"][15][3] = "101"  # a score of demo-tuayang
    mm.write_folder(tmp_path, tables)
    params, dataset = check_parameters(mm.NONGSAENG, 2565, tmp_path)
    assert params.org_id == mm.NONGSAENG and list(dataset.excluded) == [mm.DEMO]
    with pytest.raises(ParameterError) as err:
        check_parameters(mm.DEMO, 2565, tmp_path)
    message = str(err.value)
    assert f"the data of organisation '{mm.DEMO}'" in message and "\n" not in message
    assert "row 16, column 'score': got '101'" in message and "ita-analysis check" in message


def test_cli_report_prints_one_line_errors(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    code = main(["report", "--org", "nobody", "--year", "2565", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "nobody" in err
    assert list(tmp_path.iterdir()) == []


# -- the stored notebook ------------------------------------------------------------------------

def test_notebook_is_stored_clean_and_documents_its_parameters() -> None:
    nb = nbformat.read(REPO / "notebooks" / "report.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert [c for c in code if "parameters" in c.metadata.get("tags", [])] == [code[0]]
    # every code cell is hidden in the document, or (JupyterLab's typeface) left out of it
    assert all({"remove_input", "remove_cell"} & set(c.metadata.get("tags", [])) for c in code)
    assert nb.metadata.kernelspec.name == "python3"
    run = subprocess.run([sys.executable, "-m", "papermill", "--help-notebook",
                          str(REPO / "notebooks" / "report.ipynb")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    for name, kind in (("org_id", "str"), ("fiscal_year", "int"), ("data_dir", "str"),
                       ("digits", "str"), ("report_date", "str"), ("lab_fonts", "bool")):
        line = next(ln for ln in run.stdout.splitlines() if ln.strip().startswith(f"{name}:"))
        assert f"{name}: {kind}" in line
    assert "Buddhist Era" in run.stdout and "embedded default data" in run.stdout


def test_notebook_runs_with_its_defaults_like_jupyterlab_run_all(tmp_path: Path) -> None:
    """No papermill, no injected parameters: what JupyterLab's Run All does, in notebooks/."""
    from nbclient import NotebookClient

    nb = nbformat.read(REPO / "notebooks" / "report.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO / "notebooks")}}).execute()
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells
                   for o in c.get("outputs", []))
    assert not [o for c in nb.cells for o in c.get("outputs", [])
                if o.get("output_type") == "error" or o.get("name") == "stderr"]
    assert 'id="sec-cover"' in html and 'id="sec-colophon"' in html
    page = export_html(nb)  # a run-all notebook converts too (digits from its defaults)
    assert '<html lang="th">' in page and "counter(page, thai)" in page


def test_notebook_matches_its_generator_script() -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import make_report_notebook
    finally:
        sys.path.pop(0)
    built = nbformat.writes(make_report_notebook.build()) + "\n"
    assert (REPO / "notebooks" / "report.ipynb").read_text(encoding="utf-8") == built


def test_notebook_has_one_cell_per_section() -> None:
    nb = nbformat.read(REPO / "notebooks" / "report.ipynb", as_version=4)
    calls = re.findall(r"sections\.(\w+)\(ctx\)", "\n".join(c.source for c in nb.cells))
    assert tuple(calls) == sections.ORDER + sections.ANNEX_ORDER
    annex = [c for c in nb.cells if sections.ANNEX_TAG in c.metadata.get("tags", [])]
    assert [re.search(r"sections\.(\w+)", c.source).group(1) for c in annex] == \
        list(sections.ANNEX_ORDER)


def test_scores_shown_are_two_decimal_half_up() -> None:
    # The seed's OIT (96.875) prints 96.88 by the one rounding rule.
    ctx = build_context(SEED_ORG, SEED_YEAR, digits="arabic", report_date=REPORT_DATE)
    assert Decimal(str(ctx.findings.tool("OIT").score)) == Decimal("96.875")
    fragment = parse(sections.results(ctx))
    assert fragment.select_one('td[data-tool="OIT"]').get_text() == "96.88"


def test_documents_embed_the_shipped_font_and_use_no_character_beyond_it(
        report: Rendered) -> None:
    assert_in_shipped_font(report.html)
    if report.folder is not None:
        assert_in_shipped_font((report.folder / "annex.html").read_text(encoding="utf-8"))


def test_shipped_font_is_the_subset_of_its_ranges() -> None:
    from fontTools.ttLib import TTFont

    from ita_analysis.present import fonts

    for weight in fonts.WEIGHTS:
        full = set(TTFont(fonts.font_file(weight)).getBestCmap())
        assert set(shipped_cmap(weight)) == full & fonts.BASE_CODEPOINTS
        assert {*range(0x0E01, 0x0E3B), *range(0x0E3F, 0x0E5C), *range(0x20, 0x7F), 0xA0,
                0xD7, 0x2013, 0x2014, 0x201C, 0x201D, 0x2026, 0x2022, 0x2212} <= \
            set(shipped_cmap(weight))
        assert shipped_file(weight).stat().st_size < 30_000


def test_a_text_beyond_the_shipped_font_gets_a_subset_of_its_own() -> None:
    import base64
    import io

    from fontTools.ttLib import TTFont

    from ita_analysis.present import fonts

    shipped = fonts.font_face_css("องค์การบริหารส่วนตำบล ๙๘.๔๗ “ผ่านดี” – AA × −")
    assert shipped == fonts.font_face_css()
    assert base64.b64encode(shipped_file(400).read_bytes()).decode("ascii") in shipped
    text = "เทศบาลตำบล Đức Ŝ"  # Latin Extended-A: Sarabun draws it, the shipped subset not
    first = fonts.font_face_css(text)
    fonts._subset_woff2.cache_clear()
    assert fonts.font_face_css(text) == first != shipped  # deterministic
    assert first.count("@font-face") == 2 and "font-weight:700" in first
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", first).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    assert {ord(c) for c in text} | set(shipped_cmap(400)) <= set(cmap)


def test_source_date_epoch_fixes_the_recorded_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1709280000")
    fixed = run_time()
    assert fixed.isoformat().startswith("2024-03-01") and fixed.utcoffset() is not None
    assert fixed.timestamp() == 1709280000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ParameterError, match="SOURCE_DATE_EPOCH must be a whole number"):
        run_time()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert run_time().microsecond == 0
