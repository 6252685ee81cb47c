"""The open data API's content: published figures with their provenance, every country version,
the indicator catalogue, and a Frictionless data package describing them.

Layer: data_access. Read-only and anonymous by design: only published figures and the catalogue
leave, never an account, an uploader, a file name or a roster's contact details. Filters are the
ones /compare's URL carries (indicator, grade, subject, year, group, countries; several values
comma-separated), strictly: a value that means nothing is an error naming it, not a default. An
earlier state is `as_of=` (each country's version active then) or `version=` (one country's).
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

import pandas as pd
from sqlalchemy import Engine, Select, func, select
from sqlmodel import col

from data_access.core.catalogues import GROUPS, SUBJECTS, direction_name, lac_countries
from data_access.core.errors import EncuentroError
from data_access.core.formatting import neutralize_csv_text
from data_access.core.models import Indicator, Observation, Submission
from data_access.core.store import read_frame
from data_access.stats.queries import OBSERVATION_FIELDS

API = "/api/v1"
FIGURE_COLUMNS = (
    "country_iso3", "indicator_code", "year", "grade", "subject", "group", "value", "se", "ci_low",
    "ci_high", "n", "source", "note", "version", "published_at",
)  # fmt: skip
VERSION_COLUMNS = ("country_iso3", "version", "status", "published_at", "rows")
INDICATOR_COLUMNS = (
    "code", "domain", "unit", "direction", "min_value", "max_value", "name_es", "name_pt", "name_en",
    "description_es", "description_pt", "description_en", "rule_es", "rule_pt", "rule_en", "source",
)  # fmt: skip
LIST_FILTERS = {"indicator": "indicators", "year": "years", "grade": "grades", "subject": "subjects"}
LIST_FILTERS |= {"group": "groups", "countries": "countries"}


class BadQuery(EncuentroError):
    """A filter value that names nothing (an unknown code, a malformed number or date)."""

    key = "api_bad_query"


@dataclass(frozen=True)
class FigureQuery:
    """What /api/v1/figures is asked for; an empty tuple means every value of that field."""

    indicators: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    grades: tuple[int | None, ...] = ()  # None: "not applicable", written blank as /compare does
    subjects: tuple[str | None, ...] = ()
    groups: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    as_of: datetime | None = None
    version: int | None = None

    def key(self) -> str:
        """A stable text of the query, for caches and ETags."""
        return json.dumps(asdict(self), default=str, sort_keys=True)


def _number(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise BadQuery(param=name, value=text[:40]) from None


def _values(name: str, raw: str, known: set[str] | None = None) -> tuple:
    parts = [p.strip() for p in raw.split(",")]
    if name == "grade":  # blank: the figures for which the field does not apply
        return tuple(_number(name, p) if p else None for p in parts)
    if name == "subject":
        return tuple(_known(name, p, known) if p else None for p in parts)
    if name == "year":
        return tuple(_number(name, p) for p in parts if p)
    wanted = [p.upper() if name == "countries" else p for p in parts if p]
    return tuple(_known(name, p, known) for p in dict.fromkeys(wanted))


def _known(name: str, value: str, known: set[str] | None) -> str:
    if known is not None and value not in known:
        raise BadQuery(param=name, value=value[:40])
    return value


def parse_figure_query(params: Mapping[str, str], indicators: Collection[str]) -> FigureQuery:
    """The query from URL parameters (others, such as /compare's chart or sort, are ignored)."""
    known = {
        "indicator": set(indicators),
        "subject": set(SUBJECTS),
        "group": set(GROUPS),
        "countries": {c.iso3 for c in lac_countries()},
    }
    found = {
        field: _values(name, params[name], known.get(name))
        for name, field in LIST_FILTERS.items()
        if name in params
    }
    as_of = None
    if params.get("as_of"):
        try:
            as_of = datetime.fromisoformat(params["as_of"].replace("Z", "+00:00"))
        except ValueError:
            raise BadQuery(param="as_of", value=params["as_of"][:40]) from None
        as_of = as_of.replace(tzinfo=UTC) if as_of.tzinfo is None else as_of.astimezone(UTC)
    version = _number("version", params["version"]) if params.get("version") else None
    if version is not None and (as_of is not None or len(found.get("countries", ())) != 1):
        raise BadQuery(param="version", value=params["version"][:40])  # one country's version, alone
    return FigureQuery(**found, as_of=as_of, version=version)


def figures_query(frame: pd.DataFrame, countries: tuple[str, ...] = ()) -> str:
    """The API query string that returns the figures in FRAME (a chart's cut): each field's values,
    and the countries only when the view chose some."""
    if frame.empty:
        return ""
    parts = {}
    for name, column in (("indicator", "indicator_code"), ("grade", "grade"), ("subject", "subject")):
        values = frame[column].drop_duplicates().tolist()
        parts[name] = ",".join("" if pd.isna(v) else str(int(v) if name == "grade" else v) for v in values)
    parts["year"] = ",".join(str(int(v)) for v in sorted(frame["year"].dropna().unique()))
    parts["group"] = ",".join(str(v) for v in sorted(frame["group"].dropna().unique()))
    if countries:
        parts["countries"] = ",".join(countries)
    return urlencode(parts, safe=",")


def _submissions(query: FigureQuery) -> Select[int | None]:
    """The ids of the submissions to read: the active ones, those active AS_OF, or one version."""
    if query.version is not None:
        return select(col(Submission.id)).where(
            col(Submission.country_iso3) == query.countries[0], col(Submission.version) == query.version
        )
    if query.as_of is None:
        return select(col(Submission.id)).where(col(Submission.status) == "active")
    latest = (
        select(col(Submission.country_iso3), func.max(col(Submission.version)).label("version"))
        .where(col(Submission.created_at) <= query.as_of)
        .group_by(col(Submission.country_iso3))
        .subquery()
    )
    return select(col(Submission.id)).join(
        latest,
        (col(Submission.country_iso3) == latest.c.country_iso3)
        & (col(Submission.version) == latest.c.version),
    )


def list_figures(engine: Engine, query: FigureQuery) -> pd.DataFrame:
    """The figures asked for, each with its country's version, publish time and source."""
    select_ = (
        select(*OBSERVATION_FIELDS, col(Submission.version), col(Submission.created_at).label("published_at"))
        .join(Submission, col(Submission.id) == col(Observation.submission_id))
        .where(col(Submission.id).in_(_submissions(query)))
    )
    for column, wanted in (
        (Observation.indicator_code, query.indicators), (Observation.year, query.years),
        (Observation.grade, query.grades), (Observation.subject, query.subjects),
        (Observation.group, query.groups), (Observation.country_iso3, query.countries),
    ):  # fmt: skip
        present = [w for w in wanted if w is not None]
        if wanted:
            condition = col(column).in_(present)
            select_ = select_.where(condition | col(column).is_(None) if None in wanted else condition)
    order = [col(c) for c in (Observation.country_iso3, Observation.indicator_code, Observation.year)]
    frame = read_frame(engine, select_.order_by(*order, col(Observation.grade), col(Observation.subject)))
    return frame.reindex(columns=list(FIGURE_COLUMNS))


def list_versions(engine: Engine) -> pd.DataFrame:
    """Every country version ever published, newest first: what `version=` and `as_of=` reach."""
    query: Select = select(
        col(Submission.country_iso3),
        col(Submission.version),
        col(Submission.status),
        col(Submission.created_at).label("published_at"),
        col(Submission.row_count).label("rows"),
    ).order_by(col(Submission.created_at).desc(), col(Submission.country_iso3))
    return read_frame(engine, query)


def list_indicators(engine: Engine) -> pd.DataFrame:
    """The catalogue: names, descriptions and rules in es/pt/en, unit, direction, range, source."""
    frame = read_frame(engine, select(Indicator).order_by(col(Indicator.code)))
    frame["direction"] = [direction_name(v) for v in frame["higher_is_better"]]
    return frame.reindex(columns=list(INDICATOR_COLUMNS))


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Times in ISO 8601 UTC, whole numbers without ".0", blanks empty."""
    out = frame.copy()
    for column in out.columns:
        if column.endswith("_at"):
            out[column] = [_iso(v) for v in out[column]]
        elif column in ("year", "grade", "n", "version", "rows"):
            out[column] = pd.to_numeric(out[column]).astype("Int64")
    return out


def _iso(moment: object) -> str | None:
    if moment is None or pd.isna(moment):
        return None
    stamp = pd.Timestamp(moment)
    stamp = stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV without a BOM (pandas, R and Excel's "from web" read it), formula-safe text."""
    out = _plain(frame)
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutralize_csv_text, na_action="ignore")
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8")


def to_json(frame: pd.DataFrame, name: str, data_version: int, query: FigureQuery | None = None) -> bytes:
    """{"data_version": N, "count": n, NAME: [rows]} (and the query, for figures)."""
    out = _plain(frame).astype(object)
    rows = out.where(out.notna(), None).to_dict("records")
    body: dict[str, object] = {"data_version": data_version, "count": len(rows)}
    if query is not None:
        body["query"] = {k: v for k, v in asdict(query).items() if v not in ((), None)}
    body[name] = rows
    return json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
