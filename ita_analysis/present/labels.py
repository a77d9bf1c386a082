"""The grade or pass label a document prints as an organisation's result.

Since 2566 NACC publishes labels (ผ่าน, ผ่านดี, …) whose bands are only partly known; the
framework files mark each band confirmed or not. The rule, in one place:

- a label whose band is not confirmed is never printed as a computed result: the document
  prints the highest confirmed label the scores reach;
- where the year's bands are not all confirmed and the data has the label NACC published
  (``grade`` or ``label`` in ``published``), that label is printed: NACC's own answer beats
  our partial knowledge of its rule. Where every band is confirmed (the letter grades), the
  computed label is printed and a published one that differs is a contradiction (``check``);
- where the scores reach no confirmed band, no label is printed; the document says instead
  which confirmed band the score falls short of ("ต่ำกว่าเกณฑ์ “ผ่าน”"), or that no band of
  the year is confirmed yet.

What the unconfirmed bands would give (``provisional``) is kept for the annex and
``summary.json``, never printed as the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import pandas as pd

from ..rules.framework import Band, Framework

__all__ = ["NO_CONFIRMED_BAND_TH", "Label", "band_words", "choose_label", "label_columns",
           "result_text"]

Source = Literal["published", "computed", "none"]

NO_CONFIRMED_BAND_TH = "ยังไม่มีเกณฑ์ที่ยืนยันแล้ว"  # no band of the year is confirmed yet


@dataclass(frozen=True)
class Label:
    """The label of one organisation's year, and where it comes from."""

    printed: str | None  # the label the document prints; None when it prints none
    source: Source
    computed: str | None  # the highest confirmed band the scores reach
    provisional: str | None  # what every band gives, unconfirmed ones included
    published: str | None  # the label in the data's published results
    text_th: str  # what the document prints as the result: the label, or why there is none


def _blank(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def choose_label(fw: Framework, overall_2dp: object, computed: object, provisional: object,
                 published: object = None) -> Label:
    """The label a document prints, from the scored row and the published label (if any)."""
    computed, provisional, published = _blank(computed), _blank(provisional), _blank(published)
    if published is not None and not fw.grading.all_confirmed:
        printed, source = published, "published"
    elif computed is not None:
        printed, source = computed, "computed"
    else:
        printed, source = None, "none"
    return Label(printed=printed, source=source, computed=computed, provisional=provisional,
                 published=published, text_th=result_text(fw, printed, overall_2dp))


def result_text(fw: Framework, label: str | None, overall_2dp: object) -> str:
    """The label, or, without one, the confirmed band the overall score falls short of."""
    if label is not None:
        return label
    confirmed = [band for band in fw.grading.bands if band.confirmed]
    if not confirmed:
        return NO_CONFIRMED_BAND_TH
    lowest = min(confirmed, key=lambda band: (band.min, band.each_tool_min is not None))
    if Decimal(str(overall_2dp)) < lowest.min:
        return f"ต่ำกว่าเกณฑ์ “{lowest.label}”"
    return NO_CONFIRMED_BAND_TH


def band_words(band: Band) -> str:
    """A band in words for messages: ``F 0.00–49.99`` or ``ผ่านดี 85.00–100.00, every tool at
    least 85.00``."""
    text = f"{band.label} {band.min:.2f}–{band.max:.2f}"
    if band.each_tool_min is not None:
        text += f", every tool at least {band.each_tool_min:.2f}"
    return text


def label_columns(rows: pd.DataFrame, published: pd.DataFrame,
                  frameworks: Callable[[int], Framework]) -> pd.DataFrame:
    """``rows`` of a scored table with the printed label of each: ``label`` (None where none
    is printed), ``label_text`` (what a document prints) and ``label_source``."""
    given = {(r.org_id, int(r.fiscal_year)): r.grade for r in published.itertuples()}
    rules = {int(y): frameworks(int(y)) for y in rows["fiscal_year"].unique()}
    chosen = [choose_label(rules[int(r.fiscal_year)], r.overall_2dp, r.grade,
                           r.grade_provisional, given.get((r.org_id, int(r.fiscal_year))))
              for r in rows.itertuples()]
    return rows.assign(label=[c.printed for c in chosen], label_text=[c.text_th for c in chosen],
                       label_source=[c.source for c in chosen])
