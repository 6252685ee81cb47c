"""A country's published versions: the history table, the kept original files, and rolling back.

Layer: components. Reads through a cached loader keyed on the data version; downloads and
rollbacks go through data_access.publishing.versions, which checks the actor again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from components.shell.data import data_version, get_engine, meeting_zone_name, when_texts
from data_access.core.actors import Actor
from data_access.core.errors import EncuentroError
from data_access.core.formatting import format_number, format_when, visible_text
from data_access.core.i18n import t
from data_access.core.store import Engine
from data_access.publishing.versions import get_original, list_versions, rollback

HISTORY_VERSION_KEY = "upload_history_version"
HISTORY_CONFIRM_KEY = "upload_history_confirm"  # plus the version, so a new choice starts unticked
HISTORY_ROLLBACK_KEY = "upload_history_rollback"
HISTORY_FLASH_KEY = "upload_history_flash"
ROLLBACK_PREFIX = "rollback:"


@st.cache_data(show_spinner=False)
def load_versions(version: int, country_iso3: str) -> pd.DataFrame:
    """Every version COUNTRY_ISO3 has published, newest first; VERSION only keys the cache."""
    return list_versions(get_engine(), country_iso3)


def _note(note: object, lang: str) -> str:
    """Only notes the app wrote are shown, translated (a rollback names the version it restored)."""
    text = note if isinstance(note, str) else ""
    if text.startswith(ROLLBACK_PREFIX) and text.removeprefix(ROLLBACK_PREFIX).isdigit():
        return t("upload_history.note_rollback", lang, version=text.removeprefix(ROLLBACK_PREFIX))
    return ""


def _table(versions: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("upload_history.col_version", lang): versions["version"],
            t("upload_history.col_when", lang): when_texts(versions["created_at"], lang),
            t("upload_history.col_who", lang): versions["uploader"],
            t("upload_history.col_file", lang): [visible_text(n) for n in versions["file_name"]],
            t("upload_history.col_rows", lang): [format_number(n, lang, 0) for n in versions["row_count"]],
            t("upload_history.col_status", lang): [
                t(f"upload_history.status_{s}", lang) for s in versions["status"]
            ],
            t("upload_history.col_note", lang): [_note(n, lang) for n in versions["note"]],
        }
    )


def render_history(actor: Actor, country_iso3: str, lang: str) -> None:
    """Every version of the country, a download of each original file, and rollback."""
    message = st.session_state.pop(HISTORY_FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")
    versions = load_versions(data_version(), country_iso3)
    if versions.empty:
        st.info(t("upload_history.empty", lang))
        return
    st.dataframe(_table(versions, lang), hide_index=True)
    rows = {int(r.version): r for r in versions.itertuples(index=False)}
    pick, download = st.columns([3, 2], vertical_alignment="bottom")
    with pick:
        chosen = _choose_version(rows, country_iso3, lang)
    row = rows[chosen]
    download.download_button(
        t("upload_history.download", lang, version=chosen),
        _original_reader(get_engine(), actor, int(row.id)),
        file_name=_safe_file_name(row.file_name, country_iso3, chosen),
        icon=":material/download:",
        key=f"{HISTORY_VERSION_KEY}_download",
    )
    if row.status == "active":
        st.caption(t("upload_history.is_active", lang, version=chosen))
        return
    _render_rollback(actor, country_iso3, chosen, max(rows) + 1, lang)


def history_version_key(country_iso3: str, newest: int) -> str:
    """The version picker's key: a new version or another country starts from the newest again."""
    return f"{HISTORY_VERSION_KEY}_{country_iso3}_{newest}"


def _choose_version(rows: dict[int, Any], country_iso3: str, lang: str) -> int:
    def label(version: int) -> str:
        row = rows[version]
        status = t(f"upload_history.status_{row.status}", lang)
        when = format_when(row.created_at, lang, meeting_zone_name())
        return t("upload_history.option", lang, version=version, when=when, status=status)

    return st.selectbox(
        t("upload_history.choose", lang),
        list(rows),
        format_func=label,
        key=history_version_key(country_iso3, max(rows)),
    )


def _original_reader(engine: Engine, actor: Actor, submission_id: int) -> Callable[[], bytes]:
    """The kept bytes, read only when someone clicks (on Streamlit's download thread)."""

    def read() -> bytes:
        return get_original(engine, actor=actor, submission_id=submission_id)[1]

    return read


def _safe_file_name(name: object, country_iso3: str, version: int) -> str:
    """The original name for the browser's save dialog, without path parts or control characters."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in text if c.isprintable()).strip(" .")
    return f"v{version}_{text}" if text else f"{country_iso3}_v{version}.xlsx"


def _render_rollback(actor: Actor, country_iso3: str, version: int, next_version: int, lang: str) -> None:
    """Publish VERSION again as NEXT_VERSION, behind a confirmation tick."""
    confirm_key = f"{HISTORY_CONFIRM_KEY}_{version}"
    confirmed = st.checkbox(
        t("upload_history.confirm", lang, version=version, next=next_version), key=confirm_key
    )
    clicked = st.button(
        t("upload_history.rollback", lang, version=version),
        disabled=not confirmed,
        key=HISTORY_ROLLBACK_KEY,
        icon=":material/history:",
    )
    if not (clicked and confirmed):
        return
    try:
        outcome = rollback(engine=get_engine(), actor=actor, country_iso3=country_iso3, version=version)
    except EncuentroError as err:
        st.error(err.message(lang))
        return
    st.session_state[HISTORY_FLASH_KEY] = t(
        "upload_history.rolled_back", lang, version=version, new=outcome.version
    )
    st.session_state.pop(confirm_key, None)
    st.rerun()
