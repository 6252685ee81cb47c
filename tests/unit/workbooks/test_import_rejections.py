"""Bad uploads against a store holding the sample meeting: each is refused with its code and place.

Layer: tests (unit). Every case is real file bytes (openpyxl workbooks built from a valid Peruvian
row, or the hostile factories) run through import_file; the store must not change at all.
"""

from __future__ import annotations

import io
import resource
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import hostile_files as hf
import pytest
from result_workbooks import (
    HEADERS,
    SHEET,
    copy_store,
    results_sqlite,
    results_xlsx,
    row,
    seed_sample_store,
    xlsx,
)
from sqlalchemy import Engine

from data_access.core.actors import CLI_ACTOR
from data_access.core.settings import Settings, get_settings
from data_access.core.store import content_hash, get_data_version
from data_access.publishing.imports import import_file
from data_access.publishing.publish_plan import REPLACE
from data_access.stats import queries
from data_access.workbooks import workbook
from data_access.workbooks.problems import Code

HEADER = list(HEADERS.values())


@pytest.fixture(scope="module")
def module_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return get_settings({"ENCUENTRO_DATA_DIR": str(tmp_path_factory.mktemp("seeded"))})


@pytest.fixture(scope="module")
def seeded_file(module_settings: Settings) -> Path:
    """The sample meeting, seeded once; each test works on its own copy of this file."""
    return seed_sample_store(module_settings)


@pytest.fixture
def store(seeded_file: Path, tmp_path: Path) -> Iterator[Engine]:
    engine = copy_store(seeded_file, tmp_path / "store")
    yield engine
    engine.dispose()


