"""A country's published versions: the history, the kept original files, and rolling back.

Layer: data_access. A rollback is a new version copying an older one's rows in the database
(one INSERT ... SELECT); nothing is deleted, and the version it replaces is only superseded.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import ColumnElement, Engine, func, insert, literal, select, update
from sqlmodel import Session, col

from data_access.core.actors import COORDINATOR, Actor, require_publish
from data_access.core.audit import record_audit
from data_access.core.errors import EncuentroError, NotAllowed, NotFound
from data_access.core.models import Submission
from data_access.core.store import bump_data_version, session_scope
from data_access.publishing.ingest import (
    OBSERVATION_COLUMNS,
    OBSERVATION_TABLE,
    PublishOutcome,
    get_active_submission,
    results_frame,
    results_query,
)

VERSION_COLUMNS = (
    "id",
    "version",
    "created_at",
    "uploader",
    "file_name",
    "row_count",
    "status",
    "sha256",
    "note",
)
ROLLBACK_NOTE = "rollback:{version}"  # col(Submission.note) of a restored version (the UI translates it)


class AlreadyActive(EncuentroError):
    """Rolling back to the version that is already published would change nothing."""

    key = "already_active"


def list_versions(engine: Engine, country_iso3: str) -> pd.DataFrame:
    """Every version of a country's results, newest first (without the kept bytes)."""
    query = (
        select(*(getattr(Submission, name) for name in VERSION_COLUMNS))
        .where(col(Submission.country_iso3) == country_iso3)
        .order_by(col(Submission.version).desc())
    )
    with engine.connect() as conn:
        rows = conn.execute(query).fetchall()
    return pd.DataFrame(rows, columns=list(VERSION_COLUMNS))


def get_original(engine: Engine, *, actor: Actor, submission_id: int) -> tuple[str, bytes]:
    """The file name and exact bytes a version was published from; a coordinator's own country only."""
    if not actor.is_organizer and actor.role != COORDINATOR:
        raise NotAllowed()
    query = select(col(Submission.file_name), col(Submission.original), col(Submission.country_iso3)).where(
        col(Submission.id) == submission_id
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise NotFound()
    require_publish(actor, row.country_iso3)
    return row.file_name, bytes(row.original)


def _results_frame(engine: Engine, *conditions: ColumnElement[bool]) -> pd.DataFrame:
    with engine.connect() as conn:
        return results_frame(conn.execute(results_query(*conditions)).fetchall())


def active_results(engine: Engine, country_iso3: str) -> pd.DataFrame:
    """The published version's observations in the canonical columns (empty when none)."""
    return _results_frame(
        engine, col(Submission.country_iso3) == country_iso3, col(Submission.status) == "active"
    )


def list_version_results(engine: Engine, country_iso3: str, version: int) -> pd.DataFrame:
    """One version's observations, active or superseded, in the canonical columns."""
    return _results_frame(
        engine, col(Submission.country_iso3) == country_iso3, col(Submission.version) == version
    )


def rollback(*, engine: Engine, actor: Actor, country_iso3: str, version: int) -> PublishOutcome:
    """Publish again an older VERSION as a new version, in one transaction; nothing is deleted."""
    require_publish(actor, country_iso3)
    with session_scope(engine) as session:
        target = session.execute(
            select(Submission).where(
                col(Submission.country_iso3) == country_iso3, col(Submission.version) == version
            )
        ).scalar_one_or_none()
        if target is None:
            raise NotFound()
        active = get_active_submission(session=session, country_iso3=country_iso3)
        # The same bytes are already published (v3 restored from v1, then v1 asked for again).
        if active is not None and (active.id == target.id or active.sha256 == target.sha256):
            raise AlreadyActive(version=version)
        restored = _restore(session, target, active, actor)
        bump_data_version(session=session)
        return restored


def _restore(session: Session, target: Submission, active: Submission | None, actor: Actor) -> PublishOutcome:
    last = session.execute(
        select(func.max(col(Submission.version))).where(col(Submission.country_iso3) == target.country_iso3)
    ).scalar_one()
    if active is not None:
        session.execute(update(Submission).where(col(Submission.id) == active.id).values(status="superseded"))
    new = Submission(
        country_iso3=target.country_iso3,
        version=last + 1,
        file_name=target.file_name,
        sha256=target.sha256,
        uploader=actor.username,
        row_count=target.row_count,
        status="active",
        original=target.original,
        note=ROLLBACK_NOTE.format(version=target.version),
    )
    session.add(new)
    session.flush()
    assert target.id is not None and new.id is not None  # stored, and given by the flush
    count = _copy_observations(session, source_id=target.id, target_id=new.id)
    record_audit(
        session=session,
        actor=actor.username,
        action="rollback",
        entity="submission",
        entity_id=str(new.id),
        country=target.country_iso3,
        from_version=active.version if active is not None else None,
        to_version=target.version,
        version=new.version,
        rows=count,
    )
    return PublishOutcome(target.country_iso3, new.version, new.id, count, unchanged=False)


def _copy_observations(session: Session, *, source_id: int, target_id: int) -> int:
    """Copy one version's rows to another inside the database: one statement, no Python loop."""
    table = OBSERVATION_TABLE
    columns = [table.c[name] for name in OBSERVATION_COLUMNS]
    rows = select(literal(target_id).label("submission_id"), *columns).where(
        table.c.submission_id == source_id
    )
    session.execute(insert(table).from_select([table.c.submission_id, *columns], rows))
    # Counted, not taken from the cursor: psycopg reports -1 rows for an INSERT ... SELECT here.
    return int(session.execute(select(func.count()).where(table.c.submission_id == target_id)).scalar_one())
