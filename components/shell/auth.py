"""Login and logout in the sidebar (and on a gated page). The forms post to /auth/login and
/auth/logout (routes/auth.py), so a password never passes through a widget's state; the session
lives in an HttpOnly cookie that every page reads here, so a reload, a second tab and a phone keep
the login until it is ended.

Layer: components. Authorization itself is checked in data_access on every write.
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

import streamlit as st

from components.shell.data import get_app_settings, get_engine
from components.shell.navigation import Page
from data_access.core import logins
from data_access.core.actors import ANONYMOUS_ACTOR, Actor
from data_access.core.catalogues import country_name
from data_access.core.errors import InvalidCredentials
from data_access.core.i18n import t

# AppTest cannot send cookies (its context cannot seed them), so app tests hand a session's token
# to the page here; a browser always sends the cookie, and nothing in the app writes this key.
TOKEN_KEY = "auth_token"


def session_token() -> str | None:
    """This browser's session token, from its cookie."""
    cookie = st.context.cookies.get(logins.SESSION_COOKIE)
    token = cookie if isinstance(cookie, str) else st.session_state.get(TOKEN_KEY)  # AppTest: no cookies
    return token or None


def current_actor() -> Actor:
    """Who is logged in, read from the store on every rerun: a session ended elsewhere (logout in
    another tab, a disabled account, a new password, an organizer) is anonymous at once."""
    token = session_token()
    if not token:
        return ANONYMOUS_ACTOR
    actor = logins.session_actor(get_engine(), token, get_app_settings().session_idle)
    return actor or ANONYMOUS_ACTOR


def just_logged_in() -> bool:
    """Whether this run follows a login (the route came back with ?auth=ok); the parameter is taken
    off the address so a reload or a shared link does not carry it."""
    if st.query_params.get(logins.AUTH_PARAM) != "ok":
        return False
    del st.query_params[logins.AUTH_PARAM]
    return True


def _here(page: Page) -> str:
    """This page's path and query, where a login or logout comes back to (without ?auth=)."""
    query = {k: v for k, v in st.query_params.to_dict().items() if k != logins.AUTH_PARAM}
    return page.path + (f"?{urlencode(query)}" if query else "")


def _hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{name}" value="{html.escape(value, quote=True)}">'


def log_in_form(lang: str, page: Page, where: str = "sidebar") -> None:
    """The login form: plain HTML posting to the login route. WHERE styles a gated page's copy."""
    kind = "primary" if where == "page" else "secondary"
    user, password, submit = (
        html.escape(t(key, lang)) for key in ("auth.username", "auth.password", "auth.log_in")
    )
    st.html(
        f'<form class="encuentro-login encuentro-login-{where}" method="post" action="{logins.LOGIN_PATH}">'
        + _hidden("next", _here(page))
        + _hidden("lang", lang)
        + f'<label>{user}<input name="username" autocomplete="username" autocapitalize="none" '
        'spellcheck="false" maxlength="64" required></label>'
        f'<label>{password}<input name="password" type="password" autocomplete="current-password" '
        "required></label>"
        f'<button type="submit" class="encuentro-login-{kind}">{submit}</button></form>'
    )


def render_login_failure(lang: str) -> None:
    """After a refused login (?auth=failed), why, once, at the top of the page (a phone's menu is
    out of sight); the same words for a wrong name, a wrong password and a throttled attempt."""
    if st.query_params.get(logins.AUTH_PARAM) == "failed":
        st.error(InvalidCredentials().message(lang), icon=":material/lock:")


def render_account(actor: Actor, lang: str, page: Page) -> None:
    """Who is logged in and a logout button, or the login form."""
    if actor.role == "anonymous":
        failed = st.query_params.get(logins.AUTH_PARAM) == "failed"
        with st.expander(t("auth.log_in", lang), expanded=failed):
            log_in_form(lang, page)
            st.caption(t("auth.session_note", lang, hours=get_app_settings().session_idle_h))
        return
    where = f" · {country_name(actor.country_iso3, lang)}" if actor.country_iso3 else ""
    name = actor.username.replace("_", "\\_")  # st.caption renders markdown; names allow only . _ @ -
    st.caption(t("auth.logged_in_as", lang, name=name, role=t(f"auth.role_{actor.role}", lang)) + where)
    label = html.escape(t("auth.log_out", lang))
    st.html(
        f'<form class="encuentro-logout" method="post" action="{logins.LOGOUT_PATH}">'
        + _hidden("next", _here(page))
        + _hidden("lang", lang)
        + f'<button type="submit" class="encuentro-login-secondary">{label}</button></form>'
    )
