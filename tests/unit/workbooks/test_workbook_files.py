"""Reading uploads: hostile files end in the exact problem code, good workbooks round-trip.

Layer: tests (unit). Files are built in memory by hostile_files.py; LibreOffice writes the .ods
and .xls cases, as another producer would.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import hostile_files as hf
import pytest

from data_access.core.settings import Settings, get_settings
from data_access.workbooks import sheet_scan, workbook
from data_access.workbooks.problems import Code, WorkbookError
from data_access.workbooks.workbook import RawWorkbook, parse_sheets, read_workbook
from tests.tools import require_program

SETTINGS = get_settings({"ENCUENTRO_PARSE_MEMORY_MB": "1024", "ENCUENTRO_PARSE_TIMEOUT_S": "30"})
SMALL = dataclasses.replace(SETTINGS, max_rows=3, max_upload_mb=1)
CAPPED = dataclasses.replace(SETTINGS, parse_memory_mb=256)
GOOD = hf.raw_xlsx(hf.small_sheet())


def _refused(
    data: bytes, settings: Settings = SETTINGS, *, read: Callable[..., object] = read_workbook
) -> WorkbookError:
    """Read DATA expecting a refusal, then show this process is alive and still reads a good workbook."""
    with pytest.raises(WorkbookError) as caught:
        read(data, settings=settings)
    assert read_workbook(GOOD, settings=SETTINGS).sheets[0].rows == [[1.0], [2.0]]
    return caught.value


def _half_xlsx() -> bytes:
    """An .xlsx cut in half, as an interrupted upload leaves it."""
    data = hf.openpyxl_xlsx({"results": hf.SAMPLE_ROWS})
    return data[: len(data) // 2]


REFUSED: list[tuple[str, Callable[[], bytes], Code]] = [
    ("png", hf.png_bytes, Code.NOT_A_WORKBOOK),
    ("empty", lambda: b"", Code.EMPTY_FILE),
    ("csv", hf.csv_bytes, Code.NOT_A_WORKBOOK),
    ("pdf", lambda: b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", Code.NOT_A_WORKBOOK),
    ("truncated-xlsx", _half_xlsx, Code.CORRUPT_FILE),
    ("encrypted-xlsx", hf.encrypted_ooxml, Code.ENCRYPTED_FILE),
    ("encrypted-ods", hf.encrypted_ods, Code.ENCRYPTED_FILE),
    ("encrypted-xls", hf.encrypted_xls, Code.ENCRYPTED_FILE),
    ("zip-without-workbook", lambda: hf.zip_bytes([("notes.txt", b"hola")]), Code.NOT_A_WORKBOOK),
    ("ole-but-not-excel", lambda: hf.cfb_bytes({"WordDocument": b"\xec\xa5"}), Code.NOT_A_WORKBOOK),
    ("duplicate-member-names", hf.duplicate_member_xlsx, Code.CORRUPT_FILE),
    ("member-declares-4gb", hf.declared_huge_xlsx, Code.UNPACKED_TOO_LARGE),
    ("deflate-bomb-500mb", lambda: hf.deflate_bomb_xlsx(500), Code.UNPACKED_TOO_LARGE),
    ("deflate-bomb-ratio", lambda: hf.deflate_bomb_xlsx(120), Code.UNPACKED_TOO_LARGE),
    ("deflate-bomb-lying-size", lambda: hf.deflate_bomb_xlsx(120, declared_bytes=4096), Code.CORRUPT_FILE),
    ("10001-members", lambda: hf.many_members_zip(10_001), Code.UNPACKED_TOO_LARGE),
    ("cell-at-XFD1048576", hf.far_cell_xlsx, Code.SHEET_TOO_LARGE),
    ("cell-at-XFD1048576-after-8kb-comment", hf.padded_far_cell_xlsx, Code.SHEET_TOO_LARGE),
    ("shared-strings-count-lies", hf.lying_shared_strings_xlsx, Code.CORRUPT_FILE),
    ("looping-ole-chain.xls", hf.looping_ole, Code.CORRUPT_FILE),
    # the same bytes uploaded as .xlsx: the API takes no name, the content decides
    ("looping-ole-chain-named.xlsx", hf.looping_ole, Code.CORRUPT_FILE),
]


@pytest.mark.parametrize(("make", "code"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED])
def test_hostile_file_is_refused_with_its_code(make: Callable[[], bytes], code: Code) -> None:
    assert _refused(make()).code == code


LIMITS: list[tuple[str, bytes, Code, dict[str, object]]] = [
    ("upload-over-1mb", b"PK\x03\x04" + bytes(1024 * 1024), Code.FILE_TOO_LARGE, {"limit_mb": 1}),
    (
        "rows-over-max",
        hf.openpyxl_xlsx({"results": hf.SAMPLE_ROWS}),
        Code.TOO_MANY_ROWS,
        {"sheet": "results", "rows": 4, "limit": 3},
    ),
    (
        "row-far-past-max",
        hf.raw_xlsx(hf.sheet_xml('<row r="104"><c r="B104"><v>1</v></c></row>')),
        Code.SHEET_TOO_LARGE,
        {"sheet": "results", "rows": 104, "columns": 2},
    ),
    (
        "column-past-ZZ",
        hf.raw_xlsx(hf.sheet_xml('<row r="1"><c r="AAA1"><v>1</v></c></row>')),
        Code.SHEET_TOO_LARGE,
        {"sheet": "results", "rows": 1, "columns": 703},
    ),
]


@pytest.mark.parametrize(("data", "code", "params"), [c[1:] for c in LIMITS], ids=[c[0] for c in LIMITS])
def test_limits_from_settings(data: bytes, code: Code, params: dict[str, object]) -> None:
    error = _refused(data, SMALL)
    assert error.code == code
    assert params.items() <= error.params.items()


def test_bombs_are_refused_in_bounded_memory() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for make in (lambda: hf.deflate_bomb_xlsx(300), lambda: hf.deflate_bomb_xlsx(300, declared_bytes=4096)):
        data = make()
        assert len(data) < 5 * 1024 * 1024
        with pytest.raises(WorkbookError):
            read_workbook(data, settings=SETTINGS)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, f"peak memory grew by {grown_mb:.0f} MB"


def _far_and_near() -> bytes:
    """Data at A1 and a stray cell at XFD1048576: a dense reader allocates everything between."""
    cells = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return hf.raw_xlsx(hf.sheet_xml(cells))


CHILD_ONLY: list[tuple[str, Callable[[], bytes], Code]] = [
    ("A1-and-XFD1048576", _far_and_near, Code.SHEET_TOO_LARGE),
    ("lone-XFD1048576", hf.far_cell_xlsx, Code.TOO_MANY_ROWS),
    ("shared-strings-count-lies", hf.lying_shared_strings_xlsx, Code.SHEET_TOO_LARGE),
    ("deflate-bomb-300mb", lambda: hf.deflate_bomb_xlsx(300), Code.SHEET_TOO_LARGE),
    ("looping-ole-chain", hf.looping_ole, Code.CORRUPT_FILE),
]


@pytest.mark.parametrize(("make", "code"), [c[1:] for c in CHILD_ONLY], ids=[c[0] for c in CHILD_ONLY])
def test_capped_child_contains_what_the_scan_would_catch(make: Callable[[], bytes], code: Code) -> None:
    """Without the parent's checks, calamine aborts or allocates; the capped child turns that into a code."""
    assert _refused(make(), CAPPED, read=parse_sheets).code == code


