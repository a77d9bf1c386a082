"""The ``ita-analysis`` command: every subcommand's options and what it runs.

Only the standard library and the package's light modules load at start (``--help`` is quick);
each command imports what it needs (pandas, papermill, nbconvert…) when it runs.

Exit codes: 0 success (``check``: clean), 1 contradictions found, 2 invalid input or usage
(or any other error that stopped the command: one line says what), 130 Ctrl-C, 143 SIGTERM,
129 SIGHUP, 141 a closed pipe on standard output. Never a traceback, unless ``ITA_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .engine import ENGINE_NAME
from .errors import DataValidationError, ItaError, ParameterError, Problem, describe_os_error
from .lifetime import Terminated, stop_signals, usable_cores

if TYPE_CHECKING:
    import pandas as pd

    from .data.dataset import Dataset

EXIT_OK, EXIT_CONTRADICTIONS, EXIT_INVALID = 0, 1, 2


def _add_year(parser: argparse.ArgumentParser, example: int) -> None:
    parser.add_argument("--year", type=int, required=True,
                        help=f"fiscal year, Buddhist Era ({example})")


def _add_data(parser: argparse.ArgumentParser,
              default: str = "the embedded default data") -> None:
    parser.add_argument("--data", type=Path, default=None,
                        help=f"data folder (default: {default})")


class _Version(argparse.Action):
    """``--version``, reading the installed version only when asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from . import __version__

        print(f"{parser.prog} {__version__}")
        parser.exit()


def _add_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("outputs"),
                        help="output folder (default: ./outputs)")


def _add_digits(parser: argparse.ArgumentParser, *, choices: bool = False) -> None:
    if choices:
        parser.add_argument("--digits", default="thai", choices=("thai", "arabic"),
                            help="digits of every number and year (default: thai)")
    else:  # checked by the document's parameter check, with its own message
        parser.add_argument("--digits", default="thai",
                            help="digits of every number and year: thai (default) or arabic")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ita-analysis",
        description="Score, check and report Thailand's ITA results (การประเมิน ITA).")
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="show the program's version number and exit")
    sub = parser.add_subparsers(dest="command", required=True)

    score = sub.add_parser("score", help="score organisations: tools, overall, grade")
    _add_data(score)
    _add_year(score, 2565)
    score.add_argument("--org", default=None, help="one organisation's org_id (default: all)")
    score.add_argument("--json", action="store_true", help="print a JSON array")
    score.add_argument("--responses", type=Path, default=None, metavar="FILE",
                       help="IIT/EIT answers (.csv, .xlsx or .parquet; docs/responses-format.md):"
                            " the indicators they cover are scored from them")
    score.add_argument("--checklist", type=Path, default=None, metavar="FILE",
                       help="OIT assessors' checklist (.csv, .xlsx or .parquet): the OIT "
                            "indicators are scored from it")
    score.set_defaults(func=cmd_score)

    check = sub.add_parser("check", help="validate the data and reconcile published figures")
    _add_data(check)
    check.add_argument("--json", action="store_true", help="print a JSON object")
    check.set_defaults(func=cmd_check)

    _add_report(sub)
    _add_portfolio(sub)
    _add_rules(sub)
    _add_batch(sub)
    _add_index(sub)
    return parser


def _select(dataset: Dataset, year: int, org: str | None) -> pd.DataFrame:
    dataset.framework(year)  # an unknown year is an error even when no data names it
    scores = dataset.scores[dataset.scores["fiscal_year"] == year]
    if org is not None:
        from .documents.params import require_org

        scores = scores[scores["org_id"] == require_org(dataset, org)]
    if scores.empty:
        who = f"organisation {org!r}" if org else "any organisation"
        raise ParameterError(f"no scores for {who} in fiscal year {year} in {dataset.source}")
    return scores


