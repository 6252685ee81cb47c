"""A data folder the command line is pointed at (`python manage.py ...` in a subprocess), with
in-process views of its store (tests/unit/conftest.py gives a fresh one or a seeded copy).

Layer: tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from data_access.core.settings import get_settings
from data_access.core.store import content_hash, make_engine
from data_access.stats import queries

ROOT = Path(__file__).resolve().parents[2]
VOLATILE = ["version", "published_at"]


class Store:
    """A data folder the command line is pointed at, and in-process views of its store."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.url = get_settings({"ENCUENTRO_DATA_DIR": str(folder)}).database_url

    def run(self, *args: object, lang: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["ENCUENTRO_DATA_DIR"] = str(self.folder)
        command = [sys.executable, "manage.py", *(["--lang", lang] if lang else []), *map(str, args)]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    def _read(self, read):
        engine = make_engine(self.url)
        try:
            return read(engine)
        finally:
            engine.dispose()

    def hash(self) -> str:
        return self._read(content_hash)

    def observations(self) -> pd.DataFrame:
        """Published figures without when and which version, in a stable order."""
        frame = self._read(queries.list_observations).drop(columns=VOLATILE)
        return frame.sort_values(["country_iso3", "indicator_code", "year", "grade", "subject", "group"])

    def countries(self) -> list[str]:
        return self._read(queries.list_published)["country_iso3"].tolist()
