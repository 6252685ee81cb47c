"""The three faces of /present: the organizer's console (controls, what is on screen), the
projector screen (only the slide, driven from the console or its own keyboard), and the read-only
follower screen that shows whatever slide the projector shows.

Layer: components.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components.present.slide import (
    PRESENTER_CSS,
    TICK_S,
    advance_if_due,
    load_deck,
    render_banner,
    render_qr,
    render_slide,
)
from components.shell.data import data_version, get_engine, live_state
from components.shell.live import ignore_trigger, render_watcher, watch_key
from data_access.core.actors import Actor
from data_access.core.i18n import t
from data_access.meeting.deck import Slide, get_presenter_state, set_presenter_state

FOLLOW_FIELDS = ("slide", "data_version")  # what moves a follower's screen
KEY_STEPS = {"next": 1, "previous": -1}  # the projector keyboard's moves; "toggle" pauses or plays
_keyboard = st.components.v2.component(
    "encuentro_present_keys", js=Path(__file__).with_name("keys.js").read_text(encoding="utf-8")
)
SLIDE_PAGES = {
    "compare": "pages/compare.py",
    "country": "pages/country.py",
    "groups": "pages/working_groups.py",
    "actions": "pages/actions.py",
}


def _move(actor: Actor, count: int, step: int) -> None:
    state = get_presenter_state(get_engine())
    slide = (state.slide + step) % count
    set_presenter_state(engine=get_engine(), actor=actor, slide=slide, paused=state.paused)


def _toggle(actor: Actor) -> None:
    state = get_presenter_state(get_engine())
    set_presenter_state(engine=get_engine(), actor=actor, slide=state.slide, paused=not state.paused)


def render_controls(actor: Actor, paused: bool, index: int, count: int, seconds: int, lang: str) -> None:
    """Previous, pause or play, next, and where we are."""
    back, play, forward, where = st.columns([1, 1, 1, 3], vertical_alignment="center")
    back.button(t("present.previous", lang), icon=":material/skip_previous:", key="present_previous",
                on_click=_move, args=(actor, count, -1), width="stretch")  # fmt: skip
    play.button(
        t("present.play" if paused else "present.pause", lang),
        icon=":material/play_arrow:" if paused else ":material/pause:",
        key="present_toggle",
        on_click=_toggle,
        args=(actor,),
        width="stretch",
    )
    forward.button(t("present.next", lang), icon=":material/skip_next:", key="present_next",
                   on_click=_move, args=(actor, count, 1), width="stretch")  # fmt: skip
    state_key = "present.paused_note" if paused else "present.running_note"
    position = t("present.position", lang, n=index + 1, total=count)
    where.caption(f"{position} · {t(state_key, lang, s=seconds)}")


def _to_projector() -> None:
    st.query_params["screen"] = "projector"


def _apply_key(actor: Actor, count: int, pressed: str | None) -> None:
    """A key pressed on the projector tab ("next:1733..."): move, or pause and play."""
    action = (pressed or "").partition(":")[0]
    if action in KEY_STEPS:
        _move(actor, count, KEY_STEPS[action])
    elif action == "toggle":
        _toggle(actor)


def render_projector(actor: Actor, lang: str) -> None:
    """The projector: Streamlit's chrome hidden, large type, only the slide, its QR code and the
    publish banner. It moves with the console, and with this tab's keyboard (arrows, space)."""
    st.html(PRESENTER_CSS)  # a static stylesheet shipped with the app, no user data

    @st.fragment(run_every=TICK_S)
    def loop() -> None:
        deck = load_deck(data_version())
        pressed = _keyboard(key="present_keys", on_pressed_change=ignore_trigger, height=0).pressed
        if pressed:
            _apply_key(actor, len(deck), pressed)
        state = advance_if_due(get_presenter_state(get_engine()), deck, actor)
        index = state.slide % len(deck)
        render_banner(lang)
        with st.container(key="present_slide"):
            main, side = st.columns([5, 1], gap="large")
            with main:
                render_slide(deck[index], lang, key=f"present_chart_{index}", projector=True)
            with side:
                render_qr(deck[index], lang)

    loop()


def render_console(actor: Actor, lang: str) -> None:
    """The organizer's console, on a laptop or a phone: previous, pause or play, next, and what the
    projector shows now; its buttons turn this tab, or a new one, into the projector screen."""
    st.title(t("present.console_title", lang))
    st.caption(t("present.console_intro", lang))
    # This tab becomes the projector, or a new tab does (the login is in the browser's cookie, so the
    # new tab is the organizer's too) and this console stays on the laptop's own screen.
    here, elsewhere = st.columns(2)
    here.button(t("present.open_projector", lang), icon=":material/slideshow:", key="present_open_projector",
                on_click=_to_projector, width="stretch")  # fmt: skip
    elsewhere.link_button(t("present.projector_new_tab", lang), f"/present?screen=projector&lang={lang}",
                          icon=":material/open_in_new:", width="stretch")  # fmt: skip

    @st.fragment(run_every=TICK_S)
    def loop() -> None:
        deck = load_deck(data_version())
        state = advance_if_due(get_presenter_state(get_engine()), deck, actor)
        index = state.slide % len(deck)
        render_controls(actor, state.paused, index, len(deck), deck[index].seconds, lang)
        st.caption(t("present.on_screen", lang))
        with st.container(border=True, key="console_slide"):
            render_slide(deck[index], lang, key=f"console_chart_{index}")

    loop()


def explore_link(slide: Slide, lang: str) -> None:
    """Leave the presenter: open this slide's view on its own page, to explore from there."""
    st.page_link(SLIDE_PAGES[slide.kind], label=t("present.explore", lang), icon=":material/open_in_new:",
                 query_params={**slide.params, "lang": lang})  # fmt: skip


def render_follower(lang: str, mine: str | None = None) -> None:
    """What the projector shows, on a phone; moves when the presenter moves. The phone asks the
    live route every TICK_S seconds and this fragment runs only when the slide or the data moved."""

    @st.fragment
    def loop() -> None:
        state = live_state()
        deck = load_deck(state.data_version)
        index = state.slide % len(deck)
        banner_left = render_banner(lang)
        st.caption(t("present.following", lang, n=index + 1, total=len(deck)))
        with st.container(key="follow_slide"):
            render_slide(deck[index], lang, key=f"follow_chart_{index}", mine=mine)
        explore_link(deck[index], lang)
        seen = watch_key(state, FOLLOW_FIELDS)
        render_watcher(seen, FOLLOW_FIELDS, key="follow_watch", every_s=TICK_S, rerun_in_s=banner_left)

    loop()
