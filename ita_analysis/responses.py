"""Indicator scores from raw answers: IIT and EIT questionnaires, OIT checklists.

Two input files (see docs/responses-format.md):

- ``responses`` (``org_id, fiscal_year, tool, respondent_id, question, answer``), one row per
  answer of one respondent to one question; answers as the scale's Thai labels or codes;
- ``oit_checklist`` (``org_id, fiscal_year, item, passed`` and an optional ``comment``), one row
  per OIT item an assessor judged.

The rules are the year's framework file: its ``questions`` (id, tool, indicator, scale,
reversed), ``scales`` (levels, scores, accepted labels and codes), ``checklist_scale`` and
``min_respondents``. Scoring:

- a question's score is the mean over the organisation's respondents who answered it, each
  answer scored on the question's scale (reversed questions: level ``i`` of ``n`` scores as
  level ``n - 1 - i``);
- an indicator's score is the plain mean of its questions that have answers;
- an OIT indicator's score is rolled up from the 100/0 scores of its items listed in the
  checklist by the year's ``item_rollup`` (NACC's rule: the mean of its sub-indicators, each
  the mean of its items; see ``rollup``); an item missing from the checklist is left out and
  reported as a notice, not scored 0.

The output is the long ``org_id, fiscal_year, indicator, score`` table that
:func:`ita_analysis.scoring.score_table` takes, unrounded (float64 of the exact mean);
``score_table`` carries each input score to six decimals (micro-points, see ``rounding``), so
an indicator score from answers is used to within 0.0000005 points.

Validation reports every problem at once with row numbers. Scoring is vectorised for the
national load (8,303 agencies, 1.3 million respondents, over 20 million answers): answers are
held as a compact frame of integer codes (:data:`ANSWER_COLUMNS`) and scored with
``np.bincount`` histograms, never a Python loop over rows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel

from .dataset import ORG_ID, ORG_ID_EXPECTED, Dataset, fiscal_year_error
from .errors import MAX_LISTED_PROBLEMS, DataValidationError, ItaError, ParameterError, Problem
from .rollup import rollup_arrays
from .rounding import MICRO
from .rules.framework import Framework, Scale, available_years, load_framework
from .tables import (
    ENCODING_EXPECTED,
    ENCODINGS,
    ROW,
    TableError,
    check_header,
    check_text_bytes,
    column_letter,
    column_name,
    decode,
    read_bytes,
    read_table,
    sep_directive,
)
from .thai import to_arabic_digits

Frameworks = Callable[[int], Framework]

RESPONSE_COLUMNS = ("org_id", "fiscal_year", "tool", "respondent_id", "question", "answer")
CHECKLIST_COLUMNS = ("org_id", "fiscal_year", "item", "passed")
CHECKLIST_OPTIONAL = ("comment",)
# The compact, validated form (categorical / integer codes) that scoring works on:
ANSWER_COLUMNS = ("org_id", "fiscal_year", "tool", "respondent", "question", "level")
CHECKED_COLUMNS = ("org_id", "fiscal_year", "item", "passed")
SCORE_COLUMNS = ("org_id", "fiscal_year", "indicator", "score")
_DENSE_LIMIT = 1 << 24  # combination tables up to this size are indexed directly
_CHUNK = 1 << 22  # rows per pass where a pass would need a large temporary array


# -- the year's rules, compiled to arrays ----------------------------------------------------

def _word(value: object) -> str:
    """A cell as compared with a scale's labels and codes: trimmed, case-folded, Arabic digits."""
    text = _cell(value)
    text = to_arabic_digits(text).casefold()
    if re.fullmatch(r"[0-9]+\.0+", text):
        text = text.split(".")[0]
    return text


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().lstrip("\ufeff")


def _micro(value: Decimal) -> int:
    return int(Decimal(value) * MICRO)


def _scale_words(scale: Scale) -> dict[str, int]:
    return {_word(w): i for i, level in enumerate(scale.levels) for w in (*level.labels,
                                                                           *level.codes)}


def _scale_hint(scale: Scale) -> str:
    parts = [f"{level.labels[0]}" + (f" ({'/'.join(level.codes)})" if level.codes else "")
             for level in scale.levels]
    return f"{scale.id}: " + ", ".join(parts)


