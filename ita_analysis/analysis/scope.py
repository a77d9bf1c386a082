"""Which organisations a run covers. A portfolio's ``Scope`` (province, district, type, checked
against the data: ``resolve_scope``) and a batch's selection (``select_orgs``: scored that year,
narrowed by provinces, types or ids) match places by one rule (``matches``: a place written
with or without its จังหวัด/อำเภอ prefix)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..data.dataset import Dataset
from ..errors import ParameterError, one_line

# ASCII names of those types for file names (scope slugs).
TYPE_SLUGS: dict[str, str] = {
    "องค์การบริหารส่วนจังหวัด": "pao",
    "องค์การบริหารส่วนตำบล": "sao",
    "เทศบาลนคร": "city-mun",
    "เทศบาลเมือง": "town-mun",
    "เทศบาลตำบล": "tambon-mun",
}
# Prefixes a place name may be written with or without ("จังหวัดน่าน" or "น่าน").
PLACE_PREFIXES = {"province": ("จังหวัด",), "district": ("อำเภอ", "กิ่งอำเภอ", "เขต")}
FILTERS = ("province", "district", "org_type")
FILTER_TH = {"province": "จังหวัด", "district": "อำเภอ", "org_type": "ประเภทหน่วยงาน"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


# -- the scope -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Which organisations the portfolio covers; empty filters mean "any"."""

    province: str = ""
    district: str = ""
    org_type: str = ""

    def filters(self) -> dict[str, str]:
        """The filters that are set, in the order province, district, type."""
        return {key: getattr(self, key) for key in FILTERS if getattr(self, key)}

    @property
    def is_all(self) -> bool:
        return not self.filters()

    def label_th(self) -> str:
        """The group in Thai words, as a heading says it."""
        if self.is_all:
            return "หน่วยงานทั้งหมดในชุดข้อมูล"
        place = " ".join(v for v in (self.district, self.province) if v)  # smaller first
        if self.org_type:
            return f"{self.org_type}ใน{place}" if place else f"{self.org_type}ทั้งหมดในชุดข้อมูล"
        return f"หน่วยงานใน{place}"

    @property
    def slug(self) -> str:
        """An ASCII name for files: ``all``, or readable parts and a hash of the filters.

        Place names are transliterated (Royal Thai General System, pythainlp) without their
        จังหวัด/อำเภอ prefix, known organisation types get a fixed English abbreviation
        (``sao``, ``tambon-mun`` …); the last part is the first eight hex digits of SHA-256
        over the exact filter values, so that two scopes never share a file even where
        transliteration makes their names alike. Always matches ``[a-z0-9][a-z0-9-]*``, at
        most 80 characters.
        """
        if self.is_all:
            return "all"
        canonical = "\x1f".join(getattr(self, key) for key in FILTERS)
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]
        parts = [_ascii_part(key, value) for key, value in self.filters().items()]
        head = "-".join(p for p in parts if p)[:70].strip("-")
        return f"{head}-{digest}" if head else digest

    def as_dict(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in FILTERS}


_THAI = re.compile(r"[\u0e00-\u0e7f]")


def _ascii_part(key: str, value: str) -> str:
    if key == "org_type" and value in TYPE_SLUGS:
        return TYPE_SLUGS[value]
    text = bare_place(key, value)
    if _THAI.search(text):
        from pythainlp.transliterate import romanize

        text = romanize(text, engine="royin")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:24].strip("-")


def bare_place(key: str, value: str) -> str:
    """A place name without its prefix: ("district", "อำเภอเมืองน่าน") -> "เมืองน่าน"."""
    text = " ".join(value.split())
    for prefix in PLACE_PREFIXES.get(key, ()):
        if text.startswith(prefix) and len(text) > len(prefix):
            return text[len(prefix):].strip()
    return text


def _known(values: list[str], limit: int = 8) -> str:
    shown = ", ".join(values[:limit])
    return shown + (", …" if len(values) > limit else "") if shown else "none"


