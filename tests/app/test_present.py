"""/present through AppTest: the organizer's projector (slide, QR code, controls that move the
shared state), followers who see the projector's slide, and views added to the deck from /compare."""

from __future__ import annotations

import pandas as pd
import pytest
from app_accounts import account
from streamlit.testing.v1 import AppTest
from test_compare import charts, open_page, spec_of

from components.present.deck import from_deck_frame, to_deck_frame
from data_access.core.actors import Actor
from data_access.core.i18n import t
from data_access.meeting.deck import (
    DEFAULT_DECK,
    Slide,
    get_deck,
    get_presenter_state,
    save_deck,
    set_presenter_state,
)


def open_as(page: str, actor: Actor | None = None, **params: str) -> AppTest:
    return open_page(page, params.pop("lang", "es"), actor, **params)


def present_buttons(at: AppTest) -> list:
    return [b for b in at.button if (b.key or "").startswith("present_")]


@pytest.fixture
def organizer(engine) -> Actor:
    return account(engine, "org_present", "organizer")


def test_the_projector_shows_only_the_slide_and_its_qr_code(organizer, engine):
    at = open_as("pages/present.py", organizer, lang="en", screen="projector")
    spec = spec_of(charts(at)[0])
    assert any(layer["mark"]["type"] == "point" for layer in spec["layer"] if isinstance(layer["mark"], dict))
    assert at.get("image"), "the QR code"
    assert at.subheader[0].value.startswith(t("compare.chart.ranking", "en") + ":")
    assert not present_buttons(at) and not at.get("data_editor")  # no controls, no deck editor
    state = get_presenter_state(engine)
    assert state.changed_at and state.paused  # on slide 1, not advancing until an organizer chooses


def test_the_console_drives_the_projector(organizer, engine):
    at = open_as("pages/present.py", organizer, lang="en")
    assert at.title[0].value == t("present.console_title", "en")
    labels = [b.label for b in at.button]
    assert {t("present.previous", "en"), t("present.play", "en"), t("present.next", "en")} <= set(labels)
    assert charts(at), "what the projector shows now"
    at.button(key="present_open_projector").click().run()  # this tab becomes the projector
    assert at.query_params["screen"] == "projector" and not present_buttons(at) and at.get("image")


def test_next_and_auto_advance_move_the_shared_state(organizer, engine):
    at = open_as("pages/present.py", organizer)
    at.button(key="present_next").click().run()
    assert get_presenter_state(engine).slide == 1
    at.button(key="present_toggle").click().run()
    state = get_presenter_state(engine)
    assert not state.paused and state.slide == 1
    assert at.button(key="present_toggle").label == t("present.pause", "es")


def test_followers_see_the_projectors_slide_and_can_explore_it(organizer, engine):
    set_presenter_state(engine=engine, actor=organizer, slide=1, paused=True)  # the map
    at = open_as("pages/present.py", follow="1")
    assert at.title[0].value == t("present.title", "es")
    spec = spec_of(charts(at)[0])
    assert "geoshape" in str(spec) and not present_buttons(at)
    link = next(p.proto for p in at.get("page_link") if p.proto.label == t("present.explore", "es"))
    assert link.page.endswith("compare") and "chart=map" in link.query_string


def test_anyone_but_an_organizer_follows(engine):
    coordinator = account(engine, "coord_present", country="PER")
    at = open_as("pages/present.py", coordinator)
    assert at.title[0].value == t("present.title", "es") and not present_buttons(at)


def test_an_organizer_adds_the_compare_view_to_the_deck(organizer, engine):
    at = open_as("pages/compare.py", organizer, chart="gaps", pair="area")
    at.button(key="compare_add_to_deck").click().run()
    deck = get_deck(engine)
    assert len(deck) == len(DEFAULT_DECK) + 1
    assert deck[-1].kind == "compare" and deck[-1].params["chart"] == "gaps"
    assert deck[-1].params["pair"] == "area"
    assert t("present.added", "es", n=len(deck)) in [s.value for s in at.success]


def test_an_organizer_adds_a_country_profile_to_the_deck(organizer, engine):
    at = open_as("pages/country.py", organizer, country="BRA")
    at.button(key="country_add_to_deck").click().run()
    assert get_deck(engine)[-1] == Slide("country", {"country": "BRA"})


def test_delegates_do_not_get_the_add_button():
    at = open_as("pages/compare.py")
    assert not [b for b in at.button if b.key == "compare_add_to_deck"]


def test_the_deck_editor_table_round_trips(organizer, engine):
    deck = save_deck(engine=engine, actor=organizer, slides=list(DEFAULT_DECK[:2]))
    frame = to_deck_frame(deck)
    pasted = pd.concat(
        [
            frame,
            pd.DataFrame(
                {"kind": ["country"], "view": ["https://x.org/country?country=PER"], "seconds": [30]}
            ),
        ]
    )
    slides = from_deck_frame(pasted)
    assert slides[:2] == [{"kind": s.kind, "params": s.params, "seconds": s.seconds} for s in deck]
    assert slides[2] == {"kind": "country", "params": {"country": "PER"}, "seconds": 30}
