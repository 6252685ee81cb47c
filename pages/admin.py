"""Administration, for organizers: accounts, open sessions, the audit log, the indicator
catalogue, the meeting, the meeting report with its data pack, and backups."""

import streamlit as st

from components.admin.accounts import render_accounts
from components.admin.audit import render_audit_log
from components.admin.backup import render_backup
from components.admin.catalogue import render_catalogue
from components.admin.meeting import render_meeting_settings
from components.admin.report import render_report_downloads
from components.admin.sessions import render_sessions
from components.shell.setup import setup_page
from data_access.core.i18n import t

ctx = setup_page("admin")
st.title(t("admin.title", ctx.lang))
accounts, sessions, audit, catalogue, meeting, report, backup = st.tabs(
    [
        t("admin.tab_accounts", ctx.lang),
        t("auth.sessions_tab", ctx.lang),
        t("admin.tab_audit", ctx.lang),
        t("admin.tab_catalogue", ctx.lang),
        t("admin.tab_meeting", ctx.lang),
        t("outcome.admin_tab", ctx.lang),
        t("admin.tab_backup", ctx.lang),
    ]
)
with accounts:
    render_accounts(ctx.actor, ctx.lang)
with sessions:
    render_sessions(ctx.actor, ctx.lang)
with audit:
    render_audit_log(ctx.lang)
with catalogue:
    render_catalogue(ctx.actor, ctx.lang)
with meeting:
    render_meeting_settings(ctx.actor, ctx.lang)
with report:
    render_report_downloads(ctx.lang)
with backup:
    render_backup(ctx.actor, ctx.lang)
ctx.finish()
