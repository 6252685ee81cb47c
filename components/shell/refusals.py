"""The table of refused values, as an upload, the catalogue editor and the actions editor show it.

Layer: components. The report itself (codes, rows, translated messages) comes from data_access.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.core.i18n import t
from data_access.workbooks.problems import Report

REPORT_COLUMNS = ("row", "column", "value", "message", "expected")  # as the upload report lays them out


def render_report(report: Report, lang: str, row_labels: dict[int, str] | None = None) -> None:
    """Every refused value with its row and column, as a table of plain text."""
    frame = report.to_frame(lang).loc[:, list(REPORT_COLUMNS)]
    if row_labels is not None:
        frame.insert(
            0, "indicator", frame["row"].map(lambda r: row_labels.get(int(r), "") if pd.notna(r) else "")
        )
    names = {c: t(f"report.{c}", lang).capitalize() for c in REPORT_COLUMNS}
    names["indicator"] = t("admin.col_code", lang)
    widths = {
        names["row"]: st.column_config.NumberColumn(width="small"),
        names["message"]: st.column_config.TextColumn(width="large"),
    }
    st.dataframe(frame.rename(columns=names), hide_index=True, width="stretch", column_config=widths)
