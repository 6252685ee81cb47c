"""Accounts in a real store: argon2 hashes, throttled logins, one message for every bad login, the first
organizer, and who may create accounts.

Layer: tests (unit). Each test gets a fresh migrated SQLite store (the `engine` fixture).
"""

from __future__ import annotations

import stat

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from data_access.core import accounts
from data_access.core.actors import ANONYMOUS_ACTOR, CLI_ACTOR, COORDINATOR, ORGANIZER, Actor
from data_access.core.errors import InvalidCredentials, NotAllowed
from data_access.core.logins import ADDRESS_LIMIT, PAIR_LIMIT, WINDOW_S, LoginThrottle
from data_access.core.models import AuditEvent, User
from data_access.core.store import content_hash, get_data_version

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

PASSWORD = "correct horse battery"


class SpyHasher:
    """Counts the hashes verified, then verifies them for real."""

    def __init__(self, real: PasswordHasher) -> None:
        self.real, self.verified = real, []

    def verify(self, stored: str, password: str) -> bool:
        self.verified.append(stored)
        return self.real.verify(stored, password)


def _create(engine, name: str = "ana", role: str = COORDINATOR, country: str | None = "PER") -> None:
    accounts.create_user(
        engine=engine, actor=CLI_ACTOR, username=name, password=PASSWORD, role=role, country_iso3=country
    )


def _stored_hash(engine, name: str) -> str:
    with engine.connect() as conn:
        return conn.execute(select(User.password_hash).where(User.username == name)).scalar_one()


def test_stored_hashes_are_argon2_and_never_hold_the_password(engine):
    _create(engine)
    stored = _stored_hash(engine, "ana")
    assert stored.startswith("$argon2")
    assert PASSWORD not in stored and PASSWORD.encode().hex() not in stored
    assert accounts.authenticate(engine, "ana", PASSWORD) == Actor("ana", COORDINATOR, "PER")


def test_a_new_account_is_audited_and_bumps_the_data_version(engine):
    before = get_data_version(engine)
    _create(engine)
    assert get_data_version(engine) == before + 1
    with engine.connect() as conn:
        actions = conn.execute(select(AuditEvent.action, AuditEvent.actor)).all()
    assert ("create-user", "cli") in [tuple(a) for a in actions]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_of_one_name_from_one_address_throttle_only_that_pair(engine):
    _create(engine)
    clock = Clock()
    throttle = LoginThrottle(clock)
    for _ in range(PAIR_LIMIT):
        with pytest.raises(InvalidCredentials):
            accounts.authenticate(engine, "ana", "wrong password", "10.0.0.1", throttle)
    with pytest.raises(InvalidCredentials):  # the right password, throttled: the same message
        accounts.authenticate(engine, "ana", PASSWORD, "10.0.0.1", throttle)
    assert accounts.authenticate(engine, "ana", PASSWORD, "10.0.0.2", throttle).username == "ana"
    clock.now += WINDOW_S + 1
    assert accounts.authenticate(engine, "ana", PASSWORD, "10.0.0.1", throttle).username == "ana"


def test_fewer_failures_than_the_limit_do_not_throttle(engine):
    _create(engine)
    throttle = LoginThrottle()
    for _ in range(PAIR_LIMIT - 1):
        with pytest.raises(InvalidCredentials):
            accounts.authenticate(engine, "ana", "wrong password", "10.0.0.1", throttle)
    assert accounts.authenticate(engine, "ana", PASSWORD, "10.0.0.1", throttle).username == "ana"
    for _ in range(PAIR_LIMIT - 1):  # a success starts the pair's count again
        with pytest.raises(InvalidCredentials):
            accounts.authenticate(engine, "ana", "wrong password", "10.0.0.1", throttle)
    assert accounts.authenticate(engine, "ana", PASSWORD, "10.0.0.1", throttle).username == "ana"


def test_unknown_names_are_throttled_too_and_cost_no_hash_once_throttled(engine, monkeypatch):
    _create(engine, "organizer", ORGANIZER, None)
    throttle = LoginThrottle()
    for number in range(ADDRESS_LIMIT):  # spraying names from one address
        with pytest.raises(InvalidCredentials):
            accounts.authenticate(engine, f"guess{number}", "x", "192.0.2.9", throttle)
    spy = SpyHasher(accounts.HASHER)
    monkeypatch.setattr(accounts, "HASHER", spy)
    with pytest.raises(InvalidCredentials):
        accounts.authenticate(engine, "organizer", PASSWORD, "192.0.2.9", throttle)
    assert spy.verified == []  # refused before hashing
    # the organizer elsewhere is not kept out by what one address did
    assert accounts.authenticate(engine, "organizer", PASSWORD, "198.51.100.7", throttle).role == ORGANIZER


def test_failures_are_counted_on_the_account_and_cleared_by_a_success(engine):
    _create(engine)
    throttle = LoginThrottle()
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            accounts.authenticate(engine, "ana", "wrong password", "10.0.0.1", throttle)
    assert [u.failed_logins for u in accounts.list_users(engine)] == [2]
    accounts.authenticate(engine, "ana", PASSWORD, "10.0.0.1", throttle)
    assert [u.failed_logins for u in accounts.list_users(engine)] == [0]


