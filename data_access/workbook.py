"""Reading uploaded workbooks safely: format by content, zip checks, parsing in a capped child.

Layer: data_access. Uploads are untrusted; python-calamine can abort its process on some
malformed files, so parsing happens in a separate process (see sheet_worker.py).
"""

from __future__ import annotations

import datetime
import functools
import gc
import html
import io
import marshal
import os
import posixpath
import re
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import PIPE

from data_access import sheet_worker
from data_access.problems import Code, WorkbookError
from data_access.settings import Settings

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


MB = 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_RATIO, RATIO_FROM_BYTES = 200, 10 * MB
MAX_COLUMNS = 702  # column ZZ; real result tables use a dozen
ROW_SLACK = 100  # title and header rows above max_rows data rows
CHUNK, HEAD, SMALL = MB, 4096, MB
ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
REPO_ROOT = Path(__file__).resolve().parent.parent
WORKER = (sys.executable, "-m", "data_access.sheet_worker")
EXIT_CODES = {
    sheet_worker.EXIT_ENCRYPTED: Code.ENCRYPTED_FILE,
    sheet_worker.EXIT_CORRUPT: Code.CORRUPT_FILE,
    sheet_worker.EXIT_MEMORY: Code.SHEET_TOO_LARGE,
    sheet_worker.EXIT_NOT_A_WORKBOOK: Code.NOT_A_WORKBOOK,
}
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, struct.error)
FROM_TAG: dict[str, Callable[..., object]] = {"date": datetime.date, "datetime": datetime.datetime}
FROM_TAG |= {"time": datetime.time, "timedelta": datetime.timedelta}

ROOT_RE = re.compile(rb"<(?:(\w+):)?(worksheet|dialogsheet|macrosheet|sst)\b")
DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\s+ref="(?:[A-Za-z]+\d+:)?([A-Za-z]+)(\d+)"')
UNIQUE_COUNT_RE = re.compile(rb'\buniqueCount="(\d+)"')
ATTRS_RE = re.compile(rb'\s(?:\w+:)?(\w+)="([^"]*)"')  # local name -> value, in any order
SHEET_TAG_RE = re.compile(rb"<(?:\w+:)?(sheet|Relationship)\b([^>]*)>")


def read_workbook(data: bytes, *, settings: Settings) -> RawWorkbook:
    """Parse DATA in a child process; raises WorkbookError for a file that cannot be read."""
    if not data:
        raise WorkbookError(Code.EMPTY_FILE)
    if len(data) > settings.max_upload_mb * MB:
        size_mb = round(len(data) / MB, 1)
        raise WorkbookError(Code.FILE_TOO_LARGE, size_mb=size_mb, limit_mb=settings.max_upload_mb)
    if data.startswith(OLE_MAGIC):  # the child checks the container, encryption included
        return RawWorkbook("xls", parse_sheets(data, settings=settings))
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookError(Code.NOT_A_WORKBOOK)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_zip_directory(zf, settings=settings)
            kind = zip_format(zf)
            scan = None if kind == "ods" else functools.partial(scan_sheets, zf, settings=settings)
            return RawWorkbook(kind, parse_sheets(data, settings=settings, scan=scan))
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


def _read_small(zf: zipfile.ZipFile, name: str) -> bytes:
    """The first megabyte of member NAME: enough for content types, manifests and relationships."""
    with zf.open(name) as member:
        return member.read(SMALL)


