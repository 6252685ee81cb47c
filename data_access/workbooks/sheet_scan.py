"""Cheap checks of an xlsx's sheet XML before and while it is parsed: extent, shared strings,
formulas without a saved value, cells given twice. Layer: data_access; streams in chunks, never
inflates a sheet whole.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
import zipfile
from typing import IO, Any

from data_access.core.settings import Settings
from data_access.workbooks.problems import Code, WorkbookError

MB = 1024 * 1024
MAX_COLUMNS = 702  # column ZZ; real result tables use a dozen
ROW_SLACK = 100  # title and header rows above max_rows data rows
CHUNK, HEAD, SMALL = MB, 4096, MB

ROOT_RE = re.compile(rb"<(?:(\w+):)?(worksheet|dialogsheet|macrosheet|sst)\b")
UNIQUE_COUNT_RE = re.compile(rb'\buniqueCount="(\d+)"')
ATTRS_RE = re.compile(rb'\s(?:\w+:)?(\w+)="([^"]*)"')  # local name -> value, in any order
SHEET_TAG_RE = re.compile(rb"<(?:\w+:)?(sheet|Relationship)\b([^>]*)>")


def read_small(zf: zipfile.ZipFile, name: str) -> bytes:
    """The first megabyte of member NAME: enough for content types, manifests and relationships."""
    with zf.open(name) as member:
        return member.read(SMALL)


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Member path -> sheet name as the workbook shows it, for messages that name the tab."""
    try:
        book, rels = read_small(zf, "xl/workbook.xml"), read_small(zf, "xl/_rels/workbook.xml.rels")
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
    # no saved value, or a saved error such as #DIV/0! (calamine hands both on as empty cells)
    no_value = (
        rb"(?:<"
        + q
        + rb"v\s*/>|<"
        + q
        + rb"v>\s*</"
        + q
        + rb"v>|<"
        + q
        + rb"v>#[^<]*</"
        + q
        + rb"v>)?</"
        + q
        + rb"c>"
    )
    # a third letter, or enough digits and then a number past the limit; most cells fail at once
    far = rb"(?=[A-Za-z]{0,2}+(?:[A-Za-z]|(?=\d{%d})" % len(str(row_limit)) + _greater_than(row_limit) + b"))"
    # each search starts with a literal, which re finds fast: a 48 MB sheet scans in ~0.1 s
    return (
        re.compile(rb' r="' + far + rb"([A-Za-z]*)(\d*)"),
        re.compile(rb"<" + q + rb"f\b"),
        re.compile(rb"</" + q + rb"f>" + no_value),
        re.compile(rb"<" + q + rb"f\b[^>]*/>" + no_value),
    )


@functools.cache
def _cell_refs(p: bytes) -> re.Pattern[bytes]:
    """Every cell's reference ("B7"), for namespace prefix P."""
    return re.compile(rb"<" + re.escape(p) + rb'c\b[^>]*?\sr="([A-Za-z]{1,3}\d{1,7})"')


def _check_unique(sheet: str, refs: list[bytes], seen: set[bytes]) -> None:
    """Refuse a cell given twice: calamine would keep one of the two values without a word."""
    fresh = set(refs)
    if len(fresh) != len(refs) or not seen.isdisjoint(fresh):
        local: set[bytes] = set()
        for ref in refs:
            if ref in seen or ref in local:
                raise WorkbookError(Code.DUPLICATE_CELL, sheet=sheet, cell=ref.decode().upper())
            local.add(ref)
    seen |= fresh


def _check_extent(sheet: str, refs: list[tuple[Any, ...]], row_limit: int) -> None:
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


def _scan_sheet(stream: IO[bytes], head: bytes, sheet: str, p: bytes, row_limit: int) -> list[str]:
    """Stream one sheet's XML in chunks: refuse far cells, collect formulas without values."""
    far_refs, any_formula, *formula_searches = _patterns(p, row_limit)
    seen: set[bytes] = set()
    close, formulas, carry, cells = b"</" + p + b"c>", [], head, _cell_refs(p)
    while True:
        chunk = stream.read(CHUNK)
        buffer = carry + chunk
        cut = buffer.rfind(close) + len(close) if chunk else len(buffer)  # no match spans a cell end
        if cut < len(close):  # no cell ends here yet: read on, within a bound
            cut = buffer.rfind(b">") + 1 if len(buffer) > 8 * CHUNK else 0
        far = [match.groups() for match in far_refs.finditer(buffer, 0, cut)]
        _check_extent(sheet, far, row_limit)
        _check_unique(sheet, cells.findall(buffer, 0, cut), seen)
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
                # The declared <dimension> is not a limit: LibreOffice and Gnumeric often declare the
                # whole sheet (A1:AMJ1048576) for 24 real rows. The real cells are checked as they stream.
                sheet = names.get(info.filename, info.filename)
                p = root.group(1) + b":" if root and root.group(1) else b""
                found[sheet] = _scan_sheet(stream, head, sheet, p, row_limit)
    return found
