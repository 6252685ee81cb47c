"""/country: one country against the region across every domain, its trends, its gaps, its
submission history and the joint actions it leads or joins.

Layer: components. Reuses the /compare bundles with the view narrowed to the country.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.actions.table import country_label, load_action_groups, load_actions, render_actions_table
from components.charts.cuts import (
    display_table,
    indicator_directions,
    indicator_info,
    provisional_notes,
    sources_table,
    view_cut,
)
from components.charts.panel import ChartBundle, escape_markdown
from components.charts.profile import build_profile_chart
from components.charts.series import build_gap_chart
from components.charts.theme import SOFT_BREAK, two_lines
from components.compare.bundles import LEVEL_CODES, trend_bundle
from components.compare.filters import view_summary
from components.compare.views import BUNDLES_KEPT
from components.country.history import load_versions
from components.shell.data import data_version, load_observations, load_published, when_texts
from components.shell.setup import LAST_VIEW_KEY
from data_access.core.catalogues import GROUPS, SUBJECTS, country_name, lac_countries
from data_access.core.formatting import format_number, visible_text
from data_access.core.i18n import t
from data_access.reports.open_data import figures_query
from data_access.stats import chart_text, comparisons, mine_text
from data_access.stats.direction import higher_is_better, tones
from data_access.stats.views import PAIRS, View

COUNTRY_KEY = "country_choice"


def _on_country_change() -> None:
    st.query_params["country"] = st.session_state[COUNTRY_KEY]


def render_country_choice(default: str | None, lang: str) -> str:
    """The country, bound to ?country=ISO3 (the coordinator's own country by default)."""
    codes = sorted((c.iso3 for c in lac_countries()), key=lambda c: country_name(c, lang))
    published = list(load_published(data_version())["country_iso3"])
    wanted = str(st.query_params.get("country", "")).upper()
    fallback = default if default in codes else (published[0] if published else codes[0])
    chosen = wanted if wanted in codes else fallback
    if wanted and wanted not in codes:  # a link with a code that is no country here: say so
        shown = escape_markdown(visible_text(wanted, 40))
        st.caption(t("country.unknown_code", lang, code=shown, country=country_name(chosen, lang)))
    st.session_state[COUNTRY_KEY] = chosen
    st.query_params["country"] = chosen
    st.session_state[LAST_VIEW_KEY.format("country")] = {"country": chosen}
    st.selectbox(
        t("table.country", lang),
        codes,
        key=COUNTRY_KEY,
        format_func=lambda c: country_name(c, lang),
        on_change=_on_country_change,
    )
    return chosen


def _row_label(row: pd.Series, lang: str) -> str:
    """Subject and grade first: they are what tells rows of one indicator apart on a phone."""
    name = indicator_info(row["indicator_code"], lang)[0]
    grade = t("compare.grade_short", lang, grade=int(row["grade"])) if pd.notna(row["grade"]) else ""
    if isinstance(row["subject"], str):
        return two_lines(f"{SUBJECTS[row['subject']][lang]} {grade} · {name}".replace("  ", " "))
    return two_lines(f"{name} · {grade}" if grade else name)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_profiles(version: int) -> dict[str, pd.DataFrame]:
    """Every country's profile, compared once per data version and shared; read only."""
    frame = load_observations(version, group="total")
    return comparisons.profile_tables(frame[~frame["indicator_code"].isin(LEVEL_CODES)])


def load_profile(version: int, iso3: str) -> pd.DataFrame:
    """The country's profile (one compare per cut); a copy the caller may change."""
    found = load_profiles(version).get(iso3)
    return found.copy() if found is not None else comparisons.profile_table(pd.DataFrame(), iso3)


def profile_bundle(iso3: str, lang: str) -> ChartBundle:
    """The country's latest figure of every indicator against the regional average (level
    shares are left to the levels chart: four bars each would drown the rest)."""
    frame = load_observations(data_version(), group="total")
    profile = load_profile(data_version(), iso3)
    name = f"profile_{iso3}"
    if profile.empty:
        return ChartBundle(name=name, caption=t("country.no_data", lang, country=country_name(iso3, lang)))
    profile = profile.copy()
    profile["row_label"] = [_row_label(row, lang) for _, row in profile.iterrows()]
    directions = indicator_directions()
    higher = profile["indicator_code"].map(lambda code: higher_is_better(code, directions))
    profile["verdict_label"] = [
        chart_text.verdict_label(v, lang, h) for v, h in zip(profile["verdict"], higher, strict=True)
    ]
    profile["tone"] = tones(profile["verdict"], higher)
    columns = {"row_label": "indicator", "year": "year", "value": "value", "mean": "mean", "diff": "diff"}
    columns |= {"diff_se": "diff_se", "verdict_label": "verdict"}
    own = frame[frame["country_iso3"] == iso3]
    return ChartBundle(
        name=name,
        title=f"{country_name(iso3, lang)}: {t('country.section_profile', lang)}",
        caption=mine_text.caption_profile(profile, iso3, lang, directions),
        chart=build_profile_chart(profile, lang),
        table=display_table(
            profile.assign(row_label=profile["row_label"].str.replace(SOFT_BREAK, "")), columns, lang
        ),
        sources=sources_table(own, lang),
        api=figures_query(own, (iso3,)),
        notes=provisional_notes(own, lang),
    )


@st.cache_resource(show_spinner=False, max_entries=BUNDLES_KEPT)
def load_profile_bundle(version: int, iso3: str, lang: str) -> ChartBundle:
    """The profile bundle, built once per (data version, country, language) per process and
    shared by every session; VERSION only keys the cache."""
    return profile_bundle(iso3, lang).prepared(lang)


@st.cache_resource(show_spinner=False, max_entries=BUNDLES_KEPT)
def load_view_bundles(version: int, view: View, iso3: str, lang: str) -> tuple[ChartBundle, ChartBundle]:
    """The country's trend and gaps for VIEW, built once per process; VERSION only keys the cache."""
    return country_trend(view, iso3, lang).prepared(lang), gaps_bundle(view, iso3, lang).prepared(lang)


def gaps_bundle(view: View, iso3: str, lang: str) -> ChartBundle:
    """Every breakdown pair of the country in one dumbbell: first group against the second."""
    frame = view_cut(view, group=None)
    frame = frame[frame["country_iso3"] == iso3]
    rows = []
    for pair in PAIRS:
        first, second = comparisons.PAIRS[pair]
        gap = comparisons.gap_table(frame[frame["group"].isin((first, second))], pair)
        if not gap.empty:
            gap = gap.assign(country=f"{GROUPS[first][lang]} / {GROUPS[second][lang]}", pair=pair)
            rows.append(gap)
    name = f"gaps_{iso3}_{view.indicator}_{view.grade}_{view.subject}_{view.year}"
    if not rows:
        return ChartBundle(name=name, caption=t("compare.no_data", lang))
    gaps = pd.concat(rows, ignore_index=True)
    gaps["verdict_label"] = [chart_text.verdict_label(v, lang) for v in gaps["verdict"]]
    indicator = indicator_info(view.indicator, lang)[0]
    columns = {"country": "gap", "value_a": "first_value", "value_b": "last_value", "gap": "diff"}
    return ChartBundle(
        name=name,
        title=f"{country_name(iso3, lang)}: {t('country.section_gaps', lang)} · {view_summary(view, lang)}",
        caption=t("country.gaps_caption", lang, indicator=indicator, year=view.year or ""),
        chart=build_gap_chart(gaps, t("country.first_group", lang), t("country.second_group", lang), lang),
        table=display_table(gaps, columns | {"verdict_label": "verdict"}, lang),
        sources=sources_table(frame, lang),
        api=figures_query(frame, (iso3,)),
        notes=provisional_notes(frame, lang),
    )


def country_trend(view: View, iso3: str, lang: str) -> ChartBundle:
    """The country's cycles of the view's indicator against the regional line."""
    bundle = trend_bundle(view.with_changes(chart="trend", countries=(iso3,)), lang)
    bundle.title = (
        f"{country_name(iso3, lang)}: {t('compare.chart.trend', lang)} · {view_summary(view, lang)}"
    )
    return bundle


def render_versions(iso3: str, lang: str) -> None:
    """The country's published versions: when, how many rows, which one is active."""
    versions = load_versions(data_version(), iso3)
    if versions.empty:
        st.info(t("country.no_versions", lang))
        return
    table = pd.DataFrame(
        {
            t("table.version", lang): versions["version"],
            t("table.published", lang): when_texts(versions["created_at"], lang),
            t("upload_history.col_rows", lang): [format_number(n, lang, 0) for n in versions["row_count"]],
            t("table.status", lang): [t(f"upload_history.status_{s}", lang) for s in versions["status"]],
        }
    )
    st.dataframe(table, hide_index=True)


def render_country_actions(iso3: str, lang: str) -> None:
    """The joint actions the country leads or takes part in, with a link to follow them."""
    actions = load_actions(data_version())
    involved = actions[
        (actions["lead_country"] == iso3) | actions["participants"].map(lambda p: iso3 in p)
    ] if not actions.empty else actions  # fmt: skip
    if involved.empty:
        st.info(t("country.no_actions", lang, country=country_label(iso3, lang)))
        return
    render_actions_table(involved, load_action_groups(data_version()), lang)
    st.page_link(
        "pages/actions.py",
        label=t("country.follow_actions", lang),
        icon=":material/task_alt:",
        query_params={"country": iso3, "lang": lang},
    )
