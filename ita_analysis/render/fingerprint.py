"""A report's input fingerprint, part by part: what it is made from (the organisation's rows,
its peers, the rule files, the notebook, the templates, the software, the parameters), so that
a run can tell an unchanged report from one to make again. What each part covers and what is
left out on purpose: docs/architecture.md."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from .. import __version__
from ..data.dataset import Dataset, load_dataset
from ..documents.report import sections
from ..errors import ItaError
from ..rules.framework import framework_path
from ..rules.library import recommendation_chain
from ..rules.national import national_path
from .convert import TEMPLATE_DIR, TEMPLATE_NAME
from .report import notebook_path

TABLES = ("organisations", "scores", "items", "published", "measures")
# Libraries whose version can change the rendered page (charts, HTML, embedded font).
DRAWING_LIBRARIES = ("matplotlib", "nbconvert", "jinja2", "fonttools", "fontpkg-sarabun")


def _sha(*chunks: bytes | str) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        h.update(b"\x1d")
    return h.hexdigest()


def _row_texts(frame: pd.DataFrame) -> pd.Series:
    """One canonical text per row (every column, as the loaded data types print it)."""
    def cells(column: str) -> pd.Series:
        values = frame[column]
        return values.astype(object).where(values.notna(), "\x1e").astype(str)  # NA: RS

    columns = list(frame.columns)
    text = cells(columns[0])
    for column in columns[1:]:
        text = text + "\x1f" + cells(column)
    return text


def _file_digest(path: Path) -> str:
    return _sha(path.read_bytes())


def _software() -> dict[str, str]:
    versions = {"ita-analysis": __version__}
    for name in DRAWING_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


class Fingerprints:
    """Input fingerprints of reports made from one data set with one set of parameters."""

    def __init__(self, dataset: Dataset, *, data_dir: str = "", digits: str = "thai",
                 pdf: bool = False, report_date: str = "", notebook: str | Path | None = None,
                 only: Iterable[str] | None = None) -> None:
        self.dataset = dataset
        keep = set(only) if only is not None else None
        self._own: dict[str, dict[str, str]] = {}
        self._columns: dict[str, str] = {}
        for table in TABLES:
            frame: pd.DataFrame = getattr(dataset, table)
            self._columns[table] = ",".join(map(str, frame.columns))
            if keep is not None:
                frame = frame[frame["org_id"].isin(keep)]
            if frame.empty:
                self._own[table] = {}
                continue
            texts = _row_texts(frame)
            self._own[table] = texts.groupby(frame["org_id"].to_numpy(), sort=False) \
                .agg("\n".join).to_dict()
        self._org_years = dataset.scores.groupby("org_id")["fiscal_year"] \
            .agg(lambda s: sorted({int(y) for y in s})).to_dict()
        self._peers: dict[int, str] = {}
        self._frameworks: dict[int, str] = {}
        self._recommendations: dict[int, str] = {}
        source = Path(notebook) if notebook is not None else notebook_path()
        self._notebook = _file_digest(source) if source.is_file() else "missing"
        # the report's templates: nbconvert's page (with its CSS) and the sections' fragments
        templates = sorted(p for folder in (TEMPLATE_DIR / TEMPLATE_NAME, sections.TEMPLATE_DIR)
                           for p in folder.rglob("*") if p.is_file())
        self._templates = _sha(*(f"{p.relative_to(TEMPLATE_DIR).as_posix()}\x1e{_file_digest(p)}"
                                 for p in templates))
        self._software = _sha(json.dumps(_software(), sort_keys=True))
        files = sorted(p.name for p in dataset.files.values())
        self._parameters = _sha(json.dumps(
            {"digits": digits, "pdf": bool(pdf), "report_date": report_date,
             "data_dir": data_dir, "data_files": files}, sort_keys=True))

    def _peer_digest(self, year: int) -> str:
        if year not in self._peers:
            ds = self.dataset
            scores = ds.scores[ds.scores["fiscal_year"] == year] \
                .sort_values(["org_id", "indicator", "score"], kind="stable")
            orgs = ds.organisations[ds.organisations["org_id"].isin(set(scores["org_id"]))]
            orgs = orgs[["org_id", "province", "org_type"]].sort_values("org_id", kind="stable")
            self._peers[year] = _sha("\n".join(_row_texts(scores)) if len(scores) else "",
                                     "\n".join(_row_texts(orgs)) if len(orgs) else "")
        return self._peers[year]

    def _framework_digest(self, year: int) -> str:
        """The year's framework file as the data folder sees it (its own file, if it has one)."""
        if year not in self._frameworks:
            try:
                self._frameworks[year] = _file_digest(
                    framework_path(year, self.dataset.rules_dir))
            except ItaError:
                self._frameworks[year] = "missing"
        return self._frameworks[year]

    def _recommendation_digest(self, year: int) -> str:
        """The year's recommendation file and what it is based on, as the folder sees them."""
        if year not in self._recommendations:
            chain = recommendation_chain(year, self.dataset.rules_dir)
            self._recommendations[year] = _sha(*(f"{p.name}\x1e{_file_digest(p)}"
                                                 for p in chain)) if chain else "missing"
        return self._recommendations[year]

    def _national_digest(self) -> str:
        """The national figures a report compares with: the package's and the folder's own."""
        files = dict.fromkeys([national_path(), national_path(self.dataset.rules_dir)])
        return _sha(*(_file_digest(path) for path in files))

    def parts(self, org_id: str, fiscal_year: int) -> dict[str, str]:
        """The fingerprint of one report, part by part (each a SHA-256 in hex)."""
        year = int(fiscal_year)
        own = _sha(*(f"{t}\x1e{self._columns[t]}\x1e{self._own[t].get(org_id, '')}"
                     for t in TABLES))
        years = sorted({year, *self._org_years.get(org_id, [])})
        return {
            "organisation": own,
            "peers": self._peer_digest(year),
            "frameworks": _sha(*(f"{y}\x1e{self._framework_digest(y)}" for y in years)),
            "recommendations": self._recommendation_digest(year),
            "national": self._national_digest(),
            "notebook": self._notebook,
            "templates": self._templates,
            "software": self._software,
            "parameters": self._parameters,
        }


def combine(parts: dict[str, str]) -> str:
    """The one fingerprint of a report: SHA-256 over its parts."""
    return _sha(json.dumps(parts, sort_keys=True))


def fingerprint_summary(org_id: str, fiscal_year: int, *, data_dir: str | Path | None = None,
                        digits: str = "thai", pdf: bool = False, report_date: str = "",
                        notebook: str | Path | None = None) -> dict[str, Any] | None:
    """The ``summary.json`` keys of one report's fingerprint (for ``ita-analysis report``);
    None when the data cannot be read (``render_report`` then says what is wrong)."""
    try:
        folder = str(Path(data_dir).expanduser().resolve()) if data_dir else ""
        dataset = load_dataset(folder or None, isolate=True)  # as the batch reads it
        parts = Fingerprints(dataset, data_dir=folder, digits=digits, pdf=pdf,
                             report_date=str(report_date or ""), notebook=notebook,
                             only=[org_id]).parts(org_id, int(fiscal_year))
    except (ItaError, OSError, ValueError):
        return None
    return {"fingerprint": combine(parts), "fingerprint_parts": parts}

