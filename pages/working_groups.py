"""Working groups, served at /working_groups: rosters by group and country; contacts for logged-in users."""

import streamlit as st

from components.groups.cards import render_by_country, render_group_cards
from components.groups.loaders import (
    load_groups,
    load_meeting_countries,
    load_roster,
    render_filters,
    render_summary,
)
from components.shell.setup import setup_page
from data_access.core.i18n import t
from data_access.meeting.rosters import can_see_contacts, is_fictional

ctx = setup_page("working_groups")
st.title(t("groups.title", ctx.lang))
st.caption(t("groups.intro", ctx.lang))
groups = load_groups(ctx.version)
roster = load_roster(ctx.version, can_see_contacts(ctx.actor), ctx.actor)
if groups.empty:
    st.info(t("groups.empty", ctx.lang))
    ctx.stop()

if is_fictional(roster):
    st.info(t("groups.fictional_note", ctx.lang), icon=":material/info:")
if not can_see_contacts(ctx.actor):
    st.caption(t("groups.contacts_login", ctx.lang))
render_summary(groups, roster, ctx.lang)
filters = render_filters(groups, roster, ctx.lang)

by_group, by_country = st.tabs([t("groups.tab_groups", ctx.lang), t("groups.tab_countries", ctx.lang)])
with by_group:
    render_group_cards(groups, roster, filters, ctx.actor, ctx.lang)
with by_country:
    render_by_country(roster, load_meeting_countries(ctx.version), ctx.lang)
ctx.finish()
