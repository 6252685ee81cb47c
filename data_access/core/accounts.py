"""Accounts: argon2 password hashes, throttled logins, the first organizer, user management.

Layer: data_access. A wrong user name, a wrong password and a throttled attempt give the same
message, and a name is hashed against whether it exists or not, so logins do not reveal which
names exist. No login holds the store's write lock while hashing: the account is read, the hash
verified outside any transaction, and a failure is a short write afterwards.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session, col

from data_access.core.actors import COORDINATOR, ORGANIZER, Actor, require_organizer
from data_access.core.audit import record_audit
from data_access.core.errors import EncuentroError, InvalidCredentials, NotFound, StoreBusy
from data_access.core.logins import DISABLED, LOGIN_THROTTLE, PASSWORD, LoginThrottle, end_sessions_of
from data_access.core.models import Country, User
from data_access.core.store import bump_data_version, read_session, session_scope

MIN_PASSWORD = 10
MAX_USERNAME = 64  # col(User.username)'s column width
# letters, digits and . _ @ - only: names appear in the UI and the audit log, never as markup
USERNAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._@-]{{0,{MAX_USERNAME - 1}}}")
HASHER = PasswordHasher()  # argon2id with the library's current defaults
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))  # verified for unknown names: same cost
BOOTSTRAP_FILE = "initial-organizer.txt"


class WeakPassword(EncuentroError):
    key = "weak_password"


class UserExists(EncuentroError):
    key = "user_exists"


class InvalidAccount(EncuentroError):
    """A role or country that an account cannot have."""

    key = "invalid_account"


class InvalidUsername(EncuentroError):
    """Empty, too long, or with characters other than letters, digits and . _ @ -."""

    key = "invalid_username"


class UnknownCountry(EncuentroError):
    """A coordinator's country that is not in the country catalogue."""

    key = "unknown_account_country"


def hash_password(password: str) -> str:
    """An argon2id hash; the password itself is never stored."""
    return HASHER.hash(password)


def _verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _actor(user: User) -> Actor:
    return Actor(user.username, user.role, user.country_iso3)


def authenticate(
    engine: Engine,
    username: str,
    password: str,
    address: str = "unknown",
    throttle: LoginThrottle = LOGIN_THROTTLE,
) -> Actor:
    """The Actor for a right name and password from ADDRESS (the client's, as the page sees it).
    Raises InvalidCredentials for a wrong name or password and for a throttled attempt alike."""
    if throttle.wait_s(username, address) > 0:
        raise InvalidCredentials()  # refused before hashing: a flood costs nothing
    with read_session(engine) as session:
        user = session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()
        stored, active, failures = (
            (user.password_hash, user.active, user.failed_logins) if user else (None, 0, 0)
        )
    ok = _verify(stored or _DUMMY_HASH, password) and bool(active)
    if not ok:
        throttle.failed(username, address)
        if user is not None:
            _count_failure(engine, username)
        raise InvalidCredentials()
    throttle.succeeded(username, address)
    if failures:
        _count_failure(engine, username, reset=True)
    assert user is not None  # ok needs a stored, active account
    return _actor(user)


def _count_failure(engine: Engine, username: str, *, reset: bool = False) -> None:
    """The account's failed-login count (shown on /admin), a short write after the check; when the
    store is busy publishing, the count waits for the next attempt rather than the login."""
    try:
        with session_scope(engine) as session:
            value = 0 if reset else col(User.failed_logins) + 1
            session.execute(update(User).where(col(User.username) == username).values(failed_logins=value))
    except StoreBusy:
        pass


def get_actor(engine: Engine, username: str) -> Actor | None:
    """The Actor of an active account, or None (disabled or gone): checked on every rerun."""
    with Session(engine) as session:
        user = session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()
        return _actor(user) if user is not None and user.active else None


