"""Years a user adds or replaces in a data folder: rules new, rules check, and every command.

A data folder's ``frameworks/<year>.yaml`` and ``recommendations/<year>.yaml`` add a year, or
replace the package's, for everything run on that folder. Expected figures are worked by hand
in the comments.
"""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path

import pytest
import yaml
from _html import parse

from ita_analysis.analysis.findings import analyse
from ita_analysis.analysis.portfolio import analyse_portfolio
from ita_analysis.analysis.scope import Scope
from ita_analysis.cli import main
from ita_analysis.data.dataset import default_data_dir, load_dataset
from ita_analysis.errors import ParameterError
from ita_analysis.present.advice import recommendations
from ita_analysis.render.fingerprint import Fingerprints
from ita_analysis.rules.framework import framework_path, load_framework
from ita_analysis.rules.library import load_recommendations
from ita_analysis.rules.newyear import new_year

ORG = "nongsaeng-prachinburi"
# the seed's indicators: IIT 496.90 / 5 = 99.38, EIT 299.08 / 3 = 99.6933..., OIT 193.75 / 2 =
# 96.875; overall 0.3 x 99.38 + 0.3 x 99.6933... + 0.4 x 96.875 = 98.472 -> 98.47
SEED = ["100.00", "99.61", "100.00", "98.84", "98.45", "99.72", "99.57", "99.79", "100.00",
        "93.75"]


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def seed_folder(root: Path, years: tuple[int, ...] = (2565, 2569)) -> Path:
    """The default data with the seed's scores also given for the other ``years``."""
    folder = root / "data"
    shutil.copytree(default_data_dir(), folder, ignore=shutil.ignore_patterns("*.md"))
    with (folder / "scores.csv").open("a", encoding="utf-8") as handle:
        for year in years:
            if year != 2565:
                handle.writelines(f"{ORG},{year},{n},{s}\n" for n, s in enumerate(SEED, 1))
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = seed_folder(tmp_path)
    code, _, err = run("rules", "new", "2569", "--from", "2568", "--data", str(data))
    assert code == 0, err
    return data


# -- rules new ------------------------------------------------------------------------------------

def test_rules_new_copies_the_year_marked_unverified(folder: Path) -> None:
    raw = yaml.safe_load((folder / "frameworks" / "2569.yaml").read_text(encoding="utf-8"))
    assert raw["fiscal_year"] == 2569
    fw = load_framework(2569, folder)
    source = load_framework(2568)
    assert fw.provenance.status == "unverified" and fw.provenance.verified == ()
    assert fw.provenance.copied_from == 2568
    assert "Copied from 2568" in fw.provenance.unverified[0]
    assert all(line.startswith("2568: ") for line in fw.provenance.unverified[1:])
    # the rules themselves are 2568's ...
    assert (fw.tools, fw.indicators, fw.target) == (source.tools, source.indicators,
                                                     source.target)
    assert [(b.label, b.min, b.max, b.each_tool_min) for b in fw.grading.bands] == [
        (b.label, b.min, b.max, b.each_tool_min) for b in source.grading.bands]
    # ... and none is confirmed or verified for 2569
    assert not any(b.confirmed for b in fw.grading.bands)
    assert all(b.source.startswith("copied from 2568") for b in fw.grading.bands)
    assert fw.item_rollup.verified is False
    assert load_recommendations(2569, folder).tools == load_recommendations(2568).tools
    # the package is untouched: 2569 exists only for this folder
    with pytest.raises(Exception, match="no ITA framework for fiscal year 2569"):
        framework_path(2569)


def test_rules_new_prints_what_to_check(tmp_path: Path) -> None:
    data = seed_folder(tmp_path)
    code, out, _ = run("rules", "new", "2569", "--from", "2568", "--data", str(data))
    assert code == 0
    assert f"wrote {data / 'frameworks' / '2569.yaml'}" in out
    assert f"wrote {data / 'recommendations' / '2569.yaml'}" in out
    assert "nothing in it is checked for 2569" in out
    assert "grade bands: every band is copied unconfirmed" in out
    assert f"ita-analysis rules check --year 2569 --data {data}" in out


