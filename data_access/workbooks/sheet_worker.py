"""Child process that parses one workbook from stdin and writes its sheets, marshalled, to stdout.

Layer: data_access, run by workbook.py as
`python -m data_access.workbooks.sheet_worker MEMORY_MB MAX_ROWS CPU_S`.
It imports only the standard library and python_calamine (and, for a file calamine refuses,
second_reader with openpyxl or odfpy), caps its own memory and CPU time first, and dies with its
parent.
"""

from __future__ import annotations

import datetime
import gc
import io
import itertools
import marshal
import os
import resource
import signal
import struct
import sys
from typing import Any

# Exit codes the parent maps to problem codes; a signal (negative return code) means a crash.
EXIT_OK = 0
EXIT_USAGE = 2
EXIT_ENCRYPTED = 3
EXIT_CORRUPT = 4
EXIT_MEMORY = 5
EXIT_FAILED = 6
EXIT_NOT_A_WORKBOOK = 7
PR_SET_PDEATHSIG = 1  # linux/prctl.h
DEFAULT_CPU_S = 60

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CALAMINE = "python-calamine"
ENDOFCHAIN, FIRST_MARKER, DIFSECT = 0xFFFFFFFE, 0xFFFFFFFA, 0xFFFFFFFC
ENCRYPTION_STREAMS = {"EncryptionInfo", "EncryptedPackage"}
DATE_TYPES = {datetime.date, datetime.datetime, datetime.time, datetime.timedelta}


def cap_memory(memory_mb: int) -> None:
    """Limit the address space so a hostile file ends in an allocation failure, not a swapping host."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def bind_to_parent(cpu_s: int) -> None:
    """Die with the parent and after CPU_S seconds of CPU: the parent's time limit cannot act once
    the parent is gone (a killed app process must not leave readers spinning on a hostile file)."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))  # SIGXCPU, then SIGKILL
    if sys.platform.startswith("linux"):
        import ctypes  # Linux only

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before the line above: nobody waits for an answer
        os._exit(EXIT_FAILED)


class ContainerError(Exception):
    """An OLE container calamine would follow into a loop or a huge allocation; carries the exit code."""

    def __init__(self, exit_code: int) -> None:
        super().__init__(exit_code)
        self.exit_code = exit_code


def _sector_ids(data: bytes, size: int, sector: int) -> tuple[int, ...]:
    """The 32-bit entries of SECTOR, zero-padded when the file ends inside it."""
    start = size * (sector + 1)
    return struct.unpack(f"<{size // 4}I", data[start : start + size].ljust(size, b"\x00"))


def _chain(start: int, table: list[int] | tuple[int, ...], bound: int) -> list[int]:
    """Follow a sector chain; a loop or an id past the end is corrupt (calamine would not stop)."""
    chain, seen, sector = [], set(), start
    while sector != ENDOFCHAIN:
        if sector in seen or sector >= bound or sector >= len(table):
            raise ContainerError(EXIT_CORRUPT)
        seen.add(sector)
        chain.append(sector)
        sector = table[sector]
    return chain


def _fat(data: bytes, size: int, sectors: int) -> list[int]:
    """The file allocation table, gathered through the header's DIFAT and its (checked) chain."""
    difat, seen = list(struct.unpack_from("<109I", data, 76)), set()
    sector = struct.unpack_from("<I", data, 68)[0]
    while sector < FIRST_MARKER:
        if sector in seen or sector >= sectors:
            raise ContainerError(EXIT_CORRUPT)
        seen.add(sector)
        *more, sector = _sector_ids(data, size, sector)
        difat += more
    fat: list[int] = []
    for sector in (s for s in difat if s < DIFSECT):
        if sector >= sectors:
            raise ContainerError(EXIT_CORRUPT)
        fat += _sector_ids(data, size, sector)
    return fat


FILEPASS, BOUNDSHEET = 0x002F, 0x0085  # BIFF record types


