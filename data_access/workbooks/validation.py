"""Validating a results workbook: every problem in one pass, and the typed rows ready to publish.

Layer: data_access, pure functions over a RawWorkbook (no I/O, no store). Columns are checked
whole with pandas; countries, indicators, subjects and groups are resolved once per distinct value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from data_access.core.catalogues import GROUPS, SUBJECTS, resolve_group, resolve_subject
from data_access.core.i18n import fold
from data_access.core.models import Indicator
from data_access.workbooks.cells import NUMERIC_KINDS, excel_serial, to_numbers
from data_access.workbooks.column_checks import (
    Collector,
    check_country,
    check_formulas,
    check_indicator,
    check_lookup,
    check_numbers,
    check_required,
    check_texts,
    map_distinct,
    text_values,
)
from data_access.workbooks.columns import RESULTS
from data_access.workbooks.problems import Code, Expect, Hint, Problem, Report
from data_access.workbooks.tabular import EXCEL_ROW, read_table
from data_access.workbooks.workbook import RawWorkbook

RESULT_COLUMNS = {
    "country_iso3": "str",
    "indicator_code": "str",
    "year": "int64",
    "grade": "Int64",
    "subject": "object",
    "group": "str",
    "value": "float64",
    "se": "float64",
    "ci_low": "float64",
    "ci_high": "float64",
    "n": "Int64",
    "source": "object",
    "note": "object",
    EXCEL_ROW: "int64",
}
REQUIRED = {
    "country": Expect.COUNTRY,
    "indicator": Expect.INDICATOR,
    "year": Expect.YEAR,
    "value": Expect.NUMBER,
}
KEY = ("country_iso3", "indicator_code", "year", "grade", "subject", "group")
YEARS = (1990, 2100)
GRADES = (1, 12)


def _label_choices(table: dict[str, dict[str, str]]) -> dict[str, str]:
    return {fold(name): name for code, names in table.items() for name in (code, *names.values())}


def _year_hint(value: object) -> dict[str, object] | None:
    """A year typed in a cell formatted as a date shows as 1905-07-11: Excel's day number 2019."""
    if not isinstance(value, dt.date) or not YEARS[0] <= excel_serial(value) <= YEARS[1]:
        return None
    return {"hint": Hint.YEAR_AS_DATE, "typed": str(excel_serial(value))}


def _years(c: Collector) -> pd.Series:
    """Years as floats (NaN when invalid); a year formatted as a date is caught with a hint."""
    raw = c.frame["year"]
    values, codes = to_numbers(raw)
    low, high = YEARS
    invalid = c.filled("year") & (codes.notna() | ~values.between(low, high) | (values % 1 != 0))
    per_row = raw[invalid].map(_year_hint)
    c.flag(Code.INVALID_YEAR, "year", invalid, per_row=per_row.reindex(raw.index))
    return values.where(~invalid)