def cmd_score(args: argparse.Namespace) -> int:
    from .data.dataset import load_dataset
    from .scoring import result_records, score_table
    from .thai import format_score

    answers = args.responses is not None or args.checklist is not None
    # with answers, --data (if given) names the organisations and fills the other indicators:
    # its scores need not hold the indicators the answers give
    dataset = load_dataset(args.data, every_indicator=not answers) \
        if args.data is not None or not answers else None
    if answers:
        from .data.answers import dataset_with_answers

        dataset, scored = dataset_with_answers(dataset, args.responses, args.checklist)
        for f in scored.findings:
            print(f"ita-analysis: notice: {f.org_id} {f.fiscal_year}: {f.message}",
                  file=sys.stderr)
    table = score_table(_select(dataset, args.year, args.org), dataset.frameworks)
    records = result_records(table, dataset.frameworks)
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return EXIT_OK
    names = dataset.organisations.set_index("org_id")["name"]
    fw = dataset.framework(args.year)
    head = ["org_id", "ปีงบประมาณ", *fw.tool_codes, "รวม/overall", fw.grading.name_th]
    rows = [[r["org_id"], str(r["fiscal_year"]),
             *(format_score(r["tools"][c], "arabic") for c in fw.tool_codes),
             format_score(r["overall"], "arabic"), _grade_cell(r)] for r in records]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for r, row in zip(records, rows, strict=True):
        print("  ".join(c.rjust(w) if i else c.ljust(w)
                        for i, (c, w) in enumerate(zip(row, widths, strict=True)))
              + f"  {names.get(r['org_id'], '')}")
    return EXIT_OK


def _grade_cell(record: dict[str, object]) -> str:
    """The confirmed label, and what the unconfirmed bands give where that differs."""
    grade, provisional = record["grade"], record["grade_provisional"]
    if grade == provisional:
        return str(grade)
    return f"{grade or '–'} (unconfirmed bands: {provisional})"


def cmd_check(args: argparse.Namespace) -> int:
    from .analysis.reconcile import reconcile
    from .data.dataset import load_dataset
    from .scoring import score_table

    try:
        dataset = load_dataset(args.data)
    except DataValidationError as exc:
        if args.json:
            print(json.dumps({"valid": False, "problems": [p.as_dict() for p in exc.problems],
                              "findings": []}, ensure_ascii=False, indent=2))
        else:
            print(exc, file=sys.stderr)
        return EXIT_INVALID
    findings = reconcile(dataset, score_table(dataset.scores, dataset.frameworks))
    contradictions = [f for f in findings if f.severity == "contradiction"]
    if args.json:
        print(json.dumps({"valid": True, "problems": [],
                          "findings": [f.model_dump() for f in findings]},
                         ensure_ascii=False, indent=2))
    else:
        print(f"{dataset.source}: valid; {len(contradictions)} contradiction(s), "
              f"{len(findings) - len(contradictions)} notice(s)")
        for f in findings:  # a measure's name may hold line breaks: one line per finding
            print(f"  - {f.severity}: {f.org_id} {f.fiscal_year}: {' '.join(f.message.split())}")
    return EXIT_CONTRADICTIONS if contradictions else EXIT_OK


def _add_report(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report", help="render an organisation's analysis document (HTML, notebook, summary)",
        description="Run notebooks/report.ipynb with papermill and render it with nbconvert "
                    "into <out>/<year>/<org>/report.html, report.ipynb and summary.json.")
    report.add_argument("--org", required=True, help="the organisation's org_id")
    _add_year(report, 2565)
    _add_data(report)
    _add_out(report)
    _add_digits(report)
    report.add_argument("--date", default="", metavar="YYYY-MM-DD",
                        help="date printed in the preface, ISO (CE) (default: today)")
    report.add_argument("--pdf", action="store_true",
                        help="also print report.pdf (A4) with headless Chromium")
    report.add_argument("--docx", action="store_true",
                        help="also write report.docx, the report as an editable Word document")
    _add_engine(report)
    report.set_defaults(func=cmd_report)


def _add_engine(parser: argparse.ArgumentParser) -> None:
    """``--engine NAME``, for ``batch`` and ``report``."""
    parser.add_argument("--engine", default=ENGINE_NAME, metavar="NAME",
                        help=f"papermill engine that runs the notebook (default: {ENGINE_NAME}, "
                             "a warm kernel reused from report to report; nbclient: "
                             "papermill's own, a new kernel each report)")