def _biff_encrypted(first_sector: bytes) -> bool:
    """A password-protected .xls keeps its container and says so in a FILEPASS record near the
    start of the workbook stream (before the sheet list); calamine would only call it unreadable."""
    at = 0
    while at + 4 <= len(first_sector):
        kind, length = struct.unpack_from("<HH", first_sector, at)
        if kind == FILEPASS:
            return True
        if kind == BOUNDSHEET:
            return False
        at += 4 + length
    return False


def check_ole(data: bytes) -> None:
    """Walk an .xls container's chains with bounds and loop checks before calamine follows them."""
    shift = struct.unpack_from("<H", data, 30)[0] if len(data) >= 512 else 0
    if shift not in (9, 12):
        raise ContainerError(EXIT_CORRUPT)
    size = 1 << shift
    sectors = -(-(len(data) - size) // size)
    dir_count, _, dir_start, _, _, mini_start, mini_count = struct.unpack_from("<7I", data, 40)
    if (dir_count + mini_count) * size > len(data):  # calamine reserves these up front
        raise ContainerError(EXIT_CORRUPT)
    fat = _fat(data, size, sectors)
    entries = b"".join(data[size * (s + 1) : size * (s + 2)] for s in _chain(dir_start, fat, sectors))
    minifat = [i for s in _chain(mini_start, fat, sectors) for i in _sector_ids(data, size, s)]
    names, mini_sectors, books = set(), 0, []
    for at in range(0, len(entries) - 127, 128):
        kind, start = entries[at + 66], struct.unpack_from("<I", entries, at + 116)[0]
        length = struct.unpack_from("<I" if size == 512 else "<Q", entries, at + 120)[0]
        if kind not in (2, 5):
            continue
        if length > len(data):
            raise ContainerError(EXIT_CORRUPT)
        small = kind == 2 and length < 4096
        _chain(start, minifat if small else fat, mini_sectors if small else sectors)
        mini_sectors = length // 64 if kind == 5 else mini_sectors
        name = entries[at : at + 64].decode("utf-16-le", "replace").split("\x00")[0]
        names.add(name)
        if name in ("Workbook", "Book") and kind == 2 and not small and start < sectors:
            books.append(data[size * (start + 1) : size * (start + 2)])
    if names & ENCRYPTION_STREAMS or any(_biff_encrypted(first) for first in books):
        raise ContainerError(EXIT_ENCRYPTED)
    if not names & {"Workbook", "Book"}:
        raise ContainerError(EXIT_NOT_A_WORKBOOK)


def tag_value(value: object) -> object:
    """Turn a date or time into a tuple marshal can carry; other values pass unchanged."""
    if isinstance(value, datetime.datetime):  # before date: a datetime is a date too
        return ("datetime", value.year, value.month, value.day, *_clock(value))
    if isinstance(value, datetime.date):
        return ("date", value.year, value.month, value.day)
    if isinstance(value, datetime.time):
        return ("time", *_clock(value))
    if isinstance(value, datetime.timedelta):
        return ("timedelta", value.days, value.seconds, value.microseconds)
    return value


def _clock(value: datetime.datetime | datetime.time) -> tuple[int, int, int, int]:
    """Hour, minute, second and microsecond; time zones never occur in workbooks."""
    return (value.hour, value.minute, value.second, value.microsecond)


def pack_rows(rows: list[list[Any]]) -> tuple[bytes, list[int]]:
    """Marshal ROWS with empty cells as None; returns the columns where dates had to be tagged."""
    for index, row in enumerate(rows):
        if "" in row:
            rows[index] = [None if value == "" else value for value in row]
    try:
        return marshal.dumps(rows), []
    except ValueError:  # dates somewhere: find their columns in C loops, then touch only those
        columns = itertools.zip_longest(*rows)
        dated = [at for at, column in enumerate(columns) if not DATE_TYPES.isdisjoint(map(type, column))]
        for row in rows:
            for at in dated:
                if at < len(row):
                    row[at] = tag_value(row[at])
        return marshal.dumps(rows), dated


def read_sheets(data: bytes, max_rows: int) -> tuple[Any, ...]:
    """Parse DATA: ("ok", [(name, visible, packed rows, dated columns)], reader) or
    ("too-many-rows", name, rows). A zipped workbook that calamine refuses, or in which it finds no
    sheet, goes to the second reader before it is called unreadable (Excel may open it)."""
    import python_calamine  # after cap_memory, so the cap covers everything calamine allocates

    try:
        return _calamine_sheets(data, max_rows)
    except (MemoryError, python_calamine.PasswordError):
        raise
    except BaseException as error:  # calamine panics arrive as BaseException (pyo3 PanicException)
        if not data.startswith(ZIP_MAGIC):
            raise
        return _second_reader(data, max_rows, error)


def _calamine_sheets(data: bytes, max_rows: int) -> tuple[Any, ...]:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for meta in book.sheets_metadata:
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        sheet = book.get_sheet_by_name(meta.name)
        end = sheet.end
        rows = end[0] + 1 if end else 0
        if rows > max_rows:
            return ("too-many-rows", meta.name, rows)
        packed, dated = pack_rows(sheet.to_python(skip_empty_area=False))
        visible = meta.visible == python_calamine.SheetVisibleEnum.Visible
        sheets.append((meta.name, visible, packed, dated))
    if not sheets and data.startswith(ZIP_MAGIC):
        return _second_reader(data, max_rows, None)
    return ("ok", sheets, CALAMINE)


def _second_reader(data: bytes, max_rows: int, failure: BaseException | None) -> tuple[Any, ...]:
    """What openpyxl or odfpy read of DATA; when they fail too, calamine's own failure stands
    (or, when calamine found no sheet, its empty answer)."""
    from data_access.workbooks import second_reader  # imports only the standard library here

    try:
        reader, sheets = second_reader.read(data, max_rows)
    except second_reader.TooManyRows as error:
        return ("too-many-rows", error.sheet, error.rows)
    except MemoryError:
        raise
    except Exception:
        if failure is not None:
            raise failure from None
        return ("ok", [], CALAMINE)
    return ("ok", [(name, visible, *pack_rows(rows)) for name, visible, rows in sheets], reader)


def exit_code_for(error: BaseException) -> int:
    """Name the failure for the parent without sending any text: only the exit code crosses."""
    import python_calamine

    if isinstance(error, ContainerError):
        return error.exit_code
    if isinstance(error, MemoryError):
        return EXIT_MEMORY
    if isinstance(error, python_calamine.PasswordError):
        return EXIT_ENCRYPTED
    if isinstance(error, python_calamine.CalamineError):
        return EXIT_CORRUPT
    return EXIT_FAILED


def main(argv: list[str]) -> int:
    """Read stdin, parse it and write the marshalled result; return the exit code."""
    try:
        memory_mb, max_rows = int(argv[0]), int(argv[1])
        cpu_s = int(argv[2]) if len(argv) > 2 else DEFAULT_CPU_S
    except (IndexError, ValueError):
        return EXIT_USAGE
    cap_memory(memory_mb)
    bind_to_parent(cpu_s)
    gc.disable()  # a short-lived process building millions of lists: collection only costs time
    try:
        data = sys.stdin.buffer.read()
        if data.startswith(OLE_MAGIC):
            check_ole(data)
        payload = marshal.dumps(read_sheets(data, max_rows))
    except BaseException as error:  # calamine panics arrive as BaseException (pyo3 PanicException)
        return exit_code_for(error)
    sys.stdout.buffer.write(payload)
    sys.stdout.buffer.flush()
    return EXIT_OK


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)  # skip tearing down a million objects one by one: the kernel frees them at once
