"""Small in-memory factories for raw workbooks, so each test case shows only the cells under test.

Layer: tests. A results row starts from a valid Peruvian grade-6 reading row; keyword arguments,
named by column code, replace single cells.
"""

from __future__ import annotations

from data_access.workbooks.workbook import RawSheet, RawWorkbook

# Column code -> the Spanish header the template writes.
RESULT_HEADERS = {
    "country": "país",
    "indicator": "indicador",
    "year": "año",
    "grade": "grado",
    "subject": "área",
    "group": "grupo",
    "value": "valor",
    "se": "error estándar",
    "ci_low": "ic inferior",
    "ci_high": "ic superior",
    "n": "n",
    "source": "fuente",
    "note": "nota",
}
VALID_RESULT = {
    "country": "PER",
    "indicator": "score_mean",
    "year": 2019.0,
    "grade": 6.0,
    "subject": "Lectura",
    "group": "total",
    "value": 512.3,
    "se": 3.1,
    "ci_low": 506.2,
    "ci_high": 518.4,
    "n": 4500.0,
    "source": "ERCE 2019",
    "note": None,
}


def sheet(
    header: list[object],
    *rows: list[object],
    name: str = "resultados",
    above: tuple[list[object], ...] = (),
    visible: bool = True,
    formulas: tuple[str, ...] = (),
) -> RawSheet:
    """A sheet with optional title rows ABOVE the header; row 0 is Excel row 1."""
    return RawSheet(name, visible, [*above, header, *rows], list(formulas))


def workbook(*sheets: RawSheet) -> RawWorkbook:
    """A workbook of the given sheets, as the reader would hand it on."""
    return RawWorkbook("xlsx", list(sheets))


def result_row(**cells: object) -> list[object]:
    """A valid results row with CELLS (by column code) replaced."""
    unknown = set(cells) - set(VALID_RESULT)
    if unknown:
        raise KeyError(f"not a results column: {sorted(unknown)}")
    return list((VALID_RESULT | cells).values())


def results(*rows: list[object], above: tuple[list[object], ...] = (), **options: object) -> RawWorkbook:
    """A one-sheet results workbook with the Spanish template headers and ROWS."""
    return workbook(sheet(list(RESULT_HEADERS.values()), *rows, above=above, **options))


def grade_rows(count: int, **cells: object) -> list[list[object]]:
    """COUNT valid rows differing only in year (so they are not duplicates), with CELLS replaced."""
    return [
        result_row(**{"year": 1990.0 + i % 100, "grade": float(1 + i // 100 % 12), **cells})
        for i in range(count)
    ]
