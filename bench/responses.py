"""Benchmark: scoring a synthetic national response set from raw answers.

Builds the synthetic national set in memory (8,303 agencies, 1,300,132 respondents, every
question answered: 27.3 million answers, plus an OIT checklist of 43 items per agency), then
times, each separately:

- ``check``: validating the compact answers in memory (questions, levels, tools, duplicates);
- ``score``: from answers already in memory to indicator scores (responses and checklist),
  then tools, overall score and grade of every agency (``score_table``) — the figure the
  target of 3 s applies to;
- ``file``: writing the answers in the documented long format (Thai labels, respondent ids
  ``R0000001``… as strings) to Parquet with pyarrow, and reading the file back through
  ``read_responses`` (decoding, validation of every answer with row numbers, conversion to
  the compact form); the scores from the file are checked equal to the scores from memory.

Peak memory is the peak resident set size of the whole process (``ru_maxrss``), the figure
the target of 2 GiB applies to. The last line is exactly ``score_s=<seconds> peak_mib=<MiB>``.

Run: ``.venv/bin/python bench/responses.py`` (``--no-file`` skips the file round trip,
``--seed`` changes the synthetic set).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ita_analysis.data.answers import (
    answers_to_long,
    check_answers,
    read_responses,
    score_answers,
    score_responses,
)
from ita_analysis.data.synthetic.responses import make_national_responses
from ita_analysis.scoring import score_table


def peak_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / scale / 1024


def write_parquet(long: pd.DataFrame, path: Path) -> None:
    """Write answers in the long format with pyarrow: columns with few distinct values as
    dictionaries, respondent ids as plain strings (a categorical of a million ids, as pandas
    writes it, repeats the whole dictionary in every row group and reads back slowly)."""
    columns = {}
    for name in long.columns:
        column = long[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = pa.array(column.cat.codes.to_numpy())
            values = pa.array(np.asarray(column.cat.categories, dtype=object), pa.string())
            if len(values) > 65_536:
                columns[name] = pc.take(values, codes)
            else:
                columns[name] = pa.DictionaryArray.from_arrays(codes, values)
        else:
            columns[name] = pa.array(column.to_numpy())
    pq.write_table(pa.table(columns), path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2565)
    parser.add_argument("--no-file", action="store_true", help="skip the Parquet round trip")
    args = parser.parse_args(argv)

    t = time.perf_counter()
    syn = make_national_responses(seed=args.seed)
    gen_s = time.perf_counter() - t
    answers, checklist = syn.answers, syn.checklist
    size_mib = answers.memory_usage(deep=True).sum() / 2**20
    print(f"generated: {syn.organisations.shape[0]:,} agencies, {syn.respondents:,} respondents,"
          f" {len(answers):,} answers ({size_mib:.0f} MiB compact), {len(checklist):,} "
          f"checklist rows in {gen_s:.2f} s")

    t = time.perf_counter()
    check_answers(answers)
    check_s = time.perf_counter() - t
    print(f"check (in memory, every answer): {check_s:.3f} s")

    t = time.perf_counter()
    scored = score_answers(answers, checklist)
    table = score_table(scored.scores)
    score_s = time.perf_counter() - t
    few = sum(f.kind == "few_respondents" for f in scored.findings)
    print(f"score (answers in memory -> indicators -> tools, overall, grade): {score_s:.3f} s; "
          f"{len(table):,} agencies, mean overall {table['overall'].mean():.2f}, "
          f"{(table['overall_2dp'] >= 85).mean() * 100:.2f}% at 85 or more, "
          f"{few:,} agency-tools below the respondent minimum")
    print(f"peak memory so far: {peak_mib():.0f} MiB")

    if not args.no_file:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "responses.parquet"
            t = time.perf_counter()
            write_parquet(answers_to_long(answers), path)
            write_s = time.perf_counter() - t
            t = time.perf_counter()
            loaded = read_responses(path)
            read_s = time.perf_counter() - t
            mib = path.stat().st_size / 2**20
            again = score_responses(loaded).scores
            mine = score_responses(answers).scores
            same = again[["org_id", "indicator"]].equals(mine[["org_id", "indicator"]]) and \
                np.array_equal(again["score"].to_numpy(), mine["score"].to_numpy())
            del loaded
        print(f"file (Parquet via pyarrow, long format with Thai labels, {mib:.0f} MiB): "
              f"write {write_s:.2f} s, read + validate {read_s:.2f} s; "
              f"scores equal to those from memory: {same}")
        if not same:
            print("error: scores from the file differ from scores from memory", file=sys.stderr)
            return 1

    print(f"score_s={score_s:.3f} peak_mib={peak_mib():.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