@dataclass(frozen=True)
class _Questions:
    """One year's questions as arrays indexed by the question's position in the framework."""

    fiscal_year: int
    ids: tuple[str, ...]
    tools: tuple[str, ...]  # tools that have questions, framework order
    tool: np.ndarray  # int8: position in ``tools`` of each question
    indicators: tuple[int, ...]  # indicators that have questions, framework order
    members: tuple[np.ndarray, ...]  # question positions of each of ``indicators``
    points: np.ndarray  # int64 (Q, L) micro-points of each level, reversal applied; 0 if none
    valid: np.ndarray  # bool (Q, L): the level exists on the question's scale
    words: tuple[dict[str, int], ...]  # per question: accepted word -> level
    labels: np.ndarray  # object (Q, L): the printed label of each level ("" if none)
    codes: np.ndarray  # object (Q, L): the first code of each level ("" if none)
    hints: tuple[str, ...]  # per question: its scale's labels and codes, for messages
    minimums: dict[str, int]

    @property
    def levels(self) -> int:
        return self.points.shape[1]

    def span(self) -> str:
        """The question ids in words: ``i1–i30, e1–e15``."""
        groups = [[q for q, t in zip(self.ids, self.tool, strict=True) if t == k]
                  for k in range(len(self.tools))]
        return ", ".join(f"{g[0]}–{g[-1]}" if len(g) > 2 else ", ".join(g) for g in groups)


@cache
def _questions(fw: Framework) -> _Questions | None:
    if not fw.questions:
        return None
    scales = {s.id: s for s in fw.scales}
    width = max(len(s.levels) for s in scales.values())
    tools = tuple(t for t in fw.tool_codes if any(q.tool == t for q in fw.questions))
    indicators = tuple(n for n in fw.indicator_numbers
                       if any(q.indicator == n for q in fw.questions))
    n = len(fw.questions)
    points = np.zeros((n, width), dtype=np.int64)
    valid = np.zeros((n, width), dtype=bool)
    labels = np.full((n, width), "", dtype=object)
    codes = np.full((n, width), "", dtype=object)
    words, hints = [], []
    for i, q in enumerate(fw.questions):
        scale = scales[q.scale]
        levels = scale.levels
        for j, level in enumerate(levels):
            source = levels[len(levels) - 1 - j] if q.reversed else level
            points[i, j] = _micro(source.score)
            valid[i, j] = True
            labels[i, j] = level.labels[0]
            codes[i, j] = level.codes[0] if level.codes else level.labels[0]
        words.append(_scale_words(scale))
        hints.append(_scale_hint(scale))
    return _Questions(
        fiscal_year=fw.fiscal_year,
        ids=tuple(q.id for q in fw.questions),
        tools=tools,
        tool=np.array([tools.index(q.tool) for q in fw.questions], dtype=np.int8),
        indicators=indicators,
        members=tuple(np.array([i for i, q in enumerate(fw.questions) if q.indicator == k],
                               dtype=np.intp) for k in indicators),
        points=points, valid=valid, words=tuple(words), labels=labels, codes=codes,
        hints=tuple(hints),
        minimums={m.tool: m.minimum for m in fw.min_respondents},
    )


@dataclass(frozen=True)
class _Items:
    """One year's OIT items, how they roll up, and the scale their pass/fail is scored on."""

    fiscal_year: int
    ids: tuple[str, ...]
    indicators: tuple[int, ...]
    indicator: np.ndarray  # intp: position in ``indicators`` of each item
    totals: np.ndarray  # items listed by the framework per indicator
    sub: np.ndarray  # intp: position of each item's sub-indicator among all sub-indicators
    subs_of: tuple[np.ndarray, ...]  # sub-indicator positions of each of ``indicators``
    method: str  # the year's item roll-up
    points: np.ndarray  # int64 micro-points per level of the checklist scale
    words: dict[str, int]
    labels: tuple[str, ...]
    hint: str


@cache
def _items(fw: Framework) -> _Items | None:
    found = fw.items
    if not found or fw.checklist_scale is None:
        return None
    scale = fw.scale(fw.checklist_scale)
    indicators = tuple(dict.fromkeys(ind.number for ind, _, _ in found.values()))
    position = np.array([indicators.index(ind.number) for ind, _, _ in found.values()],
                        dtype=np.intp)
    subs = list(dict.fromkeys((ind.number, sub.code) for ind, sub, _ in found.values()))
    sub = np.array([subs.index((ind.number, s.code)) for ind, s, _ in found.values()],
                   dtype=np.intp)
    return _Items(
        fiscal_year=fw.fiscal_year,
        ids=tuple(found),
        indicators=indicators,
        indicator=position,
        totals=np.bincount(position, minlength=len(indicators)),
        sub=sub,
        subs_of=tuple(np.array([i for i, (n, _) in enumerate(subs) if n == number],
                               dtype=np.intp) for number in indicators),
        method=fw.item_rollup.method,
        points=np.array([_micro(level.score) for level in scale.levels], dtype=np.int64),
        words=_scale_words(scale),
        labels=tuple(level.labels[0] for level in scale.levels),
        hint=_scale_hint(scale),
    )


def _known_years(frameworks: Frameworks) -> list[int]:
    """Years with a framework as ``frameworks`` sees them (a data folder's own files too)."""
    years = getattr(frameworks, "years", None)
    return years() if callable(years) else available_years()


