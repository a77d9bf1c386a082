"""Indicator scores from compact answers and checklists, vectorised for the national load:

- a question's score is the mean over the organisation's respondents who answered it, each
  answer scored on the question's scale (a reversed question's level ``i`` of ``n`` scores
  as level ``n - 1 - i``); an indicator's score is the plain mean of its answered questions;
- an OIT indicator is rolled up from its listed items' 100/0 scores by the year's
  ``item_rollup`` (``rollup``); an item missing from the checklist is left out, with a notice.

The result is the long ``org_id, fiscal_year, indicator, score`` table ``score_table`` takes,
unrounded; one ``np.bincount`` histogram per year gives counts and exact sums."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel

from ...errors import ItaError
from ...rollup import rollup_arrays
from ...rounding import MICRO
from ...rules.framework import load_framework
from .compiled import (
    Frameworks,
    Questions,
    distinct_years,
    items_of,
    questions_of,
    take,
    year_rows,
    years_with,
)

SCORE_COLUMNS = ("org_id", "fiscal_year", "indicator", "score")


class AnswerFinding(BaseModel):
    """A notice about answers, shaped like ``reconcile.Finding`` for the findings section."""

    org_id: str
    fiscal_year: int
    kind: Literal["few_respondents", "unanswered_questions", "incomplete_checklist"]
    severity: Literal["notice"] = "notice"
    field: str  # the tool code, or the indicator number
    count: int  # respondents, questions answered, or items listed
    expected: int  # the minimum, questions asked, or items of the indicator
    message: str
    message_th: str


@dataclass(frozen=True)
class AnswerScores:
    """Scores made from answers, and what was noticed on the way."""

    scores: pd.DataFrame  # org_id, fiscal_year, indicator, score: what score_table takes
    questions: pd.DataFrame  # org_id, fiscal_year, question, indicator, answers, score
    respondents: pd.DataFrame  # org_id, fiscal_year, tool, respondents
    findings: list[AnswerFinding]

    def records(self) -> list[dict[str, object]]:
        """Findings as plain dicts (for JSON and reports)."""
        return [f.model_dump() for f in self.findings]


def score_responses(answers: pd.DataFrame,
                    frameworks: Frameworks = load_framework) -> AnswerScores:
    """Indicator scores of every organisation-year from compact answers (see module doc)."""
    org_cats = list(answers["org_id"].cat.categories)
    org_codes = answers["org_id"].cat.codes.to_numpy()
    q_cats = list(answers["question"].cat.categories)
    q_codes = answers["question"].cat.codes.to_numpy()
    level = answers["level"].to_numpy()
    respondent = answers["respondent"].to_numpy()
    years = answers["fiscal_year"].to_numpy()
    n_org = len(org_cats)
    scores, questions, respondents, findings = [], [], [], []
    for year in distinct_years(years):
        sel = year_rows(years, year)
        comp = questions_of(frameworks(year))
        if comp is None:
            have = years_with(questions_of, frameworks)
            raise ItaError(f"fiscal year {year} has no question list in its framework file, so "
                           f"answers cannot be scored (years with one: "
                           f"{', '.join(map(str, have)) or 'none'})")
        n_q, width, n_t = len(comp.ids), comp.levels, len(comp.tools)
        qmap = np.array([comp.ids.index(q) if q in comp.ids else -1 for q in q_cats],
                        dtype=np.int16)
        if (qmap[np.unique(q_codes if sel is None else q_codes[sel])] < 0).any():
            raise ItaError(f"answers name questions that fiscal year {year} does not have")
        o = (org_codes if sel is None else org_codes[sel]).astype(np.int32 if n_org * n_q * width
                                                                  < 2**31 else np.int64)
        identity = qmap.tolist() == list(range(len(q_cats)))
        qc = q_codes if sel is None else q_codes[sel]
        q = qc if identity else qmap[qc]
        lv = level if sel is None else level[sel]
        if len(lv) and (int(lv.min()) < 0 or int(lv.max()) >= width):
            raise ItaError(f"answer levels must run from 0 to {width - 1}")
        # one histogram of (organisation, question, level) gives counts and exact sums
        cell = o * (n_q * width)
        cell += q.astype(cell.dtype) * width
        cell += lv
        hist = np.bincount(cell, minlength=n_org * n_q * width).reshape(n_org, n_q, width)
        del cell
        if hist[:, ~comp.valid].any():
            raise ItaError("an answer level is not on its question's scale")
        counts = hist.sum(axis=2)
        sums = np.einsum("oql,ql->oq", hist, comp.points)
        with np.errstate(invalid="ignore", divide="ignore"):
            q_mean = np.where(counts > 0, sums / np.maximum(counts, 1) / MICRO, np.nan)
        ind = np.full((n_org, len(comp.indicators)), np.nan)
        for k, members in enumerate(comp.members):
            block = q_mean[:, members]
            answered = ~np.isnan(block)
            n_ans = answered.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                ind[:, k] = np.where(n_ans > 0, np.nansum(block, axis=1) / np.maximum(n_ans, 1),
                                     np.nan)
        # respondents per (organisation, tool): each respondent's org and tool, counted once
        resp = respondent if sel is None else respondent[sel]
        owner = np.full(int(resp.max()) + 1 if len(resp) else 0, -1, dtype=np.int64)
        owner[resp] = o * n_t + comp.tool[q]
        owner = owner[owner >= 0]
        per_tool = np.bincount(owner, minlength=n_org * n_t).reshape(n_org, n_t)
        present = np.flatnonzero(counts.sum(axis=1) > 0)

        org_names = take(org_cats, present)
        rows, cols = np.nonzero(~np.isnan(ind[present]))
        scores.append(pd.DataFrame({
            "org_id": org_names[rows], "fiscal_year": year,
            "indicator": np.asarray(comp.indicators, dtype=np.int64)[cols],
            "score": ind[present][rows, cols]}))
        q_ind = np.empty(n_q, dtype=np.int64)
        for k, members in enumerate(comp.members):
            q_ind[members] = comp.indicators[k]
        questions.append(pd.DataFrame({
            "org_id": np.repeat(org_names, n_q), "fiscal_year": year,
            "question": np.tile(np.asarray(comp.ids, dtype=object), len(present)),
            "indicator": np.tile(q_ind, len(present)),
            "answers": counts[present].ravel(),
            "score": q_mean[present].ravel()}))
        respondents.append(pd.DataFrame({
            "org_id": np.repeat(org_names, n_t), "fiscal_year": year,
            "tool": np.tile(np.asarray(comp.tools, dtype=object), len(present)),
            "respondents": per_tool[present].ravel()}))
        findings += _respondent_findings(year, comp, org_names, per_tool[present],
                                         counts[present])
    return AnswerScores(concat(scores, SCORE_COLUMNS),
                        concat(questions, ("org_id", "fiscal_year", "question", "indicator",
                                            "answers", "score")),
                        concat(respondents, ("org_id", "fiscal_year", "tool", "respondents")),
                        findings)


def _respondent_findings(year: int, comp: Questions, orgs: np.ndarray, per_tool: np.ndarray,
                         counts: np.ndarray) -> list[AnswerFinding]:
    found = []
    for t, tool in enumerate(comp.tools):
        minimum = comp.minimums.get(tool)
        if minimum is not None:
            for i in np.flatnonzero(per_tool[:, t] < minimum):
                n = int(per_tool[i, t])
                found.append(AnswerFinding(
                    org_id=str(orgs[i]), fiscal_year=year, kind="few_respondents", field=tool,
                    count=n, expected=minimum,
                    message=f"{n} {tool} respondent(s), fewer than the minimum of {minimum}",
                    message_th=f"ผู้ตอบแบบวัด {tool} {n} คน น้อยกว่าจำนวนขั้นต่ำ {minimum} คน"))
        asked = np.flatnonzero(comp.tool == t)
        answered = (counts[:, asked] > 0).sum(axis=1)
        for i in np.flatnonzero((per_tool[:, t] > 0) & (answered < len(asked))):
            missing = [comp.ids[asked[j]] for j in np.flatnonzero(counts[i, asked] == 0)]
            found.append(AnswerFinding(
                org_id=str(orgs[i]), fiscal_year=year, kind="unanswered_questions", field=tool,
                count=int(answered[i]), expected=len(asked),
                message=f"no answers to {tool} question(s) {', '.join(missing)}; their "
                        "indicators are the mean of the questions answered",
                message_th=f"ไม่มีผู้ตอบข้อ {', '.join(missing)} ของแบบวัด {tool}"))
    return found


def score_checklist(checklist: pd.DataFrame,
                    frameworks: Frameworks = load_framework) -> AnswerScores:
    """OIT indicator scores from the 100/0 scores of each indicator's listed items, rolled up
    by the year's ``item_rollup`` (NACC's: the mean of the sub-indicators' item means)."""
    org_cats = list(checklist["org_id"].cat.categories)
    org_codes = checklist["org_id"].cat.codes.to_numpy().astype(np.int64)
    i_cats = list(checklist["item"].cat.categories)
    i_codes = checklist["item"].cat.codes.to_numpy()
    passed = checklist["passed"].to_numpy().astype(np.int64)
    years = checklist["fiscal_year"].to_numpy()
    n_org = len(org_cats)
    scores, findings = [], []
    for year in distinct_years(years):
        sel = year_rows(years, year)
        comp = items_of(frameworks(year))
        if comp is None:
            raise ItaError(f"fiscal year {year} has no OIT item list with a pass/fail scale")
        imap = np.array([comp.ids.index(c) if c in comp.ids else -1 for c in i_cats],
                        dtype=np.int64)
        pos = imap[i_codes if sel is None else i_codes[sel]]
        if (pos < 0).any():
            raise ItaError(f"the checklist names items that fiscal year {year} does not have")
        o = org_codes if sel is None else org_codes[sel]
        lv = passed if sel is None else passed[sel]
        n_s, width = sum(len(cols) for cols in comp.subs_of), len(comp.points)
        hist = np.bincount((o * n_s + comp.sub[pos]) * width + lv,
                           minlength=n_org * n_s * width).reshape(n_org, n_s, width)
        sub_counts = hist.sum(axis=2)
        sub_sums = hist @ comp.points
        values = np.empty((n_org, len(comp.indicators)), dtype=np.float64)
        counts = np.empty((n_org, len(comp.indicators)), dtype=np.int64)
        for k, cols in enumerate(comp.subs_of):
            values[:, k], _ = rollup_arrays(comp.method, sub_sums[:, cols], sub_counts[:, cols])
            counts[:, k] = sub_counts[:, cols].sum(axis=1)
        present = np.flatnonzero(counts.sum(axis=1) > 0)
        names = take(org_cats, present)
        rows, cols = np.nonzero(counts[present] > 0)
        scores.append(pd.DataFrame({
            "org_id": names[rows], "fiscal_year": year,
            "indicator": np.asarray(comp.indicators, dtype=np.int64)[cols],
            "score": values[present][rows, cols] / MICRO}))
        short = counts[present] < comp.totals
        for i, k in zip(*np.nonzero(short), strict=True):
            n, total = int(counts[present][i, k]), int(comp.totals[k])
            number = comp.indicators[k]
            found = "no item" if n == 0 else f"{n} of its {total} items"
            findings.append(AnswerFinding(
                org_id=str(names[i]), fiscal_year=year, kind="incomplete_checklist",
                field=str(number), count=n, expected=total,
                message=f"the checklist lists {found} for indicator {number}; "
                        + ("it has no score from the checklist" if n == 0 else
                           "its score is the mean of the items listed"),
                message_th=f"แบบตรวจตัวชี้วัดที่ {number} มี {n} จาก {total} ข้อ"))
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in ("org_id", "fiscal_year")})
    return AnswerScores(concat(scores, SCORE_COLUMNS), empty, empty, findings)


