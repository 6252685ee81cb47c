"""One joint action in detail: its facts, the evidence that prompted it, its history and the
follow-up form for those allowed to post one.

Layer: components. Typed text (title, description, notes) goes through st.text or st.dataframe
only; post_action_update checks again who may post, below the UI.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.actions.table import FLASH_KEY, country_label, due_text, group_label, load_action_history
from components.shell.data import data_version, get_engine, load_cuts, load_indicator_frame, when_texts
from data_access.core.actors import Actor
from data_access.core.errors import EncuentroError
from data_access.core.i18n import t
from data_access.meeting.records import MAX_NOTE, can_follow_up, post_action_update
from data_access.meeting.rosters import theme_in
from data_access.workbooks.columns import ACTION_STATUSES, COMPLETIONS

CHOICE_KEY = "actions_detail_code"
FORM_KEY = "actions_follow_up"


def _sync_choice() -> None:
    st.query_params["action"] = st.session_state[CHOICE_KEY]


def render_action_choice(actions: pd.DataFrame, lang: str) -> pd.Series | None:
    """A selectbox of the actions shown, bound to ?action=; returns the chosen action's row."""
    if actions.empty:
        return None
    codes = list(actions["code"])
    titles = dict(zip(actions["code"], actions["title"], strict=True))
    current = st.query_params.get("action", "")
    st.session_state[CHOICE_KEY] = current if current in codes else codes[0]
    code = st.selectbox(
        t("actions.choose_action", lang),
        codes,
        key=CHOICE_KEY,
        format_func=lambda c: f"{c} · {titles[c]}",
        on_change=_sync_choice,
    )
    return actions[actions["code"] == code].iloc[0]


def _fact(label: str, value: str) -> None:
    st.caption(label)
    st.text(value)


def evidence_text(action: pd.Series, version: int, lang: str) -> str:
    """The indicator and country that prompted the action, by name, or a dash."""
    indicator, country = action["evidence_indicator"], action["evidence_country"]
    if not indicator and not country:
        return t("actions.none", lang)
    names = load_indicator_frame(version).set_index("code")[f"name_{lang}"]
    name = str(names.get(indicator, indicator)) if indicator else t("actions.none", lang)
    return t("actions.evidence_text", lang, indicator=name, country=country_label(country, lang))


def evidence_params(action: pd.Series, lang: str) -> dict[str, str] | None:
    """The /compare view of the evidence: the indicator ranked, the country picked out."""
    indicator, country = action["evidence_indicator"], action["evidence_country"]
    if not indicator:
        return None
    params = {"chart": "ranking", "indicator": str(indicator), "lang": lang}
    return params | ({"countries": str(country)} if country else {})


def render_evidence_links(action: pd.Series, lang: str) -> None:
    """Open the evidence on /compare, and the evidence country's profile on /country."""
    params = evidence_params(action, lang)
    if params and params["indicator"] in set(load_cuts(data_version())["indicator_code"]):
        st.page_link("pages/compare.py", label=t("actions.evidence_open", lang), icon=":material/bar_chart:",
                     query_params=params)  # fmt: skip
    if action["evidence_country"]:
        label = t("compare.open_country", lang, country=country_label(action["evidence_country"], lang))
        st.page_link("pages/country.py", label=label, icon=":material/flag:",
                     query_params={"country": str(action["evidence_country"]), "lang": lang})  # fmt: skip


def render_action_detail(
    action: pd.Series, groups: dict[str, dict[str, str]], version: int, lang: str
) -> None:
    """Description, theme, group, countries, due date, status, completion and evidence."""
    with st.container(border=True):
        st.text(f"{action['code']} · {action['title']}")
        _fact(t("actions.description", lang), action["description"] or t("actions.none", lang))
        left, right = st.columns(2)
        with left:
            _fact(t("actions.theme", lang), theme_in(action, lang) or t("actions.none", lang))
            _fact(t("actions.col_group", lang), group_label(action["group"], groups, lang))
            _fact(t("actions.col_lead", lang), country_label(action["lead_country"], lang))
            participants = ", ".join(country_label(c, lang) for c in action["participants"])
            _fact(t("actions.col_participants", lang), participants or t("actions.none", lang))
            _fact(t("actions.col_reviewer", lang), country_label(action["reviewer_country"], lang))
        with right:
            _fact(t("actions.col_due", lang), due_text(action["due_date"], lang))
            _fact(t("actions.col_status", lang), t(f"status.{action['status']}", lang))
            _fact(t("actions.col_completion", lang), t(f"completion.{action['completion']}", lang))
            _fact(t("actions.col_evidence", lang), evidence_text(action, version, lang))
            render_evidence_links(action, lang)


def render_action_history(code: str, version: int, lang: str) -> None:
    """Who changed what and when, newest first, as a table of plain text."""
    st.subheader(t("actions.history_title", lang))
    history = load_action_history(version, code)
    if history.empty:
        st.caption(t("actions.history_empty", lang))
        return
    table = pd.DataFrame(
        {
            t("actions.hist_author", lang): history["author"],
            t("actions.hist_at", lang): when_texts(pd.to_datetime(history["at"]), lang),
            t("actions.col_status", lang): [t(f"status.{s}", lang) for s in history["status"]],
            t("actions.col_completion", lang): [
                t(f"completion.{c}", lang) if c else "" for c in history["completion"]
            ],
            t("actions.hist_note", lang): history["note"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


def render_follow_up(actor: Actor, action: pd.Series, lang: str) -> None:
    """Status, completion and a note, for the lead country, the peer reviewer and organizers."""
    if not can_follow_up(actor, lead=action["lead_country"], reviewer=action["reviewer_country"]):
        if not actor.username:
            st.caption(t("actions.follow_login", lang))
        return
    st.subheader(t("actions.follow_title", lang))
    st.caption(t("actions.follow_help", lang))
    with st.form(FORM_KEY, clear_on_submit=True):
        status = st.selectbox(
            t("actions.col_status", lang),
            ACTION_STATUSES,
            index=ACTION_STATUSES.index(action["status"]),
            key=f"{FORM_KEY}_status_{action['code']}",
            format_func=lambda s: t(f"status.{s}", lang),
        )
        completion = st.selectbox(
            t("actions.col_completion", lang),
            COMPLETIONS,
            index=COMPLETIONS.index(action["completion"]),
            key=f"{FORM_KEY}_completion_{action['code']}",
            format_func=lambda c: t(f"completion.{c}", lang),
        )
        note = st.text_area(t("actions.follow_note", lang), max_chars=MAX_NOTE, key=f"{FORM_KEY}_note")
        if not st.form_submit_button(t("actions.follow_submit", lang), type="primary"):
            return
    try:
        post_action_update(
            engine=get_engine(),
            actor=actor,
            action_code=str(action["code"]),
            status=status,
            completion=completion,
            note=note,
        )
    except EncuentroError as err:
        st.error(err.message(lang))
        return
    st.session_state[FLASH_KEY] = t("actions.follow_saved", lang, code=action["code"])
    st.rerun()
