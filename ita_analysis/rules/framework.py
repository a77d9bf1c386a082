"""ITA frameworks as data: one YAML file per fiscal year, loaded and checked here.

Weights, indicators, items, grade bands and the target all live in
``rules/frameworks/<year>.yaml``; no Python code names a year. The loader refuses a
broken file (weights not summing to one, bands with gaps or overlaps, an indicator in no tool
or in two) with every problem listed, so a bad edit never scores anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import FrameworkError, UnknownFiscalYearError
from ..rounding import round_half_up
from ..thai import ce_year_hint
from .yearfiles import Origin, read_mapping, span, validation_lines, year_file, years_of

HUNDREDTH = Decimal("0.01")
FRAMEWORK_DIR = "frameworks"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Item(_Model):
    code: str
    name_th: str


class SubIndicator(_Model):
    code: str
    name_th: str
    items: tuple[Item, ...] = ()


class Indicator(_Model):
    number: int = Field(ge=1)
    name_th: str
    items_verified: bool | None = None
    sub_indicators: tuple[SubIndicator, ...] = ()

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for sub in self.sub_indicators for item in sub.items)


class Tool(_Model):
    code: str
    name_th: str
    name_en: str
    weight: Decimal = Field(gt=0, le=1)
    indicators: tuple[int, ...]


class Band(_Model):
    """A grade or pass label and the scores that earn it.

    ``confirmed`` says whether NACC is known to apply this band in this year (from its own
    tables or results it published); a document never prints the label of an unconfirmed
    band as the result (see ``labels``). Every band must say which it is.
    """

    label: str
    min: Decimal = Field(ge=0, le=100)
    max: Decimal = Field(ge=0, le=100)
    each_tool_min: Decimal | None = Field(default=None, ge=0, le=100)
    confirmed: bool
    source: str | None = None  # where the band (or what is known of it) comes from


class Grading(_Model):
    kind: Literal["letter", "pass"]
    name_th: str
    bands: tuple[Band, ...]

    @property
    def all_confirmed(self) -> bool:
        """Every band is confirmed: the computed label is then the whole answer."""
        return all(band.confirmed for band in self.bands)


ROLLUP_METHODS = ("mean_of_sub_indicators", "mean_of_items")


class ItemRollup(_Model):
    """How an indicator's score is made from its items' scores (OIT items score 100 or 0).

    ``mean_of_sub_indicators``: each sub-indicator is the mean of its items, the indicator
    the mean of its sub-indicators (NACC's rule as its published tables reproduce it);
    ``mean_of_items``: the plain mean of every item. ``rollup`` implements both.
    """

    method: Literal["mean_of_sub_indicators", "mean_of_items"]
    verified: bool
    source: str


class Provenance(_Model):
    status: Literal["verified", "partly verified", "unverified"]
    verified: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    copied_from: int | None = None  # the year a file was copied from (``rules new``)


class Mandate(_Model):
    """Why agencies take part: the cabinet resolution and the national strategy's goal."""

    cabinet_resolution: date  # the resolution that asks every agency to take part
    goal_share: Decimal = Field(gt=0, le=100)  # % of agencies expected to reach the target


class ScaleLevel(_Model):
    """One answer on a scale: its score and the words and codes that mean it in a data file."""

    score: Decimal = Field(ge=0, le=100)
    labels: tuple[str, ...] = Field(min_length=1)  # Thai label first (the one printed)
    codes: tuple[str, ...] = ()


class Scale(_Model):
    """An answer scale of the questionnaires; levels run from the lowest score to the highest.

    A reversed question scores level ``i`` of ``n`` as level ``n - 1 - i`` would score.
    """

    id: str
    kind: Literal["four_level", "yes_no"]
    name_th: str | None = None
    levels: tuple[ScaleLevel, ...]


class Question(_Model):
    """One question of a respondents' questionnaire (IIT i1…, EIT e1…)."""

    id: str = Field(pattern=r"^[a-z][0-9]{1,3}$")
    tool: str
    indicator: int
    scale: str
    reversed: bool = False
    text_th: str | None = None
    verified: bool = False


class RespondentMinimum(_Model):
    """Fewest respondents of a tool the assessment expects from one organisation."""

    tool: str
    minimum: int = Field(ge=1)
    verified: bool = False
    note: str | None = None


class Framework(_Model):
    """The rules of one fiscal year's assessment."""

    fiscal_year: int = Field(ge=2500, le=2700)
    name_th: str
    short_name: str = "ITA"
    target: Decimal = Field(ge=0, le=100)
    provenance: Provenance
    mandate: Mandate | None = None
    tools: tuple[Tool, ...]
    indicators: tuple[Indicator, ...]
    grading: Grading
    # answers: scales, the questionnaires' questions, respondent minimums (see responses.py)
    scales: tuple[Scale, ...] = ()
    questions: tuple[Question, ...] = ()
    min_respondents: tuple[RespondentMinimum, ...] = ()
    checklist_scale: str | None = None  # the yes/no scale OIT checklist items are scored on
    item_rollup: ItemRollup  # how item scores make an indicator's (checklists, item tables)

    @model_validator(mode="after")
    def _check_rules(self) -> Framework:
        problems = framework_problems(self)
        if problems:
            raise ValueError("\n".join(problems))  # one line each in the loader's message
        return self

    # -- look-ups -----------------------------------------------------------------
    @property
    def indicator_numbers(self) -> tuple[int, ...]:
        return tuple(ind.number for ind in self.indicators)

    @property
    def tool_codes(self) -> tuple[str, ...]:
        return tuple(tool.code for tool in self.tools)

    def indicator(self, number: int) -> Indicator:
        for ind in self.indicators:
            if ind.number == number:
                return ind
        raise KeyError(f"fiscal year {self.fiscal_year} has no indicator {number}")

    def tool(self, code: str) -> Tool:
        for tool in self.tools:
            if tool.code == code:
                return tool
        raise KeyError(f"fiscal year {self.fiscal_year} has no tool {code}")

    def scale(self, scale_id: str) -> Scale:
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise KeyError(f"fiscal year {self.fiscal_year} has no answer scale {scale_id}")

    def tool_of(self, number: int) -> Tool:
        for tool in self.tools:
            if number in tool.indicators:
                return tool
        raise KeyError(f"fiscal year {self.fiscal_year} has no indicator {number}")

    @property
    def items(self) -> dict[str, tuple[Indicator, SubIndicator, Item]]:
        """Every item code with the indicator and sub-indicator it belongs to."""
        return {
            item.code: (ind, sub, item)
            for ind in self.indicators
            for sub in ind.sub_indicators
            for item in sub.items
        }

    @property
    def grade_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(band.label for band in self.grading.bands))

    def band_of(self, label: str) -> Band | None:
        """The first band that gives ``label`` (bands are tried in file order)."""
        return next((band for band in self.grading.bands if band.label == label), None)

    def grade(self, overall: Decimal, tools: Mapping[str, Decimal]) -> str | None:
        """The label of the confirmed bands for two-decimal overall and tool scores, or None
        when the scores reach no confirmed band."""
        return self.grades(overall, tools)[0]

    def grades(self, overall: Decimal, tools: Mapping[str, Decimal]
               ) -> tuple[str | None, str | None]:
        """(label of the confirmed bands, label of every band, unconfirmed ones included)."""
        def hundredths(value: Decimal) -> np.ndarray:
            return np.array([int(round_half_up(value) * 100)], dtype=np.int64)

        tools_h = {code: hundredths(tools[code]) for code in self.tool_codes}
        over = hundredths(overall)
        return (assign_grades(self, over, tools_h, confirmed_only=True)[0],
                assign_grades(self, over, tools_h)[0])

    def passed(self, overall: Decimal) -> bool:
        """At or above the target, read off the two-decimal overall score."""
        return overall >= self.target


