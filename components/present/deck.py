"""Composing the presenter's deck: an editable table of slides on /present, and a button on
/compare that adds the view on screen as the next slide (organizers only).

Layer: components. The deck is checked and saved by data_access.meeting.deck, which checks the actor again.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd
import streamlit as st

from components.present.slide import load_deck
from components.shell.data import data_version, get_engine
from data_access.core.actors import Actor
from data_access.core.errors import EncuentroError
from data_access.core.i18n import t
from data_access.meeting.deck import MAX_SECONDS, MIN_SECONDS, SLIDE_KINDS, Slide, save_deck
from data_access.stats.views import View

EDITOR_KEY = "present_deck_editor"
FLASH_KEY = "present_deck_flash"


def to_deck_frame(deck: tuple[Slide, ...]) -> pd.DataFrame:
    """The deck as the editor shows it: kind, the view as URL parameters, seconds."""
    return pd.DataFrame(
        {
            "kind": [s.kind for s in deck],
            "view": [urlencode(s.params) for s in deck],
            "seconds": [s.seconds for s in deck],
        }
    )


def from_deck_frame(frame: pd.DataFrame) -> list[dict]:
    """Rows back to slides; a pasted full address keeps only its query. Checking is data_access's."""
    slides = []
    for row in frame.itertuples(index=False):
        text = str(row.view or "").strip()
        query = urlsplit(text).query if "?" in text else text
        seconds = int(row.seconds) if pd.notna(row.seconds) else 0
        slides.append({"kind": row.kind, "params": dict(parse_qsl(query)), "seconds": seconds})
    return slides


def _save(actor: Actor, slides: list[dict], lang: str, done_key: str) -> None:
    try:
        deck = save_deck(engine=get_engine(), actor=actor, slides=slides)
    except EncuentroError as err:
        st.session_state[FLASH_KEY] = ("error", err.message(lang))
        return
    st.session_state[FLASH_KEY] = ("success", t(done_key, lang, n=len(deck)))


def render_flash() -> None:
    """The outcome of the last save, once."""
    if flash := st.session_state.pop(FLASH_KEY, None):
        (st.error if flash[0] == "error" else st.success)(flash[1])


def render_deck_editor(actor: Actor, lang: str) -> None:
    """The slides as an editable table (add, remove, reorder by editing), saved in one go."""
    with st.expander(t("present.deck_title", lang), icon=":material/view_carousel:"):
        render_flash()
        st.caption(t("present.deck_help", lang))
        columns = {
            "kind": st.column_config.SelectboxColumn(
                t("present.col_kind", lang), options=list(SLIDE_KINDS), required=True
            ),
            "view": st.column_config.TextColumn(t("present.col_view", lang), width="large"),
            "seconds": st.column_config.NumberColumn(
                t("present.col_seconds", lang), min_value=MIN_SECONDS, max_value=MAX_SECONDS, step=1
            ),
        }
        edited = st.data_editor(
            to_deck_frame(load_deck(data_version())),
            column_config=columns,
            num_rows="dynamic",
            hide_index=True,
            key=EDITOR_KEY,
            width="stretch",
        )
        if st.button(t("present.save_deck", lang), icon=":material/save:", key="present_save_deck"):
            _save(actor, from_deck_frame(edited), lang, "present.deck_saved")
            st.rerun()


def render_add_to_deck(actor: Actor, view: View | dict[str, str], lang: str, kind: str = "compare") -> None:
    """On /compare (or /country), for organizers: the view on screen becomes the deck's last slide."""
    if not actor.is_organizer:
        return
    render_flash()
    if st.button(t("present.add_to_deck", lang), icon=":material/add_to_queue:", key=f"{kind}_add_to_deck"):
        params = view.shared().to_params() if isinstance(view, View) else view
        slides = [*load_deck(data_version()), Slide(kind, params)]
        _save(actor, slides, lang, "present.added")
        st.rerun()