def test_rules_new_refuses_what_it_should_not_do(folder: Path, tmp_path: Path) -> None:
    code, _, err = run("rules", "new", "2569", "--from", "2568", "--data", str(folder))
    assert code == 2 and "exist already" in err and "--force" in err
    code, _, err = run("rules", "new", "2569", "--from", "2568", "--data", str(folder), "--force")
    assert code == 0, err
    code, _, err = run("rules", "new", "2026", "--from", "2568", "--data", str(folder))
    assert code == 2 and "BE 2569?" in err
    code, _, err = run("rules", "new", "2571", "--from", "2561", "--data", str(folder))
    assert code == 2 and "no ITA framework for fiscal year 2561" in err
    code, _, err = run("rules", "new", "2571", "--from", "2568", "--data", str(tmp_path / "no"))
    assert code == 2 and "does not exist" in err
    assert not (folder / "frameworks" / "2571.yaml").exists()


def test_a_new_year_can_be_copied_from_a_users_own_year(folder: Path) -> None:
    made = new_year(2570, 2569, folder, today=date(2027, 10, 1))
    fw = load_framework(2570, folder)
    assert fw.provenance.copied_from == 2569
    assert "on 2027-10-01" in fw.provenance.unverified[0]
    assert made.framework_file == folder / "frameworks" / "2570.yaml"


# -- rules check -------------------------------------------------------------------------------

def test_rules_check_summarises_the_rules_and_their_files(folder: Path) -> None:
    code, out, err = run("rules", "check", "--year", "2569", "--data", str(folder))
    assert code == 0, err
    assert out.startswith(f"2569: framework {folder / 'frameworks' / '2569.yaml'} "
                          "(data folder): unverified, copied from 2568")
    assert "tools and weights: IIT 30% (indicators 1–5), EIT 30% (indicators 6–8), " \
           "OIT 40% (indicators 9, 10)" in out
    assert "ผ่าน 85.00–100.00 (unconfirmed)" in out
    assert "target: 85" in out
    assert "item roll-up: mean_of_sub_indicators (unverified)" in out
    assert f"recommendations: {folder / 'recommendations' / '2569.yaml'} (data folder)" in out
    # a package year, as the folder sees it
    code, out, _ = run("rules", "check", "--year", "2566", "--data", str(folder))
    assert code == 0 and "(package): unverified" in out
    assert "ผ่าน 85.00–100.00;" in out  # confirmed in 2566
    assert "OIT items O1–O43 (43)" in out
    code, out, _ = run("rules", "check", "--data", str(folder), "--json")
    report = json.loads(out)
    assert report["valid"] and [y["fiscal_year"] for y in report["years"]] == [2569]


def break_framework(folder: Path) -> Path:
    path = folder / "frameworks" / "2569.yaml"
    text = path.read_text(encoding="utf-8").replace("weight: 0.4", "weight: heavy", 1)
    text = text.replace("target: 85", "target: 85\ntarjet: 80", 1)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_malformed_user_framework_is_refused_naming_file_key_and_expected(
        folder: Path) -> None:
    path = break_framework(folder)
    weight = f"{path}: tools.2.weight: Input should be a valid decimal; got 'heavy'"
    typo = f"{path}: tarjet: Extra inputs are not permitted"
    code, out, err = run("rules", "check", "--data", str(folder))
    assert code == 2 and out == ""
    assert weight in err and typo in err  # every problem at once
    for args in (["score", "--year", "2569"], ["check"], ["rules", "check", "--year", "2569"]):
        code, _, err = run(*args, "--data", str(folder))
        assert code == 2, args
        assert weight in err and "Traceback" not in err


