"""Accounts for AppTest runs: made in the test's private store the way `create-user` makes them."""

from __future__ import annotations

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from components.shell.auth import TOKEN_KEY
from data_access.core.accounts import create_user
from data_access.core.actors import CLI_ACTOR, Actor
from data_access.core.logins import start_session
from data_access.core.settings import get_settings
from data_access.core.store import make_engine

PASSWORD = "a-long-test-password"


def account(engine: Engine, username: str, role: str | None = None, country: str | None = None) -> Actor:
    """A new account and its Actor; a country makes it a coordinator unless ROLE says otherwise."""
    role = role or ("coordinator" if country else "organizer")
    create_user(
        engine=engine, actor=CLI_ACTOR, username=username, password=PASSWORD, role=role, country_iso3=country
    )
    return Actor(username, role, country)


def sign_in(at: AppTest, actor: Actor) -> str:
    """Open a session for ACTOR's account in the app's store, as the login route does, and hand its
    token to the page (a browser sends it as a cookie; AppTest cannot send cookies). Returns it."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        token = start_session(engine, actor.username, "apptest", settings.session_idle)
    finally:
        engine.dispose()
    at.session_state[TOKEN_KEY] = token
    return token