def zip_format(zf: zipfile.ZipFile) -> str:
    """Name a zipped workbook by its members: xlsx, xlsm or ods; anything else is not a workbook."""
    names = set(zf.namelist())
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        macros = b"macroEnabled" in _read_small(zf, "[Content_Types].xml") or "xl/vbaProject.bin" in names
        return "xlsm" if macros else "xlsx"
    if "mimetype" in names and _read_small(zf, "mimetype").strip() == ODS_MIME:
        manifest = "META-INF/manifest.xml"
        if manifest in names and b"encryption-data" in _read_small(zf, manifest):
            raise WorkbookError(Code.ENCRYPTED_FILE)
        return "ods"
    raise WorkbookError(Code.NOT_A_WORKBOOK)


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Member path -> sheet name as the workbook shows it, for messages that name the tab."""
    try:
        book, rels = _read_small(zf, "xl/workbook.xml"), _read_small(zf, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    tags = [(kind, dict(ATTRS_RE.findall(attrs))) for kind, attrs in SHEET_TAG_RE.findall(rels + book)]
    targets = {
        a.get(b"Id"): a.get(b"Target", b"").decode(errors="replace") for k, a in tags if k == b"Relationship"
    }
    names = {}
    for attrs in (a for kind, a in tags if kind == b"sheet"):
        target = targets.get(attrs.get(b"id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        names[path] = html.unescape(attrs.get(b"name", b"").decode(errors="replace"))
    return names


def _greater_than(limit: int) -> bytes:
    """A regex for decimal numbers above LIMIT, so only suspicious row numbers match at all."""
    digits = str(limit)
    parts = [rf"[1-9]\d{{{len(digits)},}}"]
    for at, digit in enumerate(digits):
        if digit != "9":
            parts.append(rf"{digits[:at]}[{int(digit) + 1}-9]\d{{{len(digits) - at - 1}}}")
    return ("0*(?:" + "|".join(parts) + ")").encode()


@functools.cache
def _patterns(p: bytes, row_limit: int) -> tuple[re.Pattern[bytes], ...]:
    """Searches for far cells and formulas without values, for namespace prefix P ("" or "x:")."""
    q = re.escape(p)
    no_value = rb"(?:<" + q + rb"v\s*/>|<" + q + rb"v>\s*</" + q + rb"v>)?</" + q + rb"c>"
    # a third letter, or enough digits and then a number past the limit; most cells fail at once
    far = rb"(?=[A-Za-z]{0,2}+(?:[A-Za-z]|(?=\d{%d})" % len(str(row_limit)) + _greater_than(row_limit) + b"))"
    # each search starts with a literal, which re finds fast: a 48 MB sheet scans in ~0.1 s
    return (
        re.compile(rb' r="' + far + rb"([A-Za-z]*)(\d*)"),
        re.compile(rb"<" + q + rb"f\b"),
        re.compile(rb"</" + q + rb"f>" + no_value),
        re.compile(rb"<" + q + rb"f\b[^>]*/>" + no_value),
    )


def _check_extent(sheet: str, refs: list[tuple[bytes, bytes]], row_limit: int) -> None:
    """Refuse a sheet reaching past the row limit or column ZZ, before calamine allocates it densely."""
    rows = max((int(digits or b"0") for _, digits in refs), default=0)
    number = functools.partial(functools.reduce, lambda total, letter: total * 26 + letter - 64)
    columns = max((number(letters.upper(), 0) for letters, _ in refs), default=0)
    if rows > row_limit or columns > MAX_COLUMNS:
        raise WorkbookError(Code.SHEET_TOO_LARGE, sheet=sheet, rows=rows, columns=columns)


def _formula_refs(buffer: bytes, end: int, p: bytes, searches: tuple[re.Pattern[bytes], ...]) -> list[str]:
    """Cells in BUFFER[:END] with a formula but no saved value; an empty text result is a value."""
    refs = []
    for search in searches:
        for match in search.finditer(buffer, 0, end):
            start = buffer.rfind(b"<" + p + b"c ", 0, match.start())
            attrs = dict(ATTRS_RE.findall(buffer, start, buffer.find(b">", start))) if start >= 0 else {}
            if b"r" in attrs and attrs.get(b"t") != b"str":
                refs.append((start, attrs[b"r"].decode()))
    return [ref for _, ref in sorted(refs)]


def _scan_sheet(stream: zipfile.ZipExtFile, head: bytes, sheet: str, p: bytes, row_limit: int) -> list[str]:
    """Stream one sheet's XML in chunks: refuse far cells, collect formulas without values."""
    far_refs, any_formula, *formula_searches = _patterns(p, row_limit)
    close, formulas, carry = b"</" + p + b"c>", [], head
    while True:
        chunk = stream.read(CHUNK)
        buffer = carry + chunk
        cut = buffer.rfind(close) + len(close) if chunk else len(buffer)  # no match spans a cell end
        if cut < len(close):  # no cell ends here yet: read on, within a bound
            cut = buffer.rfind(b">") + 1 if len(buffer) > 8 * CHUNK else 0
        far = [match.groups() for match in far_refs.finditer(buffer, 0, cut)]
        _check_extent(sheet, far, row_limit)
        if any_formula.search(buffer, 0, cut):  # one fast search spares two on formula-free data
            formulas += _formula_refs(buffer, cut, p, tuple(formula_searches))
        carry = buffer[cut:]
        if not chunk:
            return formulas


