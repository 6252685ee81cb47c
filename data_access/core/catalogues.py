"""Reference catalogues: countries (names from CLDR via Babel), subjects, groups, indicators.

Layer: data_access. Country names are never typed by hand: only ISO codes are listed here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.core import get_global
from sqlalchemy import select
from sqlmodel import Session, col

from data_access.core.i18n import fold
from data_access.core.models import Country, Indicator
from data_access.core.settings import LANGUAGES

INDICATORS_CSV = Path(__file__).resolve().parents[1] / "reference" / "indicators.csv"
BOUNDARIES_FILE = (
    Path(__file__).resolve().parents[1] / "reference" / "lac_boundaries.geojson"
)  # see BOUNDARIES.md
BOUNDARIES_URL = "/api/v1/boundaries.geojson"  # where routes/reference.py serves that file

# UN M49 subregions of Latin America and the Caribbean, by ISO 3166 alpha-3 code.
LAC_SUBREGIONS: dict[str, tuple[str, ...]] = {
    "005": (
        "ARG",
        "BOL",
        "BRA",
        "CHL",
        "COL",
        "ECU",
        "GUY",
        "PRY",
        "PER",
        "SUR",
        "URY",
        "VEN",
    ),
    "013": ("BLZ", "CRI", "SLV", "GTM", "HND", "MEX", "NIC", "PAN"),
    "029": (
        "ATG",
        "BHS",
        "BRB",
        "CUB",
        "DMA",
        "DOM",
        "GRD",
        "HTI",
        "JAM",
        "KNA",
        "LCA",
        "VCT",
        "TTO",
    ),
}
DOMAINS = ("learning", "ser", "recovery", "system")
UNITS = ("score", "percent", "index", "count", "years")
SUBJECTS: dict[str, dict[str, str]] = {
    "reading": {"es": "Lectura", "pt": "Leitura", "en": "Reading"},
    "mathematics": {"es": "Matemáticas", "pt": "Matemática", "en": "Mathematics"},
    "science": {"es": "Ciencias", "pt": "Ciências", "en": "Science"},
    "writing": {"es": "Escritura", "pt": "Escrita", "en": "Writing"},
}
GROUPS: dict[str, dict[str, str]] = {
    "total": {"es": "Total", "pt": "Total", "en": "Total"},
    "female": {"es": "Niñas", "pt": "Meninas", "en": "Girls"},
    "male": {"es": "Niños", "pt": "Meninos", "en": "Boys"},
    "urban": {"es": "Urbano", "pt": "Urbano", "en": "Urban"},
    "rural": {"es": "Rural", "pt": "Rural", "en": "Rural"},
    "public": {"es": "Pública", "pt": "Pública", "en": "Public"},
    "private": {"es": "Privada", "pt": "Privada", "en": "Private"},
    **{
        f"ses_q{q}": {
            "es": f"Quintil socioeconómico {q}",
            "pt": f"Quintil socioeconômico {q}",
            "en": f"Socio-economic quintile {q}",
        }
        for q in range(1, 6)
    },
}
# Extra spellings people write in workbooks, beyond the names above.
GROUP_ALIASES = {
    "girls": "female",
    "boys": "male",
    "nina": "female",
    "nino": "male",
    "mujer": "female",
    "hombre": "male",
    "publico": "public",
    "privado": "private",
    "todos": "total",
    "all": "total",
}
SUBJECT_ALIASES = {
    "lenguaje": "reading",
    "matematica": "mathematics",
    "math": "mathematics",
    "maths": "mathematics",
}


@dataclass(frozen=True)
class CountryInfo:
    iso3: str
    iso2: str
    numeric: str
    subregion: str

    def name(self, lang: str) -> str:
        return country_name(self.iso2, lang)


@cache
def _aliases() -> dict[str, list[str]]:
    return dict(get_global("territory_aliases"))


@cache
def lac_countries() -> tuple[CountryInfo, ...]:
    """The 33 countries of Latin America and the Caribbean, with codes resolved through CLDR."""
    aliases = _aliases()
    numeric_of = {v[0]: k for k, v in aliases.items() if k.isdigit() and len(v) == 1}
    out = []
    for region, codes in LAC_SUBREGIONS.items():
        for iso3 in codes:
            iso2 = aliases[iso3][0]
            out.append(CountryInfo(iso3, iso2, numeric_of[iso2], region))
    return tuple(sorted(out, key=lambda c: c.iso3))


def country_name(iso2_or_3: str, lang: str) -> str:
    """The country's name in LANG from CLDR ("Perú", "Peru", "Peru")."""
    code = iso2_or_3.upper()
    if len(code) == 3:
        code = _aliases()[code][0]
    return Locale(lang).territories[code]