def _check_account(username: str, role: str, country_iso3: str | None, password: str) -> None:
    if not USERNAME.fullmatch(username or ""):
        raise InvalidUsername(maximum=MAX_USERNAME)
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(minimum=MIN_PASSWORD)
    if role not in (ORGANIZER, COORDINATOR) or (role == COORDINATOR) != bool(country_iso3):
        raise InvalidAccount()


def create_user(
    *, engine: Engine, actor: Actor, username: str, password: str, role: str, country_iso3: str | None = None
) -> None:
    """A new account; organizers only. A coordinator is bound to exactly one country."""
    require_organizer(actor)
    _check_account(username, role, country_iso3, password)
    with session_scope(engine) as session:
        if country_iso3 is not None and session.get(Country, country_iso3) is None:
            raise UnknownCountry(value=country_iso3)
        if session.execute(select(User).where(col(User.username) == username)).first():
            raise UserExists(name=username)
        session.add(
            User(
                username=username,
                password_hash=hash_password(password),
                role=role,
                country_iso3=country_iso3 if role == COORDINATOR else None,
            )
        )
        record_audit(
            session=session,
            actor=actor.username,
            action="create-user",
            entity="user",
            entity_id=username,
            role=role,
            country=country_iso3,
        )
        bump_data_version(session=session)


def _change(
    engine: Engine, actor: Actor, username: str, action: str, end_sessions: str = "", **values: object
) -> None:
    """Change an account; END_SESSIONS (a reason) ends its open sessions in the same transaction."""
    require_organizer(actor)
    with session_scope(engine) as session:
        user = session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()
        if user is None:
            raise NotFound()
        for key, value in values.items():
            setattr(user, key, value)
        if end_sessions and user.id is not None:
            end_sessions_of(session, user.id, end_sessions)
        record_audit(session=session, actor=actor.username, action=action, entity="user", entity_id=username)
        bump_data_version(session=session)


def set_active(*, engine: Engine, actor: Actor, username: str, active: bool) -> None:
    """Disable or re-enable an account; disabling ends its sessions, so its open tabs lose access on
    their next rerun."""
    action = "enable-user" if active else "disable-user"
    _change(engine, actor, username, action, end_sessions="" if active else DISABLED, active=active)


def reset_password(*, engine: Engine, actor: Actor, username: str, password: str) -> None:
    """Set a new password (and clear the failed-login count); every session of the account ends."""
    require_organizer(actor)  # before judging the password: nothing is said to others
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(minimum=MIN_PASSWORD)
    _change(
        engine,
        actor,
        username,
        "reset-password",
        end_sessions=PASSWORD,
        password_hash=hash_password(password),
        failed_logins=0,
        locked_until=None,
    )


@dataclass(frozen=True)
class AccountInfo:
    """What the admin page may see of an account: everything but the password hash."""

    username: str
    role: str
    country_iso3: str | None
    active: bool
    failed_logins: int
    created_at: datetime


def list_users(engine: Engine) -> list[AccountInfo]:
    """Every account, for the organizers' admin page; hashes never leave data_access."""
    with Session(engine) as session:
        users = session.execute(select(User).order_by(col(User.role), col(User.username))).scalars()
        return [
            AccountInfo(
                u.username,
                u.role,
                u.country_iso3,
                u.active,
                u.failed_logins,
                _as_utc(u.created_at),
            )
            for u in users
        ]


def bootstrap_organizer(engine: Engine, data_dir: Path) -> tuple[str, str] | None:
    """On first start with no account, an organizer with a random password, written once to a file
    only its owner can read. Returns (name, password) to print once, or None if accounts exist."""
    with session_scope(engine) as session:
        if session.execute(select(func.count()).select_from(User)).scalar_one():
            return None
        password = secrets.token_urlsafe(15)
        session.add(User(username="organizer", password_hash=hash_password(password), role=ORGANIZER))
        record_audit(
            session=session, actor="system", action="create-user", entity="user", entity_id="organizer"
        )
        bump_data_version(session=session)
    path = data_dir / BOOTSTRAP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(f"user: organizer\npassword: {password}\n", encoding="utf-8")
    return "organizer", password
