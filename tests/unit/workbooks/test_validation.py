"""validate_results on in-memory workbooks: codes and locations of every problem, typed output."""

from __future__ import annotations

import datetime as dt
import random
import re

import pandas as pd
import pytest

from data_access.core.catalogues import default_indicators
from data_access.core.i18n import load_texts
from data_access.core.settings import LANGUAGES
from data_access.workbooks.column_checks import PROBLEMS_PER_CHECK
from data_access.workbooks.problems import Code, Expect, Hint, Problem, Report, WorkbookError
from data_access.workbooks.validation import RESULT_COLUMNS, validate_results
from data_access.workbooks.workbook import RawWorkbook
from tests.unit.sheet_factories import RESULT_HEADERS, grade_rows, result_row, results, sheet, workbook

INDICATORS = default_indicators()
H = RESULT_HEADERS


def validate(raw: RawWorkbook, **options: object) -> tuple[pd.DataFrame, Report]:
    return validate_results(raw, indicators=INDICATORS, **options)


def located(report: Report) -> list[tuple[str, str | None, int | None, str | None]]:
    return [(str(p.code), p.sheet, p.row, p.column) for p in report.problems]


def test_a_valid_workbook_gives_typed_rows_and_no_problems() -> None:
    frame, report = validate(results(result_row(), result_row(grade=3.0, subject="matemáticas", group=None)))
    assert report.ok and report.problems == ()
    assert list(frame.columns) == list(RESULT_COLUMNS)
    assert frame.dtypes.astype(str).to_dict() == RESULT_COLUMNS
    first = frame.iloc[1]
    assert (first["country_iso3"], first["indicator_code"], first["year"], first["grade"]) == (
        "PER",
        "score_mean",
        2019,
        3,
    )
    assert (first["subject"], first["group"], first["excel_row"]) == ("mathematics", "total", 3)
    assert frame["note"].tolist() == [None, None]


# (cells replaced in one valid row, expected code, column header). The row is Excel row 2.
CELL_CASES = [
    ({"country": None}, Code.MISSING_VALUE, H["country"]),
    ({"indicator": "  "}, Code.MISSING_VALUE, H["indicator"]),
    ({"value": None}, Code.MISSING_VALUE, H["value"]),
    ({"country": "Narnia"}, Code.UNKNOWN_COUNTRY, H["country"]),
    ({"country": "Chile"}, Code.WRONG_COUNTRY, H["country"]),
    ({"indicator": "score_man"}, Code.UNKNOWN_INDICATOR, H["indicator"]),
    ({"year": 1989.0}, Code.INVALID_YEAR, H["year"]),
    ({"year": 2019.5}, Code.INVALID_YEAR, H["year"]),
    ({"year": "dos mil"}, Code.INVALID_YEAR, H["year"]),
    ({"year": dt.date(1905, 7, 11)}, Code.INVALID_YEAR, H["year"]),
    ({"grade": 13.0}, Code.INVALID_GRADE, H["grade"]),
    ({"grade": "sexto"}, Code.INVALID_GRADE, H["grade"]),
    ({"subject": "Música"}, Code.UNKNOWN_SUBJECT, H["subject"]),
    ({"group": "otros"}, Code.UNKNOWN_GROUP, H["group"]),
    ({"value": "abc"}, Code.TYPE_ERROR, H["value"]),
    ({"value": True}, Code.TYPE_ERROR, H["value"]),
    ({"value": "nan"}, Code.NOT_FINITE, H["value"]),
    ({"value": float("inf")}, Code.NOT_FINITE, H["value"]),
    ({"value": float("nan")}, Code.NOT_FINITE, H["value"]),
    ({"year": float("nan")}, Code.INVALID_YEAR, H["year"]),
    ({"year": dt.date(2019, 3, 15)}, Code.INVALID_YEAR, H["year"]),
    ({"value": "#DIV/0!"}, Code.NOT_FINITE, H["value"]),
    ({"se": "#N/A"}, Code.NOT_FINITE, H["se"]),
    ({"value": 1200.0, "ci_high": 1300.0}, Code.OUT_OF_RANGE, H["value"]),
    ({"se": -1.0}, Code.OUT_OF_RANGE, H["se"]),
    ({"n": -5.0}, Code.OUT_OF_RANGE, H["n"]),
    ({"n": 12.5}, Code.TYPE_ERROR, H["n"]),
    ({"ci_low": 520.0}, Code.INCONSISTENT_INTERVAL, H["ci_low"]),
    ({"ci_high": 510.0}, Code.INCONSISTENT_INTERVAL, H["ci_high"]),
    ({"ci_low": 530.0, "ci_high": 500.0, "value": None}, Code.INCONSISTENT_INTERVAL, H["ci_low"]),
    ({"note": "línea\x07con campana"}, Code.CONTROL_CHARACTERS, H["note"]),
    ({"source": "x" * 1001}, Code.TEXT_TOO_LONG, H["source"]),
]