def _check_shared_strings(head: bytes, size: int) -> None:
    """Refuse a table announcing more strings than its size can hold: calamine reserves them all."""
    unique = UNIQUE_COUNT_RE.search(head)
    if unique and int(unique.group(1)) > size // 5 + 1:  # the shortest entry, <si/>, takes 5 bytes
        raise WorkbookError(Code.CORRUPT_FILE)


def scan_sheets(zf: zipfile.ZipFile, *, settings: Settings) -> dict[str, list[str]]:
    """Check every sheet's XML cheaply; returns the formulas without a saved value, by sheet name."""
    names, found, row_limit = _sheet_names(zf), {}, settings.max_rows + ROW_SLACK
    for info in zf.infolist():  # every member, by content: a sheet may hide under any name
        with zf.open(info) as stream:  # zipfile stops at the declared size, then checks the CRC
            head = stream.read(HEAD)
            root = ROOT_RE.search(head)
            kind = root.group(2) if root else b"worksheet" if info.filename in names else b""
            if kind == b"sst":
                _check_shared_strings(head, info.file_size)
            elif kind:
                sheet = names.get(info.filename, info.filename)
                dimension = DIMENSION_RE.search(head)
                _check_extent(sheet, [dimension.groups()] if dimension else [], row_limit)
                p = root.group(1) + b":" if root and root.group(1) else b""
                found[sheet] = _scan_sheet(stream, head, sheet, p, row_limit)
    return found


def parse_sheets(
    data: bytes, *, settings: Settings, scan: Callable[[], dict[str, list[str]]] | None = None
) -> list[RawSheet]:
    """Run the capped child on DATA while SCAN checks the XML here; a refusal by the scan wins."""
    deadline = time.monotonic() + settings.parse_timeout_s
    command = [*WORKER, str(settings.parse_memory_mb), str(settings.max_rows)]
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


def _sheets(out: bytes, formulas: dict[str, list[str]], settings: Settings) -> list[RawSheet]:
    """Unmarshal the child's answer (data only: marshal builds no objects that run code)."""
    try:
        answer = marshal.loads(out)
    except (EOFError, ValueError, TypeError):
        raise WorkbookError(Code.READER_FAILED) from None
    if answer[0] == "too-many-rows":
        raise WorkbookError(Code.TOO_MANY_ROWS, sheet=answer[1], rows=answer[2], limit=settings.max_rows)
    sheets, collecting = [], gc.isenabled()
    gc.disable()  # building a million small lists triggers collections that find nothing
    try:
        for name, visible, packed, dated in answer[1]:
            rows = marshal.loads(packed)
            _untag(rows, dated)
            sheets.append(RawSheet(name, visible, rows, formulas.get(name, [])))
    finally:
        if collecting:
            gc.enable()
    return sheets
