"""The /compare filters, bound to the query parameters, so a copied link reproduces the view.

Layer: components. Each widget writes its field into the URL when it changes; every run parses
the URL, moves to the nearest view with data (data_access.stats.views) and writes that back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from components.charts.panel import escape_markdown
from components.shell.data import data_version, load_cuts, load_indicators
from components.shell.setup import LAST_VIEW_KEY
from data_access.core.catalogues import GROUPS, SUBJECTS, country_name, lac_countries
from data_access.core.formatting import visible_text
from data_access.core.i18n import t
from data_access.stats.views import (
    CHARTS,
    DOMAINS,
    PAIRS,
    SORTS,
    View,
    ViewOptions,
    ignored_params,
    parse_view,
    resolve_view,
)

KEY = "compare_{}"
OPEN_KEY = "compare_filters_open"
# Which filters each chart uses; the others stay in the URL untouched.
CHART_FIELDS: dict[str, tuple[str, ...]] = {
    "ranking": ("indicator", "grade", "subject", "year", "group", "countries", "sort"),
    "trend": ("indicator", "grade", "subject", "group", "countries"),
    "gaps": ("indicator", "grade", "subject", "year", "pair", "countries"),
    "levels": ("grade", "subject", "year", "group", "countries"),
    "heatmap": ("domain", "grade", "year", "countries"),
    "map": ("indicator", "grade", "subject", "year", "group"),
    "scatter": ("indicator", "grade", "subject", "year", "y", "ysubject", "countries"),
}


def _encode(value: object) -> str:
    if isinstance(value, list | tuple):
        return ",".join(value)
    return "" if value is None else str(value)


def _on_change(field: str) -> None:
    st.query_params[field] = _encode(st.session_state[KEY.format(field)])
    st.session_state[OPEN_KEY] = field != "chart"  # the panel's title changes: keep it open


def _decode(field: str, text: str) -> object:
    """A selectbox option back to the view's value ("" is "not applicable" for grade/subject)."""
    if text == "":
        return None
    return int(text) if field in ("grade", "year") else text


def indicator_label(code: str, indicators: pd.DataFrame, lang: str) -> str:
    """'Domain · name' in LANG, so the one list reads as grouped by domain."""
    if code not in indicators.index:
        return code
    row = indicators.loc[code]
    domain = t(f"domain.{row['domain']}", lang)
    return f"{domain} · {row[f'name_{lang}']}"


@st.cache_resource(show_spinner=False, max_entries=24)
def load_indicator_labels(version: int, lang: str) -> dict[str, str]:
    """Every indicator's 'Domain · name' in LANG, looked up once per data version, not once per
    option on every rerun."""
    indicators = load_indicators(version)
    return {code: indicator_label(code, indicators, lang) for code in indicators.index}


def _select(field: str, options: Sequence[object], value: object, fmt: Callable, lang: str) -> None:
    """A selectbox over the options as URL text, so "not applicable" is an option, not a blank."""
    key = KEY.format(field)
    texts = [_encode(o) for o in options]
    st.session_state[key] = _encode(value) if _encode(value) in texts else (texts[0] if texts else "")
    st.selectbox(
        t(f"compare.{field}", lang),
        texts,
        key=key,
        format_func=lambda text: fmt(_decode(field, text)),
        on_change=_on_change,
        args=(field,),
    )


def render_url_notice(lang: str) -> None:
    """A short notice naming the link's values that were replaced (an unknown country code, a
    malformed year): shown on the run that reads them, gone once the URL is rewritten."""
    indicators = load_indicators(data_version())
    params = st.query_params.to_dict()
    ignored = ignored_params(params, parse_view(params, set(indicators.index)))
    if ignored:
        values = ", ".join(f"«{escape_markdown(visible_text(v, 40))}»" for v in ignored[:5])
        st.caption(t("compare.url_ignored", lang, values=values))


def current_view(mine: str | None = None) -> tuple[View, ViewOptions, pd.DataFrame]:
    """The view the URL asks for, moved to the nearest one with data, and what filters offer;
    MINE is the reader's own country (the page's, which also reads ?mine=)."""
    version = data_version()
    cuts = load_cuts(version)
    indicators = load_indicators(version)
    view = parse_view(st.query_params.to_dict(), set(indicators.index)).shared()
    if cuts.empty:
        return view.with_changes(mine=mine), ViewOptions((), (), (), (), ()), cuts
    resolved, options = load_resolved(version, view)  # one per view, whoever reads it
    return resolved.with_changes(mine=mine), options, cuts


@st.cache_resource(show_spinner=False, max_entries=1024)
def load_resolved(version: int, view: View) -> tuple[View, ViewOptions]:
    """The nearest view with data and the filters' options, once per (data version, view)."""
    return resolve_view(view, load_cuts(version))