def _years_with(kind: Callable[[Framework], object], frameworks: Frameworks) -> list[int]:
    years = []
    for year in _known_years(frameworks):
        try:
            if kind(frameworks(year)) is not None:
                years.append(year)
        except ItaError:
            continue
    return years


# -- reading files -----------------------------------------------------------------------------

Coded = dict[str, tuple[np.ndarray, list[str]]]  # column -> (codes per row, distinct texts)


@dataclass
class _Table:
    """A table as integer codes and distinct trimmed texts per column, and its row numbers."""

    columns: Coded
    names: list[str]  # every column of the file, lower-cased
    length: int
    rows: np.ndarray | None  # row number of each record; None: position + ``first_row``
    first_row: int = 2  # the row of the first record (the header is the row above)
    sheet: str | None = None  # the worksheet of an XLSX file
    problems: list[Problem] = field(default_factory=list)  # cells without a value (XLSX)

    @property
    def header_row(self) -> int:
        return self.first_row - 1


def _coded_frame(frame: pd.DataFrame, wanted: Iterable[str],
                 rows: np.ndarray | None = None) -> _Table:
    by_name = {_cell(c).lower(): c for c in frame.columns}
    return _Table({w: _categorical(frame[by_name[w]]) for w in wanted if w in by_name},
                  list(by_name), len(frame), rows)


def _coded_file(path: Path, wanted: Sequence[str], required: Sequence[str]) -> _Table:
    """Read CSV (UTF-8 or cp874), XLSX or Parquet straight into codes; never a Python loop
    over rows (a national responses file has tens of millions)."""
    if not path.exists():
        raise TableError(Problem(str(path), None, None, None, "an existing file"))
    if path.is_dir():
        raise TableError(Problem(str(path), None, None, None, "a file, not a folder"))
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        table = read_table(path, required)
        frame = table.frame
        coded = _coded_frame(frame.drop(columns=ROW), wanted, frame[ROW].to_numpy())
        coded.sheet = table.sheet
        coded.first_row = table.header_row + 1
        if table.notes:  # Excel errors, formulas without a saved result
            cells = frame.set_index(ROW)
            coded.problems = [table.problem(row, column, str(cells.at[row, column]), expected)
                              for (row, column), expected in sorted(table.notes.items())
                              if column in wanted]
        return coded
    if suffix == ".parquet":
        return _coded_parquet(path, wanted)
    return _coded_csv(path, wanted, required)


_PARQUET_KINDS = "a column of text or whole numbers (one value per row)"


def _coded_parquet(path: Path, wanted: Sequence[str]) -> _Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def unreadable(exc: Exception) -> TableError:
        detail = " ".join(str(exc).split())[:200]
        return TableError(Problem(str(path), None, None, None,
                                  f"a readable Parquet file ({type(exc).__name__}: {detail})"))

    try:
        source = pq.ParquetFile(path)
        schema = source.schema_arrow
    except Exception as exc:  # pyarrow raises many kinds for a broken file
        raise unreadable(exc) from None
    names = [n for n in schema.names if not n.startswith("__index_level_")]
    check_header(names, [], file=str(path), sheet=None, header_row=1, required=(),
                 holds_data=[False] * len(names))
    by_name = {column_name(n): n for n in names}
    take = [by_name[w] for w in wanted if w in by_name]
    wrong = []
    for name in take:
        kind = schema.field(name).type
        inner = kind.value_type if pa.types.is_dictionary(kind) else kind
        if not (pa.types.is_string(inner) or pa.types.is_large_string(inner)
                or pa.types.is_integer(inner) or pa.types.is_floating(inner)
                or pa.types.is_boolean(inner) or pa.types.is_null(inner)):
            wrong.append(Problem(str(path), 1, column_name(name), str(kind), _PARQUET_KINDS))
    if wrong:
        raise TableError(*wrong)
    try:
        table = source.read(columns=take)
    except Exception as exc:
        raise unreadable(exc) from None
    columns: Coded = {}
    for w in wanted:
        if w in by_name:
            columns[w] = _arrow_codes(table.column(by_name[w]))
            table = table.drop_columns([by_name[w]])
    return _Table(columns, list(by_name), source.metadata.num_rows, None)


