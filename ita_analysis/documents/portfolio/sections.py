"""The portfolio document: its parameters, checked before any kernel starts, its context, and
its sections as HTML fragments (one function per section, one notebook cell each).

``check_parameters`` is the one gate (a fiscal year with a framework file, a valid data folder,
a scope that exists and holds organisations scored that year, ``digits`` ``thai`` or
``arabic``); every failure is a one-line ``ParameterError``. ``build_context`` calls it again,
so the notebook fails just as clearly when an analyst runs it in JupyterLab.

Without a data folder the portfolio reads the embedded synthetic demonstration province (the
embedded default data hold one organisation, which makes no portfolio); a document made from
synthetic data says so at its top and in its footer.

Fragments are Jinja2 templates in ``report/templates/portfolio/`` with autoescaping on, and the
report's ``finalize`` (every printed value in the chosen digits) and ``Numbers`` helper. The
ranking table carries its own small script (sorting and filtering, no library, nothing
fetched) and the sections their own stylesheet, every rule scoped to ``.pf`` so that nothing
leaks into JupyterLab's page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment
from markupsafe import Markup

from ... import __version__
from ...analysis.portfolio import (
    TYPE_ABBREVIATIONS,
    Portfolio,
    analyse_portfolio,
    scope_rows,
)
from ...analysis.scope import Scope, bare_place, resolve_scope
from ...data.dataset import Dataset, Excluded, synthetic_data_dir
from ...errors import ParameterError
from ...present.narrative import join_thai
from ...present.thaibreak import wrap_html
from ...rules.framework import Framework
from ...scoring import score_table
from ...thai import Digits, apply_digits, check_digits
from .. import TEMPLATES
from ..facts import ContextFacts
from ..params import checked_dataset, data_folder, fiscal_year_param
from ..report.context import Figure
from ..report.sections import Numbers, colophon_values, inline_svg, template_environment

__all__ = ["ANNEX_ORDER", "DEFAULT_YEAR", "ORDER", "SECTIONS", "PortfolioContext",
           "PortfolioParams", "build_context", "check_parameters", "document", "title"]

DEFAULT_YEAR = 2567
TEMPLATE_DIR = TEMPLATES / "portfolio"

SECTION_TITLES: dict[str, str] = {
    "overview": "ภาพรวมผลการประเมินของกลุ่มหน่วยงาน",
    "weakest": "ตัวชี้วัดที่ควรพัฒนาในภาพรวมของกลุ่ม",
    "ranking": "ผลการประเมินรายหน่วยงาน",
    "heat_map": "คะแนนรายตัวชี้วัดของแต่ละหน่วยงาน",
    "movement": "การเปลี่ยนแปลงจากปีงบประมาณก่อนหน้า",
}
ORDER = ("cover", "overview", "weakest", "ranking", "heat_map", "movement", "colophon")
ANNEX_ORDER = ("annex_run",)  # the internal annex: what made the document, never published


# -- parameters --------------------------------------------------------------------------------

@dataclass(frozen=True)
class PortfolioParams:
    """Checked parameters of one portfolio (filters written as the data writes them)."""

    fiscal_year: int
    data_dir: str  # "" = the embedded synthetic province
    province: str
    district: str
    org_type: str
    digits: Digits

    @property
    def scope(self) -> Scope:
        return Scope(province=self.province, district=self.district, org_type=self.org_type)

    def notebook_parameters(self) -> dict[str, Any]:
        """The values papermill injects into the notebook."""
        return {"fiscal_year": self.fiscal_year, "data_dir": self.data_dir,
                "province": self.province, "district": self.district,
                "org_type": self.org_type, "digits": self.digits}

    def as_dict(self) -> dict[str, Any]:
        return self.notebook_parameters()


def check_parameters(
    fiscal_year: int = DEFAULT_YEAR,
    data_dir: str | Path | None = "",
    province: str = "",
    district: str = "",
    org_type: str = "",
    digits: str = "thai",
) -> tuple[PortfolioParams, Dataset]:
    """Check every parameter without starting anything; one-line ``ParameterError`` if wrong."""
    checked_digits = check_digits(digits)
    year = fiscal_year_param(fiscal_year)
    for name, value in (("province", province), ("district", district),
                        ("org_type", org_type)):
        if value is not None and not isinstance(value, str):
            raise ParameterError(f"{name} must be text (empty: any); got {value!r}")
    folder = data_folder(data_dir)
    # an organisation whose own rows are invalid is left out (Dataset.excluded)
    dataset = checked_dataset(year, folder, default=synthetic_data_dir(),
                              default_name="the embedded synthetic data")
    scope = resolve_scope(dataset, province or "", district or "", org_type or "", year)
    params = PortfolioParams(fiscal_year=year, data_dir=str(folder) if folder else "",
                             province=scope.province, district=scope.district,
                             org_type=scope.org_type, digits=checked_digits)
    return params, dataset


# -- the context -------------------------------------------------------------------------------

@dataclass
class PortfolioContext(ContextFacts):
    """Everything the portfolio's sections read; built once per run by ``build_context``."""

    params: PortfolioParams
    dataset: Dataset
    framework: Framework
    framework_file: Path
    table: pd.DataFrame  # the whole data set, scored
    portfolio: Portfolio
    synthetic: bool
    generated_at: datetime
    version: str = __version__
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def scope(self) -> Scope:
        return self.params.scope

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The scope's scored rows of the fiscal year, with names and places (for analysts)."""
        return scope_rows(self.dataset, self.table, self.scope, self.params.fiscal_year)

    @cached_property
    def left_out(self) -> list[Excluded]:
        """Organisations of the scope left out because their own rows are invalid (what the
        document and its summary say, so that nobody reads the group as complete)."""
        s, year = self.scope, self.params.fiscal_year
        found = []
        for org in sorted(self.dataset.excluded.values(), key=lambda e: e.org_id):
            if org.years and year not in org.years:
                continue
            if any(want and want != have for want, have in (
                    (s.province, org.province), (s.district, org.district),
                    (s.org_type, org.org_type))):
                continue
            found.append(org)
        return found

    @property
    def left_out_names(self) -> str:
        """Their names joined as Thai joins a list ("" when one is not known)."""
        names = [org.name for org in self.left_out]
        return join_thai(names) if all(names) else ""

    @cached_property
    def sections(self) -> dict[str, int]:
        return {key: number for number, key in enumerate(SECTION_TITLES, start=1)}

    @cached_property
    def keep_whole(self) -> tuple[str, ...]:
        """Names a line should not break inside: the group's organisations and places."""
        orgs = self.dataset.organisations
        ids = {r.org_id for r in self.portfolio.ranking}
        rows = orgs[orgs["org_id"].isin(ids)]
        names = {*rows["name"], *rows["district"], *rows["province"]}
        return tuple(sorted(n for n in names if isinstance(n, str) and n))

    @cached_property
    def tables(self) -> dict[str, int]:
        keys = ["tools", "grades", "indicators", "ranking"]
        m = self.portfolio.movement
        if m.rose:
            keys.append("rose")
        if m.fell:
            keys.append("fell")
        return {key: number for number, key in enumerate(keys, start=1)}

    @cached_property
    def figures(self) -> dict[str, Figure]:
        """Every chart of the document, numbered in document order (drawn once)."""
        from ...present.charts import portfolio as pc
        from ...present.charts.style import page_fonts

        p, d = self.portfolio, self.digits
        m = p.movement
        _, cut = pc.movement_selection(m)
        where = p.scope_label
        with page_fonts():  # the document (or the notebook's lab_style) carries Sarabun
            drawn: list[tuple[str, str, str | None]] = [
                ("histogram", f"การกระจายของคะแนนรวมของ{where}", pc.score_histogram(p, d)),
                ("grades", f"จำนวนหน่วยงานจำแนกตาม{p.grading_name_th}",
                 pc.grade_chart(p, d)),
                ("heat_map", "คะแนนรายตัวชี้วัดของแต่ละหน่วยงาน เรียงตามอันดับคะแนนรวม",
                 pc.heat_map(p.heat_map, p.target, d,
                             tool_names={t.code: t.name_th for t in self.framework.tools})),
                ("movement",
                 (f"หน่วยงานที่คะแนนรวมเพิ่มขึ้นมากที่สุดและลดลงมากที่สุดอย่างละไม่เกิน "
                  f"{pc.MOVEMENT_MAX_EACH} หน่วยงาน" if cut else
                  "คะแนนรวมของแต่ละหน่วยงาน") + f" ปีงบประมาณ พ.ศ. {m.previous_year} และ "
                 f"{p.fiscal_year}", pc.movement_chart(m, p.fiscal_year, p.target, d)),
            ]
        kept = [(key, caption, svg) for key, caption, svg in drawn if svg]
        return {key: Figure(key, number, apply_digits(caption, d), svg)
                for number, (key, caption, svg) in enumerate(kept, start=1)}


