"""Large tables read straight into integer codes: a column is its codes per row and its
distinct trimmed texts. CSV (pandas' C parser), XLSX and Parquet; never a Python loop over
rows (a national responses file has tens of millions)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import MAX_LISTED_PROBLEMS, Problem
from .base import (
    ROW,
    TableError,
    check_header,
    check_text_bytes,
    column_letter,
    column_name,
    decode,
    first_encoding,
    read_bytes,
    sep_directive,
)
from .xlsxfile import read_xlsx


def plain_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().lstrip("\ufeff")


Coded = dict[str, tuple[np.ndarray, list[str]]]  # column -> (codes per row, distinct texts)


@dataclass
class CodedTable:
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


def coded_frame(frame: pd.DataFrame, wanted: Iterable[str],
                 rows: np.ndarray | None = None) -> CodedTable:
    by_name = {plain_text(c).lower(): c for c in frame.columns}
    return CodedTable({w: categorical_codes(frame[by_name[w]]) for w in wanted if w in by_name},
                  list(by_name), len(frame), rows)


def read_coded(path: Path, wanted: Sequence[str], required: Sequence[str]) -> CodedTable:
    """Read CSV (UTF-8 or cp874), XLSX or Parquet straight into codes; never a Python loop
    over rows (a national responses file has tens of millions)."""
    if not path.exists():
        raise TableError(Problem(str(path), None, None, None, "an existing file"))
    if path.is_dir():
        raise TableError(Problem(str(path), None, None, None, "a file, not a folder"))
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        table = read_xlsx(path, required)
        frame = table.frame
        coded = coded_frame(frame.drop(columns=ROW), wanted, frame[ROW].to_numpy())
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


def _coded_parquet(path: Path, wanted: Sequence[str]) -> CodedTable:
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
    return CodedTable(columns, list(by_name), source.metadata.num_rows, None)


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
        texts = [plain_text(v) for v in dictionary.to_pylist()]
    codes = np.concatenate([
        (pc.fill_null(c.indices, -1) if c.null_count else c.indices).to_numpy(
            zero_copy_only=False) for c in chunked.chunks])
    del chunked
    pa.default_memory_pool().release_unused()
    return finish_codes(codes, texts)


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
        full = [i for i, c in enumerate(column.cat.categories) if plain_text(c)]
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


def _coded_csv(path: Path, wanted: Sequence[str], required: Sequence[str]) -> CodedTable:
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
    def parse(encoding: str) -> pd.DataFrame:
        try:
            return pd.read_csv(path, sep=delimiter or ",", header=None,
                               names=[*names, *_EXTRA], skiprows=skipped + start + 1,
                               index_col=False, dtype="category", keep_default_na=False,
                               na_filter=False, skip_blank_lines=False, encoding=encoding)
        except pd.errors.EmptyDataError:
            return pd.DataFrame({n: pd.Categorical([]) for n in [*names, *_EXTRA]})
        except pd.errors.ParserError as exc:
            raise TableError(Problem(file, None, None, None,
                                     f"rows with at most {len(header)} fields as in the header "
                                     f"({' '.join(str(exc).split())})")) from None
        except OSError as exc:
            raise TableError(Problem(file, None, None, None,
                                     f"a readable file ({exc.strerror or exc})")) from None

    frame = first_encoding(parse, file)
    problems = _unnamed_or_ragged(frame, file, len(header), header_row)
    if problems:
        raise TableError(*problems)
    frame = frame.drop(columns=[n for n in frame.columns if n.startswith("\x00")])
    blank = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        column = frame[name]
        empty = [i for i, c in enumerate(column.cat.categories) if not plain_text(c)]
        codes = column.cat.codes.to_numpy()
        blank &= np.isin(codes, empty) | (codes < 0)
        if not blank.any():
            break
    if blank.any():
        table = coded_frame(frame[~blank].reset_index(drop=True), wanted,
                             np.flatnonzero(~blank) + header_row + 1)
    else:
        table = coded_frame(frame, wanted)
    table.first_row = header_row + 1
    return table


def categorical_codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes (int32) and distinct trimmed texts of a column; an empty or missing cell is ""."""
    series = values if isinstance(values.dtype, pd.CategoricalDtype) \
        else values.astype("category")
    return finish_codes(series.cat.codes.to_numpy(),
                         [plain_text(c) for c in series.cat.categories])


def finish_codes(codes: np.ndarray, texts: list[str | None]) -> tuple[np.ndarray, list[str]]:
    """Merge texts that are equal once trimmed; a missing cell (code -1) becomes ""."""
    text = np.array([("" if t is None else t.lstrip("\ufeff")) for t in texts] + [""],
                    dtype=object)
    remap, uniques = pd.factorize(text)
    dtype = code_dtype(len(uniques))
    if len(uniques) == len(text) - 1 and remap[-1] == len(text) - 1 and (codes >= 0).all():
        return codes.astype(dtype, copy=False), [str(u) for u in uniques[:-1]] + [""]
    return remap.astype(dtype)[codes], [str(u) for u in uniques]


def code_dtype(n: int) -> type[np.signedinteger]:
    for dtype in (np.int8, np.int16, np.int32):
        if n < np.iinfo(dtype).max:
            return dtype
    return np.int64
