"""The overview, served at /: the meeting at a glance."""

import streamlit as st

from components.overview.headlines import (
    render_activity,
    render_headlines,
    render_map,
    render_meeting_header,
    render_missing_page,
    render_status_metrics,
    render_submissions,
)
from components.shell.live import render_live_refresh
from components.shell.setup import setup_page
from data_access.core.i18n import t

ctx = setup_page("overview")
render_missing_page(ctx.lang)
render_meeting_header(ctx.lang)
published = render_status_metrics(ctx.lang)
render_headlines(ctx.lang)
map_column, activity = st.columns([3, 2], gap="large")
with map_column:
    render_map(ctx.lang, ctx.mine)
with activity:
    render_activity(ctx.lang)
render_submissions(published, ctx.lang, ctx.mine)
st.caption(t("overview.source_note", ctx.lang))
render_live_refresh(ctx.version)
ctx.finish()