def test_a_broken_link_and_stray_files_are_problems(folder: Path) -> None:
    (folder / "frameworks" / "2569-draft.yaml").write_text("x: 1\n", encoding="utf-8")
    (folder / "recommendations" / "2571.yaml").write_text(
        "fiscal_year: 2571\nbased_on: 2569\n", encoding="utf-8")
    code, _, err = run("rules", "check", "--data", str(folder))
    assert code == 2
    assert f"{folder / 'frameworks' / '2569-draft.yaml'}: not read by any run" in err
    assert ("no framework file for fiscal year 2571: expected frameworks/2571.yaml in the data "
            "folder (ita-analysis rules new) or the package; its recommendation file has no "
            "framework to go with") in err


# -- every command on the folder ---------------------------------------------------------------

def test_score_and_check_use_the_folders_year(folder: Path) -> None:
    code, out, err = run("score", "--year", "2569", "--data", str(folder), "--json")
    assert code == 0, err
    [record] = json.loads(out)
    assert (record["overall"], record["tools"]) == (98.47, {"IIT": 99.38, "EIT": 99.69,
                                                           "OIT": 96.88})
    # no band of the copy is confirmed: no computed label, what every band would give kept
    assert (record["grade"], record["grade_provisional"]) == (None, "ผ่านดีเยี่ยม")
    code, out, _ = run("check", "--data", str(folder))
    assert code == 1 and "valid;" in out  # the seed's 2565 contradictions, nothing for 2569


def test_findings_portfolio_and_recommendations_use_the_folders_rules(folder: Path) -> None:
    data = load_dataset(folder)
    f = analyse(data, ORG, 2569)
    assert f.rules_dir == str(folder)
    assert (f.grade, f.grade_text, f.grade_provisional) == (
        None, "ยังไม่มีเกณฑ์ที่ยืนยันแล้ว", "ผ่านดีเยี่ยม")
    # the published label, where the data has it, is printed (the copy's bands are unconfirmed)
    with (folder / "published.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{ORG},2569,,,,,ผ่านดีเยี่ยม\n")
    f = analyse(load_dataset(folder), ORG, 2569)
    assert (f.grade, f.grade_source) == ("ผ่านดีเยี่ยม", "published")
    assert [r.key for r in recommendations(f) if r.scope == "tool"] == ["IIT", "EIT", "OIT"]
    p = analyse_portfolio(load_dataset(folder), 2569, Scope())
    assert (p.count, p.mean_2dp) == (1, 98.47)
    assert [(g.label, g.count, g.published) for g in p.grades] == [("ผ่านดีเยี่ยม", 1, 1)]


