"""The command line on PostgreSQL: `init`, `seed`, `import` and `export` with DATABASE_URL pointing
at a throw-away cluster give the same published figures as on SQLite.

Layer: tests (unit). `manage.py` in subprocesses, as an operator runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
from result_workbooks import results_xlsx, row

ROOT = Path(__file__).resolve().parents[3]


def _manage(env: dict[str, str], *args: str) -> str:
    """`manage.py ARGS` with ENV: SQLite unless ENV names a DATABASE_URL."""
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _exported(env: dict[str, str], out: Path) -> pd.DataFrame:
    _manage(env, "export", str(out))
    frame = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    return frame.sort_values(list(frame.columns[:6])).reset_index(drop=True)


def test_seed_import_and_export_on_postgresql_match_sqlite(postgres, tmp_path: Path) -> None:
    on_pg = {"ENCUENTRO_DATA_DIR": str(tmp_path / "pg"), "DATABASE_URL": postgres.create()}
    on_sqlite = {"ENCUENTRO_DATA_DIR": str(tmp_path / "sqlite")}
    workbook = tmp_path / "per.xlsx"
    workbook.write_bytes(results_xlsx(row(value=654.5)))  # PER, an update of one figure
    for env in (on_pg, on_sqlite):
        _manage(env, "seed")
        printed = _manage(env, "--lang", "en", "import", str(workbook))
        assert "PER" in printed and "version 2" in printed, printed
    pg, sqlite = _exported(on_pg, tmp_path / "pg.csv"), _exported(on_sqlite, tmp_path / "sqlite.csv")
    assert len(pg) > 1000 and pg.equals(sqlite)
    assert 654.5 in pg["value"].tolist()
