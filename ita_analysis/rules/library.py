"""Recommendations as data: which advice a report gives for each tool, indicator and item.

The texts and the score bands that choose among them live in
``ita_analysis/rules/recommendations/<year>.yaml`` (or a data folder's own
``recommendations/<year>.yaml``, which wins for runs on that folder), so that an official can
reword advice without touching code. A year's file may say ``based_on: <year>`` and hold only
what differs: the file of that year in the same folder, else the package's (a data folder's
file of a package year says ``based_on`` its own year to reword the package's); mappings are
merged key by key, a list replaces the inherited list, and ``null`` removes an inherited key.
A library is refused, with every problem and the file named, unless it covers every tool and
indicator of the year's framework in every band; a broken file never reaches a report.

Bands are read off the score rounded half up to two decimals (what the reader sees), so that
84.995 counts as 85.00 here as it does in the grade.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ItaError
from ..rounding import round_half_up
from .framework import Framework, load_framework
from .yearfiles import package_dir, read_mapping, span, stamp, validation_lines, year_file, years_of

__all__ = [
    "Band",
    "ItemAdvice",
    "RecommendationError",
    "RecommendationLibrary",
    "available_years",
    "load_recommendations",
    "load_recommendations_file",
    "merged_mapping",
    "recommendation_chain",
    "recommendation_path",
]

RECOMMENDATION_DIR = "recommendations"
TARGET = "target"  # a band's ``min`` may name the framework's target instead of a number
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_DIGITS = re.compile(r"[0-9๐-๙]")
_MAX_CHAIN = 20  # based_on links followed before a chain is taken to be a loop


class RecommendationError(ItaError):
    """A recommendation file is missing, unreadable or does not cover its year."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Texts = tuple[str, ...]


class Band(_Model):
    """A score band; ``min`` is resolved to a number when the library is loaded."""

    key: str
    name_th: str
    min: Decimal = Field(ge=0, le=100)


class ItemAdvice(_Model):
    """Advice for items that fell short of full marks (OIT items are scored 0 or 100)."""

    band: str
    name_th: str
    full_score: Decimal = Field(gt=0, le=100)
    texts: dict[str, Texts]


class MeasureAdvice(_Model):
    """A measure the report proposes for an indicator when the agency has set none."""

    measure: str
    method: str


class MeasureLibrary(_Model):
    """Proposed measures: one per indicator, and how every proposed measure is followed up."""

    follow_up: str
    indicators: dict[int, MeasureAdvice]


class RecommendationLibrary(_Model):
    """One fiscal year's advice, checked against that year's framework."""

    fiscal_year: int
    source: str = ""
    lineage: tuple[int, ...]  # the files merged, this year first, then what it is based on
    target: Decimal
    bands: tuple[Band, ...]
    tools: dict[str, dict[str, Texts]]
    indicators: dict[int, dict[str, Texts]]
    items: ItemAdvice | None = None
    measures: MeasureLibrary | None = None

    def band_for(self, score: float | Decimal) -> Band:
        """The band of a score, judged on its two-decimal value."""
        shown = round_half_up(score, 2)
        chosen = self.bands[0]
        for band in self.bands:
            if shown >= band.min:
                chosen = band
        return chosen

    def tool_texts(self, code: str, band: str) -> Texts:
        return self.tools[code][band]

    def indicator_texts(self, number: int, band: str) -> Texts:
        return self.indicators[number][band]

    def item_texts(self, code: str) -> Texts:
        return self.items.texts.get(code, ()) if self.items else ()


# -- files ------------------------------------------------------------------------------

def available_years(data_dir: str | Path | None = None) -> list[int]:
    """Fiscal years (BE) with a recommendation file: the package's and a data folder's own."""
    return years_of(RECOMMENDATION_DIR, data_dir)


def recommendation_path(year: int, data_dir: str | Path | None = None) -> Path:
    """The recommendation file of a year (a data folder's own first); a clear error if none."""
    found = year_file(RECOMMENDATION_DIR, year, data_dir)
    if found is None:
        where = "" if data_dir in (None, "") else f" (nor in {Path(data_dir) / RECOMMENDATION_DIR})"
        raise RecommendationError(
            f"no recommendation file for fiscal year {year}{where}; "
            f"available: {span(available_years(data_dir))}")
    return found[0]


def _parent_path(path: Path, parent: int) -> Path:
    """The file a ``based_on`` names: the year's file in the same folder, else the package's
    (so a data folder's ``2565.yaml`` with ``based_on: 2565`` rewords the package's 2565)."""
    sibling = path.parent / f"{parent}.yaml"
    if sibling.is_file() and sibling.resolve() != path.resolve():
        return sibling
    return package_dir(RECOMMENDATION_DIR) / f"{parent}.yaml"


