"""The audit log as organizers read it: newest first, filtered, limited, and as a safe CSV.

Layer: data_access. Every write records an AuditEvent (ingest.record_audit); this module only reads.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from data_access.core.formatting import neutralize_csv_text
from data_access.core.models import AuditEvent

AUDIT_COLUMNS = ("at", "actor", "action", "entity", "entity_id", "detail")
DEFAULT_LIMIT = 500


def list_audit_events(
    engine: Engine, *, action: str | None = None, actor: str | None = None, limit: int = DEFAULT_LIMIT
) -> pd.DataFrame:
    """The latest LIMIT events, newest first; ACTION and ACTOR filter when given."""
    query = select(*(getattr(AuditEvent, c) for c in AUDIT_COLUMNS))
    if action is not None:
        query = query.where(col(AuditEvent.action) == action)
    if actor is not None:
        query = query.where(col(AuditEvent.actor) == actor)
    query = query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(max(1, limit))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(AUDIT_COLUMNS))


def list_audit_choices(engine: Engine) -> tuple[list[str], list[str]]:
    """The actions and the actors that occur in the log, sorted, for the filters."""
    with engine.connect() as conn:
        actions = list(
            conn.execute(select(col(AuditEvent.action)).distinct().order_by(col(AuditEvent.action))).scalars()
        )
        actors = list(
            conn.execute(select(col(AuditEvent.actor)).distinct().order_by(col(AuditEvent.actor))).scalars()
        )
    return actions, actors


def export_audit_csv(frame: pd.DataFrame) -> bytes:
    """The events as UTF-8 CSV with a BOM; text that a spreadsheet would run as a formula is quoted."""
    out = frame.reindex(columns=list(AUDIT_COLUMNS)).copy()
    out["at"] = [w.isoformat() if hasattr(w, "isoformat") else w for w in out["at"]]
    for column in out.columns:
        out[column] = out[column].map(neutralize_csv_text, na_action="ignore")
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def sha256_of(data: bytes) -> str:
    """The fingerprint kept with every submission, used to recognise a re-upload."""
    return hashlib.sha256(data).hexdigest()


def record_audit(
    *, session: Session, actor: str, action: str, entity: str, entity_id: str, **detail: object
) -> None:
    """Every write leaves a trace of who did what, in the write's own transaction."""
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=json.dumps(detail, default=str),
        )
    )
