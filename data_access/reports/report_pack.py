"""The data pack of the meeting report: every published figure in the results columns (the same
sheet `manage.py export` writes, so the pack imports again) plus a sheet of sources and versions.

Layer: data_access. No uploader names or contact details leave through the pack: the sources sheet
says which country published which version, when, from which file and citing which source.
"""

from __future__ import annotations

from io import BytesIO

import pandas as pd
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine

from data_access.core.catalogues import country_name, list_indicators
from data_access.core.i18n import normalize_lang, t
from data_access.core.sheet_writing import plain_value, put_cell, workbook_bytes
from data_access.core.store import read_with
from data_access.reports.exports import export_results_xlsx
from data_access.stats import queries

SOURCE_COLUMNS = ("iso3", "country", "version", "published", "file", "rows", "years", "source")
_HEADER_FILL = PatternFill("solid", start_color="DDEBF7")
_WIDTHS = {"iso3": 8, "country": 22, "version": 9, "published": 18, "file": 28, "rows": 8, "years": 14}


def to_sources_frame(published: pd.DataFrame, observations: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per published version: code, name, version, time, file, rows, years, sources cited."""
    cited = (
        observations.dropna(subset=["source"])
        .groupby("country_iso3")["source"]
        .agg(lambda s: "; ".join(dict.fromkeys(str(v) for v in s)))
    )
    return pd.DataFrame(
        {
            "iso3": published["country_iso3"],
            "country": [country_name(c, lang) for c in published["country_iso3"]],
            "version": published["version"],
            "published": pd.to_datetime(published["created_at"]).dt.tz_localize(None),
            "file": published["file_name"],
            "rows": published["row_count"],
            "years": [", ".join(str(y) for y in years) for years in published["years"]],
            "source": [cited.get(c, "") for c in published["country_iso3"]],
        }
    )


def source_headers(lang: str) -> list[str]:
    """The sources sheet's headers in LANG."""
    return [t(f"outcome.pack_{c}", lang) for c in SOURCE_COLUMNS]


def _add_sources_sheet(data: bytes, sources: pd.DataFrame, lang: str) -> bytes:
    """DATA (an exported results workbook) with the sources sheet second, after the results."""
    wb = load_workbook(BytesIO(data))
    results = wb.worksheets[0]
    for cells in results.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, float):  # openpyxl would save only 16 digits on the way out
                put_cell(results, cell.row, cell.column, cell.value)
    ws = wb.create_sheet(t("outcome.pack_sheet", lang), 1)
    for col, (code, header) in enumerate(zip(SOURCE_COLUMNS, source_headers(lang), strict=True), start=1):
        put_cell(ws, 1, col, header)
        ws.cell(row=1, column=col).font = Font(bold=True)
        ws.cell(row=1, column=col).fill = _HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = _WIDTHS.get(code, 60)
    for row, record in enumerate(sources.itertuples(index=False), start=2):
        for col, value in enumerate(record, start=1):
            put_cell(ws, row, col, plain_value(value))
            if col == SOURCE_COLUMNS.index("published") + 1:
                ws.cell(row=row, column=col).number_format = "yyyy-mm-dd hh:mm"
    ws.freeze_panes = "A2"
    return workbook_bytes(wb)


def build_pack(engine: Engine, lang: str) -> bytes:
    """Every published figure (results sheet) and every published version's sources, in LANG."""
    lang = normalize_lang(lang)
    observations = queries.list_observations(engine)
    sources = to_sources_frame(queries.list_published(engine), observations, lang)
    results = export_results_xlsx(observations, lang, read_with(engine, list_indicators))
    return _add_sources_sheet(results, sources, lang)
