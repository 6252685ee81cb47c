"""Editing joint actions in the app: the table as text, checked exactly like an imported workbook.

Layer: data_access. The edited table becomes a one-sheet RawWorkbook (header row + rows) and goes
through meeting_sheets.read_actions, so every refused value is reported with its row and column
as for a file; only a table without errors is saved, through meeting.publish_actions.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from data_access.core.actors import Actor, require_organizer
from data_access.core.catalogues import list_indicators
from data_access.core.i18n import t
from data_access.core.models import Indicator
from data_access.core.store import read_session
from data_access.meeting.actions import ACTION_COLUMNS
from data_access.meeting.meeting_sheets import read_actions
from data_access.meeting.records import MeetingOutcome, list_group_codes, publish_actions
from data_access.workbooks.columns import ACTIONS
from data_access.workbooks.problems import Report
from data_access.workbooks.template import build_sheet_workbook
from data_access.workbooks.workbook import RawSheet, RawWorkbook

EDITOR_FILE = "app-editor"  # the name an in-app edit is kept and noted under in the history
FIRST_ROW = 1  # problems number the editor's rows from 1 (the workbook's row 2, under the header)


def edit_labels(lang: str) -> dict[str, str]:
    """Column code -> the header the editor shows (the actions workbook's header in LANG)."""
    return {code: ACTIONS.column(code).label(lang) for code in ACTION_COLUMNS}


def _cell_text(value: object) -> str | None:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or None
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() or None


def to_edit_frame(actions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The actions as text cells, status and completion as their labels in LANG."""
    out = actions.reindex(columns=list(ACTION_COLUMNS)).astype(object)
    out["status"] = [t(f"status.{s}", lang) if s else None for s in out["status"]]
    out["completion"] = [t(f"completion.{c}", lang) if c else None for c in out["completion"]]
    for column in out.columns:
        out[column] = pd.Series([_cell_text(v) for v in out[column]], index=out.index, dtype=object)
    return out.reset_index(drop=True)


def get_edit_references(engine: Engine) -> tuple[list[str], list[Indicator]]:
    """What edits are checked against: the working-group codes and the indicator catalogue."""
    with read_session(engine) as session:
        return list_group_codes(session=session), list_indicators(session=session)


def to_raw_workbook(edited: pd.DataFrame, lang: str) -> RawWorkbook:
    """The edited table as the reader sees a workbook: one header row, then one row per table row."""
    labels = edit_labels(lang)
    columns = [c for c in ACTION_COLUMNS if c in edited.columns]
    header: list[object] = [labels[c] for c in columns]
    rows: list[list[object]] = [[_cell_text(v) for v in r] for r in edited[columns].itertuples(index=False)]
    return RawWorkbook("xlsx", [RawSheet(ACTIONS.code, True, [header, *rows])])


def validate_action_edits(
    edited: pd.DataFrame, *, known_groups: Collection[str], indicators: Sequence[Indicator], lang: str
) -> tuple[pd.DataFrame, Report]:
    """The rows ready to save and every refused value, with its table row (from 1) and column."""
    clean, report = read_actions(
        to_raw_workbook(edited, lang), known_groups=known_groups, indicators=indicators
    )
    shift = FIRST_ROW - 2  # the header took the workbook's first row
    problems = (replace(p, row=p.row + shift) if p.row is not None else p for p in report.problems)
    return clean, Report.of(problems)


def save_action_edits(*, engine: Engine, actor: Actor, clean: pd.DataFrame, lang: str) -> MeetingOutcome:
    """Store a checked table (organizers only); changed statuses and completions enter the history."""
    require_organizer(actor)
    data = build_sheet_workbook({ACTIONS.code: (ACTIONS, clean)}, lang)
    return publish_actions(engine=engine, actions=clean, actor=actor, file_name=EDITOR_FILE, data=data)
