"""A store made by `manage.py init` and the app served on it, for the HTTP route tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.server import serve

ROOT = Path(__file__).resolve().parents[2]


def init_store(data_dir: Path) -> dict[str, str]:
    """An initialised store in DATA_DIR, as the command line makes it; returns the app's env."""
    env = {"ENCUENTRO_DATA_DIR": str(data_dir)}
    cmd = [sys.executable, "manage.py", "init"]
    subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    return env


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app served on a fresh store for one test module: (base URL, data folder)."""
    data_dir = tmp_path_factory.mktemp("routes-data")
    with serve(init_store(data_dir)) as url:
        yield url, data_dir