@pytest.mark.parametrize(
    ("username", "password"),
    [("nobody", PASSWORD), ("ana", "wrong password")],
    ids=["wrong-name", "wrong-password"],
)
def test_a_wrong_name_and_a_wrong_password_look_the_same(engine, monkeypatch, username, password):
    _create(engine)
    spy = SpyHasher(accounts.HASHER)
    monkeypatch.setattr(accounts, "HASHER", spy)  # PasswordHasher has slots: wrap it, do not patch it
    with pytest.raises(InvalidCredentials) as error:
        accounts.authenticate(engine, username, password)
    assert len(spy.verified) == 1  # a hash is verified either way: same cost, same time
    assert {lang: error.value.message(lang) for lang in ("es", "pt", "en")} == {
        lang: InvalidCredentials().message(lang) for lang in ("es", "pt", "en")
    }


def test_a_disabled_account_cannot_log_in_and_loses_its_actor(engine):
    _create(engine)
    assert accounts.get_actor(engine, "ana") == Actor("ana", COORDINATOR, "PER")
    accounts.set_active(engine=engine, actor=CLI_ACTOR, username="ana", active=False)
    with pytest.raises(InvalidCredentials):
        accounts.authenticate(engine, "ana", PASSWORD)
    assert accounts.get_actor(engine, "ana") is None
    accounts.set_active(engine=engine, actor=CLI_ACTOR, username="ana", active=True)
    assert accounts.authenticate(engine, "ana", PASSWORD).username == "ana"


def test_get_actor_of_an_unknown_name_is_none(engine):
    assert accounts.get_actor(engine, "nobody") is None


def _user_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(User)).scalar_one()


def test_the_first_organizer_is_created_once_with_a_private_file(engine, tmp_path):
    folder = tmp_path / "data"
    created = accounts.bootstrap_organizer(engine, folder)
    assert created is not None
    name, password = created
    path = folder / accounts.BOOTSTRAP_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert password in path.read_text(encoding="utf-8")
    assert accounts.authenticate(engine, name, password) == Actor(name, ORGANIZER, None)
    assert _user_count(engine) == 1
    assert accounts.bootstrap_organizer(engine, folder) is None
    assert _user_count(engine) == 1


def test_no_first_organizer_when_an_account_exists(engine, tmp_path):
    _create(engine)
    assert accounts.bootstrap_organizer(engine, tmp_path) is None
    assert not (tmp_path / accounts.BOOTSTRAP_FILE).exists()
    assert _user_count(engine) == 1


@pytest.mark.parametrize(
    ("username", "password", "role", "country", "error"),
    [
        ("ana", PASSWORD, COORDINATOR, None, accounts.InvalidAccount),
        ("ana", PASSWORD, ORGANIZER, "PER", accounts.InvalidAccount),
        ("ana", PASSWORD, "delegate", None, accounts.InvalidAccount),
        ("ana", "short", COORDINATOR, "PER", accounts.WeakPassword),
        ("ana", "x" * (accounts.MIN_PASSWORD - 1), ORGANIZER, None, accounts.WeakPassword),
        ("ana", PASSWORD, COORDINATOR, "XYZ", accounts.UnknownCountry),
        ("", PASSWORD, ORGANIZER, None, accounts.InvalidUsername),
        (" ana", PASSWORD, ORGANIZER, None, accounts.InvalidUsername),
        ("a" * 65, PASSWORD, ORGANIZER, None, accounts.InvalidUsername),
    ],
    ids=[
        "coordinator-without-country",
        "organizer-with-country",
        "unknown-role",
        "short-password",
        "one-short",
        "unknown-country",
        "empty-name",
        "padded-name",
        "long-name",
    ],
)
def test_create_user_refuses_accounts_that_cannot_be(engine, username, password, role, country, error):
    before = content_hash(engine)
    with pytest.raises(error) as raised:
        accounts.create_user(
            engine=engine,
            actor=CLI_ACTOR,
            username=username,
            password=password,
            role=role,
            country_iso3=country,
        )
    assert raised.value.message("es") and raised.value.message("en")
    assert content_hash(engine) == before


def test_create_user_refuses_an_existing_name(engine):
    _create(engine)
    before = content_hash(engine)
    with pytest.raises(accounts.UserExists) as raised:
        _create(engine, role=ORGANIZER, country=None)
    assert "ana" in raised.value.message("en")
    assert content_hash(engine) == before


@pytest.mark.parametrize(
    "actor",
    [ANONYMOUS_ACTOR, Actor("per", COORDINATOR, "PER"), Actor("ghost", "delegate")],
    ids=["anonymous", "coordinator", "unknown-role"],
)
def test_only_organizers_manage_accounts(engine, actor):
    _create(engine)
    before = content_hash(engine)
    attempts = [
        lambda: accounts.create_user(
            engine=engine, actor=actor, username="new", password=PASSWORD, role=ORGANIZER
        ),
        lambda: accounts.set_active(engine=engine, actor=actor, username="ana", active=False),
        lambda: accounts.reset_password(engine=engine, actor=actor, username="ana", password=PASSWORD * 2),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
    assert content_hash(engine) == before
