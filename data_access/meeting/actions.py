"""Joint actions for reading and exporting: the action list, one action's history, filters,
formula-safe CSV and XLSX exports and an iCalendar file of due dates.

Layer: data_access. Pure functions over DataFrames, plus two read queries; no Streamlit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, Select, select
from sqlmodel import col

from data_access.core.formatting import neutralize_csv_text
from data_access.core.models import ActionUpdate, JointAction, WorkingGroup
from data_access.core.store import read_frame
from data_access.workbooks.columns import ACTIONS
from data_access.workbooks.template import build_sheet_workbook

ACTION_COLUMNS = (
    "code", "title", "description", "theme", "theme_pt", "theme_en", "group", "lead_country", "participants",
    "reviewer_country", "due_date", "status", "completion", "evidence_indicator", "evidence_country",
)  # fmt: skip
HISTORY_COLUMNS = ("author", "at", "status", "completion", "note")
ICAL_LINE = 75  # octets per line before folding (RFC 5545, 3.1)


def list_actions(engine: Engine) -> pd.DataFrame:
    """Every joint action in code order, in the actions sheet's columns; participants as a list."""
    query: Select = (
        select(
            col(JointAction.code),
            col(JointAction.title),
            col(JointAction.description),
            col(JointAction.theme),
            col(JointAction.theme_pt),
            col(JointAction.theme_en),
            col(WorkingGroup.code).label("group"),
            col(JointAction.lead_country_iso3).label("lead_country"),
            col(JointAction.participants),
            col(JointAction.reviewer_country_iso3).label("reviewer_country"),
            col(JointAction.due_date),
            col(JointAction.status),
            col(JointAction.completion),
            col(JointAction.evidence_indicator),
            col(JointAction.evidence_country_iso3).label("evidence_country"),
        )
        .outerjoin(WorkingGroup, col(WorkingGroup.id) == col(JointAction.group_id))
        .order_by(col(JointAction.code))
    )
    frame = read_frame(engine, query).astype(object)
    frame = frame.reindex(columns=list(ACTION_COLUMNS))
    frame["participants"] = [
        [c.strip() for c in str(p or "").split(",") if c.strip()] for p in frame["participants"]
    ]
    frame = frame.astype(object).where(frame.notna(), None)
    return frame


def list_action_history(engine: Engine, code: str) -> pd.DataFrame:
    """Every change to one action (who, when, status, completion, note), newest first."""
    query = (
        select(
            col(ActionUpdate.author),
            col(ActionUpdate.at),
            col(ActionUpdate.status),
            col(ActionUpdate.completion),
            col(ActionUpdate.note),
        )
        .join(JointAction, col(JointAction.id) == col(ActionUpdate.action_id))
        .where(col(JointAction.code) == code)
        .order_by(col(ActionUpdate.at).desc(), col(ActionUpdate.id).desc())
    )
    return read_frame(engine, query).reindex(columns=list(HISTORY_COLUMNS))


def list_action_groups(engine: Engine) -> pd.DataFrame:
    """Working groups' codes and names in es/pt/en, for labelling actions."""
    query = select(
        col(WorkingGroup.code),
        col(WorkingGroup.name_es),
        col(WorkingGroup.name_pt),
        col(WorkingGroup.name_en),
    )
    return read_frame(engine, query.order_by(col(WorkingGroup.code)))


def filter_actions(
    frame: pd.DataFrame, *, status: str | None = None, group: str | None = None, country: str | None = None
) -> pd.DataFrame:
    """Actions with STATUS, in GROUP, and led by or involving COUNTRY; None means any."""
    keep = pd.Series(True, index=frame.index)
    if status:
        keep &= frame["status"] == status
    if group:
        keep &= frame["group"] == group
    if country:
        involved = [
            country == lead or country in (parts or [])
            for lead, parts in zip(frame["lead_country"], frame["participants"], strict=True)
        ]
        keep &= pd.Series(involved, index=frame.index, dtype=bool)
    return frame[keep].reset_index(drop=True)


def to_sheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The actions in the sheet's columns, participants as "PER, COL" (what the workbook holds)."""
    out = frame.reindex(columns=list(ACTION_COLUMNS)).copy()
    out["participants"] = [", ".join(p or []) for p in out["participants"]]
    return out


def export_actions_xlsx(frame: pd.DataFrame, lang: str) -> bytes:
    """An actions workbook that imports again; typed text never becomes a formula."""
    return build_sheet_workbook({ACTIONS.code: (ACTIONS, to_sheet_frame(frame))}, lang)


def export_actions_csv(frame: pd.DataFrame) -> bytes:
    """The actions as UTF-8 CSV with a BOM, headed by the column codes, formula-safe."""
    out = to_sheet_frame(frame).astype(object)
    for column in out.columns:
        out[column] = out[column].map(neutralize_csv_text, na_action="ignore")
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _ical_text(value: object) -> str:
    text = str(value or "")
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\r\n", "\\n"), ("\n", "\\n")):
        text = text.replace(raw, escaped)
    return text.replace("\r", "")


def _fold_line(line: str) -> list[str]:
    """Split a content line into chunks of at most 75 octets, never inside a character."""
    chunks: list[str] = []
    current = ""
    for char in line:
        limit = ICAL_LINE if not chunks else ICAL_LINE - 1
        if len((current + char).encode("utf-8")) > limit:
            chunks.append(current)
            current = ""
        current += char
    chunks.append(current)
    return [chunks[0], *(" " + c for c in chunks[1:])]


def to_ical(
    actions: pd.DataFrame, *, stamp: datetime | None = None, calendar_name: str = "Encuentro"
) -> bytes:
    """An iCalendar file with one all-day event per action that has a due date."""
    stamp_text = (stamp or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Encuentro//Joint actions//EN", "CALSCALE:GREGORIAN"]
    lines.append(f"X-WR-CALNAME:{_ical_text(calendar_name)}")
    for row in actions.itertuples():
        due = row.due_date
        if not isinstance(due, date):
            continue
        due = due.date() if isinstance(due, datetime) else due
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_ical_text(row.code)}@encuentro",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{due + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ical_text(f'{row.code} · {row.title}')}",
            f"DESCRIPTION:{_ical_text(row.description)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(part for line in lines for part in _fold_line(line)) + "\r\n").encode("utf-8")
