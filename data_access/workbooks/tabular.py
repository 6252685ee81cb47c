"""From a raw workbook to a table: pick the sheet, find the header row, map headers to columns.

Layer: data_access, pure functions over RawWorkbook (no I/O). Cell values stay raw (object dtype);
validation parses them. Sheet- and header-level problems are returned, never raised.
"""

from __future__ import annotations

import difflib
import operator
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from data_access.core.i18n import fold
from data_access.core.settings import LANGUAGES
from data_access.workbooks.columns import SHEETS, SheetSpec
from data_access.workbooks.problems import Code, Hint, Problem
from data_access.workbooks.workbook import RawSheet, RawWorkbook

HEADER_SCAN_ROWS = 30  # the header row must be among the first 30
MIN_HEADER_MATCHES = 3  # a row naming this many known columns is the header row
EXCEL_ROW = "excel_row"
NUMERIC_KINDS = frozenset({"floating", "integer", "mixed-integer-float", "empty"})
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


@dataclass
class Table:
    """One sheet's data rows under canonical column codes, with where each came from."""

    sheet: str
    header_row: int  # as Excel shows it
    frame: pd.DataFrame  # every spec column (object dtype, None when empty) + excel_row
    headers: dict[str, str] = field(default_factory=dict)  # column code -> header as written
    letters: dict[str, str] = field(default_factory=dict)  # column code -> Excel letter
    formula_cells: list[tuple[int, str]] = field(default_factory=list)  # (excel row, code)

    def header(self, code: str) -> str:
        """The column's header as written in the file (problems name it so people find it)."""
        return self.headers.get(code, code)


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def pick_sheet(
    raw: RawWorkbook, spec: SheetSpec, *, fallback: bool = True
) -> tuple[RawSheet | None, list[Problem]]:
    """The visible sheet SPEC reads: by name (case and accents ignored), else the only visible
    sheet. What Excel shows is what is read: a hidden sheet that would have matched is named in a
    warning, and two visible sheets whose names mean the same are an error naming both."""
    wanted = spec.sheet_names()
    named = [s for s in raw.sheets if fold(s.name) in wanted]
    notes = [Problem(Code.HIDDEN_SHEET, s.name) for s in named if not s.visible]
    shown = [s for s in named if s.visible]
    if len(shown) > 1:
        names = ", ".join(f"«{s.name}»" for s in shown)
        return None, [*notes, Problem(Code.AMBIGUOUS_SHEET, shown[1].name, params={"sheets": names})]
    if shown:
        return shown[0], notes
    visible = [s for s in raw.sheets if s.visible]
    others = set().union(*(o.sheet_names() for o in SHEETS.values() if o.code != spec.code))
    # A lone visible sheet is used unless its name says it holds another kind of sheet.
    if fallback and len(visible) == 1 and fold(visible[0].name) not in others:
        return visible[0], notes
    return None, notes


def _sheet_title(spec: SheetSpec) -> str:
    return " / ".join((spec.code, *spec.sheet_aliases[:1]))


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(sheet: RawSheet, spec: SheetSpec) -> int | None:
    lookup = spec.header_lookup
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        codes = {lookup.get(fold(c)) for c in row if isinstance(c, str)} - {None}
        if len(codes) >= MIN_HEADER_MATCHES:
            return index
    return None


def _display_names(spec: SheetSpec) -> dict[str, str]:
    """Folded header -> a readable header to suggest (the Spanish label first)."""
    out: dict[str, str] = {}
    for col in spec.columns:
        for name in (*(col.label(lang) for lang in LANGUAGES), *col.aliases, col.code):
            out.setdefault(fold(name), name)
    return out


def _map_headers(
    sheet: RawSheet, spec: SheetSpec, header_index: int
) -> tuple[dict[int, str], dict[str, str], list[Problem]]:
    """Column index -> code, code -> header as written, and the header problems."""
    lookup, names = spec.header_lookup, _display_names(spec)
    mapping: dict[int, str] = {}
    headers: dict[str, str] = {}
    unknown: dict[str, str] = {}  # folded -> as written
    problems: list[Problem] = []
    row = header_index + 1
    for index, cell in enumerate(sheet.rows[header_index]):
        if _is_blank(cell):
            continue
        written = str(cell).strip()
        code = lookup.get(fold(written))
        if code is None:
            unknown[fold(written)] = written
            near = difflib.get_close_matches(fold(written), names, n=1, cutoff=0.75)
            params: dict[str, object] = (
                {"hint": Hint.DID_YOU_MEAN, "suggestion": names[near[0]]} if near else {}
            )
            problems.append(Problem(Code.UNKNOWN_COLUMN, sheet.name, row, written, params=params))
        elif code in headers:
            first = next(i for i, c in mapping.items() if c == code)
            letters = [column_letter(first), column_letter(index)]
            problems.append(
                Problem(Code.DUPLICATE_COLUMN, sheet.name, row, written, params={"letters": letters})
            )
        else:
            mapping[index], headers[code] = code, written
    problems += _missing_columns(spec, headers, unknown, sheet.name, row)
    return mapping, headers, problems


