"""Compact answers and checklists written back in the documented long format (for files and
benchmarks)."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ...rules.framework import load_framework
from .compiled import Frameworks, distinct_years, items_of, questions_of, year_rows


def answers_to_long(answers: pd.DataFrame, frameworks: Frameworks = load_framework,
                    answer: Literal["label", "code"] = "label") -> pd.DataFrame:
    """Compact answers in the documented long format (categorical columns, cheap to write).

    ``respondent_id`` is kept where the frame has it, else made from the respondent index
    (``R0000001``…); ``answer`` is the level's Thai label or its code.
    """
    years = answers["fiscal_year"].to_numpy()
    q_cats = list(answers["question"].cat.categories)
    q_codes = answers["question"].cat.codes.to_numpy()
    level = answers["level"].to_numpy()
    vocab: list[str] = []
    table = np.zeros(len(answers), dtype=np.int32)
    for year in distinct_years(years):
        comp = questions_of(frameworks(year))
        assert comp is not None
        words = comp.labels if answer == "label" else comp.codes
        for w in words.ravel():
            if w and w not in vocab:
                vocab.append(w)
        lookup = np.array([[vocab.index(w) if w else 0 for w in row] for row in words],
                          dtype=np.int32)
        qmap = np.array([comp.ids.index(q) if q in comp.ids else 0 for q in q_cats])
        sel = year_rows(years, year)
        flat = lookup[qmap[q_codes], level] if sel is None else \
            lookup[qmap[q_codes[sel]], level[sel]]
        if sel is None:
            table = flat
        else:
            table[sel] = flat
    if "respondent_id" in answers.columns:
        respondent_id = answers["respondent_id"]
    else:
        resp = answers["respondent"].to_numpy()
        size = int(resp.max()) + 1 if len(resp) else 0
        respondent_id = pd.Categorical.from_codes(resp, [f"R{n:07d}" for n in range(1, size + 1)])
    return pd.DataFrame({
        "org_id": answers["org_id"],
        "fiscal_year": answers["fiscal_year"],
        "tool": answers["tool"],
        "respondent_id": respondent_id,
        "question": answers["question"],
        "answer": pd.Categorical.from_codes(table, vocab),
    })


def checklist_to_long(checklist: pd.DataFrame,
                      frameworks: Frameworks = load_framework) -> pd.DataFrame:
    """A compact checklist in the documented format (``passed`` as ผ่าน / ไม่ผ่าน)."""
    years = checklist["fiscal_year"].to_numpy()
    labels: list[str] = []
    for year in distinct_years(years):
        comp = items_of(frameworks(year))
        assert comp is not None
        labels = [w for w in dict.fromkeys([*labels, *comp.labels])]
    out = checklist[["org_id", "fiscal_year", "item"]].copy()
    out["passed"] = pd.Categorical.from_codes(checklist["passed"].to_numpy(), labels)
    if "comment" in checklist.columns:
        out["comment"] = checklist["comment"]
    return out
