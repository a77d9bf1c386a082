"""A data set whose indicator scores come from answer files where they cover them, the data
folder's own scores filling the rest."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from ...errors import DataValidationError, ItaError, ParameterError, Problem
from ...rules.framework import load_framework
from ..dataset import Dataset, files_digest
from .checklist import read_checklist
from .compiled import Frameworks
from .responses import read_responses
from .score import AnswerScores, score_answers


def dataset_with_answers(dataset: Dataset | None, responses: str | Path | None = None,
                         checklist: str | Path | None = None,
                         frameworks: Frameworks | None = None
                         ) -> tuple[Dataset, AnswerScores]:
    """A data set whose indicator scores come from answer files where they cover them.

    With ``dataset``, organisations are checked against its list, its scores fill the
    indicators the answers do not give and its folder's own rules apply; it may lack the
    indicators the answers give (``load_dataset(..., every_indicator=False)``). Without,
    organisations are not checked and every indicator must come from the answers. Problems of
    both files are reported together; an indicator given by neither is refused.
    """
    if responses is None and checklist is None:
        raise ItaError("no answer files given: expected responses, a checklist or both")
    if frameworks is None:
        frameworks = dataset.frameworks if dataset is not None else load_framework
    known = None if dataset is None else dataset.organisations["org_id"].tolist()
    problems: list[Problem] = []
    answers = checked = None
    if responses is not None:
        try:
            answers = read_responses(responses, known, frameworks)
        except DataValidationError as exc:
            problems += exc.problems
    if checklist is not None:
        try:
            checked = read_checklist(checklist, known, frameworks)
        except DataValidationError as exc:
            problems += exc.problems
    if problems:
        raise DataValidationError(problems)
    scored = score_answers(answers, checked, frameworks)
    if dataset is None:
        _require_every_indicator(scored.scores, frameworks, None)
    files = {name: Path(p) for name, p in (("responses", responses), ("oit_checklist", checklist))
             if p is not None}
    if dataset is None:
        orgs = sorted(set(scored.scores["org_id"]))
        blank = pd.Series([""] * len(orgs), dtype=object)
        dataset = Dataset(
            source=next(iter(files.values())).resolve().parent,
            organisations=pd.DataFrame({"org_id": orgs, "name": blank, "org_type": blank,
                                        "district": blank, "province": blank}),
            scores=scored.scores.iloc[:0], items=_no_rows(
                "org_id", "fiscal_year", "item", "score", "indicator"),
            published=_no_rows("org_id", "fiscal_year", "iit", "eit", "oit", "overall", "grade"),
            measures=_no_rows("org_id", "fiscal_year", "measure", "method", "owner", "follow_up",
                              "start_year", "start_month", "end_year", "end_month"),
            files={}, digest="")
    given = scored.scores.set_index(["org_id", "fiscal_year", "indicator"]).index
    base = dataset.scores
    keep = ~base.set_index(["org_id", "fiscal_year", "indicator"]).index.isin(given)
    merged = pd.concat([base[keep], scored.scores], ignore_index=True).astype(
        {"fiscal_year": int, "indicator": int, "score": float})
    merged = merged.sort_values(["org_id", "fiscal_year", "indicator"], kind="stable")
    if dataset.files:  # a data folder: its scores and the answers together give every indicator
        _require_every_indicator(merged, frameworks, dataset.files.get("scores"))
    all_files = {**dataset.files, **files}
    hashed = {**all_files, **dataset.rule_files}  # the folder's own rules are inputs too
    return replace(dataset, scores=merged.reset_index(drop=True), files=all_files,
                   digest=files_digest(hashed)), scored


def _require_every_indicator(scores: pd.DataFrame, frameworks: Frameworks,
                             table: Path | None) -> None:
    """Every organisation-year has every indicator, from the answers or the folder's scores
    (``table``: the folder's scores file; None when there is no folder)."""
    for year, group in scores.groupby("fiscal_year", sort=True):
        expected = set(frameworks(int(year)).indicator_numbers)
        have = group.groupby("org_id", sort=True)["indicator"].agg(frozenset)
        short = have[have.map(lambda got, expected=expected: not expected <= got)]
        if len(short):
            org, got = short.index[0], short.iloc[0]
            gaps = ", ".join(map(str, sorted(expected - got)))
            more = f" (and {len(short) - 1} more organisation(s))" if len(short) > 1 else ""
            if table is None:
                raise ParameterError(
                    f"{org} {year}: no score for indicator(s) {gaps} from the answers{more}; "
                    "give the OIT checklist for the OIT indicators, or a data folder (--data) "
                    "whose scores cover the indicators the answers do not")
            raise ParameterError(
                f"{org} {year}: no score for indicator(s) {gaps} in {table} nor from the "
                f"answers{more}; expected every indicator from one or the other")


def _no_rows(*columns: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
