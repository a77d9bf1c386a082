"""``ita-analysis batch --pdf``: one browser per worker, kept open, a page per report, and no
browser left once the batch ends."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_batch import (
    YEAR,
    _orgs,
    assert_nothing_left,
    batch,
    marked_env,
    record,
    small_province,
    statuses,
)

from ita_analysis.data.dataset import load_dataset

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None
                                and not Path("/usr/bin/chromium").exists(),
                                reason="needs Debian's chromium")


def test_each_worker_prints_every_pdf_in_one_browser_and_closes_it(tmp_path: Path) -> None:
    orgs = _orgs(3)
    data = small_province(tmp_path / "data", orgs)
    out = tmp_path / "outputs"
    env, mark = marked_env()
    run = batch(data, out, "--jobs", "2", "--pdf", env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert set(statuses(out).values()) == {"done"}
    names = load_dataset(data).organisations.set_index("org_id")["name"]
    for org in orgs:
        reader = PdfReader(out / str(YEAR) / org / "report.pdf")
        assert len(reader.pages) > 3
        first = " ".join(reader.pages[0].extract_text().split()).replace("\u0e4d\u0e32", "ำ")
        assert names[org] in first  # pypdf reads sara am as nikhahit + sara aa
    by_worker: dict[int, list[dict]] = {}
    for r in record(out)["reports"]:
        by_worker.setdefault(r["worker"]["pid"], []).append(r["worker"]["browser"])
    assert sum(len(b) for b in by_worker.values()) == 3
    for stats in by_worker.values():
        assert {s["launched"] for s in stats} == {1}  # started once, kept for the next report
        assert sorted(s["documents"] for s in stats) == list(range(1, len(stats) + 1))
    assert_nothing_left(run, mark)  # no chromium, driver or kernel outlives the batch
