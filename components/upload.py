"""The upload screen's building blocks: the country, its template, the uploaded file and its check,
the change preview and the publish button.

Layer: components. Checks and publishes through data_access.imports, which authorizes every write
again. Text from the file (its name, its cells) is only ever shown through st.text or st.dataframe.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.data import data_version, get_app_settings, get_engine
from components.history import load_versions
from data_access import queries
from data_access.actors import Actor
from data_access.catalogues import country_name, lac_countries, list_indicators
from data_access.diff import ADDED, CHANGED, REMOVED, STATUSES, diff_results, summarize_diff
from data_access.errors import EncuentroError
from data_access.formatting import format_number
from data_access.i18n import t
from data_access.imports import CheckedFile, check_file, import_file
from data_access.report_export import to_changes_table, to_summary_table
from data_access.store import read_with
from data_access.template import build_results_template
from data_access.versions import active_results

UPLOAD_COUNTRY_KEY = "upload_country"
UPLOAD_FILE_KEY = "upload_file"  # the uploader's key is this plus a generation number
UPLOAD_GENERATION_KEY = "upload_generation"  # bumped to give a fresh, empty uploader
UPLOAD_CHECK_KEY = "upload_check"  # the last check, keyed on the file's sha256 and the country
UPLOAD_ACCEPT_KEY = "upload_accept_warnings"
UPLOAD_FLASH_KEY = "upload_flash"  # a success message shown once after a rerun
UPLOAD_PUBLISH_KEY = "upload_publish"
FILE_TYPES = ["xlsx", "xlsm", "xls", "ods", "db", "sqlite"]
CHANGES_SHOWN = 500
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Upload:
    file_name: str
    data: bytes
    sha256: str
    checked: CheckedFile


@st.cache_data(show_spinner=False)
def load_template(version: int, country_iso3: str, lang: str) -> bytes:
    """COUNTRY_ISO3's empty results template in LANG; VERSION keys the cache (the catalogue may change)."""
    return build_results_template(country_iso3, lang, read_with(get_engine(), list_indicators))


@st.cache_data(show_spinner=False)
def load_active_results(version: int, country_iso3: str) -> pd.DataFrame:
    """The figures COUNTRY_ISO3 has published now; VERSION only keys the cache."""
    return active_results(get_engine(), country_iso3)


def set_flash(message: str) -> None:
    """Keep MESSAGE (built from numbers and codes only) for the run after the next st.rerun."""
    st.session_state[UPLOAD_FLASH_KEY] = message


