"""Login sessions in a real store: only the token's hash is kept, a session finds its actor on every
rerun, idles out, and ends by logout, disabling, a new password or an organizer's click.

Layer: tests (unit). Each test gets a fresh migrated SQLite store (the `engine` fixture).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, update
from sqlmodel import SQLModel, col

from data_access.core import accounts, logins
from data_access.core.actors import ANONYMOUS_ACTOR, CLI_ACTOR, COORDINATOR, Actor
from data_access.core.errors import NotAllowed, NotFound
from data_access.core.models import AuditEvent, LoginSession, utcnow

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

PASSWORD = "correct horse battery"
IDLE = timedelta(hours=12)


@pytest.fixture
def ana(engine) -> Actor:
    accounts.create_user(
        engine=engine,
        actor=CLI_ACTOR,
        username="ana",
        password=PASSWORD,
        role=COORDINATOR,
        country_iso3="PER",
    )
    return Actor("ana", COORDINATOR, "PER")


def _rows(engine) -> list[LoginSession]:
    with engine.connect() as conn:
        return list(conn.execute(select(LoginSession)).all())


def test_the_store_keeps_only_the_hash_of_the_token(engine, ana) -> None:
    token = logins.start_session(engine, "ana", "10.0.0.7", IDLE)
    (row,) = _rows(engine)
    assert len(token) >= 40 and token not in repr(row)
    assert row.token_hash == logins.token_hash(token) and row.address == "10.0.0.7"
    assert row.expires_at - row.last_used_at == IDLE and row.ended_at is None
    assert logins.session_actor(engine, token, IDLE) == ana
    assert logins.session_actor(engine, token + "x", IDLE) is None
    assert logins.start_session(engine, "ana", "10.0.0.7", IDLE) != token  # random every time


def test_an_idle_session_has_ended_and_use_moves_its_end(engine, ana) -> None:
    token = logins.start_session(engine, "ana", "", IDLE)
    past = utcnow() - timedelta(hours=13)
    with engine.begin() as conn:
        conn.execute(update(LoginSession).values(last_used_at=past, expires_at=past + IDLE))
    assert logins.session_actor(engine, token, IDLE) is None  # 13 h unused, 12 h allowed
    with engine.begin() as conn:
        conn.execute(
            update(LoginSession).values(last_used_at=past, expires_at=utcnow() + timedelta(minutes=5))
        )
    assert logins.session_actor(engine, token, IDLE) == ana
    logins.settle_touches()  # the last use is written by a thread of its own
    (row,) = _rows(engine)
    assert row.expires_at > utcnow() + IDLE - timedelta(minutes=1)  # used: another 12 h from now


def test_logging_out_ends_the_session_for_every_tab(engine, ana) -> None:
    token, other = (logins.start_session(engine, "ana", "", IDLE) for _ in range(2))
    logins.end_session(engine, token)
    assert logins.session_actor(engine, token, IDLE) is None
    assert logins.session_actor(engine, other, IDLE) == ana  # another browser stays in
    ended = [r for r in _rows(engine) if r.ended_at is not None]
    assert [r.ended_why for r in ended] == [logins.LOGOUT]
    logins.end_session(engine, token)  # twice: nothing more happens


@pytest.mark.parametrize("change", ["disable", "password"])
def test_disabling_or_a_new_password_ends_every_session_of_the_account(engine, ana, change) -> None:
    tokens = [logins.start_session(engine, "ana", "", IDLE) for _ in range(3)]
    if change == "disable":
        accounts.set_active(engine=engine, actor=CLI_ACTOR, username="ana", active=False)
    else:
        accounts.reset_password(engine=engine, actor=CLI_ACTOR, username="ana", password="another long one")
    assert [logins.session_actor(engine, t, IDLE) for t in tokens] == [None] * 3
    why = logins.DISABLED if change == "disable" else logins.PASSWORD
    assert {r.ended_why for r in _rows(engine)} == {why}
    if change == "disable":  # enabled again, the old sessions stay ended: a new login is needed
        accounts.set_active(engine=engine, actor=CLI_ACTOR, username="ana", active=True)
        assert logins.session_actor(engine, tokens[0], IDLE) is None


def test_organizers_list_and_end_sessions_and_nobody_else_may(engine, ana) -> None:
    token = logins.start_session(engine, "ana", "10.0.0.7", IDLE)
    (info,) = logins.list_sessions(engine, CLI_ACTOR)
    assert (info.username, info.country_iso3, info.address) == ("ana", "PER", "10.0.0.7")
    assert not any(logins.token_hash(token) in str(v) or token in str(v) for v in vars(info).values())
    for actor in (ana, ANONYMOUS_ACTOR):
        with pytest.raises(NotAllowed):
            logins.list_sessions(engine, actor)
        with pytest.raises(NotAllowed):
            logins.end_session_by_id(engine, actor, info.id)
    logins.end_session_by_id(engine, CLI_ACTOR, info.id)
    assert logins.session_actor(engine, token, IDLE) is None and logins.list_sessions(engine, CLI_ACTOR) == []
    with pytest.raises(NotFound):
        logins.end_session_by_id(engine, CLI_ACTOR, info.id)
    with engine.connect() as conn:
        actions = conn.execute(select(col(AuditEvent.action)).order_by(col(AuditEvent.id))).scalars().all()
    assert actions[-1] == "end-session"


def test_the_migrations_make_the_tables_the_models_describe(engine) -> None:
    with engine.connect() as conn:
        # Types left out: timestamps are stored without a zone (UTC, the session's clock on PostgreSQL)
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    assert [d for d in differences if "login_session" in repr(d)] == []
