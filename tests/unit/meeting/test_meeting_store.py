"""Roster and actions imports into the store: merged people, history on change, idempotent."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from data_access.core.actors import CLI_ACTOR
from data_access.core.models import ActionUpdate, JointAction, Member, Membership, UploadedFile, WorkingGroup
from data_access.core.store import content_hash, get_data_version, session_scope
from data_access.publishing.imports import import_file

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

SAMPLE = Path(__file__).resolve().parents[3] / "sample_data"


def _import(engine, settings, path: Path, data: bytes | None = None):
    return import_file(
        engine=engine,
        settings=settings,
        data=data or path.read_bytes(),
        file_name=path.name,
        actor=CLI_ACTOR,
    )


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_roster_import_creates_groups_people_and_memberships(engine, settings):
    result = _import(engine, settings, SAMPLE / "roster.xlsx")
    assert result.published and result.kind == "roster", result.report.problems
    assert _count(engine, WorkingGroup) == 4
    members_rows = openpyxl.load_workbook(SAMPLE / "roster.xlsx")["members"].max_row - 1
    assert _count(engine, Membership) == members_rows
    # a person who sits in two groups is one member with two memberships
    assert _count(engine, Member) == members_rows - 1
    with session_scope(engine) as session:
        chairs = (
            session.execute(select(Membership.group_id).where(Membership.role == "chair")).scalars().all()
        )
        assert sorted(set(chairs)) == sorted(chairs) and len(chairs) == 4
        assert session.execute(select(UploadedFile.kind)).scalars().all() == ["roster"]


def test_importing_the_same_roster_again_changes_no_member(engine, settings):
    _import(engine, settings, SAMPLE / "roster.xlsx")
    people, links = _count(engine, Member), _count(engine, Membership)
    again = _import(engine, settings, SAMPLE / "roster.xlsx")
    assert (again.outcome.created, again.outcome.updated) == (0, 0)
    assert (_count(engine, Member), _count(engine, Membership)) == (people, links)


def test_actions_import_keeps_a_history_of_status_changes(engine, settings, tmp_path):
    _import(engine, settings, SAMPLE / "roster.xlsx")
    first = _import(engine, settings, SAMPLE / "actions.xlsx")
    assert first.published and first.outcome.created == 10
    assert _count(engine, ActionUpdate) == 10  # one opening entry per action
    book = openpyxl.load_workbook(SAMPLE / "actions.xlsx")
    sheet = book["actions"]
    header = [c.value for c in sheet[1]]
    status_col = header.index("estado") + 1
    code = sheet.cell(row=2, column=1).value
    sheet.cell(row=2, column=status_col).value = "done"
    changed = tmp_path / "actions.xlsx"
    book.save(changed)
    before = get_data_version(engine)
    second = _import(engine, settings, changed)
    assert second.published and (second.outcome.created, second.outcome.updated) == (0, 1)
    assert get_data_version(engine) == before + 1
    with session_scope(engine) as session:
        action = session.execute(select(JointAction).where(JointAction.code == code)).scalar_one()
        history = (
            session.execute(
                select(ActionUpdate.status)
                .where(ActionUpdate.action_id == action.id)
                .order_by(ActionUpdate.id)
            )
            .scalars()
            .all()
        )
    assert action.status == "done" and history[-1] == "done" and len(history) == 2


def test_actions_naming_an_unknown_group_change_nothing(engine, settings):
    """Without the roster the groups do not exist: the actions file is refused whole."""
    before = content_hash(engine)
    result = _import(engine, settings, SAMPLE / "actions.xlsx")
    assert not result.published
    assert {str(p.code) for p in result.report.errors} == {"unknown-working-group"}
    assert content_hash(engine) == before


def test_themes_travel_in_three_languages_and_fall_back_to_spanish(engine, settings):
    """The workbooks' "tema", "tema (pt)" and "tema (en)" reach the store and the reader's language."""
    from data_access.meeting.actions import list_actions
    from data_access.meeting.rosters import list_groups, theme_in

    _import(engine, settings, SAMPLE / "roster.xlsx")
    _import(engine, settings, SAMPLE / "actions.xlsx")
    header = [c.value for c in openpyxl.load_workbook(SAMPLE / "actions.xlsx")["actions"][1]]
    assert {"tema", "tema (pt)", "tema (en)"} <= set(header)
    recovery = list_groups(engine).set_index("code").loc["recovery"]
    assert [theme_in(recovery, lang) for lang in ("es", "pt", "en")] == [
        "Recuperación de aprendizajes", "Recuperação da aprendizagem", "Learning recovery",
    ]  # fmt: skip
    action = list_actions(engine).set_index("code").loc["A01"]
    assert theme_in(action, "en") == "Learning recovery"
    assert theme_in({"theme": "Tema propio", "theme_en": ""}, "en") == "Tema propio"  # not given: Spanish