def resolve_scope(dataset: Dataset, province: str = "", district: str = "",
                  org_type: str = "", fiscal_year: int | None = None) -> Scope:
    """Check a scope against the data and write its filters as the data writes them.

    A place may be given with or without its prefix ("พนมไพรวัลย์" for "จังหวัดพนมไพรวัลย์").
    One-line ``ParameterError`` for an unknown province, district or type, a district that
    several provinces share (give the province), or (with ``fiscal_year``) a scope that holds
    no scored organisation that year.
    """
    orgs = dataset.organisations
    given = {"province": province, "district": district, "org_type": org_type}
    chosen: dict[str, str] = {}
    mask = pd.Series(True, index=orgs.index)
    for key in FILTERS:
        value = given[key]
        if value is None or not str(value).strip():
            chosen[key] = ""
            continue
        value = " ".join(str(value).split())
        column = orgs[key].fillna("").astype(str)
        values = sorted(v for v in column[mask].unique() if v)
        match = value if value in values else next(
            (v for v in values if bare_place(key, v) == bare_place(key, value)), None)
        if match is None:
            within = "" if key == "province" or not chosen.get("province") else \
                f" in {chosen['province']}"
            raise ParameterError(one_line(
                f"no {key.replace('_', ' ')} {value!r}{within} in {dataset.source}; "
                f"known: {_known(values)}"))
        chosen[key] = match
        mask &= column == match
    if chosen["district"] and not chosen["province"]:
        provinces = sorted(orgs.loc[mask, "province"].astype(str).unique())
        if len(provinces) > 1:
            raise ParameterError(f"district {chosen['district']!r} is in {len(provinces)} "
                                 f"provinces ({', '.join(provinces)}); give the province too")
    scope = Scope(**chosen)
    if fiscal_year is not None:
        ids = set(orgs.loc[mask, "org_id"])
        scored = dataset.scores.loc[dataset.scores["org_id"].isin(ids), "fiscal_year"]
        if not (scored == int(fiscal_year)).any():
            years = sorted({int(y) for y in scored.unique()})
            have = f"; it has scores for {', '.join(map(str, years))}" if years else \
                "; it has no scores at all"
            raise empty_scope(scope, int(fiscal_year), f" in {dataset.source}{have}")
    return scope


def scope_words(scope: Scope) -> str:
    return ", ".join(f"{k}={v}" for k, v in scope.filters().items()) or "all"


def empty_scope(scope: Scope, fiscal_year: int, where: str = "") -> ParameterError:
    """The one message for a scope none of whose organisations has scores in the year."""
    return ParameterError(f"no organisation of the scope ({scope_words(scope)}) has scores "
                          f"for fiscal year {fiscal_year}{where}")


def matches(key: str, value: object, wanted: Sequence[str]) -> bool:
    """Whether a province, district or type in the data is one of those asked for, each
    written with or without its prefix (``bare_place``): the one rule every selection uses."""
    text = "" if pd.isna(value) else bare_place(key, str(value))
    return any(text == bare_place(key, str(w)) for w in wanted)


def select_orgs(dataset: Dataset, year: int, *, provinces: Sequence[str] = (),
                org_types: Sequence[str] = (), orgs: Sequence[str] = (),
                allow_none: bool = False) -> list[str]:
    """The organisations to report on: those with scores in ``year`` (or those named with
    ``orgs``, kept even without scores so that they fail clearly), narrowed by province and type.
    A province may be given with or without its "จังหวัด" prefix."""
    table = dataset.organisations.set_index("org_id", drop=False)
    scored = set(dataset.scores.loc[dataset.scores["fiscal_year"] == year, "org_id"])
    if orgs:
        candidates = list(dict.fromkeys(orgs))
    else:
        candidates = [o for o in table["org_id"] if o in scored]
    chosen = []
    for org in candidates:
        if org in table.index:
            row = table.loc[org]
            if provinces and not matches("province", row["province"], provinces):
                continue
            if org_types and not matches("org_type", row["org_type"], org_types):
                continue
        chosen.append(org)
    if not chosen and not allow_none:
        wanted = [f"--province {' '.join(provinces)}" if provinces else "",
                  f"--org-type {' '.join(org_types)}" if org_types else ""]
        known = sorted({str(p) for p in table.loc[table["org_id"].isin(scored), "province"]})
        raise ParameterError(
            f"no organisation with scores in fiscal year {year} in {dataset.source}"
            + (f" matches {' '.join(w for w in wanted if w)}" if any(wanted) else "")
            + (f"; provinces with scores that year: {', '.join(known)}" if known else ""))
    return chosen


def excluded_in_scope(dataset: Dataset, year: int, *, provinces: Sequence[str] = (),
                      org_types: Sequence[str] = (), orgs: Sequence[str] = ()) -> list[str]:
    """Organisations of the selection that the data set left out because their own rows are
    invalid (``load_dataset(isolate=True)``): named with ``orgs``, or with rows of ``year`` (or
    rows whose year could not be read) in the province and type asked for."""
    found = []
    for org, left in sorted(dataset.excluded.items()):
        if orgs:
            if org in orgs:
                found.append(org)
            continue
        if left.years and year not in left.years:
            continue
        if provinces and not matches("province", left.province, provinces):
            continue
        if org_types and not matches("org_type", left.org_type, org_types):
            continue
        found.append(org)
    return found