def test_a_user_file_replaces_a_package_year_for_that_folder_only(tmp_path: Path) -> None:
    data = seed_folder(tmp_path, years=(2565,))
    (data / "frameworks").mkdir()
    raw = yaml.safe_load(framework_path(2565).read_text(encoding="utf-8"))
    for tool in raw["tools"]:
        tool["weight"] = {"IIT": 0.25, "EIT": 0.25, "OIT": 0.50}[tool["code"]]
    (data / "frameworks" / "2565.yaml").write_text(
        yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    code, out, err = run("score", "--year", "2565", "--data", str(data), "--json")
    assert code == 0, err
    # 0.25 x 99.38 + 0.25 x 99.6933... + 0.5 x 96.875 = 24.845 + 24.9233... + 48.4375
    # = 98.2058... -> 98.21
    assert json.loads(out)[0]["overall"] == 98.21
    code, out, _ = run("score", "--year", "2565", "--json")  # the package's rules elsewhere
    assert json.loads(out)[0]["overall"] == 98.47


def test_a_user_recommendation_file_rewords_advice(tmp_path: Path) -> None:
    data = seed_folder(tmp_path, years=(2565,))
    (data / "recommendations").mkdir()
    (data / "recommendations" / "2565.yaml").write_text(
        "fiscal_year: 2565\nbased_on: 2565\ntools:\n  IIT:\n    excellent:\n"
        "      - ควรรักษามาตรฐานนี้ไว้ตามแนวทางของหน่วยงานเอง\n", encoding="utf-8")
    f = analyse(load_dataset(data), ORG, 2565)
    iit = next(r for r in recommendations(f) if r.key == "IIT")
    assert iit.texts == ["ควรรักษามาตรฐานนี้ไว้ตามแนวทางของหน่วยงานเอง"]
    # based_on: 2565 beside itself is the package's 2565: every other text is inherited
    eit = next(r for r in recommendations(f) if r.key == "EIT")
    assert eit.texts == list(load_recommendations(2565).tool_texts("EIT", eit.band))


def test_batch_fingerprints_and_the_data_digest_cover_the_users_files(folder: Path) -> None:
    before = Fingerprints(load_dataset(folder)).parts(ORG, 2569)
    digest = load_dataset(folder).digest
    path = folder / "frameworks" / "2569.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("target: 85", "target: 80"),
                    encoding="utf-8")
    after = Fingerprints(load_dataset(folder)).parts(ORG, 2569)
    assert after["frameworks"] != before["frameworks"]
    assert after["recommendations"] == before["recommendations"]
    assert load_dataset(folder).digest != digest  # the scored-table cache key moves too
    rec = folder / "recommendations" / "2569.yaml"
    rec.write_text(rec.read_text(encoding="utf-8").replace("ระดับดีเยี่ยม", "ระดับดีมาก"),
                   encoding="utf-8")
    again = Fingerprints(load_dataset(folder)).parts(ORG, 2569)
    assert again["recommendations"] != after["recommendations"]


def test_a_data_folder_without_the_year_is_told_how_to_add_it(tmp_path: Path) -> None:
    data = seed_folder(tmp_path, years=(2565, 2569))
    code, _, err = run("check", "--data", str(data))
    assert code == 2
    assert "expected a fiscal year with a framework file (2562–2568, or the data folder's own " \
           "frameworks/2569.yaml)" in err
    with pytest.raises(ParameterError, match="rules new 2569 --from 2568"):
        from ita_analysis.documents.report.context import check_parameters

        check_parameters(ORG, 2569, tmp_path / "data")


def test_report_for_a_users_year_says_its_rules_are_unverified_copies(folder: Path,
                                                                       tmp_path: Path) -> None:
    from ita_analysis.render.report import render_report

    files = render_report(ORG, 2569, data_dir=folder, out_dir=tmp_path / "out",
                          digits="arabic", report_date="2026-12-15")
    summary = json.loads(files.summary.read_text(encoding="utf-8"))
    rules = summary["rules"]
    assert rules["framework"] == {**rules["framework"], "file": "2569.yaml",
                                  "origin": "data folder", "status": "unverified",
                                  "copied_from": 2568}
    assert rules["recommendations"] == [{"file": "2569.yaml", "origin": "data folder"}]
    assert not any(band["confirmed"] for band in rules["bands"])
    notes = " ".join(rules["notes_th"])
    assert "คัดลอกมาจากกรอบการประเมินประจำปีงบประมาณ พ.ศ. 2568" in notes
    assert "ผลการประเมินจะเป็น “ผ่านดีเยี่ยม”" in notes  # what the unconfirmed bands give
    assert summary["generated"]["framework_origin"] == "data folder"
    page = parse(files.html.read_text(encoding="utf-8"))
    # the public result: no unconfirmed label, the score; the note is for the annex
    assert page.select_one("[data-cover-grade]").get_text() == "ยังไม่มีเกณฑ์ที่ยืนยันแล้ว"
    assert page.select_one("[data-cover-overall]").get_text() == "98.47"
    assert "คัดลอกมาจาก" not in page.get_text()
    annex = parse(files.annex.read_text(encoding="utf-8")).get_text()
    assert "คัดลอกมาจากกรอบการประเมินประจำปีงบประมาณ พ.ศ. 2568" in annex
