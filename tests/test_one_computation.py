"""One computation per document: the notebook's last hidden cell emits the title and what the
summary needs, the renderer writes the summary from it, and the parent process never builds
the context for a render (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

import ita_analysis.documents.portfolio.sections as portfolio_sections
import ita_analysis.documents.report.context as report_context
import ita_analysis.render.report as render_report_module
from ita_analysis.documents.portfolio.summary import summary_data as portfolio_data
from ita_analysis.documents.report.summary import document_title, summary_data
from ita_analysis.documents.summary import SUMMARY_MIME
from ita_analysis.engine import ENGINE_NAME
from ita_analysis.errors import ReportError
from ita_analysis.render.convert import cell_tags
from ita_analysis.render.portfolio import notebook_path as portfolio_notebook
from ita_analysis.render.portfolio import portfolio_summary, render_portfolio
from ita_analysis.render.report import notebook_path, render_report, report_summary

ORG, YEAR, REPORT_DATE = "nongsaeng-prachinburi", 2565, "2022-12-15"
EPOCH = "1700000000"


def _no_context_here(*args: object, **kwargs: object) -> None:
    raise AssertionError("build_context was called in the parent process")


@pytest.fixture
def parent_without_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every name the parent could build a context through raises (papermill's engine and
    the warm one run the notebook in a kernel process, which these patches do not reach)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(report_context, "build_context", _no_context_here)
    monkeypatch.setattr(render_report_module, "build_context", _no_context_here)
    monkeypatch.setattr(portfolio_sections, "build_context", _no_context_here)


@pytest.mark.parametrize("engine", ["nbclient", ENGINE_NAME])
def test_a_report_builds_its_context_only_in_the_kernel(
        engine: str, parent_without_context: None, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    files = render_report(ORG, YEAR, out_dir=tmp_path, report_date=REPORT_DATE,
                          engine_name=engine)
    summary = json.loads(files.summary.read_text(encoding="utf-8"))
    monkeypatch.undo()  # a second method: the context built here, summary made as before
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    params = summary["parameters"]
    ctx = report_context.build_context(ORG, YEAR, report_date=REPORT_DATE,
                                       generated_at=summary["generated"]["run_time"])
    names = {"notebook": "report.ipynb", "html": "report.html", "annex": "annex.html",
             "summary": "summary.json"}
    expected = report_summary(ctx.params, names,
                              ctx.generated_at, json.loads(json.dumps(summary_data(ctx))))
    assert params == ctx.params.as_dict()
    assert list(summary) == list(expected)  # the schema's order, key by key
    assert {k: v for k, v in summary.items() if not k.startswith("fingerprint")} == expected
    title = document_title(ctx)
    assert f"<title>{title}</title>" in files.html.read_text(encoding="utf-8")
    # the cell is in neither page, and the executed notebook holds its output
    nb = nbformat.read(files.notebook, as_version=4)
    last = nb.cells[-1]
    assert cell_tags(last) == ["remove_cell"]
    assert any(SUMMARY_MIME in o.get("data", {}) for o in last.outputs)
    for page in (files.html, files.annex):
        assert "vnd.ita-analysis" not in page.read_text(encoding="utf-8")


def test_a_portfolio_builds_its_context_only_in_the_kernel(
        parent_without_context: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = render_portfolio(2567, out_dir=tmp_path, district="หนองไพรวัลย์",
                             engine_name="nbclient")
    summary = json.loads(files.summary.read_text(encoding="utf-8"))
    monkeypatch.undo()
    ctx = portfolio_sections.build_context(2567, district="หนองไพรวัลย์",
                                           generated_at=summary["generated"]["run_time"])
    names = {"notebook": files.notebook.name, "html": files.html.name,
             "annex": files.annex.name, "summary": files.summary.name}
    expected = portfolio_summary(ctx.params, names, ctx.generated_at,
                                 json.loads(json.dumps(portfolio_data(ctx))))
    assert list(summary) == list(expected)
    assert summary == expected
    assert summary["scope"]["slug"] == files.slug
    assert list(files.left_out) == summary["left_out"]


@pytest.mark.parametrize("source", [notebook_path, portfolio_notebook])
def test_the_summary_cell_ends_the_stored_notebooks(source: object) -> None:
    nb = nbformat.read(source(), as_version=4)  # type: ignore[operator]
    last = nb.cells[-1]
    assert last.id == "summary" and cell_tags(last) == ["remove_cell"]
    assert "display(emit(ctx), raw=True)" in last.source


def test_a_notebook_without_the_summary_cell_is_a_clear_error(tmp_path: Path) -> None:
    nb = nbformat.read(notebook_path(), as_version=4)
    nb.cells = [c for c in nb.cells if c.get("id") != "summary"]
    source = tmp_path / "no-summary.ipynb"
    nbformat.write(nb, source)
    out = tmp_path / "out"
    with pytest.raises(ReportError) as err:
        render_report(ORG, YEAR, out_dir=out, notebook=source, report_date=REPORT_DATE)
    assert str(err.value).startswith("the report notebook emitted no summary data")
    assert "\n" not in str(err.value)
    folder = out / str(YEAR) / ORG
    assert not folder.exists() or list(folder.iterdir()) == []  # nothing half-written


def test_the_report_command_checks_the_parameters_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from ita_analysis.cli import main

    calls = []
    check = report_context.check_parameters

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return check(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(report_context, "check_parameters", counted)
    monkeypatch.setattr(render_report_module, "check_parameters", counted)
    monkeypatch.setattr(report_context, "build_context", _no_context_here)
    monkeypatch.setattr(render_report_module, "build_context", _no_context_here)
    assert main(["report", "--org", ORG, "--year", str(YEAR), "--date", REPORT_DATE,
                 "--engine", "nbclient", "--out", str(tmp_path)]) == 0
    assert len(calls) == 1
    assert (tmp_path / str(YEAR) / ORG / "summary.json").is_file()
