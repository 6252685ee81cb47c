"""The report tab of /admin: the meeting report (PDF) in a chosen language, the data pack (XLSX)
and every country's brief in es, pt and en (ZIP).

Layer: components. Each file is built only when its button is pressed (a callable given to
st.download_button), so a rerun of the admin page never draws a chart or writes a PDF.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.charts.panel import MIME_XLSX
from components.report.meeting_report import build_briefs_zip, build_pack_xlsx, build_report_pdf
from components.shell.data import data_version, load_published
from components.shell.setup import language_name
from data_access.core.i18n import t
from data_access.core.settings import LANGUAGES

LANG_KEY = "admin_report_lang"


def render_report_downloads(lang: str) -> None:
    """The report's language, then one download button per file."""
    st.subheader(t("outcome.admin_title", lang))
    st.caption(t("outcome.admin_help", lang))
    if load_published(data_version()).empty:
        st.info(t("outcome.no_results", lang))
    if st.session_state.get(LANG_KEY) not in LANGUAGES:
        st.session_state[LANG_KEY] = lang
    chosen = st.selectbox(t("outcome.admin_lang", lang), LANGUAGES, format_func=language_name, key=LANG_KEY)
    stamp = date.today().isoformat()
    files = (
        ("pdf", lambda: build_report_pdf(chosen), f"encuentro_{stamp}_{chosen}.pdf", "application/pdf"),
        ("pack", lambda: build_pack_xlsx(chosen), f"encuentro_{stamp}_{chosen}.xlsx", MIME_XLSX),
        ("briefs", build_briefs_zip, f"encuentro_{stamp}_briefs.zip", "application/zip"),
    )
    for column, (kind, data, name, mime) in zip(st.columns(len(files)), files, strict=True):
        column.download_button(
            t(f"outcome.download_{kind}", lang),
            data=data,
            file_name=name,
            mime=mime,
            key=f"admin_report_{kind}",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )
