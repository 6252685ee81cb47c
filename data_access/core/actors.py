"""Who is acting: every write in data_access takes an Actor and checks it there, not in the UI.

Layer: data_access.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_access.core.errors import NotAllowed

ORGANIZER, COORDINATOR, ANONYMOUS = "organizer", "coordinator", "anonymous"


@dataclass(frozen=True)
class Actor:
    username: str
    role: str  # organizer, coordinator, anonymous
    country_iso3: str | None = None  # a coordinator's one country

    @property
    def is_organizer(self) -> bool:
        return self.role == ORGANIZER


ANONYMOUS_ACTOR = Actor("", ANONYMOUS)
# The command line is run by whoever operates the server: organizer rights, named in the audit log.
CLI_ACTOR = Actor("cli", ORGANIZER)
SAMPLE_ACTOR = Actor("sample", ORGANIZER)


def require_organizer(actor: Actor) -> None:
    """Rosters, actions, accounts, catalogue and settings are the secretariat's."""
    if not actor.is_organizer:
        raise NotAllowed()


def require_publish(actor: Actor, country_iso3: str) -> None:
    """Organizers publish for any country; a coordinator only ever for their own."""
    if actor.is_organizer:
        return
    if actor.role != COORDINATOR or not actor.country_iso3 or actor.country_iso3 != country_iso3:
        raise NotAllowed()


def can_publish(actor: Actor, country_iso3: str) -> bool:
    """The same rule as require_publish, for deciding what to offer."""
    try:
        require_publish(actor, country_iso3)
    except NotAllowed:
        return False
    return True
