"""The overview's building blocks: who has published, and headline regional figures.

Layer: components. Reads through cached loaders; all reshaping happens in data_access.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.chart_panel import escape_markdown, render_spec
from components.charts_more import to_spec
from components.compare_bundles import map_bundle
from components.data import (
    data_version,
    load_meeting_info,
    load_observation_count,
    load_observations,
    load_published,
    load_recent_activity,
)
from data_access.catalogues import SUBJECTS, country_name
from data_access.formatting import format_dates, format_number, format_when
from data_access.i18n import t
from data_access.statistics import regional_figure
from data_access.views import View

HEADLINE_YEAR, HEADLINE_EARLIER, HEADLINE_GRADE = 2019, 2013, 6


def render_status_metrics(lang: str) -> pd.DataFrame:
    """Counts at a glance; returns the published table so the page does not load it twice."""
    version = data_version()
    published = load_published(version)
    with_latest = sum(HEADLINE_YEAR in years for years in published["years"])
    cols = st.columns(3)
    cols[0].metric(t("overview.countries_published", lang), len(published))
    cols[1].metric(t("overview.countries_latest", lang, year=HEADLINE_YEAR), with_latest)
    cols[2].metric(t("overview.figures", lang), format_number(load_observation_count(version), lang, 0))
    return published


def render_headlines(lang: str) -> None:
    """Regional mean score per subject in grade 6, with the change over the same countries."""
    st.subheader(t("overview.headlines", lang, grade=HEADLINE_GRADE, year=HEADLINE_YEAR))
    version = data_version()
    cols = st.columns(len(SUBJECTS) - 1)
    for col, subject in zip(cols, ("reading", "mathematics", "science"), strict=True):
        frame = load_observations(
            version, indicator_code="score_mean", grade=HEADLINE_GRADE, subject=subject, group="total"
        )
        figure = regional_figure(frame, HEADLINE_YEAR, HEADLINE_EARLIER)
        delta = None
        if figure.change is not None:
            delta = t(
                "overview.change",
                lang,
                change=format_number(figure.change, lang, 1),
                year=HEADLINE_EARLIER,
                n=figure.change_countries,
            )
        col.metric(
            SUBJECTS[subject][lang], format_number(figure.mean, lang, 1), delta=delta, delta_color="normal"
        )
        col.caption(t("overview.regional_note", lang, n=figure.countries))


def render_submissions(published: pd.DataFrame, lang: str) -> None:
    """Which countries have published which version, and when. st.table renders markdown in its
    cells, so only values we generate go in here (never file names or other typed text)."""
    st.subheader(t("overview.submissions", lang))
    if published.empty:
        st.info(t("overview.no_submissions", lang))
        return
    table = pd.DataFrame(
        {
            t("overview.col_country", lang): [country_name(c, lang) for c in published["country_iso3"]],
            t("overview.col_version", lang): published["version"],
            t("overview.col_published", lang): [format_when(w, lang) for w in published["created_at"]],
            t("overview.col_cycles", lang): [", ".join(map(str, y)) for y in published["years"]],
            t("overview.col_rows", lang): published["row_count"],
        }
    ).sort_values(t("overview.col_country", lang))
    st.table(table, hide_index=True, border="horizontal")


def activity_line(event: dict[str, object], lang: str) -> str | None:
    """One sentence per write, built only from codes and numbers (never text people typed)."""
    detail = event["detail"]
    when = format_when(event["at"], lang)
    if event["action"] == "publish":
        return t(
            "overview.activity_publish",
            lang,
            when=when,
            country=country_name(detail["country"], lang),
            version=detail["version"],
            rows=format_number(detail["rows"], lang, 0),
        )
    if event["action"] in ("import-roster", "import-actions"):
        return t(
            f"overview.activity_{event['action'].removeprefix('import-')}",
            lang,
            when=when,
            created=detail.get("created", 0),
            updated=detail.get("updated", 0),
        )
    return None


def render_activity(lang: str) -> None:
    """The latest publishes and imports, newest first."""
    st.subheader(t("overview.activity", lang))
    lines = [line for e in load_recent_activity(data_version()) if (line := activity_line(e, lang))]
    if not lines:
        st.info(t("overview.no_activity", lang))
    for line in lines:
        st.caption(line)


def render_meeting_header(lang: str) -> None:
    """The meeting's own name, city and dates once organizers set them; a generic title before."""
    info = load_meeting_info(data_version())
    st.title(info.name or t("overview.title", lang))
    where_when = " · ".join(part for part in (info.city, format_dates(info.start, info.end, lang)) if part)
    if where_when:
        st.text(where_when)  # typed by organizers: shown as text, never as markdown
    st.caption(t("overview.intro", lang))


def render_map(lang: str) -> None:
    """Grade-6 reading on the map of the region, with a link to explore it on /compare."""
    view = View(chart="map", grade=HEADLINE_GRADE, subject="reading", year=HEADLINE_YEAR)
    st.subheader(t("overview.map_title", lang, grade=HEADLINE_GRADE, year=HEADLINE_YEAR))
    bundle = map_bundle(view, lang)
    if bundle.empty:
        st.info(t("compare.no_results", lang))
        return
    st.caption(escape_markdown(bundle.caption))
    render_spec(to_spec(bundle.chart), "overview_map", bundle.caption)
    st.page_link(
        "pages/compare.py",
        label=t("country.explore", lang),
        icon=":material/bar_chart:",
        query_params={**view.to_params(), "lang": lang},
    )
