"""``--docx`` end to end: ``ita-analysis report --docx`` and ``batch --docx`` write
report.docx beside report.html, atomically, record it, and a batch renders again when the
Word document is newly asked for."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document
from test_batch import YEAR, _orgs, batch, record, small_province, statuses, temp_files

from ita_analysis.cli import main
from ita_analysis.render.report import render_report

SEED_ORG, SEED_YEAR = "nongsaeng-prachinburi", 2565


def test_report_docx_writes_the_word_document_beside_the_html(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "outputs"
    assert main(["report", "--org", SEED_ORG, "--year", str(SEED_YEAR), "--out", str(out),
                 "--docx", "--engine", "nbclient"]) == 0
    folder = out / str(SEED_YEAR) / SEED_ORG
    printed = capsys.readouterr().out
    assert str(folder / "report.docx") in printed
    doc = Document(io.BytesIO((folder / "report.docx").read_bytes()))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "๑. กรอบการประเมินคุณธรรมและความโปร่งใส"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["files"]["docx"] == "report.docx"
    assert len(summary["fingerprint"]) == 64
    assert not temp_files(folder)


def test_a_failing_word_build_leaves_nothing(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import ita_analysis.documents.report.word as word

    def broken(ctx: object) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(word, "docx_bytes", broken)
    with pytest.raises(Exception, match="No space left on device"):
        render_report(SEED_ORG, SEED_YEAR, out_dir=tmp_path, docx=True, engine_name="nbclient")
    folder = tmp_path / str(SEED_YEAR) / SEED_ORG
    assert not folder.exists() or list(folder.iterdir()) == []


def test_batch_renders_again_when_the_word_document_is_newly_asked_for(tmp_path: Path) -> None:
    orgs = _orgs(2)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    first = batch(data, out, "--jobs", "1")
    assert first.returncode == 0, first.stderr[-3000:]
    assert not any((out / str(YEAR) / o / "report.docx").exists() for o in orgs)
    second = batch(data, out, "--jobs", "1", "--docx")
    assert second.returncode == 0, second.stderr[-3000:]
    assert set(statuses(out).values()) == {"done"}
    reasons = {r["org_id"]: r["reason"] for r in record(out)["reports"]}
    assert set(reasons.values()) == {"changed: parameters"}
    for r in record(out)["reports"]:
        assert r["paths"]["docx"] == f"{r['org_id']}/report.docx"
        assert (out / str(YEAR) / r["paths"]["docx"]).is_file()
    assert record(out)["parameters"]["docx"] is True
    third = batch(data, out, "--jobs", "1", "--docx")
    assert third.returncode == 0
    assert set(statuses(out).values()) == {"skipped"}
    assert all("docx" in r["paths"] for r in record(out)["reports"])
    assert not temp_files(out)
