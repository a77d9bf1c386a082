"""A synthetic national set of raw answers: IIT and EIT questionnaires and OIT checklists.

Everything this module makes is SYNTHETIC: the agencies, respondents and answers are invented
by a seeded random generator and describe no real agency or person. It exists to test and
benchmark scoring from answers at the size of a real national round: fiscal year 2565 had
8,303 agencies and 1,300,132 respondents (national figures reported in the news). Never mix
these data with real assessment results.

Shape (all defaults, each a parameter):

- respondents split between the tools by ``iit_share`` (0.4: 520,053 IIT and 780,079 EIT
  respondents; the real split is not known here), and spread over agencies by a log-normal
  agency size, so that most agencies have tens to hundreds of respondents and some have fewer
  than the framework's minimum; every agency has at least one respondent of each tool;
- every respondent answers every question of the tool (IIT 30, EIT 15 in 2565): 27,302,775
  answers by default;
- each agency has a latent integrity level (a Beta distribution, mean about 0.84) and each
  respondent a personal shift around it; on a four-level question it is the chance of the best
  answer, the rest falling on the lower levels 65/25/10; on a yes/no question the chance of the
  good answer is higher; reversed questions get the mirrored level, so that a good agency
  answers มากที่สุด to "works by the rules" and น้อยที่สุดหรือไม่มีเลย to "misuses the budget";
- every agency has an OIT checklist of every item of the year, each item passed with a chance
  from the agency's OIT level and the item's difficulty.

Generation is vectorised (numpy) and takes a few seconds; the answers come back in the compact
form of :mod:`ita_analysis.responses` (categorical and int8/int16/int32 codes, about 11 bytes
an answer), so the national set takes about 290 MiB.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import ItaError
from ...rules.framework import Framework, load_framework

NATIONAL_AGENCIES = 8_303
NATIONAL_RESPONDENTS = 1_300_132
ORG_TYPES = (("องค์การบริหารส่วนตำบล", 0.60), ("เทศบาลตำบล", 0.25), ("เทศบาลเมือง", 0.05),
             ("ส่วนราชการ", 0.10))
PROVINCES = 77


@dataclass(frozen=True)
class SyntheticResponses:
    """A synthetic answer set: organisations, compact answers and a compact OIT checklist."""

    organisations: pd.DataFrame  # org_id, name, org_type, district, province
    answers: pd.DataFrame  # responses.ANSWER_COLUMNS
    checklist: pd.DataFrame  # responses.CHECKED_COLUMNS
    seed: int

    @property
    def respondents(self) -> int:
        return int(self.answers["respondent"].max()) + 1 if len(self.answers) else 0


def make_national_responses(
    seed: int = 2565,
    agencies: int = NATIONAL_AGENCIES,
    respondents: int = NATIONAL_RESPONDENTS,
    iit_share: float = 0.4,
    fiscal_year: int = 2565,
    framework: Framework | None = None,
) -> SyntheticResponses:
    """A seeded synthetic national answer set (see the module doc); same seed, same data."""
    fw = framework if framework is not None else load_framework(fiscal_year)
    if not fw.questions:
        raise ItaError(f"fiscal year {fw.fiscal_year} has no question list to answer")
    tools = [t for t in fw.tool_codes if any(q.tool == t for q in fw.questions)]
    if agencies < 1 or respondents < agencies * len(tools):
        raise ItaError(f"need at least one respondent per agency and tool: {respondents} "
                       f"respondents for {agencies} agencies and {len(tools)} tools")
    if not 0 < iit_share < 1 and len(tools) > 1:
        raise ItaError("iit_share must lie strictly between 0 and 1")
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0.0, 0.7, agencies)
    level = rng.beta(8.0, 1.5, agencies)
    shares = {tools[0]: iit_share, **{t: (1 - iit_share) / (len(tools) - 1) for t in tools[1:]}}
    totals = {t: int(respondents * shares[t] + 0.5) for t in tools}
    totals[tools[-1]] = respondents - sum(totals[t] for t in tools[:-1])

    ids = [q.id for q in fw.questions]
    scale_kind = {s.id: s.kind for s in fw.scales}
    parts: list[dict[str, np.ndarray]] = []
    first_respondent = 0
    for t, tool in enumerate(tools):
        questions = [i for i, q in enumerate(fw.questions) if q.tool == tool]
        yes_no = np.array([scale_kind[fw.questions[i].scale] == "yes_no" for i in questions])
        rev = np.array([fw.questions[i].reversed for i in questions])
        weight = size * rng.lognormal(0.0, 0.4, agencies)
        counts = 1 + rng.multinomial(totals[tool] - agencies, weight / weight.sum())
        n_resp, n_q = int(counts.sum()), len(questions)
        agency_of = np.repeat(np.arange(agencies, dtype=np.int16), counts)
        p_best = np.clip(level + rng.normal(0.0, 0.04, agencies), 0.3, 0.995)[agency_of]
        p_best = np.clip(p_best + rng.normal(0.0, 0.08, n_resp), 0.05, 0.999).astype(np.float32)
        rest = 1 - p_best
        c0, c1, c2 = rest * 0.10, rest * 0.35, rest  # cumulative: levels 0, 1, 2; 3 above
        u = rng.random(n_resp * n_q, dtype=np.float32).reshape(n_resp, n_q)
        good = ((u >= c0[:, None]).astype(np.int8) + (u >= c1[:, None])
                + (u >= c2[:, None]))  # 0..3, 3 = the best answer
        yes_good = (u >= (rest * 0.5)[:, None]).astype(np.int8)  # 1 = the good answer
        answer = np.where(yes_no, np.where(rev, 1 - yes_good, yes_good),
                          np.where(rev, 3 - good, good)).astype(np.int8)
        del u, good, yes_good
        parts.append({
            "org": np.repeat(agency_of, n_q),
            "tool": np.full(n_resp * n_q, t, dtype=np.int8),
            "respondent": np.repeat(np.arange(first_respondent, first_respondent + n_resp,
                                              dtype=np.int32), n_q),
            "question": np.tile(np.array(questions, dtype=np.int8), n_resp),
            "level": answer.ravel(),
        })
        first_respondent += n_resp

    org_ids = [f"syn-{i:05d}" for i in range(1, agencies + 1)]
    n = sum(len(p["level"]) for p in parts)

    def joined(name: str) -> np.ndarray:
        return np.concatenate([p.pop(name) for p in parts]) if len(parts) > 1 \
            else parts[0].pop(name)
    answers = pd.DataFrame({
        "org_id": pd.Categorical.from_codes(joined("org"), org_ids),
        "fiscal_year": np.full(n, fw.fiscal_year, dtype=np.int16),
        "tool": pd.Categorical.from_codes(joined("tool"), tools),
        "respondent": joined("respondent"),
        "question": pd.Categorical.from_codes(joined("question"), ids),
        "level": joined("level"),
    })
    return SyntheticResponses(
        organisations=_organisations(rng, org_ids),
        answers=answers,
        checklist=_checklist(rng, fw, org_ids, level),
        seed=seed,
    )


def _checklist(rng: np.random.Generator, fw: Framework, org_ids: list[str],
               level: np.ndarray) -> pd.DataFrame:
    items = list(fw.items)
    agencies = len(org_ids)
    if not items:
        return pd.DataFrame({"org_id": pd.Categorical([], categories=org_ids),
                             "fiscal_year": np.array([], dtype=np.int16),
                             "item": pd.Categorical([]), "passed": np.array([], dtype=np.int8)})
    oit = np.clip(level + rng.normal(0.05, 0.08, agencies), 0.2, 0.999)
    difficulty = rng.normal(0.0, 0.08, len(items))
    chance = np.clip(oit[:, None] - np.abs(difficulty)[None, :], 0.0, 1.0)
    passed = (rng.random((agencies, len(items))) < chance).astype(np.int8)
    return pd.DataFrame({
        "org_id": pd.Categorical.from_codes(np.repeat(np.arange(agencies, dtype=np.int16),
                                                      len(items)), org_ids),
        "fiscal_year": np.full(agencies * len(items), fw.fiscal_year, dtype=np.int16),
        "item": pd.Categorical.from_codes(np.tile(np.arange(len(items), dtype=np.int16),
                                                  agencies), items),
        "passed": passed.ravel(),
    })


def _organisations(rng: np.random.Generator, org_ids: list[str]) -> pd.DataFrame:
    n = len(org_ids)
    names, weights = zip(*ORG_TYPES, strict=True)
    kind = rng.choice(len(names), size=n, p=np.array(weights) / sum(weights))
    province = rng.integers(1, PROVINCES + 1, n)
    return pd.DataFrame({
        "org_id": org_ids,
        "name": [f"{names[k]}สังเคราะห์ {i}" for i, k in enumerate(kind, start=1)],
        "org_type": [names[k] for k in kind],
        "district": "",
        "province": [f"จังหวัดสังเคราะห์ {p}" for p in province],
    })


__all__ = ["NATIONAL_AGENCIES", "NATIONAL_RESPONDENTS", "SyntheticResponses",
           "make_national_responses"]
