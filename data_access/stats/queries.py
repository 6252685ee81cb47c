"""Read-side queries over the published (active) versions, returned as small DataFrames.

Layer: data_access. Pages never see SQL; components call these through cached loaders.
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlmodel import col

from data_access.core.models import AuditEvent, Indicator, Observation, Submission
from data_access.core.store import read_frame

OBSERVATION_FIELDS = (
    col(Observation.country_iso3), col(Observation.indicator_code), col(Observation.year),
    col(Observation.grade), col(Observation.subject), col(Observation.group), col(Observation.value),
    col(Observation.se), col(Observation.ci_low), col(Observation.ci_high), col(Observation.n),
    col(Observation.source), col(Observation.note),
)  # fmt: skip


def list_published(engine: Engine) -> pd.DataFrame:
    """One row per country with an active version: version, when, who, file, rows, years covered."""
    query = (
        select(
            col(Submission.id),
            col(Submission.country_iso3),
            col(Submission.version),
            col(Submission.created_at),
            col(Submission.uploader),
            col(Submission.file_name),
            col(Submission.row_count),
        )
        .where(col(Submission.status) == "active")
        .order_by(col(Submission.country_iso3))
    )
    frame = read_frame(engine, query)
    years = read_frame(
        engine,
        select(col(Observation.submission_id), col(Observation.year))
        .distinct()
        .join(Submission, col(Submission.id) == col(Observation.submission_id))
        .where(col(Submission.status) == "active"),
    )
    by_submission = years.groupby("submission_id")["year"].agg(lambda s: sorted(int(y) for y in s))
    frame["years"] = [by_submission.get(i, []) for i in frame["id"]]
    return frame.drop(columns="id")


def list_observations(
    engine: Engine,
    *,
    indicator_code: str | None = None,
    year: int | None = None,
    grade: int | None = None,
    subject: str | None = None,
    group: str | None = None,
) -> pd.DataFrame:
    """Published observations, filtered; None means any value of that field."""
    query = (
        select(*OBSERVATION_FIELDS, col(Submission.version), col(Submission.created_at).label("published_at"))
        .join(Submission, col(Submission.id) == col(Observation.submission_id))
        .where(col(Submission.status) == "active")
    )
    for column, wanted in (
        (col(Observation.indicator_code), indicator_code), (col(Observation.year), year),
        (col(Observation.grade), grade), (col(Observation.subject), subject), (col(Observation.group), group),
    ):  # fmt: skip
        if wanted is not None:
            query = query.where(column == wanted)
    return read_frame(engine, query.order_by(col(Observation.country_iso3)))


def list_cuts(engine: Engine) -> pd.DataFrame:
    """The distinct (indicator, year, grade, subject, group) published: what filters may offer."""
    query = (
        select(
            col(Observation.indicator_code),
            col(Observation.year),
            col(Observation.grade),
            col(Observation.subject),
            col(Observation.group),
        )
        .distinct()
        .join(Submission, col(Submission.id) == col(Observation.submission_id))
        .where(col(Submission.status) == "active")
    )
    return read_frame(engine, query)


def list_indicator_frame(engine: Engine) -> pd.DataFrame:
    """The indicator catalogue as stored."""
    return read_frame(engine, select(Indicator).order_by(col(Indicator.domain), col(Indicator.code)))


def count_observations(engine: Engine) -> int:
    """How many published figures the meeting holds."""
    query = (
        select(func.count())
        .select_from(Observation)
        .join(Submission, col(Submission.id) == col(Observation.submission_id))
        .where(col(Submission.status) == "active")
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


# What "latest updates" tells the room: changes to the figures and to the meeting's lists (not
# logins, account or deck edits, which would push them out of the list).
FEED_ACTIONS = ("publish", "rollback", "import-roster", "import-actions")


def list_recent_activity(engine: Engine, limit: int = 8) -> list[dict[str, object]]:
    """The latest writes the overview reports, newest first, with their details decoded."""
    query = (
        select(AuditEvent)
        .where(col(AuditEvent.action).in_(FEED_ACTIONS))
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [{**row, "detail": json.loads(row["detail"] or "{}")} for row in rows]
