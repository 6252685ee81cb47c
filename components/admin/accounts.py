"""The accounts tab: who can log in, creating an account, disabling it, resetting its password.

Layer: components. Permission checks and hashing live in data_access.core.accounts; a new password is
shown once (st.code) and never stored anywhere but as its hash.
"""

from __future__ import annotations

import re
import secrets

import pandas as pd
import streamlit as st

from components.admin.shared import remember_secret, render_secret_once
from components.shell.data import get_engine
from data_access.core import accounts
from data_access.core.actors import COORDINATOR, ORGANIZER, Actor
from data_access.core.catalogues import country_name, lac_countries
from data_access.core.errors import EncuentroError
from data_access.core.i18n import t

NEW_ROLE_KEY = "admin_new_role"
NEW_GENERATE_KEY = "admin_new_generate"
NEW_NAME_KEY = "admin_new_name"
NEW_COUNTRY_KEY = "admin_new_country"
NEW_PASSWORD_KEYS = ("admin_new_password", "admin_new_password_again")
CLEAR_FORM_KEY = "admin_new_clear"  # set after a creation: empty the form before it is drawn again
CREATED_KEY = "admin_created"  # a name to confirm after a rerun, when the password was typed
MANAGE_KEY = "admin_manage_user"
# Names are shown in messages and menus: keep them to characters that cannot format anything.
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,63}")


def generate_password() -> str:
    """A random password of 20 URL-safe characters (about 120 bits)."""
    return secrets.token_urlsafe(15)


def _role_name(role: str, lang: str) -> str:
    name = t(f"auth.role_{role}", lang)  # written for the middle of a sentence
    return name[:1].upper() + name[1:]


def render_account_table(lang: str) -> list[str]:
    """Every account, without its hash; returns the user names for the actions below."""
    users = accounts.list_users(get_engine())
    table = pd.DataFrame(
        {
            t("admin.col_username", lang): [u.username for u in users],
            t("admin.col_role", lang): [_role_name(u.role, lang) for u in users],
            t("admin.col_country", lang): [
                country_name(u.country_iso3, lang) if u.country_iso3 else "" for u in users
            ],
            t("admin.col_active", lang): [u.active for u in users],
            t("admin.col_failed", lang): [u.failed_logins for u in users],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    return [u.username for u in users]


def _country_options(lang: str) -> list[str]:
    return sorted((c.iso3 for c in lac_countries()), key=lambda iso3: country_name(iso3, lang))


def _clear_new_account_form() -> None:
    """Widgets keep what the browser sends back, so they are emptied before they are drawn."""
    if st.session_state.pop(CLEAR_FORM_KEY, False):
        st.session_state.update({NEW_NAME_KEY: "", NEW_COUNTRY_KEY: None})
        st.session_state.update(dict.fromkeys(NEW_PASSWORD_KEYS, ""))


def _create(
    actor: Actor, lang: str, role: str, username: str, country: str | None, passwords: tuple[str, str]
) -> None:
    generated = st.session_state.get(NEW_GENERATE_KEY, True)
    password = generate_password() if generated else passwords[0]
    if not USERNAME.fullmatch(username):
        st.error(t("admin.username_format", lang))
        return
    if not generated and passwords[0] != passwords[1]:
        st.error(t("admin.passwords_differ", lang))
        return
    try:
        accounts.create_user(
            engine=get_engine(),
            actor=actor,
            username=username,
            password=password,
            role=role,
            country_iso3=country,
        )
    except EncuentroError as err:
        st.error(err.message(lang))
        return
    if generated:
        remember_secret(username, password)
    else:
        st.session_state[CREATED_KEY] = username
    st.session_state[CLEAR_FORM_KEY] = True
    st.rerun()


def render_new_account(actor: Actor, lang: str) -> None:
    """Name, role, country (coordinators only) and a password typed twice or generated."""
    st.subheader(t("admin.new_account", lang))
    _clear_new_account_form()
    if created := st.session_state.pop(CREATED_KEY, None):
        st.success(t("admin.account_created", lang))
        st.text(created)
    role = st.segmented_control(
        t("admin.new_role", lang),
        (COORDINATOR, ORGANIZER),
        format_func=lambda r: _role_name(r, lang),
        default=COORDINATOR,
        required=True,
        key=NEW_ROLE_KEY,
    )
    generate = st.toggle(t("admin.new_generate", lang), value=True, key=NEW_GENERATE_KEY)
    with st.form("admin_new_account", border=True):
        username = st.text_input(t("admin.col_username", lang), max_chars=64, key=NEW_NAME_KEY)
        country = None
        if role == COORDINATOR:
            country = st.selectbox(
                t("admin.col_country", lang),
                _country_options(lang),
                index=None,
                format_func=lambda iso3: country_name(iso3, lang),
                placeholder=t("admin.choose_country", lang),
                key=NEW_COUNTRY_KEY,
            )
        passwords = ("", "")
        if not generate:
            first = st.text_input(t("auth.password", lang), type="password", key=NEW_PASSWORD_KEYS[0])
            again = st.text_input(t("admin.password_again", lang), type="password", key=NEW_PASSWORD_KEYS[1])
            passwords = (first, again)
            st.caption(t("admin.password_rule", lang, minimum=accounts.MIN_PASSWORD))
        if st.form_submit_button(t("admin.create", lang), type="primary", key="admin_create"):
            _create(actor, lang, role or COORDINATOR, (username or "").strip(), country, passwords)


def _act(lang: str, action, **kwargs: object) -> bool:
    try:
        action(engine=get_engine(), **kwargs)
    except EncuentroError as err:
        st.error(err.message(lang))
        return False
    return True


def render_manage_account(actor: Actor, usernames: list[str], lang: str) -> None:
    """Disable or enable one account, or give it a new generated password (shown once)."""
    st.subheader(t("admin.manage_title", lang))
    if not usernames:
        return
    chosen = st.selectbox(t("admin.manage_account", lang), usernames, key=MANAGE_KEY)
    user = next(u for u in accounts.list_users(get_engine()) if u.username == chosen)
    itself = chosen == actor.username
    left, right = st.columns(2)
    label = "admin.disable" if user.active else "admin.enable"
    toggled = left.button(t(label, lang), key="admin_toggle_active", disabled=itself, width="stretch")
    if toggled and _act(lang, accounts.set_active, actor=actor, username=chosen, active=not user.active):
        st.rerun()
    if right.button(t("admin.reset_password", lang), key="admin_reset_password", width="stretch"):
        password = generate_password()
        if _act(lang, accounts.reset_password, actor=actor, username=chosen, password=password):
            remember_secret(chosen, password)
            st.rerun()
    if itself:
        st.caption(t("admin.cannot_disable_self", lang))


def render_accounts(actor: Actor, lang: str) -> None:
    """The whole tab: the new password (once), the table, the creation form and the actions."""
    render_secret_once(lang)
    st.subheader(t("admin.accounts_title", lang))
    usernames = render_account_table(lang)
    create, manage = st.columns([3, 2], gap="large")
    with create:
        render_new_account(actor, lang)
    with manage:
        render_manage_account(actor, usernames, lang)