def _with_sheet_xml(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """DATA with its first worksheet's XML rewritten: cells openpyxl cannot write (NaN, 100k text)."""
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return hf.rezip(data, {name: change(zf.read(name))})


def _note(text: str) -> bytes:
    """A results workbook whose first note holds TEXT exactly as written into the sheet XML."""
    return _with_sheet_xml(results_xlsx(row(note="NOTE")), lambda xml: xml.replace(b"NOTE", text.encode()))


def _value_cell(xml_value: str) -> bytes:
    """A results workbook whose first value cell is the number XML_VALUE (as another writer saves it)."""
    data = results_xlsx(row(value=1.5))
    return _with_sheet_xml(data, lambda xml: xml.replace(b"<v>1.5</v>", f"<v>{xml_value}</v>".encode()))


def _sqlite_without_results(tmp: Path) -> bytes:
    return results_sqlite(tmp / "other.db", table="hoja1")


@dataclass(frozen=True)
class Bad:
    id: str
    make: Callable[[Path], bytes]  # gets a private folder, for the cases that write a file first
    code: Code
    at: tuple[str | None, int | None, str | None]  # sheet, Excel row, header as written
    country: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    before_parsing: bool = False  # refused before the reader process is started
    aborts_calamine: bool = False  # python-calamine alone would abort the process on it


NO_PLACE = (None, None, None)


def _bad(name: str, make: Callable[[], bytes], code: Code, at=NO_PLACE, **options: object) -> Bad:
    """A case whose bytes need no folder of their own."""
    return Bad(name, lambda _tmp: make(), code, at, **options)


CASES: list[Bad] = [
    # the file as a whole
    _bad("png-renamed-xlsx", hf.png_bytes, Code.NOT_A_WORKBOOK, before_parsing=True),
    _bad("empty-file", lambda: b"", Code.EMPTY_FILE, before_parsing=True),
    _bad("truncated-zip", lambda: results_xlsx()[:2000], Code.CORRUPT_FILE, before_parsing=True),
    _bad("csv-renamed-xlsx", hf.csv_bytes, Code.NOT_A_WORKBOOK, before_parsing=True),
    _bad("encrypted-xlsx", hf.encrypted_ooxml, Code.ENCRYPTED_FILE),
    _bad("encrypted-ods", hf.encrypted_ods, Code.ENCRYPTED_FILE, before_parsing=True),
    _bad("duplicate-zip-members", hf.duplicate_member_xlsx, Code.CORRUPT_FILE, before_parsing=True),
    _bad(
        "deflate-bomb-500mb",
        lambda: hf.deflate_bomb_xlsx(500),
        Code.UNPACKED_TOO_LARGE,
        params={"limit_mb": 400},
        before_parsing=True,
    ),
    _bad("member-declares-4gb", hf.declared_huge_xlsx, Code.UNPACKED_TOO_LARGE, before_parsing=True),
    _bad(
        "cell-at-XFD1048576",
        hf.far_cell_xlsx,
        Code.SHEET_TOO_LARGE,
        ("results", None, None),
        aborts_calamine=True,
    ),
    _bad("shared-strings-count-lies", hf.lying_shared_strings_xlsx, Code.CORRUPT_FILE, aborts_calamine=True),
    _bad("looping-ole-chain", hf.looping_ole, Code.CORRUPT_FILE, aborts_calamine=True),
    Bad("sqlite-without-results-table", _sqlite_without_results, Code.MISSING_SHEET, NO_PLACE),
    # sheets and headers
    _bad(
        "missing-sheet",
        lambda: xlsx({"Hoja1": [HEADER, row()], "notas": [["x"]]}),
        Code.MISSING_SHEET,
        params={"found": ["Hoja1", "notas"]},
    ),
    _bad(
        "missing-header",
        lambda: results_xlsx(["PER", 2019], header=["a", "b"]),
        Code.MISSING_HEADER,
        (SHEET, None, None),
    ),
    _bad(
        "missing-value-column",
        lambda: results_xlsx(row()[:6], header=HEADER[:6]),
        Code.MISSING_COLUMN,
        (SHEET, 1, None),
        params={"column_code": "value"},
    ),
    _bad(
        "duplicated-header",
        lambda: results_xlsx([*row(), 1.0], header=[*HEADER, "Valor"]),
        Code.DUPLICATE_COLUMN,
        (SHEET, 1, "Valor"),
        params={"letters": ["G", "I"]},
    ),
    _bad(
        "misspelled-header",
        lambda: results_xlsx(header=[*HEADER[:6], "vlaor", "nota"]),
        Code.MISSING_COLUMN,
        (SHEET, 1, None),
        params={"column_code": "value", "found": "vlaor"},
    ),
    _bad("header-without-rows", lambda: xlsx({SHEET: [HEADER]}), Code.EMPTY_SHEET, (SHEET, 1, None)),
    # cells
    _bad(
        "unknown-country", lambda: results_xlsx(row(country="XYZ")), Code.UNKNOWN_COUNTRY, (SHEET, 2, "país")
    ),
    _bad(
        "country-other-than-expected",
        lambda: results_xlsx(row(country="COL")),
        Code.WRONG_COUNTRY,
        (SHEET, 2, "país"),
        country="PER",
        params={"expected_country": "PER"},
    ),
    _bad(
        "second-country-in-a-country-upload",
        lambda: results_xlsx(row(), row(country="COL")),
        Code.WRONG_COUNTRY,
        (SHEET, 3, "país"),
        country="PER",
    ),
    _bad(
        "unknown-indicator",
        lambda: results_xlsx(row(indicator="puntaje_magico")),
        Code.UNKNOWN_INDICATOR,
        (SHEET, 2, "indicador"),
    ),
    _bad(
        "unknown-subject",
        lambda: results_xlsx(row(subject="alquimia")),
        Code.UNKNOWN_SUBJECT,
        (SHEET, 2, "área"),
    ),
    _bad("invalid-year", lambda: results_xlsx(row(year=1850)), Code.INVALID_YEAR, (SHEET, 2, "año")),
    _bad("value-out-of-range", lambda: results_xlsx(row(value=5000)), Code.OUT_OF_RANGE, (SHEET, 2, "valor")),
    _bad("nan-number-cell", lambda: _value_cell("NaN"), Code.NOT_FINITE, (SHEET, 2, "valor")),
    _bad("inf-number-cell", lambda: _value_cell("INF"), Code.NOT_FINITE, (SHEET, 2, "valor")),
    _bad("nan-typed", lambda: results_xlsx(row(value="NaN")), Code.NOT_FINITE, (SHEET, 2, "valor")),
    _bad("minus-inf-typed", lambda: results_xlsx(row(value="-inf")), Code.NOT_FINITE, (SHEET, 2, "valor")),
    _bad(
        "text-in-number-column", lambda: results_xlsx(row(value="alto")), Code.TYPE_ERROR, (SHEET, 2, "valor")
    ),
    _bad("empty-required-cell", lambda: results_xlsx(row(year=None)), Code.MISSING_VALUE, (SHEET, 2, "año")),
    _bad(
        "duplicate-keys",
        lambda: results_xlsx(row(), row(value=700.0)),
        Code.DUPLICATE_ROW,
        (SHEET, 3, "indicador"),
        params={"first_row": "2"},
    ),
    _bad(
        "formula-without-cached-value",
        lambda: results_xlsx(row(value="=700+41.22")),
        Code.FORMULA_WITHOUT_VALUE,
        (SHEET, 2, "valor"),
    ),
    _bad(
        "100000-character-note",
        lambda: _note("x" * 100_000),
        Code.TEXT_TOO_LONG,
        (SHEET, 2, "nota"),
        params={"length": 100_000},
    ),
    _bad(
        "control-character-note", lambda: _note("ok_x0007_bell"), Code.CONTROL_CHARACTERS, (SHEET, 2, "nota")
    ),
]


def _good_workbook_still_reads(settings: Settings) -> None:
    book = workbook.read_workbook(results_xlsx(), settings=settings)
    assert book.sheets[0].rows[1][:3] == ["PER", "score_mean", 2019.0]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_with_its_code_and_place_and_changes_nothing(
    case: Bad, store: Engine, module_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = case.make(tmp_path)
    before = content_hash(store), get_data_version(store)
    if case.before_parsing:
        monkeypatch.setattr(workbook, "parse_sheets", lambda *a, **k: pytest.fail("the reader was started"))
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    result = import_file(
        engine=store,
        settings=module_settings,
        data=data,
        file_name="resultados.xlsx",
        actor=CLI_ACTOR,
        country=case.country,
    )

    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mb < 100, f"peak memory grew by {grown_mb:.0f} MB"
    assert not result.published
    found = {(p.sheet, p.row, p.column): p for p in result.report.errors if p.code == case.code}
    assert found, [(str(p.code), p.sheet, p.row, p.column) for p in result.report.problems]
    assert case.at in found, sorted(found, key=str)
    assert case.params.items() <= found[case.at].params.items()
    assert found[case.at].message("es")  # every problem reads as a sentence
    assert (content_hash(store), get_data_version(store)) == before
    monkeypatch.undo()
    if case.aborts_calamine:
        _good_workbook_still_reads(module_settings)


ACTIVE_TEXT = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
]


def test_html_and_script_text_is_stored_as_plain_text(store: Engine, module_settings: Settings) -> None:
    rows = [row(year=year, note=text) for year, text in zip((2013, 2016, 2019), ACTIVE_TEXT, strict=True)]
    result = import_file(
        engine=store,
        settings=module_settings,
        data=results_xlsx(*rows),
        file_name="per.xlsx",
        actor=CLI_ACTOR,
    )
    assert result.published, [p.message("en") for p in result.report.problems]
    assert result.report.problems == ()
    stored = queries.list_observations(store).query("country_iso3 == 'PER' and year in (2013, 2016, 2019)")
    assert dict(zip(stored["year"], stored["note"], strict=True)) == dict(
        zip((2013, 2016, 2019), ACTIVE_TEXT, strict=True)
    )


def test_a_clean_workbook_publishes_once_and_the_same_bytes_change_nothing(
    store: Engine, module_settings: Settings
) -> None:
    data = results_xlsx(row())
    version = get_data_version(store)

    replace = {"mode": REPLACE, "confirm_removals": True}  # this one row becomes PER's whole set
    first = import_file(
        engine=store, settings=module_settings, data=data, file_name="per.xlsx", actor=CLI_ACTOR, **replace
    )
    assert first.published and not first.outcome.unchanged
    assert (first.outcome.country_iso3, first.outcome.version, first.outcome.row_count) == ("PER", 2, 1)
    assert get_data_version(store) == version + 1
    after = content_hash(store)

    again = import_file(
        engine=store, settings=module_settings, data=data, file_name="per.xlsx", actor=CLI_ACTOR, **replace
    )
    assert again.published and again.outcome.unchanged and again.outcome.version == 2
    assert content_hash(store) == after and get_data_version(store) == version + 1
    stored = queries.list_observations(store).query("country_iso3 == 'PER'")
    assert stored[
        ["indicator_code", "year", "grade", "subject", "group", "value", "version"]
    ].values.tolist() == [["score_mean", 2019, 6, "reading", "total", 741.22, 2]]
