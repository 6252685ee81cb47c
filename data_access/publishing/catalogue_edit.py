"""Organizers' edits to the indicator catalogue: one validation for the in-app editor and workbook
imports (a pure function of the rows and the store's state), one transaction to store them.

Layer: data_access. The catalogue only grows: nothing is ever deleted."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from data_access.core.actors import Actor, require_organizer
from data_access.core.audit import record_audit
from data_access.core.catalogues import DIRECTION_VALUES, DIRECTIONS, DOMAINS, UNITS, list_indicators
from data_access.core.errors import EncuentroError
from data_access.core.i18n import fold, t
from data_access.core.models import Indicator, Observation
from data_access.core.settings import LANGUAGES, Settings
from data_access.core.store import bump_data_version, session_scope
from data_access.meeting.meeting_sheets import FALSE_WORDS, TRUE_WORDS
from data_access.workbooks import column_checks as checks
from data_access.workbooks.column_checks import Collector, map_distinct, text_values
from data_access.workbooks.columns import ColumnSpec, SheetSpec
from data_access.workbooks.problems import Code, Expect, Problem, Report, WorkbookError
from data_access.workbooks.tabular import EXCEL_ROW, Table, read_table
from data_access.workbooks.workbook import read_workbook

CODE_FORMAT = re.compile(r"[a-z0-9_]{1,64}")
NAMES = tuple(f"name_{lang}" for lang in LANGUAGES)
LONG_TEXTS = (*(f"{k}_{lang}" for k in ("description", "rule") for lang in LANGUAGES), "source")
MAX_NAME, MAX_TEXT = 200, 4000


# The sheet an import reads: the columns of reference/indicators.csv (labels in texts/*.toml).
INDICATORS = SheetSpec(
    "indicators",
    ("indicadores", "catalogue", "catalogo"),
    (
        *(ColumnSpec(code, "text", True) for code in ("code", "domain", "unit")),
        ColumnSpec("min_value", "number", True, ("minimo", "min")),
        ColumnSpec("max_value", "number", True, ("maximo", "max")),
        ColumnSpec("higher_is_better", "boolean", True),
        *(ColumnSpec(name, "text", True) for name in NAMES),
        *(ColumnSpec(name, "text", False) for name in LONG_TEXTS),
    ),
)
# Required columns and what an empty cell should have held ("expect" texts in texts/admin.toml).
REQUIRED: dict[str, str] = {"code": "indicator-code", "domain": "domain", "unit": "unit"}
REQUIRED |= {"min_value": Expect.NUMBER, "max_value": Expect.NUMBER, "higher_is_better": Expect.BOOLEAN}
REQUIRED |= dict.fromkeys(NAMES, Expect.TEXT)
FIELDS = tuple(c.code for c in INDICATORS.columns)


@dataclass(frozen=True)
class CatalogueState:
    """What an edit is checked against: the stored catalogue and, per indicator, the lowest and
    highest value ever published (superseded versions too: a rollback can bring them back)."""

    indicators: Mapping[str, Indicator] = field(default_factory=dict)
    published: Mapping[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class CatalogueOutcome:
    created: tuple[str, ...]
    updated: tuple[str, ...]


class CatalogueRejected(EncuentroError):
    """The catalogue changed under the edit (a publish, say) and the edit no longer passes."""

    key = "catalogue_rejected"

    def __init__(self, report: Report) -> None:
        super().__init__(count=report.error_count)
        self.report = report


def get_catalogue_state(*, session: Session) -> CatalogueState:
    """The catalogue as stored and the published value range of every indicator with values."""
    query = select(
        col(Observation.indicator_code), func.min(col(Observation.value)), func.max(col(Observation.value))
    )
    ranges = session.execute(query.group_by(col(Observation.indicator_code))).all()
    return CatalogueState(
        {i.code: i for i in list_indicators(session=session)},
        {code: (float(low), float(high)) for code, low, high in ranges},
    )


def _vocabulary(kind: str, codes: tuple[str, ...]) -> dict[str, str]:
    """Folded code or es/pt/en label -> code, for the domain and unit columns."""
    labels = {fold(t(f"template.{kind}.{code}", lang)): code for code in codes for lang in LANGUAGES}
    return {fold(code): code for code in codes} | labels


# A direction's words -> True, False or "neither" (stored as None; None here means unreadable)
DIRECTION_WORDS: dict[str, str | bool | None] = {
    fold(word): "neither" if name == "neither" else DIRECTION_VALUES[name]
    for name in DIRECTIONS
    for word in (name, *(t(f"template.direction.{name}", lang) for lang in LANGUAGES))
} | {fold(w): "neither" for w in ("ninguno", "ninguna", "nenhum", "nenhuma", "neutral", "neutro")}


def _read_bool(value: object) -> bool | None:
    if isinstance(value, bool | np.bool_ | int | float) and value in (0, 1):
        return bool(value)
    word = fold(value)
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def _normalized(frame: pd.DataFrame) -> pd.DataFrame:
    """Object cells with None for empty (NaN, NA, blank text) and text stripped, as a sheet reads."""

    def cell(value: Any) -> object:
        text = (value.strip() or None) if isinstance(value, str) else value
        return None if text is None or (np.ndim(text) == 0 and pd.isna(text)) else text

    return frame.astype(object).map(cell)


def _as_table(frame: pd.DataFrame, sheet: str | None, headers: Mapping[str, str] | None) -> Table:
    frame = _normalized(frame.reset_index(drop=True))
    rows = frame[EXCEL_ROW] if EXCEL_ROW in frame else pd.Series(range(1, len(frame) + 1))
    full = frame.reindex(columns=list(FIELDS)).astype(object).where(lambda f: f.notna(), None)
    full[EXCEL_ROW] = rows.astype(int).to_numpy()
    present = {c: (headers or {}).get(c, c) for c in FIELDS if c in frame.columns}
    return Table(sheet, 0, full, present)  # type: ignore[arg-type]  # an editor has no sheet


def _check_codes(c: Collector, state: CatalogueState) -> pd.Series:
    codes = text_values(c.frame["code"])
    bad = codes.notna() & ~codes.map(lambda v: bool(CODE_FORMAT.fullmatch(str(v))))
    c.flag(Code.TYPE_ERROR, "code", bad, expect="indicator-code")
    filled = codes.where(~bad)
    repeated = filled.notna() & filled.duplicated(keep="first")
    first = c.frame[EXCEL_ROW].groupby(filled).transform("first")
    per_row = pd.Series(
        [{"first_row": str(int(first[i])), "key": filled[i]} for i in filled.index[repeated]],
        index=filled.index[repeated],
        dtype=object,
    ).reindex(filled.index)
    c.flag(Code.DUPLICATE_ROW, "code", repeated, per_row=per_row, expect=Expect.UNIQUE_CODE)
    return filled


def _check_choice(c: Collector, column: str, codes: pd.Series, state: CatalogueState) -> pd.Series:
    """Domain or unit: a known code (or its label); an existing indicator keeps the one it has."""
    words = _vocabulary(column, DOMAINS if column == "domain" else UNITS)
    values = pd.Series(map_distinct(c.frame[column], lambda v: words.get(fold(v))), index=c.frame.index)
    c.flag(Code.TYPE_ERROR, column, c.filled(column) & values.isna(), expect=column)
    current = codes.map(lambda k: getattr(state.indicators[k], column) if k in state.indicators else None)
    moved = current.notna() & values.notna() & values.ne(current)
    per_row = current[moved].map(lambda v: {"current": v}).reindex(c.frame.index)
    c.flag(Code.TYPE_ERROR, column, moved, per_row=per_row, expect=f"kept-{column}")
    return values.where(~moved)


def _check_range(
    c: Collector, codes: pd.Series, units: pd.Series, state: CatalogueState
) -> tuple[pd.Series, pd.Series]:
    low, high = checks.check_numbers(c, "min_value"), checks.check_numbers(c, "max_value")
    c.flag(Code.OUT_OF_RANGE, "min_value", units.eq("percent") & (low < 0), expect="percent-range")
    c.flag(Code.OUT_OF_RANGE, "max_value", units.eq("percent") & (high > 100), expect="percent-range")
    inverted = low.notna() & high.notna() & (high <= low)
    per_row = low[inverted].map(lambda v: {"min": v}).reindex(c.frame.index)
    c.flag(Code.OUT_OF_RANGE, "max_value", inverted, per_row=per_row, expect="above-min")
    published = codes.map(lambda k: state.published.get(k, (np.nan, np.nan)))
    lowest = pd.Series([p[0] for p in published], index=codes.index, dtype="float64")
    highest = pd.Series([p[1] for p in published], index=codes.index, dtype="float64")
    bounds = (("min_value", lowest, low > lowest), ("max_value", highest, high < highest))
    for column, bound, outside in bounds:
        per_row = bound[outside].map(lambda v: {"published": v}).reindex(c.frame.index)
        c.flag(Code.OUT_OF_RANGE, column, outside, per_row=per_row, expect=f"published-{column[:3]}")
    return low, high


def _read_direction(value: object) -> object:
    """True (higher is better), False (lower), "neither", or None when unreadable: yes/no words, the
    direction's code or its name in any language ("más bajo es mejor", "ninguno es mejor")."""
    return DIRECTION_WORDS.get(fold(value), _read_bool(value))