def build_context(
    fiscal_year: int = DEFAULT_YEAR,
    data_dir: str | Path | None = "",
    province: str = "",
    district: str = "",
    org_type: str = "",
    digits: str = "thai",
    generated_at: str | datetime | None = "",
) -> PortfolioContext:
    """Check the parameters, score the data and analyse the group.

    ``generated_at`` (ISO time) is the run time the document records; empty means now.
    """
    when: datetime | None = None
    if isinstance(generated_at, datetime):
        when = generated_at
    elif generated_at:
        try:
            when = datetime.fromisoformat(str(generated_at))
        except ValueError:
            raise ParameterError(f"generated_at must be an ISO time such as "
                                 f"2024-12-15T10:00:00+07:00; got {generated_at!r}") from None
    if when is None or when.tzinfo is None:
        when = (when or datetime.now()).astimezone()
    params, dataset = check_parameters(fiscal_year, data_dir, province, district, org_type,
                                       digits)
    table = score_table(dataset.scores, dataset.frameworks)
    portfolio = analyse_portfolio(dataset, params.fiscal_year, params.scope, table)
    return PortfolioContext(
        params=params, dataset=dataset, framework=dataset.framework(params.fiscal_year),
        framework_file=dataset.frameworks.path(params.fiscal_year), table=table,
        portfolio=portfolio, synthetic=dataset.synthetic, generated_at=when)


