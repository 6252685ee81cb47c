"""One country against the region, served at /country?country=PER: every domain, trends, gaps,
its submission history and the joint actions it leads or joins."""

import streamlit as st

from components.charts.panel import render_about, render_chart_panel
from components.compare.filters import current_view, render_fields
from components.country.profile import (
    load_profile_bundle,
    load_view_bundles,
    render_country_actions,
    render_country_choice,
    render_versions,
)
from components.present.deck import render_add_to_deck
from components.shell.live import render_live_refresh
from components.shell.setup import setup_page
from components.shell.share import render_share
from data_access.core.catalogues import country_name
from data_access.core.i18n import t

ctx = setup_page("country")
iso3 = render_country_choice(ctx.mine, ctx.lang)  # the own country by default
st.title(t("country.title", ctx.lang, country=country_name(iso3, ctx.lang)))
st.caption(t("country.intro", ctx.lang))

st.subheader(t("country.section_profile", ctx.lang), divider="gray")
render_chart_panel(load_profile_bundle(ctx.version, iso3, ctx.lang), ctx.lang, key="country_profile")
render_share("country", {"country": iso3}, ctx.lang, key="country_share")
render_add_to_deck(ctx.actor, {"country": iso3}, ctx.lang, kind="country")

view, options, cuts = current_view()
if not cuts.empty:
    st.subheader(t("country.section_trends", ctx.lang), divider="gray")
    render_fields(view, options, ("indicator", "grade", "subject", "year"), ctx.lang)
    trend, gaps = load_view_bundles(ctx.version, view, iso3, ctx.lang)
    render_chart_panel(trend, ctx.lang, key="country_trend")
    render_about(view.indicator, ctx.lang)  # what the trend and the gaps measure, beside them
    st.subheader(t("country.section_gaps", ctx.lang), divider="gray")
    render_chart_panel(gaps, ctx.lang, key="country_gaps")

st.subheader(t("country.section_history", ctx.lang), divider="gray")
render_versions(iso3, ctx.lang)
st.subheader(t("country.section_actions", ctx.lang), divider="gray")
render_country_actions(iso3, ctx.lang)
render_live_refresh(ctx.version, spread=True)
ctx.finish()
