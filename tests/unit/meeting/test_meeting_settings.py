"""Meeting settings: defaults, a checked save with an audit event, and refusals that change nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from data_access.core.actors import Actor
from data_access.core.errors import NotAllowed
from data_access.core.formatting import format_day, format_when
from data_access.core.models import AuditEvent
from data_access.core.store import content_hash, get_data_version
from data_access.meeting.meeting_settings import (
    InvalidMeetingSettings,
    MeetingInfo,
    get_meeting_settings,
    is_public_url,
    meeting_zone,
    save_meeting_settings,
    zone_for_city,
)

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

ORGANIZER = Actor("org", "organizer")
GOOD = MeetingInfo(
    name="IV Encuentro regional de evaluación",
    city="Lima",
    start=date(2026, 5, 12),
    end=date(2026, 5, 13),
    public_url="https://encuentro.example.org/?lang=es",
)


def _audit_count(engine, action: str) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        return session.execute(query).scalar_one()


def test_a_new_store_has_the_defaults(engine):
    assert get_meeting_settings(engine) == MeetingInfo()


def test_saved_settings_read_back_with_an_audit_event_and_a_new_data_version(engine):
    before = get_data_version(engine)
    assert save_meeting_settings(engine=engine, actor=ORGANIZER, info=GOOD) is True
    assert get_meeting_settings(engine) == GOOD
    assert get_data_version(engine) == before + 1
    assert _audit_count(engine, "edit-meeting") == 1


def test_saving_the_same_settings_again_writes_nothing(engine):
    save_meeting_settings(engine=engine, actor=ORGANIZER, info=GOOD)
    unchanged = content_hash(engine)
    assert save_meeting_settings(engine=engine, actor=ORGANIZER, info=replace(GOOD, city="  Lima ")) is False
    assert content_hash(engine) == unchanged


def test_a_setting_can_be_cleared_again(engine):
    save_meeting_settings(engine=engine, actor=ORGANIZER, info=GOOD)
    save_meeting_settings(engine=engine, actor=ORGANIZER, info=replace(GOOD, end=None, public_url=""))
    assert get_meeting_settings(engine) == replace(GOOD, end=None, public_url="")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"start": date(2026, 5, 13), "end": date(2026, 5, 12)}, "dates_order"),
        ({"public_url": "ftp://encuentro.example.org"}, "public_url_invalid"),
        ({"public_url": "javascript:alert(1)"}, "public_url_invalid"),
        ({"public_url": "encuentro.example.org"}, "public_url_invalid"),
        ({"public_url": "https://"}, "public_url_invalid"),
        ({"public_url": "https://exa mple.org"}, "public_url_invalid"),
        ({"public_url": "https://user:secret@example.org"}, "public_url_invalid"),
        ({"public_url": "https://example.org:port"}, "public_url_invalid"),
        ({"public_url": "https://example.org/" + "a" * 500}, "public_url_too_long"),
        ({"name": "x" * 201}, "name_too_long"),
        ({"city": "Li\x07ma"}, "city_control"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_invalid_settings_are_refused_and_change_nothing(engine, change, problem):
    save_meeting_settings(engine=engine, actor=ORGANIZER, info=GOOD)
    before = content_hash(engine)
    with pytest.raises(InvalidMeetingSettings) as caught:
        save_meeting_settings(engine=engine, actor=ORGANIZER, info=replace(GOOD, **change))
    assert problem in [key for key, _ in caught.value.problems]
    assert content_hash(engine) == before
    for lang in ("es", "pt", "en"):
        assert len(caught.value.message(lang)) > 20


@pytest.mark.parametrize(
    "url",
    ["https://encuentro.example.org", "http://192.168.1.10:8501/?lang=pt", "https://[2001:db8::1]/present"],
)
def test_public_addresses_people_use_are_accepted(url):
    assert is_public_url(url)


@pytest.mark.parametrize("actor", [Actor("per", "coordinator", "PER"), Actor("", "anonymous")])
def test_only_organizers_change_settings(engine, actor):
    with pytest.raises(NotAllowed):
        save_meeting_settings(engine=engine, actor=actor, info=GOOD)
    assert get_meeting_settings(engine) == MeetingInfo()


@pytest.mark.parametrize(
    ("city", "zone"),
    [
        ("Lima", "America/Lima"),
        ("Ciudad de México", "America/Mexico_City"),
        ("Cidade do México", "America/Mexico_City"),
        ("La Habana", "America/Havana"),
        ("Brasília", "America/Sao_Paulo"),  # a capital named otherwise in the tz database
        ("San José, Costa Rica", "America/Costa_Rica"),
        ("Quito", "America/Guayaquil"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_the_time_zone_follows_the_city(city: str, zone: str | None) -> None:
    assert zone_for_city(city) == zone
    assert meeting_zone(MeetingInfo(city=city)) == (zone or "UTC")


def test_a_chosen_time_zone_wins_and_an_unknown_one_is_refused(engine):
    save_meeting_settings(engine=engine, actor=ORGANIZER, info=replace(GOOD, timezone="America/Bogota"))
    stored = get_meeting_settings(engine)
    assert stored.timezone == "America/Bogota" and meeting_zone(stored) == "America/Bogota"
    before = content_hash(engine)
    with pytest.raises(InvalidMeetingSettings) as refused:
        save_meeting_settings(engine=engine, actor=ORGANIZER, info=replace(GOOD, timezone="America/Atlantis"))
    assert refused.value.problems == (("timezone_unknown", {}),)
    assert content_hash(engine) == before


@pytest.mark.parametrize(
    ("lang", "utc", "lima"),
    [
        ("es", "5 dic 2026, 17:14", "5 dic 2026, 12:14"),
        ("pt", "5 de dez. de 2026 17:14", "5 de dez. de 2026 12:14"),
        ("en", "Dec 5, 2026, 5:14\u202fPM", "Dec 5, 2026, 12:14\u202fPM"),
    ],
)
def test_times_are_written_in_the_language_on_the_meetings_clock(lang: str, utc: str, lima: str) -> None:
    moment = datetime(2026, 12, 5, 17, 14)  # as the store keeps it: UTC, naive
    assert format_when(moment, lang) == utc
    assert format_when(moment.replace(tzinfo=UTC), lang, "America/Lima") == lima
    assert format_day(date(2027, 3, 31), lang) == {"es": "31 mar 2027", "pt": "31 de mar. de 2027",
                                                   "en": "Mar 31, 2027"}[lang]  # fmt: skip
