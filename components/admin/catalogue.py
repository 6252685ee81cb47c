"""The indicator-catalogue tab: the catalogue, an editor (new rows allowed, no deletions) and a
workbook import, both checked by data_access.publishing.catalogue_edit.validate_indicators before saving.

Layer: components. Streamlit's editor silently drops some input (text in a number column), so
whatever reaches the server is checked again and every refused value is listed with its row.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.admin.shared import load_catalogue_state
from components.shell.data import data_version, get_app_settings, get_engine, load_indicator_frame
from components.shell.refusals import render_report
from data_access.core.actors import Actor
from data_access.core.catalogues import DIRECTIONS, DOMAINS, UNITS, direction_name
from data_access.core.errors import EncuentroError
from data_access.core.formatting import format_number
from data_access.core.i18n import t
from data_access.publishing.catalogue_edit import (
    CatalogueState,
    plan_changes,
    read_indicator_file,
    save_indicators,
    validate_indicators,
)
from data_access.reports.exports import write_indicators_workbook
from data_access.workbooks.problems import Report

EDITOR_KEY = "admin_catalogue_editor"
UPLOAD_ROUND_KEY = "admin_catalogue_upload_round"  # a new uploader key after each import empties it
PARSED_KEY = "admin_catalogue_parsed"  # (file id, data version, clean frame, report)
SAVED_KEY = "admin_catalogue_saved"  # (created, updated) to confirm after the rerun
EDIT_COLUMNS = (
    "domain", "unit", "min_value", "max_value", "higher_is_better", "name_es", "name_pt", "name_en",
    "description_es", "description_pt", "description_en", "source",
)  # fmt: skip
WORKBOOK_TYPES = ["xlsx", "xlsm", "xls", "ods"]


def _number(value: float, lang: str) -> str:
    return format_number(value, lang, 0 if float(value).is_integer() else 2)


def render_catalogue_table(frame: pd.DataFrame, lang: str) -> None:
    """The catalogue as people read it: code, name in LANG, domain, unit, range and direction."""
    table = pd.DataFrame(
        {
            t("admin.col_code", lang): frame["code"],
            t("admin.col_name", lang): frame[f"name_{lang}"],
            t("admin.col_domain", lang): [t(f"template.domain.{d}", lang) for d in frame["domain"]],
            t("admin.col_unit", lang): [t(f"template.unit.{u}", lang) for u in frame["unit"]],
            t("admin.col_range", lang): [
                f"{_number(lo, lang)} – {_number(hi, lang)}"
                for lo, hi in zip(frame["min_value"], frame["max_value"], strict=True)
            ],
            t("admin.col_direction", lang): [
                t(f"template.direction.{direction_name(h)}", lang) for h in frame["higher_is_better"]
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=min(36 * (len(table) + 1) + 4, 720))


def _labels(lang: str) -> dict[str, str]:
    """Column headers as the editor shows them (the workbook's headers in LANG)."""
    return {c: t(f"column.{c}", lang) for c in ("code", *EDIT_COLUMNS)}


def _editor_config(lang: str) -> dict[str, object]:
    labels, cc = _labels(lang), st.column_config
    config: dict[str, object] = {c: cc.TextColumn(labels[c]) for c in EDIT_COLUMNS}
    config |= {
        "_index": cc.TextColumn(labels["code"], pinned=True),
        "domain": cc.SelectboxColumn(
            labels["domain"], options=DOMAINS, format_func=lambda d: t(f"template.domain.{d}", lang)
        ),
        "unit": cc.SelectboxColumn(
            labels["unit"], options=UNITS, format_func=lambda u: t(f"template.unit.{u}", lang)
        ),
        "min_value": cc.NumberColumn(labels["min_value"]),
        "max_value": cc.NumberColumn(labels["max_value"]),
        "higher_is_better": cc.SelectboxColumn(
            t("admin.col_direction", lang),
            options=DIRECTIONS,
            default="higher",
            format_func=lambda d: t(f"template.direction.{d}", lang),
        ),
    }
    return config


def _pending_edits() -> bool:
    state = st.session_state.get(EDITOR_KEY) or {}
    return bool(state.get("edited_rows") or state.get("added_rows"))


def _save(actor: Actor, lang: str, frame: pd.DataFrame, origin: str) -> bool:
    try:
        outcome = save_indicators(engine=get_engine(), actor=actor, frame=frame, origin=origin)
    except EncuentroError as err:
        st.error(err.message(lang))
        return False
    st.session_state[SAVED_KEY] = (len(outcome.created), len(outcome.updated))
    return True


def _render_verdict(
    actor: Actor,
    lang: str,
    checked: tuple[pd.DataFrame, Report],
    state: CatalogueState,
    *,
    button_key: str,
    origin: str,
    row_labels: dict[int, str] | None = None,
) -> bool:
    """Refused values, or what a save would change and the button to save it; True once saved."""
    clean, report = checked
    if not report.ok:
        st.error(t("admin.refused", lang, count=report.error_count))
        render_report(report, lang, row_labels)
        return False
    created, changes = plan_changes(clean, state)
    if not created and not changes:
        st.info(t("admin.no_changes", lang))
        return False
    st.info(t("admin.ready", lang, created=len(created), updated=len(changes)))
    clicked = st.button(t("admin.save_catalogue", lang), type="primary", key=button_key)
    return clicked and _save(actor, lang, clean, origin)


def render_catalogue_editor(actor: Actor, frame: pd.DataFrame, lang: str) -> None:
    """Edit names, descriptions, range, direction and source; add rows at the bottom; no deleting."""
    st.caption(t("admin.edit_help", lang))
    data = frame.set_index("code").loc[:, list(EDIT_COLUMNS)]
    data["higher_is_better"] = [direction_name(h) for h in data["higher_is_better"]]
    edited = st.data_editor(
        data, num_rows="add", column_config=_editor_config(lang), hide_index=False, key=EDITOR_KEY
    )
    if not _pending_edits():
        return
    rows = edited.rename_axis("code").reset_index()
    state = load_catalogue_state(data_version())
    checked = validate_indicators(rows, state=state, headers=_labels(lang))
    labels = {i: str(code) if pd.notna(code) else "" for i, code in enumerate(rows["code"], start=1)}
    if _render_verdict(
        actor, lang, checked, state, row_labels=labels, button_key="admin_catalogue_save", origin="editor"
    ):
        st.session_state.pop(EDITOR_KEY, None)
        st.rerun()


def _checked_upload(upload, state: CatalogueState, version: int) -> tuple[pd.DataFrame, Report]:
    """Read and check an uploaded workbook once per file and data version (a rerun reuses it)."""
    parsed = st.session_state.get(PARSED_KEY)
    if parsed is not None and parsed[:2] == (upload.file_id, version):
        return parsed[2], parsed[3]
    clean, report = read_indicator_file(upload.getvalue(), settings=get_app_settings(), state=state)
    st.session_state[PARSED_KEY] = (upload.file_id, version, clean, report)
    return clean, report


def render_catalogue_import(actor: Actor, lang: str) -> None:
    """Download the catalogue as a workbook, upload it edited; checked exactly like the editor."""
    st.caption(t("admin.import_help", lang))
    version = data_version()
    state = load_catalogue_state(version)
    st.download_button(
        t("admin.download_catalogue", lang),
        write_indicators_workbook(sorted(state.indicators.values(), key=lambda i: (i.domain, i.code))),
        file_name="encuentro-indicators.xlsx",
        icon=":material/download:",
        on_click="ignore",
        key="admin_catalogue_download",
    )
    round_ = st.session_state.get(UPLOAD_ROUND_KEY, 0)
    upload = st.file_uploader(
        t("admin.upload_catalogue", lang), WORKBOOK_TYPES, key=f"admin_catalogue_file_{round_}"
    )
    if upload is None:
        return
    checked = _checked_upload(upload, state, version)
    if _render_verdict(actor, lang, checked, state, button_key="admin_catalogue_import", origin=upload.name):
        st.session_state[UPLOAD_ROUND_KEY] = round_ + 1
        st.session_state.pop(PARSED_KEY, None)
        st.rerun()


def render_catalogue(actor: Actor, lang: str) -> None:
    """The whole tab: a confirmation after a save, the catalogue, the editor and the import."""
    if saved := st.session_state.pop(SAVED_KEY, None):
        st.success(t("admin.saved", lang, created=saved[0], updated=saved[1]))
    frame = load_indicator_frame(data_version())
    st.subheader(t("admin.catalogue_title", lang))
    st.caption(t("admin.catalogue_help", lang))
    render_catalogue_table(frame, lang)
    # Expanders with keys stay open across the reruns an edit or an upload causes.
    with st.expander(t("admin.edit_title", lang), icon=":material/edit:", key="admin_catalogue_edit_open"):
        render_catalogue_editor(actor, frame, lang)
    with st.expander(
        t("admin.import_title", lang), icon=":material/upload_file:", key="admin_catalogue_import_open"
    ):
        render_catalogue_import(actor, lang)
