"""The overview's building blocks: who has published, and headline regional figures.

Layer: components. Every visitor of a data version sees the same overview, so each part is
computed once per (data version, language) per process and shared; a run only draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.charts.panel import escape_markdown, marked, render_about, render_spec
from components.compare.views import load_bundle
from components.shell.data import (
    data_version,
    load_meeting_info,
    load_observation_count,
    load_observations,
    load_published,
    load_recent_activity,
    meeting_zone_name,
    when_texts,
)
from data_access.core.catalogues import SUBJECTS, country_name
from data_access.core.formatting import format_dates, format_number, format_when, visible_text
from data_access.core.i18n import t
from data_access.stats.statistics import regional_figure
from data_access.stats.views import View

HEADLINE_YEAR, HEADLINE_EARLIER, HEADLINE_GRADE = 2019, 2013, 6
CACHED_VERSIONS = 12  # data versions x languages kept; older ones are never asked for again


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


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    delta: str | None
    note: str


@st.cache_resource(show_spinner=False, max_entries=CACHED_VERSIONS)
def load_headlines(version: int, lang: str) -> tuple[Headline, ...]:
    """The regional figure per subject, computed once per data version and language."""
    headlines = []
    for subject in ("reading", "mathematics", "science"):
        frame = load_observations(
            version, indicator_code="score_mean", grade=HEADLINE_GRADE, subject=subject, group="total"
        )
        figure = regional_figure(frame, HEADLINE_YEAR, HEADLINE_EARLIER)
        delta = None
        if figure.change is not None:
            change = format_number(figure.change, lang, 1)
            delta = t(
                "overview.change", lang, change=change, year=HEADLINE_EARLIER, n=figure.change_countries
            )
        note = t("overview.regional_note", lang, n=figure.countries)
        headlines.append(Headline(SUBJECTS[subject][lang], format_number(figure.mean, lang, 1), delta, note))
    return tuple(headlines)


def render_headlines(lang: str) -> None:
    """Regional mean score per subject in grade 6, with the change over the same countries."""
    st.subheader(t("overview.headlines", lang, grade=HEADLINE_GRADE, year=HEADLINE_YEAR))
    headlines = load_headlines(data_version(), lang)
    for col, headline in zip(st.columns(len(headlines)), headlines, strict=True):
        # grey, not red or green: the regional change has no standard error, so it is not tested
        col.metric(headline.label, headline.value, delta=headline.delta, delta_color="off")
        col.caption(headline.note)


def render_submissions(published: pd.DataFrame, lang: str, mine: str | None = None) -> None:
    """Which countries have published which version, and when, the reader's own (MINE) starred.
    st.table renders markdown in its cells, so only values we generate go in here (never file
    names or other typed text)."""
    st.subheader(t("overview.submissions", lang))
    if published.empty:
        st.info(t("overview.no_submissions", lang))
        return
    table = load_submissions_table(data_version(), lang)
    if mine:
        table = marked(table, (t("overview.col_country", lang), country_name(mine, lang)))
    st.table(table, hide_index=True, border="horizontal")


@st.cache_resource(show_spinner=False, max_entries=CACHED_VERSIONS)
def load_submissions_table(version: int, lang: str) -> pd.DataFrame:
    """The submissions table as shown, built once per data version and language; read only."""
    published = load_published(version)
    return pd.DataFrame(
        {
            t("overview.col_country", lang): [country_name(c, lang) for c in published["country_iso3"]],
            t("overview.col_version", lang): published["version"],
            t("overview.col_published", lang): when_texts(published["created_at"], lang),
            t("overview.col_cycles", lang): [", ".join(map(str, y)) for y in published["years"]],
            t("overview.col_rows", lang): published["row_count"],
        }
    ).sort_values(t("overview.col_country", lang))


def activity_line(event: dict[str, object], lang: str) -> str | None:
    """One sentence per write, built only from codes and numbers (never text people typed)."""
    detail = event["detail"]
    when = format_when(event["at"], lang, meeting_zone_name())
    if event["action"] in ("publish", "rollback"):
        removed = int(detail.get("removed", 0) or 0)
        key = "rollback" if event["action"] == "rollback" else ("publish_removed" if removed else "publish")
        return t(
            f"overview.activity_{key}",
            lang,
            when=when,
            country=country_name(detail["country"], lang),
            version=detail["version"],
            rows=format_number(detail["rows"], lang, 0),
            removed=format_number(removed, lang, 0),
            to_version=detail.get("to_version", ""),
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


@st.cache_resource(show_spinner=False, max_entries=CACHED_VERSIONS)
def load_activity_lines(version: int, lang: str) -> tuple[str, ...]:
    """The latest writes as sentences, once per data version and language."""
    return tuple(line for e in load_recent_activity(version) if (line := activity_line(e, lang)))


def render_activity(lang: str) -> None:
    """The latest publishes and imports, newest first."""
    st.subheader(t("overview.activity", lang))
    lines = load_activity_lines(data_version(), lang)
    if not lines:
        st.info(t("overview.no_activity", lang))
    for line in lines:
        st.caption(line)


def render_missing_page(lang: str) -> None:
    """Name the address that led here when it was no page (routes.unknown_pages sends it): typed
    by someone, so cut, made visible and kept inert."""
    missing = st.query_params.get("missing")
    if missing:
        shown = escape_markdown(visible_text(missing, 40))
        st.warning(t("overview.page_missing", lang, page=shown), icon=":material/link_off:")


def render_meeting_header(lang: str) -> None:
    """The meeting's own name, city and dates once organizers set them; a generic title before."""
    info = load_meeting_info(data_version())
    st.title(escape_markdown(info.name) if info.name else t("overview.title", lang))  # typed: plain text
    where_when = " · ".join(part for part in (info.city, format_dates(info.start, info.end, lang)) if part)
    if where_when:
        st.text(where_when)  # typed by organizers: shown as text, never as markdown
    st.caption(t("overview.intro", lang))


def render_map(lang: str, mine: str | None = None) -> None:
    """Grade-6 reading on the map of the region, with a link to explore it on /compare; the
    reader's own country (MINE) outlined."""
    view = View(chart="map", grade=HEADLINE_GRADE, subject="reading", year=HEADLINE_YEAR, mine=mine)
    st.subheader(t("overview.map_title", lang, grade=HEADLINE_GRADE, year=HEADLINE_YEAR))
    bundle = load_bundle(data_version(), view, lang)
    if bundle.empty:
        st.info(t("compare.no_results", lang))
        return
    st.caption(escape_markdown(bundle.caption))
    render_spec(bundle.page_spec, "overview_map", bundle.caption)
    render_about(view.indicator, lang)  # what the map shows, beside it
    st.page_link(
        "pages/compare.py",
        label=t("country.explore", lang),
        icon=":material/bar_chart:",
        query_params={**view.to_params(), "lang": lang},
    )
