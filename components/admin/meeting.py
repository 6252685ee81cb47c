"""The meeting tab: name, city, dates, time zone and the public address that QR codes point to.

Layer: components. Checks (dates in order, an http(s) address, lengths) live in
data_access.meeting.meeting_settings, which also writes the audit event.
"""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import available_timezones

import streamlit as st

from components.shell.data import data_version, get_engine, load_meeting_info
from data_access.core.actors import Actor
from data_access.core.errors import EncuentroError
from data_access.core.i18n import t
from data_access.meeting.meeting_settings import MAX_LENGTHS, MeetingInfo, meeting_zone, save_meeting_settings

SAVED_KEY = "admin_meeting_saved"  # True (saved) or False (nothing changed), shown after the rerun
DATE_FORMATS = {"es": "DD/MM/YYYY", "pt": "DD/MM/YYYY", "en": "YYYY-MM-DD"}


def _save(actor: Actor, lang: str, info: MeetingInfo) -> None:
    try:
        changed = save_meeting_settings(engine=get_engine(), actor=actor, info=info)
    except EncuentroError as err:
        st.error(err.message(lang))
        return
    st.session_state[SAVED_KEY] = changed
    st.rerun()


def render_meeting_settings(actor: Actor, lang: str) -> None:
    """The settings form, filled with what is stored."""
    st.subheader(t("admin.meeting_title", lang))
    st.caption(t("admin.meeting_help", lang))
    saved = st.session_state.pop(SAVED_KEY, None)
    if saved is not None:
        st.success(t("admin.meeting_saved" if saved else "admin.no_changes", lang))
    info = load_meeting_info(data_version())
    date_format = DATE_FORMATS.get(lang, "DD/MM/YYYY")
    with st.form("admin_meeting_form"):
        name = st.text_input(
            t("admin.meeting_name", lang),
            info.name,
            max_chars=MAX_LENGTHS["name"],
            placeholder=t("overview.title", lang),
            key="admin_meeting_name",
        )
        city = st.text_input(
            t("admin.meeting_city", lang), info.city, max_chars=MAX_LENGTHS["city"], key="admin_meeting_city"
        )
        start_col, end_col = st.columns(2)
        start = start_col.date_input(
            t("admin.meeting_start", lang), info.start, format=date_format, key="admin_meeting_start"
        )
        end = end_col.date_input(
            t("admin.meeting_end", lang), info.end, format=date_format, key="admin_meeting_end"
        )
        url = st.text_input(
            t("admin.meeting_url", lang),
            info.public_url,
            max_chars=MAX_LENGTHS["public_url"],
            placeholder="https://encuentro.example.org",
            help=t("admin.meeting_url_help", lang),
            key="admin_meeting_url",
        )
        zones = ["", *sorted(z for z in available_timezones() if z.startswith("America/")), "UTC"]
        automatic = t("admin.meeting_timezone_auto", lang, zone=meeting_zone(replace(info, timezone="")))
        zone = st.selectbox(
            t("admin.meeting_timezone", lang),
            zones,
            index=zones.index(info.timezone) if info.timezone in zones else 0,
            format_func=lambda z: z or automatic,
            help=t("admin.meeting_timezone_help", lang),
            key="admin_meeting_timezone",
        )
        if st.form_submit_button(t("admin.meeting_save", lang), type="primary", key="admin_meeting_save"):
            _save(actor, lang, MeetingInfo(name or "", city or "", start, end, url or "", zone or ""))
