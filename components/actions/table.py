"""The joint-actions page's building blocks: cached loaders, filters bound to the URL, the table,
the board by status, the timeline and the downloads.

Layer: components. Titles and notes are typed by people: they are shown only through
st.dataframe or st.text, never as markdown. The detail and the editor are in actions_*.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from components.actions.timeline import build_timeline_chart, to_timeline_frame
from components.charts.matrices import to_spec
from components.shell.data import get_engine
from data_access.core.catalogues import country_name
from data_access.core.formatting import format_day
from data_access.core.i18n import t
from data_access.meeting import actions as action_data
from data_access.workbooks.columns import ACTION_STATUSES, COMPLETIONS

STATUS_KEY = "actions_filter_status"
GROUP_KEY = "actions_filter_group"
COUNTRY_KEY = "actions_filter_country"
FLASH_KEY = "actions_flash"  # a success message to show once, after the rerun a write causes
COMPLETION_SHARE = {c: i / (len(COMPLETIONS) - 1) for i, c in enumerate(COMPLETIONS)}

# The due column as each language writes dates (the browser's date library names months only in
# English, so es and pt use numbers; day first, as both write them).
DUE_FORMATS = {"es": "DD/MM/YYYY", "pt": "DD/MM/YYYY", "en": "MMM D, YYYY"}


@dataclass(frozen=True)
class ActionFilters:
    status: str | None = None
    group: str | None = None
    country: str | None = None


@st.cache_data(show_spinner=False)
def load_actions(version: int) -> pd.DataFrame:
    """Every joint action; VERSION only keys the cache."""
    return action_data.list_actions(get_engine())


@st.cache_data(show_spinner=False)
def load_action_groups(version: int) -> dict[str, dict[str, str]]:
    """Working-group code -> {lang: name}; VERSION only keys the cache."""
    frame = action_data.list_action_groups(get_engine())
    return {row.code: {"es": row.name_es, "pt": row.name_pt, "en": row.name_en} for row in frame.itertuples()}


@st.cache_data(show_spinner=False)
def load_action_history(version: int, code: str) -> pd.DataFrame:
    """One action's history, newest first; VERSION only keys the cache."""
    return action_data.list_action_history(get_engine(), code)


def country_label(iso3: object, lang: str) -> str:
    """A country's name in LANG, or a dash when none is set."""
    return country_name(str(iso3), lang) if iso3 else t("actions.none", lang)


def group_label(code: object, groups: dict[str, dict[str, str]], lang: str) -> str:
    """A working group's name in LANG (its code when the group has no names)."""
    if not code:
        return t("actions.none", lang)
    return groups.get(str(code), {}).get(lang) or str(code)


def _sync_param(param: str, key: str) -> None:
    value = st.session_state.get(key)
    if value:
        st.query_params[param] = value
    else:
        st.query_params.pop(param, None)


def render_bound_select(label: str, options: list[str], param: str, key: str, fmt, lang: str) -> str | None:
    """A selectbox whose choice lives in ?PARAM= (blank means all), so links share the view."""
    current = st.query_params.get(param, "")
    st.session_state[key] = current if current in options else ""
    st.selectbox(
        label,
        ["", *options],
        key=key,
        format_func=lambda v: fmt(v) if v else t("actions.any", lang),
        on_change=_sync_param,
        args=(param, key),
    )
    return st.session_state[key] or None


def render_filters(actions: pd.DataFrame, groups: dict[str, dict[str, str]], lang: str) -> ActionFilters:
    """Status, working group and country (lead or participant), each bound to the URL."""
    st.query_params["lang"] = lang  # kept in the URL a filter change rewrites
    countries = {c for c in actions["lead_country"] if c} | {c for p in actions["participants"] for c in p}
    ordered = sorted(countries, key=lambda c: country_label(c, lang))
    status_col, group_col, country_col = st.columns(3)
    with status_col:
        status = render_bound_select(
            t("actions.filter_status", lang),
            list(ACTION_STATUSES),
            "status",
            STATUS_KEY,
            lambda s: t(f"status.{s}", lang),
            lang,
        )
    with group_col:
        group = render_bound_select(
            t("actions.filter_group", lang),
            sorted(str(g) for g in actions["group"].dropna().unique()),
            "group",
            GROUP_KEY,
            lambda g: group_label(g, groups, lang),
            lang,
        )
    with country_col:
        country = render_bound_select(
            t("actions.filter_country", lang),
            ordered,
            "country",
            COUNTRY_KEY,
            lambda c: country_label(c, lang),
            lang,
        )
    return ActionFilters(status, group, country)


def render_flash() -> None:
    """The confirmation of the last write, once."""
    if message := st.session_state.pop(FLASH_KEY, None):
        st.success(message)


def render_actions_table(actions: pd.DataFrame, groups: dict[str, dict[str, str]], lang: str) -> None:
    """The filtered actions as a table of plain text, dates sortable."""
    table = pd.DataFrame(
        {
            t("actions.col_code", lang): actions["code"],
            t("actions.col_title", lang): actions["title"],
            t("actions.col_group", lang): [group_label(g, groups, lang) for g in actions["group"]],
            t("actions.col_lead", lang): [country_label(c, lang) for c in actions["lead_country"]],
            t("actions.col_participants", lang): [
                ", ".join(country_label(c, lang) for c in p) for p in actions["participants"]
            ],
            t("actions.col_reviewer", lang): [country_label(c, lang) for c in actions["reviewer_country"]],
            t("actions.col_due", lang): pd.to_datetime(actions["due_date"]).dt.date,
            t("actions.col_status", lang): [t(f"status.{s}", lang) for s in actions["status"]],
            t("actions.col_completion", lang): [t(f"completion.{c}", lang) for c in actions["completion"]],
        }
    )
    config = {
        t("actions.col_due", lang): st.column_config.DateColumn(format=DUE_FORMATS.get(lang, "DD/MM/YYYY"))
    }
    with st.container(key="wide_only_actions"):  # phone.css: the table on wider screens
        st.dataframe(table, hide_index=True, width="stretch", column_config=config)
    with st.container(key="phone_only_actions"):  # a card per action on a phone, where 9 columns cannot fit
        for _, action in actions.iterrows():
            render_card(action, lang, with_status=True)


def due_text(due: object, lang: str) -> str:
    """ "due 31 mar 2027" as LANG writes the date, or "no due date"."""
    if not isinstance(due, date):
        return t("actions.no_due", lang)
    return t("actions.due_on", lang, date=format_day(due, lang))


def render_card(action: pd.Series, lang: str, with_status: bool = False) -> None:
    """One action as a card: title, lead country, due date (and its status, off the board), completion."""
    with st.container(border=True):
        st.text(f"{action['code']} · {action['title']}")
        facts = [country_label(action["lead_country"], lang), due_text(action["due_date"], lang)]
        facts += [t(f"status.{action['status']}", lang).capitalize()] if with_status else []
        st.caption(" · ".join(facts))
        completion = str(action["completion"])
        st.progress(COMPLETION_SHARE.get(completion, 0.0), text=t(f"completion.{completion}", lang))


def render_board(actions: pd.DataFrame, lang: str) -> None:
    """One column per status with a card per action; on a phone the columns stack."""
    columns = st.columns(len(ACTION_STATUSES))
    for column, status in zip(columns, ACTION_STATUSES, strict=True):
        in_status = actions[actions["status"] == status].sort_values("due_date", na_position="last")
        with column:
            st.subheader(f"{t(f'status.{status}', lang).capitalize()} ({len(in_status)})", divider="gray")
            if in_status.empty:
                st.caption(t("actions.board_empty", lang))
            for _, action in in_status.iterrows():
                render_card(action, lang)


def render_timeline(actions: pd.DataFrame, lang: str) -> None:
    """Due dates on a time axis, coloured by status, with today marked."""
    timeline = to_timeline_frame(actions, lang)
    if timeline.empty:
        st.info(t("actions.timeline_empty", lang))
        return
    st.caption(t("actions.timeline_help", lang))
    # Through a spec, as every chart here: st.altair_chart swaps Altair's process-wide data
    # transformer while it converts, which other sessions' charts would pick up meanwhile.
    st.vega_lite_chart(spec=to_spec(build_timeline_chart(timeline, date.today(), lang)), width="stretch")


def render_downloads(actions: pd.DataFrame, lang: str) -> None:
    """The actions shown, as XLSX and CSV (formula-safe), and their due dates as iCalendar."""
    st.markdown(f"**{t('actions.downloads', lang)}**")
    xlsx_col, csv_col, ics_col = st.columns(3)
    calendar = t("actions.title", lang)
    files = (
        (xlsx_col, "download_xlsx", action_data.export_actions_xlsx(actions, lang), "xlsx"),
        (csv_col, "download_csv", action_data.export_actions_csv(actions), "csv"),
        (ics_col, "download_ics", action_data.to_ical(actions, calendar_name=calendar), "ics"),
    )
    for column, key, data, ext in files:
        with column:
            st.download_button(
                t(f"actions.{key}", lang),
                data,
                file_name=f"encuentro-actions.{ext}",
                icon=":material/download:",
                on_click="ignore",
                key=f"actions_{key}",
                width="stretch",
            )


def filter_actions_by(actions: pd.DataFrame, filters: ActionFilters) -> pd.DataFrame:
    """The actions the filters let through."""
    return action_data.filter_actions(
        actions, status=filters.status, group=filters.group, country=filters.country
    )