def recommendation_chain(year: int, data_dir: str | Path | None = None) -> list[Path]:
    """A year's recommendation file and the files it is ``based_on``, in order (what a report's
    advice depends on); empty when the year has none. Broken links end the chain: loading the
    library reports them."""
    try:
        chain = [recommendation_path(year, data_dir)]
    except ItaError:
        return []
    while len(chain) <= _MAX_CHAIN:
        try:
            raw = _read(chain[-1])
        except ItaError:
            break
        parent = raw.get("based_on")
        if not isinstance(parent, int) or isinstance(parent, bool):
            break
        path = _parent_path(chain[-1], parent)
        if not path.is_file() or path in chain:
            break
        chain.append(path)
    return chain


def _read(path: Path) -> dict[str, Any]:
    return read_mapping(path, "recommendation file", RecommendationError)


def _merge(base: Any, override: Any) -> Any:
    """Mappings merge key by key; anything else replaces; ``None`` deletes the key."""
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return override
    merged = dict(base)
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
        elif key in merged:
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolved(path: Path) -> tuple[dict[str, Any], tuple[int, ...]]:
    """A file's content with its ``based_on`` chain merged in, and the years merged."""
    raw = _read(path)
    chain = [path]
    layers = [raw]
    while "based_on" in layers[-1]:
        parent = layers[-1]["based_on"]
        if not isinstance(parent, int) or isinstance(parent, bool):
            raise RecommendationError(
                f"{chain[-1]}: based_on must be a fiscal year such as 2565; got {parent!r}")
        parent_path = _parent_path(chain[-1], parent)
        if not parent_path.is_file():
            raise RecommendationError(
                f"{chain[-1]}: based_on {parent}, but there is no file {parent}.yaml beside it "
                "nor in the package")
        if parent_path in chain or len(chain) > _MAX_CHAIN:
            names = " -> ".join(p.name for p in [*chain, parent_path])
            raise RecommendationError(f"{path}: based_on forms a loop: {names}")
        chain.append(parent_path)
        layers.append(_read(parent_path))
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged = _merge(merged, _normalised({k: v for k, v in layer.items() if k != "based_on"}))
    lineage = tuple(int(p.stem) if p.stem.isdigit() else -1 for p in chain)
    return merged, lineage


def merged_mapping(year: int, data_dir: str | Path | None = None) -> dict[str, Any]:
    """A year's recommendation content with its ``based_on`` chain merged in (one file's worth,
    what ``rules new`` writes), before it is checked against a framework."""
    merged, _ = _resolved(recommendation_path(year, data_dir))
    return merged


def _int_keys(mapping: Any) -> Any:
    if not isinstance(mapping, dict):
        return mapping
    return {int(k) if isinstance(k, str) and k.strip().isdigit() else k: v
            for k, v in mapping.items()}


def _normalised(layer: dict[str, Any]) -> dict[str, Any]:
    """Indicator keys as numbers, so that ``"5":`` in one file overrides ``5:`` in another."""
    layer = {**layer, "indicators": _int_keys(layer.get("indicators"))} \
        if "indicators" in layer else layer
    measures = layer.get("measures")
    if isinstance(measures, dict) and "indicators" in measures:
        layer = {**layer, "measures": {**measures,
                                       "indicators": _int_keys(measures["indicators"])}}
    return layer


def _resolve_bands(raw: Any, target: Decimal) -> Any:
    """Replace ``min: target`` with the framework's target before validation."""
    if not isinstance(raw, list):
        return raw
    out = []
    for band in raw:
        if isinstance(band, dict) and band.get("min") == TARGET:
            band = {**band, "min": target}
        out.append(band)
    return out


