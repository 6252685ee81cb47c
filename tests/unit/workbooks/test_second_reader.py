"""Workbooks Excel or LibreOffice open but python-calamine refuses or reads as empty go to a second
reader (openpyxl, odfpy) in the same capped child before the upload is refused, and the report
says which reader read them. Through the real import path, with files written by openpyxl or as
ElementTree-based writers write OpenDocument.

Layer: tests (unit).
"""

from __future__ import annotations

import datetime
import io
import json
import xml.etree.ElementTree as ET
import zipfile

import hostile_files as hf
import pytest
from cli_store import Store
from result_workbooks import HEADERS, VALID
from sqlalchemy import Engine

from data_access.core.actors import CLI_ACTOR
from data_access.core.settings import get_settings
from data_access.core.store import make_engine
from data_access.publishing.import_report import result_to_json, result_to_text
from data_access.publishing.imports import check_file, import_file
from data_access.stats import queries
from data_access.workbooks import second_reader, sheet_worker
from data_access.workbooks.problems import Code
from data_access.workbooks.workbook import EXIT_CODES

HEADER = list(HEADERS.values())
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _rows(value: float, count: int) -> list[list[object]]:
    return [HEADER, *(list((VALID | {"value": value, "year": 2019 - 3 * i}).values()) for i in range(count))]


@pytest.fixture
def engine(seeded: Store) -> Engine:
    engine = make_engine(seeded.url)
    yield engine
    engine.dispose()


def _check(engine: Engine, data: bytes, name: str = "per.xlsx"):
    settings = get_settings({"ENCUENTRO_DATA_DIR": "/nonexistent"})
    return check_file(engine=engine, settings=settings, data=data, file_name=name, country="PER")


def _codes(checked) -> list[str]:
    return [str(p.code) for p in checked.report.problems]


def _without_root_relationships(data: bytes) -> bytes:
    """DATA without `_rels/.rels`: Excel repairs and opens it, calamine cannot tell its format."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return hf.zip_bytes([(i.filename, zf.read(i)) for i in zf.infolist() if i.filename != "_rels/.rels"])


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}"/>'
    if isinstance(value, int | float):
        number = f'office:value-type="float" office:value="{value}"'
        return f"<table:table-cell {number}><text:p>{value}</text:p></table:table-cell>"
    if isinstance(value, datetime.date):
        return f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"/>'
    if value is None:
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def _table(name: str, rows: list[list[object]], *, hidden: bool = False) -> str:
    """A table as LibreOffice writes it: each row padded with a repeated blank cell, and blank rows
    repeated to the sheet's end."""
    pad = '<table:table-cell table:number-columns-repeated="1010"/>'
    body = "".join(f"<table:table-row>{''.join(map(_cell, row))}{pad}</table:table-row>" for row in rows)
    blank = f'<table:table-row table:number-rows-repeated="1048000">{pad}</table:table-row>'
    style = ' table:style-name="hidden"' if hidden else ""
    return f'<table:table table:name="{name}"{style}>{body}{blank}</table:table>'