@pytest.mark.parametrize(("cells", "code", "column"), CELL_CASES)
def test_each_bad_cell_is_reported_at_its_sheet_row_and_column(cells: dict, code: Code, column: str) -> None:
    frame, report = validate(results(result_row(**cells)), expected_country="PER")
    found = [(p.code, p.sheet, p.row, p.column) for p in report.problems if p.code is not Code.MISSING_VALUE]
    if code is Code.MISSING_VALUE:
        found = [(p.code, p.sheet, p.row, p.column) for p in report.problems]
    assert found == [(code, "resultados", 2, column)]
    assert not report.ok and frame.empty
    message = next(p for p in report.problems if p.code is code).message("es")
    assert message.startswith(f"Hoja «resultados», fila 2, columna «{column}»: ") and "{" not in message


@pytest.mark.parametrize(
    ("text", "number"),
    [("45,3", 45.3), ("1.234,5", 1234.5), ("45 %", 45.0), ("1\u00a0034,5", 1034.5), ("741.22", 741.22)],
)
def test_latin_american_numbers_written_as_text_are_read(text: str, number: float) -> None:
    frame, report = validate(
        results(
            result_row(
                indicator="level_2_pct" if number < 100 else "score_mean",
                value=text,
                se=None,
                ci_low=None,
                ci_high=None,
            )
        )
    )
    if number > 1100:
        assert [p.code for p in report.problems] == [Code.OUT_OF_RANGE]
        return
    assert report.ok, report.problems
    assert frame.loc[0, "value"] == number


def test_problems_give_the_value_found_and_what_was_expected_in_each_language() -> None:
    _, report = validate(results(result_row(), result_row(grade=3.0, value="abc")))
    problem = report.problems[0]
    assert (problem.row, problem.value, problem.params["expect"]) == (3, "abc", Expect.NUMBER)
    assert problem.message("es") == (
        "Hoja «resultados», fila 3, columna «valor»: "
        "se encontró «abc»; se esperaba un número como 45,3 o 1.234,5."
    )
    assert problem.expected("pt") == "um número como 45,3 ou 1.234,5"
    assert "expected a number such as 45.3 or 1,234.5" in problem.message("en")


def test_out_of_range_names_the_indicators_range() -> None:
    _, report = validate(results(result_row(indicator="level_2_pct", value=145.0, ci_low=None, ci_high=None)))
    problem = report.problems[0]
    assert (problem.code, problem.params["min"], problem.params["max"]) == (Code.OUT_OF_RANGE, 0.0, 100.0)
    assert problem.expected("es") == "un número entre 0 y 100"


def test_a_year_formatted_as_a_date_says_how_to_fix_it() -> None:
    _, report = validate(results(result_row(year=dt.datetime(1905, 7, 11))))
    problem = report.problems[0]
    assert problem.params["hint"] == Hint.YEAR_AS_DATE and problem.params["typed"] == "2019"
    assert "«Número»" in problem.message("es") and "(2019)" in problem.message("es")
    _, report = validate(results(result_row(year=dt.date(2019, 3, 15))))
    assert "hint" not in report.problems[0].params  # a real date is not a year typed as a date


def test_unknown_names_get_a_suggestion() -> None:
    _, report = validate(results(result_row(country="Perú", indicator="Puntaje promedo", group="Niñass")))
    assert [(p.code, p.params.get("suggestion")) for p in report.problems] == [
        (Code.UNKNOWN_INDICATOR, "Puntaje promedio"),
        (Code.UNKNOWN_GROUP, "Niñas"),
    ]


def test_years_as_float_and_text_are_accepted() -> None:
    frame, report = validate(results(result_row(year=2019.0), result_row(year="2013", grade="6º")))
    assert report.ok and frame["year"].tolist() == [2019, 2013] and frame["grade"].tolist() == [6, 6]


