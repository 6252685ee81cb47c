"""One entry point for every file people bring: results, roster and actions workbooks, SQLite.

Layer: data_access. Reads safely, validates in one pass, and publishes only a file without
errors; a rejected file changes nothing in the store. check_file stops before publishing (the
upload page's report and preview); import_file runs the same path again, then publishes.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from data_access.core.actors import Actor, require_publish
from data_access.core.catalogues import list_indicators
from data_access.core.i18n import fold
from data_access.core.settings import Settings
from data_access.core.store import read_session
from data_access.meeting import records as meeting
from data_access.meeting.meeting_sheets import read_actions, read_roster
from data_access.publishing.ingest import (
    PublishOutcome,
    active_results_in,
    country_parts,
    publish_countries,
    publish_results,
)
from data_access.publishing.publish_plan import UPDATE, PublishPlan, plan_publish
from data_access.workbooks.columns import ACTIONS, MEMBERS
from data_access.workbooks.problems import Code, Problem, Report, WorkbookError
from data_access.workbooks.sheet_worker import CALAMINE
from data_access.workbooks.validation import validate_results
from data_access.workbooks.workbook import RawSheet, RawWorkbook, paused_gc, read_workbook

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE = "sqlite3"  # the reader named for an SQLite import


def by_second_reader(reader: str) -> bool:
    """Whether READER is the second reader, which read a workbook calamine refused (worth saying)."""
    return reader not in (CALAMINE, SQLITE)


@dataclass(frozen=True)
class ImportResult:
    file_name: str
    kind: str  # results, roster, actions
    report: Report
    outcomes: tuple[PublishOutcome | meeting.MeetingOutcome, ...] = ()  # empty when rejected
    previewed: tuple[PublishPlan, ...] = ()  # a dry run's plans, one per country (nothing written)
    repairs: tuple[str, ...] = ()  # how the package was put in standard form before reading it
    reader: str = CALAMINE  # the second reader's name when calamine could not read the file

    @property
    def published(self) -> bool:
        return bool(self.outcomes)

    @property
    def plans(self) -> tuple[PublishPlan, ...]:
        """What the publish changed per country, or (a dry run) would change."""
        done = tuple(o.plan for o in self.outcomes if isinstance(o, PublishOutcome) and o.plan is not None)
        return done or self.previewed

    @property
    def outcome(self) -> PublishOutcome | meeting.MeetingOutcome | None:
        """The outcome of a one-country (or roster, or actions) file."""
        return self.outcomes[0] if self.outcomes else None


@dataclass(frozen=True)
class CheckedFile:
    """A file read and validated, nothing written: what the upload page reports and previews."""

    file_name: str
    kind: str  # results, roster, actions
    report: Report
    results: pd.DataFrame | None = None  # validated rows ready to publish (results files)
    groups: pd.DataFrame | None = None  # roster files
    members: pd.DataFrame | None = None  # roster files
    actions: pd.DataFrame | None = None  # actions files
    repairs: tuple[str, ...] = ()  # how the package was put in standard form before reading it
    reader: str = CALAMINE  # the second reader's name when calamine could not read the file

    def publishable(self, *, accept_warnings: bool = True) -> bool:
        """No errors (and, unless accepted, no warnings): what import_file would publish."""
        return self.report.ok and (accept_warnings or not self.report.warnings)

    @property
    def countries(self) -> tuple[str, ...]:
        """The countries of a results file's valid rows, sorted."""
        if self.results is None or self.results.empty:
            return ()
        return tuple(sorted(self.results["country_iso3"].unique()))


def detect_kind(raw: RawWorkbook) -> str:
    """A workbook with a members sheet is a roster, one with an actions sheet lists actions."""
    names = {fold(s.name) for s in raw.sheets}
    if names & MEMBERS.sheet_names():
        return "roster"
    if names & ACTIONS.sheet_names():
        return "actions"
    return "results"


def check_file(
    *, engine: Engine, settings: Settings, data: bytes, file_name: str, country: str | None = None
) -> CheckedFile:
    """Read and validate one file without writing anything; the kind is taken from its sheets."""
    with paused_gc():
        return _check(engine, settings, data, file_name, country)