def _check_direction(c: Collector) -> pd.Series:
    values = pd.Series(map_distinct(c.frame["higher_is_better"], _read_direction), index=c.frame.index)
    unreadable = c.filled("higher_is_better") & values.isna()
    c.flag(Code.TYPE_ERROR, "higher_is_better", unreadable, expect=Expect.DIRECTION)
    return values


def validate_indicators(
    data: pd.DataFrame | Table,
    *,
    state: CatalogueState | None = None,
    sheet: str | None = None,
    headers: Mapping[str, str] | None = None,
    problems: Iterable[Problem] = (),
) -> tuple[pd.DataFrame, Report]:
    """Check catalogue rows (from the editor or a workbook) in one pass: the rows free of errors,
    typed, and every refused value with its row and column. HEADERS names columns as shown."""
    state = state or CatalogueState()
    table = data if isinstance(data, Table) else _as_table(data, sheet, headers)
    problems = list(problems)
    if not isinstance(data, Table):  # a sheet's missing columns were reported as it was read
        missing = [code for code in REQUIRED if code not in table.headers]
        problems += [Problem(Code.MISSING_COLUMN, sheet, params={"column_code": c}) for c in missing]
    c = Collector(table, problems)
    checks.check_formulas(c)
    for column, expect in REQUIRED.items():
        checks.check_required(c, column, expect)
    checks.check_texts(c, NAMES, MAX_NAME)
    checks.check_texts(c, LONG_TEXTS, MAX_TEXT)
    codes = _check_codes(c, state)
    typed = {"code": codes, **{k: _check_choice(c, k, codes, state) for k in ("domain", "unit")}}
    typed["min_value"], typed["max_value"] = _check_range(c, codes, typed["unit"], state)
    typed["higher_is_better"] = _check_direction(c)
    typed |= {col: text_values(c.frame[col]) for col in (*NAMES, *LONG_TEXTS) if col in table.headers}
    clean = pd.DataFrame(typed)[c.usable()].reset_index(drop=True)
    return clean, Report.of(c.sorted_problems())


