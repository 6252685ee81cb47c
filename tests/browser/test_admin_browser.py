"""Roles in Chromium: the organizer reaches /admin through the menu; a coordinator never sees it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from components.shell.navigation import PAGES
from data_access.core.i18n import t
from tests.browser.conftest import PASSWORD, create_account, log_in, wait_ready

pytestmark = pytest.mark.browser


def test_organizer_opens_the_admin_page(server, page, data_dir):
    create_account(data_dir, "org_browser", "organizer")
    log_in(page, server, "org_browser", PASSWORD)
    page.get_by_test_id("stSidebar").get_by_role("link", name=t("nav.admin", "es")).click()
    page.get_by_role("tab").first.wait_for()
    wait_ready(page)
    assert page.get_by_role("tab").count() == 7
    page.get_by_role("tab", name=t("auth.sessions_tab", "es")).click()
    ending = page.get_by_role("button", name=t("auth.end_ticked", "es"))
    expect(ending).to_be_disabled()  # the organizer's own session is listed, nothing ticked
    page.get_by_role("tab", name=t("outcome.admin_tab", "es")).click()
    with page.expect_download(timeout=120_000) as report:
        page.get_by_role("button", name=t("outcome.download_pdf", "es")).click()
    assert report.value.path().read_bytes().startswith(b"%PDF-")
    page.get_by_role("tab", name=t("admin.tab_backup", "es")).click()
    page.get_by_role("button", name=t("admin.backup_prepare", "es")).click()
    download = page.get_by_role("button", name=re.compile(r"encuentro-backup-\d{8}-\d{4}\.db"))
    download.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as copy:
        download.click()
    assert copy.value.suggested_filename.startswith("encuentro-backup-")
    assert copy.value.path().read_bytes().startswith(b"SQLite format 3\x00")
    assert page.dialogs == []


def test_coordinator_sees_no_admin_link_and_a_refusal_there(server, page, data_dir):
    create_account(data_dir, "coord_col", "coordinator", "COL")
    log_in(page, server, "coord_col", PASSWORD)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("link", name=t("nav.upload", "es"))).to_have_count(1)  # the menu is drawn
    assert sidebar.get_by_role("link", name=t("nav.admin", "es")).count() == 0


def test_anonymous_visitor_sees_only_the_public_pages(server, page):
    page.goto(server + "/")
    page.wait_for_selector("h1")
    wait_ready(page)
    sidebar = page.get_by_test_id("stSidebar")
    public = [p for p in PAGES if p.visible_to("anonymous")]
    expect(sidebar.get_by_role("link")).to_have_count(len(public))  # waits for the menu to be drawn
    for hidden in ("upload", "admin"):
        assert sidebar.get_by_role("link", name=t(f"nav.{hidden}", "es")).count() == 0
