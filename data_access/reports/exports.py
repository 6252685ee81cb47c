"""Exporting for dissemination: results as an .xlsx that re-imports unchanged and as a CSV, and the
indicator catalogue as a workbook the catalogue editor imports again.

Layer: data_access. Takes the frame a query builds (canonical columns) and returns bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from openpyxl import Workbook

from data_access.core.catalogues import default_indicators
from data_access.core.formatting import neutralize_csv_text
from data_access.core.models import Indicator
from data_access.core.sheet_writing import first_sheet, put_cell, workbook_bytes
from data_access.publishing.catalogue_edit import FIELDS, INDICATORS
from data_access.workbooks.columns import RESULTS
from data_access.workbooks.template import CANONICAL_COLUMNS, write_results_workbook

_INTEGER_COLUMNS = ("year", "grade", "n")


def export_results_xlsx(
    frame: pd.DataFrame, lang: str, indicators: Sequence[Indicator] | None = None
) -> bytes:
    """All countries' results in the template layout, numbers at full precision, codes not names."""
    catalogue = default_indicators() if indicators is None else indicators
    return write_results_workbook(frame, country_iso3=None, lang=lang, indicators=catalogue)


def export_results_csv(frame: pd.DataFrame) -> bytes:
    """The results as UTF-8 CSV with a BOM (so Excel reads accents), headed by the column codes."""
    out = frame.reindex(columns=list(CANONICAL_COLUMNS)).copy()
    out.columns = [c.code for c in RESULTS.columns]
    for column in _INTEGER_COLUMNS:
        out[column] = pd.to_numeric(out[column]).astype("Int64")
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutralize_csv_text, na_action="ignore")
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def write_indicators_workbook(indicators: Iterable[Indicator]) -> bytes:
    """The catalogue as a workbook that imports again: one `indicators` sheet, column codes as headers."""
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = INDICATORS.code

    def cell(indicator: Indicator, name: str) -> object:
        value = getattr(indicator, name)
        return "neither" if name == "higher_is_better" and value is None else value  # blank would be refused

    rows: list[list[object]] = [list(FIELDS), *([cell(i, name) for name in FIELDS] for i in indicators)]
    for row, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            put_cell(ws, row, column, value)
    ws.freeze_panes = "A2"
    return workbook_bytes(wb)