def import_file(
    *,
    engine: Engine,
    settings: Settings,
    data: bytes,
    file_name: str,
    actor: Actor,
    country: str | None = None,
    accept_warnings: bool = True,
    mode: str = UPDATE,
    confirm_removals: bool = False,
) -> ImportResult:
    """Read, validate and (when clean) publish one file; the kind is taken from its sheets.
    Results go in MODE (update keeps what the file leaves out; replace does not); a publish that
    would remove published figures raises RemovalNotConfirmed unless CONFIRM_REMOVALS."""
    if country is not None:  # refused before the file is even read
        require_publish(actor, country)
    with paused_gc():
        checked = _check(engine, settings, data, file_name, country)
        if not checked.publishable(accept_warnings=accept_warnings):
            return ImportResult(
                file_name, checked.kind, checked.report, repairs=checked.repairs, reader=checked.reader
            )
        outcomes = _publish(engine, checked, data, actor, country, mode, confirm_removals)
    return ImportResult(
        file_name, checked.kind, checked.report, outcomes, repairs=checked.repairs, reader=checked.reader
    )


def preview_file(
    *,
    engine: Engine,
    settings: Settings,
    data: bytes,
    file_name: str,
    country: str | None = None,
    mode: str = UPDATE,
) -> ImportResult:
    """What import_file would do, nothing written: the check and, for results, each country's plan."""
    checked = check_file(engine=engine, settings=settings, data=data, file_name=file_name, country=country)
    plans = plan_results(engine, checked, mode) if checked.kind == "results" and checked.report.ok else ()
    return ImportResult(
        file_name,
        checked.kind,
        checked.report,
        previewed=plans,
        repairs=checked.repairs,
        reader=checked.reader,
    )


def plan_results(engine: Engine, checked: CheckedFile, mode: str = UPDATE) -> tuple[PublishPlan, ...]:
    """What publishing a checked results file would make of each of its countries, in MODE,
    against what is published now: the preview and `--dry-run`. Nothing is written."""
    if checked.results is None or checked.results.empty:
        return ()
    with read_session(engine) as session:
        return tuple(
            plan_publish(iso3, active_results_in(session, iso3), part, mode)
            for iso3, part in country_parts(checked.results)
        )


def _check(
    engine: Engine, settings: Settings, data: bytes, file_name: str, country: str | None
) -> CheckedFile:
    try:
        raw = read_sqlite(data, settings=settings) if data.startswith(SQLITE_MAGIC) else None
        raw = raw or read_workbook(data, settings=settings)
    except WorkbookError as err:
        return CheckedFile(file_name, "results", Report.from_error(err))
    kind = detect_kind(raw)
    noted = Report((Problem(Code.MACROS_IGNORED),) if raw.macros else ())
    with read_session(engine) as session:
        indicators = list_indicators(session=session)
        groups = meeting.list_group_codes(session=session)
    if kind == "roster":
        group_frame, members, report = read_roster(raw, known_groups=groups)
        return CheckedFile(
            file_name,
            kind,
            noted + report,
            groups=group_frame,
            members=members,
            repairs=raw.repairs,
            reader=raw.reader,
        )
    if kind == "actions":
        actions, report = read_actions(raw, known_groups=groups, indicators=indicators)
        return CheckedFile(
            file_name, kind, noted + report, actions=actions, repairs=raw.repairs, reader=raw.reader
        )
    frame, report = validate_results(raw, indicators=indicators, expected_country=country)
    if report.ok and frame.empty:
        report = Report((*report.problems, Problem(Code.EMPTY_SHEET, sheet=raw.sheets[0].name)))
    return CheckedFile(file_name, kind, noted + report, results=frame, repairs=raw.repairs, reader=raw.reader)


def _publish(
    engine: Engine,
    checked: CheckedFile,
    data: bytes,
    actor: Actor,
    country: str | None,
    mode: str,
    confirm_removals: bool,
) -> tuple[PublishOutcome | meeting.MeetingOutcome, ...]:
    name = checked.file_name
    if checked.kind == "roster":
        return (
            meeting.publish_roster(
                engine=engine,
                groups=checked.groups,
                members=checked.members,
                actor=actor,
                file_name=name,
                data=data,
            ),
        )
    if checked.kind == "actions":
        return (
            meeting.publish_actions(
                engine=engine, actions=checked.actions, actor=actor, file_name=name, data=data
            ),
        )
    frame = checked.results
    how: dict[str, Any] = {"mode": mode, "confirm_removals": confirm_removals}
    if country is None:  # no country asked for (an organizer's import): each country in the file
        for iso3 in checked.countries:
            require_publish(actor, iso3)
        return publish_countries(engine=engine, frame=frame, file_name=name, data=data, actor=actor, **how)
    return (
        publish_results(
            engine=engine, frame=frame, country_iso3=country, file_name=name, data=data, actor=actor, **how
        ),
    )


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
    return RawWorkbook("sqlite", [RawSheet(table, True, [header, *rows])], reader=SQLITE)
