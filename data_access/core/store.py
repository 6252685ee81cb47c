"""The engine, sessions, schema migrations and the data version.

Layer: data_access. SQLite runs in WAL mode with foreign keys and a busy timeout so the app's
readers and a publishing writer (the app or the command line) do not block each other.
PostgreSQL (DATABASE_URL=postgresql+psycopg://...) gets the same write serialisation through an
advisory lock, and a UTC session clock.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Executable, event, inspect, select, update
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session, col, create_engine

from data_access.core.errors import EncuentroError, StoreBusy
from data_access.core.i18n import t
from data_access.core.models import DataVersion, utcnow
from data_access.core.settings import Settings, get_settings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
BUSY_TIMEOUT_MS = 15_000
T = TypeVar("T")
WRITE = "encuentro_write"  # execution option: begin with the write lock (SQLite, PostgreSQL)
WRITE_LOCK_KEY = 0x456E63  # PostgreSQL advisory lock id of the store's writers ("Enc")


def _sqlite_pragmas(dbapi_conn: Any, _record: object) -> None:  # sqlite3.Connection
    dbapi_conn.isolation_level = None  # the driver's implicit BEGIN is replaced by _sqlite_begin
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # A write transaction takes SQLite's write lock when it begins (waiting up to the busy
    # timeout), so two publishes for one country serialise instead of racing for a version number.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def _postgres_begin(conn: Connection) -> None:
    # PostgreSQL's equivalent of BEGIN IMMEDIATE: a write transaction first takes one
    # transaction-scoped advisory lock, so writers (publishes, the presenter's compare-and-set,
    # version numbering) serialise exactly as on SQLite, waiting up to the same busy timeout.
    if conn.get_execution_options().get(WRITE):
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_MS}ms'")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def make_engine(url: str) -> Engine:
    """An engine for URL; SQLite gets its pragmas on every new connection, PostgreSQL a UTC clock
    and the writers' lock."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql"):
        engine = create_engine(url, pool_pre_ping=True, connect_args={"options": "-c timezone=UTC"})
        event.listen(engine, "begin", _postgres_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


class StoreUnusable(EncuentroError):
    """The store file is there but cannot be used (empty, not SQLite, damaged, read-only); nothing
    was written to it. REASON names which, PATH where it is."""

    key = "store_unusable"

    def message(self, lang: str) -> str:
        what = t(f"error.store_{self.params['reason']}", lang, path=self.params["path"])
        return f"{what} {t('error.store_what_now', lang)}"


STORE_ERRORS = (DatabaseError, OSError)  # what a damaged or unwritable store raises past the checks


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other engines and for memory)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1]
    return Path(path) if path and path != ":memory:" else None


def check_store_file(path: Path) -> None:
    """Refuse a store file that exists but is not a usable SQLite database, before anything opens
    it: a 0-byte file is not an empty store (seeding it would hide the real meeting's loss).

    The file itself is never opened with open(): closing any other descriptor of a SQLite file
    drops every POSIX lock this process holds on it (the app's own connections included), so the
    header is read through SQLite, which shares one descriptor per file within a process."""
    if not path.exists():
        return
    reason = None
    if not os.access(path, os.R_OK):
        reason = "unreadable"
    elif path.stat().st_size == 0:
        reason = "empty"
    else:
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
                conn.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError:
            reason = "not_sqlite"
    if reason is None and not os.access(path, os.W_OK):
        reason = "read_only"
    if reason:
        raise StoreUnusable(reason=reason, path=str(path))


def store_failure(error: BaseException, url: str) -> EncuentroError:
    """What a database error raised by the store means for the person who met it: busy (another
    writer), unreadable, or damaged; messages name the file and what to do, never a traceback."""
    text = str(error).lower()
    if isinstance(error, OperationalError) and ("locked" in text or "lock timeout" in text):
        return StoreBusy()
    where = str(sqlite_path(url) or url.rsplit("@", 1)[-1])
    if "unable to open" in text or isinstance(error, PermissionError):
        return StoreUnusable(reason="unreadable", path=where)
    if "readonly" in text or "read-only" in text:
        return StoreUnusable(reason="read_only", path=where)
    return StoreUnusable(reason="damaged", path=where)


def keep_private(folder: Path, path: Path | None) -> None:
    """The data folder 0700 and the store's files 0600, whatever they were: they hold password
    hashes, contact details and the original uploads."""
    folder.chmod(0o700)
    if path is not None:
        for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if part.exists():
                part.chmod(0o600)


def engine_for(settings: Settings) -> Engine:
    """The engine of the configured store, its files private; raises StoreUnusable for a store
    file that is there but unusable, and never creates one over it."""
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = sqlite_path(settings.database_url)
    if path is not None:
        check_store_file(path)
        if not path.exists():  # created private, before SQLite opens it
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    keep_private(settings.data_dir, path)
    return make_engine(settings.database_url)


@cache
def configured_engine() -> Engine:
    """The configured store's engine, one per process, made on first use: what the HTTP routes
    share (pages have their own, cached by Streamlit)."""
    return engine_for(get_settings())


def alembic_config(engine: Engine | None) -> Config:
    """Alembic's config pointed at our migrations and at ENGINE (None: only the scripts are read)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to REVISION; a store made by an older release is upgraded in place."""
    command.upgrade(alembic_config(engine), revision)
    with Session(engine) as session:
        if session.get(DataVersion, 1) is None:
            session.add(DataVersion(id=1, version=0))
            session.commit()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception; a write from the start."""
    with Session(engine.execution_options(**{WRITE: True}), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only unit of work: no write lock taken, nothing committed."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def read_frame(engine: Engine, query: Executable) -> pd.DataFrame:
    """A SELECT's rows as a DataFrame with the query's column names."""
    with engine.connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def read_with(engine: Engine, query: Callable[..., T], **kwargs: object) -> T:
    """Run a repository function that takes session= in a read session of its own."""
    with read_session(engine) as session:
        return query(session=session, **kwargs)


def bump_data_version(*, session: Session) -> int:
    """Increase the data version inside the caller's transaction and return the new value."""
    session.execute(
        update(DataVersion)
        .where(col(DataVersion.id) == 1)
        .values(version=col(DataVersion.version) + 1, updated_at=utcnow())
    )
    return session.execute(select(col(DataVersion.version)).where(col(DataVersion.id) == 1)).scalar_one()


def get_data_version(engine: Engine) -> int:
    """The current data version; cheap enough to read on every rerun."""
    with engine.connect() as conn:
        value = conn.execute(select(col(DataVersion.version)).where(col(DataVersion.id) == 1)).scalar()
    return int(value or 0)


def content_hash(engine: Engine) -> str:
    """A sha256 over every row of every table, ordered by primary key: equal means unchanged.
    Login sessions are left out: who is logged in is not what the store holds."""
    from sqlmodel import SQLModel  # local: the metadata is complete once models are imported

    import data_access.core.models  # noqa: F401

    digest = hashlib.sha256()
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        present.discard("login_session")
        for table in (t for t in SQLModel.metadata.sorted_tables if t.name in present):
            digest.update(table.name.encode())
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