def cmd_report(args: argparse.Namespace) -> int:
    from .documents.index import write_indexes
    from .documents.report.context import check_parameters
    from .engine.warm import check_engine
    from .render.fingerprint import fingerprint_summary
    from .render.outputs import STALE_AFTER_S, check_out_dir, remove_temps, report_folder
    from .render.report import render_report  # nbconvert loads here, papermill when it runs

    check_engine(args.engine)
    check_out_dir(args.out)
    params, _ = check_parameters(args.org, args.year, args.data or "", args.digits, args.date)
    # what a killed run left in this report's folder (never a running process's files)
    remove_temps([report_folder(args.out, params.fiscal_year, params.org_id)],
                 older_than=STALE_AFTER_S)
    fingerprint = fingerprint_summary(args.org, args.year, data_dir=args.data,
                                      digits=args.digits, report_date=args.date, pdf=args.pdf,
                                      docx=args.docx)
    with _own_kernels():
        files = render_report(args.org, args.year, data_dir=args.data, out_dir=args.out,
                              digits=args.digits, report_date=args.date, pdf=args.pdf,
                              docx=args.docx, engine_name=args.engine,
                              extra_summary=fingerprint, checked=params)
    for path in files.all():
        print(path)
    try:  # <out>/index.html and <out>/<year>/index.html
        write_indexes(args.out, digits=args.digits)
    except OSError as exc:
        raise ItaError(f"the report is written, the index is not: {describe_os_error(exc)}"
                       ) from None
    return EXIT_OK


@contextlib.contextmanager
def _own_kernels() -> Iterator[None]:
    """One document: the warm kernels it started have done their work when it ends."""
    from .engine.warm import thread_kernels

    before = {id(k) for k in thread_kernels() if k.running}
    try:
        yield
    finally:
        for kernel in thread_kernels():
            if id(kernel) not in before:
                kernel.shutdown()


def _add_portfolio(sub: argparse._SubParsersAction) -> None:
    portfolio = sub.add_parser(
        "portfolio", help="render the analysis of a group of organisations (a portfolio)",
        description="Run notebooks/portfolio.ipynb with papermill and render it with nbconvert "
                    "into <out>/<year>/portfolio-<scope>.html, .ipynb and .json; <scope> is "
                    "'all' or an ASCII slug of the filters.")
    _add_year(portfolio, 2567)
    _add_data(portfolio, "the embedded synthetic province")
    _add_out(portfolio)
    portfolio.add_argument("--province", default="", help="only this province (default: any)")
    portfolio.add_argument("--district", default="", help="only this district (default: any)")
    portfolio.add_argument("--org-type", default="", dest="org_type",
                           help="only this organisation type (default: any)")
    _add_digits(portfolio)
    _add_engine(portfolio)
    portfolio.set_defaults(func=cmd_portfolio)


def cmd_portfolio(args: argparse.Namespace) -> int:
    from .engine.warm import check_engine
    from .render.outputs import check_out_dir
    from .render.portfolio import render_portfolio  # papermill and nbconvert load only here

    check_engine(args.engine)
    check_out_dir(args.out)
    with _own_kernels():
        files = render_portfolio(args.year, data_dir=args.data, out_dir=args.out,
                                 province=args.province, district=args.district,
                                 org_type=args.org_type, digits=args.digits,
                                 engine_name=args.engine)
    for path in files.all():
        print(path)
    for org in files.left_out:
        problems = org["problems"]
        first = Problem(**problems[0]) if problems else "unknown problem"
        print(f"ita-analysis: notice: {org['org_id']} is left out of the portfolio: its data "
              f"are invalid ({len(problems)} problem(s) in its own rows; first: {first})",
              file=sys.stderr)
    return EXIT_OK


