"""The second reader, for zipped workbooks that Excel or LibreOffice open but python-calamine refuses
or reads as empty: an .xlsx without its root relationships part (calamine cannot tell its format),
an .ods whose writer chose other namespace prefixes than LibreOffice's (calamine matches the
prefixes, so it finds no sheet). openpyxl reads the Excel packages and odfpy the OpenDocument ones.

Layer: data_access, run only inside the capped reader process (sheet_worker.py) after calamine
failed, so its memory and CPU caps hold here too. Imports nothing from the app. Rows come out as
calamine gives them: row 0 is the sheet's first row, empty cells None, dates as datetime values.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

OPENPYXL, ODFPY = "openpyxl", "odfpy"
MAX_COLUMNS = 16_384  # Excel's last column, XFD
DURATION_RE = re.compile(r"^-?P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$")

Sheets = list[tuple[str, bool, list[list[Any]]]]  # name, visible, rows


class TooManyRows(Exception):
    """A sheet has more real rows than the limit (named with the count reached)."""

    def __init__(self, sheet: str, rows: int) -> None:
        super().__init__(sheet, rows)
        self.sheet, self.rows = sheet, rows


def read(data: bytes, max_rows: int) -> tuple[str, Sheets]:
    """The reader's name and the worksheets of DATA; raises on a file neither reader can open."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
    if "content.xml" in names:
        return ODFPY, _odfpy_sheets(data, max_rows)
    return OPENPYXL, _openpyxl_sheets(data, max_rows)


def _capped(rows: Iterable[list[Any]], sheet: str, max_rows: int) -> list[list[Any]]:
    """ROWS as a list, stopping past MAX_ROWS (a far row is never padded up to)."""
    out: list[list[Any]] = []
    for row in rows:
        if len(out) == max_rows:
            raise TooManyRows(sheet, max_rows + 1)
        out.append(row)
    return out


def _openpyxl_sheets(data: bytes, max_rows: int) -> Sheets:
    import openpyxl  # only here: the worker's usual path never pays for it

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    sheets = []
    for sheet in book.worksheets:
        sheet.reset_dimensions()  # the declared extent is no limit and no shape: read what is there
        rows = (list(row) for row in sheet.iter_rows(values_only=True))
        sheets.append((sheet.title, sheet.sheet_state == "visible", _capped(rows, sheet.title, max_rows)))
    book.close()
    return sheets


def _odfpy_sheets(data: bytes, max_rows: int) -> Sheets:
    from odf import style, table
    from odf.opendocument import load

    document = load(io.BytesIO(data))
    hidden = {
        entry.getAttribute("name")
        for entry in document.automaticstyles.getElementsByType(style.Style)
        for properties in entry.getElementsByType(style.TableProperties)
        if properties.getAttribute("display") == "false"
    }
    sheets = []
    for sheet in document.spreadsheet.getElementsByType(table.Table):
        name = sheet.getAttribute("name") or ""
        rows = _capped(_ods_rows(sheet.getElementsByType(table.TableRow)), name, max_rows)
        sheets.append((name, sheet.getAttribute("stylename") not in hidden, rows))
    return sheets


def _repeated(element: Any, attribute: str) -> int:
    return max(int(element.getAttribute(attribute) or 1), 1)


def _ods_rows(rows: Iterable[Any]) -> Iterator[list[Any]]:
    """Rows with their repeats expanded, except the blank rows LibreOffice repeats to the sheet's end
    (kept as a count, and written out only when a filled row follows)."""
    blank = 0
    for row in rows:
        cells = _ods_cells(row)
        if not cells:
            blank += _repeated(row, "numberrowsrepeated")
            continue
        yield from ([] for _ in range(blank))
        blank = 0
        for _ in range(_repeated(row, "numberrowsrepeated")):
            yield list(cells)


def _ods_cells(row: Any) -> list[Any]:
    """One row's values, repeats expanded, without the blank cells at its end."""
    values: list[Any] = []
    blank = 0
    for cell in row.childNodes:
        if cell.qname[1] not in ("table-cell", "covered-table-cell"):
            continue
        value, count = _ods_value(cell), _repeated(cell, "numbercolumnsrepeated")
        if value is None:
            blank += count
            continue
        values += [None] * blank + [value] * count
        blank = 0
        if len(values) > MAX_COLUMNS:
            raise ValueError("more columns than a sheet holds")
    return values


def _ods_value(cell: Any) -> Any:
    """A cell's value by its office:value-type, as calamine gives it (numbers as float)."""
    kind = cell.getAttribute("valuetype")
    if kind in ("float", "percentage", "currency"):
        return float(cell.getAttribute("value"))
    if kind == "boolean":
        return cell.getAttribute("booleanvalue") == "true"
    if kind == "date":
        written = cell.getAttribute("datevalue")
        if "T" in written:
            return datetime.datetime.fromisoformat(written)
        return datetime.date.fromisoformat(written)
    if kind == "time":
        return _duration(cell.getAttribute("timevalue"))
    if kind == "string" or kind is None:
        from odf import teletype, text

        paragraphs = cell.getElementsByType(text.P)
        return "\n".join(teletype.extractText(p) for p in paragraphs) or None
    return None


def _duration(written: str) -> datetime.timedelta | None:
    """An ISO 8601 duration (PT10H30M00S) as a timedelta."""
    match = DURATION_RE.match(written or "")
    if not match:
        return None
    days, hours, minutes, seconds = (float(part or 0) for part in match.groups())
    sign = -1 if written.startswith("-") else 1
    return sign * datetime.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
