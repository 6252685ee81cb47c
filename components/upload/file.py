"""The upload screen's building blocks: the country, its template, the uploaded file and its check,
the change preview and the publish button.

Layer: components. Checks and publishes through data_access.publishing.imports, which authorizes every write
again. Text from the file (its name, its cells) is only ever shown through st.text or st.dataframe.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.shell.data import data_version, get_app_settings, get_engine
from data_access.core.actors import Actor
from data_access.core.catalogues import country_name, lac_countries, list_indicators
from data_access.core.formatting import visible_text
from data_access.core.i18n import t
from data_access.core.store import read_with
from data_access.operations.metrics import REJECTED_UPLOADS
from data_access.publishing.import_report import repairs_text
from data_access.publishing.imports import CheckedFile, by_second_reader, check_file
from data_access.publishing.versions import active_results
from data_access.workbooks.template import build_results_template

UPLOAD_COUNTRY_KEY = "upload_country"
UPLOAD_FILE_KEY = "upload_file"  # the uploader's key is this plus a generation number
UPLOAD_GENERATION_KEY = "upload_generation"  # bumped to give a fresh, empty uploader
UPLOAD_CHECK_KEY = "upload_check"  # the last check, keyed on the file's sha256 and the country
UPLOAD_ACCEPT_KEY = "upload_accept_warnings"
UPLOAD_FLASH_KEY = "upload_flash"  # a success message shown once after a rerun
UPLOAD_PUBLISH_KEY = "upload_publish"
UPLOAD_MODE_KEY = "upload_mode"
UPLOAD_CONFIRM_KEY = "upload_confirm_removals"  # plus the mode and count it confirms
FILE_TYPES = ["xlsx", "xlsm", "xls", "ods", "db", "sqlite"]
CHANGES_SHOWN = 500
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Upload:
    file_name: str
    data: bytes
    sha256: str
    checked: CheckedFile


@st.cache_data(show_spinner=False, max_entries=64)
def load_template(version: int, country_iso3: str, lang: str, filled: bool) -> bytes:
    """COUNTRY_ISO3's results template in LANG, FILLED with its published figures or empty;
    VERSION keys the cache (figures and catalogue change with it)."""
    rows = active_results(get_engine(), country_iso3) if filled else None
    return build_results_template(country_iso3, lang, read_with(get_engine(), list_indicators), rows)


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
    """The country's results template, with its dropdowns and read-me, in the user's language:
    holding what is published (edit and upload it again), or empty."""
    version = data_version()
    published = not load_active_results(version, country_iso3).empty
    left, right = st.columns(2)
    if published:
        left.download_button(
            t("upload.template_filled_button", lang),
            load_template(version, country_iso3, lang, True),
            file_name=t("upload.template_filled_file", lang, country=country_iso3),
            mime=XLSX_MIME,
            icon=":material/download:",
            type="primary",
            width="stretch",
        )
    (right if published else left).download_button(
        t("upload.template_button", lang),
        load_template(version, country_iso3, lang, False),
        file_name=t("upload.template_file", lang, country=country_iso3),
        mime=XLSX_MIME,
        icon=":material/download:",
        width="stretch",
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
    if not checked.report.ok:
        REJECTED_UPLOADS.inc()  # counted once per file and country, as the check runs
    upload = Upload(file_name, data, sha, checked)
    st.session_state[UPLOAD_CHECK_KEY] = _SavedCheck(sha, file_name, country_iso3, upload)
    st.session_state.pop(UPLOAD_ACCEPT_KEY, None)  # a new file needs its warnings accepted anew
    _forget_confirmations()
    return upload


def _forget_confirmations() -> None:
    for key in [k for k in st.session_state if str(k).startswith(UPLOAD_CONFIRM_KEY)]:
        del st.session_state[key]


def _uploader_key() -> str:
    return f"{UPLOAD_FILE_KEY}_{st.session_state.get(UPLOAD_GENERATION_KEY, 0)}"


def clear_upload() -> None:
    """Forget the file and its check; the next run draws an empty uploader."""
    st.session_state[UPLOAD_GENERATION_KEY] = st.session_state.get(UPLOAD_GENERATION_KEY, 0) + 1
    st.session_state.pop(UPLOAD_CHECK_KEY, None)
    st.session_state.pop(UPLOAD_ACCEPT_KEY, None)
    _forget_confirmations()


def uploader_texts(max_mb: int, lang: str) -> str:
    """A stylesheet that writes the uploader's own texts ("Upload", "20MB per file") in LANG:
    Streamlit offers no parameter for them, so its words are hidden and ours drawn in their place.
    Built only from our catalogue and a number; json.dumps makes each a valid CSS string."""
    button = json.dumps(t("upload.browse", lang), ensure_ascii=False)
    types = ", ".join(f.upper() for f in FILE_TYPES)
    limit = json.dumps(t("upload.limit", lang, mb=max_mb, types=types), ensure_ascii=False)
    zone = '[data-testid="stFileUploaderDropzone"]'
    label = f"{zone} button [data-testid='stMarkdownContainer'] p"
    instructions = f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] span"
    return (
        "<style>"
        f"{label} {{ font-size: 0; }}"
        f"{label}::after {{ content: {button}; font-size: 1rem; }}"
        f"{instructions} {{ font-size: 0; white-space: normal; }}"
        f"{instructions}::after {{ content: {limit}; font-size: 0.875rem; }}"
        "</style>"
    )


def render_uploader(country_iso3: str, lang: str) -> Upload | None:
    """The file uploader; returns the uploaded file with its check, or None before an upload."""
    max_mb = get_app_settings().max_upload_mb
    st.html(uploader_texts(max_mb, lang))
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
    st.text(t("upload.file_checked", lang, name=visible_text(upload.file_name)))
    checked = upload.checked
    if checked.repairs:  # read, but only after rewriting its package: say so
        st.caption(
            t("upload.repaired", lang, what=repairs_text(checked.repairs, lang), reader=checked.reader)
        )
    if by_second_reader(checked.reader):  # calamine refused it: say which reader read it
        st.info(t("upload.second_reader", lang, reader=checked.reader))
    if upload.checked.kind != "results":
        st.error(t("upload.not_results", lang))
    return upload