def assign_grades(
    fw: Framework, overall_h: np.ndarray, tools_h: Mapping[str, np.ndarray],
    *, confirmed_only: bool = False,
) -> np.ndarray:
    """Grade labels from whole hundredths of the overall and tool scores, many rows at once.

    The one implementation of the banding rule: bands are tried in file order and the first
    whose range holds the overall score (and, where it sets ``each_tool_min``, every tool
    score) gives the label. With ``confirmed_only`` the unconfirmed bands are skipped, so
    that a row gets the highest confirmed label it reaches, or None when it reaches none.
    """
    overall_h = np.asarray(overall_h, dtype=np.int64)
    labels = np.full(overall_h.shape, None, dtype=object)
    open_rows = np.ones(overall_h.shape, dtype=bool)
    for band in fw.grading.bands:
        if confirmed_only and not band.confirmed:
            continue
        holds = open_rows & (overall_h >= int(band.min * 100)) & (overall_h <= int(band.max * 100))
        if band.each_tool_min is not None:
            floor = int(band.each_tool_min * 100)
            for code in fw.tool_codes:
                holds &= np.asarray(tools_h[code], dtype=np.int64) >= floor
        labels[holds] = band.label
        open_rows &= ~holds
    return labels


def framework_problems(fw: Framework) -> list[str]:
    """Every broken rule of a framework, in words; empty when it is sound."""
    problems: list[str] = []
    total = sum((tool.weight for tool in fw.tools), Decimal(0))
    if total != 1:
        problems.append(f"tool weights sum to {total}, expected 1")
    codes = [tool.code for tool in fw.tools]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"tool {code} is defined twice")
    numbers = [ind.number for ind in fw.indicators]
    for number in sorted({n for n in numbers if numbers.count(n) > 1}):
        problems.append(f"indicator {number} is defined twice")
    owners: dict[int, list[str]] = {n: [] for n in numbers}
    for tool in fw.tools:
        for number in tool.indicators:
            if number not in owners:
                problems.append(f"tool {tool.code} names indicator {number}, which is not defined")
                continue
            owners[number].append(tool.code)
    for number, tools in owners.items():
        if not tools:
            problems.append(f"indicator {number} is in no tool, expected exactly one")
        elif len(tools) > 1:
            problems.append(f"indicator {number} is in {len(tools)} tools ({', '.join(tools)}), "
                            "expected exactly one")
    seen_items: set[str] = set()
    for ind in fw.indicators:
        if ind.items:
            for sub in ind.sub_indicators:
                if not sub.items:
                    problems.append(f"sub-indicator {sub.code} of indicator {ind.number} lists "
                                    "no items, expected at least one (the indicator is made "
                                    "from its items)")
        for sub in ind.sub_indicators:
            for item in sub.items:
                if item.code in seen_items:
                    problems.append(f"item {item.code} is listed twice")
                seen_items.add(item.code)
    problems.extend(_band_problems(fw.grading.bands))
    problems.extend(_answer_problems(fw))
    return problems


