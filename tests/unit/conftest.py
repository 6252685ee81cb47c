"""Fixtures of the unit tests that drive the command line: a fresh data folder, or a copy of one
seeded with the sample meeting (seeded once per module, copied per test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_store import Store
from result_workbooks import seed_sample_store

from data_access.core.settings import get_settings


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample meeting seeded once in-process; tests copy the file instead of seeding again."""
    return seed_sample_store(get_settings({"ENCUENTRO_DATA_DIR": str(tmp_path_factory.mktemp("seed"))}))


@pytest.fixture
def fresh(tmp_path: Path) -> Store:
    return Store(tmp_path / "fresh")


@pytest.fixture
def seeded(seeded_file: Path, tmp_path: Path) -> Store:
    store = Store(tmp_path / "seeded")
    store.folder.mkdir()
    shutil.copyfile(seeded_file, store.folder / seeded_file.name)
    return store