def library_problems(lib: RecommendationLibrary, fw: Framework) -> list[str]:
    """Everything a library lacks or has too much of for its framework, in words."""
    problems: list[str] = []
    keys = [b.key for b in lib.bands]
    for band in lib.bands:
        if not _KEY.match(band.key):
            problems.append(f"band key {band.key!r} should be lower-case letters, digits, '_'")
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(f"band {key} is defined twice")
    if not lib.bands:
        problems.append("no bands defined")
    elif lib.bands[0].min != 0:
        problems.append(f"the first band starts at {lib.bands[0].min}, expected 0")
    for low, high in pairwise(lib.bands):
        if high.min <= low.min:
            problems.append(f"band {high.key} starts at {high.min}, not above band {low.key} "
                            f"({low.min}); list bands from the lowest score up")
    wanted = set(keys)

    def check(kind: str, name: str, texts_by_band: dict[str, Texts]) -> None:
        for band in keys:
            if band not in texts_by_band:
                problems.append(f"{kind} {name} has no texts for band {band}")
            elif not texts_by_band[band]:
                problems.append(f"{kind} {name}, band {band}: the list of texts is empty")
        for band in sorted(set(texts_by_band) - wanted):
            problems.append(f"{kind} {name} has texts for unknown band {band!r}; "
                            f"bands are {', '.join(keys)}")
        for band, texts in texts_by_band.items():
            for i, text in enumerate(texts, start=1):
                problems.extend(_text_problems(f"{kind} {name}, band {band}, text {i}", text))

    for code in fw.tool_codes:
        if code not in lib.tools:
            problems.append(f"tool {code} of the {fw.fiscal_year} framework has no texts")
        else:
            check("tool", code, lib.tools[code])
    for code in sorted(set(lib.tools) - set(fw.tool_codes)):
        problems.append(f"tool {code} is not in the {fw.fiscal_year} framework "
                        f"(tools: {', '.join(fw.tool_codes)})")
    for number in fw.indicator_numbers:
        if number not in lib.indicators:
            problems.append(f"indicator {number} of the {fw.fiscal_year} framework has no texts")
        else:
            check("indicator", str(number), lib.indicators[number])
    for number in sorted(set(lib.indicators) - set(fw.indicator_numbers)):
        problems.append(f"indicator {number} is not in the {fw.fiscal_year} framework")
    if lib.items is not None:
        if not _KEY.match(lib.items.band):
            problems.append(f"item band {lib.items.band!r} should be lower-case letters, "
                            "digits, '_'")
        known = fw.items
        for code, texts in lib.items.texts.items():
            if code not in known:
                problems.append(f"item {code} is not in the {fw.fiscal_year} framework; "
                                "drop the item advice (items: null) or use that year's codes")
            if not texts:
                problems.append(f"item {code}: the list of texts is empty")
            for i, text in enumerate(texts, start=1):
                problems.extend(_text_problems(f"item {code}, text {i}", text))
    if lib.measures is not None:
        problems.extend(_text_problems("measures, follow_up", lib.measures.follow_up))
        for number in fw.indicator_numbers:
            advice = lib.measures.indicators.get(number)
            if advice is None:
                problems.append(f"measures: indicator {number} of the {fw.fiscal_year} "
                                "framework has no proposed measure")
                continue
            problems.extend(_text_problems(f"measures, indicator {number}, measure",
                                           advice.measure))
            problems.extend(_text_problems(f"measures, indicator {number}, method",
                                           advice.method))
        for number in sorted(set(lib.measures.indicators) - set(fw.indicator_numbers)):
            problems.append(f"measures: indicator {number} is not in the {fw.fiscal_year} "
                            "framework")
    return problems


def _text_problems(where: str, text: str) -> list[str]:
    if not text.strip():
        return [f"{where} is empty"]
    if _DIGITS.search(text):
        return [f"{where} holds a digit; write numbers in words so that the digit option of "
                f"a report never has to change advice: {text[:60]!r}"]
    return []


def load_recommendations_file(path: str | Path, expect_year: int | None = None,
                              data_dir: str | Path | None = None) -> RecommendationLibrary:
    """Read, merge and check one recommendation file, naming the file in every error; checked
    against the year's framework as ``data_dir`` sees it."""
    path = Path(path)
    raw, lineage = _resolved(path)
    year = raw.get("fiscal_year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise RecommendationError(f"{path}: fiscal_year must be a year such as 2565; "
                                  f"got {year!r}")
    if expect_year is not None and year != expect_year:
        raise RecommendationError(
            f"{path}: fiscal_year is {year}, expected {expect_year} as the file name says")
    try:
        fw = load_framework(year, data_dir)
    except ItaError as exc:
        raise RecommendationError(f"{path}: {exc}") from exc
    raw = {**raw, "lineage": lineage, "target": fw.target,
           "bands": _resolve_bands(raw.get("bands"), fw.target)}
    try:
        lib = RecommendationLibrary.model_validate(raw)
    except ValidationError as exc:
        raise RecommendationError(f"{path}: invalid recommendation file:\n" + "\n".join(
            f"  - {line}" for line in validation_lines(path, exc.errors()))) from None
    problems = library_problems(lib, fw)
    if problems:
        raise RecommendationError(f"{path}: invalid recommendation file:\n"
                                  + "\n".join(f"  - {p}" for p in problems))
    return lib


def load_recommendations(year: int, data_dir: str | Path | None = None) -> RecommendationLibrary:
    """The recommendation library of a fiscal year (BE) as a data folder sees it, validated.

    Cached per process, keyed by the data folder's rule files (names, times, sizes) as well,
    so that an edited file is read again."""
    folder = None if data_dir in (None, "") else str(Path(data_dir))
    return _load_cached(int(year), folder,
                        stamp(folder, RECOMMENDATION_DIR, "frameworks"))


@lru_cache(maxsize=64)
def _load_cached(year: int, data_dir: str | None,
                 files: tuple[tuple[str, int, int], ...]) -> RecommendationLibrary:
    return load_recommendations_file(recommendation_path(year, data_dir), expect_year=year,
                                     data_dir=data_dir)
