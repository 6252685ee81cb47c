"""A 390 px phone: the side menu's button says what it is, and the menu gets out of the way after a
choice or a login, so the page chosen is what the delegate sees, and a chart or the followed slide
starts in the first screen. Desktop keeps its sidebar.

Layer: tests (browser). Serves the app with the sample meeting; Debian's Chromium.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from data_access.core.i18n import t
from tests.browser.conftest import PASSWORD, create_account, wait_ready

pytestmark = pytest.mark.browser


def _sidebar_right(page) -> float:
    """Where the sidebar ends: at or left of 0 when it is out of the way."""
    return page.get_by_test_id("stSidebar").evaluate("e => e.getBoundingClientRect().right")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def _open_menu(page, lang: str) -> None:
    button = page.get_by_test_id("stExpandSidebarButton")
    expect(button).to_have_attribute("aria-label", t("nav.menu", lang))
    expect(button).to_contain_text(t("nav.menu", lang))
    button.click()
    expect(page.get_by_test_id("stSidebarUserContent")).to_be_in_viewport()


@pytest.mark.parametrize("lang", ["es", "pt", "en"])
def test_the_menu_closes_after_a_choice_on_a_phone(server, phone, lang):
    phone.goto(f"{server}/?lang={lang}")
    wait_ready(phone)
    assert _sidebar_right(phone) <= 0  # a phone opens on the page, not on the menu
    _open_menu(phone, lang)
    menu = phone.get_by_test_id("stSidebarUserContent")
    menu.get_by_role("link", name=t("nav.working_groups", lang)).click()
    phone.wait_for_url("**/working_groups**")
    wait_ready(phone)
    expect(phone.get_by_role("heading", level=1)).to_be_in_viewport()
    assert _sidebar_right(phone) <= 0


def test_the_menu_closes_after_a_login_on_a_phone(server, phone, data_dir):
    create_account(data_dir, "coord_phone", "coordinator", "PER")
    phone.goto(f"{server}/upload?lang=es")
    wait_ready(phone)
    _open_menu(phone, "es")
    sidebar = phone.get_by_test_id("stSidebar")
    sidebar.get_by_text(t("auth.log_in", "es"), exact=True).first.click()
    sidebar.get_by_label(t("auth.username", "es")).fill("coord_phone")
    sidebar.get_by_label(t("auth.password", "es")).fill(PASSWORD)
    sidebar.get_by_role("button", name=t("auth.log_in", "es")).click()
    phone.wait_for_selector("text=coord_phone", state="attached")
    wait_ready(phone)
    expect(phone.get_by_test_id("stSidebar")).not_to_be_in_viewport()


def test_a_desktop_keeps_its_sidebar(server, page):
    page.goto(f"{server}/?lang=en")
    wait_ready(page)
    page.get_by_test_id("stSidebarUserContent").get_by_role("link", name=t("nav.compare", "en")).click()
    page.wait_for_url("**/compare**")
    wait_ready(page)
    assert _sidebar_right(page) > 200


@pytest.mark.parametrize("path", ["/compare?lang=pt", "/present?follow=1&lang=es"])
def test_the_chart_and_the_followed_slide_start_in_the_first_screen(server, phone, path):
    """A delegate opening a chart or following the projector sees it without scrolling."""
    phone.goto(server + path)
    chart = phone.locator("[data-testid='stVegaLiteChart'] svg.marks").first
    chart.wait_for(timeout=30_000)
    wait_ready(phone)
    assert chart.bounding_box()["y"] + 150 < 844  # at least its first rows on the screen