def _plain(column: str, value: Any) -> Any:
    if column in ("min_value", "max_value"):
        return float(value)
    if column == "higher_is_better":
        return None if value == "neither" else bool(value)
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def plan_changes(clean: pd.DataFrame, state: CatalogueState) -> tuple[list[str], dict[str, dict]]:
    """New codes, and per existing code the fields that differ as [stored, new]: what a save does."""
    created: list[str] = []
    changes: dict[str, dict[str, list[object]]] = {}
    for row in clean.astype(object).to_dict("records"):
        code, current = str(row["code"]), state.indicators.get(str(row["code"]))
        values = {k: _plain(k, v) for k, v in row.items() if k != "code"}
        if current is None:
            created.append(code)
        elif diff := {k: [getattr(current, k), v] for k, v in values.items() if getattr(current, k) != v}:
            changes[code] = diff
    return created, changes


def _upsert(session: Session, clean: pd.DataFrame, state: CatalogueState) -> tuple[list[str], dict]:
    created, changes = plan_changes(clean, state)
    for code, diff in changes.items():
        stored = session.get(Indicator, code)
        for key, (_, new) in diff.items():
            setattr(stored, key, new)
    rows = clean[clean["code"].isin(created)].astype(object).to_dict("records")
    session.add_all(Indicator(**{k: _plain(k, v) for k, v in row.items()}) for row in rows)
    return created, changes


def save_indicators(
    *, engine: Engine, actor: Actor, frame: pd.DataFrame, origin: str = "editor"
) -> CatalogueOutcome:
    """Check FRAME again against the store and, when it passes, add and update indicators (never
    delete), with an audit event and a data-version bump, all in one transaction; organizers only."""
    require_organizer(actor)
    with session_scope(engine) as session:
        state = get_catalogue_state(session=session)
        clean, report = validate_indicators(frame, state=state)
        if not report.ok:
            raise CatalogueRejected(report)
        created, changes = _upsert(session, clean, state)
        if created or changes:
            record_audit(
                session=session,
                actor=actor.username,
                action="edit-catalogue",
                entity="indicator",
                entity_id=",".join([*created, *changes]),
                origin=origin,
                created=created,
                updated=changes,
            )
            bump_data_version(session=session)
    return CatalogueOutcome(tuple(created), tuple(changes))


def read_indicator_file(
    data: bytes, *, settings: Settings, state: CatalogueState
) -> tuple[pd.DataFrame, Report]:
    """An uploaded workbook's `indicators` sheet, read safely and checked like an edit in the app."""
    empty = pd.DataFrame(columns=list(FIELDS))
    try:
        raw = read_workbook(data, settings=settings)
    except WorkbookError as err:
        return empty, Report.from_error(err)
    table, problems = read_table(raw, INDICATORS)
    if table is None:
        return empty, Report.of(problems)
    return validate_indicators(table, state=state, problems=problems)