def _fake_worker(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    """Replace the sheet worker by a script that fails in one particular way."""
    monkeypatch.setattr(workbook, "WORKER", (sys.executable, "-c", code))


@pytest.mark.parametrize(
    ("script", "code"),
    [
        ("import os; os.abort()", Code.READER_FAILED),
        ("import sys; sys.stderr.write('/secret/path token=abc'); sys.exit(9)", Code.READER_FAILED),
        ("import sys; sys.stdout.write('not marshal')", Code.READER_FAILED),
        ("import sys; sys.exit(3)", Code.ENCRYPTED_FILE),
        ("import sys; sys.exit(5)", Code.SHEET_TOO_LARGE),
    ],
    ids=["killed-by-signal", "exit-with-stderr", "garbage-output", "password", "memory-error"],
)
def test_child_failures_map_to_codes_without_leaking_stderr(
    monkeypatch: pytest.MonkeyPatch, script: str, code: Code
) -> None:
    _fake_worker(monkeypatch, script)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(GOOD, settings=SETTINGS)
    assert caught.value.code == code
    assert "secret" not in str(caught.value) and "secret" not in repr(caught.value.params)


def test_slow_child_is_stopped_at_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_worker(monkeypatch, "import time; time.sleep(60)")
    settings = dataclasses.replace(SETTINGS, parse_timeout_s=1)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(GOOD, settings=settings)
    assert caught.value.code == Code.READER_TIMEOUT


def test_openpyxl_workbook_round_trips() -> None:
    hidden = [["solo", "para", "la", "secretaría"]]
    data = hf.openpyxl_xlsx({"results": hf.SAMPLE_ROWS, "oculta": hidden, "vacía": []}, hidden=("oculta",))
    book = read_workbook(data, settings=SETTINGS)
    assert book.format == "xlsx"
    assert [(s.name, s.visible) for s in book.sheets] == [
        ("results", True),
        ("oculta", False),
        ("vacía", True),
    ]
    assert book.sheets[0].rows == hf.SAMPLE_ROWS  # 2023.0 == 2023: integers arrive as floats
    assert isinstance(book.sheets[0].rows[2][4], datetime.datetime)
    assert book.sheets[1].rows == hidden and book.sheets[2].rows == []


def test_times_and_durations_survive_the_trip() -> None:
    rows = [[datetime.time(10, 30), datetime.timedelta(hours=30), datetime.date(1999, 12, 31)]]
    sheet = read_workbook(hf.openpyxl_xlsx({"results": rows}), settings=SETTINGS).sheets[0]
    assert sheet.rows == rows


def test_xlsm_is_read_and_named() -> None:
    book = read_workbook(hf.as_xlsm(hf.openpyxl_xlsx({"results": hf.SAMPLE_ROWS})), settings=SETTINGS)
    assert book.format == "xlsm"
    assert book.sheets[0].rows == hf.SAMPLE_ROWS


FORMULAS: list[tuple[str, bytes, list[str]]] = [
    ("openpyxl", hf.openpyxl_xlsx({"results": [["a", "b"], [1, "=1+1"], [2, "=A3*2"]]}), ["B2", "B3"]),
    (
        "shared-and-text",
        hf.raw_xlsx(
            hf.sheet_xml(
                '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f></c>'
                '<c r="C1"><f t="shared" ref="C1:C2" si="0"/></c><c r="D1" t="str"><f>""</f><v></v></c>'
                '<c r="E1"><f>A1</f><v>1</v></c></row>'
                '<row r="2"><c r="C2"><f t="shared" si="0"/><v/></c></row>'
            )
        ),
        ["B1", "C1", "C2"],
    ),
    (
        "namespace-prefix",
        hf.raw_xlsx(
            f'<x:worksheet xmlns:x="{hf.MAIN_NS}"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c>'
            '<x:c r="B1"><x:f>A1+1</x:f></x:c></x:row></x:sheetData></x:worksheet>'.encode()
        ),
        ["B1"],
    ),
]


@pytest.mark.parametrize(("data", "refs"), [c[1:] for c in FORMULAS], ids=[c[0] for c in FORMULAS])
def test_formulas_without_saved_value_are_reported(data: bytes, refs: list[str]) -> None:
    sheet = read_workbook(data, settings=SETTINGS).sheets[0]
    assert sheet.formula_cells_without_value == refs


def test_formula_spanning_chunks_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_scan, "CHUNK", 7)  # every cell crosses a chunk boundary
    rows = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><f>A{n}*2</f></c></row>' for n in (1, 2)
    )
    sheet = read_workbook(hf.raw_xlsx(hf.sheet_xml(rows)), settings=SETTINGS).sheets[0]
    assert sheet.formula_cells_without_value == ["B1", "B2"]


