"""Downloads of exactly what a chart shows: its table as CSV and XLSX, the chart as PNG and SVG.

Layer: data_access. Takes DataFrames and a Vega-Lite spec (a dict, so no altair import here);
every text cell is written inert, so a country's typed note can never run as a formula.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

import pandas as pd
import vl_convert as vlc
from openpyxl import Workbook
from openpyxl.styles import Font

from data_access.core.formatting import neutralize_csv_text
from data_access.core.sheet_writing import first_sheet, plain_value, put_cell, workbook_bytes

EXPORT_WIDTH = 900  # px: a "container" width has no container outside the page
_MAX_COLUMN_WIDTH = 60


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (Excel reads the accents), text cells neutralised against formulas."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutralize_csv_text, na_action="ignore")
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def frames_to_xlsx(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """One sheet per frame (title -> frame), bold frozen header, numbers kept as numbers."""
    wb = Workbook()
    wb.remove(first_sheet(wb))
    for title, frame in sheets.items():
        ws = wb.create_sheet(title[:31])
        for col, name in enumerate(frame.columns, start=1):
            put_cell(ws, 1, col, str(name))
            ws.cell(row=1, column=col).font = Font(bold=True)
        for row, record in enumerate(frame.itertuples(index=False), start=2):
            for col, value in enumerate(record, start=1):
                put_cell(ws, row, col, plain_value(value))
        for cells in ws.iter_cols(min_row=1, max_row=min(ws.max_row, 200)):
            longest = max((len(str(c.value)) for c in cells if c.value is not None), default=8)
            ws.column_dimensions[cells[0].column_letter].width = min(longest + 2, _MAX_COLUMN_WIDTH)
        ws.freeze_panes = "A2"
    return workbook_bytes(wb)


def _fixed_width(spec: Mapping[str, object], width: int) -> dict:
    """The spec with every "container" width replaced by WIDTH pixels (vl-convert has no page)."""
    fixed = copy.deepcopy(dict(spec))

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("width") == "container":
                node["width"] = width
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(fixed)
    return fixed


def titled_spec(spec: Mapping[str, object], title: str, subtitle: list[str]) -> dict:
    """SPEC with a title and subtitle lines, so an exported image says what it shows and whence."""
    out = dict(spec)
    if title:
        out["title"] = {"text": title, "subtitle": subtitle, "anchor": "start", "fontSize": 15,
                        "subtitleFontSize": 11, "subtitleColor": "#555555"}  # fmt: skip
    return out


def spec_to_svg(spec: Mapping[str, object], width: int = EXPORT_WIDTH) -> str:
    """The chart as SVG, drawn by the same Vega-Lite the browser uses (vl-convert, no browser)."""
    return vlc.vegalite_to_svg(_fixed_width(spec, width))


def spec_to_png(spec: Mapping[str, object], width: int = EXPORT_WIDTH, scale: float = 2.0) -> bytes:
    """The chart as PNG at SCALE times its pixel size (sharp on slides and in documents)."""
    return vlc.vegalite_to_png(_fixed_width(spec, width), scale=scale)