def _missing_columns(
    spec: SheetSpec, headers: dict[str, str], unknown: dict[str, str], sheet: str, row: int
) -> list[Problem]:
    problems = []
    for col in spec.columns:
        if not col.required or col.code in headers:
            continue
        params: dict[str, object] = {"column_code": col.code}
        near = [u for u in unknown if difflib.get_close_matches(u, col.names(), n=1, cutoff=0.75)]
        if near:
            params |= {"hint": Hint.RENAME_HEADER, "found": unknown[near[0]]}
        problems.append(Problem(Code.MISSING_COLUMN, sheet, row, params=params))
    return problems


def _clean(series: pd.Series) -> pd.Series:
    """Strip text cells and turn blank ones into None; numbers and dates pass untouched."""
    values = series.to_numpy(dtype=object)
    if infer_dtype(values, skipna=True) in NUMERIC_KINDS | {"boolean", "date", "datetime"}:
        return series
    # Work on distinct values: most columns repeat a few codes, and few cells need stripping.
    distinct = pd.unique(values[pd.notna(values)])
    changes = {v: v.strip() or None for v in distinct if isinstance(v, str) and (not v or v != v.strip())}
    if not changes:
        return series
    touched = series.isin(list(changes)).to_numpy()
    values = values.copy()
    values[touched] = [changes[v] for v in values[touched]]
    return pd.Series(values, index=series.index, dtype=object)


def _formula_cells(sheet: RawSheet, mapping: dict[int, str], header_row: int) -> list[tuple[int, str]]:
    out = []
    for ref in sheet.formula_cells_without_value:
        match = _CELL_REF.fullmatch(ref.strip())
        if not match:
            continue
        row, index = int(match.group(2)), _column_index(match.group(1))
        if row > header_row and index in mapping:
            out.append((row, mapping[index]))
    return out


def _to_frame(sheet: RawSheet, spec: SheetSpec, mapping: dict[int, str], header_index: int) -> pd.DataFrame:
    """The data rows as an object frame with every spec column, blank rows dropped."""
    indexes = sorted(mapping)
    width = indexes[-1] + 1
    getter = operator.itemgetter(*indexes)
    pick = (lambda row: (getter(row),)) if len(indexes) == 1 else getter
    data = [
        pick(row if len(row) >= width else [*row, *[None] * (width - len(row))])
        for row in sheet.rows[header_index + 1 :]
    ]
    frame = pd.DataFrame(data, columns=[mapping[i] for i in indexes], dtype=object)
    frame = frame.apply(_clean) if len(frame) else frame
    frame[EXCEL_ROW] = range(header_index + 2, header_index + 2 + len(frame))
    for col in spec.columns:
        if col.code not in frame:
            frame[col.code] = pd.Series([None] * len(frame), dtype=object)
    return frame[[c.code for c in spec.columns] + [EXCEL_ROW]]


def _filled_rows(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Rows with something in any of COLUMNS; each column is only scanned where rows are still blank."""
    keep = np.zeros(len(frame), dtype=bool)
    blank = np.arange(len(frame))
    for column in columns:
        filled = pd.notna(frame[column].to_numpy()[blank])
        keep[blank[filled]] = True
        blank = blank[~filled]
        if not len(blank):
            break
    return keep


def read_table(
    raw: RawWorkbook, spec: SheetSpec, *, fallback: bool = True
) -> tuple[Table | None, list[Problem]]:
    """The sheet SPEC names as a Table, or None with the problems that stop reading it."""
    sheet, notes = pick_sheet(raw, spec, fallback=fallback)
    if sheet is None:
        if any(p.code == Code.AMBIGUOUS_SHEET for p in notes):
            return None, notes
        found = [s.name for s in raw.sheets]
        return None, [
            *notes,
            Problem(Code.MISSING_SHEET, params={"wanted": _sheet_title(spec), "found": found}),
        ]
    if all(_is_blank(c) for row in sheet.rows for c in row):
        return None, [*notes, Problem(Code.EMPTY_SHEET, sheet.name)]
    header_index = _find_header(sheet, spec)
    if header_index is None:
        return None, [*notes, Problem(Code.MISSING_HEADER, sheet.name)]
    mapping, headers, problems = _map_headers(sheet, spec, header_index)
    problems = [*notes, *problems]
    frame = _to_frame(sheet, spec, mapping, header_index)
    formulas = _formula_cells(sheet, mapping, header_index + 1)
    keep = _filled_rows(frame, list(headers)) | frame[EXCEL_ROW].isin({r for r, _ in formulas}).to_numpy()
    frame = frame[keep].reset_index(drop=True)
    if frame.empty:
        problems.append(Problem(Code.EMPTY_SHEET, sheet.name, header_index + 1))
    letters = {code: column_letter(i) for i, code in mapping.items()}
    table = Table(sheet.name, header_index + 1, frame, headers, letters, formulas)
    return table, problems
