"""Storing working groups, rosters and joint actions from validated frames, and follow-ups on actions.

Layer: data_access. An import adds and updates by stable keys (group code, person name and
country, action code) and never deletes; a changed action status leaves a history entry, as does
every follow-up posted by an organizer or a country the action names (lead or peer reviewer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel, col

from data_access.core.actors import COORDINATOR, Actor, require_organizer
from data_access.core.audit import record_audit, sha256_of
from data_access.core.errors import EncuentroError, NotAllowed, NotFound
from data_access.core.i18n import fold
from data_access.core.models import ActionUpdate, JointAction, Member, Membership, UploadedFile, WorkingGroup
from data_access.core.store import bump_data_version, session_scope
from data_access.workbooks.columns import ACTION_STATUSES, COMPLETIONS, GROUPS

MAX_NOTE = 4000  # as long as an action's description may be


@dataclass(frozen=True)
class MeetingOutcome:
    kind: str  # roster, actions
    created: int
    updated: int


def list_group_codes(*, session: Session) -> list[str]:
    """Codes of the working groups in the store, for validating rosters and actions."""
    return list(session.execute(select(col(WorkingGroup.code))).scalars())


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain Python values, NaN as None."""
    return [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]


def _apply(obj: SQLModel, values: dict[str, object]) -> bool:
    """Set changed attributes; True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _keep_original(session: Session, kind: str, file_name: str, data: bytes, actor: Actor) -> None:
    session.add(
        UploadedFile(
            kind=kind, file_name=file_name, sha256=sha256_of(data), uploader=actor.username, original=data
        )
    )


GROUP_FIELDS = tuple(col.code for col in GROUPS.columns if col.code != "code")
MEMBER_FIELDS = ("institution", "position", "email", "phone", "fictional")


def _upsert_groups(session: Session, groups: Iterable[dict[str, object]]) -> tuple[int, int]:
    existing = {g.code: g for g in session.execute(select(WorkingGroup)).scalars()}
    created = updated = 0
    for row in groups:
        values: dict[str, Any] = {f: row.get(f) or "" for f in GROUP_FIELDS}
        group = existing.get(str(row["code"]))
        if group is None:
            session.add(WorkingGroup(code=str(row["code"]), **values))
            created += 1
        elif _apply(group, values):
            updated += 1
    session.flush()
    return created, updated


def _upsert_members(session: Session, members: list[dict[str, object]]) -> tuple[int, int]:
    groups = {g.code: g.id for g in session.execute(select(WorkingGroup)).scalars()}
    people = {(fold(m.name), m.country_iso3): m for m in session.execute(select(Member)).scalars()}
    links = {(m.group_id, m.member_id): m for m in session.execute(select(Membership)).scalars()}
    created = updated = 0
    for row in members:
        key = (fold(row["name"]), row.get("country"))
        values: dict[str, Any] = {
            f: (bool(row.get(f)) if f == "fictional" else row.get(f) or "") for f in MEMBER_FIELDS
        }
        person = people.get(key)
        if person is None:
            country = cast("str | None", row.get("country"))  # validated: a code or None
            person = Member(name=str(row["name"]).strip(), country_iso3=country, **values)
            session.add(person)
            session.flush()
            people[key] = person
            created += 1
        elif _apply(person, values):
            updated += 1
        assert person.id is not None  # stored, or given by the flush above
        link_key = (groups[str(row["group"])], person.id)
        role = str(row.get("role") or "member")
        if link_key not in links:
            links[link_key] = Membership(group_id=link_key[0], member_id=person.id, role=role)
            session.add(links[link_key])
        elif _apply(links[link_key], {"role": role}):
            updated += 1
    return created, updated


def publish_roster(
    *, engine: Engine, groups: pd.DataFrame, members: pd.DataFrame, actor: Actor, file_name: str, data: bytes
) -> MeetingOutcome:
    """Add or update working groups, people and memberships in one transaction."""
    require_organizer(actor)
    with session_scope(engine) as session:
        g_created, g_updated = _upsert_groups(session, _records(groups))
        m_created, m_updated = _upsert_members(session, _records(members))
        _keep_original(session, "roster", file_name, data, actor)
        created, updated = g_created + m_created, g_updated + m_updated
        record_audit(
            session=session,
            actor=actor.username,
            action="import-roster",
            entity="roster",
            entity_id=file_name,
            created=created,
            updated=updated,
        )
        bump_data_version(session=session)
    return MeetingOutcome("roster", created, updated)


ACTION_FIELDS = {
    "title": "title",
    "description": "description",
    "theme": "theme",
    "theme_pt": "theme_pt",
    "theme_en": "theme_en",
    "lead_country": "lead_country_iso3",
    "reviewer_country": "reviewer_country_iso3",
    "due_date": "due_date",
    "status": "status",
    "completion": "completion",
    "evidence_indicator": "evidence_indicator",
    "evidence_country": "evidence_country_iso3",
}


def _action_values(row: dict[str, object], groups: dict[str, int | None]) -> dict[str, Any]:
    values = {attr: row.get(col) for col, attr in ACTION_FIELDS.items()}
    values["status"] = values["status"] or "proposed"
    values["completion"] = values["completion"] or "not_started"
    for text_field in ("description", "theme", "theme_pt", "theme_en"):
        values[text_field] = values[text_field] or ""
    participants = row.get("participants") or []
    values["participants"] = (
        ",".join(participants) if isinstance(participants, list | tuple) else str(participants)
    )
    values["group_id"] = groups.get(str(row.get("group"))) if row.get("group") else None
    return values


def _upsert_actions(
    session: Session, actions: list[dict[str, object]], author: str, note: str
) -> tuple[int, int]:
    groups = {g.code: g.id for g in session.execute(select(WorkingGroup)).scalars()}
    existing = {a.code: a for a in session.execute(select(JointAction)).scalars()}
    created = updated = 0
    for row in actions:
        values = _action_values(row, groups)
        action = existing.get(str(row["code"]))
        before = None if action is None else (action.status, action.completion)
        if action is None:
            action = JointAction(code=str(row["code"]), **values)
            session.add(action)
            session.flush()
            created += 1
        elif _apply(action, values):
            updated += 1
        if before != (action.status, action.completion):
            _add_history(session, action, author, note)
    return created, updated


def _add_history(session: Session, action: JointAction, author: str, note: str) -> None:
    assert action.id is not None  # stored, or given by a flush
    session.add(
        ActionUpdate(
            action_id=action.id,
            author=author,
            status=action.status,
            completion=action.completion,
            note=note,
        )
    )


def publish_actions(
    *, engine: Engine, actions: pd.DataFrame, actor: Actor, file_name: str, data: bytes
) -> MeetingOutcome:
    """Add or update joint actions by code; status or completion changes enter the history."""
    require_organizer(actor)
    with session_scope(engine) as session:
        created, updated = _upsert_actions(session, _records(actions), actor.username, file_name)
        _keep_original(session, "actions", file_name, data, actor)
        record_audit(
            session=session,
            actor=actor.username,
            action="import-actions",
            entity="actions",
            entity_id=file_name,
            created=created,
            updated=updated,
        )
        bump_data_version(session=session)
    return MeetingOutcome("actions", created, updated)


class InvalidActionStatus(EncuentroError):
    """A status or completion outside the vocabularies of data_access.workbooks.columns."""

    key = "invalid_action_status"


class NoteTooLong(EncuentroError):
    key = "note_too_long"


def _check_update(status: str, completion: str, note: str) -> None:
    if status not in ACTION_STATUSES:
        raise InvalidActionStatus(value=status, allowed=", ".join(ACTION_STATUSES))
    if completion not in COMPLETIONS:
        raise InvalidActionStatus(value=completion, allowed=", ".join(COMPLETIONS))
    if len(note) > MAX_NOTE:
        raise NoteTooLong(maximum=MAX_NOTE)


def can_follow_up(actor: Actor, *, lead: str | None, reviewer: str | None) -> bool:
    """Organizers follow up on any action; a coordinator on those their country leads or reviews."""
    if actor.is_organizer:
        return True
    return actor.role == COORDINATOR and bool(actor.country_iso3) and actor.country_iso3 in (lead, reviewer)


def post_action_update(
    *, engine: Engine, actor: Actor, action_code: str, status: str, completion: str, note: str
) -> None:
    """A follow-up on a joint action: organizers on any, a coordinator on their lead or peer-reviewed ones."""
    if not actor.is_organizer and not (actor.role == COORDINATOR and actor.country_iso3):
        raise NotAllowed()
    note = note.strip()
    _check_update(status, completion, note)
    with session_scope(engine) as session:
        action = session.execute(
            select(JointAction).where(col(JointAction.code) == action_code)
        ).scalar_one_or_none()
        if action is None:
            raise NotFound()
        if not can_follow_up(actor, lead=action.lead_country_iso3, reviewer=action.reviewer_country_iso3):
            raise NotAllowed()
        action.status, action.completion = status, completion
        _add_history(session, action, actor.username, note)
        record_audit(
            session=session,
            actor=actor.username,
            action="update-action",
            entity="action",
            entity_id=action_code,
            status=status,
            completion=completion,
        )
        bump_data_version(session=session)
