"""The upload screen's second half: how to publish (update or replace), what that changes against
what is published, the confirmation of what goes, and the publish button.

Layer: components. Plans with data_access.publishing.publish_plan and publishes through
data_access.publishing.imports, which plans again in the publish's own transaction and refuses
an unconfirmed removal.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.country.history import load_versions
from components.shell.data import data_version, get_app_settings, get_engine
from components.upload.file import (
    UPLOAD_CONFIRM_KEY,
    UPLOAD_MODE_KEY,
    UPLOAD_PUBLISH_KEY,
    Upload,
    clear_upload,
    load_active_results,
    set_flash,
)
from data_access.core.actors import Actor
from data_access.core.catalogues import country_name
from data_access.core.errors import EncuentroError
from data_access.core.formatting import format_number
from data_access.core.i18n import t
from data_access.publishing.diff import CHANGED, REMOVED, STATUSES, summarize_diff
from data_access.publishing.imports import import_file
from data_access.publishing.publish_plan import MODES, UPDATE, PublishPlan, cycle_label, plan_publish
from data_access.reports.report_export import to_changes_table, to_removed_table, to_summary_table
from data_access.stats import queries

CHANGES_SHOWN = 500
UPLOAD_PLAN_KEY = "upload_plan"  # (file sha256, country, mode, data version) and its plan


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


def render_mode_choice(lang: str) -> str:
    """Update (the default: the file's figures replace the same ones, the rest stay) or replace."""
    return st.radio(
        t("upload.mode", lang),
        MODES,
        format_func=lambda mode: t(f"upload.mode_{mode}", lang),
        captions=[t(f"upload.mode_{mode}_help", lang) for mode in MODES],
        key=UPLOAD_MODE_KEY,
        index=MODES.index(UPDATE),
    )


def _plan(version: int, country_iso3: str, upload: Upload, mode: str) -> PublishPlan:
    """The plan for this file, country, mode and data version, made once: ticking a box reruns the
    page, and a 100,000-row country's diff is not worth making again for it."""
    key = (upload.sha256, country_iso3, mode, version)
    saved = st.session_state.get(UPLOAD_PLAN_KEY)
    if saved is not None and saved[0] == key:
        return saved[1]
    plan = plan_publish(
        country_iso3, load_active_results(version, country_iso3), upload.checked.results, mode
    )
    st.session_state[UPLOAD_PLAN_KEY] = (key, plan)
    return plan


def render_preview(country_iso3: str, upload: Upload, mode: str, lang: str) -> PublishPlan | None:
    """What publishing in MODE would make of the country's figures: counts, per indicator, values.
    Returns the plan (None for a country's first version)."""
    version = data_version()
    versions = load_versions(version, country_iso3)
    active = _active_sha(versions)
    name = country_name(country_iso3, lang)
    plan = _plan(version, country_iso3, upload, mode)
    rows = format_number(len(plan.result), lang, 0)
    if active is None:
        st.info(t("upload.first_version", lang, version=_next_version(versions), country=name, rows=rows))
        return None
    if not plan.changes_content:
        st.info(t("upload.same_figures", lang, version=active[0], country=name), icon=":material/info:")
        return plan
    counts = plan.counts
    for col, status in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
        col.metric(t(f"upload.diff_{status}", lang), format_number(counts[status], lang, 0))
    st.caption(
        t(
            "upload.next_version",
            lang,
            version=_next_version(versions),
            current=active[0],
            rows=rows,
            country=name,
        )
    )
    names = load_indicator_names(version, lang)
    _render_summary(summarize_diff(plan.diff), names, lang)
    _render_changes(plan.diff[plan.diff["status"] == CHANGED], names, lang)
    return plan


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


def render_removal_confirmation(plan: PublishPlan, lang: str) -> bool:
    """What a publish would remove, per study cycle and indicator, and the box that confirms it.
    A whole cycle, or more than a fifth of the figures, is shown as a danger. True once ticked."""
    removed = plan.counts[REMOVED]
    name = country_name(plan.country_iso3, lang)
    params = {
        "country": name,
        "removed": format_number(removed, lang, 0),
        "total": format_number(plan.active_rows, lang, 0),
    }
    box = st.error if plan.danger else st.warning
    box(
        t("upload.removal_danger" if plan.danger else "upload.removal", lang, **params),
        icon=":material/warning:",
    )
    if plan.cycles_removed:
        cycles = ", ".join(cycle_label(y) for y in plan.cycles_removed)
        st.error(
            t("upload.cycles_removed", lang, country=name, cycles=cycles), icon=":material/delete_forever:"
        )
    names = load_indicator_names(data_version(), lang)
    # short enough that the warning, the list, the box and the button share one screen
    st.dataframe(to_removed_table(plan.removed_summary(), names, lang), hide_index=True, height=250)
    confirm_key = f"{UPLOAD_CONFIRM_KEY}_{plan.mode}_{removed}"  # another plan needs its own confirmation
    return st.checkbox(t("upload.confirm_removal", lang, **params), key=confirm_key)


def render_publish(
    actor: Actor, country_iso3: str, upload: Upload, accepted: bool, plan: PublishPlan | None, lang: str
) -> None:
    """The publish button: disabled while errors remain, warnings are not accepted, figures that
    would go are not confirmed, or there is nothing new to publish."""
    report = upload.checked.report
    blocked = upload.checked.kind != "results" or not upload.checked.publishable(accept_warnings=accepted)
    removing = plan is not None and plan.counts[REMOVED] > 0
    confirmed = not blocked and removing and render_removal_confirmation(plan, lang)
    nothing_new = plan is not None and not plan.changes_content
    label = "upload.publish_removing" if removing else "upload.publish"
    params = {"country": country_name(country_iso3, lang)}
    if removing:
        params["removed"] = format_number(plan.counts[REMOVED], lang, 0)
    clicked = st.button(
        t(label, lang, **params),
        type="primary",
        disabled=blocked or nothing_new or (removing and not confirmed),
        key=UPLOAD_PUBLISH_KEY,
        icon=":material/publish:",
    )
    if blocked:
        reason = "upload.blocked_errors" if not report.ok else "upload.blocked_warnings"
        st.caption(t(reason if upload.checked.kind == "results" else "upload.not_results", lang))
    elif removing and not confirmed:
        st.caption(t("upload.blocked_removal", lang))
    if clicked and not blocked and not nothing_new:
        mode = plan.mode if plan is not None else UPDATE
        _publish(actor, country_iso3, upload, accepted, mode, bool(confirmed), lang)


def _publish(
    actor: Actor, country_iso3: str, upload: Upload, accepted: bool, mode: str, confirmed: bool, lang: str
) -> None:
    try:
        result = import_file(
            engine=get_engine(),
            settings=get_app_settings(),
            data=upload.data,
            file_name=upload.file_name,
            actor=actor,
            country=country_iso3,
            accept_warnings=accepted,
            mode=mode,
            confirm_removals=confirmed,
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
    st.session_state.pop(UPLOAD_PLAN_KEY, None)
    st.rerun()
