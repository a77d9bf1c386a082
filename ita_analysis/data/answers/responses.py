"""IIT and EIT answers read and validated into the compact form scoring works on: one row per
answer, organisations, tools and questions as categories, each answer's level on its
question's scale (``ANSWER_COLUMNS``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataValidationError, ItaError, Problem
from ...rules.framework import load_framework
from ..tables import CodedTable, TableError, coded_frame, read_coded
from .compiled import (
    Frameworks,
    Questions,
    answer_word,
    distinct_years,
    known_years,
    questions_of,
    year_rows,
    years_with,
)
from .issues import Issues, check_columns, distinct_combinations, org_check, year_values

RESPONSE_COLUMNS = ("org_id", "fiscal_year", "tool", "respondent_id", "question", "answer")

# The compact, validated form (categorical / integer codes) that scoring works on:
ANSWER_COLUMNS = ("org_id", "fiscal_year", "tool", "respondent", "question", "level")

_CHUNK = 1 << 22  # rows per pass where a pass would need a large temporary array


def read_responses(path: str | Path, organisations: Iterable[str] | None = None,
                   frameworks: Frameworks = load_framework) -> pd.DataFrame:
    """Read and validate a responses file (CSV, XLSX or Parquet) into the compact form."""
    path = Path(path)
    try:
        table = read_coded(path, RESPONSE_COLUMNS, RESPONSE_COLUMNS)
    except TableError as exc:
        raise DataValidationError(exc.problems) from None
    return _answers(table, str(path), organisations, frameworks)


def answers_from_frame(frame: pd.DataFrame, file: str = "responses",
                       organisations: Iterable[str] | None = None,
                       frameworks: Frameworks = load_framework,
                       rows: np.ndarray | None = None) -> pd.DataFrame:
    """Validate answers in the documented long format; return the compact form.

    ``frame`` holds text (or categorical) cells; ``rows`` gives each record's row number in
    its file (default: position + 2, as in a CSV file with a header). Every problem is
    reported at once in a :class:`DataValidationError`: unknown question, an answer not on
    the question's scale, a respondent answering a question twice, a tool that does not
    match the question, an unknown organisation (when ``organisations`` is given), a fiscal
    year whose framework has no question list.
    """
    return _answers(coded_frame(frame, RESPONSE_COLUMNS, rows), file, organisations,
                    frameworks)


def _answers(table: CodedTable, file: str, organisations: Iterable[str] | None,
             frameworks: Frameworks) -> pd.DataFrame:
    check_columns(table, RESPONSE_COLUMNS, file)
    issues = Issues.of(table, file)
    org, org_cats = table.columns["org_id"]
    year_c, year_cats = table.columns["fiscal_year"]
    tool_c, tool_cats = table.columns["tool"]
    resp_c, resp_cats = table.columns["respondent_id"]
    q_c, q_cats = table.columns["question"]
    ans_c, ans_cats = table.columns["answer"]
    n_rows = table.length

    issues.by_category(org, org_cats, "org_id", org_check(organisations))
    years, year_msgs = year_values(year_cats, known_years(frameworks))
    compiled: dict[int, Questions | None] = {}
    for i, y in enumerate(years):
        if year_msgs[i] is None and int(y) not in compiled:
            compiled[int(y)] = questions_of(frameworks(int(y)))
    for i, y in enumerate(years):
        if year_msgs[i] is None and compiled[int(y)] is None:
            have = years_with(questions_of, frameworks)
            year_msgs[i] = ("a fiscal year whose framework file lists its questions "
                            f"({', '.join(map(str, have)) or 'none yet'}); {y} has none")
    issues.by_messages(year_c, year_cats, "fiscal_year", year_msgs)
    issues.by_category(resp_c, resp_cats, "respondent_id",
                       lambda v: None if v else "a respondent's id (any text)")

    # question, tool and answer: checked once per distinct (year, question, tool, answer)
    inverse, combos = distinct_combinations([year_c, q_c, tool_c, ans_c],
                              [len(year_cats), len(q_cats), len(tool_cats), len(ans_cats)])
    n_combo = len(combos)
    c_qpos = np.full(n_combo, -1, dtype=np.int16)
    c_level = np.full(n_combo, -1, dtype=np.int8)
    c_tool = np.full(n_combo, -1, dtype=np.int8)
    q_msg: dict[int, str] = {}
    t_msg: dict[int, str] = {}
    a_msg: dict[int, str] = {}
    for k, (yc, qc, tc, ac) in enumerate(combos):
        if year_msgs[yc] is not None or compiled[int(years[yc])] is None:
            continue
        comp = compiled[int(years[yc])]
        assert comp is not None
        qid = q_cats[qc].lower()
        if qid not in comp.ids:
            q_msg[k] = f"a question of {years[yc]} ({comp.span()})"
            if tool_cats[tc].upper() not in comp.tools:
                t_msg[k] = f"a tool with questions in {years[yc]}: {', '.join(comp.tools)}"
            continue
        pos = comp.ids.index(qid)
        c_qpos[k] = pos
        own = comp.tools[comp.tool[pos]]
        c_tool[k] = comp.tool[pos]
        if tool_cats[tc].upper() != own:
            t_msg[k] = f"the tool of question {qid}: {own}"
        level = comp.words[pos].get(answer_word(ans_cats[ac]))
        if level is None:
            a_msg[k] = f"an answer on question {qid}'s scale ({comp.hints[pos]})"
        else:
            c_level[k] = level
    for msgs, column, codes, cats in ((q_msg, "question", q_c, q_cats),
                                      (t_msg, "tool", tool_c, tool_cats),
                                      (a_msg, "answer", ans_c, ans_cats)):
        if not msgs:
            continue
        flagged = np.zeros(n_combo, dtype=bool)
        flagged[list(msgs)] = True
        index = np.flatnonzero(flagged[inverse])
        issues.add(index, column, lambda i, codes=codes, cats=cats: [cats[c] for c in codes[i]],
                   lambda i, msgs=msgs: [msgs[int(k)] for k in inverse[i]])

    qpos = c_qpos[inverse]
    level = c_level[inverse]
    tool = c_tool[inverse]
    if not issues.found:
        del inverse  # large; kept only for the messages of problems found
    # one respondent = one (organisation, year, tool, respondent_id)
    n_groups = len(year_cats) * len(org_cats) * max(len(tool_cats), 1)
    group = year_c.astype(np.int32 if n_groups < 2**31 else np.int64)
    group *= len(org_cats)
    group += org
    group *= max(len(tool_cats), 1)
    group += tool_c
    respondent = _respondent_index(group, resp_c, len(resp_cats))
    del group
    _duplicates(issues, respondent, qpos, lambda i: [
        f"{org_cats[org[j]]} / {resp_cats[resp_c[j]]} / {q_cats[q_c[j]]}" for j in i])
    issues.raise_if_any()

    # compact form: questions as categories of every year's ids, framework order
    ids = list(dict.fromkeys(q for comp in compiled.values() if comp for q in comp.ids))
    tools = list(dict.fromkeys(t for comp in compiled.values() if comp for t in comp.tools))
    q_code = np.zeros(n_rows, dtype=np.int8)
    t_code = np.zeros(n_rows, dtype=np.int8)
    for y, comp in compiled.items():
        if comp is None:
            continue
        q_table = np.array([ids.index(q) for q in comp.ids], dtype=np.int8)
        t_table = np.array([tools.index(t) for t in comp.tools], dtype=np.int8)
        if len(compiled) == 1:
            q_code, t_code = q_table[qpos], t_table[tool]
            break
        in_year = np.isin(year_c, np.flatnonzero(years == y))
        q_code[in_year] = q_table[qpos[in_year]]
        t_code[in_year] = t_table[tool[in_year]]
    return pd.DataFrame({
        "org_id": pd.Categorical.from_codes(org, org_cats),
        "fiscal_year": years.astype(np.int16)[year_c],
        "tool": pd.Categorical.from_codes(t_code, tools),
        "respondent": respondent,
        "question": pd.Categorical.from_codes(q_code, ids),
        "level": level,
        "respondent_id": pd.Categorical.from_codes(resp_c, resp_cats),
    }, copy=False)


def _respondent_index(group: np.ndarray, resp: np.ndarray, n_resp: int) -> np.ndarray:
    """Dense-ish int32 index of (group, respondent code): the code itself when each code
    belongs to one group only (no hashing), else a factorisation of the pair."""
    owner = np.full(max(n_resp, 1), -1, dtype=np.int64)
    owner[resp] = group
    if (owner[resp] == group).all():
        return resp.astype(np.int32)
    codes, _ = pd.factorize(group.astype(np.int64) * max(n_resp, 1) + resp)
    return codes.astype(np.int32)


def _duplicate_mask(respondent: np.ndarray, qpos: np.ndarray) -> np.ndarray:
    """Respondents holding an answer to one question twice (one bool per respondent index).

    A respondent's answers are a set of question positions; the sum of 2**q over them has
    as many one-bits as answers exactly when no position repeats (a repeat carries), so
    weighted ``bincount`` passes (in chunks, to keep memory low) find every respondent with
    a repeated question without sorting or hashing the rows. Rows with ``qpos < 0`` are left
    out.
    """
    size = int(respondent.max()) + 1 if len(respondent) else 0
    if not len(respondent):
        return np.zeros(size, dtype=bool)
    if not (qpos >= 0).all():
        keep = qpos >= 0
        respondent, qpos = respondent[keep], qpos[keep]
        if not len(respondent):
            return np.zeros(size, dtype=bool)
    top = int(qpos.max())
    if top >= 52:  # too many questions for exact float sums: hash the pairs instead
        dup = pd.Series(respondent.astype(np.int64) * (top + 1) + qpos).duplicated().to_numpy()
        mask = np.zeros(size, dtype=bool)
        mask[respondent[dup]] = True
        return mask
    power = np.exp2(np.arange(top + 1, dtype=np.float64))
    sums = np.zeros(size, dtype=np.float64)
    for start in range(0, len(respondent), _CHUNK):
        part = slice(start, start + _CHUNK)
        sums += np.bincount(respondent[part], weights=power[qpos[part]], minlength=size)
    counts = np.bincount(respondent, minlength=size)
    too_big = sums >= 2.0**52  # only repeats reach this: distinct positions stay below 2**52
    bits = np.bitwise_count(np.where(too_big, 0, sums).astype(np.uint64))
    return too_big | (bits != counts)


def _duplicates(issues: Issues, respondent: np.ndarray, qpos: np.ndarray,
                describe: Callable[[np.ndarray], list[str]]) -> None:
    if not len(respondent):
        return
    bad = _duplicate_mask(respondent, qpos)
    if not bad.any():
        return
    index = np.flatnonzero(bad[respondent] & (qpos >= 0))
    pairs = pd.DataFrame({"r": respondent[index], "q": qpos[index], "i": index})
    first = pairs.groupby(["r", "q"], sort=False)["i"].transform("min").to_numpy()
    again = pairs["i"].to_numpy() != first
    where, first_at = index[again], first[again]
    first_rows = dict(zip(where.tolist(), issues.row(first_at).tolist(), strict=True))
    issues.add(where, "question", describe, lambda i: [
        f"one answer per respondent and question; row {first_rows[int(j)]} has it already"
        for j in i])


def check_answers(answers: pd.DataFrame, frameworks: Frameworks = load_framework,
                  file: str = "answers") -> None:
    """Check a compact answer frame (e.g. one generated in memory); raise on any problem.

    Checked: every question is one of its year's, every level is on the question's scale,
    every tool is the question's, no respondent answers a question twice. One histogram of
    (question, tool, level) codes finds the bad combinations; only their rows are then
    looked up. Rows are numbered as if the frame were written to CSV (position + 2).
    """
    missing = [c for c in ANSWER_COLUMNS if c not in answers.columns]
    if missing:
        raise DataValidationError([Problem(file, None, c, None, "a column of the compact "
                                           f"answer form ({', '.join(ANSWER_COLUMNS)})")
                                   for c in missing])
    issues = Issues(file, None)
    years = answers["fiscal_year"].to_numpy()
    q_cats = [str(c) for c in answers["question"].cat.categories]
    t_cats = [str(c) for c in answers["tool"].cat.categories]
    q_codes = answers["question"].cat.codes.to_numpy()
    t_codes = answers["tool"].cat.codes.to_numpy()
    level = answers["level"].to_numpy()
    respondent = answers["respondent"].to_numpy()
    qpos_all: np.ndarray | None = None
    for year in distinct_years(years):
        sel = year_rows(years, year)
        comp = questions_of(frameworks(year))
        if comp is None:
            raise ItaError(f"fiscal year {year} has no question list in its framework file")
        qmap = np.array([comp.ids.index(q) if q in comp.ids else -1 for q in q_cats],
                        dtype=np.int16)
        qc, tc, lv = ((q_codes, t_codes, level) if sel is None
                      else (q_codes[sel], t_codes[sel], level[sel]))
        n_q, n_t = len(q_cats) + 1, len(t_cats) + 1  # code -1 (missing) shifted to 0
        low, high = (int(lv.min()), int(lv.max())) if len(lv) else (0, 0)
        width = max(high, comp.levels - 1) - min(low, 0) + 1
        key = (qc.astype(np.int64) + 1) * n_t + (tc + 1)
        key *= width
        key += lv - min(low, 0)
        present = np.flatnonzero(np.bincount(key, minlength=n_q * n_t * width))
        bad: dict[int, tuple[str, str, str]] = {}  # key -> (column, value, expected)
        for k in present.tolist():
            qk, rest = divmod(k, n_t * width)
            tk, lk = divmod(rest, width)
            qk, tk, value = qk - 1, tk - 1, lk + min(low, 0)
            qid = q_cats[qk] if qk >= 0 else ""
            if qk < 0 or qmap[qk] < 0:
                bad[k] = ("question", qid, f"a question of {year} ({comp.span()})")
                continue
            pos = int(qmap[qk])
            own = comp.tools[comp.tool[pos]]
            if tk < 0 or t_cats[tk] != own:
                bad[k] = ("tool", t_cats[tk] if tk >= 0 else "",
                          f"the tool of question {qid}: {own}")
            elif not (0 <= value < comp.levels and comp.valid[pos, value]):
                bad[k] = ("level", str(value), f"a level of question {qid}'s scale "
                          f"(0–{int(comp.valid[pos].sum()) - 1}; {comp.hints[pos]})")
        if bad:
            hit = np.isin(key, np.fromiter(bad, dtype=np.int64))
            where = np.flatnonzero(hit)
            rows = where if sel is None else np.flatnonzero(sel)[where]
            row_keys = key[where]
            for column in ("question", "tool", "level"):
                of_column = [k for k, v in bad.items() if v[0] == column]
                mine = rows[np.isin(row_keys, of_column)]

                def at(i: np.ndarray, rows: np.ndarray = rows, row_keys: np.ndarray = row_keys,
                       ) -> list[int]:
                    return row_keys[np.searchsorted(rows, i)].tolist()
                issues.add(mine, column, lambda i, at=at, bad=bad: [bad[k][1] for k in at(i)],
                           lambda i, at=at, bad=bad: [bad[k][2] for k in at(i)])
        del key
        identity = qmap.tolist() == list(range(len(q_cats)))
        qpos = qc if identity else qmap[qc]
        if sel is None:
            qpos_all = qpos
        else:
            if qpos_all is None:
                qpos_all = np.full(len(answers), -1, dtype=np.int16)
            qpos_all[sel] = qpos
    if qpos_all is not None:
        _duplicates(issues, respondent, qpos_all, lambda i: [
            f"respondent {respondent[j]} / {q_cats[q_codes[j]]}" for j in i])
    issues.raise_if_any()
