"""The organizers' editor of joint actions: every cell as text, new rows allowed, no deletions.

Layer: components. Streamlit's data editor drops some input without a word, so the edited table
is checked by data_access.meeting.action_edit exactly like an imported workbook, every refused value is
listed with its row and column, and nothing is saved while any is refused.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.actions.table import FLASH_KEY
from components.shell.data import get_engine
from components.shell.refusals import render_report
from data_access.core.actors import Actor
from data_access.core.errors import EncuentroError
from data_access.core.i18n import t
from data_access.core.models import Indicator
from data_access.meeting.action_edit import (
    FIRST_ROW,
    edit_labels,
    get_edit_references,
    save_action_edits,
    to_edit_frame,
    validate_action_edits,
)

EDITOR_KEY = "actions_editor"
SAVE_KEY = "actions_editor_save"
OPEN_KEY = "actions_editor_open"


@st.cache_resource(show_spinner=False, max_entries=4)
def load_edit_references(version: int) -> tuple[list[str], list[Indicator]]:
    """Working-group codes and the indicator catalogue (read-only); VERSION only keys the cache."""
    return get_edit_references(get_engine())


def _pending_edits() -> bool:
    state = st.session_state.get(EDITOR_KEY) or {}
    return bool(state.get("edited_rows") or state.get("added_rows"))


def _save(actor: Actor, clean: pd.DataFrame, lang: str) -> None:
    try:
        outcome = save_action_edits(engine=get_engine(), actor=actor, clean=clean, lang=lang)
    except EncuentroError as err:
        st.error(err.message(lang))
        return
    st.session_state[FLASH_KEY] = t("actions.saved", lang, created=outcome.created, updated=outcome.updated)
    st.session_state.pop(EDITOR_KEY, None)
    st.rerun()


def render_action_editor(actor: Actor, actions: pd.DataFrame, version: int, lang: str) -> None:
    """All actions as an editable table; checked on every change, saved only when nothing is refused."""
    with st.expander(t("actions.editor_title", lang), icon=":material/edit:", key=OPEN_KEY):
        st.caption(t("actions.editor_help", lang))
        config = {code: st.column_config.TextColumn(label) for code, label in edit_labels(lang).items()}
        edited = st.data_editor(
            to_edit_frame(actions, lang),
            num_rows="add",
            hide_index=True,
            column_config=config,
            key=EDITOR_KEY,
            width="stretch",
        )
        if not _pending_edits():
            return
        groups, indicators = load_edit_references(version)
        clean, report = validate_action_edits(edited, known_groups=groups, indicators=indicators, lang=lang)
        if not report.ok:
            st.error(t("actions.refused", lang, count=report.error_count))
            codes = {i: str(c) if pd.notna(c) else "" for i, c in enumerate(edited["code"], start=FIRST_ROW)}
            render_report(report, lang, codes)
            return
        st.info(t("actions.ready", lang, rows=len(clean)))
        if st.button(t("actions.save", lang), type="primary", key=SAVE_KEY):
            _save(actor, clean, lang)
