"""SQLModel tables for every entity of DESIGN.md: reference, results, meeting, accounts, audit.

Layer: data_access. Table models do not validate, so rows are built through the ingest code,
which hands plain Python values (never numpy scalars) to bulk inserts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Column, Field, SQLModel


def utcnow() -> datetime:
    """Timestamps are stored in UTC; the UI converts for display."""
    return datetime.now(UTC)


class Country(SQLModel, table=True):
    iso3: str = Field(primary_key=True, max_length=3)
    iso2: str = Field(max_length=2, unique=True)
    numeric: str = Field(max_length=3)
    subregion: str = Field(default="")


class Indicator(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=64)
    domain: str = Field(index=True)  # learning, ser, recovery, system
    unit: str  # score, percent, index, count, years
    min_value: float
    max_value: float
    # None: neither way is better (level II is below the minimum in grade 6 and at it in grade 3)
    # (no column default: the ORM would put True in place of an explicit None)
    higher_is_better: bool | None = Field(default=True, sa_column_kwargs={"default": None})
    name_es: str
    name_pt: str
    name_en: str
    description_es: str = ""
    description_pt: str = ""
    description_en: str = ""
    rule_es: str = ""
    rule_pt: str = ""
    rule_en: str = ""
    source: str = ""


class Submission(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    country_iso3: str = Field(foreign_key="country.iso3", index=True)
    version: int
    file_name: str
    sha256: str = Field(index=True, max_length=64)
    uploader: str
    created_at: datetime = Field(default_factory=utcnow)
    row_count: int
    status: str = Field(default="active", index=True)  # active, superseded
    original: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    note: str = ""

    __table_args__ = (UniqueConstraint("country_iso3", "version"),)


class Observation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    country_iso3: str = Field(foreign_key="country.iso3")
    indicator_code: str = Field(foreign_key="indicator.code")
    year: int
    grade: int | None = None
    subject: str | None = None
    group: str = "total"
    value: float
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    source: str | None = None
    note: str | None = None

    __table_args__ = (
        # One index serves both jobs: uniqueness per submission, and the dashboards' lookups by
        # indicator, year, grade and subject (equality on its leading columns, in any order).
        UniqueConstraint(
            "indicator_code", "year", "grade", "subject", "group", "submission_id", name="uq_observation_key"
        ),
    )


class WorkingGroup(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name_es: str
    name_pt: str
    name_en: str
    theme: str = ""  # in Spanish, as the workbook's "tema"; the other languages beside it
    theme_pt: str = ""
    theme_en: str = ""
    description_es: str = ""
    description_pt: str = ""
    description_en: str = ""


class Member(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    country_iso3: str | None = Field(default=None, foreign_key="country.iso3")
    institution: str = ""
    position: str = ""
    email: str = ""
    phone: str = ""
    fictional: bool = False


class Membership(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="workinggroup.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    role: str = "member"  # chair, co-chair, rapporteur, member

    __table_args__ = (UniqueConstraint("group_id", "member_id"),)


class JointAction(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    title: str
    description: str = ""
    theme: str = ""  # in Spanish, as the workbook's "tema"; the other languages beside it
    theme_pt: str = ""
    theme_en: str = ""
    group_id: int | None = Field(default=None, foreign_key="workinggroup.id")
    lead_country_iso3: str | None = Field(default=None, foreign_key="country.iso3")
    participants: str = ""  # comma-separated ISO3 codes
    reviewer_country_iso3: str | None = Field(default=None, foreign_key="country.iso3")
    due_date: date | None = None
    status: str = "proposed"  # proposed, agreed, in_progress, done, dropped
    completion: str = "not_started"  # not_started, limited, substantial, complete
    evidence_indicator: str | None = None
    evidence_country_iso3: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class ActionUpdate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="jointaction.id", index=True)
    author: str
    at: datetime = Field(default_factory=utcnow)
    status: str
    completion: str = ""
    note: str = ""


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    password_hash: str
    role: str  # organizer, coordinator
    country_iso3: str | None = Field(default=None, foreign_key="country.iso3")
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class LoginSession(SQLModel, table=True):
    """An open login: the store keeps the SHA-256 of its random token (the cookie holds the token),
    never the token itself. Nothing is deleted: an ended session keeps when and why it ended."""

    __tablename__ = "login_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime  # last use plus the idle limit; moved on when the session is used
    address: str = Field(default="", max_length=64)  # the client's, as the server saw it at login
    ended_at: datetime | None = Field(default=None, sa_column_kwargs={"default": None})
    ended_why: str = Field(default="", max_length=16)  # logout, disabled, password, organizer


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str
    action: str
    entity: str
    entity_id: str = ""
    detail: str = ""


class DataVersion(SQLModel, table=True):
    """One row; every write bumps it in its own transaction so caches keyed on it stay honest."""

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    updated_at: datetime = Field(default_factory=utcnow)


class MeetingSetting(SQLModel, table=True):
    key: str = Field(primary_key=True, max_length=64)
    value: str = ""


class UploadedFile(SQLModel, table=True):
    """The original bytes of every roster or actions workbook imported (results keep theirs in Submission)."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # roster, actions
    file_name: str
    sha256: str = Field(max_length=64)
    uploader: str
    created_at: datetime = Field(default_factory=utcnow)
    original: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
