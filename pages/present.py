"""The presenter, served at /present: organizers drive the slides from a console and show them on
/present?screen=projector (with a QR code to join); everyone else, and /present?follow=1, sees
the slide the projector shows."""

import streamlit as st

from components.present.deck import render_deck_editor
from components.present.screens import render_console, render_follower, render_projector
from components.shell.setup import setup_page
from data_access.core.i18n import t

ctx = setup_page("present")
if ctx.actor.is_organizer and st.query_params.get("follow") != "1":
    if st.query_params.get("screen") == "projector":
        render_projector(ctx.actor, ctx.lang)
    else:
        render_console(ctx.actor, ctx.lang)
        render_deck_editor(ctx.actor, ctx.lang)
else:
    st.title(t("present.title", ctx.lang))
    with st.container(key="page_intro"):  # left out on phones, for the slide's sake
        st.caption(t("present.follow_intro", ctx.lang))
    render_follower(ctx.lang, ctx.mine)
ctx.finish()
