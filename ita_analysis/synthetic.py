"""Synthetic ITA data: invented organisations and scores, for tests, examples and benchmarks.

Everything this module makes is SYNTHETIC. The organisations, places, districts, province,
scores, items, published results and measures are invented by a seeded random generator; none of
it describes a real agency, and any likeness to a real place name is coincidental. Never mix
these data with real assessment results.

Two entry points:

- :func:`make_province` builds one invented province (80 local administrations by default:
  mostly องค์การบริหารส่วนตำบล, some เทศบาลตำบล, a few เทศบาลเมือง) in the project's data formats
  as a :class:`SyntheticData` of pandas DataFrames.
- :func:`make_national` builds only the long scores table for a national-sized population
  (8,303 organisations by default, as in fiscal year 2565), fully vectorised, for benchmarks.

How the scores are made (the same model for both):

- IIT (indicators 1–5) and EIT (6–8): a yearly mean per tool, plus a persistent level per
  organisation, a yearly random-walk drift, a fixed effect per indicator and noise; clipped to
  [0, 100] and kept to two decimals. IIT sits in the 90s, EIT a few points lower.
- OIT (9–10): each organisation-year has a probability of meeting an OIT item, from a yearly
  mean, a persistent OIT capability and the drift; each of the 43 items of the 2565 list
  (O1–O43) is then scored 100 or 0 as assessors do, with some items harder than others.
  Indicators 9 and 10 are the plain mean of their sub-indicators' pass shares (9.1–9.5;
  10.1 O34–O41 and 10.2 O42–O43): NACC's roll-up, the rule `ita-analysis check` reconciles
  published item tables with. Hence OIT has the widest spread, with many agencies at 100.
- Province means per year come out near 80 (2563), 81 (2564), 88 (2565), 90 (2566) and
  92 (2567); the national means reported were 81.25 in 2564 and 87.57 in 2565.

Scores are decimal numbers with two places, taken as exact: published tool scores and the
overall score are computed from them with exact integer arithmetic and half-up rounding.
The weights (30/30/40) and grade bands are a deliberate copy, independent of the framework
files, so that the scoring library can be checked against these data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .rules.framework import load_framework
from .scoring import score_table

__all__ = [
    "DEFAULT_SEED",
    "SyntheticData",
    "make_national",
    "make_province",
]

DEFAULT_SEED = 2565

ORGANISATION_COLUMNS = ["org_id", "name", "org_type", "district", "province",
                        "executive_name", "executive_title"]
SCORE_COLUMNS = ["org_id", "fiscal_year", "indicator", "score"]
ITEM_COLUMNS = ["org_id", "fiscal_year", "item", "score"]
PUBLISHED_COLUMNS = ["org_id", "fiscal_year", "iit", "eit", "oit", "overall", "grade"]
MEASURE_COLUMNS = [
    "org_id",
    "fiscal_year",
    "measure",
    "method",
    "owner",
    "start",
    "end",
    "follow_up",
    "addresses",
]
# Invented executives (no real person): every other organisation names its executive, so that
# documents show both a named signature block and one left blank to fill in by hand.
_EXECUTIVES = ("นายสมศักดิ์ ทองดี", "นางสาวพรทิพย์ ศรีสุข", "นายวีระ แก้วมณี", "นางสุดารัตน์ บุญมา",
               "นายประเสริฐ ใจงาม", "นางวันเพ็ญ รักษ์ไทย", "นายชัยวัฒน์ สายทอง")
_EXECUTIVE_TITLES = {"องค์การบริหารส่วนตำบล": "นายกองค์การบริหารส่วนตำบล",
                     "เทศบาลตำบล": "นายกเทศมนตรีตำบล", "เทศบาลเมือง": "นายกเทศมนตรีเมือง"}
CONTRADICTION_COLUMNS = ["org_id", "fiscal_year", "column", "published", "correct"]

SAO = "องค์การบริหารส่วนตำบล"
TAMBON_MUNICIPALITY = "เทศบาลตำบล"
TOWN_MUNICIPALITY = "เทศบาลเมือง"
_TYPE_SLUG = {SAO: "sao", TAMBON_MUNICIPALITY: "tmn", TOWN_MUNICIPALITY: "twn"}
# a municipality publishes a little more on its website than an SAO (in OIT standard deviations)
_TYPE_OIT_SHIFT = {SAO: 0.0, TAMBON_MUNICIPALITY: 0.25, TOWN_MUNICIPALITY: 0.5}

# ---------------------------------------------------------------------------------------------
# The score model. Yearly means are of the latent values, calibrated so that the clipped and
# item-scored results land on the province means given in the module docstring. A year outside
# the table takes the parameters of the nearest year in it.
# ---------------------------------------------------------------------------------------------
_YEAR_PARAMS: dict[int, tuple[float, float, float, float]] = {
    # year: (IIT latent mean, EIT latent mean, OIT latent mean, OIT spread)
    2563: (91.0, 84.5, 72.5, 19.0),
    2564: (91.5, 85.0, 74.5, 19.0),
    2565: (93.0, 87.0, 87.5, 15.0),
    2566: (94.0, 88.5, 92.0, 13.0),
    2567: (95.0, 90.0, 95.5, 11.0),
}
_IIT_EFFECT = np.array([1.5, -1.0, 0.5, -1.5, 0.5])  # indicators 1–5
_EIT_EFFECT = np.array([1.0, -0.5, -0.5])  # indicators 6–8
# OIT sub-indicators of the 2565 list: (first item, item count)
_OIT9_SUBS = ((1, 9), (10, 8), (18, 7), (25, 4), (29, 5))  # 9.1–9.5: O1–O33
_OIT10_SUBS = ((34, 8), (42, 2))  # 10.1: O34–O41, 10.2: O42–O43
_OIT10_SUBS = ((34, 8), (42, 2))  # 10.1: O34–O41, 10.2: O42–O43
_N_OIT_ITEMS = 43
# how much harder (negative) or easier an OIT item is, on the logit scale
_HARD_ITEMS = {  # item number: effect
    12: -0.6,  # O12 annual performance report
    21: -0.5,  # O21 monthly procurement summary
    25: -0.7,  # O25–O28 human resources
    26: -0.5,
    27: -0.5,
    28: -0.6,
    32: -0.4,
    36: -0.6,  # O36 annual corruption-risk assessment
    37: -0.5,
    40: -0.8,  # O40 six-month monitoring report
    41: -0.6,
    43: -0.4,  # O43 carrying out the internal measures
}
_EASY_ITEMS = {1: 0.8, 2: 0.8, 3: 0.6, 4: 0.6, 5: 0.5, 34: 0.6, 35: 0.4}

@dataclass(frozen=True)
class SyntheticData:
    """One synthetic province in the project's data formats (see the module docstring).

    ``contradictions`` lists the published figures that were deliberately mistyped
    (``org_id, fiscal_year, column, published, correct``): reconciliation should find these
    and nothing else.
    """

    organisations: pd.DataFrame
    scores: pd.DataFrame
    items: pd.DataFrame
    published: pd.DataFrame
    measures: pd.DataFrame
    contradictions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CONTRADICTION_COLUMNS)
    )


# ---------------------------------------------------------------------------------------------
# Invented names. Combinations of common elements of Thai place names; they are not taken from
# any list of real places.
# ---------------------------------------------------------------------------------------------
_PROVINCES = ("ศรีพนาวัลย์", "ธารสุวรรณ", "พนมไพรวัลย์", "นครวารีทอง")
_DISTRICTS = (
    "ห้วยพนาลี",
    "ดอนศรีวารี",
    "นาคำเรือง",
    "โคกพนมทอง",
    "ท่าสุวรรณวารี",
    "วังชมภูทอง",
    "ทุ่งศรีไพร",
    "บึงนาคราช",
    "ภูเวียงทอง",
    "หนองไพรวัลย์",
)
_PLACE_HEADS = (
    "ห้วย",
    "หนอง",
    "โนน",
    "บ้าน",
    "ดอน",
    "โคก",
    "นา",
    "บึง",
    "วัง",
    "ท่า",
    "ทุ่ง",
    "คลอง",
    "เขา",
    "สระ",
    "ป่า",
    "ลำ",
    "โพน",
    "แม่",
    "บ่อ",
    "ภู",
)
_PLACE_TAILS = (
    "ทอง",
    "แก้วเรือง",
    "ไผ่งาม",
    "ตะเคียนทอง",
    "บัวบาน",
    "สะแกงาม",
    "ยางคำ",
    "ขามเรียง",
    "หินลาด",
    "ทรายขาว",
    "กระเบาทอง",
    "มะค่าใหญ่",
    "พะยอมงาม",
    "จานเหลือง",
    "ตาลคู่",
    "ประดู่ทอง",
    "ชุมแสงงาม",
    "กุ่มเรียง",
    "แสงอรุณ",
    "น้ำเย็น",
    "มะกอกงาม",
    "มะขามเฒ่า",
    "สำโรงทอง",
    "เกตุแก้ว",
    "คำพอก",
    "หว้าเรียง",
    "พยุงงาม",
    "ไทรทอง",
    "มะเดื่อ",
    "ยูงงาม",
)
_PLACE_VARIANTS = ("", "เหนือ", "ใต้", "ใหม่", "พัฒนา")

# ---------------------------------------------------------------------------------------------
# Measures, written for this generator. Keyed by the indicator each one answers; an
# organisation's measures answer its weakest indicators of the year before.
# (measure, method, owners to choose from, months it takes: min, max)
# ---------------------------------------------------------------------------------------------
_MEASURES: dict[int, tuple[tuple[str, str, tuple[str, ...], int, int], ...]] = {
    1: (
        (
            "จัดทำคู่มือขั้นตอนและระยะเวลาการให้บริการประชาชนทุกงานบริการ",
            "แต่ละกองสรุปขั้นตอน เอกสารที่ต้องใช้ ระยะเวลา และผู้รับผิดชอบ ติดประกาศ ณ จุดบริการ"
            "และเผยแพร่บนเว็บไซต์ของหน่วยงาน",
            ("ทุกส่วนราชการ",),
            3,
            6,
        ),
    ),
    2: (
        (
            "เปิดโอกาสให้ประชาชนร่วมตรวจสอบการจัดซื้อจัดจ้าง",
            "เชิญผู้แทนชุมชนร่วมเป็นกรรมการตรวจรับงานจ้างก่อสร้าง และประกาศผลการจัดซื้อจัดจ้าง"
            "ทุกโครงการที่บอร์ดประชาสัมพันธ์และเว็บไซต์",
            ("กองคลัง", "กองช่าง"),
            6,
            11,
        ),
    ),
    3: (
        (
            "กำหนดหลักเกณฑ์การมอบหมายงานและการประเมินผลการปฏิบัติงานที่เป็นธรรม",
            "ประกาศหลักเกณฑ์การประเมินผลให้บุคลากรทราบล่วงหน้า และแจ้งผลการประเมินพร้อมเหตุผลให้ผู้ถูกประเมินทุกคน",
            ("สำนักปลัด",),
            2,
            6,
        ),
    ),
    4: (
        (
            "ออกแนวปฏิบัติการยืมและการใช้ทรัพย์สินของทางราชการ",
            "จัดทำแบบคำขอยืม บันทึกการยืม-คืนทุกครั้ง และแจ้งเวียนแนวปฏิบัติให้บุคลากรทุกคนทราบ"
            "ห้ามนำทรัพย์สินไปใช้ประโยชน์ส่วนตัว",
            ("กองคลัง", "สำนักปลัด"),
            2,
            5,
        ),
    ),
    5: (
        (
            "อบรมบุคลากรเรื่องการขัดกันระหว่างประโยชน์ส่วนตนกับประโยชน์ส่วนรวม",
            "จัดอบรมอย่างน้อยปีละหนึ่งครั้ง ใช้กรณีตัวอย่างจากงานจริงของหน่วยงานและทดสอบความเข้าใจหลังการอบรม",
            ("สำนักปลัด",),
            1,
            4,
        ),
        (
            "ประกาศนโยบายไม่รับของขวัญและของกำนัลจากการปฏิบัติหน้าที่",
            "ผู้บริหารลงนามประกาศ แจ้งบุคลากรทุกคน และติดประกาศให้ผู้มาติดต่อราชการทราบ",
            ("ทุกส่วนราชการ",),
            1,
            3,
        ),
    ),
    6: (
        (
            "ลดขั้นตอนและระยะเวลาการให้บริการ",
            "ทบทวนงานบริการที่มีผู้ใช้มากที่สุด ตัดขั้นตอนที่ซ้ำซ้อน และรวมจุดรับเอกสารไว้ที่เดียว",
            ("ทุกส่วนราชการ",),
            4,
            9,
        ),
    ),
    7: (
        (
            "เพิ่มช่องทางรับเรื่องร้องเรียนและแจ้งผลการดำเนินการให้ผู้ร้องทราบ",
            "รับเรื่องทางโทรศัพท์ เว็บไซต์ และไลน์ทางการของหน่วยงาน ลงทะเบียนทุกเรื่อง"
            "และตอบผู้ร้องภายใน 15 วันทำการ",
            ("สำนักปลัด",),
            3,
            8,
        ),
        (
            "ประชาสัมพันธ์ผลการดำเนินงานผ่านสื่อที่ประชาชนเข้าถึงง่าย",
            "สรุปผลงานรายเดือนเป็นภาษาที่เข้าใจง่าย เผยแพร่ทางเพจ เสียงตามสาย และการประชุมหมู่บ้าน",
            ("สำนักปลัด",),
            6,
            11,
        ),
    ),
    8: (
        (
            "สำรวจความพึงพอใจและรับฟังข้อเสนอแนะของผู้รับบริการ",
            "ใช้แบบสอบถามสั้นที่จุดบริการและแบบออนไลน์ นำข้อเสนอแนะเข้าที่ประชุมประจำเดือนเพื่อปรับปรุงการทำงาน",
            ("ทุกส่วนราชการ",),
            4,
            10,
        ),
        (
            "ให้บริการยื่นคำขอทางออนไลน์ (e-Service)",
            "เปิดรับคำขออนุญาตก่อสร้างและคำร้องทั่วไปผ่านแบบฟอร์มออนไลน์ แจ้งสถานะคำขอให้ผู้ยื่นทราบทุกขั้นตอน",
            ("กองช่าง", "สำนักปลัด"),
            4,
            9,
        ),
    ),
    9: (
        (
            "ปรับปรุงเว็บไซต์ให้มีข้อมูลครบทุกหัวข้อที่แบบตรวจ OIT กำหนด",
            "แต่งตั้งผู้รับผิดชอบข้อมูลรายหัวข้อ ตรวจลิงก์ทุกเดือน และนำข้อมูลใหม่ขึ้นเว็บไซต์"
            "ภายใน 7 วันนับจากวันที่ข้อมูลแล้วเสร็จ",
            ("สำนักปลัด",),
            3,
            8,
        ),
        (
            "เผยแพร่ผลการจัดซื้อจัดจ้างและการใช้จ่ายงบประมาณเป็นรายเดือน",
            "จัดทำสรุปผลการจัดซื้อจัดจ้างทุกเดือน ส่งผู้ดูแลเว็บไซต์ภายในวันที่ 10 ของเดือนถัดไป",
            ("กองคลัง",),
            8,
            11,
        ),
    ),
    10: (
        (
            "ประเมินความเสี่ยงการทุจริตประจำปีและกำหนดมาตรการควบคุม",
            "แต่ละกองระบุจุดเสี่ยงในงานของตน จัดลำดับความเสี่ยง และกำหนดผู้รับผิดชอบมาตรการควบคุมแต่ละจุด",
            ("ทุกส่วนราชการ",),
            2,
            5,
        ),
        (
            "จัดทำแผนปฏิบัติการป้องกันการทุจริตและรายงานผลรอบ 6 เดือน",
            "รวบรวมโครงการป้องกันการทุจริตของทุกกองเป็นแผนเดียว ติดตามผลเมื่อครบ 6 เดือน"
            "และเผยแพร่รายงานบนเว็บไซต์",
            ("สำนักปลัด",),
            6,
            11,
        ),
    ),
}
_FOLLOW_UPS = (
    "รายงานความคืบหน้าต่อผู้บริหารทุกไตรมาส",
    "หัวหน้าส่วนราชการตรวจติดตามในที่ประชุมประจำเดือน",
    "สรุปผลไว้ในรายงานผลการดำเนินการป้องกันการทุจริตประจำปี",
    "ผู้รับผิดชอบบันทึกผลการดำเนินงานทุกเดือนและเสนอปลัดพิจารณา",
    "เปรียบเทียบผลกับคะแนน ITA ปีถัดไปและรายงานผู้บริหาร",
)


# ---------------------------------------------------------------------------------------------
# The score model (vectorised; shared by make_province and make_national)
# ---------------------------------------------------------------------------------------------
def _year_params(years: list[int]) -> np.ndarray:
    """(len(years), 4) parameters; a year outside the table takes the nearest year's."""
    known = np.array(sorted(_YEAR_PARAMS))
    rows = []
    for year in years:
        nearest = int(known[np.argmin(np.abs(known - year))])
        rows.append(_YEAR_PARAMS[nearest])
    return np.array(rows, dtype=np.float64).reshape(len(years), 4)


