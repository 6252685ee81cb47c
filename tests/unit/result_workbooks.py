"""Results workbooks as real file bytes, built by openpyxl from a valid Peruvian row.

Layer: tests. Each case names only the cells it changes; the rest stay the valid row
(PER, score_mean, 2019, grade 6, reading, total, 741.22) under the template's Spanish headers.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import Engine

from data_access.core.actors import SAMPLE_ACTOR
from data_access.core.catalogues import seed_reference
from data_access.core.settings import Settings
from data_access.core.store import make_engine, migrate, session_scope
from data_access.operations.cli_tasks import sample_files
from data_access.publishing.imports import import_file

HEADERS = {
    "country": "país",
    "indicator": "indicador",
    "year": "año",
    "grade": "grado",
    "subject": "área",
    "group": "grupo",
    "value": "valor",
    "note": "nota",
}
VALID = {
    "country": "PER",
    "indicator": "score_mean",
    "year": 2019,
    "grade": 6,
    "subject": "reading",
    "group": "total",
    "value": 741.22,
    "note": None,
}
SHEET = "resultados"


def row(**cells: object) -> list[object]:
    """The valid row with CELLS (by column code) replaced."""
    unknown = set(cells) - set(VALID)
    if unknown:
        raise KeyError(f"not a column of these workbooks: {sorted(unknown)}")
    return list((VALID | cells).values())


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    """An .xlsx written by openpyxl with SHEETS (name -> rows); "=..." text is saved as a formula."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for cells in rows:
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def results_xlsx(
    *rows: list[object], header: list[object] | None = None, above: tuple[list[object], ...] = ()
) -> bytes:
    """One `resultados` sheet: optional title rows ABOVE, the Spanish header, then ROWS."""
    return xlsx({SHEET: [*above, header or list(HEADERS.values()), *(rows or (row(),))]})


def results_sqlite(path: Path, *rows: list[object], table: str = "results") -> bytes:
    """A SQLite database holding TABLE with the workbook's columns (by code) and ROWS."""
    conn = sqlite3.connect(path)
    try:
        columns = ", ".join(f'"{code}"' for code in VALID)
        conn.execute(f'CREATE TABLE "{table}" ({columns})')
        marks = ", ".join("?" for _ in VALID)
        conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows or (row(),))
        conn.commit()
    finally:
        conn.close()
    return path.read_bytes()


def seed_sample_store(settings: Settings) -> Path:
    """A store file holding the sample meeting (every results, roster and actions workbook)."""
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        with session_scope(engine) as session:
            seed_reference(session=session)
        for path in sample_files():
            result = import_file(
                engine=engine,
                settings=settings,
                data=path.read_bytes(),
                file_name=path.name,
                actor=SAMPLE_ACTOR,
            )
            assert result.published, (path.name, [p.message("en") for p in result.report.errors])
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
    finally:
        engine.dispose()
    return Path(settings.database_url.split("///", 1)[1])


def copy_store(template: Path, folder: Path) -> Engine:
    """An engine on a private copy of the store file TEMPLATE, inside FOLDER."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / template.name
    shutil.copyfile(template, target)
    return make_engine(f"sqlite:///{target}")
