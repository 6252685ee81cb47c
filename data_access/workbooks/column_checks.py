"""Whole-column checks shared by the results, roster and actions sheets, and the problem collector.

Layer: data_access, pure functions over a Table. Each check looks at a column at once (pandas),
resolves each distinct value once, and records one Problem per offending cell.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from data_access.core.catalogues import country_lookup, lac_countries, resolve_country
from data_access.core.i18n import fold
from data_access.core.models import Indicator
from data_access.core.settings import LANGUAGES
from data_access.workbooks.cells import to_numbers
from data_access.workbooks.problems import Code, Expect, Hint, Problem, Severity, to_display
from data_access.workbooks.tabular import EXCEL_ROW, Table

PROBLEMS_PER_CHECK = 500  # cells listed per code and column; the rest are counted
CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # tab, newline and carriage return allowed


def _as_object(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=object, na_value=None)


class Collector:
    """Collects the problems of one table and which of its rows have errors."""

    def __init__(self, table: Table, problems: Iterable[Problem] = ()) -> None:
        self.table = table
        self.frame = table.frame
        self.problems: list[Problem] = list(problems)
        # A sheet-level error (a missing or duplicated column) makes every row unusable.
        self.blocked = any(p.severity is Severity.ERROR for p in self.problems)
        self.bad = np.zeros(len(table.frame), dtype=bool)
        self.formula = {
            code: self.frame[EXCEL_ROW].isin({r for r, c in table.formula_cells if c == code})
            for code in {c for _, c in table.formula_cells}
        }
        self._filled: dict[str, pd.Series] = {}

    def filled(self, column: str) -> pd.Series:
        """Cells of COLUMN that hold something (computed once: object columns are slow to scan)."""
        if column not in self._filled:
            # None is the one empty marker (tabular turns blank text into None); NaN is a value.
            cells = self.frame[column].to_numpy(dtype=object)
            filled = np.not_equal(cells, None)  # type: ignore[call-overload]  # elementwise, as NumPy does
            self._filled[column] = pd.Series(filled, index=self.frame.index)
        return self._filled[column]

    def flag(
        self,
        code: Code,
        column: str,
        mask: pd.Series,
        *,
        values: pd.Series | None = None,
        per_row: pd.Series | None = None,
        **params: object,
    ) -> None:
        """One problem per row where MASK holds, at COLUMN; PER_ROW adds each row's own params."""
        positions = np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool))
        if not len(positions):
            return
        if Problem(code).severity is Severity.ERROR:
            self.bad[positions] = True
        shown = positions[:PROBLEMS_PER_CHECK]
        rows = self.frame[EXCEL_ROW].to_numpy()[shown]
        cells = _as_object(values if values is not None else self.frame[column])[shown]
        extra = _as_object(per_row)[shown] if per_row is not None else [None] * len(shown)
        sheet, header = self.table.sheet, self.table.header(column)
        for row, cell, own in zip(rows, cells, extra, strict=True):
            row_params = params | own if isinstance(own, dict) else params
            self.problems.append(Problem(code, sheet, int(row), header, to_display(cell), row_params))
        if len(positions) > len(shown):
            more = {"hint": Hint.MORE, "more": len(positions) - len(shown)}
            self.problems.append(Problem(code, sheet, None, header, params=more))

    def add(self, problem: Problem) -> None:
        """A problem found by a whole-sheet check (a warning about a column, say)."""
        self.problems.append(problem)

    def sorted_problems(self) -> list[Problem]:
        """Sheet-level problems first, then row by row and left to right; counts of the rest last."""
        order = {code: i for i, code in enumerate(self.table.frame.columns)}
        by_header = {self.table.header(c): i for c, i in order.items()}

        def key(p: Problem) -> tuple[int, int, int]:
            column = by_header.get(p.column or "", -1)
            if p.params.get("hint") == Hint.MORE:
                return (2, 0, column)
            return (
                (0, p.row or 0, column)
                if p.row is None or p.row <= self.table.header_row
                else (1, p.row, column)
            )

        return sorted(self.problems, key=key)

    def usable(self) -> np.ndarray:
        """Rows without errors; none when a sheet-level error (a missing column) blocks them all."""
        return np.zeros(len(self.frame), dtype=bool) if self.blocked else ~self.bad


def map_distinct(series: pd.Series, function: Callable[[Any], object], empty: object = None) -> np.ndarray:
    """FUNCTION applied once per distinct value of SERIES, spread back to every row (EMPTY if none)."""
    codes, distinct = pd.factorize(series, use_na_sentinel=True)
    results = np.empty(len(distinct) + 1, dtype=object)
    results[:-1] = [function(v) for v in distinct]
    results[-1] = empty
    return results[codes]


