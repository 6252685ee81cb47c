"""The admin page's backup tab: a consistent copy of the store to download, and how to restore it.

Layer: components. data_access.operations.backup makes the copy and checks the organizer role itself.
"""

from __future__ import annotations

import streamlit as st

from components.shell.data import get_engine
from data_access.core.actors import Actor
from data_access.core.errors import EncuentroError
from data_access.core.formatting import format_number
from data_access.core.i18n import t
from data_access.operations.backup import backup_bytes, backup_name

BACKUP_KEY = "admin_backup"  # (file name, bytes) of the copy made in this tab, until it is replaced


def render_backup(actor: Actor, lang: str) -> None:
    """Make a copy on request (it reads the whole store), then offer it for download."""
    st.subheader(t("admin.backup_title", lang))
    st.caption(t("admin.backup_help", lang))
    if st.button(t("admin.backup_prepare", lang), key="admin_backup_prepare", icon=":material/backup:"):
        try:
            st.session_state[BACKUP_KEY] = (backup_name(), backup_bytes(get_engine(), actor))
        except EncuentroError as err:
            st.error(err.message(lang))
            return
    ready = st.session_state.get(BACKUP_KEY)
    if ready is not None:
        name, data = ready
        size = format_number(len(data) / 1024 / 1024, lang, 1)
        st.download_button(
            t("admin.backup_download", lang, name=name, mb=size),
            data,
            file_name=name,
            mime="application/vnd.sqlite3",
            icon=":material/download:",
            type="primary",
            key="admin_backup_download",
        )
    st.caption(t("admin.backup_restore_help", lang))
    # inline code, not st.code: on this page a code block is kept for a password shown once
    name = (
        ready[0] if ready is not None else "encuentro-backup-YYYYMMDD-HHMM.db"
    )  # a file name in any language
    st.markdown(f"`python manage.py check`  \n`python manage.py restore {name} --yes`")
