"""Writing cells and workbooks safely and byte for byte: text that stays text (never a formula),
numbers at full precision, and the same bytes for the same content (fixed zip and docProps times).

Layer: data_access (core). Used by the templates and by every export and report workbook.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from data_access.core.formatting import FORMULA_PREFIXES

FIXED_TIME = datetime(2025, 1, 1)  # docProps and zip stamps, so equal inputs give equal bytes
_INTEGER_KINDS = {"year", "grade", "integer"}


class _StableZip(ZipFile):
    """A ZipFile whose members carry a fixed timestamp instead of the time of writing."""

    def writestr(  # type: ignore[override]  # narrower than ZipFile's: only what openpyxl passes
        self,
        zinfo_or_arcname: str | ZipInfo,
        data: bytes | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = ZipInfo(zinfo_or_arcname, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(  # type: ignore[override]  # narrower than ZipFile's: only what openpyxl passes
        self, filename: str, arcname: str | None = None, *args: object, **kwargs: object
    ) -> None:
        """openpyxl streams worksheets through temp files, whose mtime would leak in."""
        with open(filename, "rb") as fh:
            self.writestr(arcname or Path(filename).name, fh.read())


def workbook_bytes(wb: Workbook) -> bytes:
    """Serialise WB without the time of day, so rebuilding a file does not change its bytes."""
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = "Encuentro"
    buffer = BytesIO()
    with _StableZip(buffer, "w", compression=ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    return buffer.getvalue()


def plain_value(value: object, kind: str = "text") -> object:
    """A cell-ready Python value: None for NaN/NA, int for whole numbers in integer columns."""
    if value is None or (not isinstance(value, str | bytes) and pd.isna(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, datetime | date):
        value = value.item()  # numpy scalar
    if isinstance(value, datetime) and kind == "date":
        return value.date()
    if kind in _INTEGER_KINDS and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class _ExactFloat:
    """A float that serialises with all 17 digits: openpyxl writes numbers with "%.16g"."""

    value: float

    def __str__(self) -> str:
        return repr(self.value)


def first_sheet(wb: Workbook) -> Worksheet:
    """The sheet a new workbook starts with (openpyxl types `active` as optional, or a chart sheet)."""
    sheet = wb.active
    assert isinstance(sheet, Worksheet)
    return sheet


def put_cell(ws: Worksheet, row: int, column: int, value: Any) -> None:
    """Write VALUE so that text stays text: no formula, even when it starts with '=' or '-'."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"  # openpyxl makes "=..." a formula otherwise
        cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if isinstance(value, float) and math.isfinite(value) and float(f"{value:.16g}") != value:
        cell._value = _ExactFloat(value)  # openpyxl's writer falls back to str() for it
