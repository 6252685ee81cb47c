"""Publishing validated results: a new version per country in one transaction, bulk inserts only.

Layer: data_access. Nothing is overwritten or deleted: the previous version is marked
superseded, the original file's bytes are kept, an audit event is written and the data
version is bumped, all in the same transaction. What the new version holds is planned in that
transaction (publish_plan): an update keeps the figures the file leaves out, a removal of
published figures is refused unless confirmed, and the same figures make no new version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Select, Table, func, insert, select, update
from sqlmodel import Session, col

from data_access.core.actors import Actor, require_publish
from data_access.core.audit import record_audit, sha256_of
from data_access.core.errors import EncuentroError
from data_access.core.models import Observation, Submission
from data_access.core.store import bump_data_version, session_scope
from data_access.publishing.publish_plan import REMOVED, UPDATE, PublishPlan, plan_publish

OBSERVATION_TABLE: Table = Observation.__table__  # type: ignore[attr-defined]  # SQLModel sets it at run time
OBSERVATION_COLUMNS = (
    "country_iso3",
    "indicator_code",
    "year",
    "grade",
    "subject",
    "group",
    "value",
    "se",
    "ci_low",
    "ci_high",
    "n",
    "source",
    "note",
)
RESULT_DTYPES = {
    "country_iso3": "object",
    "indicator_code": "object",
    "year": "int64",
    "grade": "Int64",
    "subject": "object",
    "group": "object",
    "value": "float64",
    "se": "float64",
    "ci_low": "float64",
    "ci_high": "float64",
    "n": "Int64",
    "source": "object",
    "note": "object",
}


class RemovalNotConfirmed(EncuentroError):
    """The publish would remove published figures and nobody confirmed it; nothing was written."""

    key = "removal_not_confirmed"


@dataclass(frozen=True)
class PublishOutcome:
    country_iso3: str
    version: int
    submission_id: int
    row_count: int
    unchanged: bool  # the figures are already the active version's: no new version was made
    plan: PublishPlan | None = None  # what the publish changed (None for a rollback)


def results_query(*conditions: ColumnElement[bool]) -> Select:
    """Observations in the canonical columns, of the submissions CONDITIONS pick, in file order."""
    return (
        select(*(OBSERVATION_TABLE.c[name] for name in OBSERVATION_COLUMNS))
        .join(Submission, col(Submission.id) == col(Observation.submission_id))
        .where(*conditions)
        .order_by(col(Observation.id))
    )


def results_frame(rows: Sequence[object]) -> pd.DataFrame:
    """Rows of results_query as a frame with the canonical dtypes."""
    return pd.DataFrame(rows, columns=list(OBSERVATION_COLUMNS)).astype(RESULT_DTYPES)


def to_observation_columns(frame: pd.DataFrame) -> dict[str, list[object]]:
    """Plain Python values per column (never numpy scalars, which SQLite would store as BLOBs)."""
    out: dict[str, list[object]] = {}
    for name in OBSERVATION_COLUMNS:
        if name not in frame:
            out[name] = [None] * len(frame)
            continue
        series = frame[name]
        if name in ("year", "grade", "n"):
            series = series.astype("Int64")  # floats such as 2019.0 become ints
        elif name in ("value", "se", "ci_low", "ci_high"):
            series = series.astype("float64")
        out[name] = series.to_numpy(dtype=object, na_value=None).tolist()
    return out


def insert_observations(*, session: Session, submission_id: int, frame: pd.DataFrame) -> int:
    """Bulk insert through the driver's executemany: 100,000 rows in a fraction of a second."""
    columns = {"submission_id": [submission_id] * len(frame), **to_observation_columns(frame)}
    if not len(frame):
        return 0
    conn = session.connection()
    compiled = insert(OBSERVATION_TABLE).compile(dialect=conn.dialect, column_keys=list(columns))
    rows = zip(*columns.values(), strict=True)
    if compiled.positional:  # SQLite: tuples streamed to the driver in this transaction, no dicts
        order = [columns[key] for key in compiled.positiontup or ()]
        driver = conn.connection.driver_connection
        assert driver is not None  # a live connection inside this transaction
        cursor = driver.cursor()
        try:
            cursor.executemany(compiled.string, zip(*order, strict=True))
        finally:
            cursor.close()
    else:
        conn.execute(insert(OBSERVATION_TABLE), [dict(zip(columns, row, strict=True)) for row in rows])
    return len(frame)


