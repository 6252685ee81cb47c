"""What Excel shows is what gets published: through the real import path (read in the capped child,
validated, published into a seeded store), each held-out file of the publishing issue with its
expected outcome.

Layer: tests (unit). Workbooks written by openpyxl, or raw XML where openpyxl cannot write the case.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Callable

import hostile_files as hf
import pytest
from cli_store import Store
from result_workbooks import HEADERS, VALID
from sqlalchemy import Engine

from data_access.core.actors import CLI_ACTOR
from data_access.core.settings import get_settings
from data_access.core.store import make_engine
from data_access.publishing.imports import check_file, import_file
from data_access.stats import queries
from data_access.workbooks.problems import Code

HEADER = list(HEADERS.values())


def _row(value: float, **cells: object) -> list[object]:
    return list((VALID | {"value": value} | cells).values())


def _table(value: float, rows: int = 1) -> list[list[object]]:
    """The header and ROWS results rows (PER, score_mean, 2019, grade 6, one year per row)."""
    return [HEADER, *(_row(value, year=2019 - 3 * i) for i in range(rows))]


@pytest.fixture
def engine(seeded: Store) -> Engine:
    engine = make_engine(seeded.url)
    yield engine
    engine.dispose()


def _check(engine: Engine, data: bytes):
    settings = get_settings({"ENCUENTRO_DATA_DIR": "/nonexistent"})
    return check_file(engine=engine, settings=settings, data=data, file_name="per.xlsx", country="PER")


def _codes(checked) -> list[str]:
    return [str(p.code) for p in checked.report.problems]


def test_the_visible_sheet_is_published_and_a_hidden_one_named(engine: Engine, seeded: Store) -> None:
    data = hf.openpyxl_xlsx({"Hoja1": _table(400.0), "results": _table(300.0)}, hidden=("results",))
    settings = get_settings({"ENCUENTRO_DATA_DIR": str(seeded.folder)})
    result = import_file(
        engine=engine, settings=settings, data=data, file_name="per.xlsx", actor=CLI_ACTOR, country="PER"
    )
    assert result.published, _codes(result)
    (warning,) = result.report.warnings
    assert warning.code == Code.HIDDEN_SHEET and warning.sheet == "results"
    assert "results" in warning.message("en") and "Unhide" in warning.message("en")
    stored = queries.list_observations(engine).query(
        "country_iso3 == 'PER' and indicator_code == 'score_mean' and year == 2019 and grade == 6"
    )
    assert stored.query("subject == 'reading' and group == 'total'")["value"].tolist() == [400.0]


def _named(data: bytes, old: str, new: str) -> bytes:
    """DATA with sheet OLD renamed NEW in the workbook part (Excel refuses names differing in case
    only, so openpyxl renames them; a file from elsewhere can still hold both)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        book = zf.read("xl/workbook.xml")
    return hf.rezip(
        data, {"xl/workbook.xml": book.replace(f'name="{old}"'.encode(), f'name="{new}"'.encode())}
    )


def test_two_sheets_meaning_the_same_are_an_error_naming_both(engine: Engine) -> None:
    data = _named(hf.openpyxl_xlsx({"results": _table(400.0), "OTHER": _table(300.0)}), "OTHER", "RESULTS")
    checked = _check(engine, data)
    (error,) = checked.report.errors
    assert error.code == Code.AMBIGUOUS_SHEET
    assert "«results»" in error.message("es") and "«RESULTS»" in error.message("es")
    spanish = _check(engine, hf.openpyxl_xlsx({"resultados": _table(400.0), "Results": _table(300.0)}))
    assert _codes(spanish) == ["ambiguous-sheet"]