def test_duplicate_key_names_the_first_row_it_repeats() -> None:
    rows = [
        result_row(),
        result_row(grade=3.0),
        result_row(subject="reading", group="Total", value=500.0, ci_low=None),
    ]
    _, report = validate(results(*rows))
    assert located(report) == [("duplicate-row", "resultados", 4, H["indicator"])]
    assert report.problems[0].params["first_row"] == "2"
    assert "repite la fila 2 (score_mean, 2019, 6, reading, total)" in report.problems[0].message("es")


def test_an_unreadable_key_cell_does_not_make_a_duplicate() -> None:
    _, report = validate(results(result_row(grade=None), result_row(grade="sexto")))
    assert [p.code for p in report.problems] == [Code.INVALID_GRADE]


def test_formula_without_cached_value_is_reported_where_it_is() -> None:
    raw = workbook(sheet(list(H.values()), result_row(), result_row(grade=3.0, value=None), formulas=("G3",)))
    _, report = validate(raw)
    assert located(report) == [("formula-without-value", "resultados", 3, H["value"])]


def test_percent_written_as_fraction_warns_once_per_indicator() -> None:
    rows = [
        result_row(indicator="level_2_pct", grade=float(g), value=v, se=None, ci_low=None, ci_high=None)
        for g, v in ((3, 0.31), (6, "0,42"), (1, 0.5))
    ]
    frame, report = validate(results(*rows, result_row()))
    assert located(report) == [("percent-as-fraction", "resultados", 2, H["value"])]
    assert report.ok and len(report.warnings) == 1 and len(frame) == 4
    assert "level_2_pct" in report.problems[0].message("es")


def test_a_100000_character_text_is_reported_without_blowing_up_the_report() -> None:
    _, report = validate(results(result_row(note="a" * 100_000)))
    problem = report.problems[0]
    assert (problem.code, problem.params["length"], problem.params["limit"]) == (
        Code.TEXT_TOO_LONG,
        100_000,
        1000,
    )
    assert len(problem.value) <= 80
    assert len(report.to_frame("es").to_csv()) < 2000


def test_html_and_script_text_is_kept_verbatim() -> None:
    note = "<script>alert(1)</script> & <b>nota</b>"
    frame, report = validate(results(result_row(note=note, source="<img src=x onerror=alert(1)>")))
    assert report.ok and report.problems == ()
    assert frame.loc[0, "note"] == note and frame.loc[0, "source"] == "<img src=x onerror=alert(1)>"


def test_rows_with_errors_are_left_out_and_all_problems_are_collected() -> None:
    rows = [result_row(), result_row(grade=3.0, country="Narnia", value="abc"), result_row(grade=1.0, n=-1.0)]
    frame, report = validate(results(*rows))
    assert located(report) == [
        ("unknown-country", "resultados", 3, H["country"]),
        ("type-error", "resultados", 3, H["value"]),
        ("out-of-range", "resultados", 4, H["n"]),
    ]
    assert frame["excel_row"].tolist() == [2]
    assert report.counts() == {"unknown-country": 1, "type-error": 1, "out-of-range": 1}


def test_a_missing_column_blocks_every_row() -> None:
    raw = workbook(sheet(["país", "indicador", "año", "valr"], ["PER", "score_mean", 2019.0, 512.0]))
    frame, report = validate(raw)
    assert [p.code for p in report.problems] == [Code.UNKNOWN_COLUMN, Code.MISSING_COLUMN]
    assert frame.empty and list(frame.columns) == list(RESULT_COLUMNS)


def test_a_missing_sheet_gives_an_empty_frame_and_one_problem() -> None:
    frame, report = validate(workbook(sheet(["x"], name="Léame"), sheet(["y"], name="Datos")))
    assert located(report) == [("missing-sheet", None, None, None)] and frame.empty


def test_long_reports_list_the_first_cells_and_count_the_rest() -> None:
    frame, report = validate(results(*grade_rows(1200, country="Narnia")))
    listed = [p for p in report.problems if p.row is not None]
    assert len(listed) == PROBLEMS_PER_CHECK
    summary = report.problems[-1]
    assert summary.params == {"hint": Hint.MORE, "more": 700} and summary.column == H["country"]
    assert report.counts() == {"unknown-country": 1200}
    assert "700" in summary.message("es") and frame.empty


def _texts_of(key: str) -> dict[str, str]:
    return load_texts()[key]