def _item_effects() -> np.ndarray:
    effects = np.zeros(_N_OIT_ITEMS)
    for number, value in {**_HARD_ITEMS, **_EASY_ITEMS}.items():
        effects[number - 1] = value
    return effects


def _sub_indicator_cents(passed: np.ndarray, subs: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Plain mean of sub-indicator pass shares, in hundredths of a point, rounded half up.

    Exact: with L the lcm of the item counts, the score in points is
    100 * sum(k_s * L / n_s) / (len(subs) * L).
    """
    lcm = int(np.lcm.reduce([n for _, n in subs]))
    numer = np.zeros(passed.shape[:-1], dtype=np.int64)
    for first, count in subs:
        k = passed[..., first - 1 : first - 1 + count].sum(axis=-1, dtype=np.int64)
        numer += k * (lcm // count)
    denom = len(subs) * lcm
    # cents = 10000 * numer / denom, half up
    return (numer * 20000 + denom) // (2 * denom)


def _simulate(
    rng: np.random.Generator, n_orgs: int, years: list[int], oit_shift: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Indicator scores as int64 hundredths (n_orgs, n_years, 10) and OIT items (…, 43) bool."""
    n_years = len(years)
    params = _year_params(years)
    mu_iit, mu_eit, mu_oit, sd_oit = (params[:, j] for j in range(4))

    def centred(values: np.ndarray) -> np.ndarray:
        # centring the organisation effects keeps a small province's yearly means on target
        return values - values.mean(axis=0) if values.shape[0] > 1 else values

    level = centred(rng.standard_normal(n_orgs))
    oit_cap = centred(0.5 * level + np.sqrt(0.75) * rng.standard_normal(n_orgs))
    drift = centred(np.cumsum(rng.normal(0.0, 0.6, (n_orgs, n_years)), axis=1))

    iit = (
        mu_iit[None, :, None]
        + _IIT_EFFECT[None, None, :]
        + 2.5 * level[:, None, None]
        + 1.0 * drift[:, :, None]
        + rng.normal(0.0, 1.8, (n_orgs, n_years, 5))
    )
    eit = (
        mu_eit[None, :, None]
        + _EIT_EFFECT[None, None, :]
        + 3.5 * level[:, None, None]
        + 1.5 * drift[:, :, None]
        + rng.normal(0.0, 2.5, (n_orgs, n_years, 3))
    )
    latent_oit = (
        mu_oit[None, :]
        + sd_oit[None, :] * (oit_cap + oit_shift - oit_shift.mean())[:, None]
        + 3.0 * drift
        + rng.normal(0.0, 6.0, (n_orgs, n_years))
    )
    p = np.clip(latent_oit / 100.0, 1e-4, 1.0 - 1e-4)
    logit = np.log(p / (1.0 - p))[:, :, None] + _item_effects()[None, None, :]
    passed = rng.random((n_orgs, n_years, _N_OIT_ITEMS)) < 1.0 / (1.0 + np.exp(-logit))

    cents = np.empty((n_orgs, n_years, 10), dtype=np.int64)
    cents[:, :, 0:5] = np.rint(np.clip(iit, 0.0, 100.0) * 100.0).astype(np.int64)
    cents[:, :, 5:8] = np.rint(np.clip(eit, 0.0, 100.0) * 100.0).astype(np.int64)
    cents[:, :, 8] = _sub_indicator_cents(passed, _OIT9_SUBS)
    # indicator 10 as NACC rolls it up (the rule reconciliation checks): 10.1 and 10.2
    cents[:, :, 9] = _sub_indicator_cents(passed, _OIT10_SUBS)
    return cents, passed


def _long_scores(org_ids: np.ndarray, years: list[int], cents: np.ndarray) -> pd.DataFrame:
    n_orgs, n_years = cents.shape[:2]
    return pd.DataFrame(
        {
            "org_id": np.repeat(org_ids, n_years * 10),
            "fiscal_year": np.tile(np.repeat(np.asarray(years, dtype=np.int64), 10), n_orgs),
            "indicator": np.tile(np.arange(1, 11, dtype=np.int64), n_orgs * n_years),
            "score": cents.reshape(-1) / 100.0,
        }
    )


def _normalise_years(years: Iterable[int]) -> list[int]:
    out = sorted({int(y) for y in years})
    if not out:
        raise ValueError("years must name at least one fiscal year")
    return out


def make_national(
    n_orgs: int = 8303, years: Iterable[int] = range(2563, 2568), seed: int = DEFAULT_SEED
) -> pd.DataFrame:
    """Long scores table (``org_id, fiscal_year, indicator, score``) for a national population.

    SYNTHETIC data for benchmarks: org_ids ``nat-00001``…, every organisation assessed every
    year, ten indicators each (8,303 × 5 × 10 = 415,150 rows by default). Vectorised: no loop
    over rows or organisations.
    """
    if n_orgs < 1:
        raise ValueError(f"n_orgs must be at least 1, got {n_orgs}")
    year_list = _normalise_years(years)
    rng = np.random.default_rng(seed)
    cents, _ = _simulate(rng, n_orgs, year_list, np.zeros(n_orgs))
    width = max(5, len(str(n_orgs)))
    numbers = np.char.zfill(np.arange(1, n_orgs + 1).astype(str), width)
    org_ids = np.char.add("nat-", numbers).astype(object)
    return _long_scores(org_ids, year_list, cents)


# ---------------------------------------------------------------------------------------------
# The province
# ---------------------------------------------------------------------------------------------
def _organisations(rng: np.random.Generator, n_orgs: int) -> pd.DataFrame:
    # plain names first; "…เหนือ", "…ใหม่" and the like only when a large province needs them
    places = [h + t + v for v in _PLACE_VARIANTS for h in _PLACE_HEADS for t in _PLACE_TAILS]
    if n_orgs > len(places):
        raise ValueError(f"n_orgs must be at most {len(places)} for a province, got {n_orgs}")
    n_plain = len(_PLACE_HEADS) * len(_PLACE_TAILS)
    name_pool = n_plain if n_orgs <= n_plain // 2 else len(places)
    province = _PROVINCES[int(rng.integers(len(_PROVINCES)))]
    n_districts = min(int(rng.integers(5, 9)), n_orgs)
    others = rng.choice(len(_DISTRICTS), size=n_districts - 1, replace=False)
    districts = ["เมือง" + province] + [_DISTRICTS[int(i)] for i in sorted(others)]

    n_town = n_orgs // 30
    n_tambon_muni = n_orgs // 5
    n_sao = n_orgs - n_town - n_tambon_muni
    types = [SAO] * n_sao + [TAMBON_MUNICIPALITY] * n_tambon_muni + [TOWN_MUNICIPALITY] * n_town

    # town municipalities sit in the first districts, the capital district first, and take
    # their district's name; every district gets at least one organisation
    n_rural = n_orgs - n_town
    base = np.arange(n_districts) if n_rural >= n_districts else np.zeros(0, dtype=np.int64)
    rural_district = rng.permutation(
        np.concatenate([base, rng.integers(0, n_districts, size=n_rural - len(base))])
    )
    district_of = np.concatenate([rural_district, np.arange(n_town) % n_districts])
    place_pick = rng.choice(name_pool, size=n_orgs, replace=False)

    rows = []
    counters = dict.fromkeys(_TYPE_SLUG, 0)
    width = max(3, len(str(n_orgs)))
    for i, org_type in enumerate(types):
        counters[org_type] += 1
        district = districts[int(district_of[i])]
        place = places[int(place_pick[i])]
        if org_type == TOWN_MUNICIPALITY and i - n_rural < n_districts:
            place = province if district_of[i] == 0 else district
        named = i % 2 == 0
        rows.append(
            {
                "org_id": f"syn-{_TYPE_SLUG[org_type]}-{counters[org_type]:0{width}d}",
                "name": org_type + place,
                "org_type": org_type,
                "district": "อำเภอ" + district,
                "province": "จังหวัด" + province,
                "executive_name": _EXECUTIVES[(i // 2) % len(_EXECUTIVES)] if named else "",
                "executive_title": _EXECUTIVE_TITLES[org_type] + place if named else "",
            }
        )
    return pd.DataFrame(rows, columns=ORGANISATION_COLUMNS)


def _missing_org_years(
    rng: np.random.Generator, n_orgs: int, years: list[int]
) -> set[tuple[int, int]]:
    """A few (org index, year index) pairs not assessed; 2565 is kept whole when possible."""
    candidates = [j for j, y in enumerate(years) if y != 2565] if len(years) > 1 else []
    if not candidates or n_orgs < 10:
        return set()
    n_missing = max(1, n_orgs // 25)
    orgs = rng.choice(n_orgs, size=n_missing, replace=False)
    return {(int(o), int(candidates[int(rng.integers(len(candidates)))])) for o in orgs}


def _typo(value: float, decimals: bool) -> float | None:
    """The figure with its two decimals (or its two whole-number digits) swapped.

    None when that would not change it, or for 100.00 and figures below 10.
    """
    text = f"{value:.2f}"
    if value >= 100.0 or value < 10.0:
        return None
    a, b = (3, 4) if decimals else (0, 1)
    if text[a] == text[b]:
        return None
    chars = list(text)
    chars[a], chars[b] = chars[b], chars[a]
    return float("".join(chars))


def _published(
    rng: np.random.Generator, scores: pd.DataFrame, years: list[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Published results for a subset (30% of orgs in 2565, 10% in 2566 and 2567).

    Figures and grades come from the scoring library, as a correct publication would print
    them; two are then mistyped on purpose.
    """
    shares = {2565: 0.30, 2566: 0.10, 2567: 0.10}
    table = score_table(scores)
    rows = []
    for year in years:
        if year not in shares:
            continue
        assessed = table[table["fiscal_year"] == year]
        size = min(len(assessed), max(1, round(shares[year] * len(assessed))))
        if size == 0:
            continue
        chosen = assessed.iloc[np.sort(rng.choice(len(assessed), size=size, replace=False))]
        rows.append(pd.DataFrame({
            "org_id": chosen["org_id"].to_numpy(),
            "fiscal_year": year,
            "iit": chosen["IIT_2dp"].to_numpy(),
            "eit": chosen["EIT_2dp"].to_numpy(),
            "oit": chosen["OIT_2dp"].to_numpy(),
            "overall": chosen["overall_2dp"].to_numpy(),
            # what NACC would publish: every band of the file, unconfirmed ones included
            "grade": chosen["grade_provisional"].to_numpy(),
        }))
    published = (pd.concat(rows, ignore_index=True) if rows
                 else pd.DataFrame(columns=PUBLISHED_COLUMNS))[PUBLISHED_COLUMNS]

    # two deliberate contradictions: an overall with its decimals swapped (small, but beyond
    # the 0.01 that rounding can explain) and a tool score with its whole digits swapped
    contradictions = []
    letter_rows = [
        r for r in range(len(published))
        if load_framework(int(published.at[r, "fiscal_year"])).grading.kind == "letter"
    ]
    pool = letter_rows if len(letter_rows) >= 2 else list(range(len(published)))
    order = [int(r) for r in rng.permutation(pool)] if pool else []
    for column, decimals in (("overall", True), (str(rng.choice(["iit", "eit"])), False)):
        for r in order:
            wrong = _typo(float(published.at[r, column]), decimals)
            if wrong is None:
                continue
            contradictions.append(
                {
                    "org_id": published.at[r, "org_id"],
                    "fiscal_year": int(published.at[r, "fiscal_year"]),
                    "column": column,
                    "published": wrong,
                    "correct": float(published.at[r, column]),
                }
            )
            published.at[r, column] = wrong
            order.remove(r)
            break
    return published, pd.DataFrame(contradictions, columns=CONTRADICTION_COLUMNS)


def _month(year: int, index: int) -> str:
    """Month ``index`` (0 = October of year - 1) of fiscal year ``year`` as BE ``YYYY-MM``."""
    calendar_month = (index + 9) % 12 + 1
    calendar_year = year - 1 if index < 3 else year
    return f"{calendar_year:04d}-{calendar_month:02d}"


def _measures(
    rng: np.random.Generator,
    org_ids: list[str],
    years: list[int],
    cents: np.ndarray,
    present: np.ndarray,
) -> pd.DataFrame:
    """Measures for about a quarter of the organisations in each of the last two fiscal years
    that follow an assessed year, answering each organisation's weakest indicators of that
    assessed year: the analysis of year Y (the rows' ``fiscal_year``) sets them for Y+1."""
    rows = []
    year_index = {y: j for j, y in enumerate(years)}
    measure_years = [y for y in years if y - 1 in year_index][-2:]
    for year in measure_years:
        prev = year_index[year - 1]
        assessed = np.flatnonzero(present[:, prev])
        size = min(len(assessed), max(1, round(0.25 * len(org_ids))))
        if size == 0:
            continue
        chosen = np.sort(rng.choice(assessed, size=size, replace=False))
        for i in chosen:
            n_measures = int(rng.integers(2, 6))
            # weakest indicators first; ties broken at random
            noise = rng.random(10)
            ranked = np.lexsort((noise, cents[i, prev, :])) + 1
            picked: list[tuple[int, tuple[str, str, tuple[str, ...], int, int]]] = []
            for indicator in ranked:
                for entry in _MEASURES[int(indicator)]:
                    if len(picked) < n_measures:
                        picked.append((int(indicator), entry))
            for number, (measure, method, owners, shortest, longest) in picked:
                length = int(rng.integers(shortest, longest + 1))
                start = int(rng.integers(0, 12 - length + 1))
                end = start + length - 1
                rows.append(
                    {
                        "org_id": org_ids[int(i)],
                        "fiscal_year": year - 1,
                        "measure": measure,
                        "method": method,
                        "owner": owners[int(rng.integers(len(owners)))],
                        "start": _month(year, start),
                        "end": _month(year, end),
                        "follow_up": _FOLLOW_UPS[int(rng.integers(len(_FOLLOW_UPS)))],
                        "addresses": str(number),
                    }
                )
    return pd.DataFrame(rows, columns=MEASURE_COLUMNS)


def make_province(
    n_orgs: int = 80, years: Iterable[int] = range(2563, 2568), seed: int = DEFAULT_SEED
) -> SyntheticData:
    """One invented province of ``n_orgs`` local administrations (SYNTHETIC data).

    The same arguments always give equal frames. See the module docstring for the model.
    """
    if n_orgs < 1:
        raise ValueError(f"n_orgs must be at least 1, got {n_orgs}")
    year_list = _normalise_years(years)
    rng = np.random.default_rng(seed)

    organisations = _organisations(rng, n_orgs)
    org_ids = organisations["org_id"].tolist()
    oit_shift = organisations["org_type"].map(_TYPE_OIT_SHIFT).to_numpy(dtype=np.float64)
    cents, passed = _simulate(rng, n_orgs, year_list, oit_shift)

    present = np.ones((n_orgs, len(year_list)), dtype=bool)
    for i, j in _missing_org_years(rng, n_orgs, year_list):
        present[i, j] = False

    scores = _long_scores(np.asarray(org_ids, dtype=object), year_list, cents)
    scores = scores[np.repeat(present.reshape(-1), 10)].reset_index(drop=True)

    if 2565 in year_list:
        j = year_list.index(2565)
        rows = np.flatnonzero(present[:, j])
        first = _OIT10_SUBS[0][0]
        count = sum(n for _, n in _OIT10_SUBS)
        block = passed[rows, j, first - 1 : first - 1 + count]
        items = pd.DataFrame(
            {
                "org_id": np.repeat(np.asarray(org_ids, dtype=object)[rows], count),
                "fiscal_year": np.int64(2565),
                "item": np.tile([f"O{first + k}" for k in range(count)], len(rows)),
                "score": np.where(block.reshape(-1), 100, 0).astype(np.int64),
            },
            columns=ITEM_COLUMNS,
        )
    else:
        items = pd.DataFrame(columns=ITEM_COLUMNS)

    published, contradictions = _published(rng, scores, year_list)
    measures = _measures(rng, org_ids, year_list, cents, present)
    return SyntheticData(
        organisations=organisations,
        scores=scores,
        items=items,
        published=published,
        measures=measures,
        contradictions=contradictions,
    )
