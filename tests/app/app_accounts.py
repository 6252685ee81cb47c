"""Accounts for AppTest runs: made in the test's private store the way `create-user` makes them."""

from __future__ import annotations

from sqlalchemy import Engine

from data_access.core.accounts import create_user
from data_access.core.actors import CLI_ACTOR, Actor

PASSWORD = "a-long-test-password"


def account(engine: Engine, username: str, role: str | None = None, country: str | None = None) -> Actor:
    """A new account and its Actor; a country makes it a coordinator unless ROLE says otherwise."""
    role = role or ("coordinator" if country else "organizer")
    create_user(
        engine=engine, actor=CLI_ACTOR, username=username, password=PASSWORD, role=role, country_iso3=country
    )
    return Actor(username, role, country)