def _add_rules(sub: argparse._SubParsersAction) -> None:
    rules = sub.add_parser(
        "rules", help="a year's rules: start one in a data folder, check what a folder uses",
        description="A data folder may hold frameworks/<year>.yaml and "
                    "recommendations/<year>.yaml: they add a year or replace the package's "
                    "for everything run on that folder (docs/adding-a-year.md).")
    which = rules.add_subparsers(dest="rules_command", required=True)
    new = which.add_parser(
        "new", help="copy a year's rules into a data folder as a new year, marked unverified")
    new.add_argument("year", type=int, help="the new fiscal year, Buddhist Era (2569)")
    new.add_argument("--from", dest="source", type=int, required=True, metavar="YEAR",
                     help="the year to copy (as the data folder sees it)")
    new.add_argument("--data", type=Path, default=Path("."),
                     help="data folder to write into (default: the current folder)")
    new.add_argument("--force", action="store_true",
                     help="replace the year's files if the folder already has them")
    new.set_defaults(func=cmd_rules_new)
    check = which.add_parser(
        "check", help="validate the rule files a data folder would use, and summarise them")
    _add_data(check)
    check.add_argument("--year", type=int, default=None,
                       help="only this fiscal year (default: the folder's own years, or all)")
    check.add_argument("--json", action="store_true", help="print a JSON object")
    check.set_defaults(func=cmd_rules_check)


def cmd_rules_new(args: argparse.Namespace) -> int:
    from .rules.check import resolve, summary_lines
    from .rules.newyear import new_year, what_to_check

    made = new_year(args.year, args.source, args.data, force=args.force)
    print(f"wrote {made.framework_file}")
    print(f"wrote {made.recommendation_file}")
    print(f"The copy holds {made.source}'s rules; nothing in it is checked for {made.year}:")
    for line in summary_lines(resolve(made.year, made.framework_file.parent.parent)):
        print(f"  {line}")
    print(f"Check each against NACC's {made.year} manual before you publish "
          "(docs/adding-a-year.md):")
    for line in what_to_check(made):
        print(f"  - {line}")
    print(f"Then: ita-analysis rules check --year {made.year} --data "
          f"{made.framework_file.parent.parent}")
    return EXIT_OK


def cmd_rules_check(args: argparse.Namespace) -> int:
    from .rules.check import check_folder, folder_problems, record, summary_lines
    from .rules.framework import framework_path

    folder = args.data
    if folder is not None and not Path(folder).is_dir():
        raise ParameterError(f"data folder {folder} does not exist or is not a folder")
    if args.year is not None:
        framework_path(args.year, folder)  # a year without any file: one clear error
    checked = check_folder(folder, None if args.year is None else [args.year])
    problems = [line for rules in checked for line in rules.problems]
    problems += folder_problems(folder)
    if args.json:
        print(json.dumps({"valid": not problems, "problems": problems,
                          "years": [record(rules) for rules in checked]},
                         ensure_ascii=False, indent=2))
    elif problems:
        count = len(problems)
        print(f"{count} problem{'s' if count != 1 else ''} in the rule files:", file=sys.stderr)
        for line in problems:
            print(f"  - {line}", file=sys.stderr)
    else:
        print("\n\n".join("\n".join(summary_lines(rules)) for rules in checked))
    return EXIT_INVALID if problems else EXIT_OK


