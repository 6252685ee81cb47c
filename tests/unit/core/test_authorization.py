"""The authorization matrix of issue 3: who may publish, roll back, create accounts and follow up on
actions, checked below the UI on a real store.

Layer: tests (unit). A denied call raises NotAllowed and leaves the store byte for byte as it was
(content_hash); an allowed one changes it. Then the details of following up on a joint action.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from result_workbooks import results_xlsx, row
from sqlalchemy import Engine, select

from data_access.core import accounts
from data_access.core.actors import ANONYMOUS_ACTOR, CLI_ACTOR, COORDINATOR, ORGANIZER, Actor
from data_access.core.errors import NotAllowed, NotFound
from data_access.core.models import ActionUpdate, AuditEvent, JointAction
from data_access.core.settings import Settings
from data_access.core.store import content_hash, get_data_version, session_scope
from data_access.meeting import records as meeting
from data_access.publishing import ingest, versions
from data_access.publishing.imports import import_file

ANONYMOUS = ANONYMOUS_ACTOR
COORDINATOR_PER = Actor("coordinacion-per", COORDINATOR, "PER")
COORDINATOR_COL = Actor("coordinacion-col", COORDINATOR, "COL")
COORDINATOR_CHL = Actor("coordinacion-chl", COORDINATOR, "CHL")
ORGANIZER_ACTOR = Actor("secretaria", ORGANIZER)
ACTION = "A-PER-1"  # led by PER, peer-reviewed by CHL


@pytest.fixture
def store(engine: Engine, settings: Settings) -> tuple[Engine, Settings]:
    """Two versions of PER, one of COL, and a joint action led by PER and reviewed by CHL."""
    for value in (741.22, 745.0):
        _import(engine, settings, CLI_ACTOR, "PER", value)
    _import(engine, settings, CLI_ACTOR, "COL", 700.0)
    with session_scope(engine) as session:
        session.add(
            JointAction(
                code=ACTION,
                title="Reading assessment follow-up",
                lead_country_iso3="PER",
                reviewer_country_iso3="CHL",
                participants="PER,COL",
            )
        )
    return engine, settings


def _import(engine: Engine, settings: Settings, actor: Actor, country: str, value: float):
    data = results_xlsx(row(country=country, value=value))
    result = import_file(
        engine=engine, settings=settings, data=data, file_name=f"{country}.xlsx", actor=actor, country=country
    )
    assert result.published, result.report.problems
    return result


Operation = Callable[[Engine, Settings, Actor], object]
OPERATIONS: dict[str, Operation] = {
    "publish-PER": lambda e, s, a: _import(e, s, a, "PER", 750.5),
    "publish-COL": lambda e, s, a: _import(e, s, a, "COL", 705.5),
    "rollback-PER": lambda e, s, a: versions.rollback(engine=e, actor=a, country_iso3="PER", version=1),
    "create-user": lambda e, s, a: accounts.create_user(
        engine=e,
        actor=a,
        username="nueva",
        password="a long enough password",
        role=COORDINATOR,
        country_iso3="MEX",
    ),
    "edit-action": lambda e, s, a: meeting.post_action_update(
        engine=e, actor=a, action_code=ACTION, status="in_progress", completion="limited", note="started"
    ),
}
ACTORS = {
    "anonymous": ANONYMOUS,
    "coordinator-PER": COORDINATOR_PER,
    "coordinator-COL": COORDINATOR_COL,
    "organizer": ORGANIZER_ACTOR,
}
# operation -> the actors allowed to do it; everyone else is denied
ALLOWED = {
    "publish-PER": {"coordinator-PER", "organizer"},
    "publish-COL": {"coordinator-COL", "organizer"},
    "rollback-PER": {"coordinator-PER", "organizer"},
    "create-user": {"organizer"},
    "edit-action": {"coordinator-PER", "organizer"},
}
MATRIX = [
    pytest.param(actor, operation, actor in ALLOWED[operation], id=f"{actor}-{operation}")
    for actor in ACTORS
    for operation in OPERATIONS
]


def test_the_matrix_covers_every_actor_and_operation():
    assert len(MATRIX) == len(ACTORS) * len(OPERATIONS) == 20
    assert sum(allowed for _, _, allowed in (p.values for p in MATRIX)) == 9


@pytest.mark.parametrize(("actor", "operation", "allowed"), MATRIX)
def test_authorization_matrix(store, actor: str, operation: str, allowed: bool):
    engine, settings = store
    before = content_hash(engine)
    if allowed:
        OPERATIONS[operation](engine, settings, ACTORS[actor])
        assert content_hash(engine) != before
    else:
        with pytest.raises(NotAllowed):
            OPERATIONS[operation](engine, settings, ACTORS[actor])
        assert content_hash(engine) == before


@pytest.mark.parametrize(
    ("actor", "country"),
    [
        (ANONYMOUS, "PER"),
        (COORDINATOR_COL, "PER"),
        (COORDINATOR_PER, "COL"),
        (Actor("x", COORDINATOR), "PER"),
    ],
    ids=["anonymous", "col-for-per", "per-for-col", "coordinator-without-country"],
)
def test_publishing_itself_refuses_other_countries(store, actor: Actor, country: str):
    """ingest.publish_results is public: it must check the actor, not only import_file."""
    engine, _ = store
    frame = pd.DataFrame(
        [
            {
                "country_iso3": country,
                "indicator_code": "score_mean",
                "year": 2019,
                "group": "total",
                "value": 1.0,
            }
        ]
    )
    before = content_hash(engine)
    with pytest.raises(NotAllowed):
        ingest.publish_results(
            engine=engine, frame=frame, country_iso3=country, file_name="x.xlsx", data=b"x", actor=actor
        )
    assert content_hash(engine) == before


def test_a_coordinator_cannot_import_another_countrys_rows_without_naming_a_country(store):
    engine, settings = store
    before = content_hash(engine)
    with pytest.raises(NotAllowed):
        import_file(
            engine=engine,
            settings=settings,
            data=results_xlsx(row(country="COL", value=701.0)),
            file_name="COL.xlsx",
            actor=COORDINATOR_PER,
        )
    assert content_hash(engine) == before


def _history(engine: Engine) -> list[tuple[str, str, str, str]]:
    query = (
        select(ActionUpdate.author, ActionUpdate.status, ActionUpdate.completion, ActionUpdate.note)
        .join(JointAction, JointAction.id == ActionUpdate.action_id)
        .where(JointAction.code == ACTION)
        .order_by(ActionUpdate.id)
    )
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query)]


def test_the_peer_reviewer_follows_up_and_leaves_a_history(store):
    engine, _ = store
    version = get_data_version(engine)
    meeting.post_action_update(
        engine=engine,
        actor=COORDINATOR_CHL,
        action_code=ACTION,
        status="done",
        completion="complete",
        note="  ok ",
    )
    assert _history(engine) == [("coordinacion-chl", "done", "complete", "ok")]
    assert get_data_version(engine) == version + 1
    with engine.connect() as conn:
        action = conn.execute(select(JointAction).where(JointAction.code == ACTION)).one()
        audit = conn.execute(select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.actor)).all()
    assert (action.status, action.completion) == ("done", "complete")
    assert ("update-action", ACTION, "coordinacion-chl") in [tuple(a) for a in audit]


@pytest.mark.parametrize(
    ("status", "completion", "note", "error"),
    [
        ("finished", "limited", "", meeting.InvalidActionStatus),
        ("in progress", "limited", "", meeting.InvalidActionStatus),
        ("in_progress", "half", "", meeting.InvalidActionStatus),
        ("in_progress", "limited", "x" * (meeting.MAX_NOTE + 1), meeting.NoteTooLong),
    ],
    ids=["unknown-status", "status-label-not-code", "unknown-completion", "long-note"],
)
def test_a_follow_up_with_an_unknown_value_is_refused(store, status, completion, note, error):
    engine, _ = store
    before = content_hash(engine)
    with pytest.raises(error) as raised:
        meeting.post_action_update(
            engine=engine,
            actor=ORGANIZER_ACTOR,
            action_code=ACTION,
            status=status,
            completion=completion,
            note=note,
        )
    assert raised.value.message("es") and raised.value.message("pt") and raised.value.message("en")
    assert content_hash(engine) == before


def test_a_follow_up_on_a_missing_action_is_not_found(store):
    engine, _ = store
    with pytest.raises(NotFound):
        meeting.post_action_update(
            engine=engine,
            actor=ORGANIZER_ACTOR,
            action_code="nope",
            status="done",
            completion="complete",
            note="",
        )


def test_anonymous_is_refused_before_the_action_is_looked_up(store):
    engine, _ = store
    with pytest.raises(NotAllowed):
        meeting.post_action_update(
            engine=engine, actor=ANONYMOUS, action_code="nope", status="done", completion="complete", note=""
        )


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        (ORGANIZER_ACTOR, True),
        (COORDINATOR_PER, True),
        (COORDINATOR_CHL, True),
        (COORDINATOR_COL, False),  # a participant, neither lead nor reviewer
        (Actor("x", COORDINATOR), False),
        (ANONYMOUS, False),
    ],
    ids=["organizer", "lead", "reviewer", "participant", "coordinator-without-country", "anonymous"],
)
def test_can_follow_up_is_the_rule_post_action_update_applies(actor, allowed):
    assert meeting.can_follow_up(actor, lead="PER", reviewer="CHL") is allowed
    assert meeting.can_follow_up(actor, lead=None, reviewer=None) is actor.is_organizer
