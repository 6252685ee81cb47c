"""Login and logout in the sidebar. A login lives in its browser tab (Streamlit session state):
a reload or a new tab starts anonymous again, and nothing is kept in cookies.

Layer: components. Authorization itself is checked in data_access on every write.
"""

from __future__ import annotations

import streamlit as st

from components.shell.data import get_engine
from data_access.core import accounts
from data_access.core.actors import ANONYMOUS_ACTOR, Actor
from data_access.core.catalogues import country_name
from data_access.core.errors import EncuentroError
from data_access.core.i18n import t

AUTH_KEY = "auth_actor"
CLOSE_MENU_KEY = "auth_close_menu"  # after a login, a phone's menu gets out of the way (setup.py)


def current_actor() -> Actor:
    """The logged-in user of this tab, re-read so a disabled account loses access at once."""
    actor = st.session_state.get(AUTH_KEY)
    if actor is None:
        return ANONYMOUS_ACTOR
    fresh = accounts.get_actor(get_engine(), actor.username)
    if fresh is None:
        del st.session_state[AUTH_KEY]
        return ANONYMOUS_ACTOR
    return fresh


def log_in_form(lang: str, where: str = "sidebar") -> None:
    """The login form; WHERE keeps the widget keys of a second copy (a gated page's own) apart."""
    suffix = "" if where == "sidebar" else f"_{where}"
    with st.form(f"auth_login_form{suffix}", clear_on_submit=False, border=False):
        username = st.text_input(t("auth.username", lang), key=f"auth_username{suffix}")
        password = st.text_input(t("auth.password", lang), type="password", key=f"auth_password{suffix}")
        submitted = st.form_submit_button(t("auth.log_in", lang), type="primary" if suffix else "secondary")
    if not submitted:
        return
    try:
        address = st.context.ip_address or "unknown"  # the throttle counts failures per address
        st.session_state[AUTH_KEY] = accounts.authenticate(get_engine(), username.strip(), password, address)
    except EncuentroError as err:
        st.error(err.message(lang))
        return
    st.session_state[CLOSE_MENU_KEY] = True  # on a phone, show the page the login opened
    st.rerun()


def render_account(actor: Actor, lang: str) -> None:
    """Who is logged in and a logout button, or the login form."""
    if actor.role == "anonymous":
        with st.expander(t("auth.log_in", lang)):
            log_in_form(lang)
            st.caption(t("auth.tab_note", lang))
        return
    where = f" · {country_name(actor.country_iso3, lang)}" if actor.country_iso3 else ""
    name = actor.username.replace("_", "\\_")  # st.caption renders markdown; names allow only . _ @ -
    st.caption(t("auth.logged_in_as", lang, name=name, role=t(f"auth.role_{actor.role}", lang)) + where)
    if st.button(t("auth.log_out", lang), key="auth_logout"):
        st.session_state.pop(AUTH_KEY, None)
        st.rerun()
