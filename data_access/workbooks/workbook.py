"""Reading uploaded workbooks safely: format by content, zip checks, parsing in a capped child.

Layer: data_access. Uploads are untrusted; python-calamine can abort its process on some
malformed files, so parsing happens in a separate process (see sheet_worker.py).
"""

from __future__ import annotations

import datetime
import functools
import gc
import io
import marshal
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import PIPE

from data_access.core.settings import Settings
from data_access.workbooks import sheet_worker
from data_access.workbooks.package_form import standard_form
from data_access.workbooks.problems import Code, WorkbookError
from data_access.workbooks.sheet_scan import MB, read_small, scan_sheets

# Cell values as the reader hands them on: None, str, int, float, bool, datetime.date,
# datetime.datetime, datetime.time or datetime.timedelta.


@dataclass
class RawSheet:
    name: str
    visible: bool
    rows: list[list[object]]  # row 0 is Excel row 1; ragged rows allowed
    formula_cells_without_value: list[str] = field(default_factory=list)  # "B7" etc.


@dataclass
class RawWorkbook:
    format: str  # xlsx, xlsm, xls, ods
    sheets: list[RawSheet]
    macros: bool = False  # macro code inside, found by content whatever the file's name (never run)
    repairs: tuple[str, ...] = ()  # how the package was put in standard form first (package_form)
    reader: str = sheet_worker.CALAMINE  # or the second reader that read what calamine refused


MAX_ZIP_ENTRIES = 10_000
MAX_RATIO, RATIO_FROM_BYTES = 200, 10 * MB
ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
REPO_ROOT = Path(__file__).resolve().parents[2]
WORKER = (sys.executable, "-m", "data_access.workbooks.sheet_worker")
EXIT_CODES = {
    sheet_worker.EXIT_ENCRYPTED: Code.ENCRYPTED_FILE,
    sheet_worker.EXIT_CORRUPT: Code.CORRUPT_FILE,
    sheet_worker.EXIT_MEMORY: Code.SHEET_TOO_LARGE,
    sheet_worker.EXIT_NOT_A_WORKBOOK: Code.NOT_A_WORKBOOK,
}
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, struct.error)
FROM_TAG: dict[str, Callable[..., object]] = {"date": datetime.date, "datetime": datetime.datetime}
FROM_TAG |= {"time": datetime.time, "timedelta": datetime.timedelta}


def read_workbook(data: bytes, *, settings: Settings) -> RawWorkbook:
    """Parse DATA in a child process; raises WorkbookError for a file that cannot be read."""
    if not data:
        raise WorkbookError(Code.EMPTY_FILE)
    if len(data) > settings.max_upload_mb * MB:
        size_mb = round(len(data) / MB, 1)
        raise WorkbookError(Code.FILE_TOO_LARGE, size_mb=size_mb, limit_mb=settings.max_upload_mb)
    if data.startswith(OLE_MAGIC):  # the child checks the container, encryption included
        sheets, reader = parse_sheets(data, settings=settings)
        return RawWorkbook("xls", sheets, reader=reader)
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookError(Code.NOT_A_WORKBOOK)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_zip_directory(zf, settings=settings)
            rewritten = standard_form(zf)
        data, repairs = rewritten or (data, ())
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if repairs:  # the rewritten package is checked like any other
                check_zip_directory(zf, settings=settings)
            kind = zip_format(zf)
            scan = None if kind == "ods" else functools.partial(scan_sheets, zf, settings=settings)
            sheets, reader = parse_sheets(data, settings=settings, scan=scan)
            return RawWorkbook(kind, sheets, has_macros(zf), repairs, reader)
    except ZIP_ERRORS as error:  # what zipfile and zlib raise on damaged or truncated input
        raise WorkbookError(Code.CORRUPT_FILE) from error


def check_zip_directory(zf: zipfile.ZipFile, *, settings: Settings) -> None:
    """Refuse zip bombs and ambiguous archives from the central directory alone."""
    infos, limit_mb = zf.infolist(), settings.max_unpacked_mb
    declared = sum(info.file_size for info in infos)
    big = [info for info in infos if info.file_size > RATIO_FROM_BYTES]
    ratio = max((info.file_size / max(info.compress_size, 1) for info in big), default=0)
    if len(infos) > MAX_ZIP_ENTRIES or declared > limit_mb * MB or ratio > MAX_RATIO:
        raise WorkbookError(Code.UNPACKED_TOO_LARGE, size_mb=round(declared / MB, 1), limit_mb=limit_mb)
    if len({info.filename for info in infos}) != len(infos):
        raise WorkbookError(Code.CORRUPT_FILE)
    if any(info.flag_bits & 0x1 for info in infos):
        raise WorkbookError(Code.ENCRYPTED_FILE)


