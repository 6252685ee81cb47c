"""Validation of real .xlsx files written by openpyxl and read back through read_workbook.

Layer: tests. The in-memory tests pin each rule; these check that what Excel-style files really
hold (numbers as floats, dates for date-formatted cells, hidden sheets, formulas) reaches them.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from data_access.core.catalogues import default_indicators
from data_access.core.settings import Settings
from data_access.meeting.meeting_sheets import read_actions, read_roster
from data_access.workbooks.problems import Code
from data_access.workbooks.validation import validate_results
from data_access.workbooks.workbook import RawWorkbook, read_workbook
from tests.unit.sheet_factories import RESULT_HEADERS, result_row

INDICATORS = default_indicators()


def xlsx(sheets: dict[str, list[list[object]]], *, hidden: tuple[str, ...] = (), **formats: str) -> bytes:
    """An .xlsx file with SHEETS (name -> rows); FORMATS maps a cell like "C3" to a number format."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        ws.sheet_state = "hidden" if name in hidden else "visible"
    first = book[next(iter(sheets))]
    for ref, number_format in formats.items():
        first[ref].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data: bytes, settings: Settings) -> RawWorkbook:
    return read_workbook(data, settings=settings)


def results_sheet(*rows: list[object]) -> list[list[object]]:
    return [["Resultados ERCE 2019 — Perú"], [], list(RESULT_HEADERS.values()), *rows]


def test_a_spanish_locale_file_is_read_and_typed(settings: Settings) -> None:
    rows = results_sheet(
        result_row(),
        result_row(grade=3.0, value="741,22", se="2,5", ci_low="736,3", ci_high="746,1", n="1.250"),
        result_row(
            grade=1.0, indicator="Nivel de desempeño II", value="45 %", se=None, ci_low=None, ci_high=None
        ),
    )
    data = xlsx({"Léame": [["Instrucciones"]], "Resultados": rows, "listas": [["PER"]]}, hidden=("listas",))
    frame, report = validate_results(read(data, settings), indicators=INDICATORS, expected_country="PER")
    assert report.ok, report.to_frame("es")["message"].tolist()
    assert frame["excel_row"].tolist() == [4, 5, 6]
    assert frame["value"].tolist() == [512.3, 741.22, 45.0]
    assert frame["n"].tolist() == [4500, 1250, 4500]
    assert frame["year"].tolist() == [2019, 2019, 2019]


def test_problems_in_a_file_point_at_excel_rows_and_headers(settings: Settings) -> None:
    rows = results_sheet(
        result_row(),
        result_row(grade=3.0, country="Narnia", value="abc"),
        result_row(grade=1.0, year=2019),  # formatted as a date below: Excel shows 11/07/1905
        result_row(grade=2.0, note="<script>alert(1)</script>", value=float("nan")),
    )
    data = xlsx({"resultados": rows}, C6="dd/mm/yyyy")
    frame, report = validate_results(read(data, settings), indicators=INDICATORS)
    located = [(p.code, p.sheet, p.row, p.column) for p in report.problems]
    assert (Code.UNKNOWN_COUNTRY, "resultados", 5, "país") in located
    assert (Code.TYPE_ERROR, "resultados", 5, "valor") in located
    assert (Code.INVALID_YEAR, "resultados", 6, "año") in located
    year = next(p for p in report.problems if p.code is Code.INVALID_YEAR)
    assert year.params.get("typed") == "2019"
    assert any(p.row == 7 and p.column == "valor" for p in report.problems)  # NaN is written as an error cell
    assert frame["excel_row"].tolist() == [4]


def test_an_error_cell_blocks_its_row(settings: Settings) -> None:
    data = xlsx({"resultados": results_sheet(result_row(value="#DIV/0!"))})
    _, report = validate_results(read(data, settings), indicators=INDICATORS)
    # The reader may hand the error on as its text (not-finite) or as an empty cell (missing-value).
    assert [(p.row, p.column) for p in report.problems] == [(4, "valor")]
    assert report.problems[0].code in (Code.NOT_FINITE, Code.MISSING_VALUE)


def test_a_formula_without_cached_value_is_reported(settings: Settings) -> None:
    data = xlsx({"resultados": results_sheet(result_row(), result_row(grade=3.0, value="=G4*2"))})
    _, report = validate_results(read(data, settings), indicators=INDICATORS)
    assert [(p.code, p.row, p.column) for p in report.problems] == [(Code.FORMULA_WITHOUT_VALUE, 5, "valor")]


def test_duplicated_headers_in_a_file_are_refused(settings: Settings) -> None:
    header = [*RESULT_HEADERS.values(), "Valor"]
    data = xlsx({"resultados": [header, [*result_row(), 1.0]]})
    frame, report = validate_results(read(data, settings), indicators=INDICATORS)
    assert [(p.code, p.row, p.column) for p in report.problems] == [(Code.DUPLICATE_COLUMN, 1, "Valor")]
    assert frame.empty


def test_a_roster_and_an_actions_file(settings: Settings) -> None:
    groups = [
        ["código", "nombre (es)", "nombre (pt)", "nombre (en)"],
        ["SER", "Habilidades", "Habilidades", "Skills"],
    ]
    members = [
        ["grupo", "nombre", "rol", "país", "correo"],
        ["SER", "Ana", "relatora", "PE", "ana@minedu.gob.pe"],
    ]
    members.append(["SER", "Luis", "chef", "PE", "luis@"])
    _, frame, report = read_roster(read(xlsx({"grupos": groups, "miembros": members}), settings))
    assert [(p.code, p.sheet, p.row, p.column) for p in report.problems] == [
        (Code.UNKNOWN_ROLE, "miembros", 3, "rol"),
        (Code.INVALID_EMAIL, "miembros", 3, "correo"),
    ]
    assert frame[["name", "role", "country"]].values.tolist() == [["Ana", "rapporteur", "PER"]]
    rows = [
        ["código", "título", "fecha límite", "estado"],
        ["A1", "Taller", dt.datetime(2026, 3, 15), "acordada"],
    ]
    rows.append(["A2", "Visita", "31/02/2026", "agreed"])
    actions, report = read_actions(
        read(xlsx({"acciones": rows}), settings), known_groups=[], indicators=INDICATORS
    )
    assert [(p.code, p.row, p.column) for p in report.problems] == [(Code.INVALID_DATE, 3, "fecha límite")]
    assert actions["due_date"].tolist() == [dt.date(2026, 3, 15)]