def render_flash() -> None:
    """The success message a publish or a rollback left before rerunning, shown once."""
    message = st.session_state.pop(UPLOAD_FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def _sync_country_param() -> None:
    st.query_params["country"] = st.session_state[UPLOAD_COUNTRY_KEY]


def render_country_choice(actor: Actor, lang: str) -> str | None:
    """A coordinator's own country (no choice offered); an organizer picks any LAC country."""
    if not actor.is_organizer:
        st.subheader(t("upload.own_country", lang, country=country_name(actor.country_iso3, lang)))
        return actor.country_iso3
    options = sorted((c.iso3 for c in lac_countries()), key=lambda iso3: country_name(iso3, lang))
    wanted = st.query_params.get("country", "").upper()
    st.session_state[UPLOAD_COUNTRY_KEY] = wanted if wanted in options else None
    return st.selectbox(
        t("upload.country", lang),
        options,
        format_func=lambda iso3: country_name(iso3, lang),
        placeholder=t("upload.country_placeholder", lang),
        key=UPLOAD_COUNTRY_KEY,
        on_change=_sync_country_param,
    )


def render_template_download(country_iso3: str, lang: str) -> None:
    """The country's results template, with its dropdowns and read-me, in the user's language."""
    st.download_button(
        t("upload.template_button", lang),
        load_template(data_version(), country_iso3, lang),
        file_name=t("upload.template_file", lang, country=country_iso3),
        mime=XLSX_MIME,
        icon=":material/download:",
    )


@dataclass(frozen=True)
class _SavedCheck:
    sha256: str
    file_name: str
    checked_for: str
    upload: Upload


def _check(data: bytes, file_name: str, country_iso3: str) -> Upload:
    """The file's check, run once per file and country; reruns (filters, ticks) reuse it."""
    sha = hashlib.sha256(data).hexdigest()
    saved = st.session_state.get(UPLOAD_CHECK_KEY)
    if saved and saved.sha256 == sha and saved.file_name == file_name and saved.checked_for == country_iso3:
        return saved.upload
    checked = check_file(
        engine=get_engine(), settings=get_app_settings(), data=data, file_name=file_name, country=country_iso3
    )
    upload = Upload(file_name, data, sha, checked)
    st.session_state[UPLOAD_CHECK_KEY] = _SavedCheck(sha, file_name, country_iso3, upload)
    st.session_state.pop(UPLOAD_ACCEPT_KEY, None)  # a new file needs its warnings accepted anew
    return upload


def _uploader_key() -> str:
    return f"{UPLOAD_FILE_KEY}_{st.session_state.get(UPLOAD_GENERATION_KEY, 0)}"


def clear_upload() -> None:
    """Forget the file and its check; the next run draws an empty uploader."""
    st.session_state[UPLOAD_GENERATION_KEY] = st.session_state.get(UPLOAD_GENERATION_KEY, 0) + 1
    st.session_state.pop(UPLOAD_CHECK_KEY, None)
    st.session_state.pop(UPLOAD_ACCEPT_KEY, None)


def render_uploader(country_iso3: str, lang: str) -> Upload | None:
    """The file uploader; returns the uploaded file with its check, or None before an upload."""
    max_mb = get_app_settings().max_upload_mb
    uploaded = st.file_uploader(
        t("upload.file_label", lang),
        type=FILE_TYPES,
        key=_uploader_key(),
        max_upload_size=max_mb,
        help=t("upload.file_help", lang, mb=max_mb),
    )
    if uploaded is None:
        st.session_state.pop(UPLOAD_CHECK_KEY, None)
        return None
    with st.spinner(t("upload.checking", lang)):
        upload = _check(uploaded.getvalue(), uploaded.name, country_iso3)
    st.text(t("upload.file_checked", lang, name=upload.file_name))
    if upload.checked.kind != "results":
        st.error(t("upload.not_results", lang))
    return upload


@st.cache_data(show_spinner=False)
def load_indicator_names(version: int, lang: str) -> dict[str, str]:
    """Indicator code -> name in LANG, as the catalogue stands; VERSION only keys the cache."""
    frame = queries.list_indicator_frame(get_engine())
    return dict(zip(frame["code"], frame[f"name_{lang}"], strict=True))


def _next_version(versions: pd.DataFrame) -> int:
    return 1 if versions.empty else int(versions["version"].max()) + 1


def _active_sha(versions: pd.DataFrame) -> tuple[int, str] | None:
    active = versions[versions["status"] == "active"]
    return None if active.empty else (int(active["version"].iloc[0]), str(active["sha256"].iloc[0]))


def render_preview(country_iso3: str, upload: Upload, lang: str) -> None:
    """What publishing would change against the published version: counts, per indicator, values."""
    version = data_version()
    versions = load_versions(version, country_iso3)
    new = upload.checked.results
    rows = format_number(len(new), lang, 0)
    name = country_name(country_iso3, lang)
    active = _active_sha(versions)
    if active and active[1] == upload.sha256:
        st.info(t("upload.identical", lang, version=active[0]), icon=":material/info:")
        return
    if active is None:
        st.info(t("upload.first_version", lang, version=_next_version(versions), country=name, rows=rows))
        return
    diff = diff_results(load_active_results(version, country_iso3), new)
    counts = diff["status"].value_counts()
    for col, status in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
        col.metric(t(f"upload.diff_{status}", lang), format_number(int(counts.get(status, 0)), lang, 0))
    st.caption(t("upload.next_version", lang, version=_next_version(versions), current=active[0], rows=rows))
    if not counts.get(ADDED, 0) and not counts.get(REMOVED, 0) and not counts.get(CHANGED, 0):
        st.info(t("upload.same_figures", lang), icon=":material/info:")
    names = load_indicator_names(version, lang)
    _render_summary(summarize_diff(diff), names, lang)
    _render_changes(diff[diff["status"] == CHANGED], names, lang)


def _render_summary(summary: pd.DataFrame, names: dict[str, str], lang: str) -> None:
    st.markdown(f"**{t('upload.summary_title', lang)}**")
    st.dataframe(to_summary_table(summary, names, lang), hide_index=True)


def _render_changes(changed: pd.DataFrame, names: dict[str, str], lang: str) -> None:
    st.markdown(f"**{t('upload.changes_title', lang)}**")
    if changed.empty:
        st.caption(t("upload.no_changes", lang))
        return
    st.dataframe(to_changes_table(changed.head(CHANGES_SHOWN), names, lang), hide_index=True)
    if len(changed) > CHANGES_SHOWN:
        total = format_number(len(changed), lang, 0)
        st.caption(t("upload.changes_cut", lang, shown=CHANGES_SHOWN, total=total))


def render_publish(actor: Actor, country_iso3: str, upload: Upload, accepted: bool, lang: str) -> None:
    """The publish button: disabled while errors remain or warnings are not accepted."""
    report = upload.checked.report
    blocked = upload.checked.kind != "results" or not upload.checked.publishable(accept_warnings=accepted)
    clicked = st.button(
        t("upload.publish", lang, country=country_name(country_iso3, lang)),
        type="primary",
        disabled=blocked,
        key=UPLOAD_PUBLISH_KEY,
        icon=":material/publish:",
    )
    if blocked:
        reason = "upload.blocked_errors" if not report.ok else "upload.blocked_warnings"
        st.caption(t(reason if upload.checked.kind == "results" else "upload.not_results", lang))
    if clicked and not blocked:
        _publish(actor, country_iso3, upload, accepted, lang)


def _publish(actor: Actor, country_iso3: str, upload: Upload, accepted: bool, lang: str) -> None:
    try:
        result = import_file(
            engine=get_engine(),
            settings=get_app_settings(),
            data=upload.data,
            file_name=upload.file_name,
            actor=actor,
            country=country_iso3,
            accept_warnings=accepted,
        )
    except EncuentroError as err:
        st.error(err.message(lang))
        return
    if not result.published:
        st.error(t("upload.not_published", lang))
        return
    outcome = result.outcome
    if outcome.unchanged:
        st.info(t("upload.identical", lang, version=outcome.version), icon=":material/info:")
        return
    name = country_name(country_iso3, lang)
    set_flash(
        t(
            "upload.published",
            lang,
            version=outcome.version,
            country=name,
            rows=format_number(outcome.row_count, lang, 0),
        )
    )
    clear_upload()
    st.rerun()