def _add_batch(sub: argparse._SubParsersAction) -> None:
    batch = sub.add_parser(
        "batch", help="render every matching organisation's report for a fiscal year",
        description="Render the reports of every organisation with scores in a fiscal year "
                    "(or those chosen) in worker processes; skip those whose inputs are "
                    "unchanged; keep going past failures; write <out>/<year>/batch.json and "
                    "the index. Exit 0: all done, 1: a report failed, 2: invalid input or "
                    "another batch is running, 130/143: interrupted.")
    _add_year(batch, 2567)
    _add_data(batch)
    _add_out(batch)
    batch.add_argument("--province", action="append", default=[], metavar="P",
                       help="only this province (repeatable; 'จังหวัด' may be left out)")
    batch.add_argument("--org-type", action="append", default=[], metavar="T",
                       help="only this organisation type (repeatable)")
    batch.add_argument("--org", nargs="+", action="extend", default=[], metavar="ID",
                       help="only these organisations (org_id)")
    batch.add_argument("--jobs", type=int, default=None, metavar="N",
                       help=f"worker processes, or workers of the local Dask cluster "
                            f"(default: the number of cores, {usable_cores()})")
    batch.add_argument("--force", action="store_true",
                       help="render every report, even those whose inputs are unchanged")
    batch.add_argument("--pdf", action="store_true",
                       help="also print report.pdf (A4) with headless Chromium")
    batch.add_argument("--docx", action="store_true",
                       help="also write report.docx, the report as an editable Word document")
    _add_digits(batch, choices=True)
    batch.add_argument("--date", default="", metavar="YYYY-MM-DD",
                       help="date printed in the preface, ISO (CE) (default: the run date)")
    batch.add_argument("--timeout", type=int, default=600, metavar="SECONDS",
                       help="longest a notebook cell may run (default: 600)")
    batch.add_argument("--notebook", type=Path, default=None, metavar="FILE",
                       help="a customised report notebook (default: the package's)")
    _add_engine(batch)
    batch.add_argument("--executor", default="process", choices=("dask", "process"),
                       help="process: worker processes on this machine (default); dask: a "
                            "Dask cluster (dask.distributed), local unless --scheduler")
    batch.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="with --executor dask: the scheduler of a running cluster "
                            "(tcp://host:8786); its workers must reach --data, --out and "
                            "--notebook at the same paths (shared storage)")
    batch.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch.run import run_batch

    try:
        outcome = run_batch(
            args.year, data_dir=args.data, out_dir=args.out, provinces=args.province,
            org_types=args.org_type, orgs=args.org, jobs=args.jobs, force=args.force,
            pdf=args.pdf, docx=args.docx, digits=args.digits, report_date=args.date,
            notebook=args.notebook,
            engine_name=args.engine, timeout=args.timeout, executor=args.executor,
            scheduler=args.scheduler)
    except KeyboardInterrupt:  # Ctrl-C while the data was still being read: nothing written
        print("ita-analysis: interrupted before any report was started", file=sys.stderr)
        return 128 + signal.SIGINT
    return outcome.exit_status


def _add_index(sub: argparse._SubParsersAction) -> None:
    index = sub.add_parser(
        "index", help="rewrite the index of every report in an output folder",
        description="Write <out>/index.html and <out>/<year>/index.html from the summary.json "
                    "files under <out> (batch and report do this themselves).")
    _add_out(index)
    _add_digits(index, choices=True)
    index.set_defaults(func=cmd_index)


def cmd_index(args: argparse.Namespace) -> int:
    from .documents.index import write_indexes

    for path in write_indexes(args.out, digits=args.digits):
        print(path)
    return EXIT_OK


def _say(text: str) -> None:
    """One line on standard error, even when standard error is closed."""
    try:
        print(text, file=sys.stderr)
    except (OSError, ValueError):
        pass


def _stdout_gone() -> None:
    """Standard output's reader has gone (``| head -1``): send what is left nowhere, so that
    Python's final flush does not complain about the closed pipe either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure is one line on standard error and an exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = os.environ.get("ITA_DEBUG") == "1"
    try:
        with stop_signals():
            return int(args.func(args))
    except DataValidationError as exc:
        _say(f"ita-analysis: {exc}")
        return EXIT_INVALID
    except ItaError as exc:
        _say(f"ita-analysis: error: {' '.join(str(exc).split())}")
        return EXIT_INVALID
    except KeyboardInterrupt:
        _say("ita-analysis: interrupted (Ctrl-C); nothing half-written was kept")
        return 128 + signal.SIGINT
    except Terminated as exc:
        _say(f"ita-analysis: {exc}; nothing half-written was kept")
        return 128 + exc.signum
    except BrokenPipeError:
        _stdout_gone()
        return 128 + signal.SIGPIPE
    except OSError as exc:
        if debug:
            raise
        _say(f"ita-analysis: error: {describe_os_error(exc)}")
        return EXIT_INVALID
    except Exception as exc:  # a bug: still one line, and the way to see more
        if debug:
            raise
        detail = " ".join(str(exc).split())[:300]
        _say(f"ita-analysis: error: unexpected {type(exc).__name__}: {detail} (a bug: please "
             "report it; ITA_DEBUG=1 shows the traceback)")
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
