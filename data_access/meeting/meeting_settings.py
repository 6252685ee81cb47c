"""The meeting's own settings: name, city, dates and the public address that QR codes point to.

Layer: data_access. Stored as key/value rows (MeetingSetting); organizers change them, checked
here, with an audit event and a data-version bump in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from babel.dates import get_timezone_location
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from data_access.core.actors import Actor, require_organizer
from data_access.core.audit import record_audit
from data_access.core.errors import EncuentroError
from data_access.core.i18n import fold, t
from data_access.core.models import MeetingSetting
from data_access.core.settings import LANGUAGES
from data_access.core.store import bump_data_version, session_scope

KEY_PREFIX = "meeting."
MAX_LENGTHS = {"name": 200, "city": 100, "public_url": 500}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HOST = re.compile(r"[A-Za-z0-9.-]+|[0-9A-Fa-f:.]+")  # a name, IPv4 or IPv6 (brackets removed)


@dataclass(frozen=True)
class MeetingInfo:
    """What the overview, the presenter and the QR codes show; blank means not set yet."""

    name: str = ""
    city: str = ""
    start: date | None = None
    end: date | None = None
    public_url: str = ""  # the address delegates open (QR codes); blank: the app's own address
    timezone: str = ""  # an IANA zone ("America/Lima"); blank: the city's, else UTC (meeting_zone)


class InvalidMeetingSettings(EncuentroError):
    """Every problem with a settings form at once; PROBLEMS holds text keys under admin.meeting_problem."""

    key = "invalid_meeting_settings"

    def __init__(self, problems: tuple[tuple[str, dict[str, object]], ...]) -> None:
        super().__init__()
        self.problems = problems

    def message(self, lang: str) -> str:
        lines = [t(f"admin.meeting_problem.{key}", lang, **params) for key, params in self.problems]
        return " ".join([t("error.invalid_meeting_settings", lang), *lines])


def _to_text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")


def _from_text(name: str, text: str) -> object:
    if name in ("start", "end"):
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None  # a hand-edited row that is not a date reads as not set
    return text


def get_meeting_settings(engine: Engine) -> MeetingInfo:
    """The stored settings, with defaults for whatever was never set."""
    with Session(engine) as session:
        rows = session.execute(
            select(MeetingSetting).where(col(MeetingSetting.key).startswith(KEY_PREFIX))
        ).scalars()
        stored = {row.key.removeprefix(KEY_PREFIX): row.value for row in rows}
    names = {f.name for f in fields(MeetingInfo)}
    values: dict[str, Any] = {k: _from_text(k, v) for k, v in stored.items() if k in names}
    return MeetingInfo(**values)


# Capitals whose time zone carries another city's or the country's name in the tz database.
CAPITAL_ZONES = {
    "san jose": "America/Costa_Rica", "quito": "America/Guayaquil", "brasilia": "America/Sao_Paulo",
    "san salvador": "America/El_Salvador", "kingston": "America/Jamaica", "bridgetown": "America/Barbados",
    "ciudad de guatemala": "America/Guatemala", "guatemala city": "America/Guatemala",
    "ciudad de panama": "America/Panama", "panama city": "America/Panama", "sucre": "America/La_Paz",
    "nassau": "America/Nassau", "georgetown": "America/Guyana", "castries": "America/St_Lucia",
}  # fmt: skip


@cache
def _zones_by_city() -> dict[str, str]:
    """Every American zone under its exemplar city in es, pt and en (CLDR, through Babel)."""
    out: dict[str, str] = {}
    for zone in sorted(z for z in available_timezones() if z.startswith("America/")):
        for lang in LANGUAGES:
            out.setdefault(fold(get_timezone_location(zone, locale=lang, return_city=True)), zone)
    return out | {fold(city): zone for city, zone in CAPITAL_ZONES.items()}


def zone_for_city(city: str) -> str | None:
    """The time zone of a city in the region ("Lima", "Ciudad de México", "Brasília"), if known."""
    return _zones_by_city().get(fold(city.split(",")[0])) if city.strip() else None


def meeting_zone(info: MeetingInfo) -> str:
    """The zone dates and times are shown in: the one chosen on /admin, else the city's, else UTC."""
    return info.timezone or zone_for_city(info.city) or "UTC"


def is_public_url(text: str) -> bool:
    """An absolute http(s) address with a host, no spaces, no user name or password in it."""
    if not text or any(c.isspace() for c in text) or _CONTROL.search(text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and bool(_HOST.fullmatch(host)) and "@" not in parts.netloc


def validate_meeting_info(info: MeetingInfo) -> tuple[tuple[str, dict[str, object]], ...]:
    """Problems as (text key, params); empty when INFO can be saved."""
    problems: list[tuple[str, dict[str, object]]] = []
    for name, limit in MAX_LENGTHS.items():
        value = getattr(info, name)
        if len(value) > limit:
            problems.append((f"{name}_too_long", {"limit": limit}))
        if _CONTROL.search(value) and name != "public_url":
            problems.append((f"{name}_control", {}))
    if info.public_url and not is_public_url(info.public_url):
        problems.append(("public_url_invalid", {}))
    if info.start and info.end and info.end < info.start:
        problems.append(("dates_order", {}))
    if info.timezone and info.timezone not in available_timezones():
        problems.append(("timezone_unknown", {}))
    return tuple(problems)


def _clean(info: MeetingInfo) -> MeetingInfo:
    return MeetingInfo(
        name=info.name.strip(),
        city=info.city.strip(),
        start=info.start,
        end=info.end,
        public_url=info.public_url.strip(),
        timezone=info.timezone.strip(),
    )


def _apply(session: Session, info: MeetingInfo) -> dict[str, str]:
    """Write the settings that differ from the stored ones; returns what changed, as stored."""
    query = select(MeetingSetting).where(col(MeetingSetting.key).startswith(KEY_PREFIX))
    stored = {row.key: row for row in session.execute(query).scalars()}
    changed: dict[str, str] = {}
    for name, value in asdict(info).items():
        key, text = KEY_PREFIX + name, _to_text(value)
        row = stored.get(key)
        if (row.value if row is not None else "") == text:
            continue
        if row is None:
            session.add(MeetingSetting(key=key, value=text))
        else:
            row.value = text
        changed[name] = text
    return changed


def save_meeting_settings(*, engine: Engine, actor: Actor, info: MeetingInfo) -> bool:
    """Store INFO (organizers only); False when nothing changed, so nothing was written."""
    require_organizer(actor)
    info = _clean(info)
    problems = validate_meeting_info(info)
    if problems:
        raise InvalidMeetingSettings(problems)
    with session_scope(engine) as session:
        changed = _apply(session, info)
        if not changed:
            return False
        record_audit(
            session=session,
            actor=actor.username,
            action="edit-meeting",
            entity="meeting",
            entity_id="settings",
            **changed,
        )
        bump_data_version(session=session)
    return True
