"""Joint actions, served at /actions: filters, table, board by status, timeline, downloads, one
action's detail and history, follow-ups for the countries it names, an editor for organizers."""

import streamlit as st

from components.actions.detail import (
    render_action_choice,
    render_action_detail,
    render_action_history,
    render_follow_up,
)
from components.actions.editor import render_action_editor
from components.actions.table import (
    filter_actions_by,
    load_action_groups,
    load_actions,
    render_actions_table,
    render_board,
    render_downloads,
    render_filters,
    render_flash,
    render_timeline,
)
from components.shell.setup import setup_page
from data_access.core.i18n import t

ctx = setup_page("actions")
st.title(t("actions.title", ctx.lang))
st.caption(t("actions.intro", ctx.lang))
render_flash()
actions = load_actions(ctx.version)
groups = load_action_groups(ctx.version)

if actions.empty:
    st.info(t("actions.no_actions", ctx.lang))
else:
    filters = render_filters(actions, groups, ctx.lang)
    shown = filter_actions_by(actions, filters)
    st.caption(t("actions.shown", ctx.lang, shown=len(shown), total=len(actions)))
    table, board, timeline = st.tabs(
        [
            t("actions.tab_table", ctx.lang),
            t("actions.tab_board", ctx.lang),
            t("actions.tab_timeline", ctx.lang),
        ]
    )
    with table:
        render_actions_table(shown, groups, ctx.lang)
    with board:
        render_board(shown, ctx.lang)
    with timeline:
        render_timeline(shown, ctx.lang)
    render_downloads(shown, ctx.lang)

    st.header(t("actions.detail_title", ctx.lang), divider="gray")
    action = render_action_choice(shown, ctx.lang)
    if action is None:
        st.info(t("actions.none_match", ctx.lang))
    else:
        render_action_detail(action, groups, ctx.version, ctx.lang)
        render_action_history(str(action["code"]), ctx.version, ctx.lang)
        render_follow_up(ctx.actor, action, ctx.lang)

if ctx.actor.is_organizer:
    render_action_editor(ctx.actor, actions, ctx.version, ctx.lang)
ctx.finish()
