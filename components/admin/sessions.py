"""The sessions tab: who is logged in, from where and since when, and ending a session (a lost
phone, a computer left logged in at the meeting's help desk).

Layer: components. Listing and ending are checked for an organizer in data_access.core.logins; the
table never holds a token or its hash. Read fresh on every run: sessions change without a
data-version bump.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.shell.auth import session_token
from components.shell.data import get_engine, when_texts
from data_access.core import logins
from data_access.core.actors import Actor
from data_access.core.catalogues import country_name
from data_access.core.errors import EncuentroError
from data_access.core.formatting import visible_text
from data_access.core.i18n import t

EDITOR_KEY = "admin_sessions_editor"
END_KEY = "admin_sessions_end"
ENDED_KEY = "admin_sessions_ended"  # how many were ended, said once after the rerun
END_COLUMN = "end"
LABELS = {  # the table's columns and their labels' text keys
    "username": "admin.col_username", "role": "admin.col_role", "country": "admin.col_country",
    "address": "auth.col_address", "started": "auth.col_started", "last_used": "auth.col_last_used",
    "expires": "auth.col_expires",
}  # fmt: skip


def _table(sessions: list[logins.SessionInfo], lang: str) -> pd.DataFrame:
    """One row per session, the tick column first; the caller's own session says so."""
    mine = t("auth.your_session", lang)
    return pd.DataFrame(
        {
            END_COLUMN: [False] * len(sessions),
            "username": [s.username + (f" {mine}" if s.current else "") for s in sessions],
            "role": [t(f"auth.role_{s.role}", lang) for s in sessions],
            "country": [country_name(s.country_iso3, lang) if s.country_iso3 else "" for s in sessions],
            "address": [visible_text(s.address, limit=64) for s in sessions],
            "started": when_texts((s.created_at for s in sessions), lang),
            "last_used": when_texts((s.last_used_at for s in sessions), lang),
            "expires": when_texts((s.expires_at for s in sessions), lang),
        },
        index=[s.id for s in sessions],
    )


def _columns(lang: str) -> dict[str, object]:
    """The tick column, then each text column under its label."""
    labels = {code: st.column_config.TextColumn(t(key, lang)) for code, key in LABELS.items()}
    return {END_COLUMN: st.column_config.CheckboxColumn(t("auth.col_end", lang)), **labels}


def render_sessions(actor: Actor, lang: str) -> None:
    """The open sessions with a tick per row, and one button that ends the ticked ones."""
    st.subheader(t("auth.sessions_tab", lang))
    ended = st.session_state.pop(ENDED_KEY, None)
    if ended:
        st.success(t("auth.sessions_ended", lang, n=ended))
    sessions = logins.list_sessions(get_engine(), actor, session_token())
    if not sessions:
        st.info(t("auth.sessions_none", lang))
        return
    st.caption(t("auth.sessions_intro", lang))
    table = _table(sessions, lang)
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        column_config=_columns(lang),
        disabled=[c for c in table.columns if c != END_COLUMN],
        key=EDITOR_KEY,
    )
    ticked = [int(i) for i in edited.index[edited[END_COLUMN]]]
    label = t("auth.end_sessions", lang, n=len(ticked)) if ticked else t("auth.end_ticked", lang)
    if st.button(label, key=END_KEY, type="primary", disabled=not ticked, icon=":material/logout:"):
        try:
            for session_id in ticked:
                logins.end_session_by_id(get_engine(), actor, session_id)
        except EncuentroError as err:
            st.error(err.message(lang))
            return
        st.session_state[ENDED_KEY] = len(ticked)
        st.session_state.pop(EDITOR_KEY, None)
        st.rerun()