def subregion_name(m49: str, lang: str) -> str:
    """A UN M49 region's CLDR name ("Sudamérica")."""
    return Locale(lang).territories[m49]


@cache
def country_lookup() -> dict[str, str]:
    """Folded ISO3, ISO2 and es/pt/en names -> ISO3, for reading what people type."""
    out: dict[str, str] = {}
    for c in lac_countries():
        out[fold(c.iso3)] = c.iso3
        out[fold(c.iso2)] = c.iso3
        for lang in LANGUAGES:
            out[fold(c.name(lang))] = c.iso3
    return out


def resolve_country(value: object) -> str | None:
    """ISO3 for a code or name in es/pt/en, or None when it is not a LAC country."""
    return country_lookup().get(fold(value)) if value is not None else None


@cache
def _label_lookup(kind: str) -> dict[str, str]:
    table, aliases = (SUBJECTS, SUBJECT_ALIASES) if kind == "subject" else (GROUPS, GROUP_ALIASES)
    out = {fold(k): k for k in table} | {fold(k): v for k, v in aliases.items()}
    for code, names in table.items():
        out |= {fold(name): code for name in names.values()}
    return out


def resolve_subject(value: object) -> str | None:
    """Subject code for a code or name in any of the three languages."""
    return _label_lookup("subject").get(fold(value))


def resolve_group(value: object) -> str | None:
    """Group code for a code or name in any of the three languages."""
    return _label_lookup("group").get(fold(value))


DIRECTIONS = ("higher", "lower", "neither")
DIRECTION_VALUES: dict[str, bool | None] = {"higher": True, "lower": False, "neither": None}


def direction_name(value: object) -> str:
    """An indicator's direction as a word: higher, lower or neither (the catalogue stores True,
    False or None, a frame reads None back as NaN; the shipped CSV writes true, false or neither)."""
    if value is None or value == "neither" or value != value:  # value != value: NaN
        return "neither"
    return "higher" if value in (True, "true") else "lower"  # a frame's numpy True too


@cache
def default_indicators() -> tuple[Indicator, ...]:
    """The shipped indicator catalogue (reference/indicators.csv)."""
    with INDICATORS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(
        Indicator.model_validate(
            r
            | {
                "higher_is_better": DIRECTION_VALUES[direction_name(r["higher_is_better"])],
                "min_value": float(r["min_value"]),
                "max_value": float(r["max_value"]),
            }
        )
        for r in rows
    )


def seed_reference(*, session: Session) -> None:
    """Insert the countries and indicators that are not in the store yet (idempotent)."""
    have = set(session.execute(select(col(Country.iso3))).scalars())
    session.add_all(
        Country(iso3=c.iso3, iso2=c.iso2, numeric=c.numeric, subregion=c.subregion)
        for c in lac_countries()
        if c.iso3 not in have
    )
    have_ind = set(session.execute(select(col(Indicator.code))).scalars())
    session.add_all(
        Indicator.model_validate(i.model_dump()) for i in default_indicators() if i.code not in have_ind
    )


def list_indicators(*, session: Session) -> list[Indicator]:
    """The catalogue as stored (organizers may have edited it)."""
    return list(
        session.execute(select(Indicator).order_by(col(Indicator.domain), col(Indicator.code))).scalars()
    )