@pytest.mark.parametrize("code", list(Code))
def test_every_code_has_a_message_and_an_expected_text_in_every_language(code: Code) -> None:
    for kind in ("problem", "expected"):
        texts = _texts_of(f"{kind}.{code}")
        assert set(LANGUAGES) <= set(texts) and all(texts[lang].strip() for lang in LANGUAGES)
        placeholders = {lang: set(re.findall(r"{(\w+)}", texts[lang])) for lang in LANGUAGES}
        assert placeholders["es"] == placeholders["pt"] == placeholders["en"], (kind, placeholders)
    problem = Problem(code, "resultados", 7, "valor", "x")
    for lang in LANGUAGES:
        assert problem.message(lang) and "{" not in problem.message(lang) and problem.expected(lang)


@pytest.mark.parametrize("key", [f"hint.{h}" for h in Hint] + [f"expect.{e}" for e in Expect])
def test_every_hint_and_expectation_is_in_every_language(key: str) -> None:
    texts = _texts_of(key)
    assert all(texts.get(lang, "").strip() for lang in LANGUAGES)


FILE_CODES = [
    (Code.EMPTY_FILE, "vacío"),
    (Code.NOT_A_WORKBOOK, ".xlsx"),
    (Code.CORRUPT_FILE, "Guardar como"),
    (Code.ENCRYPTED_FILE, "sin contraseña"),
    (Code.FILE_TOO_LARGE, ".xlsx"),
    (Code.UNPACKED_TOO_LARGE, ".xlsx"),
    (Code.SHEET_TOO_LARGE, "Borre"),
    (Code.TOO_MANY_ROWS, "Divida"),
    (Code.READER_FAILED, "Guardar como"),
    (Code.READER_TIMEOUT, "pegue solo los valores"),
]


@pytest.mark.parametrize(("code", "advice"), FILE_CODES)
def test_file_level_failures_say_what_to_do(code: Code, advice: str) -> None:
    report = Report.from_error(WorkbookError(code, sheet="Hoja1", limit=20))
    assert not report.ok and report.counts() == {str(code): 1}
    frame = report.to_frame("es")
    assert list(frame.columns) == [
        "severity",
        "code",
        "sheet",
        "row",
        "column",
        "value",
        "expected",
        "message",
    ]
    assert advice in frame.loc[0, "message"] and frame.loc[0, "severity"] == "error"
    assert report.problems[0].sheet == "Hoja1"
    assert "password" in Report.from_error(WorkbookError(Code.ENCRYPTED_FILE)).problems[0].message("en")


def test_report_frame_translates_values_and_optionally_headers() -> None:
    _, report = validate(
        results(*grade_rows(2, indicator="level_2_pct", value=0.3, ci_low=None, ci_high=None))
    )
    frame = report.to_frame("pt", translate_headers=True)
    assert list(frame.columns)[:4] == ["gravidade", "código", "planilha", "linha"]
    assert frame.loc[0, "gravidade"] == "aviso" and frame["linha"].dtype == "Int64"


def _distinct_rows(count: int) -> list[list[object]]:
    """COUNT valid rows with distinct keys: indicator x year x grade x subject x group."""
    rng = random.Random(42)
    axes = [
        [i.code for i in INDICATORS if i.unit == "percent"],
        [float(y) for y in range(1990, 2020)],
        [float(g) for g in range(1, 13)],
        ["reading", "Matemáticas", "science", "writing"],
        [
            "total",
            "female",
            "male",
            "urban",
            "rural",
            "public",
            "private",
            *(f"ses_q{q}" for q in range(1, 6)),
        ],
    ]
    rows = []
    for k in range(count):
        cells = []
        for axis in axes:
            k, pick = divmod(k, len(axis))
            cells.append(axis[pick])
        indicator, year, grade, subject, group = cells
        rows.append(
            result_row(
                indicator=indicator,
                year=year,
                grade=grade,
                subject=subject,
                group=group,
                value=rng.uniform(20, 80),
                se=1.0,
                ci_low=None,
                ci_high=None,
            )
        )
    return rows


def test_validating_100000_rows_keeps_every_row() -> None:
    """Speed is measured in bench/ingest.py; here only that a large sheet comes through whole."""
    raw = results(*_distinct_rows(100_000))
    frame, report = validate(raw, expected_country="PER")
    assert report.ok, report.counts()
    assert len(frame) == 100_000 and isinstance(frame, pd.DataFrame)
