"""AppTest fixtures: every test gets its own copy of a store seeded once with the sample meeting,
and both Streamlit caches are cleared so nothing leaks between tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from data_access.core.store import Engine, make_engine
from data_access.operations.cli_tasks import Tasks

DB_NAME = "encuentro.db"


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample meeting seeded through the same path as `manage.py seed`, once per session."""
    folder = tmp_path_factory.mktemp("seeded")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ENCUENTRO_DATA_DIR", str(folder))
        tasks = Tasks.from_environment()
        assert tasks.seed() == 0
        tasks.engine.dispose()
    return folder / DB_NAME


@pytest.fixture(autouse=True)
def app_store(tmp_path: Path, seeded_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app at a private copy of the seeded store; clear caches before and after."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(seeded_db, data / DB_NAME)
    monkeypatch.setenv("ENCUENTRO_DATA_DIR", str(data))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield data
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def engine(app_store: Path) -> Iterator[Engine]:
    """The test's private store (app_store points the app at it)."""
    engine = make_engine(f"sqlite:///{app_store / DB_NAME}")
    yield engine
    engine.dispose()
