"""Writing workbooks people fill in: the results template, results with rows, roster and actions.

Layer: data_access. Pure functions returning .xlsx bytes (openpyxl); the same inputs give the same
bytes, and no text a user typed can become a formula in Excel or LibreOffice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from data_access.core.catalogues import GROUPS, SUBJECTS, country_name, direction_name, lac_countries
from data_access.core.i18n import normalize_lang, t
from data_access.core.models import Indicator
from data_access.core.sheet_writing import first_sheet, plain_value, put_cell, workbook_bytes
from data_access.workbooks.columns import ACTION_STATUSES, COMPLETIONS, MEMBER_ROLES, RESULTS, SheetSpec

# The results frame's column for each RESULTS column code (the rest share their code).
RESULT_FIELDS = {"country": "country_iso3", "indicator": "indicator_code"}
CANONICAL_COLUMNS = tuple(RESULT_FIELDS.get(c.code, c.code) for c in RESULTS.columns)
TEMPLATE_ROWS = 2000  # rows the dropdowns cover below the header
_WIDTHS = {"indicator": 24, "source": 48, "note": 30, "value": 12, "subject": 14, "group": 12}
_INLINE_LISTS = {"role": MEMBER_ROLES, "status": ACTION_STATUSES, "completion": COMPLETIONS}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", start_color="DDEBF7")


def _write_table(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a bold, frozen header and the rows below it; returns the last row written."""
    for col, text in enumerate(header, start=1):
        put_cell(ws, 1, col, text)
        ws.cell(row=1, column=col).font = _HEADER_FONT
        ws.cell(row=1, column=col).fill = _HEADER_FILL
    last = 1
    for last, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            put_cell(ws, last, col, value)
    ws.freeze_panes = "A2"
    return last


def _fit_widths(ws: Worksheet, fixed: dict[int, int] | None = None) -> None:
    """Size columns to their longest text (capped), since openpyxl leaves Excel's narrow default."""
    for col_cells in ws.iter_cols(min_row=1, max_row=min(ws.max_row, 200)):
        idx = col_cells[0].column
        assert idx is not None  # a cell of a real sheet
        longest = max((len(str(c.value)) for c in col_cells if c.value is not None), default=8)
        width = (fixed or {}).get(idx) or min(max(longest + 2, 8), 60)
        ws.column_dimensions[get_column_letter(idx)].width = width


def _records(frame: pd.DataFrame, columns: Sequence[str], kinds: Sequence[str]) -> list[list[object]]:
    """Rows of FRAME in the order of COLUMNS; a column the frame lacks is left empty."""
    present = [c for c in columns if c in frame.columns]
    return [
        [plain_value(record.get(c), k) for c, k in zip(columns, kinds, strict=True)]
        for record in frame[present].to_dict("records")
    ]


def _list_choices(country_iso3: str | None, indicators: Sequence[Indicator], lang: str) -> dict:
    """Code -> (code, name) pairs for each dropdown; the template's own country comes first."""
    countries = sorted(lac_countries(), key=lambda c: (c.iso3 != country_iso3, c.iso3))
    return {
        "country": [(c.iso3, c.name(lang)) for c in countries],
        "indicator": [(i.code, getattr(i, f"name_{lang}")) for i in indicators],
        "subject": [(code, names[lang]) for code, names in SUBJECTS.items()],
        "group": [(code, names[lang]) for code, names in GROUPS.items()],
    }


def _add_lists(wb: Workbook, choices: dict, lang: str) -> dict[str, str]:
    """Put each dropdown's codes in the lists sheet (inline lists stop at 255 characters)."""
    ws = wb.create_sheet(t("template.sheet.lists", lang))
    formulas = {}
    for n, (code, pairs) in enumerate(choices.items()):
        col = 2 * n + 1
        for c, text in enumerate((RESULTS.column(code).label(lang), t("template.name", lang))):
            put_cell(ws, 1, col + c, text)
            ws.cell(row=1, column=col + c).font = _HEADER_FONT
        for row, (value, name) in enumerate(pairs, start=2):
            put_cell(ws, row, col, value)
            put_cell(ws, row, col + 1, name)
        letter = get_column_letter(col)
        formulas[code] = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(pairs) + 1}"
    ws.freeze_panes = "A2"
    _fit_widths(ws)
    return formulas


def _dropdown(ws: Worksheet, formula: str, column: int, last_row: int, lang: str, key: str) -> None:
    """Attach a list dropdown to COLUMN; a warning, not a stop, since names are accepted too."""
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    dv.errorStyle = "warning"
    dv.errorTitle = t("template.validation.title", lang)
    dv.error = t(key, lang)
    letter = get_column_letter(column)
    dv.add(f"{letter}2:{letter}{last_row}")
    ws.add_data_validation(dv)


def _add_catalogue(wb: Workbook, indicators: Sequence[Indicator], lang: str) -> None:
    """The indicator catalogue in LANG, so coordinators see codes, units and valid ranges."""
    ws = wb.create_sheet(t("template.sheet.catalogue", lang))
    keys = ("code", "domain", "unit", "range", "direction", "name", "description", "rule", "source")
    header = [t("template.name" if k == "name" else f"template.catalogue.{k}", lang) for k in keys]
    rows = [
        (
            i.code,
            t(f"template.domain.{i.domain}", lang),
            t(f"template.unit.{i.unit}", lang),
            f"{i.min_value:g} – {i.max_value:g}",
            t(f"template.direction.{direction_name(i.higher_is_better)}", lang),
            getattr(i, f"name_{lang}"),
            getattr(i, f"description_{lang}"),
            getattr(i, f"rule_{lang}") or None,
            i.source or None,
        )
        for i in indicators
    ]
    _write_table(ws, header, rows)
    _fit_widths(ws, {7: 70, 8: 40, 9: 40})


