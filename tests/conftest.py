"""Shared fixtures: each test gets its own store in a temporary folder, never a shared one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.core.catalogues import seed_reference
from data_access.core.logins import LOGIN_THROTTLE
from data_access.core.settings import Settings, get_settings
from data_access.core.store import make_engine, migrate, session_scope
from tests.postgres import Cluster

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_data"


@pytest.fixture(autouse=True)
def _fresh_login_throttle() -> None:
    """The process-wide throttle starts empty for each test, as it does for a new process."""
    LOGIN_THROTTLE.clear()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked both_engines run once on SQLite and once on PostgreSQL (tests/postgres.py)."""
    if "store_kind" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("store_kind", ["sqlite", "postgresql"])


@pytest.fixture
def store_kind() -> str:
    """The store's engine: SQLite, unless the test is marked both_engines."""
    return "sqlite"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A throw-away PostgreSQL server for this test session."""
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres: Cluster) -> str:
    """A migrated PostgreSQL database with the reference catalogues, copied for each test."""
    url = postgres.create()
    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        seed_reference(session=session)
    engine.dispose()
    return url.rsplit("/", 1)[1]


@pytest.fixture
def settings(tmp_path: Path, store_kind: str, request: pytest.FixtureRequest) -> Settings:
    """Settings pointing at a fresh data folder (and, on PostgreSQL, a fresh database)."""
    env = {"ENCUENTRO_DATA_DIR": str(tmp_path / "data")}
    if store_kind == "postgresql":
        env["DATABASE_URL"] = request.getfixturevalue("postgres").create(
            request.getfixturevalue("postgres_template")
        )
    return get_settings(env)


@pytest.fixture
def engine(settings: Settings, store_kind: str) -> Engine:
    """A migrated store with the reference catalogues (SQLite, or PostgreSQL for both_engines)."""
    engine = make_engine(settings.database_url)
    if store_kind == "sqlite":  # a PostgreSQL database is a copy of the migrated template
        migrate(engine)
        with session_scope(engine) as session:
            seed_reference(session=session)
    yield engine
    engine.dispose()