def elementtree_ods(tables: list[str]) -> bytes:
    """An .ods whose content.xml went through ElementTree, which names namespaces ns0, ns1...:
    valid OpenDocument that LibreOffice opens, in which calamine finds no sheet."""
    declared = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())
    content = (
        f'<office:document-content {declared} office:version="1.2"><office:automatic-styles>'
        '<style:style style:name="hidden" style:family="table">'
        '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    renamed = ET.tostring(ET.fromstring(content), xml_declaration=True, encoding="UTF-8")
    assert b"<ns0:" in renamed and b"<office:" not in renamed
    members = dict(hf.minimal_ods([]))
    return hf.zip_bytes(
        [
            ("mimetype", members["mimetype"]),
            ("META-INF/manifest.xml", members["META-INF/manifest.xml"]),
            ("content.xml", renamed),
        ]
    )


def test_an_xlsx_calamine_cannot_place_is_read_by_openpyxl_and_says_so(engine: Engine) -> None:
    data = hf.openpyxl_xlsx({"Hoja1": _rows(400.0, 3), "results": _rows(300.0, 3)}, hidden=("results",))
    assert _check(engine, data).reader == "python-calamine"
    checked = _check(engine, _without_root_relationships(data))
    assert checked.reader == "openpyxl"
    assert checked.report.ok and _codes(checked) == ["hidden-sheet-ignored"]  # visibility still read
    assert checked.results["value"].tolist() == [400.0] * 3


def test_an_elementtree_ods_is_read_by_odfpy_with_its_hidden_sheet_and_repeats(engine: Engine) -> None:
    data = elementtree_ods(
        [_table("Hoja1", _rows(400.0, 2)), _table("results", _rows(300.0, 2), hidden=True)]
    )
    checked = _check(engine, data, "per.ods")
    assert checked.reader == "odfpy"
    assert _codes(checked) == ["hidden-sheet-ignored"]
    assert checked.results["value"].tolist() == [400.0, 400.0]


def test_the_second_reader_gives_rows_as_calamine_does() -> None:
    rows: list[list[object]] = [["a", None, 2.5], [None], [True, datetime.date(2026, 12, 1)]]
    data = elementtree_ods([_table("s", rows)])
    reader, sheets = second_reader.read(data, max_rows=100)
    assert reader == "odfpy"
    assert sheets == [("s", True, [["a", None, 2.5], [], [True, datetime.date(2026, 12, 1)]])]
    with pytest.raises(second_reader.TooManyRows):
        second_reader.read(data, max_rows=2)


def test_a_repeated_row_past_the_limit_is_too_many_rows(engine: Engine) -> None:
    table = _table("resultados", _rows(741.0, 1)).replace(
        "<table:table-row>", '<table:table-row table:number-rows-repeated="200000">', 2
    )
    checked = _check(engine, elementtree_ods([table]), "per.ods")
    assert _codes(checked) == ["too-many-rows"]


def test_a_file_neither_reader_opens_stays_corrupt(engine: Engine) -> None:
    data = _without_root_relationships(hf.openpyxl_xlsx({"resultados": _rows(741.0, 1)}))
    broken = hf.rezip(data, {"xl/workbook.xml": b"<workbook"})
    assert _codes(_check(engine, broken)) == ["corrupt-file"]


def test_the_command_line_names_the_second_reader(engine: Engine, seeded: Store) -> None:
    data = _without_root_relationships(hf.openpyxl_xlsx({"resultados": _rows(741.0, 2)}))
    settings = get_settings({"ENCUENTRO_DATA_DIR": str(seeded.folder)})
    result = import_file(
        engine=engine, settings=settings, data=data, file_name="per.xlsx", actor=CLI_ACTOR, country="PER"
    )
    assert result.published
    assert "read with openpyxl, the second reader" in result_to_text(result, "en")
    assert "leído con openpyxl" in result_to_text(result, "es")
    assert json.loads(json.dumps(result_to_json(result, "en")))["reader"]["name"] == "openpyxl"
    stored = queries.list_observations(engine).query(
        "country_iso3 == 'PER' and indicator_code == 'score_mean'"
    )
    assert 741.0 in stored["value"].tolist()


class Panic(BaseException):
    """What pyo3 raises in Python for a panic inside calamine (PanicException is no Exception)."""


def test_a_calamine_crash_goes_to_the_second_reader_and_else_says_reader_failed(monkeypatch) -> None:
    def crash(data: bytes, max_rows: int) -> None:
        raise Panic("index out of bounds")

    monkeypatch.setattr(sheet_worker, "_calamine_sheets", crash)
    readable = _without_root_relationships(hf.openpyxl_xlsx({"resultados": _rows(741.0, 2)}))
    answer = sheet_worker.read_sheets(readable, max_rows=100)
    assert answer[0] == "ok" and answer[2] == "openpyxl"
    with pytest.raises(Panic):  # neither reader opens it: the crash stands
        sheet_worker.read_sheets(hf.rezip(readable, {"xl/workbook.xml": b"<workbook"}), max_rows=100)
    assert EXIT_CODES.get(sheet_worker.exit_code_for(Panic()), Code.READER_FAILED) == Code.READER_FAILED
