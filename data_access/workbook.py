"""Reading uploaded workbooks safely: format by content, zip checks, parsing in a capped child.

Layer: data_access. Uploads are untrusted; python-calamine can abort its process on some
malformed files, so parsing happens in a separate process (see sheet_worker.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


def read_workbook(data: bytes, *, settings) -> RawWorkbook:  # noqa: ANN001
    """Parse DATA in a child process; raises WorkbookError for a file that cannot be read."""
    raise NotImplementedError("being written")