# -- rendering ---------------------------------------------------------------------------------

@cache
def _asset(name: str) -> Markup:
    """Our own stylesheet or script, as it is (no data in it)."""
    return Markup((TEMPLATE_DIR / name).read_text(encoding="utf-8"))


@cache
def environment(digits: Digits) -> Environment:
    return template_environment(TEMPLATE_DIR, digits, SECTION_TITLES=SECTION_TITLES,
                                svg=inline_svg)


def _render(name: str, ctx: PortfolioContext, **values: Any) -> str:
    """A section's HTML, with the points where its Thai lines may break marked."""
    template = environment(ctx.digits).get_template(f"{name}.html.j2")
    html = template.render(ctx=ctx, p=ctx.portfolio, fw=ctx.framework, sec=ctx.sections,
                           tab=ctx.tables, fig=ctx.figures, **values).strip()
    return wrap_html(html, keep=ctx.keep_whole)


def title(ctx: PortfolioContext) -> str:
    """The document's title (the browser tab, the first heading)."""
    p = ctx.portfolio
    return apply_digits(f"การวิเคราะห์ผลการประเมิน ITA ของ{p.scope_label} "
                        f"ปีงบประมาณ พ.ศ. {p.fiscal_year}", ctx.digits)


def cover(ctx: PortfolioContext) -> str:
    return _render("cover", ctx, css=_asset("portfolio.css"))


def overview(ctx: PortfolioContext) -> str:
    fw = ctx.framework
    bands: dict[str, list[Any]] = {}
    for band in fw.grading.bands:
        bands.setdefault(band.label, []).append(band)
    return _render("overview", ctx, bands=bands)


