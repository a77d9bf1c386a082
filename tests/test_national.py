"""National results as data (ita_analysis.national) and where documents show them.

The figures are typed here from shared/reference/ita-framework.md ("National figures"), not
read from national.yaml; shares are worked by hand.
"""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path

import pytest
from _html import parse

from ita_analysis.analysis.findings import analyse
from ita_analysis.analysis.portfolio import analyse_portfolio
from ita_analysis.analysis.scope import Scope
from ita_analysis.cli import main
from ita_analysis.data.dataset import default_data_dir, load_dataset, synthetic_data_dir
from ita_analysis.documents.report import build_context, sections
from ita_analysis.present.narrative import national_text
from ita_analysis.rules.national import NationalError, national_figures, reported

ORG = "nongsaeng-prachinburi"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_the_reported_national_figures():
    figures = national_figures()
    assert figures[2564].mean == Decimal("81.25") and figures[2564].agencies is None
    y65 = figures[2565]
    assert (y65.agencies, y65.respondents, y65.mean, y65.at_target, y65.share_at_target) == (
        8303, 1300132, Decimal("87.57"), 5855, Decimal("70.52"))  # 5855 / 8303 = 70.516...%
    y68 = figures[2568]
    assert (y68.agencies, y68.mean, y68.at_target, y68.share_at_target) == (
        8317, Decimal("93.82"), 7832, Decimal("94.17"))  # 7832 / 8317 = 94.168...%
    assert all(y.sources for y in figures.values())
    # 2567 is only inferred (from 2568's reported change): kept, never shown
    assert figures[2567].status == "inferred" and reported(2567) is None
    assert reported(2566) is None


def test_the_seed_against_the_national_mean():
    f = analyse(load_dataset(), ORG, 2565)
    assert f.national is not None
    # 98.47 - 87.57 = 10.90 above; the national mean is 2.57 above the target of 85
    assert (f.national.mean_2dp, f.national.difference, f.national.gap_to_target) == (
        87.57, 10.90, -2.57)
    assert national_text(f, "arabic") == (
        "ค่าเฉลี่ยระดับประเทศของปีงบประมาณ พ.ศ. 2565เท่ากับ 87.57 คะแนน "
        "จากหน่วยงานที่เข้ารับการประเมิน 8,303 แห่ง และหน่วยงานร้อยละ 70.52 "
        "ได้คะแนนตั้งแต่ค่าเป้าหมายขึ้นไป คะแนนในภาพรวมของหน่วยงานจึงสูงกว่าค่าเฉลี่ยระดับประเทศอยู่ "
        "10.90 คะแนน")


def test_the_report_shows_the_national_mean_beside_the_score():
    ctx = build_context(ORG, 2565, digits="arabic", report_date="2022-12-15")
    html = sections.results(ctx)
    shown = parse(html)
    assert shown.select_one("td[data-national]").get_text() == "87.57"
    assert "ค่าเฉลี่ยระดับประเทศ (8,303 หน่วยงาน)" in shown.get_text()
    assert "สูงกว่าค่าเฉลี่ยระดับประเทศอยู่ 10.90 คะแนน" in parse(sections.analysis(ctx)).get_text()


def test_the_portfolio_shows_the_national_mean():
    data = load_dataset(synthetic_data_dir())
    p = analyse_portfolio(data, 2565, Scope())
    assert p.national is not None and p.national.mean == Decimal("87.57")
    assert analyse_portfolio(data, 2566, Scope()).national is None  # none reported for 2566


def _folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(default_data_dir(), folder, ignore=shutil.ignore_patterns("*.md"))
    (folder / "national.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_data_folder_adds_and_replaces_years(tmp_path):
    folder = _folder(tmp_path, "years:\n  2565:\n    mean: 88.00\n    status: reported\n"
                     "    sources: [the folder's own source]\n"
                     "  2569:\n    agencies: 8400\n    mean: 94.00\n    at_target: 8000\n"
                     "    share_at_target: 95.24\n    status: reported\n    sources: [news]\n")
    figures = national_figures(folder)
    assert figures[2565].mean == Decimal("88.00") and figures[2565].agencies is None
    assert figures[2569].share_at_target == Decimal("95.24")  # 8000 / 8400 = 95.238...%
    assert figures[2568].mean == Decimal("93.82")  # the package's, untouched
    f = analyse(load_dataset(folder), ORG, 2565)
    assert f.national.mean_2dp == 88.0 and f.national.difference == 10.47


def test_a_malformed_national_file_is_refused_naming_file_and_key(tmp_path):
    folder = _folder(tmp_path, "years:\n  2569:\n    agencies: 8400\n    mean: high\n"
                     "    at_target: 8000\n    share_at_target: 90.00\n    status: reported\n"
                     "    sources: [news]\n    sorces: [typo]\n")
    with pytest.raises(NationalError) as info:
        national_figures(folder)
    text = str(info.value)
    path = folder / "national.yaml"
    assert f"{path}: years.2569.mean: Input should be a valid decimal; got 'high'" in text
    assert f"{path}: years.2569.sorces: Extra inputs are not permitted" in text
    (folder / "national.yaml").write_text(
        "years:\n  2569:\n    agencies: 8400\n    mean: 94\n    at_target: 8000\n"
        "    share_at_target: 90.00\n    status: reported\n    sources: [news]\n",
        encoding="utf-8")
    with pytest.raises(NationalError, match=r"share_at_target 90\.00 is not at_target / "
                                            r"agencies = 8000 / 8400 = 95\.24"):
        national_figures(folder)
    # rules check lists it with the folder's other rule problems (exit 2)
    code, _, err = run("rules", "check", "--data", str(folder))
    assert code == 2
    assert f"{folder / 'national.yaml'}: years.2569: share_at_target 90.00 is not" in err