def concat(parts: list[pd.DataFrame], columns: Iterable[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"fiscal_year": np.int64})


def combine(*parts: AnswerScores) -> AnswerScores:
    """Scores of responses and checklists together; an indicator scored twice is refused."""
    scores = pd.concat([p.scores for p in parts if len(p.scores)], ignore_index=True) \
        if any(len(p.scores) for p in parts) else parts[0].scores
    twice = scores.duplicated(["org_id", "fiscal_year", "indicator"], keep=False)
    if twice.any():
        row = scores[twice].iloc[0]
        raise ItaError(f"{row.org_id} {row.fiscal_year}: indicator {row.indicator} is scored "
                       "both from responses and from the checklist")

    def cat(name: str) -> pd.DataFrame:
        frames = [getattr(p, name) for p in parts if len(getattr(p, name))]
        return pd.concat(frames, ignore_index=True) if frames else getattr(parts[0], name)
    return AnswerScores(scores.sort_values(["org_id", "fiscal_year", "indicator"],
                                           kind="stable").reset_index(drop=True),
                        cat("questions"), cat("respondents"),
                        [f for p in parts for f in p.findings])


def score_answers(responses: pd.DataFrame | None = None, checklist: pd.DataFrame | None = None,
                  frameworks: Frameworks = load_framework) -> AnswerScores:
    """Indicator scores from compact responses and/or a compact checklist, together."""
    parts = []
    if responses is not None:
        parts.append(score_responses(responses, frameworks))
    if checklist is not None:
        parts.append(score_checklist(checklist, frameworks))
    if not parts:
        raise ItaError("no answers given: expected responses, a checklist or both")
    return combine(*parts)
