"""Sheet picking, header finding and mapping, and number/date parsing, on in-memory workbooks."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.workbooks.cells import parse_date, parse_integer, parse_number
from data_access.workbooks.columns import GROUPS, MEMBERS, RESULTS
from data_access.workbooks.problems import Code, Hint
from data_access.workbooks.tabular import column_letter, pick_sheet, read_table
from tests.unit.sheet_factories import RESULT_HEADERS, result_row, results, sheet, workbook

HEADER = list(RESULT_HEADERS.values())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45,3", 45.3),
        ("741,22", 741.22),
        ("741.22", 741.22),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),  # no-break space, as Excel in es/pt/fr writes it
        ("1\u202f234,5", 1234.5),  # narrow no-break space
        ("1.234.567", 1234567.0),
        ("1,234,567", 1234567.0),
        ("1.234.567,25", 1234567.25),
        ("45 %", 45.0),
        ("45%", 45.0),
        ("-3,5", -3.5),
        ("\u22123,5", -3.5),  # the typographic minus sign
        ("+12", 12.0),
        ("0,453", 0.453),
        (",5", 0.5),
        ("  512  ", 512.0),
        ("1,5E+03", 1500.0),
        # The ambiguous lone separator before exactly three digits (rule in data_access/workbooks/cells.py):
        ("1.234", 1234.0),  # "." after 1-3 digits not starting with 0: thousands, as es/pt write it
        ("0.453", 0.453),  # a leading 0 is never a thousands group
        ("12.3456", 12.3456),
        ("1,234", 1.234),  # a lone "," is always the decimal separator
        (512, 512.0),
        (45.3, 45.3),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_number_reads_latin_american_and_english_styles(text: object, expected: float | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("abc", Code.TYPE_ERROR),
        ("12,34,5", Code.TYPE_ERROR),  # groups of three or nothing
        ("1.23.4", Code.TYPE_ERROR),
        ("1.234,5.6", Code.TYPE_ERROR),
        ("12 34", Code.TYPE_ERROR),
        ("5 kg", Code.TYPE_ERROR),
        ("-", Code.TYPE_ERROR),
        (True, Code.TYPE_ERROR),
        (dt.date(2020, 1, 1), Code.TYPE_ERROR),
        ("nan", Code.NOT_FINITE),
        ("NaN", Code.NOT_FINITE),
        ("inf", Code.NOT_FINITE),
        ("-Infinity", Code.NOT_FINITE),
        ("#N/A", Code.NOT_FINITE),
        ("#DIV/0!", Code.NOT_FINITE),
        ("#¡DIV/0!", Code.NOT_FINITE),  # Spanish Excel
        ("#VALOR!", Code.NOT_FINITE),
        (float("nan"), Code.NOT_FINITE),
        (float("inf"), Code.NOT_FINITE),
        ("1e999", Code.NOT_FINITE),
    ],
)
def test_parse_number_reports_what_it_cannot_read(value: object, code: Code) -> None:
    assert parse_number(value) is code


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2019.0, 2019), ("2019", 2019), ("1.250", 1250), (6.5, Code.TYPE_ERROR), (None, None)],
)
def test_parse_integer(value: object, expected: object) -> None:
    assert parse_integer(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 3, 15, 0, 0), dt.date(2026, 3, 15)),
        (dt.date(2026, 3, 15), dt.date(2026, 3, 15)),
        ("2026-03-15", dt.date(2026, 3, 15)),
        ("15/03/2026", dt.date(2026, 3, 15)),
        ("5/3/2026", dt.date(2026, 3, 5)),  # day first, as Latin America writes it
        ("31/02/2026", Code.INVALID_DATE),
        ("2026-02-30", Code.INVALID_DATE),
        ("03/15/2026", Code.INVALID_DATE),
        ("mañana", Code.INVALID_DATE),
        (46096.0, Code.INVALID_DATE),
        (None, None),
    ],
)
def test_parse_date(value: object, expected: object) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letter(index: int, letters: str) -> None:
    assert column_letter(index) == letters


@pytest.mark.parametrize(
    ("names", "picked"),
    [
        (["Léame", "results"], "results"),
        (["Léame", "Resultados"], "Resultados"),
        (["LÉAME", " RESULTADOS "], " RESULTADOS "),
        (["Hoja1"], "Hoja1"),  # one visible sheet is used whatever its name
    ],
)
def test_pick_sheet_by_name_or_the_only_sheet(names: list[str], picked: str) -> None:
    raw = workbook(*(sheet(HEADER, name=n) for n in names))
    assert pick_sheet(raw, RESULTS)[0].name == picked


def test_a_hidden_sheet_is_not_picked_by_the_one_sheet_rule() -> None:
    raw = workbook(sheet(HEADER, name="Hoja1"), sheet(HEADER, name="listas", visible=False))
    assert pick_sheet(raw, RESULTS)[0].name == "Hoja1"
    only_hidden = workbook(sheet(HEADER, name="Hoja1", visible=False))
    assert pick_sheet(only_hidden, RESULTS)[0] is None


def test_a_lone_sheet_named_for_another_kind_is_not_taken() -> None:
    assert pick_sheet(workbook(sheet(["grupo", "nombre", "rol"], name="miembros")), GROUPS)[0] is None
    assert pick_sheet(workbook(sheet(["grupo", "nombre", "rol"], name="miembros")), MEMBERS)[0] is not None


def test_missing_sheet_names_the_sheets_found() -> None:
    raw = workbook(sheet(HEADER, name="Léame"), sheet(HEADER, name="Datos"))
    table, problems = read_table(raw, RESULTS)
    assert table is None
    assert [(p.code, p.params["found"]) for p in problems] == [(Code.MISSING_SHEET, ["Léame", "Datos"])]
    assert "Léame" in problems[0].message("es") and "resultados" in problems[0].message("es")


def test_title_rows_above_the_header_are_skipped_and_rows_keep_excel_numbers() -> None:
    above = (["Resultados nacionales ERCE 2019"], ["Ministerio de Educación", None, "país"], [])
    raw = results(result_row(value=500.0), [None, None], result_row(value=600.0), above=above)
    table, problems = read_table(raw, RESULTS)
    assert problems == []
    assert table.header_row == 4
    assert table.frame["excel_row"].tolist() == [5, 7]  # the blank row 6 is skipped
    assert table.frame["value"].tolist() == [500.0, 600.0]


@pytest.mark.parametrize(
    "header",
    [
        ["País", "Indicador", "Año", "Valor"],
        ["PAIS", "INDICADOR", "ANO", "VALOR"],  # accents dropped, upper case
        ["país ", " indicador", "a ñ o", "valor"],
        ["país", "indicador", "ano", "valor"],  # Portuguese
        ["Country", "Indicator", "Year", "Value"],
        ["country_code", "indicator code", "Cycle-Year", "estimate"],
    ],
)
def test_headers_match_in_any_language_case_accents_and_spaces(header: list[str]) -> None:
    raw = workbook(sheet(header, ["PER", "score_mean", 2019.0, 512.0]))
    table, problems = read_table(raw, RESULTS)
    assert problems == []
    assert table.frame.loc[0, ["country", "indicator", "year", "value"]].tolist() == [
        "PER",
        "score_mean",
        2019.0,
        512.0,
    ]
    assert table.header("value") == header[3].strip()


def test_no_header_row_in_the_first_30_rows() -> None:
    raw = workbook(sheet(["a", "b", "c"], ["PER", "score_mean", 2019]))
    table, problems = read_table(raw, RESULTS)
    assert table is None
    assert [(p.code, p.sheet) for p in problems] == [(Code.MISSING_HEADER, "resultados")]


def test_header_after_row_30_is_not_found() -> None:
    raw = workbook(sheet(HEADER, result_row(), above=tuple(["título"] for _ in range(30))))
    assert [p.code for p in read_table(raw, RESULTS)[1]] == [Code.MISSING_HEADER]


def test_duplicated_header_is_an_error_never_a_renamed_column() -> None:
    raw = workbook(sheet(["país", "indicador", "año", "valor", "Value"], ["PER", "score_mean", 2019, 1, 2]))
    table, problems = read_table(raw, RESULTS)
    assert [(p.code, p.row, p.column, p.params["letters"]) for p in problems] == [
        (Code.DUPLICATE_COLUMN, 1, "Value", ["D", "E"])
    ]
    assert table.frame.loc[0, "value"] == 1
    assert not any(str(c).endswith(".1") for c in table.frame.columns)


def test_missing_required_column_suggests_the_near_miss_header() -> None:
    raw = workbook(sheet(["país", "indicador", "año", "valr"], ["PER", "score_mean", 2019, 512]))
    _, problems = read_table(raw, RESULTS)
    found = {(p.code, p.row, p.column): p for p in problems}
    unknown = found[(Code.UNKNOWN_COLUMN, 1, "valr")]
    assert unknown.params == {"hint": Hint.DID_YOU_MEAN, "suggestion": "valor"}
    assert "¿Quiso decir «valor»?" in unknown.message("es")
    missing = found[(Code.MISSING_COLUMN, 1, None)]
    assert missing.params["column_code"] == "value" and missing.params["found"] == "valr"
    assert "«valor»" in missing.message("es") and "«valr»" in missing.message("es")
    assert "“value”" in missing.message("en")


def test_unknown_column_is_a_warning_and_ignored() -> None:
    raw = workbook(sheet([*HEADER, "comentario interno"], [*result_row(), "x"]))
    table, problems = read_table(raw, RESULTS)
    assert [(p.code, p.severity, p.column) for p in problems] == [
        (Code.UNKNOWN_COLUMN, "warning", "comentario interno")
    ]
    assert "comentario interno" not in table.frame.columns


def test_ragged_rows_and_blank_text_cells_read_as_empty() -> None:
    raw = workbook(sheet(HEADER, ["PER", "score_mean", 2019.0], ["  ", "", None], ["PE", " score_mean "]))
    table, _ = read_table(raw, RESULTS)
    assert table.frame["excel_row"].tolist() == [2, 4]
    assert table.frame["indicator"].tolist() == ["score_mean", "score_mean"]
    assert table.frame["value"].tolist() == [None, None]
    assert str(table.frame.dtypes["value"]) == "object"


def test_formula_cells_are_mapped_to_rows_and_columns() -> None:
    raw = workbook(sheet(HEADER, result_row(value=None), formulas=("G2", "$B$1", "Z9", "junk")))
    table, _ = read_table(raw, RESULTS)
    assert table.formula_cells == [(2, "value")]
    assert table.frame["excel_row"].tolist() == [2]


def test_a_row_holding_only_a_formula_without_value_is_kept() -> None:
    raw = workbook(sheet(HEADER, [None] * 13, formulas=("G2",)))
    table, _ = read_table(raw, RESULTS)
    assert table.frame["excel_row"].tolist() == [2]


@pytest.mark.parametrize("rows", [[], [[None, "  "]]])
def test_empty_sheet(rows: list[list[object]]) -> None:
    _, problems = read_table(workbook(sheet(HEADER, *rows)), RESULTS)
    assert [(p.code, p.sheet) for p in problems] == [(Code.EMPTY_SHEET, "resultados")]
