"""Logins: the failed-login throttle, and the sessions a login opens.

Layer: data_access.

Throttle. Failed logins are counted per source address and per (address, user name), in memory,
per process. A throttled attempt is refused before any password hash is computed, so a flood of
wrong logins costs almost nothing and never touches the store. There is no account-wide lock:
failing someone else's name from one address throttles that address for that name (and, past a
higher count, for every name), so nobody can lock the organizer out from the meeting's wifi for
everyone, and an honest typo costs a few minutes at most.

Sessions. A login gets a random token that the browser keeps in an HttpOnly cookie; the store
keeps only the token's SHA-256 with the account, the client's address and times. Every page
rerun finds its actor through the token, so a reload, a second tab or a phone that dropped the
tab keeps the login, and logging out, disabling the account, resetting its password or an
organizer's click ends it everywhere at the next rerun. A session idle longer than the limit
(ENCUENTRO_SESSION_IDLE_HOURS) has ended. The session rows are the login history (when, from
where, how it ended); an organizer ending one is also in the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, select, update
from sqlmodel import Session, col

from data_access.core.actors import Actor, require_organizer
from data_access.core.audit import record_audit
from data_access.core.errors import EncuentroError, NotFound
from data_access.core.models import LoginSession, User, utcnow
from data_access.core.store import STORE_ERRORS, read_session, session_scope

WINDOW_S = 15 * 60.0
PAIR_LIMIT = 5  # failures of one name from one address within the window
ADDRESS_LIMIT = 30  # failures of any names from one address (a room behind one NAT shares it)


class LoginThrottle:
    """Sliding windows of failure times; thread-safe (every session's script thread logs in here)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, ...], deque[float]] = defaultdict(deque)

    @staticmethod
    def _keys(name: str, address: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return (address,), (address, name.strip().lower())

    def _recent(self, key: tuple[str, ...], now: float) -> deque[float]:
        times = self._failures[key]
        while times and now - times[0] > WINDOW_S:
            times.popleft()
        if not times:
            del self._failures[key]  # keeps memory bounded by the addresses seen in a window
            return deque()
        return times

    def wait_s(self, name: str, address: str) -> float:
        """Seconds until NAME may be tried again from ADDRESS (0: now)."""
        now = self._clock()
        by_address, by_pair = self._keys(name, address)
        with self._lock:
            waits = [
                WINDOW_S - (now - times[0])
                for key, limit in ((by_address, ADDRESS_LIMIT), (by_pair, PAIR_LIMIT))
                if len(times := self._recent(key, now)) >= limit
            ]
        return max(waits, default=0.0)

    def failed(self, name: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            for key in self._keys(name, address):
                self._failures[key].append(now)

    def clear(self) -> None:
        """Forget every failure (tests; a restart does the same)."""
        with self._lock:
            self._failures.clear()

    def succeeded(self, name: str, address: str) -> None:
        """A right password clears that name's failures from that address (not the address's)."""
        with self._lock:
            self._failures.pop(self._keys(name, address)[1], None)


LOGIN_THROTTLE = LoginThrottle()  # one per process, shared by every session


SESSION_COOKIE = "encuentro_session"
LOGIN_PATH, LOGOUT_PATH = "/auth/login", "/auth/logout"  # where the forms post (routes/auth.py)
AUTH_PARAM = "auth"  # a login comes back to its page with ?auth=ok, or ?auth=failed
TOUCH_EVERY = timedelta(minutes=1)  # a rerun writes the last use at most this often
# One thread writes the last uses, one after the other: a rerun never waits for the store's write
# lock (a publish may hold it for seconds), and 200 sessions make about three writes a second.
_TOUCHES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encuentro-last-use")
LOGOUT, DISABLED, PASSWORD, BY_ORGANIZER = "logout", "disabled", "password", "organizer"


def token_hash(token: str) -> str:
    """What the store keeps of a token: a random 256-bit token needs no salt or slow hash."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(engine: Engine, username: str, address: str, idle: timedelta) -> str:
    """Open a session for USERNAME (already authenticated) and return its token, for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with session_scope(engine) as session:
        user_id = session.execute(select(col(User.id)).where(col(User.username) == username)).scalar_one()
        session.add(
            LoginSession(
                token_hash=token_hash(token),
                user_id=user_id,
                created_at=now,
                last_used_at=now,
                expires_at=now + idle,
                address=address[:64],
            )
        )
    return token


def session_actor(engine: Engine, token: str, idle: timedelta) -> Actor | None:
    """The actor of an open session on an active account, or None; run on every rerun, so it is one
    indexed read, and a write of the last use at most once a minute."""
    now = utcnow()
    query = (
        select(
            col(LoginSession.id),
            col(LoginSession.last_used_at),
            col(User.username),
            col(User.role),
            col(User.country_iso3),
        )
        .join(User, col(User.id) == col(LoginSession.user_id))
        .where(col(LoginSession.token_hash) == token_hash(token))
        .where(col(LoginSession.ended_at).is_(None), col(LoginSession.expires_at) > now, col(User.active))
    )
    with Session(engine) as session:
        row = session.execute(query).first()
    if row is None:
        return None
    if now - row.last_used_at > TOUCH_EVERY:  # written by a thread of its own: never waits on a publish
        _TOUCHES.submit(_touch, engine, row.id, now, idle)
    return Actor(row.username, row.role, row.country_iso3)


def _touch(engine: Engine, session_id: int, now: datetime, idle: timedelta) -> None:
    try:
        with session_scope(engine) as session:
            values = {"last_used_at": now, "expires_at": now + idle}
            session.execute(update(LoginSession).where(col(LoginSession.id) == session_id).values(**values))
    except (EncuentroError, *STORE_ERRORS):  # the store busy or gone: a later rerun writes it
        pass


def settle_touches() -> None:
    """Wait until every last use handed to the writer thread is written (tests)."""
    _TOUCHES.submit(lambda: None).result()


def end_session(engine: Engine, token: str) -> None:
    """Log out: the session ends on the server, in every tab that holds its cookie."""
    with session_scope(engine) as session:
        _end(session, col(LoginSession.token_hash) == token_hash(token), LOGOUT)


def end_sessions_of(session: Session, user_id: int, why: str) -> None:
    """End every open session of an account, inside the caller's transaction (disable, new password)."""
    _end(session, col(LoginSession.user_id) == user_id, why)


def _end(session: Session, which: ColumnElement[bool], why: str) -> None:
    session.execute(
        update(LoginSession)
        .where(which, col(LoginSession.ended_at).is_(None))
        .values(ended_at=utcnow(), ended_why=why)
    )


@dataclass(frozen=True)
class SessionInfo:
    """An open session as /admin shows it: never the token or its hash."""

    id: int
    username: str
    role: str
    country_iso3: str | None
    address: str
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    current: bool = False  # the session of the browser asking


def list_sessions(engine: Engine, actor: Actor, token: str | None = None) -> list[SessionInfo]:
    """The open sessions, most recently used first, TOKEN's marked as current; organizers only."""
    require_organizer(actor)
    query = (
        select(LoginSession, col(User.username), col(User.role), col(User.country_iso3))
        .join(User, col(User.id) == col(LoginSession.user_id))
        .where(col(LoginSession.ended_at).is_(None), col(LoginSession.expires_at) > utcnow())
        .order_by(col(LoginSession.last_used_at).desc())
    )
    with read_session(engine) as session:
        rows = session.execute(query).all()
    return [
        SessionInfo(
            s.id or 0,
            name,
            role,
            country,
            s.address,
            s.created_at,
            s.last_used_at,
            s.expires_at,
            token is not None and s.token_hash == token_hash(token),
        )
        for s, name, role, country in rows
    ]


def end_session_by_id(engine: Engine, actor: Actor, session_id: int) -> None:
    """An organizer ends someone's session (a lost phone, a shared computer); recorded in the audit."""
    require_organizer(actor)
    with session_scope(engine) as session:
        found = session.execute(
            select(col(User.username))
            .join(LoginSession, col(User.id) == col(LoginSession.user_id))
            .where(col(LoginSession.id) == session_id, col(LoginSession.ended_at).is_(None))
        ).scalar_one_or_none()
        if found is None:
            raise NotFound()
        _end(session, col(LoginSession.id) == session_id, BY_ORGANIZER)
        record_audit(
            session=session, actor=actor.username, action="end-session", entity="user", entity_id=found
        )
