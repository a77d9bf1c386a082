"""One year's answer rules compiled to arrays: each question's scale, points and indicator,
and each OIT item's sub-indicator and roll-up, so that millions of answers are checked and
scored with array operations (the rules are the framework file's ``questions``, ``scales``,
``checklist_scale`` and ``min_respondents``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import numpy as np
import pandas as pd

from ...errors import ItaError
from ...rounding import MICRO
from ...rules.framework import Framework, Scale, available_years
from ...thai import to_arabic_digits
from ..tables import plain_text

Frameworks = Callable[[int], Framework]


def answer_word(value: object) -> str:
    """A cell as compared with a scale's labels and codes: trimmed, case-folded, Arabic digits."""
    text = plain_text(value)
    text = to_arabic_digits(text).casefold()
    if re.fullmatch(r"[0-9]+\.0+", text):
        text = text.split(".")[0]
    return text


def _micro(value: Decimal) -> int:
    return int(Decimal(value) * MICRO)


def _scale_words(scale: Scale) -> dict[str, int]:
    return {answer_word(w): i for i, level in enumerate(scale.levels) for w in (*level.labels,
                                                                           *level.codes)}


def _scale_hint(scale: Scale) -> str:
    parts = [f"{level.labels[0]}" + (f" ({'/'.join(level.codes)})" if level.codes else "")
             for level in scale.levels]
    return f"{scale.id}: " + ", ".join(parts)


@dataclass(frozen=True)
class Questions:
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
def questions_of(fw: Framework) -> Questions | None:
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
    return Questions(
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
class Items:
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
def items_of(fw: Framework) -> Items | None:
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
    return Items(
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


def known_years(frameworks: Frameworks) -> list[int]:
    """Years with a framework as ``frameworks`` sees them (a data folder's own files too)."""
    years = getattr(frameworks, "years", None)
    return years() if callable(years) else available_years()


def years_with(kind: Callable[[Framework], object], frameworks: Frameworks) -> list[int]:
    years = []
    for year in known_years(frameworks):
        try:
            if kind(frameworks(year)) is not None:
                years.append(year)
        except ItaError:
            continue
    return years


def distinct_years(years: np.ndarray) -> list[int]:
    if not len(years):
        return []
    low, high = int(years.min()), int(years.max())
    return [low] if low == high else sorted(int(y) for y in pd.unique(years))


def year_rows(years: np.ndarray, year: int) -> np.ndarray | None:
    if not len(years) or (int(years.min()) == int(years.max()) == year):
        return None
    return years == year


def take(cats: list[str], codes: np.ndarray) -> np.ndarray:
    return np.asarray(cats, dtype=object)[codes]
