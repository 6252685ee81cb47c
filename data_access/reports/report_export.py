"""The upload's reports as people read them: problems filtered and as an .xlsx, and the change
tables of a preview (per indicator, and old -> new values).

Layer: data_access. Pure functions; text from the uploaded file stays text in the workbook
(a value such as `=1+1` is written as a string, never as a formula).
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from data_access.core.catalogues import GROUPS, SUBJECTS
from data_access.core.i18n import normalize_lang, t
from data_access.core.sheet_writing import first_sheet, plain_value, put_cell, workbook_bytes
from data_access.publishing.diff import COMPARED, STATUSES
from data_access.workbooks.problems import REPORT_COLUMNS, Report

_WIDTHS = {"severity": 10, "code": 22, "sheet": 14, "row": 8, "column": 16, "value": 24, "expected": 36}
_MESSAGE_WIDTH = 90


def filter_report(report: Report, *, severities: Collection[str] = (), codes: Collection[str] = ()) -> Report:
    """The problems of REPORT with one of SEVERITIES and one of CODES; an empty filter keeps all."""
    return Report.of(
        p
        for p in report.problems
        if (not severities or str(p.severity) in severities) and (not codes or str(p.code) in codes)
    )


def problems_to_xlsx(report: Report, lang: str) -> bytes:
    """The problem table in LANG as a one-sheet workbook, headers translated, every cell inert."""
    lang = normalize_lang(lang)
    frame = report.to_frame(lang)
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = t("upload.problems_sheet", lang)
    for col, name in enumerate(REPORT_COLUMNS, start=1):
        put_cell(ws, 1, col, t(f"report.{name}", lang).capitalize())
        ws.cell(row=1, column=col).font = Font(bold=True)
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = _WIDTHS.get(name, _MESSAGE_WIDTH)
    for row, record in enumerate(frame.itertuples(index=False), start=2):
        for col, value in enumerate(record, start=1):
            put_cell(ws, row, col, plain_value(value))
            ws.cell(row=row, column=col).alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    return workbook_bytes(wb)


def _indicator_names(codes: pd.Series, names: dict[str, str]) -> pd.Series:
    return codes.map(names).fillna(codes)


def to_summary_table(summary: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """summarize_diff's counts with indicator names and translated headers."""
    table = pd.DataFrame(
        {t("upload.col_indicator", lang): _indicator_names(summary["indicator_code"], names)}
    )
    for status in STATUSES:
        table[t(f"upload.diff_{status}", lang)] = summary[status]
    return table


def to_changes_table(changed: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Changed rows of a diff as old -> new columns; fields other than the value only where one changed."""
    table = pd.DataFrame(
        {
            t("upload.col_indicator", lang): _indicator_names(changed["indicator_code"], names),
            t("column.year", lang).capitalize(): changed["year"],
            t("column.grade", lang).capitalize(): changed["grade"],
            t("column.subject", lang).capitalize(): changed["subject"].map(
                lambda s: SUBJECTS.get(s, {}).get(lang, s), na_action="ignore"
            ),
            t("column.group", lang).capitalize(): changed["group"].map(
                lambda g: GROUPS.get(g, {}).get(lang, g), na_action="ignore"
            ),
        }
    )
    for field in COMPARED:
        old, new = changed[f"old_{field}"], changed[f"new_{field}"]
        if field == "value" or (old.ne(new) & ~(old.isna() & new.isna())).any():
            label = t(f"upload.field_{field}", lang)
            table[t("upload.col_old", lang, field=label)] = old
            table[t("upload.col_new", lang, field=label)] = new
    return table


def to_removed_table(removed: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """What a publish removes, per study cycle and indicator (PublishPlan.removed_summary), named."""
    return pd.DataFrame(
        {
            t("upload.col_cycle", lang): removed["cycle"],
            t("upload.col_indicator", lang): _indicator_names(removed["indicator_code"], names),
            t("upload.col_removed", lang): removed["figures"],
        }
    )
