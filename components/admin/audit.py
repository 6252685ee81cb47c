"""The audit-log tab: every write, newest first, filtered by action and actor, and as CSV.

Layer: components. Read fresh on every run (not cached): a lock-out after failed logins is
recorded without a data-version bump. Everything is shown as table text, never as markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.shell.data import get_engine, when_texts
from data_access.core.audit import AUDIT_COLUMNS, export_audit_csv, list_audit_choices, list_audit_events
from data_access.core.formatting import visible_text
from data_access.core.i18n import t

ACTION_KEY = "admin_audit_action"
ACTOR_KEY = "admin_audit_actor"
LIMIT_KEY = "admin_audit_limit"
LIMITS = (100, 500, 2000)


def _filter(label: str, options: list[str], key: str, lang: str) -> str | None:
    return st.selectbox(label, options, index=None, key=key, placeholder=t("admin.audit_all", lang))


def render_audit_table(frame: pd.DataFrame, lang: str) -> None:
    """The events as plain text cells: time, actor, action, entity, its id and the detail JSON."""
    shown = frame.loc[:, list(AUDIT_COLUMNS)].copy()
    shown["at"] = when_texts(shown["at"], lang)
    for column in ("actor", "entity_id", "detail"):  # may carry file names as they were given
        shown[column] = [visible_text(value, limit=400) for value in shown[column]]
    shown.columns = [t(f"admin.audit_col_{c}", lang) for c in AUDIT_COLUMNS]
    st.dataframe(shown, hide_index=True, width="stretch")


def render_audit_log(lang: str) -> None:
    """Filters, the latest events and a CSV download of what is shown."""
    st.subheader(t("admin.audit_title", lang))
    actions, actors = list_audit_choices(get_engine())
    action_col, actor_col, limit_col = st.columns([2, 2, 1])
    with action_col:
        action = _filter(t("admin.audit_action", lang), actions, ACTION_KEY, lang)
    with actor_col:
        actor = _filter(t("admin.audit_actor", lang), actors, ACTOR_KEY, lang)
    with limit_col:
        limit = st.selectbox(t("admin.audit_limit", lang), LIMITS, index=1, key=LIMIT_KEY)
    frame = list_audit_events(get_engine(), action=action, actor=actor, limit=limit)
    if frame.empty:
        st.info(t("admin.audit_empty", lang))
        return
    st.caption(t("admin.audit_count", lang, shown=len(frame), limit=limit))
    render_audit_table(frame, lang)
    st.download_button(
        t("admin.audit_download", lang),
        export_audit_csv(frame),
        file_name="encuentro-audit.csv",
        mime="text/csv",
        icon=":material/download:",
        key="admin_audit_download",
        on_click="ignore",
    )