LEVELS_OF_KIND = {"four_level": 4, "yes_no": 2}


def _answer_problems(fw: Framework) -> list[str]:
    """Scales, questions and respondent minimums: ids unique, every reference resolves."""
    problems: list[str] = []
    scale_ids = [scale.id for scale in fw.scales]
    for sid in sorted({s for s in scale_ids if scale_ids.count(s) > 1}):
        problems.append(f"answer scale {sid} is defined twice")
    for scale in fw.scales:
        want = LEVELS_OF_KIND[scale.kind]
        if len(scale.levels) != want:
            problems.append(f"scale {scale.id} ({scale.kind}) has {len(scale.levels)} levels, "
                            f"expected {want}")
        scores = [level.score for level in scale.levels]
        if any(b <= a for a, b in pairwise(scores)):
            problems.append(f"scale {scale.id} scores {[str(x) for x in scores]} do not rise "
                            "from the first level to the last")
        words = [w.casefold() for level in scale.levels for w in (*level.labels, *level.codes)]
        for word in sorted({w for w in words if words.count(w) > 1}):
            problems.append(f"scale {scale.id} accepts {word!r} for more than one level")
    tools = {tool.code: tool for tool in fw.tools}
    ids = [q.id for q in fw.questions]
    for qid in sorted({q for q in ids if ids.count(q) > 1}):
        problems.append(f"question {qid} is defined twice")
    for q in fw.questions:
        if q.tool not in tools:
            problems.append(f"question {q.id} names tool {q.tool}, which is not defined")
        elif q.indicator not in tools[q.tool].indicators:
            problems.append(f"question {q.id} is in indicator {q.indicator}, which is not an "
                            f"indicator of {q.tool} ({list(tools[q.tool].indicators)})")
        if q.scale not in scale_ids:
            problems.append(f"question {q.id} uses scale {q.scale}, which is not defined")
    minimum_tools = [m.tool for m in fw.min_respondents]
    for m in fw.min_respondents:
        if m.tool not in tools:
            problems.append(f"min_respondents names tool {m.tool}, which is not defined")
    for code in sorted({t for t in minimum_tools if minimum_tools.count(t) > 1}):
        problems.append(f"min_respondents gives tool {code} twice")
    if fw.checklist_scale is not None:
        if fw.checklist_scale not in scale_ids:
            problems.append(f"checklist_scale {fw.checklist_scale} is not a defined scale")
        elif fw.scale(fw.checklist_scale).kind != "yes_no":
            problems.append(f"checklist_scale {fw.checklist_scale} is not a yes_no scale")
    return problems