@pytest.fixture(scope="module")
def libreoffice_copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The sample workbook saved by LibreOffice as .ods and .xls (one conversion per format)."""
    soffice = require_program("soffice", "libreoffice-calc-nogui")
    folder = tmp_path_factory.mktemp("libreoffice")
    source = folder / "sample.xlsx"
    source.write_bytes(
        hf.openpyxl_xlsx({"results": hf.SAMPLE_ROWS, "oculta": [[1, "x"]]}, hidden=("oculta",))
    )
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"  # apart from any running office
    for target in ("ods", "xls"):
        command = [
            soffice,
            profile,
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(folder),
            str(source),
        ]
        subprocess.run(
            command, check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": str(folder)}
        )
    return {kind: Path(folder / f"sample.{kind}").read_bytes() for kind in ("ods", "xls")}


@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_libreoffice_copies_read_the_same(libreoffice_copies: dict[str, bytes], kind: str) -> None:
    book = read_workbook(libreoffice_copies[kind], settings=SETTINGS)
    assert book == RawWorkbook(
        kind,
        [
            workbook.RawSheet("results", True, hf.SAMPLE_ROWS),
            workbook.RawSheet("oculta", False, [[1, "x"]]),
        ],
    )


def test_formula_with_a_saved_error_is_reported_not_read_as_empty() -> None:
    """calamine hands #DIV/0! and #N/A results on as empty cells: an error must not vanish."""
    rows = (
        '<row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B1" t="e"><f>NA()</f><v>#N/A</v></c>'
        '<c r="C1"><f>1+1</f><v>2</v></c></row>'
    )
    sheet = read_workbook(hf.raw_xlsx(hf.sheet_xml(rows)), settings=SETTINGS).sheets[0]
    assert sheet.formula_cells_without_value == ["A1", "B1"]
