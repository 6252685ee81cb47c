"""One entry point for every file people bring: results, roster and actions workbooks, SQLite.

Layer: data_access. Reads safely, validates in one pass, and publishes only a file without
errors; a rejected file changes nothing in the store. Used by the command line and the app.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from data_access import meeting
from data_access.actors import Actor
from data_access.catalogues import list_indicators
from data_access.columns import ACTIONS, MEMBERS
from data_access.i18n import fold
from data_access.ingest import PublishOutcome, publish_countries, publish_results
from data_access.meeting_sheets import read_actions, read_roster
from data_access.problems import Code, Problem, Report, WorkbookError
from data_access.settings import Settings
from data_access.store import session_scope
from data_access.validation import validate_results
from data_access.workbook import RawSheet, RawWorkbook, paused_gc, read_workbook

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class ImportResult:
    file_name: str
    kind: str  # results, roster, actions
    report: Report
    outcomes: tuple[PublishOutcome | meeting.MeetingOutcome, ...] = ()  # empty when rejected

    @property
    def published(self) -> bool:
        return bool(self.outcomes)

    @property
    def outcome(self) -> PublishOutcome | meeting.MeetingOutcome | None:
        """The outcome of a one-country (or roster, or actions) file."""
        return self.outcomes[0] if self.outcomes else None


def detect_kind(raw: RawWorkbook) -> str:
    """A workbook with a members sheet is a roster, one with an actions sheet lists actions."""
    names = {fold(s.name) for s in raw.sheets}
    if names & MEMBERS.sheet_names():
        return "roster"
    if names & ACTIONS.sheet_names():
        return "actions"
    return "results"


def import_file(
    *,
    engine: Engine,
    settings: Settings,
    data: bytes,
    file_name: str,
    actor: Actor,
    country: str | None = None,
    accept_warnings: bool = True,
) -> ImportResult:
    """Read, validate and (when clean) publish one file; the kind is taken from its sheets."""
    try:
        raw = read_sqlite(data, settings=settings) if data.startswith(SQLITE_MAGIC) else None
        raw = raw or read_workbook(data, settings=settings)
    except WorkbookError as err:
        return ImportResult(file_name, "results", Report.from_error(err))
    kind = detect_kind(raw)
    with paused_gc():
        if kind == "results":
            return _import_results(engine, raw, data, file_name, actor, country, accept_warnings)
        return _import_meeting(engine, kind, raw, data, file_name, actor, accept_warnings)


def _blocked(report: Report, accept_warnings: bool) -> bool:
    return not report.ok or (bool(report.warnings) and not accept_warnings)


def _import_results(
    engine: Engine,
    raw: RawWorkbook,
    data: bytes,
    file_name: str,
    actor: Actor,
    country: str | None,
    accept_warnings: bool,
) -> ImportResult:
    with session_scope(engine) as session:
        indicators = list_indicators(session=session)
    frame, report = validate_results(raw, indicators=indicators, expected_country=country)
    if _blocked(report, accept_warnings) or frame.empty:
        if report.ok and frame.empty:
            report = Report([*report.problems, Problem(Code.EMPTY_SHEET, sheet=raw.sheets[0].name)])
        return ImportResult(file_name, "results", report)
    if country is None:  # no country asked for (an organizer's import): each country in the file
        outcomes = publish_countries(engine=engine, frame=frame, file_name=file_name, data=data, actor=actor)
        return ImportResult(file_name, "results", report, outcomes)
    outcome = publish_results(
        engine=engine, frame=frame, country_iso3=country, file_name=file_name, data=data, actor=actor
    )
    return ImportResult(file_name, "results", report, (outcome,))


def _import_meeting(
    engine: Engine,
    kind: str,
    raw: RawWorkbook,
    data: bytes,
    file_name: str,
    actor: Actor,
    accept_warnings: bool,
) -> ImportResult:
    with session_scope(engine) as session:
        groups = meeting.list_group_codes(session=session)
        indicators = list_indicators(session=session)
    if kind == "roster":
        group_frame, members, report = read_roster(raw, known_groups=groups)
        if _blocked(report, accept_warnings):
            return ImportResult(file_name, kind, report)
        outcome = meeting.publish_roster(
            engine=engine, groups=group_frame, members=members, actor=actor, file_name=file_name, data=data
        )
        return ImportResult(file_name, kind, report, (outcome,))
    actions, report = read_actions(raw, known_groups=groups, indicators=indicators)
    if _blocked(report, accept_warnings):
        return ImportResult(file_name, kind, report)
    outcome = meeting.publish_actions(
        engine=engine, actions=actions, actor=actor, file_name=file_name, data=data
    )
    return ImportResult(file_name, kind, report, (outcome,))


def read_sqlite(data: bytes, *, settings: Settings) -> RawWorkbook:
    """An external SQLite database's `results` table, as a sheet the workbook rules apply to."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.db"
        path.write_bytes(data)
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
            try:
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                table = next((name for name in tables if fold(name) in {"results", "resultados"}), None)
                if table is None:
                    raise WorkbookError(Code.MISSING_SHEET, wanted="results", found=sorted(tables))
                cursor = conn.execute(f'SELECT * FROM "{table}" LIMIT ?', (settings.max_rows + 1,))
                header = [d[0] for d in cursor.description]
                rows = [list(r) for r in cursor.fetchall()]
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            raise WorkbookError(Code.CORRUPT_FILE) from None
    if len(rows) > settings.max_rows:
        raise WorkbookError(Code.TOO_MANY_ROWS, sheet=table, rows=len(rows), limit=settings.max_rows)
    return RawWorkbook("sqlite", [RawSheet(table, True, [header, *rows])])
