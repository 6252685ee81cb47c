"""Upload results, served at /upload: template, upload, validation report, preview, publish, history."""

import streamlit as st

from components.country.history import render_history
from components.shell.setup import setup_page
from components.upload.file import (
    UPLOAD_ACCEPT_KEY,
    render_country_choice,
    render_flash,
    render_template_download,
    render_uploader,
)
from components.upload.problems import render_report
from components.upload.publish import render_mode_choice, render_preview, render_publish
from data_access.core.i18n import t

ctx = setup_page("upload")
st.title(t("upload.title", ctx.lang))
st.caption(t("upload.intro", ctx.lang))
render_flash()
country = render_country_choice(ctx.actor, ctx.lang)
if country is None:
    st.info(t("upload.choose_country", ctx.lang))
    ctx.stop()

st.header(t("upload.step_template", ctx.lang), divider="gray")
st.caption(t("upload.template_help", ctx.lang))
render_template_download(country, ctx.lang)

st.header(t("upload.step_upload", ctx.lang), divider="gray")
upload = render_uploader(country, ctx.lang)
if upload is not None:
    st.subheader(t("upload.step_check", ctx.lang))
    accepted = render_report(upload.checked.report, country, UPLOAD_ACCEPT_KEY, ctx.lang)
    plan = None
    if upload.checked.kind == "results" and upload.checked.report.ok:
        st.subheader(t("upload.step_preview", ctx.lang))
        mode = render_mode_choice(ctx.lang)
        plan = render_preview(country, upload, mode, ctx.lang)
    render_publish(ctx.actor, country, upload, accepted, plan, ctx.lang)

st.header(t("upload.step_history", ctx.lang), divider="gray")
render_history(ctx.actor, country, ctx.lang)
ctx.finish()