def _readme_lines(country_iso3: str | None, lang: str) -> list[tuple[str, tuple[object, ...]]]:
    """The read-me sheet as (style, cells): h1/h2 headings, p paragraphs, th/td table rows."""

    def text(key: str, **params: object) -> tuple[str]:
        return (t(f"template.{key}", lang, **params),)

    name = country_name(country_iso3, lang) if country_iso3 else None
    lines: list[tuple[str, tuple[object, ...]]] = [
        ("h1", text("readme.title", country=name) if name else text("readme.title_all"))
    ]
    lines += [("p", text("readme.intro")), ("h2", text("readme.columns"))]
    lines += [("th", sum((text(f"readme.{k}") for k in ("column", "required", "what")), ()))]
    yes_no = {True: t("template.yes", lang), False: t("template.no", lang)}
    lines += [("td", (c.label(lang), yes_no[c.required], *text(f"help.{c.code}"))) for c in RESULTS.columns]
    lines += [("h2", text("readme.numbers")), ("p", text("readme.numbers_text"))]
    for key, table in (("subjects", SUBJECTS), ("groups", GROUPS)):
        lines += [("h2", text(f"readme.{key}")), ("th", text("readme.code") + text("name"))]
        lines += [("td", (code, names[lang])) for code, names in table.items()]
    lines += [("p", text("readme.indicators")), ("h2", text("readme.validation"))]
    return [*lines, ("p", text("readme.validation_text"))]


def _add_readme(wb: Workbook, country_iso3: str | None, lang: str) -> None:
    """The read-me sheet: columns, number formats, subject and group codes, how upload checks."""
    ws = wb.create_sheet(t("template.sheet.readme", lang))
    for letter, width in (("A", 24), ("B", 26), ("C", 90)):
        ws.column_dimensions[letter].width = width
    row = 0
    for style, cells in _readme_lines(country_iso3, lang):
        row += 2 if style in ("h1", "h2") and row else 1
        for col, value in enumerate(cells, start=1):
            put_cell(ws, row, col, value)
        first = ws.cell(row=row, column=1)
        if style == "p":  # a paragraph spans the three columns; Excel never sizes merged rows
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
            ws.row_dimensions[row].height = 15 * math.ceil(len(str(first.value)) / 120)
        if style == "td" and len(cells) == 3:
            ws.row_dimensions[row].height = 15 * math.ceil(len(str(cells[2])) / 85)
        for col in range(1, 4):
            ws.cell(row=row, column=col).alignment = Alignment(wrap_text=True, vertical="top")
        if style in ("h1", "h2", "th"):
            first.font = Font(bold=True, size={"h1": 14, "h2": 12}.get(style, 11))
            for col in range(2, len(cells) + 1):
                ws.cell(row=row, column=col).font = _HEADER_FONT


def write_results_workbook(
    frame: pd.DataFrame, *, country_iso3: str | None, lang: str, indicators: Sequence[Indicator]
) -> bytes:
    """Results rows (canonical columns) in the template layout; country None means all countries."""
    lang = normalize_lang(lang)
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = t("template.sheet.results", lang)
    kinds = [c.kind for c in RESULTS.columns]
    rows = _records(frame, CANONICAL_COLUMNS, kinds)
    last = _write_table(ws, [c.label(lang) for c in RESULTS.columns], rows)
    codes = [c.code for c in RESULTS.columns]
    _fit_widths(ws, {codes.index(k) + 1: w for k, w in _WIDTHS.items()})
    _add_readme(wb, country_iso3, lang)
    _add_catalogue(wb, indicators, lang)
    formulas = _add_lists(wb, _list_choices(country_iso3, indicators, lang), lang)
    for code, formula in formulas.items():
        column = codes.index(code) + 1
        _dropdown(ws, formula, column, max(last, TEMPLATE_ROWS), lang, "template.validation.message")
    return workbook_bytes(wb)


def build_results_template(
    country_iso3: str, lang: str, indicators: Sequence[Indicator], rows: pd.DataFrame | None = None
) -> bytes:
    """COUNTRY_ISO3's results template in LANG: empty, or holding ROWS (its published figures)."""
    frame = pd.DataFrame(columns=list(CANONICAL_COLUMNS)) if rows is None else rows
    return write_results_workbook(frame, country_iso3=country_iso3, lang=lang, indicators=indicators)


def build_sheet_workbook(sheets: dict[str, tuple[SheetSpec, pd.DataFrame]], lang: str) -> bytes:
    """A roster or actions workbook: one sheet per entry, headers in LANG, columns from the spec."""
    lang = normalize_lang(lang)
    wb = Workbook()
    wb.remove(first_sheet(wb))
    for name, (spec, frame) in sheets.items():
        ws = wb.create_sheet(name)
        rows = _records(frame, [c.code for c in spec.columns], [c.kind for c in spec.columns])
        last = _write_table(ws, [c.label(lang) for c in spec.columns], rows)
        _fit_widths(ws)
        for col, column in enumerate(spec.columns, start=1):
            if column.kind in _INLINE_LISTS:
                formula = '"' + ",".join(_INLINE_LISTS[column.kind]) + '"'
                key = "template.validation.message_inline"
                _dropdown(ws, formula, col, max(last, TEMPLATE_ROWS), lang, key)
    return workbook_bytes(wb)