def get_active_submission(*, session: Session, country_iso3: str) -> Submission | None:
    """The version now published for a country, if any."""
    query = select(Submission).where(
        col(Submission.country_iso3) == country_iso3, col(Submission.status) == "active"
    )
    return session.execute(query).scalars().first()


def active_results_in(session: Session, country_iso3: str) -> pd.DataFrame:
    """COUNTRY_ISO3's published figures as this transaction sees them (empty when none)."""
    query = results_query(col(Submission.country_iso3) == country_iso3, col(Submission.status) == "active")
    return results_frame(session.execute(query).fetchall())


def publish_results(
    *,
    engine: Engine,
    frame: pd.DataFrame,
    country_iso3: str,
    file_name: str,
    data: bytes,
    actor: Actor,
    mode: str = UPDATE,
    confirm_removals: bool = False,
) -> PublishOutcome:
    """Publish FRAME for COUNTRY_ISO3 in MODE (update or replace), keeping DATA as the original.
    Raises RemovalNotConfirmed, writing nothing, when figures would go and CONFIRM_REMOVALS is off."""
    with session_scope(engine) as session:
        outcome = _publish_country(
            session, frame, country_iso3, file_name, data, actor, mode, confirm_removals
        )
        if not outcome.unchanged:
            bump_data_version(session=session)
        return outcome


def publish_countries(
    *,
    engine: Engine,
    frame: pd.DataFrame,
    file_name: str,
    data: bytes,
    actor: Actor,
    mode: str = UPDATE,
    confirm_removals: bool = False,
) -> tuple[PublishOutcome, ...]:
    """A file holding several countries (an export, say): each country it names, one transaction;
    countries it does not name are left as they are."""
    with session_scope(engine) as session:
        outcomes = tuple(
            _publish_country(session, part, iso3, file_name, data, actor, mode, confirm_removals)
            for iso3, part in country_parts(frame)
        )
        if not all(o.unchanged for o in outcomes):
            bump_data_version(session=session)
        return outcomes


def country_parts(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """FRAME's rows per country, countries sorted."""
    countries = frame["country_iso3"].unique()
    if len(countries) == 1:
        return [(str(countries[0]), frame)]
    return [(str(iso3), part) for iso3, part in frame.groupby("country_iso3", sort=True)]


def _publish_country(
    session: Session,
    frame: pd.DataFrame,
    country_iso3: str,
    file_name: str,
    data: bytes,
    actor: Actor,
    mode: str,
    confirm_removals: bool,
) -> PublishOutcome:
    require_publish(actor, country_iso3)  # below every UI: no caller can forget it
    digest = sha256_of(data)
    active = get_active_submission(session=session, country_iso3=country_iso3)
    plan = plan_publish(country_iso3, active_results_in(session, country_iso3), frame, mode)
    if active is not None and not plan.changes_content:
        assert active.id is not None  # a stored row
        return PublishOutcome(country_iso3, active.version, active.id, active.row_count, True, plan)
    removed = plan.counts[REMOVED]
    if removed and not confirm_removals:
        raise RemovalNotConfirmed(country=country_iso3, count=removed)
    last = session.execute(
        select(func.max(col(Submission.version))).where(col(Submission.country_iso3) == country_iso3)
    ).scalar()
    if active is not None:
        session.execute(update(Submission).where(col(Submission.id) == active.id).values(status="superseded"))
    submission = Submission(
        country_iso3=country_iso3,
        version=(last or 0) + 1,
        file_name=file_name,
        sha256=digest,
        uploader=actor.username,
        row_count=len(plan.result),
        status="active",
        original=data,
    )
    session.add(submission)
    session.flush()
    assert submission.id is not None  # given by the flush
    count = insert_observations(session=session, submission_id=submission.id, frame=plan.result)
    record_audit(
        session=session,
        actor=actor.username,
        action="publish",
        entity="submission",
        entity_id=str(submission.id),
        country=country_iso3,
        version=submission.version,
        rows=count,
        file_name=file_name,
        sha256=digest,
        mode=mode,
        **plan.counts,
    )
    return PublishOutcome(country_iso3, submission.version, submission.id, count, False, plan)