def sync_url(view: View, lang: str) -> None:
    """Write the whole resolved view into the URL (only when it differs, to avoid churn)."""
    wanted = {**view.to_params(), "lang": lang}
    st.session_state[LAST_VIEW_KEY.format("compare")] = view.to_params()
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def render_chart_choice(view: View, lang: str) -> None:
    """The chart type as a row of segments (wraps on a phone)."""
    key = KEY.format("chart")
    st.session_state[key] = view.chart
    st.segmented_control(
        t("compare.chart_label", lang),
        CHARTS,
        key=key,
        required=True,
        format_func=lambda c: t(f"compare.chart.{c}", lang),
        on_change=_on_change,
        args=("chart",),
    )


def view_summary(view: View, lang: str) -> str:
    """The filters' current choices in one line: the folded filter panel's title."""
    indicators = load_indicators(data_version())
    used = CHART_FIELDS[view.chart]
    parts = {
        "indicator": indicator_label(view.indicator, indicators, lang).split(" · ", 1)[-1],
        "domain": t(f"domain.{view.domain}", lang),
        "grade": _grade_label(view.grade, lang) if view.grade else "",
        "subject": SUBJECTS[view.subject][lang] if view.subject else "",
        "year": str(view.year or ""),
        "group": GROUPS.get(view.group, {}).get(lang, view.group) if view.group != "total" else "",
        "pair": t(f"compare.pair_name.{view.pair}", lang),
        "y": " · ".join(  # the second axis with its own subject: reading against mathematics
            [indicator_label(view.y, indicators, lang).split(" · ", 1)[-1]]
            + ([SUBJECTS[view.ysubject][lang]] if view.ysubject else [])
        ),
        "countries": ", ".join(country_name(c, lang) for c in view.countries),
    }
    return " · ".join(parts[f] for f in used if parts.get(f))


def render_filters(view: View, options: ViewOptions, lang: str) -> None:
    """The filters the chosen chart uses, folded under a one-line summary (a phone shows the
    chart first); rows of up to four that stack on a phone."""
    with st.expander(
        view_summary(view, lang), icon=":material/tune:", expanded=st.session_state.get(OPEN_KEY, False)
    ):
        render_fields(view, options, CHART_FIELDS[view.chart], lang)


def render_fields(view: View, options: ViewOptions, used: tuple[str, ...], lang: str) -> None:
    """Selectors for the fields USED (countries last, as a multiselect)."""
    indicators = load_indicators(data_version())
    labels = load_indicator_labels(data_version(), lang)
    formats: dict[str, tuple[Sequence[object], Callable]] = {
        "indicator": (options.indicators, lambda c: labels.get(c, c)),
        "domain": (
            [d for d in DOMAINS if d in set(indicators["domain"])],
            lambda d: t(f"domain.{d}", lang),
        ),
        "grade": (options.grades, lambda g: _grade_label(g, lang)),
        "subject": (options.subjects, lambda s: _subject_label(s, lang)),
        "year": (tuple(reversed(options.years)), str),
        "group": (options.groups, lambda g: GROUPS.get(g, {}).get(lang, g)),
        "sort": (SORTS, lambda s: t(f"compare.sort_{s}", lang)),
        "pair": (PAIRS, lambda p: t(f"compare.pair_name.{p}", lang)),
        "y": (options.indicators, lambda c: labels.get(c, c)),
        "ysubject": (options.ysubjects, lambda s: _subject_label(s, lang)),
    }
    shown = [f for f in used if f != "countries"]
    for start in range(0, len(shown), 4):
        row = shown[start : start + 4]
        for column, field in zip(st.columns(4), row, strict=False):
            with column:
                choices, fmt = formats[field]
                _select(field, choices, getattr(view, field), fmt, lang)
    if "countries" in used:
        render_country_filter(view, lang)


def _subject_label(subject: str | None, lang: str) -> str:
    return SUBJECTS[subject][lang] if subject else t("compare.not_applicable", lang)


def _grade_label(grade: int | None, lang: str) -> str:
    return t("compare.grade_value", lang, grade=grade) if grade else t("compare.not_applicable", lang)


def render_country_filter(view: View, lang: str) -> None:
    """Countries to show; empty means every country with data (the regional mean never changes)."""
    key = KEY.format("countries")
    codes = sorted((c.iso3 for c in lac_countries()), key=lambda c: country_name(c, lang))
    st.session_state[key] = [c for c in view.countries if c in codes]
    st.multiselect(
        t("compare.countries", lang),
        codes,
        key=key,
        format_func=lambda c: country_name(c, lang),
        placeholder=t("compare.all_countries", lang),
        on_change=_on_change,
        args=("countries",),
    )