def _band_problems(bands: tuple[Band, ...]) -> list[str]:
    """Unconditional bands must tile 0.00–100.00 at hundredth steps, no gap, no overlap."""
    problems = [f"band {b.label} runs from {b.min} down to {b.max}" for b in bands if b.min > b.max]
    plain = sorted((b for b in bands if b.each_tool_min is None), key=lambda b: b.min)
    if not plain:
        return [*problems, "no band without conditions, expected bands covering 0–100"]
    if plain[0].min != 0:
        problems.append(f"bands start at {plain[0].min}, expected 0")
    if plain[-1].max != 100:
        problems.append(f"bands end at {plain[-1].max}, expected 100")
    for low, high in pairwise(plain):
        step = high.min - low.max
        if step > HUNDREDTH:
            problems.append(f"gap between band {low.label} (to {low.max}) and band "
                            f"{high.label} (from {high.min})")
        elif step < HUNDREDTH:
            problems.append(f"bands {low.label} and {high.label} overlap "
                            f"({low.min}–{low.max} and {high.min}–{high.max})")
    return problems


# -- loading ----------------------------------------------------------------------

def available_years(data_dir: str | Path | None = None) -> list[int]:
    """Fiscal years (BE) with a framework file: the package's and a data folder's own."""
    return years_of(FRAMEWORK_DIR, data_dir)


def framework_path(year: int, data_dir: str | Path | None = None) -> Path:
    """The file holding a year's rules (a data folder's own first); a clear error when none."""
    found = year_file(FRAMEWORK_DIR, year, data_dir)
    if found is None:
        hint = ""
        if ce := ce_year_hint(int(year), short=True):
            hint = f" {ce}: fiscal years are Buddhist Era."
        else:
            known = available_years(data_dir)
            if known and int(year) > known[-1]:
                hint = (f" To add it, copy the latest year's rules into the data folder: "
                        f"ita-analysis rules new {int(year)} --from {known[-1]} --data DIR "
                        "(docs/adding-a-year.md).")
        raise UnknownFiscalYearError(
            f"no ITA framework for fiscal year {year}; available: "
            f"{span(available_years(data_dir))}.{hint}")
    return found[0]


def framework_origin(year: int, data_dir: str | Path | None = None) -> Origin:
    """Whether a year's rules come from the package or from the data folder's own file."""
    framework_path(year, data_dir)  # the same error when there is none
    found = year_file(FRAMEWORK_DIR, year, data_dir)
    assert found is not None
    return found[1]


def load_framework(year: int, data_dir: str | Path | None = None) -> Framework:
    """The framework of a fiscal year (BE) as a data folder sees it, validated.

    Cached per file and its modification time and size, so that a long-lived kernel reads an
    edited file again and two data folders never share a year's rules by mistake.
    """
    path = framework_path(year, data_dir)
    info = path.stat()
    return _load_cached(path, int(year), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=256)
def _load_cached(path: Path, year: int, mtime_ns: int, size: int) -> Framework:
    return load_framework_file(path, expect_year=year)


@dataclass(frozen=True)
class FrameworkFiles:
    """The frameworks a run on one data folder sees: its own files over the package's.

    Callable like ``load_framework`` (the ``frameworks`` argument of scoring and answers) and
    able to list its years.
    """

    data_dir: Path | None = None

    def __call__(self, year: int) -> Framework:
        return load_framework(year, self.data_dir)

    def years(self) -> list[int]:
        return available_years(self.data_dir)

    def path(self, year: int) -> Path:
        return framework_path(year, self.data_dir)


def load_framework_file(path: str | Path, expect_year: int | None = None) -> Framework:
    """Read and validate one framework file, naming the file in every error."""
    path = Path(path)
    raw = read_mapping(path, "framework file", FrameworkError)
    try:
        fw = Framework.model_validate(raw)
    except ValidationError as exc:
        top = f"{path}: (top of the file): "
        lines = []
        for line in validation_lines(path, exc.errors()):
            if line.startswith(top):  # the rules' own checks, one problem a line
                lines += [f"{path}: {problem}" for problem in line.removeprefix(top).split("\n")]
            else:
                lines.append(line)
        raise FrameworkError(f"{path}: invalid framework file:\n"
                             + "\n".join(f"  - {line}" for line in lines)) from None
    if expect_year is not None and fw.fiscal_year != expect_year:
        raise FrameworkError(
            f"{path}: fiscal_year is {fw.fiscal_year}, expected {expect_year} as the file name says"
        )
    return fw
