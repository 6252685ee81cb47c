"""The command line as people run it: `python manage.py ...` in a subprocess, one store per test.

Layer: tests (unit). Exit codes are the contract (0 ok, 2 rejected input, 1 failure); the store
is opened in-process afterwards to check what each command did, or that it changed nothing.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from cli_store import Store
from openpyxl import load_workbook
from result_workbooks import HEADERS, VALID, results_sqlite, results_xlsx, row

from data_access.operations.cli_tasks import sample_files

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_RESULTS = sorted((ROOT / "sample_data" / "results").glob("*.xlsx"))
VOLATILE = ["version", "published_at"]


def test_init_creates_an_empty_store(fresh: Store) -> None:
    done = fresh.run("init")
    assert done.returncode == 0, done.stderr
    assert fresh.countries() == []
    assert fresh.run("init").returncode == 0 and fresh.countries() == []


def test_seed_imports_the_sample_once(fresh: Store) -> None:
    first = fresh.run("seed")
    assert first.returncode == 0, first.stdout + first.stderr
    for path in sample_files():
        assert path.name in first.stdout
    assert fresh.countries() == [p.stem for p in SAMPLE_RESULTS]
    before = fresh.hash()

    second = fresh.run("seed")
    assert second.returncode == 0, second.stderr
    assert not any(p.name in second.stdout for p in sample_files())
    assert fresh.hash() == before


def test_import_of_every_sample_workbook_into_a_fresh_store(fresh: Store) -> None:
    done = fresh.run("import", *sample_files())
    assert done.returncode == 0, done.stdout + done.stderr
    assert fresh.countries() == [p.stem for p in SAMPLE_RESULTS]


BAD_ROWS = [row(), row(country="XYZ", year=2013), row(value="alto", year=2016), row(year=1850)]
BAD_PLACES = [(3, "país"), (4, "valor"), (5, "año")]  # Excel row, header as written


@pytest.mark.parametrize(
    ("lang", "place"),
    [
        ("es", "Hoja «resultados», fila {row}, columna «{column}»"),
        ("en", "Sheet “resultados”, row {row}, column “{column}”"),
    ],
    ids=["spanish", "english"],
)
def test_a_rejected_workbook_names_every_place_and_changes_nothing(
    seeded: Store, tmp_path: Path, lang: str, place: str
) -> None:
    bad = tmp_path / "per.xlsx"
    bad.write_bytes(results_xlsx(*BAD_ROWS))
    before = seeded.hash()

    done = seeded.run("import", bad, lang=lang)

    assert done.returncode == 2, done.stdout + done.stderr
    verdict, *lines = done.stdout.splitlines()
    assert "per.xlsx" in verdict and ("rechazado" in verdict) == (lang == "es")
    assert len(lines) == len(BAD_PLACES)
    for line, (number, column) in zip(lines, BAD_PLACES, strict=True):
        assert place.format(row=number, column=column) in line
    assert seeded.hash() == before


def test_json_report_carries_sheet_row_and_column(seeded: Store, tmp_path: Path) -> None:
    bad = tmp_path / "per.xlsx"
    bad.write_bytes(results_xlsx(*BAD_ROWS))
    before = seeded.hash()

    done = seeded.run("import", "--json", bad)

    assert done.returncode == 2, done.stderr
    (report,) = json.loads(done.stdout)
    assert (report["file"], report["published"]) == ("per.xlsx", False)
    places = [(p["sheet"], p["row"], p["column"]) for p in report["problems"]]
    assert places == [("resultados", number, column) for number, column in BAD_PLACES]
    assert [p["code"] for p in report["problems"]] == ["unknown-country", "type-error", "invalid-year"]
    assert seeded.hash() == before


def test_a_filled_template_publishes(fresh: Store, tmp_path: Path) -> None:
    template = tmp_path / "plantilla.xlsx"
    assert fresh.run("template", "--country", "PER", template).returncode == 0
    book = load_workbook(template)
    sheet = book["resultados"]
    codes = {header: code for code, header in HEADERS.items()}
    for cell in sheet[1]:
        if cell.value in codes:
            sheet.cell(row=2, column=cell.column, value=VALID[codes[cell.value]])
    book.save(template)

    done = fresh.run("import", "--country", "PER", template)

    assert done.returncode == 0, done.stdout + done.stderr
    stored = fresh.observations()
    assert stored[
        ["country_iso3", "indicator_code", "year", "grade", "subject", "group", "value"]
    ].values.tolist() == [["PER", "score_mean", 2019, 6, "reading", "total", 741.22]]


def _round_trip(source: Store, target: Store, out: Path) -> None:
    assert source.run("export", out).returncode == 0
    done = target.run("import", out)
    assert done.returncode == 0, done.stdout[:2000]
    pd.testing.assert_frame_equal(
        target.observations().reset_index(drop=True), source.observations().reset_index(drop=True)
    )


def test_export_of_one_country_imports_again_unchanged(fresh: Store, tmp_path: Path) -> None:
    assert fresh.run("import", ROOT / "sample_data" / "results" / "PER.xlsx").returncode == 0
    _round_trip(fresh, Store(tmp_path / "again"), tmp_path / "export.xlsx")


def test_export_of_the_whole_meeting_imports_again_unchanged(seeded: Store, tmp_path: Path) -> None:
    _round_trip(seeded, Store(tmp_path / "again"), tmp_path / "export.xlsx")


FORMULA_LIKE = {  # note as stored -> as the CSV must hold it
    '=HYPERLINK("http://x","y")': '\'=HYPERLINK("http://x","y")',
    "+SUM(1,2)": "'+SUM(1,2)",
    "-1+2": "'-1+2",
    "@cmd": "'@cmd",
    "-5": "-5",  # a plain number as text is no formula
}


def test_import_sqlite_publishes_and_csv_export_neutralises_formulas(fresh: Store, tmp_path: Path) -> None:
    years = range(2010, 2010 + len(FORMULA_LIKE))
    rows = [row(year=year, note=note) for year, note in zip(years, FORMULA_LIKE, strict=True)]
    database = tmp_path / "resultados.db"
    results_sqlite(database, *rows)

    done = fresh.run("import-sqlite", database)
    assert done.returncode == 0, done.stdout + done.stderr
    assert fresh.observations()["note"].tolist() == list(FORMULA_LIKE)

    out = tmp_path / "export.csv"
    assert fresh.run("export", out).returncode == 0
    exported = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["note"] for r in exported] == list(FORMULA_LIKE.values())
    assert {r["value"] for r in exported} == {"741.22"}


@pytest.mark.parametrize(
    "args",
    [
        ("import-sqlite", "{tmp}/otra.db"),
        ("import", "--country", "XYZ", "{tmp}/per.xlsx"),
        ("import", "{tmp}/no-such-file.xlsx"),
    ],
    ids=["sqlite-without-results-table", "unknown-country-option", "no-such-file"],
)
def test_rejected_input_exits_2_and_changes_nothing(
    seeded: Store, tmp_path: Path, args: tuple[str, ...]
) -> None:
    results_sqlite(tmp_path / "otra.db", table="otra")
    (tmp_path / "per.xlsx").write_bytes(results_xlsx())
    before = seeded.hash()

    done = seeded.run(*(a.format(tmp=tmp_path) for a in args))

    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout.strip() or done.stderr.startswith("error: ")
    assert seeded.hash() == before
