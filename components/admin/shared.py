"""Shared pieces of the organizers' admin page: the catalogue state, a credential shown once.

Layer: components. The tabs themselves are the other modules of components/admin/.
"""

from __future__ import annotations

import streamlit as st

from components.shell.data import get_engine
from data_access.core.i18n import t
from data_access.core.store import read_with
from data_access.publishing.catalogue_edit import CatalogueState, get_catalogue_state

SECRET_KEY = "admin_secret"  # (username, password) to show once, after a create or a reset


@st.cache_resource(show_spinner=False, max_entries=4)
def load_catalogue_state(version: int) -> CatalogueState:
    """What catalogue edits are checked against (read-only); VERSION only keys the cache."""
    return read_with(get_engine(), get_catalogue_state)


def remember_secret(username: str, password: str) -> None:
    """Keep a new password for the next run only: it is shown once, then forgotten."""
    st.session_state[SECRET_KEY] = (username, password)


def render_secret_once(lang: str) -> None:
    """The password just set, once, as plain text with a copy button; gone on the next rerun."""
    secret = st.session_state.pop(SECRET_KEY, None)
    if secret is None:
        return
    username, password = secret
    with st.container(border=True):
        st.success(t("admin.password_once", lang))
        st.text(f"{t('auth.username', lang)}: {username}")  # st.text: never read as markdown
        st.code(password, language=None)