def _with_duplicate_cell(data: bytes) -> bytes:
    """DATA with the value cell of its first data row given a second time, another value."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    cell = re.search(rb'<c r="G2"[^>]*>.*?</c>', sheet).group(0)
    twice = sheet.replace(cell, cell + b'<c r="G2" t="n"><v>999</v></c>', 1)
    return hf.rezip(data, {"xl/worksheets/sheet1.xml": twice})


def test_a_cell_given_twice_is_an_error_with_its_address(engine: Engine) -> None:
    checked = _check(engine, _with_duplicate_cell(hf.openpyxl_xlsx({"resultados": _table(741.22)})))
    (error,) = checked.report.errors
    assert error.code == Code.DUPLICATE_CELL and error.sheet == "resultados"
    assert "G2" in error.message("en")


def test_macros_are_found_by_content_whatever_the_name(engine: Engine) -> None:
    data = hf.as_xlsm(hf.openpyxl_xlsx({"resultados": _table(741.0)}))  # uploaded as per.xlsx
    checked = _check(engine, data)
    assert checked.publishable(accept_warnings=True) and not checked.publishable(accept_warnings=False)
    assert _codes(checked) == ["macros-ignored"]
    clean = _check(engine, hf.openpyxl_xlsx({"resultados": _table(741.0)}))
    assert _codes(clean) == []


def _declaring(data: bytes, dimension: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    declared = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + dimension + b'"', sheet)
    return hf.rezip(data, {"xl/worksheets/sheet1.xml": declared})


@pytest.mark.parametrize("dimension", [b"A1:AMJ1048576", b"A1:XFD1048576"], ids=["libreoffice", "gnumeric"])
def test_a_whole_sheet_dimension_with_few_real_rows_imports(engine: Engine, dimension: bytes) -> None:
    """LibreOffice and Gnumeric declare the whole sheet; the limits count the cells that are there."""
    rows = [HEADER, *(_row(700.0 + i, year=2000 + i) for i in range(24))]
    checked = _check(engine, _declaring(hf.openpyxl_xlsx({"resultados": rows}), dimension))
    assert checked.report.ok, _codes(checked)
    assert len(checked.results) == 24


def test_real_far_cells_are_still_refused(engine: Engine) -> None:
    assert _codes(_check(engine, hf.far_cell_xlsx())) == ["sheet-too-large"]


def _rebuilt(data: bytes, name: Callable[[str], str], body: Callable[[str, bytes], bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(name(info.filename), body(info.filename, zf.read(info))) for info in zf.infolist()]
    return hf.zip_bytes(members)


def _utf16(name: str, data: bytes) -> bytes:
    """An XML part as some exporters save it: UTF-16 with a BOM and a matching declaration."""
    if not name.endswith((".xml", ".rels")):
        return data
    text = data.decode("utf-8")
    text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"') if text.startswith("<?xml") else text
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


@pytest.mark.parametrize(
    ("case", "repairs"),
    [("backslash-paths", ("backslash-paths",)), ("utf-16-parts", ("utf-16-parts",)), ("both", None)],
)
def test_packages_excel_opens_are_read_after_a_rewrite_that_is_named(
    engine: Engine, case: str, repairs: tuple[str, ...] | None
) -> None:
    data = hf.openpyxl_xlsx({"resultados": _table(741.0, rows=3)})
    slashes = case in ("backslash-paths", "both")
    utf16 = case in ("utf-16-parts", "both")
    odd = _rebuilt(
        data,
        (lambda n: n.replace("/", "\\")) if slashes else (lambda n: n),
        _utf16 if utf16 else (lambda n, b: b),
    )
    checked = _check(engine, odd)
    assert checked.report.ok, _codes(checked)
    assert len(checked.results) == 3
    assert checked.repairs == (repairs or ("backslash-paths", "utf-16-parts"))
    assert _check(engine, data).repairs == ()


def test_a_utf16_part_that_is_not_text_is_still_refused(engine: Engine) -> None:
    data = hf.openpyxl_xlsx({"resultados": _table(741.0)})
    broken = _rebuilt(
        data, lambda n: n, lambda n, b: codecs.BOM_UTF16_LE + b"\x00\xd8" if "sheet1" in n else b
    )
    assert _codes(_check(engine, broken)) == ["corrupt-file"]


def test_a_workbook_part_under_another_name_is_found_through_the_relationships(engine: Engine) -> None:
    data = hf.openpyxl_xlsx({"resultados": _table(741.0, rows=2)})

    def name(n: str) -> str:
        return {"xl/workbook.xml": "xl/book.xml", "xl/_rels/workbook.xml.rels": "xl/_rels/book.xml.rels"}.get(
            n, n
        )

    def body(n: str, b: bytes) -> bytes:
        return (
            b.replace(b"xl/workbook.xml", b"xl/book.xml")
            if n in ("_rels/.rels", "[Content_Types].xml")
            else b
        )

    checked = _check(engine, _rebuilt(data, name, body))
    assert checked.report.ok, _codes(checked)
    assert len(checked.results) == 2 and checked.repairs == ("workbook-part-name",)


@pytest.mark.parametrize("without", ["nothing", "mimetype", "META-INF/manifest.xml", "both"])
def test_an_opendocument_file_without_its_package_members_is_read(engine: Engine, without: str) -> None:
    gone = {"both": ("mimetype", "META-INF/manifest.xml")}.get(without, (without,))
    members = [(n, b) for n, b in hf.minimal_ods(_table(741.0, rows=2)) if n not in gone]
    checked = _check(engine, hf.zip_bytes(members))
    assert checked.report.ok, _codes(checked)
    assert len(checked.results) == 2
    assert checked.repairs == (() if without == "nothing" else ("ods-members",))
