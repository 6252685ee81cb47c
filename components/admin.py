"""Shared pieces of the organizers' admin page: cached loaders, a credential shown once, problem tables.

Layer: components. The tabs themselves are in components/admin_*.py.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.data import get_engine
from data_access import queries
from data_access.catalogue_edit import CatalogueState, get_catalogue_state
from data_access.i18n import t
from data_access.problems import Report
from data_access.store import read_with

SECRET_KEY = "admin_secret"  # (username, password) to show once, after a create or a reset
REPORT_COLUMNS = ("row", "column", "value", "message", "expected")  # as the upload report lays them out


@st.cache_data(show_spinner=False)
def load_indicator_frame(version: int) -> pd.DataFrame:
    """The stored indicator catalogue; VERSION only keys the cache."""
    return queries.list_indicator_frame(get_engine())


@st.cache_resource(show_spinner=False, max_entries=4)
def load_catalogue_state(version: int) -> CatalogueState:
    """What catalogue edits are checked against (read-only); VERSION only keys the cache."""
    return read_with(get_engine(), get_catalogue_state)


def remember_secret(username: str, password: str) -> None:
    """Keep a new password for the next run only: it is shown once, then forgotten."""
    st.session_state[SECRET_KEY] = (username, password)


def render_secret_once(lang: str) -> None:
    """The password just set, once, as plain text with a copy button; gone on the next rerun."""
    secret = st.session_state.pop(SECRET_KEY, None)
    if secret is None:
        return
    username, password = secret
    with st.container(border=True):
        st.success(t("admin.password_once", lang))
        st.text(f"{t('auth.username', lang)}: {username}")  # st.text: never read as markdown
        st.code(password, language=None)


def render_report(report: Report, lang: str, row_labels: dict[int, str] | None = None) -> None:
    """Every refused value with its row and column, as a table of plain text."""
    frame = report.to_frame(lang).loc[:, list(REPORT_COLUMNS)]
    if row_labels is not None:
        frame.insert(
            0, "indicator", frame["row"].map(lambda r: row_labels.get(int(r), "") if pd.notna(r) else "")
        )
    names = {c: t(f"report.{c}", lang).capitalize() for c in REPORT_COLUMNS}
    names["indicator"] = t("admin.col_code", lang)
    widths = {
        names["row"]: st.column_config.NumberColumn(width="small"),
        names["message"]: st.column_config.TextColumn(width="large"),
    }
    st.dataframe(frame.rename(columns=names), hide_index=True, width="stretch", column_config=widths)
