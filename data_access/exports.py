"""Exporting published results for dissemination: an .xlsx that re-imports unchanged, and a CSV.

Layer: data_access. Takes the frame a query builds (canonical columns) and returns bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from data_access.catalogues import default_indicators
from data_access.columns import RESULTS
from data_access.models import Indicator
from data_access.template import CANONICAL_COLUMNS, FORMULA_PREFIXES, write_results_workbook

# Text that spreadsheets read as a plain number ("-3", "+5", "45,3 %") is not a formula.
_NUMBER_TEXT = re.compile(r"[+-]?\d[\d.,]*\s?%?")
_INTEGER_COLUMNS = ("year", "grade", "n")


def export_results_xlsx(
    frame: pd.DataFrame, lang: str, indicators: Sequence[Indicator] | None = None
) -> bytes:
    """All countries' results in the template layout, numbers at full precision, codes not names."""
    catalogue = default_indicators() if indicators is None else indicators
    return write_results_workbook(frame, country_iso3=None, lang=lang, indicators=catalogue)


def neutralize_csv_text(value: object) -> object:
    """Prefix a quote to text a spreadsheet would run as a formula (OWASP CSV injection advice)."""
    dangerous = isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
    return "'" + value if dangerous and not _NUMBER_TEXT.fullmatch(value) else value


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