def has_macros(zf: zipfile.ZipFile) -> bool:
    """VBA in an Excel file (vbaProject.bin, or a macro-enabled content type) or Basic and scripts
    in an OpenDocument one: looked for in the content, since a .xlsm renamed .xlsx still has them."""
    names = zf.namelist()
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return True
    if "[Content_Types].xml" in names and b"macroEnabled" in read_small(zf, "[Content_Types].xml"):
        return True
    return any(name.startswith(("Basic/", "Scripts/")) for name in names)


def zip_format(zf: zipfile.ZipFile) -> str:
    """Name a zipped workbook by its members: xlsx, xlsm or ods; anything else is not a workbook."""
    names = set(zf.namelist())
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsm" if has_macros(zf) else "xlsx"
    if "mimetype" in names and read_small(zf, "mimetype").strip() == ODS_MIME:
        manifest = "META-INF/manifest.xml"
        if manifest in names and b"encryption-data" in read_small(zf, manifest):
            raise WorkbookError(Code.ENCRYPTED_FILE)
        return "ods"
    raise WorkbookError(Code.NOT_A_WORKBOOK)


def parse_sheets(
    data: bytes, *, settings: Settings, scan: Callable[[], dict[str, list[str]]] | None = None
) -> tuple[list[RawSheet], str]:
    """Run the capped child on DATA while SCAN checks the XML here; a refusal by the scan wins.
    Returns the sheets and the name of the reader that read them."""
    deadline = time.monotonic() + settings.parse_timeout_s
    cpu_s = int(settings.parse_timeout_s) + 5  # the child's own limit, should the parent be gone
    command = [*WORKER, str(settings.parse_memory_mb), str(settings.max_rows), str(cpu_s)]
    env = {"PATH": os.environ.get("PATH", os.defpath), "PYTHONPATH": str(REPO_ROOT)}  # no secrets
    with tempfile.TemporaryFile() as source:  # a file, not a pipe: the child reads while we scan
        source.write(data)
        source.seek(0)
        child = subprocess.Popen(command, stdin=source, stdout=PIPE, stderr=PIPE, cwd=REPO_ROOT, env=env)
    try:
        formulas = scan() if scan else {}
        out, err = child.communicate(timeout=max(deadline - time.monotonic(), 0.1))
    except subprocess.TimeoutExpired:
        raise WorkbookError(Code.READER_TIMEOUT) from None
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    if child.returncode < 0 and b"memory allocation of" in err:  # Rust's abort at the cap; stderr stays here
        raise WorkbookError(Code.SHEET_TOO_LARGE)
    if child.returncode != 0:
        raise WorkbookError(EXIT_CODES.get(child.returncode, Code.READER_FAILED))
    return _sheets(out, formulas, settings)


def _untag(rows: list[list[object]], columns: list[int]) -> None:
    """Rebuild the dates and times the child sent as tuples, in the only columns that hold them."""
    for row in rows:
        for at in columns:
            if at < len(row) and isinstance(value := row[at], tuple):
                row[at] = FROM_TAG[value[0]](*value[1:])


def _sheets(out: bytes, formulas: dict[str, list[str]], settings: Settings) -> tuple[list[RawSheet], str]:
    """Unmarshal the child's answer (data only: marshal builds no objects that run code)."""
    try:
        answer = marshal.loads(out)
    except (EOFError, ValueError, TypeError):
        raise WorkbookError(Code.READER_FAILED) from None
    if answer[0] == "too-many-rows":
        raise WorkbookError(Code.TOO_MANY_ROWS, sheet=answer[1], rows=answer[2], limit=settings.max_rows)
    sheets = []
    with paused_gc():
        for name, visible, packed, dated in answer[1]:
            rows = marshal.loads(packed)
            _untag(rows, dated)
            sheets.append(RawSheet(name, visible, rows, formulas.get(name, [])))
    return sheets, answer[2]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Building and checking a million small objects triggers full collections that free nothing;
    pause them for that stretch (cycles are collected right after)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