def _indicator_words(stats: list[Any]) -> str:
    return join_thai([f"ตัวชี้วัดที่ {s.number} {s.name_th} ({s.tool})" for s in stats])


def weakest(ctx: PortfolioContext) -> str:
    p, n = ctx.portfolio, Numbers(ctx.digits)
    low = p.weakest
    lowest = (f"ตัวชี้วัดที่กลุ่มได้คะแนนเฉลี่ยต่ำสุดคือ{_indicator_words(low)} "
              f"เฉลี่ย {n.score(low[0].mean_2dp)} คะแนน")
    if len(low) == 1:
        lowest += (f" มีหน่วยงานที่ได้คะแนนตัวชี้วัดนี้ต่ำกว่าค่าเป้าหมาย "
                   f"{n.int(low[0].below_target)} หน่วยงาน (ร้อยละ "
                   f"{n.score(low[0].share_below_target)})")
    most = max(s.below_target for s in p.indicators)
    worst = [s for s in sorted(p.indicators, key=lambda s: s.number) if s.below_target == most]
    below = ""
    if most == 0:
        below = "ทุกหน่วยงานได้คะแนนทุกตัวชี้วัดตั้งแต่ค่าเป้าหมายขึ้นไป"
    elif [s.number for s in worst] != [s.number for s in low]:
        below = (f"ส่วนตัวชี้วัดที่มีหน่วยงานได้คะแนนต่ำกว่าค่าเป้าหมายมากที่สุดคือ"
                 f"{_indicator_words(worst)} จำนวน {n.int(most)} หน่วยงาน (ร้อยละ "
                 f"{n.score(worst[0].share_below_target)})")
    return _render("weakest", ctx, lowest_text=apply_digits(lowest, ctx.digits),
                   below_text=apply_digits(below, ctx.digits))


def ranking(ctx: PortfolioContext) -> str:
    # sort by the order of the label table: labels best first, then what stands in for one
    order = {g.label: i for i, g in enumerate(ctx.portfolio.grades)}
    rows = [{"r": r, "type_short": TYPE_ABBREVIATIONS.get(r.org_type, r.org_type),
             "district_short": bare_place("district", r.district)}
            for r in ctx.portfolio.ranking]
    return _render("ranking", ctx, rows=rows, grade_order=order, script=_asset("ranking.js"),
                   abbreviations=_abbreviations(ctx))


def _abbreviations(ctx: PortfolioContext) -> list[tuple[str, str]]:
    """The type abbreviations the group's short names use, as (abbreviation, full name)."""
    types = dict.fromkeys(r.org_type for r in ctx.portfolio.ranking)
    return [(TYPE_ABBREVIATIONS[t], t) for t in types if t in TYPE_ABBREVIATIONS]


def heat_map(ctx: PortfolioContext) -> str:
    from ...present.charts.portfolio import HEAT_MAP_MAX_ROWS

    return _render("heat_map", ctx, max_rows=HEAT_MAP_MAX_ROWS)


def movement(ctx: PortfolioContext) -> str:
    from ...present.charts.portfolio import MOVEMENT_MAX_EACH

    m = ctx.portfolio.movement
    changed_kind = m.previous_grading_kind not in (None, ctx.framework.grading.kind)
    return _render("movement", ctx, m=m, top=MOVEMENT_MAX_EACH, changed_kind=changed_kind)


def colophon(ctx: PortfolioContext) -> str:
    return _render("colophon", ctx)


def annex_run(ctx: PortfolioContext) -> str:
    return _render("annex_run", ctx, **colophon_values(ctx))


SECTIONS: dict[str, Callable[[PortfolioContext], str]] = {
    "cover": cover, "overview": overview, "weakest": weakest, "ranking": ranking,
    "heat_map": heat_map, "movement": movement, "colophon": colophon, "annex_run": annex_run,
}


def document(ctx: PortfolioContext) -> str:
    """Every section in order, as one HTML fragment (what the notebook's cells display)."""
    return "\n".join(part for part in (SECTIONS[name](ctx) for name in ORDER) if part)
