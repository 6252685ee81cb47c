"""read_roster and read_actions on in-memory workbooks: codes and locations, and the frames."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.core.catalogues import default_indicators
from data_access.meeting.meeting_sheets import read_actions, read_roster
from data_access.workbooks.problems import Code, Report
from tests.unit.sheet_factories import sheet, workbook

GROUP_HEADER = ["código", "nombre (es)", "nombre (pt)", "nombre (en)", "tema"]
SER_GROUP = [
    "SER",
    "Habilidades socioemocionales",
    "Habilidades socioemocionais",
    "Socio-emotional skills",
    "ser",
]
MEMBER_HEADER = ["grupo", "nombre", "rol", "país", "institución", "correo", "ficticio"]
ACTION_HEADER = [
    "código",
    "título",
    "grupo",
    "país líder",
    "países participantes",
    "fecha límite",
    "estado",
    "avance",
    "indicador de evidencia",
]
INDICATORS = default_indicators()


def member(**cells: object) -> list[object]:
    """A valid member row with CELLS (by column code) replaced."""
    valid = {
        "group": "SER",
        "name": "Ana Pérez",
        "role": "Presidenta",
        "country": "Perú",
        "institution": "Minedu",
        "email": "ana@minedu.gob.pe",
        "fictional": "sí",
    }
    return list((valid | cells).values())


def action(**cells: object) -> list[object]:
    """A valid action row with CELLS (by column code) replaced."""
    valid = {
        "code": "A1",
        "title": "Taller de escalas SER",
        "group": "SER",
        "lead_country": "Chile",
        "participants": "PER, COL; Brasil",
        "due_date": "15/03/2026",
        "status": "en curso",
        "completion": "limitado",
        "evidence_indicator": "ser_empathy",
    }
    return list((valid | cells).values())


def roster(*members: list[object], groups: tuple[list[object], ...] | None = (SER_GROUP,)) -> object:
    sheets = [] if groups is None else [sheet(GROUP_HEADER, *groups, name="Grupos")]
    return workbook(*sheets, sheet(MEMBER_HEADER, *members, name="Miembros"))


def actions(*rows: list[object]) -> object:
    return workbook(sheet(ACTION_HEADER, *rows, name="Acciones"))


def located(report: Report) -> list[tuple[str, str | None, int | None, str | None]]:
    return [(str(p.code), p.sheet, p.row, p.column) for p in report.problems]


def test_a_valid_roster_gives_groups_and_members() -> None:
    groups, members, report = read_roster(
        roster(member(), member(name="João Silva", country="BRA", role="membro"))
    )
    assert report.ok and report.problems == ()
    assert groups["code"].tolist() == ["SER"]
    assert members[["group", "name", "role", "country"]].values.tolist() == [
        ["SER", "Ana Pérez", "chair", "PER"],
        ["SER", "João Silva", "member", "BRA"],
    ]
    assert members["fictional"].tolist() == [True, True] and members["excel_row"].tolist() == [2, 3]


def test_members_may_name_a_group_that_already_exists_without_a_groups_sheet() -> None:
    groups, members, report = read_roster(
        roster(member(group="recovery"), groups=None), known_groups=["RECOVERY"]
    )
    assert report.ok and groups.empty and members["group"].tolist() == ["RECOVERY"]


def test_a_group_is_found_by_its_name_in_the_groups_sheet() -> None:
    _, members, report = read_roster(roster(member(group="Socio-emotional skills")))
    assert report.ok and members["group"].tolist() == ["SER"]


@pytest.mark.parametrize(
    ("cells", "code", "column"),
    [
        ({"group": "XYZ"}, Code.UNKNOWN_WORKING_GROUP, "grupo"),
        ({"group": None}, Code.MISSING_VALUE, "grupo"),
        ({"name": None}, Code.MISSING_VALUE, "nombre"),
        ({"role": "jefa"}, Code.UNKNOWN_ROLE, "rol"),
        ({"country": "Narnia"}, Code.UNKNOWN_COUNTRY, "país"),
        ({"email": "ana(at)minedu.gob.pe"}, Code.INVALID_EMAIL, "correo"),
        ({"email": "ana@minedu"}, Code.INVALID_EMAIL, "correo"),
        ({"email": "ana pérez@minedu.gob.pe"}, Code.INVALID_EMAIL, "correo"),
        ({"fictional": "quizás"}, Code.TYPE_ERROR, "ficticio"),
        ({"institution": "Min\x00edu"}, Code.CONTROL_CHARACTERS, "institución"),
        ({"institution": "x" * 5000}, Code.TEXT_TOO_LONG, "institución"),
    ],
)
def test_bad_member_cells_are_located(cells: dict[str, object], code: Code, column: str) -> None:
    _, members, report = read_roster(roster(member(), member(**{"name": "Otra Persona"} | cells)))
    assert located(report) == [(str(code), "Miembros", 3, column)]
    assert members["excel_row"].tolist() == [2]
    assert "{" not in report.problems[0].message("pt")


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("presidencia", "chair"),
        ("Presidente", "chair"),
        ("co-chair", "co-chair"),
        ("Copresidencia", "co-chair"),
        ("relatora", "rapporteur"),
        ("Relator", "rapporteur"),
        ("miembro", "member"),
        ("Membro", "member"),
        (None, "member"),
    ],
)
def test_roles_are_read_in_any_language(role: str | None, code: str) -> None:
    _, members, report = read_roster(roster(member(role=role)))
    assert report.ok and members["role"].tolist() == [code]


def test_the_same_person_twice_in_a_group_names_the_first_row() -> None:
    rows = [member(), member(name="ANA PEREZ", country="PER", role="miembro")]
    _, _, report = read_roster(roster(*rows))
    assert located(report) == [("duplicate-member", "Miembros", 3, "nombre")]
    assert "fila 2" in report.problems[0].message("es")


def test_the_same_name_from_another_country_is_another_person() -> None:
    _, members, report = read_roster(roster(member(), member(country="Chile")))
    assert report.ok and len(members) == 2


def test_bad_groups_sheet_rows_are_located() -> None:
    rows = (
        SER_GROUP,
        ["ser", "Otro", "Outro", "Other", None],
        ["LEARN", None, "Aprendizagem", "Learning", None],
    )
    groups, _, report = read_roster(roster(member(), groups=rows))
    assert located(report) == [
        ("duplicate-row", "Grupos", 3, "código"),
        ("missing-value", "Grupos", 4, "nombre (es)"),
    ]
    assert groups["code"].tolist() == ["SER"]


def test_a_roster_without_members_sheet_is_reported() -> None:
    _, _, report = read_roster(workbook(sheet(GROUP_HEADER, SER_GROUP, name="Grupos")))
    assert [(p.code, p.params["found"]) for p in report.problems] == [(Code.MISSING_SHEET, ["Grupos"])]


def test_a_valid_actions_sheet() -> None:
    frame, report = read_actions(
        actions(action(), action(code="A2", due_date=dt.datetime(2026, 5, 1), status=None, completion=None)),
        known_groups=["SER"],
        indicators=INDICATORS,
    )
    assert report.ok and report.problems == ()
    first, second = frame.to_dict("records")
    assert (first["lead_country"], first["participants"], first["due_date"]) == (
        "CHL",
        "PER,COL,BRA",
        dt.date(2026, 3, 15),
    )
    assert (first["status"], first["completion"], first["evidence_indicator"]) == (
        "in_progress",
        "limited",
        "ser_empathy",
    )
    assert (second["due_date"], second["status"], second["completion"]) == (
        dt.date(2026, 5, 1),
        "proposed",
        "not_started",
    )


@pytest.mark.parametrize(
    ("cells", "code", "column"),
    [
        ({"title": None}, Code.MISSING_VALUE, "título"),
        ({"group": "ZZ"}, Code.UNKNOWN_WORKING_GROUP, "grupo"),
        ({"lead_country": "Chle"}, Code.UNKNOWN_COUNTRY, "país líder"),
        ({"participants": "PER; Narnia"}, Code.UNKNOWN_COUNTRY, "países participantes"),
        ({"due_date": "31/02/2026"}, Code.INVALID_DATE, "fecha límite"),
        ({"due_date": "03/15/2026"}, Code.INVALID_DATE, "fecha límite"),
        ({"due_date": "pronto"}, Code.INVALID_DATE, "fecha límite"),
        ({"status": "parado"}, Code.UNKNOWN_STATUS, "estado"),
        ({"completion": "mucho"}, Code.UNKNOWN_COMPLETION, "avance"),
        ({"evidence_indicator": "puntaje"}, Code.UNKNOWN_INDICATOR, "indicador de evidencia"),
        ({"title": "a\x1bb"}, Code.CONTROL_CHARACTERS, "título"),
    ],
)
def test_bad_action_cells_are_located(cells: dict[str, object], code: Code, column: str) -> None:
    frame, report = read_actions(
        actions(action(), action(code="A2", **cells)), known_groups=["SER"], indicators=INDICATORS
    )
    assert located(report) == [(str(code), "Acciones", 3, column)]
    assert frame["code"].tolist() == ["A1"]


def test_unknown_participants_are_named_one_by_one() -> None:
    _, report = read_actions(
        actions(action(participants="PER, Narnia; Atlantis")), known_groups=["SER"], indicators=INDICATORS
    )
    assert report.problems[0].value == "Narnia; Atlantis"


@pytest.mark.parametrize(
    ("status", "code"),
    [("propuesta", "proposed"), ("Acordada", "agreed"), ("em andamento", "in_progress"), ("done", "done")],
)
def test_statuses_are_read_in_any_language(status: str, code: str) -> None:
    frame, report = read_actions(actions(action(status=status)), known_groups=["SER"], indicators=INDICATORS)
    assert report.ok and frame["status"].tolist() == [code]


def test_duplicate_action_codes_name_the_first_row() -> None:
    _, report = read_actions(
        actions(action(), action(code=" a1 ")), known_groups=["SER"], indicators=INDICATORS
    )
    assert located(report) == [("duplicate-row", "Acciones", 3, "código")]
    assert report.problems[0].params["first_row"] == "2"
    assert report.problems[0].expected("en") == "a different code on each row"


def test_html_in_an_action_title_is_kept_verbatim() -> None:
    title = "<script>alert(1)</script>"
    frame, report = read_actions(actions(action(title=title)), known_groups=["SER"], indicators=INDICATORS)
    assert report.ok and frame["title"].tolist() == [title]
