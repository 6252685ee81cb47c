"""Roster queries and contact exports: contacts only for logged-in actors, formula-safe CSV, vCards."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from data_access.core.accounts import create_user
from data_access.core.actors import ANONYMOUS_ACTOR, CLI_ACTOR, Actor
from data_access.core.errors import NotAllowed
from data_access.meeting.contacts import contacts_file_name, escape_vcard, to_contacts_csv, to_contacts_vcard
from data_access.meeting.rosters import (
    countries_without_group,
    filter_roster,
    is_fictional,
    list_groups,
    list_meeting_countries,
    list_roster,
    members_per_country,
)
from data_access.publishing.imports import import_file

SAMPLE = Path(__file__).resolve().parents[3] / "sample_data"
COORDINATOR = Actor("coord_per", "coordinator", "PER")
ORGANIZER = Actor("org", "organizer")


def _import(engine, settings, path: Path) -> None:
    result = import_file(
        engine=engine, settings=settings, data=path.read_bytes(), file_name=path.name, actor=CLI_ACTOR
    )
    assert result.published, result.report.problems


@pytest.fixture
def roster_engine(engine, settings):
    """A fresh store holding the sample roster only."""
    _import(engine, settings, SAMPLE / "roster.xlsx")
    return engine


def _person(**values: object) -> dict[str, object]:
    base = {
        "group_code": "ser", "role": "member", "member_id": 1, "name": "Ana", "country_iso3": "PER",
        "institution": "Inst", "position": "", "fictional": True, "email": "a@example.org", "phone": "1",
    }  # fmt: skip
    return base | values


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_anonymous_roster_has_no_contact_columns(roster_engine):
    roster = list_roster(roster_engine, actor=ANONYMOUS_ACTOR)
    assert len(roster) == 33 and roster["member_id"].nunique() == 32
    assert "email" not in roster.columns and "phone" not in roster.columns
    text = roster.astype(str).to_csv()
    assert "@" not in text and "+00 555" not in text


@pytest.mark.parametrize("actor", [COORDINATOR, ORGANIZER], ids=["coordinator", "organizer"])
def test_logged_in_roster_has_contacts(roster_engine, actor):
    roster = list_roster(roster_engine, actor=actor)
    assert roster["email"].str.endswith("@example.org").all()
    assert roster["phone"].str.startswith("+00 555").all()


def test_roster_is_ordered_by_group_then_role(roster_engine):
    roster = list_roster(roster_engine, actor=ANONYMOUS_ACTOR)
    assert list(dict.fromkeys(roster["group_code"])) == list(list_groups(roster_engine)["code"])
    first = roster.loc[roster["group_code"] == "recovery", "role"].tolist()
    assert first[:3] == ["chair", "co-chair", "rapporteur"] and set(first[3:]) == {"member"}
    assert is_fictional(roster)


def test_countries_in_no_group_are_cuba_and_nicaragua(roster_engine, settings):
    for iso3 in ("CUB", "NIC", "PER"):
        _import(roster_engine, settings, SAMPLE / "results" / f"{iso3}.xlsx")
    roster = list_roster(roster_engine, actor=ANONYMOUS_ACTOR)
    assert countries_without_group(roster, list_meeting_countries(roster_engine)) == ["CUB", "NIC"]


def test_a_coordinator_account_brings_its_country_into_the_meeting(roster_engine):
    create_user(
        engine=roster_engine, actor=CLI_ACTOR, username="bol", password="a long enough password",
        role="coordinator", country_iso3="BOL",
    )  # fmt: skip
    roster = list_roster(roster_engine, actor=ANONYMOUS_ACTOR)
    assert countries_without_group(roster, list_meeting_countries(roster_engine)) == ["BOL"]


def test_members_per_country_counts_people_once(roster_engine):
    counts = members_per_country(list_roster(roster_engine, actor=ANONYMOUS_ACTOR)).set_index("country_iso3")
    # Lucía Quispe Valdivia (PER) sits in two groups: two memberships, one person
    assert counts.loc["PER", "members"] == 2 and counts.loc["PER", "groups"] == 3
    assert counts.loc["MEX", "members"] == 3 and counts["members"].sum() == 32
    assert counts.index[0] == "MEX"  # most people first, ties by code


def test_filters_combine(roster_engine):
    roster = list_roster(roster_engine, actor=ANONYMOUS_ACTOR)
    ser_per = filter_roster(roster, group="ser", countries=["PER"])
    assert ser_per["name"].tolist() == ["Andrés Huamán Castillo"]
    institution = "Unidad de Medición de la Calidad (ficticia)"
    rows = filter_roster(roster, institution=institution)
    assert len(rows) and (rows["institution"] == institution).all()
    assert filter_roster(roster).equals(roster)


def test_contacts_refused_for_anonymous_whatever_the_frame():
    frame = pd.DataFrame([_person()])
    with pytest.raises(NotAllowed):
        to_contacts_csv(frame, actor=ANONYMOUS_ACTOR, lang="es")
    with pytest.raises(NotAllowed):
        to_contacts_vcard(frame, actor=ANONYMOUS_ACTOR, lang="es")


@pytest.mark.parametrize(
    ("typed", "read_back"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+00 555 0119", "'+00 555 0119"),
        ("Instituto, Nacional", "Instituto, Nacional"),
    ],
)
def test_csv_cells_a_spreadsheet_would_run_read_back_as_text(typed, read_back):
    frame = pd.DataFrame([_person(name=typed, institution=typed, phone=typed)])
    csv_bytes = to_contacts_csv(frame, actor=COORDINATOR, lang="en", group_names={"ser": "=SER"})
    header, row = _csv_rows(csv_bytes)
    assert header == ["group", "role", "name", "country", "institution", "position", "e-mail", "phone"]
    assert row[2] == row[4] == row[7] == read_back
    assert row[3] == "Peru" and row[1] == "member" and row[0] == "'=SER"


def test_sample_contacts_csv_has_every_membership(roster_engine):
    roster = list_roster(roster_engine, actor=ORGANIZER)
    rows = _csv_rows(to_contacts_csv(roster, actor=ORGANIZER, lang="es"))
    assert len(rows) == 34 and rows[0][6] == "correo"
    assert all(r[7].startswith("'+00 555") for r in rows[1:])  # a leading + is a formula to Excel


def test_vcard_one_card_per_person_with_escaped_values(roster_engine):
    roster = list_roster(roster_engine, actor=COORDINATOR)
    text = to_contacts_vcard(roster, actor=COORDINATOR, lang="es").decode("utf-8")
    assert text.count("BEGIN:VCARD") == text.count("END:VCARD") == 32
    assert "\r\n" in text and "EMAIL;TYPE=INTERNET:lucia.quispe@example.org" in text
    card = text.split("BEGIN:VCARD")[1]
    assert "NOTE:recovery: presidencia\\; framework: miembro" in card.replace("\r\n ", "")


def test_vcard_escapes_commas_semicolons_and_line_breaks():
    frame = pd.DataFrame([_person(name="Pérez, Ana; Dra.", institution="A;B,C\\D", position="x\ny")])
    text = to_contacts_vcard(frame, actor=ORGANIZER, lang="en", group_names={"ser": "SER, Group"}).decode()
    assert "NOTE:SER\\, Group: member" in text
    assert "FN:Pérez\\, Ana\\; Dra." in text and "ORG:A\\;B\\,C\\\\D" in text and "TITLE:x\\ny" in text
    assert escape_vcard("a\r\nb") == "a\\nb"


def test_vcard_lines_are_folded_at_75_octets():
    frame = pd.DataFrame([_person(institution="Dirección de Evaluación " * 8)])
    text = to_contacts_vcard(frame, actor=ORGANIZER, lang="es").decode("utf-8")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "ORG:" + "Dirección de Evaluación " * 8 in unfolded


@pytest.mark.parametrize(("code", "name"), [("ser", "ser-contacts.csv"), ("../a b", "a-b-contacts.csv")])
def test_contacts_file_names_are_safe(code, name):
    assert contacts_file_name(code, "csv") == name


def test_an_empty_store_has_an_empty_roster(engine):
    roster = list_roster(engine, actor=ORGANIZER)
    assert roster.empty and {"email", "phone", "group_code"} <= set(roster.columns)
    assert list_groups(engine).empty and members_per_country(roster).empty
    assert countries_without_group(roster, list_meeting_countries(engine)) == []
    assert not is_fictional(roster)
