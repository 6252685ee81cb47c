"""The presenter's deck (saved views shown one after another) and which slide is on the projector.

Layer: data_access. Both live in MeetingSetting rows as JSON. Changing the deck is a write like any
other (organizers only, audited, bumps the data version); moving the presenter to another slide is
not data, so it does not bump the version: followers poll the presenter state on their own.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from data_access.core.actors import Actor, require_organizer
from data_access.core.audit import record_audit
from data_access.core.errors import EncuentroError
from data_access.core.models import MeetingSetting
from data_access.core.store import bump_data_version, read_session, session_scope
from data_access.stats.views import View, parse_view

DECK_KEY = "presenter.deck"
STATE_KEY = "presenter.state"
SLIDE_KINDS = ("compare", "country", "groups", "actions")
MIN_SECONDS, MAX_SECONDS, DEFAULT_SECONDS = 5, 600, 20
MAX_SLIDES = 40
_COUNTRY_PARAMS = ("country", "indicator", "grade", "subject", "year")


class InvalidDeck(EncuentroError):
    """A deck that cannot be saved (unknown slide kind, too many slides, seconds out of range)."""

    key = "invalid_deck"


@dataclass(frozen=True)
class Slide:
    kind: str  # compare, country, groups, actions
    params: dict[str, str] = field(default_factory=dict)  # the page's query parameters
    seconds: int = DEFAULT_SECONDS

    def view(self, indicators: set[str]) -> View:
        """The chart view of a compare slide (and the trend/gap view of a country slide)."""
        return parse_view(self.params, indicators)


@dataclass(frozen=True)
class PresenterState:
    slide: int = 0
    paused: bool = True  # auto-advance is off until an organizer chooses it
    changed_at: str = ""  # ISO time of the last move, so followers can tell a move from a rerun


DEFAULT_DECK = (
    Slide("compare", {"chart": "ranking", "indicator": "score_mean", "grade": "6", "subject": "reading"}),
    Slide("compare", {"chart": "map", "indicator": "score_mean", "grade": "6", "subject": "reading"}),
    Slide("compare", {"chart": "levels", "grade": "6", "subject": "mathematics"}),
    Slide("compare", {"chart": "trend", "indicator": "score_mean", "grade": "3", "subject": "reading"}),
    Slide("compare", {"chart": "gaps", "indicator": "score_mean", "grade": "6", "subject": "reading"}),
    Slide("compare", {"chart": "heatmap", "domain": "ser", "grade": "6"}),
    Slide("groups"),
    Slide("actions"),
)


def _clean_slide(raw: object) -> Slide:
    """A slide from stored or submitted JSON; anything malformed raises InvalidDeck."""
    if not isinstance(raw, dict) or raw.get("kind") not in SLIDE_KINDS:
        raise InvalidDeck()
    params = raw.get("params") or {}
    seconds = raw.get("seconds", DEFAULT_SECONDS)
    if not isinstance(params, dict) or not isinstance(seconds, int) or isinstance(seconds, bool):
        raise InvalidDeck()
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise InvalidDeck()
    text = {str(k)[:32]: str(v)[:200] for k, v in params.items() if v not in (None, "") and k != "lang"}
    if raw["kind"] == "country":
        text = {k: v for k, v in text.items() if k in _COUNTRY_PARAMS}
    return Slide(raw["kind"], text if raw["kind"] in ("compare", "country") else {}, seconds)


def _read(session: Session, key: str) -> str | None:
    row = session.execute(select(MeetingSetting).where(col(MeetingSetting.key) == key)).scalar_one_or_none()
    return row.value if row else None


def _write(session: Session, key: str, value: str) -> None:
    row = session.get(MeetingSetting, key)
    if row is None:
        session.add(MeetingSetting(key=key, value=value))
    else:
        row.value = value


def get_deck(engine: Engine) -> tuple[Slide, ...]:
    """The saved deck, or the default one for the sample meeting when none was saved."""
    with read_session(engine) as session:
        stored = _read(session, DECK_KEY)
    if not stored:
        return DEFAULT_DECK
    try:
        return tuple(_clean_slide(s) for s in json.loads(stored))
    except (InvalidDeck, ValueError):
        return DEFAULT_DECK  # a hand-edited row must not take the projector down


def save_deck(*, engine: Engine, actor: Actor, slides: list[dict] | tuple[Slide, ...]) -> tuple[Slide, ...]:
    """Replace the deck (organizers only): checked, audited, and visible to every session."""
    require_organizer(actor)
    raw = [asdict(s) if isinstance(s, Slide) else s for s in slides]
    if not 1 <= len(raw) <= MAX_SLIDES:
        raise InvalidDeck()
    deck = tuple(_clean_slide(s) for s in raw)
    with session_scope(engine) as session:
        _write(session, DECK_KEY, json.dumps([asdict(s) for s in deck], sort_keys=True))
        record_audit(session=session, actor=actor.username, action="save-deck", entity="deck",
                     entity_id="deck", slides=len(deck))  # fmt: skip
        bump_data_version(session=session)
    return deck


def _state_from(stored: str | None) -> PresenterState:
    try:
        data = json.loads(stored) if stored else {}
        return PresenterState(
            int(data.get("slide", 0)), bool(data.get("paused", True)), str(data.get("changed_at", ""))
        )
    except (ValueError, TypeError, AttributeError):
        return PresenterState()


def get_presenter_state(engine: Engine) -> PresenterState:
    """Which slide the projector shows; slide 0, paused, before anyone presented."""
    with read_session(engine) as session:
        return _state_from(_read(session, STATE_KEY))


def set_presenter_state(
    *, engine: Engine, actor: Actor, slide: int, paused: bool, expected: str | None = None
) -> PresenterState:
    """Move the projector (organizers only; not audited, it is not a change to data). With
    EXPECTED (the changed_at the caller saw), a move someone else already made wins, so two
    presenter tabs never skip a slide between them."""
    require_organizer(actor)
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    state = PresenterState(max(0, int(slide)), bool(paused), now)
    with session_scope(engine) as session:
        current = _state_from(_read(session, STATE_KEY))
        if expected is not None and current.changed_at != expected:
            return current
        _write(session, STATE_KEY, json.dumps(asdict(state)))
    return state