def check_formulas(c: Collector) -> None:
    """Formulas saved without their result read as empty cells; say so instead of 'missing'."""
    for code, mask in c.formula.items():
        c.flag(Code.FORMULA_WITHOUT_VALUE, code, mask)


def check_required(c: Collector, column: str, expect: Expect | str) -> None:
    """A required cell left empty (a formula without value is reported as such, not here). EXPECT is
    an Expect or another `expect.*` text key (the catalogue editor's indicator-code, domain, unit)."""
    if column not in c.table.headers:
        return  # the missing column is already reported once
    empty = ~c.filled(column)
    if column in c.formula:
        empty &= ~c.formula[column]
    c.flag(Code.MISSING_VALUE, column, empty, expect=expect)


def check_texts(c: Collector, columns: Iterable[str], max_text: int) -> None:
    """Texts too long to store or show, and invisible control characters pasted in."""
    control = re.compile(CONTROL_PATTERN)
    for column in columns:
        series = c.frame[column]
        lengths = pd.Series(
            map_distinct(series, lambda v: len(v) if isinstance(v, str) else 0, 0), index=series.index
        )
        too_long = lengths.gt(max_text)
        own = lengths[too_long].map(lambda n: {"length": n}).reindex(series.index)
        c.flag(Code.TEXT_TOO_LONG, column, too_long, per_row=own, limit=max_text)
        has_control = map_distinct(series, lambda v: isinstance(v, str) and bool(control.search(v)), False)
        c.flag(Code.CONTROL_CHARACTERS, column, pd.Series(has_control.astype(bool), index=series.index))


def check_numbers(c: Collector, column: str, expect: Expect = Expect.NUMBER) -> pd.Series:
    """The column as floats; unreadable cells reported (TYPE_ERROR, NOT_FINITE) and left NaN."""
    values, codes = to_numbers(c.frame[column])
    c.flag(Code.TYPE_ERROR, column, codes.eq(Code.TYPE_ERROR), expect=expect)
    c.flag(Code.NOT_FINITE, column, codes.eq(Code.NOT_FINITE))
    return values


def suggest(value: object, choices: Mapping[str, str]) -> dict[str, object]:
    """Params for a did-you-mean hint: CHOICES maps folded names to how to show them."""
    near = difflib.get_close_matches(fold(value), list(choices), n=1, cutoff=0.75)
    return {"hint": Hint.DID_YOU_MEAN, "suggestion": choices[near[0]]} if near else {}


def check_lookup(
    c: Collector,
    column: str,
    resolve: Callable[[object], str | None],
    code: Code,
    choices: Mapping[str, str],
    **params: object,
) -> pd.Series:
    """Each distinct value resolved once; unknown ones reported with a suggestion; None if empty."""
    series = c.frame[column]
    out = pd.Series(map_distinct(series, resolve), index=series.index, dtype=object)
    unknown = c.filled(column) & out.isna()
    if unknown.any():
        hints = pd.Series(
            map_distinct(series[unknown], lambda v: suggest(v, choices)), index=series.index[unknown]
        )
        c.flag(code, column, unknown, per_row=hints.reindex(series.index), **params)
    return out


@cache
def country_choices() -> dict[str, str]:
    """Folded country codes and names -> the name to suggest when a country is misspelled."""
    names = {fold(c.name(lang)): c.name(lang) for c in lac_countries() for lang in LANGUAGES}
    return {key: names.get(key, iso3) for key, iso3 in country_lookup().items()}


def check_country(c: Collector, column: str) -> pd.Series:
    """ISO3 codes for a country column (codes or names in es/pt/en); None when empty or unknown."""
    return check_lookup(c, column, resolve_country, Code.UNKNOWN_COUNTRY, country_choices())


def check_indicator(c: Collector, column: str, indicators: Sequence[Indicator]) -> pd.Series:
    """Indicator codes for a column holding codes or es/pt/en names of the catalogue."""
    lookup: dict[str, str] = {}
    shown: dict[str, str] = {}
    for ind in indicators:
        for name in (ind.code, ind.name_es, ind.name_pt, ind.name_en):
            lookup.setdefault(fold(name), ind.code)
            shown.setdefault(fold(name), name)
    return check_lookup(c, column, lambda v: lookup.get(fold(v)), Code.UNKNOWN_INDICATOR, shown)


def text_values(series: pd.Series) -> pd.Series:
    """Free text as str or None (a number typed in a note becomes its text)."""
    texts = [v if v is None or isinstance(v, str) else to_display_full(v) for v in _as_object(series)]
    return pd.Series(texts, index=series.index, dtype=object)


def to_display_full(value: object) -> str:
    """A non-text cell as the text a person typed (2019.0 -> "2019")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.isoformat() if isinstance(value, dt.date) else str(value)
