"""The presenter's deck and state: checked saves by organizers only, a default deck, a projector
that two tabs cannot skip ahead, and QR codes that decode back to the view's address."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from sqlmodel import Session

from data_access.core.actors import ANONYMOUS_ACTOR, Actor
from data_access.core.errors import NotAllowed
from data_access.core.models import MeetingSetting
from data_access.core.store import content_hash, get_data_version
from data_access.meeting.deck import (
    DEFAULT_DECK,
    STATE_KEY,
    InvalidDeck,
    Slide,
    get_deck,
    get_presenter_state,
    save_deck,
    set_presenter_state,
)
from data_access.reports.qr import qr_png, view_url

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

ORGANIZER = Actor("org", "organizer")
COORDINATOR = Actor("per", "coordinator", "PER")
RANKING = {"kind": "compare", "params": {"chart": "ranking", "indicator": "score_mean"}, "seconds": 15}


def test_a_new_store_presents_the_default_deck_from_slide_one(engine):
    assert get_deck(engine) == DEFAULT_DECK
    state = get_presenter_state(engine)
    assert (state.slide, state.paused, state.changed_at) == (0, True, "")  # auto-advance off until chosen


def test_an_organizer_saves_a_deck_and_every_session_sees_it(engine):
    before = get_data_version(engine)
    deck = save_deck(engine=engine, actor=ORGANIZER, slides=[RANKING, {"kind": "actions"}])
    assert get_deck(engine) == deck
    assert deck[0] == Slide("compare", {"chart": "ranking", "indicator": "score_mean"}, 15)
    assert deck[1] == Slide("actions", {}, 20)
    assert get_data_version(engine) == before + 1


def test_lang_and_blank_params_are_not_kept_and_country_slides_keep_only_their_fields(engine):
    slides = [
        {"kind": "compare", "params": {"chart": "map", "lang": "en", "year": ""}},
        {"kind": "country", "params": {"country": "PER", "chart": "map", "evil": "x"}},
    ]
    deck = save_deck(engine=engine, actor=ORGANIZER, slides=slides)
    assert deck[0].params == {"chart": "map"} and deck[1].params == {"country": "PER"}


@pytest.mark.parametrize(
    "slides",
    [
        [],
        [{"kind": "video"}],
        [{"kind": "compare", "seconds": 2}],
        [{"kind": "compare", "seconds": 601}],
        [{"kind": "compare", "seconds": "20"}],
        [{"kind": "compare", "params": ["chart=map"]}],
        ["compare"],
        [RANKING] * 41,
    ],
    ids=["empty", "kind", "too-short", "too-long", "text-seconds", "params-list", "not-a-dict", "41"],
)
def test_a_bad_deck_is_refused_and_changes_nothing(engine, slides):
    before = content_hash(engine)
    with pytest.raises(InvalidDeck):
        save_deck(engine=engine, actor=ORGANIZER, slides=slides)
    assert content_hash(engine) == before


@pytest.mark.parametrize("actor", [ANONYMOUS_ACTOR, COORDINATOR], ids=["anonymous", "coordinator"])
def test_only_organizers_change_the_deck_or_move_the_projector(engine, actor):
    before = content_hash(engine)
    with pytest.raises(NotAllowed):
        save_deck(engine=engine, actor=actor, slides=[RANKING])
    with pytest.raises(NotAllowed):
        set_presenter_state(engine=engine, actor=actor, slide=3, paused=False)
    assert content_hash(engine) == before


def test_a_hand_edited_deck_row_falls_back_to_the_default(engine):
    with Session(engine) as session:
        session.add(MeetingSetting(key="presenter.deck", value="[{not json"))
        session.add(MeetingSetting(key=STATE_KEY, value='{"slide": "two"}'))
        session.commit()
    assert get_deck(engine) == DEFAULT_DECK
    assert get_presenter_state(engine).slide == 0


def test_a_move_made_by_another_tab_wins(engine):
    first = set_presenter_state(engine=engine, actor=ORGANIZER, slide=0, paused=False)
    moved = set_presenter_state(
        engine=engine, actor=ORGANIZER, slide=1, paused=False, expected=first.changed_at
    )
    stale = set_presenter_state(
        engine=engine, actor=ORGANIZER, slide=1, paused=False, expected=first.changed_at
    )
    assert moved.slide == 1 and stale == moved  # the second tab saw slide 0 and did not skip to 2
    assert get_presenter_state(engine) == moved
    paused = set_presenter_state(engine=engine, actor=ORGANIZER, slide=1, paused=True)
    assert get_presenter_state(engine).paused and paused.slide == 1


@pytest.mark.parametrize(
    ("base", "kind", "params", "expected"),
    [
        (
            "https://encuentro.example.org/",
            "compare",
            {"chart": "ranking", "subject": "", "countries": "PER,COL"},
            "https://encuentro.example.org/compare?chart=ranking&subject=&countries=PER%2CCOL&lang=es",
        ),
        ("http://10.0.0.5:8501/reunion/?lang=en", "country", {"country": "PER"}, None),
        ("https://e.example.org", "groups", {}, "https://e.example.org/working_groups?lang=es"),
    ],
)
def test_the_qr_code_decodes_back_to_the_public_address_with_the_view(base, kind, params, expected):
    url = view_url(base, kind, params, "es")
    if expected:
        assert url == expected
    else:
        assert url == "http://10.0.0.5:8501/reunion/country?country=PER&lang=es"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(url))))
    assert [code.text for code in decoded] == [url]
