"""Shared fixtures: each test gets its own store in a temporary folder, never a shared one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.core.catalogues import seed_reference
from data_access.core.logins import LOGIN_THROTTLE
from data_access.core.settings import Settings, get_settings
from data_access.core.store import make_engine, migrate, session_scope

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_data"


@pytest.fixture(autouse=True)
def _fresh_login_throttle() -> None:
    """The process-wide throttle starts empty for each test, as it does for a new process."""
    LOGIN_THROTTLE.clear()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a fresh data folder."""
    return get_settings({"ENCUENTRO_DATA_DIR": str(tmp_path / "data")})


@pytest.fixture
def engine(settings: Settings) -> Engine:
    """A migrated SQLite store with the reference catalogues."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    with session_scope(engine) as session:
        seed_reference(session=session)
    yield engine
    engine.dispose()
