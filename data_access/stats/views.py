"""A chart view as query parameters: what /compare shows, what a shared link and a slide carry.

Layer: data_access (pure). Parsing is forgiving: a link with a value that no longer exists opens
the default for that field instead of failing, so old links keep working.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, replace
from functools import cache
from typing import Any

import pandas as pd

from data_access.core.catalogues import GROUPS, SUBJECTS, lac_countries

CHARTS = ("ranking", "trend", "gaps", "levels", "heatmap", "map", "scatter")
SORTS = ("value", "name")
PAIRS = ("sex", "area", "school", "ses")
DOMAINS = ("learning", "ser", "recovery", "system")
MAX_PARAM = 200  # longer query values are not read at all
_BLANK_MEANS_NONE = ("grade", "subject", "ysubject")


@dataclass(frozen=True)
class View:
    """One chart on /compare. None for grade/subject/year means "not applicable" or "latest"."""

    chart: str = "ranking"
    indicator: str = "score_mean"
    grade: int | None = 6
    subject: str | None = "reading"
    year: int | None = None  # None: the latest year with data
    group: str = "total"
    countries: tuple[str, ...] = ()  # empty: every country with data
    sort: str = "value"
    pair: str = "sex"
    domain: str = "ser"
    y: str = "ser_empathy"  # the scatter's second indicator (same year and grade)
    ysubject: str | None = None
    mine: str | None = None  # the reader's own country, highlighted; not part of a shared view

    def to_params(self) -> dict[str, str]:
        """The view as query parameters (blank fields left out), stable in order for sharing."""
        out: dict[str, str] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, tuple):
                value = ",".join(value)
            if value is None and field.name in _BLANK_MEANS_NONE:
                out[field.name] = ""  # "not applicable", kept so the link reproduces the view
            elif value is not None and value != "":
                out[field.name] = str(value)
        return out

    def shared(self) -> View:
        """The view as a link or a slide carries it: without the reader's own country, which
        each reader brings."""
        return replace(self, mine=None)

    def with_changes(self, **changes: Any) -> View:
        """A copy with some fields changed (used when a filter moves)."""
        return replace(self, **changes)


def _choice(value: str | None, allowed: Collection[str], default: str) -> str:
    return value if value is not None and value in allowed else default


def _int(value: str | None, default: int | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


@cache
def _known_countries() -> frozenset[str]:
    return frozenset(c.iso3 for c in lac_countries())


def ignored_params(params: Mapping[str, str], view: View) -> list[str]:
    """The query values parse_view could not use (an unknown code, a malformed number), as they
    were given: what the page tells the visitor it replaced."""
    wanted = {k: str(v) for k, v in params.items() if k in {f.name for f in fields(View)}}
    used = view.to_params()
    out = []
    for key, value in wanted.items():
        if key == "countries":
            out += [c for c in value.split(",") if c.strip() and c.strip().upper() not in view.countries]
        elif key == "mine":
            out += [value] if value.strip() and known_country(value) is None else []
        elif value != used.get(key, "") and not (key in ("grade", "year") and _int(value, None) is not None):
            out.append(value)
    return out


def parse_view(params: Mapping[str, str], indicators: set[str]) -> View:
    """A View from query parameters; unknown or malformed values fall back to the defaults."""
    base = View()
    params = {k: v for k, v in params.items() if isinstance(v, str) and len(v) <= MAX_PARAM}
    get = params.get
    subject = get("subject")
    countries = tuple(
        dict.fromkeys(c.strip().upper() for c in (get("countries") or "").split(",") if c.strip())
    )
    return View(
        chart=_choice(get("chart"), CHARTS, base.chart),
        indicator=_choice(get("indicator"), indicators, base.indicator),
        grade=_int(get("grade"), None) if "grade" in params else base.grade,
        subject=subject if subject in SUBJECTS else (None if "subject" in params else base.subject),
        year=_int(get("year"), None),
        group=_choice(get("group"), set(GROUPS), base.group),
        countries=tuple(c for c in countries if c in _known_countries()),
        sort=_choice(get("sort"), SORTS, base.sort),
        pair=_choice(get("pair"), PAIRS, base.pair),
        domain=_choice(get("domain"), DOMAINS, base.domain),
        y=_choice(get("y"), indicators, base.y),
        ysubject=get("ysubject") if get("ysubject") in SUBJECTS else None,
        mine=known_country(get("mine")),
    )


def known_country(code: str | None) -> str | None:
    """CODE as a LAC country's ISO3 code when it is one (any case), else None."""
    wanted = (code or "").strip().upper()
    return wanted if wanted in _known_countries() else None


@dataclass(frozen=True)
class ViewOptions:
    """What each filter may offer, given the choices before it (indicator -> grade -> subject...)."""

    indicators: tuple[str, ...]
    grades: tuple[int | None, ...]
    subjects: tuple[str | None, ...]
    years: tuple[int, ...]
    groups: tuple[str, ...]
    ysubjects: tuple[str | None, ...] = ()


def _values(frame: pd.DataFrame, column: str) -> list:
    values = frame[column].drop_duplicates().tolist()
    clean = [None if pd.isna(v) else (int(v) if column in ("grade", "year") else str(v)) for v in values]
    return sorted(clean, key=lambda v: (v is None, v))


def _pick(current: object, available: list, preferred: tuple = ()) -> object:
    if current in available:
        return current
    return next((p for p in preferred if p in available), available[-1] if available else None)


def _at(frame: pd.DataFrame, column: str, value: object) -> pd.DataFrame:
    return frame[frame[column].isna()] if value is None else frame[frame[column] == value]


def resolve_view(view: View, cuts: pd.DataFrame) -> tuple[View, ViewOptions]:
    """The nearest view that has data, and the options each filter offers.

    CUTS holds the distinct (indicator_code, year, grade, subject, group) that are published.
    """
    indicators = tuple(cuts["indicator_code"].unique())
    indicator = _pick(view.indicator, list(indicators), ("score_mean",))
    rows = cuts[cuts["indicator_code"] == indicator]
    grades = _values(rows, "grade")
    grade = _pick(view.grade, grades, (6,))
    rows = _at(rows, "grade", grade)
    subjects = _values(rows, "subject")
    subject = _pick(view.subject, subjects, ("reading", None))
    rows = _at(rows, "subject", subject)
    groups = _values(rows, "group")
    group = _pick(view.group, groups, ("total",))
    years = _values(rows[rows["group"] == group], "year")
    year = view.year if view.year in years else (years[-1] if years else None)
    y_rows = _at(
        cuts[cuts["indicator_code"] == _pick(view.y, list(indicators), ("ser_empathy",))], "grade", grade
    )
    ysubjects = _values(y_rows, "subject")
    resolved = view.with_changes(
        indicator=indicator or view.indicator, grade=grade, subject=subject, group=group or "total",
        year=year, y=_pick(view.y, list(indicators), ("ser_empathy",)) or view.y,
        ysubject=_pick(view.ysubject, ysubjects, ("reading", None)),
    )  # fmt: skip
    options = ViewOptions(
        indicators, tuple(grades), tuple(subjects), tuple(years), tuple(groups), tuple(ysubjects)
    )
    return resolved, options