def _integers(c: Collector, column: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Whole numbers (NaN when unreadable), cells that are not whole numbers, non-finite cells."""
    raw = c.frame[column]
    values, codes = to_numbers(raw)
    not_finite = codes.eq(Code.NOT_FINITE)
    not_whole = c.filled(column) & ~not_finite & (codes.notna() | (values % 1 != 0))
    return values.where(~(not_whole | not_finite)), not_whole, not_finite


def _grades(c: Collector) -> pd.Series:
    """Grades 1..12 or empty; "6º" and "6°" read as 6."""
    cleaned = c.frame["grade"]
    if infer_dtype(cleaned, skipna=True) not in NUMERIC_KINDS:
        cleaned = cleaned.map(lambda v: v.rstrip("º°ª.").strip() if isinstance(v, str) else v)
    values, codes = to_numbers(cleaned)
    low, high = GRADES
    invalid = c.filled("grade") & (codes.notna() | (values % 1 != 0) | ~values.between(low, high))
    c.flag(Code.INVALID_GRADE, "grade", invalid)
    return values.where(~invalid).astype("Int64")


def _counts(c: Collector) -> pd.Series:
    """Sample sizes: whole numbers of zero or more."""
    values, not_whole, not_finite = _integers(c, "n")
    c.flag(Code.NOT_FINITE, "n", not_finite)
    c.flag(Code.TYPE_ERROR, "n", not_whole, expect=Expect.COUNT)
    negative = values < 0
    c.flag(Code.OUT_OF_RANGE, "n", negative, expect=Expect.COUNT)
    return values.where(~negative).astype("Int64")


def _ranges(
    c: Collector, indicator: pd.Series, numbers: dict[str, pd.Series], by_code: dict[str, Indicator]
) -> None:
    low = pd.Series(map_distinct(indicator, lambda k: by_code[k].min_value, np.nan), index=indicator.index)
    high = pd.Series(map_distinct(indicator, lambda k: by_code[k].max_value, np.nan), index=indicator.index)
    low, high = low.astype("float64"), high.astype("float64")
    value = numbers["value"]
    outside = (value < low) | (value > high)
    bounds = [{"min": lo, "max": hi} for lo, hi in zip(low[outside], high[outside], strict=True)]
    per_row = pd.Series(bounds, index=value.index[outside], dtype=object).reindex(value.index)
    c.flag(Code.OUT_OF_RANGE, "value", outside, per_row=per_row)
    c.flag(Code.OUT_OF_RANGE, "se", numbers["se"] < 0, expect=Expect.NON_NEGATIVE)


def _intervals(c: Collector, numbers: dict[str, pd.Series]) -> None:
    value, low, high = numbers["value"], numbers["ci_low"], numbers["ci_high"]
    at_low = (low > value) | (low > high)
    at_high = ~at_low & (high < value)
    for column, mask in (("ci_low", at_low), ("ci_high", at_high)):
        rows = pd.DataFrame({"ci_low": low, "ci_high": high, "estimate": value})[mask]
        records = [{k: v for k, v in r.items() if v == v} for r in rows.to_dict("records")]  # drop NaN
        per_row = pd.Series(records, index=rows.index, dtype=object).reindex(value.index)
        c.flag(Code.INCONSISTENT_INTERVAL, column, mask, per_row=per_row)


def _percent_fractions(c: Collector, typed: pd.DataFrame, by_code: dict[str, Indicator]) -> None:
    """Percent indicators whose values all lie in [0, 1] for a country: one warning each."""
    percent = {code for code, ind in by_code.items() if ind.unit == "percent"}
    rows = typed[typed["indicator_code"].isin(percent) & typed["value"].notna()]
    for (country, code), group in rows.groupby(["country_iso3", "indicator_code"], sort=True):
        if group["value"].max() <= 1 and group["value"].max() > 0 and group["value"].min() >= 0:
            first = int(group[EXCEL_ROW].iloc[0])
            params = {"indicator": code, "country": country}
            value = f"{group['value'].min():g} – {group['value'].max():g}"
            c.add(
                Problem(
                    Code.PERCENT_AS_FRACTION, c.table.sheet, first, c.table.header("value"), value, params
                )
            )


def _duplicates(c: Collector, typed: pd.DataFrame) -> None:
    """Rows repeating the key of an earlier row (country, indicator, year, grade, subject, group)."""
    raw = c.frame
    readable = typed[["country_iso3", "indicator_code", "year"]].notna().all(axis=1)
    for column, source in (("grade", "grade"), ("subject", "subject"), ("group", "group")):
        readable &= ~c.filled(source) | typed[column].notna()  # an unreadable cell is no key
    frame = typed[readable]
    repeated = frame.duplicated(list(KEY), keep="first")
    if not repeated.any():
        return
    first = frame.groupby(list(KEY), dropna=False, sort=False)[EXCEL_ROW].transform("first")
    per_row = frame[repeated].apply(
        lambda r: {"first_row": str(first[r.name]), "key": ", ".join(_key_text(r[k]) for k in KEY[1:])},
        axis=1,
    )
    mask = repeated.reindex(raw.index, fill_value=False)
    c.flag(
        Code.DUPLICATE_ROW, "indicator", mask, per_row=per_row.reindex(raw.index), expect=Expect.UNIQUE_KEY
    )


def _key_text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "–"
    return str(int(value)) if isinstance(value, float) else str(value)


def validate_results(
    raw: RawWorkbook,
    *,
    indicators: Sequence[Indicator],
    expected_country: str | None = None,
    max_text: int = 1000,
) -> tuple[pd.DataFrame, Report]:
    """Check a results workbook in one pass: the rows free of errors, typed, and every problem."""
    table, problems = read_table(raw, RESULTS)
    if table is None:
        return empty_results(), Report.of(problems)
    c = Collector(table, problems)
    check_formulas(c)
    for column, expect in REQUIRED.items():
        check_required(c, column, expect)
    typed = _typed_columns(c, indicators, expected_country)
    by_code = {i.code: i for i in indicators}
    numbers = {k: typed[k] for k in ("value", "se", "ci_low", "ci_high")}
    _ranges(c, typed["indicator_code"], numbers, by_code)
    _intervals(c, numbers)
    check_texts(c, ("source", "note"), max_text)
    _duplicates(c, typed)
    _percent_fractions(c, typed[c.usable()], by_code)
    out = typed[c.usable()].astype(RESULT_COLUMNS).reset_index(drop=True)
    return out, Report.of(c.sorted_problems())


def _typed_columns(
    c: Collector, indicators: Sequence[Indicator], expected_country: str | None
) -> pd.DataFrame:
    """Every column parsed and resolved, problems recorded on the way; invalid cells left empty."""
    f = c.frame
    country = check_country(c, "country")
    if expected_country:
        expected = expected_country.upper()
        wrong = country.notna() & country.ne(expected)
        c.flag(Code.WRONG_COUNTRY, "country", wrong, expected_country=expected)
    indicator = check_indicator(c, "indicator", indicators)
    subject = check_lookup(c, "subject", resolve_subject, Code.UNKNOWN_SUBJECT, _label_choices(SUBJECTS))
    group = check_lookup(c, "group", resolve_group, Code.UNKNOWN_GROUP, _label_choices(GROUPS))
    typed = pd.DataFrame(
        {
            "country_iso3": country,
            "indicator_code": indicator,
            "year": _years(c),
            "grade": _grades(c),
            "subject": subject,
            "group": group.where(c.filled("group"), "total"),
            **{k: check_numbers(c, k) for k in ("value", "se", "ci_low", "ci_high")},
            "n": _counts(c),
            "source": text_values(f["source"]),
            "note": text_values(f["note"]),
            EXCEL_ROW: f[EXCEL_ROW],
        }
    )
    return typed


def empty_results() -> pd.DataFrame:
    """The typed results frame with no rows (what a workbook that cannot be read yields)."""
    return pd.DataFrame({k: pd.Series(dtype=v) for k, v in RESULT_COLUMNS.items()})
