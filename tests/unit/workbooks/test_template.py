"""The results template, results and roster workbooks, and the exports: columns, dropdowns, safety."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from data_access.core.catalogues import GROUPS, SUBJECTS, default_indicators, lac_countries
from data_access.core.i18n import t
from data_access.core.settings import LANGUAGES
from data_access.reports.exports import export_results_csv, export_results_xlsx
from data_access.workbooks.columns import ACTIONS, MEMBERS, RESULTS
from data_access.workbooks.template import (
    CANONICAL_COLUMNS,
    build_results_template,
    build_sheet_workbook,
    write_results_workbook,
)

INDICATORS = default_indicators()
HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "-3", '=HYPERLINK("http://x")']


def _load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _calamine(data: bytes, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).to_python()


def _resolve(wb: openpyxl.Workbook, formula: str) -> list[object]:
    """The values a dropdown formula like 'listas'!$A$2:$A$34 points at."""
    sheet, ref = formula.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    return [row[0].value for row in ws[ref.replace("$", "")]]


def _frame(**overrides: object) -> pd.DataFrame:
    row = dict.fromkeys(CANONICAL_COLUMNS) | {
        "country_iso3": "PER",
        "indicator_code": "score_mean",
        "year": 2019,
        "grade": 6,
        "subject": "reading",
        "group": "total",
        "value": 741.22,
    }
    return pd.DataFrame([row | overrides])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_template_has_every_column_in_the_language(lang: str) -> None:
    wb = _load(build_results_template("PER", lang, INDICATORS))
    ws = wb[t("template.sheet.results", lang)]
    assert [c.value for c in ws[1]] == [c.label(lang) for c in RESULTS.columns]
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 1  # no example rows
    assert ws.title.lower() in RESULTS.sheet_names()
    assert wb.sheetnames[0] == ws.title


@pytest.mark.parametrize("lang", LANGUAGES)
def test_template_dropdowns_list_the_codes(lang: str) -> None:
    wb = _load(build_results_template("COL", lang, INDICATORS))
    ws = wb[t("template.sheet.results", lang)]
    by_column = {
        RESULTS.columns[ws[f"{dv.sqref}".split(":")[0]].column - 1].code: dv
        for dv in ws.data_validations.dataValidation
    }
    assert set(by_column) == {"country", "indicator", "subject", "group"}
    countries = _resolve(wb, by_column["country"].formula1)
    assert countries[0] == "COL"
    assert sorted(countries) == sorted(c.iso3 for c in lac_countries())
    assert _resolve(wb, by_column["indicator"].formula1) == [i.code for i in INDICATORS]
    assert _resolve(wb, by_column["subject"].formula1) == list(SUBJECTS)
    assert _resolve(wb, by_column["group"].formula1) == list(GROUPS)
    for dv in by_column.values():
        assert dv.type == "list"
        assert "!" in dv.formula1  # a range in the lists sheet, not an inline string
        assert str(dv.sqref).endswith("2000")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_readme_and_catalogue_are_in_the_language(lang: str) -> None:
    data = build_results_template("BRA", lang, INDICATORS)
    wb = _load(data)
    readme = [c for row in wb[t("template.sheet.readme", lang)].iter_rows(values_only=True) for c in row if c]
    assert readme[0] == t(
        "template.readme.title", lang, country=next(c.name(lang) for c in lac_countries() if c.iso3 == "BRA")
    )
    for key in ("template.readme.numbers_text", "template.readme.validation_text", "template.help.value"):
        assert t(key, lang) in readme
    assert all(SUBJECTS[code][lang] in readme for code in SUBJECTS)
    assert all(code in readme for code in GROUPS)
    assert "1.234,5" in t("template.readme.numbers_text", lang)
    catalogue = list(wb[t("template.sheet.catalogue", lang)].iter_rows(values_only=True))
    assert catalogue[0][0] == t("template.catalogue.code", lang)
    rows = {r[0]: r for r in catalogue[1:]}
    assert set(rows) == {i.code for i in INDICATORS}
    assert rows["score_mean"][3] == "300 – 1100"
    assert rows["score_mean"][5] == getattr(INDICATORS[0], f"name_{lang}")


def test_template_bytes_are_stable() -> None:
    first = build_results_template("PER", "es", INDICATORS)
    assert first == build_results_template("PER", "es", INDICATORS)


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_looks_like_a_formula_stays_text(text: str) -> None:
    data = write_results_workbook(
        _frame(note=text, source=text), country_iso3="PER", lang="en", indicators=INDICATORS
    )
    ws = _load(data)["results"]
    for cell in (ws["L2"], ws["M2"]):
        assert cell.value == text.replace("\r", "\n") or cell.value == text
        assert cell.data_type == "s"
    assert _calamine(data, "results")[1][11] in (text, text.replace("\r", "\n"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        assert not any(re.search(rb"<f[ >]", archive.read(n)) for n in sheets)


def test_round_trip_reads_the_same_with_openpyxl_and_calamine() -> None:
    frame = pd.concat(
        [
            _frame(value=0.1 + 0.2, se=1.23456789012345, n=4321, source="LLECE", note="ñandú «x»"),
            _frame(indicator_code="ser_empathy", subject=None, value=48.21, ci_low=47.84, ci_high=48.63),
            _frame(country_iso3="CHL", grade=None, year=2013, value=-3.5),
        ],
        ignore_index=True,
    )
    data = write_results_workbook(frame, country_iso3="PER", lang="es", indicators=INDICATORS)
    via_openpyxl = [list(r) for r in _load(data)["resultados"].iter_rows(min_row=2, values_only=True)]
    via_calamine = [[None if v == "" else v for v in r] for r in _calamine(data, "resultados")[1:]]
    expected = [
        [None if pd.isna(v) else v for v in r] for r in frame[list(CANONICAL_COLUMNS)].to_numpy().tolist()
    ]
    assert via_openpyxl == expected
    assert via_calamine == expected  # calamine gives whole numbers as floats; 2019 == 2019.0
    assert via_openpyxl[0][6] == 0.1 + 0.2  # full precision
    assert isinstance(via_openpyxl[0][2], int) and isinstance(via_openpyxl[0][10], int)


def test_sheet_workbook_writes_headers_dates_booleans_and_role_dropdowns() -> None:
    members = pd.DataFrame(
        [{"group": "ser", "name": "A B", "role": "chair", "phone": "+00 555", "fictional": True}]
    )
    actions = pd.DataFrame(
        [{"code": "A01", "title": "=x", "due_date": date(2027, 3, 31), "status": "agreed"}]
    )
    data = build_sheet_workbook({"members": (MEMBERS, members), "actions": (ACTIONS, actions)}, "pt")
    wb = _load(data)
    assert wb.sheetnames == ["members", "actions"]
    assert [c.value for c in wb["members"][1]] == [c.label("pt") for c in MEMBERS.columns]
    row = {
        c.label("pt"): v
        for c, v in zip(
            MEMBERS.columns, next(wb["members"].iter_rows(min_row=2, values_only=True)), strict=True
        )
    }
    assert row[MEMBERS.column("fictional").label("pt")] is True
    assert row[MEMBERS.column("phone").label("pt")] == "+00 555"
    assert wb["actions"]["B2"].data_type == "s"
    due = [c.code for c in ACTIONS.columns].index("due_date") + 1
    assert wb["actions"].cell(row=2, column=due).value.date() == date(2027, 3, 31)
    formulas = {dv.formula1 for ws in wb for dv in ws.data_validations.dataValidation}
    assert '"chair,co-chair,rapporteur,member"' in formulas
    assert '"proposed,agreed,in_progress,done,dropped"' in formulas


def test_export_xlsx_reimports_unchanged() -> None:
    frame = pd.concat([_frame(), _frame(country_iso3="ARG", value=688.51, group="female")], ignore_index=True)
    data = export_results_xlsx(frame, "en")
    back = pd.read_excel(io.BytesIO(data), sheet_name="results", engine="calamine")
    assert list(back.columns) == [c.label("en") for c in RESULTS.columns]
    assert back["country"].tolist() == ["PER", "ARG"]
    assert back["value"].tolist() == [741.22, 688.51]
    assert back["group"].tolist() == ["total", "female"]


def test_export_csv_is_bom_utf8_and_injection_safe() -> None:
    frame = pd.concat(
        [_frame(note="=1+1", value=-3.25), _frame(note="-3", source="@SUM(1)"), _frame(note="Perú, 45 %")],
        ignore_index=True,
    )
    data = export_results_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == [c.code for c in RESULTS.columns]
    assert rows[0]["note"] == "'=1+1"
    assert rows[0]["value"] == "-3.25"  # numbers are never prefixed
    assert rows[1]["note"] == "-3"  # a number written as text is not a formula
    assert rows[1]["source"] == "'@SUM(1)"
    assert rows[2]["note"] == "Perú, 45 %"
    assert rows[0]["year"] == "2019" and rows[0]["grade"] == "6" and rows[0]["n"] == ""
