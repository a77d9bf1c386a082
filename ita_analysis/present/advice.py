"""Which advice a document gives for one organisation's year, from its findings and the
year's recommendation library (``rules.library``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from ..analysis.findings import Findings
from ..rounding import round_half_up
from ..rules.library import RecommendationLibrary, load_recommendations

__all__ = ["Recommendation", "recommendations"]


class Recommendation(BaseModel):
    """One piece of advice as a report prints it."""

    scope: Literal["tool", "indicator", "item"]
    key: str  # "IIT", "10" or "O36"
    name_th: str
    band: str
    score_2dp: float
    texts: list[str]


def recommendations(findings: Findings) -> list[Recommendation]:
    """Advice for one organisation's year: each tool followed by its indicators in number
    order, then every item that fell short of full marks (in the framework's item order)."""
    lib = load_recommendations(findings.fiscal_year, findings.rules_dir or None)
    out: list[Recommendation] = []
    for tool in findings.tools:
        band = lib.band_for(tool.score_2dp)
        out.append(Recommendation(
            scope="tool", key=tool.code, name_th=tool.name_th, band=band.key,
            score_2dp=tool.score_2dp, texts=list(lib.tool_texts(tool.code, band.key))))
        for number in sorted(tool.indicators):
            ind = findings.indicator(number)
            band = lib.band_for(ind.score_2dp)
            out.append(Recommendation(
                scope="indicator", key=str(number), name_th=ind.name_th, band=band.key,
                score_2dp=ind.score_2dp, texts=list(lib.indicator_texts(number, band.key))))
    out.extend(_item_advice(findings, lib))
    return out


def _item_advice(findings: Findings, lib: RecommendationLibrary) -> list[Recommendation]:
    if lib.items is None:
        return []
    out = []
    for summary in sorted(findings.items, key=lambda s: s.indicator):
        for item in summary.items:
            code = str(item["code"])
            score = round_half_up(item["score"], 2)
            texts = lib.item_texts(code)
            if score >= lib.items.full_score or not texts:
                continue
            out.append(Recommendation(
                scope="item", key=code, name_th=str(item["name_th"]), band=lib.items.band,
                score_2dp=float(score), texts=list(texts)))
    return out
