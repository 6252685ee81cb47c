"""Comparative charts across countries, served at /compare. The whole view lives in the query
parameters (?chart=&indicator=&grade=&subject=&year=&group=&countries=...), so links share it."""

import streamlit as st

from components.charts.panel import render_about, render_chart_panel
from components.compare.filters import (
    current_view,
    render_chart_choice,
    render_filters,
    render_url_notice,
    sync_url,
)
from components.compare.views import load_bundle
from components.present.deck import render_add_to_deck
from components.shell.data import data_version
from components.shell.live import render_live_refresh
from components.shell.setup import setup_page
from components.shell.share import render_share
from data_access.core.i18n import t

ctx = setup_page("compare")
st.title(t("compare.title", ctx.lang))
with st.container(key="page_intro"):  # left out on phones, for the chart's sake
    st.caption(t("compare.intro", ctx.lang))


@st.fragment
def chart_view() -> None:
    """Chart choice, filters and the chart: a filter change reruns this, not the whole page."""
    view, options, cuts = current_view(ctx.mine)
    if cuts.empty:
        st.info(t("compare.no_results", ctx.lang))
        st.page_link("pages/upload.py", label=t("nav.upload", ctx.lang), query_params={"lang": ctx.lang})
        return
    render_url_notice(ctx.lang)
    sync_url(view, ctx.lang)
    render_chart_choice(view, ctx.lang)
    render_filters(view, options, ctx.lang)
    render_chart_panel(load_bundle(data_version(), view, ctx.lang), ctx.lang, key="compare")
    render_about(view.indicator, ctx.lang)
    render_share("compare", view.shared().to_params(), ctx.lang, key="compare_share")
    render_add_to_deck(ctx.actor, view, ctx.lang)


chart_view()
render_live_refresh(ctx.version, spread=True)
ctx.finish()