def _arrow_codes(column: object) -> tuple[np.ndarray, list[str]]:
    """Codes and trimmed texts of a pyarrow column, through its (unified) dictionary."""
    import pyarrow as pa
    import pyarrow.compute as pc

    chunked = column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
    if not pa.types.is_dictionary(chunked.type):
        chunked = pc.dictionary_encode(chunked)
    chunked = chunked.unify_dictionaries()
    if chunked.num_chunks == 0:
        return np.zeros(0, dtype=np.int8), [""]
    dictionary = chunked.chunk(0).dictionary
    if pa.types.is_string(dictionary.type) or pa.types.is_large_string(dictionary.type):
        texts = pc.utf8_trim_whitespace(dictionary).to_pylist()
    elif pa.types.is_integer(dictionary.type):
        texts = pc.cast(dictionary, pa.string()).to_pylist()
    else:
        texts = [_cell(v) for v in dictionary.to_pylist()]
    codes = np.concatenate([
        (pc.fill_null(c.indices, -1) if c.null_count else c.indices).to_numpy(
            zero_copy_only=False) for c in chunked.chunks])
    del chunked
    pa.default_memory_pool().release_unused()
    return _finish_codes(codes, texts)


_HEAD_BYTES = 1 << 20  # read to find the header: blank lines, Excel's sep= line, a title row
_EXTRA = ("\x00+1", "\x00+2")  # columns past the header's: a row with more fields fills them


def _head_text(head: bytes, file: str) -> str:
    """The decoded start of a CSV file (whole lines only)."""
    check_text_bytes(head, file)
    return decode(head[:head.rfind(b"\n") + 1] if len(head) == _HEAD_BYTES and b"\n" in head
                  else head, file)


def _unnamed_or_ragged(frame: pd.DataFrame, file: str, width: int, header_row: int
                       ) -> list[Problem]:
    """Cells in columns without a name, or past the header's last column (rows with more
    fields than the header): problems, at most ``MAX_LISTED_PROBLEMS`` of them."""
    problems = []
    for name in (n for n in frame.columns if n.startswith("\x00")):
        column = frame[name]
        full = [i for i, c in enumerate(column.cat.categories) if _cell(c)]
        if not full:
            continue
        where = np.flatnonzero(np.isin(column.cat.codes.to_numpy(), full))
        if name in _EXTRA:
            problems += [Problem(file, int(i) + header_row + 1, None, None,
                                 f"at most {width} fields as in the header")
                         for i in where[:MAX_LISTED_PROBLEMS]]
        else:
            problems.append(Problem(file, header_row, None, None,
                                    f"a name in the header row for column {name[1:]}, which "
                                    f"holds data (row {int(where[0]) + header_row + 1})"))
    return problems


def _coded_csv(path: Path, wanted: Sequence[str], required: Sequence[str]) -> _Table:
    """A CSV file read by pandas' C parser into categoricals, its header checked as every
    reader checks one (``tables.check_header``); a row with more fields than the header is
    refused, never shifted into an index or cut short."""
    file = str(path)
    text = _head_text(read_bytes(path, _HEAD_BYTES), file)
    first, _, rest = text.partition("\n")
    delimiter = sep_directive(first)
    skipped = 0
    if delimiter is not None:  # Excel hides the line: rows are numbered without it
        text, skipped = rest, 1
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or ","))
    start = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if start is None:
        raise TableError(Problem(file, None, None, None, "a header row and data rows"))
    header, header_row = records[start], start + 1
    check_header(header, records[start + 1:], file=file, sheet=None, header_row=header_row,
                 required=required, holds_data=[False] * len(header))
    names = [column_name(c) or f"\x00{column_letter(i)}" for i, c in enumerate(header)]
    last: Exception | None = None
    for encoding in ENCODINGS:
        try:
            frame = pd.read_csv(path, sep=delimiter or ",", header=None,
                                names=[*names, *_EXTRA], skiprows=skipped + start + 1,
                                index_col=False, dtype="category", keep_default_na=False,
                                na_filter=False, skip_blank_lines=False, encoding=encoding)
            break
        except UnicodeDecodeError as exc:
            last = exc
        except pd.errors.EmptyDataError:
            frame = pd.DataFrame({n: pd.Categorical([]) for n in [*names, *_EXTRA]})
            break
        except pd.errors.ParserError as exc:
            raise TableError(Problem(file, None, None, None,
                                     f"rows with at most {len(header)} fields as in the header "
                                     f"({' '.join(str(exc).split())})")) from None
        except OSError as exc:
            raise TableError(Problem(file, None, None, None,
                                     f"a readable file ({exc.strerror or exc})")) from None
    else:
        raise TableError(Problem(file, None, None, None, ENCODING_EXPECTED)) from last
    problems = _unnamed_or_ragged(frame, file, len(header), header_row)
    if problems:
        raise TableError(*problems)
    frame = frame.drop(columns=[n for n in frame.columns if n.startswith("\x00")])
    blank = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        column = frame[name]
        empty = [i for i, c in enumerate(column.cat.categories) if not _cell(c)]
        codes = column.cat.codes.to_numpy()
        blank &= np.isin(codes, empty) | (codes < 0)
        if not blank.any():
            break
    if blank.any():
        table = _coded_frame(frame[~blank].reset_index(drop=True), wanted,
                             np.flatnonzero(~blank) + header_row + 1)
    else:
        table = _coded_frame(frame, wanted)
    table.first_row = header_row + 1
    return table


