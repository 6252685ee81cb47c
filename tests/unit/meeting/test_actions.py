"""Joint actions below the UI: the list query, history after a follow-up, in-app edits checked like
a workbook, the iCalendar file, and exports where text stays text."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from data_access.core.actors import CLI_ACTOR, Actor
from data_access.core.errors import NotAllowed
from data_access.core.store import get_data_version
from data_access.meeting.action_edit import (
    get_edit_references,
    save_action_edits,
    to_edit_frame,
    validate_action_edits,
)
from data_access.meeting.actions import (
    export_actions_csv,
    export_actions_xlsx,
    filter_actions,
    list_action_history,
    list_actions,
    to_ical,
)
from data_access.meeting.records import post_action_update
from data_access.publishing.imports import import_file
from data_access.workbooks.problems import Code

SAMPLE = Path(__file__).resolve().parents[3] / "sample_data"
DANGEROUS = ('=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)")


@pytest.fixture
def meeting(engine, settings):
    """A store with the sample roster and actions, imported as the command line does."""
    for name in ("roster.xlsx", "actions.xlsx"):
        path = SAMPLE / name
        result = import_file(
            engine=engine, settings=settings, data=path.read_bytes(), file_name=name, actor=CLI_ACTOR
        )
        assert result.published, result.report.problems
    return engine


def test_list_actions_gives_codes_lists_and_evidence(meeting):
    actions = list_actions(meeting)
    assert list(actions["code"]) == [f"A{i:02d}" for i in range(1, 11)]
    first = actions.iloc[0]
    assert first["group"] == "recovery" and first["lead_country"] == "PER"
    assert first["participants"] == ["PER", "COL", "ECU", "DOM"]
    assert first["reviewer_country"] == "COL" and first["due_date"] == date(2027, 3, 31)
    assert (first["evidence_indicator"], first["evidence_country"]) == ("min_proficiency_pct", "PER")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "done"}, {"A04", "A09"}),
        ({"group": "ser"}, {"A04", "A05"}),
        ({"country": "URY"}, {"A04", "A05", "A07"}),
        ({"country": "URY", "status": "agreed"}, {"A07"}),
    ],
)
def test_filters(meeting, filters, expected):
    assert set(filter_actions(list_actions(meeting), **filters)["code"]) == expected


def test_follow_up_enters_the_history_newest_first(meeting):
    before = get_data_version(meeting)
    peru = Actor("per", "coordinator", "PER")
    post_action_update(
        engine=meeting, actor=peru, action_code="A01", status="done", completion="complete", note=" ok "
    )
    history = list_action_history(meeting, "A01")
    assert list(history["author"]) == ["per", "cli"]
    assert (history.iloc[0]["status"], history.iloc[0]["completion"], history.iloc[0]["note"]) == (
        "done",
        "complete",
        "ok",
    )
    assert get_data_version(meeting) > before
    with pytest.raises(NotAllowed):  # Argentina neither leads nor reviews A01
        post_action_update(
            engine=meeting,
            actor=Actor("arg", "coordinator", "ARG"),
            action_code="A01",
            status="done",
            completion="complete",
            note="",
        )


def _edited(meeting, changes: dict[tuple[int, str], object]):
    frame = to_edit_frame(list_actions(meeting), "es")
    for (row, column), value in changes.items():
        frame.loc[row, column] = value
    groups, indicators = get_edit_references(meeting)
    return validate_action_edits(frame, known_groups=groups, indicators=indicators, lang="es")


def test_edits_report_every_refused_value_with_row_and_column_and_change_nothing(meeting):
    before = list_actions(meeting)
    clean, report = _edited(
        meeting,
        {(0, "status"): "bogus", (1, "lead_country"): "Narnia", (2, "due_date"): "31/02/2027"},
    )
    found = {(p.code, p.row, p.column, p.value) for p in report.errors}
    assert found == {
        (Code.UNKNOWN_STATUS, 1, "estado", "bogus"),
        (Code.UNKNOWN_COUNTRY, 2, "país líder", "Narnia"),
        (Code.INVALID_DATE, 3, "fecha límite", "31/02/2027"),
    }
    assert len(clean) == len(before) - 3
    assert list_actions(meeting).equals(before)


def test_clean_edits_save_with_history(meeting):
    clean, report = _edited(meeting, {(1, "status"): "en curso", (1, "title"): "Banco de ítems"})
    assert report.ok
    with pytest.raises(NotAllowed):
        save_action_edits(engine=meeting, actor=Actor("per", "coordinator", "PER"), clean=clean, lang="es")
    outcome = save_action_edits(engine=meeting, actor=CLI_ACTOR, clean=clean, lang="es")
    assert (outcome.created, outcome.updated) == (0, 1)
    a02 = list_actions(meeting).set_index("code").loc["A02"]
    assert (a02["status"], a02["title"]) == ("in_progress", "Banco de ítems")
    assert list_action_history(meeting, "A02").iloc[0]["status"] == "in_progress"


def test_ical_has_one_event_per_due_date(meeting):
    actions = list_actions(meeting)
    actions.loc[7, "due_date"] = None
    text = to_ical(actions, stamp=datetime(2026, 11, 27, tzinfo=UTC)).decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == len(actions) - 1
    assert "DTSTART;VALUE=DATE:20270331\r\n" in text and "UID:A01@encuentro" in text
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))


def _dangerous_actions(meeting):
    actions = list_actions(meeting).head(len(DANGEROUS)).copy()
    actions["title"] = list(DANGEROUS)
    actions["description"] = list(DANGEROUS)
    return actions


def test_xlsx_export_keeps_formula_like_text_as_text(meeting):
    data = export_actions_xlsx(_dangerous_actions(meeting), "en")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["actions"]
    titles = [sheet.cell(row=r, column=2) for r in range(2, 2 + len(DANGEROUS))]
    assert [c.value for c in titles] == list(DANGEROUS)
    assert {c.data_type for c in titles} == {"s"}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")


def test_csv_export_neutralises_formula_like_text(meeting):
    data = export_actions_csv(_dangerous_actions(meeting))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["'" + v for v in DANGEROUS]
    assert rows[0]["participants"] == "PER, COL, ECU, DOM"
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
