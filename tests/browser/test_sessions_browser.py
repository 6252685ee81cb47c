"""Logins that survive a reload: the session cookie keeps a coordinator logged in on reload and in a
second tab; logging out in one tab ends the other; a disabled account's open tab is anonymous on
its next rerun; a login posted from another site is refused.

Layer: tests (browser). Serves the app with the sample meeting; Debian's Chromium.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from data_access.core.accounts import set_active
from data_access.core.actors import CLI_ACTOR
from data_access.core.i18n import t
from data_access.core.logins import SESSION_COOKIE
from data_access.core.store import make_engine
from tests.browser.conftest import PASSWORD, create_account, log_in, wait_ready

pytestmark = pytest.mark.browser
EVIL = "http://evil.test/"


def logged_in(page, username: str):
    return page.get_by_test_id("stSidebar").get_by_text(username, exact=False)


def uploader(page):
    return page.get_by_test_id("stFileUploader")


def menu_link(page, key: str):
    return page.get_by_test_id("stSidebarUserContent").get_by_role("link", name=t(f"nav.{key}", "es"))


def open_upload(page, server: str) -> None:
    page.goto(server + "/upload?lang=es")
    wait_ready(page)


def test_a_login_survives_a_reload_and_reaches_a_second_tab_and_logout_ends_both(page, server, data_dir):
    create_account(data_dir, "coord_reload", "coordinator", "PER")
    log_in(page, server, "coord_reload", PASSWORD)
    (cookie,) = [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find(SESSION_COOKIE) == -1  # scripts cannot read it
    open_upload(page, server)
    expect(uploader(page)).to_be_visible()
    page.reload()
    wait_ready(page)
    expect(uploader(page)).to_be_visible()  # the reload kept the login
    expect(logged_in(page, "coord\\_reload").or_(logged_in(page, "coord_reload")).first).to_be_visible()
    second = page.context.new_page()
    open_upload(second, server)
    expect(uploader(second)).to_be_visible()  # a second tab is logged in too
    second.get_by_test_id("stSidebar").get_by_role("button", name=t("auth.log_out", "es")).click()
    second.wait_for_url("**/upload?*")
    wait_ready(second)
    expect(second.get_by_text(t("auth.page_needs_login", "es"))).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    # The first tab still shows the upload page; its next rerun finds the session ended.
    expect(uploader(page)).to_be_visible()
    menu_link(page, "compare").click()
    wait_ready(page)
    expect(menu_link(page, "upload")).to_have_count(0)  # the menu is an anonymous visitor's
    expect(page.get_by_test_id("stSidebar").get_by_text(t("auth.log_in", "es")).first).to_be_visible()


def test_a_disabled_accounts_open_tab_is_anonymous_on_its_next_rerun(page, server, data_dir):
    create_account(data_dir, "coord_disabled", "coordinator", "CHL")
    log_in(page, server, "coord_disabled", PASSWORD)
    open_upload(page, server)
    expect(uploader(page)).to_be_visible()
    engine = make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")
    set_active(engine=engine, actor=CLI_ACTOR, username="coord_disabled", active=False)
    engine.dispose()
    menu_link(page, "compare").click()  # any rerun: a page change within the tab
    wait_ready(page)
    expect(menu_link(page, "upload")).to_have_count(0)  # the menu is an anonymous visitor's
    expect(page.get_by_test_id("stSidebar").get_by_text(t("auth.log_in", "es")).first).to_be_visible()


def test_a_login_posted_from_another_site_is_refused(page, server, data_dir):
    create_account(data_dir, "coord_csrf", "coordinator", "URY")
    form = (
        f'<form id="f" method="post" action="{server}/auth/login">'
        '<input name="username" value="coord_csrf"><input name="password" value="' + PASSWORD + '">'
        '<input name="next" value="/upload"><input name="lang" value="pt"></form>'
        '<script>document.getElementById("f").submit()</script>'
    )
    page.route(EVIL, lambda route: route.fulfill(status=200, content_type="text/html", body=form))
    with page.expect_response(f"{server}/auth/login") as answer:
        page.goto(EVIL)
    assert answer.value.status == 403
    expect(page.get_by_text(t("auth.cross_site", "pt"))).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    open_upload(page, server)
    expect(page.get_by_text(t("auth.page_needs_login", "es"))).to_be_visible()


def test_the_console_opens_the_projector_in_a_new_tab_still_logged_in(page, server, data_dir):
    """The organizer keeps the console on the laptop and drags the new tab to the projector."""
    create_account(data_dir, "org_projector", "organizer")
    log_in(page, server, "org_projector", PASSWORD)
    menu_link(page, "present").click()
    wait_ready(page)
    with page.context.expect_page() as opened:
        page.get_by_role("link", name=t("present.projector_new_tab", "es")).click()
    projector = opened.value
    projector.wait_for_load_state()
    wait_ready(projector)
    assert "screen=projector" in projector.url
    expect(projector.locator(".st-key-present_slide")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(t("present.console_title", "es"))).to_be_visible()  # the console stays