def _categorical(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes (int32) and distinct trimmed texts of a column; an empty or missing cell is ""."""
    series = values if isinstance(values.dtype, pd.CategoricalDtype) \
        else values.astype("category")
    return _finish_codes(series.cat.codes.to_numpy(),
                         [_cell(c) for c in series.cat.categories])


def _finish_codes(codes: np.ndarray, texts: list[str | None]) -> tuple[np.ndarray, list[str]]:
    """Merge texts that are equal once trimmed; a missing cell (code -1) becomes ""."""
    text = np.array([("" if t is None else t.lstrip("\ufeff")) for t in texts] + [""],
                    dtype=object)
    remap, uniques = pd.factorize(text)
    dtype = _code_dtype(len(uniques))
    if len(uniques) == len(text) - 1 and remap[-1] == len(text) - 1 and (codes >= 0).all():
        return codes.astype(dtype, copy=False), [str(u) for u in uniques[:-1]] + [""]
    return remap.astype(dtype)[codes], [str(u) for u in uniques]


def _code_dtype(n: int) -> type[np.signedinteger]:
    for dtype in (np.int8, np.int16, np.int32):
        if n < np.iinfo(dtype).max:
            return dtype
    return np.int64


def _combos(codes: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct combinations of several code columns: (inverse per row, combos × columns)."""
    sizes = [max(s, 1) for s in sizes]
    total = int(np.prod(sizes, dtype=np.float64))
    key = np.zeros(len(codes[0]), dtype=np.int32 if total < 2**31 else np.int64)
    for c, size in zip(codes, sizes, strict=True):
        key *= size
        key += c
    if total <= _DENSE_LIMIT:
        present = np.flatnonzero(np.bincount(key, minlength=total))
        lookup = np.full(total, -1, dtype=np.int32)
        lookup[present] = np.arange(len(present), dtype=np.int32)
        inverse, uniques = lookup[key], present
    else:
        inverse, uniques = pd.factorize(key)
    parts = []
    for size in reversed(sizes):
        parts.append(uniques % size)
        uniques = uniques // size
    return inverse, np.stack(parts[::-1], axis=1) if parts else np.empty((0, 0))


# -- problems, all at once ---------------------------------------------------------------------

class _Issues:
    """Problems found across many rows, listed by row once every check has run."""

    def __init__(self, file: str, rows: np.ndarray | None, first_row: int = 2,
                 sheet: str | None = None, plain: Iterable[Problem] = ()) -> None:
        self.file = file
        self.rows = rows
        self.first_row = first_row
        self.sheet = sheet
        self.found: list[tuple[np.ndarray, str, Callable[[np.ndarray], list[str | None]],
                               Callable[[np.ndarray], list[str]]]] = []
        self.plain: list[Problem] = list(plain)

    @classmethod
    def of(cls, table: _Table, file: str) -> _Issues:
        """The problems of one file read into ``table``."""
        return cls(file, table.rows, table.first_row, table.sheet, table.problems)

    def row(self, index: np.ndarray) -> np.ndarray:
        return self.rows[index] if self.rows is not None else index + self.first_row

    def add(self, index: np.ndarray, column: str,
            values: Callable[[np.ndarray], list[str | None]],
            expected: Callable[[np.ndarray], list[str]]) -> None:
        if len(index):
            self.found.append((np.asarray(index, dtype=np.int64), column, values, expected))

    def by_category(self, codes: np.ndarray, cats: list[str], column: str,
                    check: Callable[[str], str | None]) -> np.ndarray:
        """Check each distinct value once; rows holding a bad one are reported. Returns them."""
        return self.by_messages(codes, cats, column, [check(c) for c in cats])

    def by_messages(self, codes: np.ndarray, cats: list[str], column: str,
                    messages: list[str | None]) -> np.ndarray:
        """Rows whose category has a message (what was expected) are reported."""
        bad_cat = np.array([m is not None for m in messages], dtype=bool)
        if not bad_cat.any():
            return np.zeros(len(codes), dtype=bool)
        bad = bad_cat[codes]
        self.add(np.flatnonzero(bad), column, lambda i: [cats[c] for c in codes[i]],
                 lambda i: [str(messages[c]) for c in codes[i]])
        return bad

    def raise_if_any(self) -> None:
        total = len(self.plain) + sum(len(f[0]) for f in self.found)
        if not total:
            return
        heads = []
        for k, (index, _, _, _) in enumerate(self.found):
            head = index[:MAX_LISTED_PROBLEMS]
            heads.append(np.stack([head, np.full(len(head), k)], axis=1))
        problems = list(self.plain)
        if heads:
            merged = np.concatenate(heads)
            merged = merged[np.lexsort((merged[:, 1], merged[:, 0]))][:MAX_LISTED_PROBLEMS]
            for k, (_, column, values, expected) in enumerate(self.found):
                index = merged[merged[:, 1] == k, 0]
                if not len(index):
                    continue
                rows = self.row(index)
                for r, v, e in zip(rows, values(index), expected(index), strict=True):
                    problems.append(Problem(self.file, int(r), column, v, e, self.sheet))
        problems.sort(key=lambda p: (p.row or 0))
        raise DataValidationError(problems, total)


def _header(table: _Table, required: Iterable[str], file: str) -> None:
    missing = [name for name in required if name not in table.columns]
    if missing:
        raise DataValidationError([
            Problem(file, table.header_row, name, None, f"a column named '{name}' in the "
                    f"header row (columns expected: {', '.join(required)})", table.sheet)
            for name in missing])
    if not table.length:
        raise DataValidationError([Problem(file, None, None, None, "at least one data row",
                                           table.sheet)])


def _org_check(organisations: Iterable[str] | None) -> Callable[[str], str | None]:
    known = None if organisations is None else set(organisations)

    def check(value: str) -> str | None:
        if not ORG_ID.match(value):
            return ORG_ID_EXPECTED
        if known is not None and value not in known:
            return "an org_id listed in organisations"
        return None
    return check


def _year_values(cats: list[str], known: list[int]) -> tuple[np.ndarray, list[str | None]]:
    """Each distinct fiscal year text read, with what was expected where it is not one
    (``known``: the years with a framework)."""
    years = np.zeros(len(cats), dtype=np.int64)
    messages: list[str | None] = []
    for i, text in enumerate(cats):
        digits = _word(text)
        if not re.fullmatch(r"[0-9]+", digits):
            messages.append("a fiscal year, a whole number such as 2565")
            continue
        year = int(digits)
        problem = fiscal_year_error(year, known)
        if problem:
            messages.append(problem)
        else:
            years[i] = year
            messages.append(None)
    return years, messages


# -- responses: validate into the compact form --------------------------------------------------

def read_responses(path: str | Path, organisations: Iterable[str] | None = None,
                   frameworks: Frameworks = load_framework) -> pd.DataFrame:
    """Read and validate a responses file (CSV, XLSX or Parquet) into the compact form."""
    path = Path(path)
    try:
        table = _coded_file(path, RESPONSE_COLUMNS, RESPONSE_COLUMNS)
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
    return _answers(_coded_frame(frame, RESPONSE_COLUMNS, rows), file, organisations,
                    frameworks)


def _answers(table: _Table, file: str, organisations: Iterable[str] | None,
             frameworks: Frameworks) -> pd.DataFrame:
    _header(table, RESPONSE_COLUMNS, file)
    issues = _Issues.of(table, file)
    org, org_cats = table.columns["org_id"]
    year_c, year_cats = table.columns["fiscal_year"]
    tool_c, tool_cats = table.columns["tool"]
    resp_c, resp_cats = table.columns["respondent_id"]
    q_c, q_cats = table.columns["question"]
    ans_c, ans_cats = table.columns["answer"]
    n_rows = table.length

    issues.by_category(org, org_cats, "org_id", _org_check(organisations))
    years, year_msgs = _year_values(year_cats, _known_years(frameworks))
    compiled: dict[int, _Questions | None] = {}
    for i, y in enumerate(years):
        if year_msgs[i] is None and int(y) not in compiled:
            compiled[int(y)] = _questions(frameworks(int(y)))
    for i, y in enumerate(years):
        if year_msgs[i] is None and compiled[int(y)] is None:
            have = _years_with(_questions, frameworks)
            year_msgs[i] = ("a fiscal year whose framework file lists its questions "
                            f"({', '.join(map(str, have)) or 'none yet'}); {y} has none")
    issues.by_messages(year_c, year_cats, "fiscal_year", year_msgs)
    issues.by_category(resp_c, resp_cats, "respondent_id",
                       lambda v: None if v else "a respondent's id (any text)")

    # question, tool and answer: checked once per distinct (year, question, tool, answer)
    inverse, combos = _combos([year_c, q_c, tool_c, ans_c],
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
        level = comp.words[pos].get(_word(ans_cats[ac]))
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


def _duplicates(issues: _Issues, respondent: np.ndarray, qpos: np.ndarray,
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
    issues = _Issues(file, None)
    years = answers["fiscal_year"].to_numpy()
    q_cats = [str(c) for c in answers["question"].cat.categories]
    t_cats = [str(c) for c in answers["tool"].cat.categories]
    q_codes = answers["question"].cat.codes.to_numpy()
    t_codes = answers["tool"].cat.codes.to_numpy()
    level = answers["level"].to_numpy()
    respondent = answers["respondent"].to_numpy()
    qpos_all: np.ndarray | None = None
    for year in _distinct(years):
        sel = _select(years, year)
        comp = _questions(frameworks(year))
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


# -- checklist: validate into the compact form ---------------------------------------------------

def read_checklist(path: str | Path, organisations: Iterable[str] | None = None,
                   frameworks: Frameworks = load_framework) -> pd.DataFrame:
    """Read and validate an OIT checklist file (CSV, XLSX or Parquet) into the compact form."""
    path = Path(path)
    try:
        table = _coded_file(path, (*CHECKLIST_COLUMNS, *CHECKLIST_OPTIONAL), CHECKLIST_COLUMNS)
    except TableError as exc:
        raise DataValidationError(exc.problems) from None
    return _checklist(table, str(path), organisations, frameworks)


def checklist_from_frame(frame: pd.DataFrame, file: str = "oit_checklist",
                         organisations: Iterable[str] | None = None,
                         frameworks: Frameworks = load_framework,
                         rows: np.ndarray | None = None) -> pd.DataFrame:
    """Validate an OIT checklist in the documented format; return the compact form.

    Reported at once: unknown item, a ``passed`` value that is not a pass or a fail, an item
    listed twice for one organisation and year, an unknown organisation (when given), a
    fiscal year without an item list.
    """
    return _checklist(_coded_frame(frame, (*CHECKLIST_COLUMNS, *CHECKLIST_OPTIONAL), rows),
                      file, organisations, frameworks)


def _checklist(table: _Table, file: str, organisations: Iterable[str] | None,
               frameworks: Frameworks) -> pd.DataFrame:
    _header(table, CHECKLIST_COLUMNS, file)
    issues = _Issues.of(table, file)
    org, org_cats = table.columns["org_id"]
    year_c, year_cats = table.columns["fiscal_year"]
    item_c, item_cats = table.columns["item"]
    pass_c, pass_cats = table.columns["passed"]
    n_rows = table.length
    issues.by_category(org, org_cats, "org_id", _org_check(organisations))
    years, year_msgs = _year_values(year_cats, _known_years(frameworks))
    compiled = {int(y): _items(frameworks(int(y)))
                for i, y in enumerate(years) if year_msgs[i] is None}
    for i, y in enumerate(years):
        if year_msgs[i] is None and compiled[int(y)] is None:
            have = _years_with(_items, frameworks)
            year_msgs[i] = ("a fiscal year whose framework file lists OIT items and their "
                            f"pass/fail scale ({', '.join(map(str, have)) or 'none yet'})")
    bad_year = np.array([m is not None for m in year_msgs], dtype=bool)
    if bad_year.any():
        idx = np.flatnonzero(bad_year[year_c])
        issues.add(idx, "fiscal_year", lambda i: [year_cats[c] for c in year_c[i]],
                   lambda i: [str(year_msgs[c]) for c in year_c[i]])
    inverse, combos = _combos([year_c, item_c, pass_c],
                              [len(year_cats), len(item_cats), len(pass_cats)])
    c_item = np.full(len(combos), -1, dtype=np.int16)
    c_pass = np.full(len(combos), -1, dtype=np.int8)
    i_msg: dict[int, str] = {}
    p_msg: dict[int, str] = {}
    for k, (yc, ic, pc) in enumerate(combos):
        if bad_year[yc]:
            continue
        comp = compiled[int(years[yc])]
        assert comp is not None
        code = item_cats[ic].upper()
        if code not in comp.ids:
            i_msg[k] = f"an OIT item of {years[yc]} ({comp.ids[0]}–{comp.ids[-1]})"
        else:
            c_item[k] = comp.ids.index(code)
        level = comp.words.get(_word(pass_cats[pc]))
        if level is None:
            p_msg[k] = f"a pass or a fail ({comp.hint})"
        else:
            c_pass[k] = level
    for msgs, column, codes, cats in ((i_msg, "item", item_c, item_cats),
                                      (p_msg, "passed", pass_c, pass_cats)):
        if msgs:
            flagged = np.zeros(len(combos), dtype=bool)
            flagged[list(msgs)] = True
            issues.add(np.flatnonzero(flagged[inverse]), column,
                       lambda i, codes=codes, cats=cats: [cats[c] for c in codes[i]],
                       lambda i, msgs=msgs: [msgs[int(k)] for k in inverse[i]])
    item_pos = c_item[inverse]
    key = pd.Series((year_c.astype(np.int64) * len(org_cats) + org) * max(len(item_cats), 1)
                    + item_c)
    dup = key.duplicated().to_numpy() & (item_pos >= 0)
    if dup.any():
        first = pd.Series(np.arange(len(key))).groupby(key.to_numpy()).transform("min")
        where = np.flatnonzero(dup)
        first_rows = dict(zip(where.tolist(), issues.row(first.to_numpy()[where]).tolist(),
                              strict=True))
        issues.add(where, "item", lambda i: [f"{org_cats[org[j]]} / {item_cats[item_c[j]]}"
                                             for j in i],
                   lambda i: [f"one row per org_id, fiscal_year and item; row "
                              f"{first_rows[int(j)]} has it already" for j in i])
    issues.raise_if_any()
    ids = list(dict.fromkeys(code for comp in compiled.values() if comp for code in comp.ids))
    i_code = np.zeros(n_rows, dtype=np.int16)
    for y, comp in compiled.items():
        if comp is None:
            continue
        in_year = np.isin(year_c, np.flatnonzero(years == y))
        i_code[in_year] = np.array([ids.index(c) for c in comp.ids], dtype=np.int16)[
            item_pos[in_year]]
    out = pd.DataFrame({
        "org_id": pd.Categorical.from_codes(org, org_cats),
        "fiscal_year": years.astype(np.int16)[year_c],
        "item": pd.Categorical.from_codes(i_code, ids),
        "passed": c_pass[inverse],
    })
    if "comment" in table.columns:
        comment_c, comment_cats = table.columns["comment"]
        out["comment"] = pd.Categorical.from_codes(comment_c, comment_cats)
    return out


# -- scoring -------------------------------------------------------------------------------------

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


def _distinct(years: np.ndarray) -> list[int]:
    if not len(years):
        return []
    low, high = int(years.min()), int(years.max())
    return [low] if low == high else sorted(int(y) for y in pd.unique(years))


def _select(years: np.ndarray, year: int) -> np.ndarray | None:
    if not len(years) or (int(years.min()) == int(years.max()) == year):
        return None
    return years == year


def _take(cats: list[str], codes: np.ndarray) -> np.ndarray:
    return np.asarray(cats, dtype=object)[codes]


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
    for year in _distinct(years):
        sel = _select(years, year)
        comp = _questions(frameworks(year))
        if comp is None:
            have = _years_with(_questions, frameworks)
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

        org_names = _take(org_cats, present)
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
    return AnswerScores(_concat(scores, SCORE_COLUMNS),
                        _concat(questions, ("org_id", "fiscal_year", "question", "indicator",
                                            "answers", "score")),
                        _concat(respondents, ("org_id", "fiscal_year", "tool", "respondents")),
                        findings)


def _respondent_findings(year: int, comp: _Questions, orgs: np.ndarray, per_tool: np.ndarray,
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
    for year in _distinct(years):
        sel = _select(years, year)
        comp = _items(frameworks(year))
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
        names = _take(org_cats, present)
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
    return AnswerScores(_concat(scores, SCORE_COLUMNS), empty, empty, findings)


def _concat(parts: list[pd.DataFrame], columns: Iterable[str]) -> pd.DataFrame:
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


# -- back to the documented format ----------------------------------------------------------------

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
    for year in _distinct(years):
        comp = _questions(frameworks(year))
        assert comp is not None
        words = comp.labels if answer == "label" else comp.codes
        for w in words.ravel():
            if w and w not in vocab:
                vocab.append(w)
        lookup = np.array([[vocab.index(w) if w else 0 for w in row] for row in words],
                          dtype=np.int32)
        qmap = np.array([comp.ids.index(q) if q in comp.ids else 0 for q in q_cats])
        sel = _select(years, year)
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
    for year in _distinct(years):
        comp = _items(frameworks(year))
        assert comp is not None
        labels = [w for w in dict.fromkeys([*labels, *comp.labels])]
    out = checklist[["org_id", "fiscal_year", "item"]].copy()
    out["passed"] = pd.Categorical.from_codes(checklist["passed"].to_numpy(), labels)
    if "comment" in checklist.columns:
        out["comment"] = checklist["comment"]
    return out


# -- a data folder with indicator scores from answers --------------------------------------------

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
    sha = hashlib.sha256()
    for name in sorted(hashed):
        sha.update(name.encode())
        sha.update(hashed[name].read_bytes())
    return replace(dataset, scores=merged.reset_index(drop=True), files=all_files,
                   digest=sha.hexdigest()), scored


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


__all__ = [
    "ANSWER_COLUMNS",
    "CHECKLIST_COLUMNS",
    "RESPONSE_COLUMNS",
    "AnswerFinding",
    "AnswerScores",
    "answers_from_frame",
    "answers_to_long",
    "check_answers",
    "checklist_from_frame",
    "checklist_to_long",
    "combine",
    "dataset_with_answers",
    "read_checklist",
    "read_responses",
    "score_answers",
    "score_checklist",
    "score_responses",
]
