"""Bad roster and action workbooks through the real import path: every problem reported with its
sheet, Excel row and column, and the store (which already holds the sample meeting) unchanged."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from result_workbooks import copy_store, seed_sample_store
from sqlalchemy import Engine

from data_access.core.actors import CLI_ACTOR
from data_access.core.settings import Settings, get_settings
from data_access.core.store import content_hash, get_data_version
from data_access.publishing.imports import import_file
from data_access.workbooks.problems import Code

SAMPLE = Path(__file__).resolve().parents[3] / "sample_data"
TWICE = {"nombre": "Lucía Quispe Valdivia", "país": "PER"}  # row 2's person again, same group
# (case id, workbook, sheet, Excel row, header as written, new cell value(s), expected code)
CASES = [
    ("unknown-group", "roster", "members", 2, "grupo", "astrología", Code.UNKNOWN_WORKING_GROUP),
    ("unknown-country", "roster", "members", 3, "país", "Atlántida", Code.UNKNOWN_COUNTRY),
    ("malformed-email", "roster", "members", 4, "correo", "ana.at.example.org", Code.INVALID_EMAIL),
    ("unknown-role", "roster", "members", 5, "rol", "emperador", Code.UNKNOWN_ROLE),
    ("missing-name", "roster", "members", 6, "nombre", None, Code.MISSING_VALUE),
    (
        "person-twice-in-a-group",
        "roster",
        "members",
        3,
        "nombre",
        TWICE,
        Code.DUPLICATE_MEMBER,
    ),
    ("action-unknown-group", "actions", "actions", 2, "grupo", "astrología", Code.UNKNOWN_WORKING_GROUP),
    ("action-unknown-lead", "actions", "actions", 3, "país líder", "XX", Code.UNKNOWN_COUNTRY),
    ("impossible-date", "actions", "actions", 4, "fecha límite", "31/02/2027", Code.INVALID_DATE),
    ("unknown-status", "actions", "actions", 5, "estado", "olvidada", Code.UNKNOWN_STATUS),
    ("unknown-completion", "actions", "actions", 6, "avance", "casi", Code.UNKNOWN_COMPLETION),
    ("missing-title", "actions", "actions", 7, "título", None, Code.MISSING_VALUE),
    ("duplicate-action-code", "actions", "actions", 8, "código", "A01", Code.DUPLICATE_ROW),
    (
        "unknown-participant",
        "actions",
        "actions",
        9,
        "países participantes",
        "PER, Narnia",
        Code.UNKNOWN_COUNTRY,
    ),
]


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_sample_store(get_settings({"ENCUENTRO_DATA_DIR": str(tmp_path_factory.mktemp("seeded"))}))


@pytest.fixture
def store(seeded_file: Path, tmp_path: Path) -> Iterator[Engine]:
    engine = copy_store(seeded_file, tmp_path / "store")
    yield engine
    engine.dispose()


def edited(kind: str, sheet: str, row: int, header: str, value: object) -> bytes:
    """The sample workbook with a cell (or, given a dict, several) changed, saved as Excel would."""
    book = openpyxl.load_workbook(SAMPLE / f"{kind}.xlsx")
    ws = book[sheet]
    headers = [c.value for c in ws[1]]
    for name, new in (value if isinstance(value, dict) else {header: value}).items():
        ws.cell(row=row, column=headers.index(name) + 1).value = new
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("case", "kind", "sheet", "row", "header", "value", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_meeting_input_is_reported_and_changes_nothing(
    store: Engine, tmp_path: Path, case, kind, sheet, row, header, value, code
):
    settings: Settings = get_settings({"ENCUENTRO_DATA_DIR": str(tmp_path / "data")})
    before, version = content_hash(store), get_data_version(store)
    result = import_file(
        engine=store,
        settings=settings,
        data=edited(kind, sheet, row, header, value),
        file_name=f"{case}.xlsx",
        actor=CLI_ACTOR,
    )
    assert not result.published and result.kind == kind
    where = {(p.code, p.sheet, p.row, p.column) for p in result.report.errors}
    assert (code, sheet, row, header) in where, [p.message("en") for p in result.report.errors]
    assert content_hash(store) == before and get_data_version(store) == version
