"""A delegate's own country, highlighted everywhere: chosen in the menu and kept in the URL, a
coordinator's by default, and on a follower's phone but never on the shared projector.

Layer: tests (browser). Serves the app with the sample meeting; Debian's Chromium.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from components.charts.panel import MINE_MARK
from components.charts.theme import MINE_FILL
from data_access.core.actors import CLI_ACTOR
from data_access.core.i18n import t
from data_access.core.store import make_engine
from data_access.meeting.deck import DEFAULT_DECK, get_presenter_state, save_deck, set_presenter_state
from tests.browser.conftest import PASSWORD, create_account, log_in, wait_ready

pytestmark = pytest.mark.browser

# Per chart kind: the Vega SVG's bold row label and the band behind its row
BOLD_LABEL = """svg => [...svg.querySelectorAll("text")]
  .filter(t => t.getAttribute("font-weight") === "bold").map(t => t.textContent)"""
BAND = f"""svg => [...svg.querySelectorAll("path")]
  .filter(p => (p.getAttribute("fill") || "").toUpperCase() === "{MINE_FILL}").length"""


def choose_mine(page, name: str) -> None:
    """Type the country into the menu's selector (the list of 33 is longer than what it draws)."""
    box = (
        page.get_by_test_id("stSidebar")
        .get_by_test_id("stSelectbox")
        .filter(has_text=t("ui.my_country", "es"))
    )
    combo = box.get_by_role("combobox")
    for _ in range(5):
        combo.click()
        combo.fill(name)
        option = page.get_by_role("option", name=name, exact=True)
        try:
            option.click(timeout=2_000)
            expect(combo).to_have_value(name, timeout=3_000)
            break
        except (AssertionError, Exception):
            page.keyboard.press("Escape")
    expect(combo).to_have_value(name)
    wait_ready(page)


def chart_svg(page):
    svg = page.locator("[data-testid='stVegaLiteChart'] svg.marks").first
    svg.wait_for(timeout=30_000)
    return svg


def menu_link(page, key: str, lang: str = "es"):
    return page.get_by_test_id("stSidebarUserContent").get_by_role("link", name=t(f"nav.{key}", lang))


def test_a_delegate_chooses_a_country_that_follows_through_pages_and_reloads(server, page):
    page.goto(f"{server}/?lang=es")
    wait_ready(page)
    choose_mine(page, "Perú")
    page.wait_for_url("**mine=PER**")
    menu_link(page, "compare").click()
    page.wait_for_url("**/compare?**")
    wait_ready(page)
    assert "mine=PER" in page.url
    svg = chart_svg(page)
    assert "Perú" in svg.evaluate(BOLD_LABEL) and svg.evaluate(BAND) == 1
    caption = page.get_by_test_id("stVerticalBlock").filter(has_text="Perú:").first
    expect(caption).to_contain_text("Perú: 741,2")
    page.get_by_role("tab", name=t("compare.tab_table", "es")).click()
    grid = page.get_by_test_id("stDataFrame").first.locator("table[role='grid']")
    expect(grid).to_contain_text(f"{MINE_MARK}Perú")

    page.reload()  # the URL keeps it
    wait_ready(page)
    assert "Perú" in chart_svg(page).evaluate(BOLD_LABEL)
    share_params = page.url.split("?", 1)[1]
    assert "mine=PER" in share_params

    choose_mine(page, t("ui.my_country_none", "es"))
    expect(page.get_by_text("Perú: 741,2")).to_have_count(0)
    assert "Perú" not in chart_svg(page).evaluate(BOLD_LABEL)


def test_a_coordinator_sees_their_own_country_without_choosing(server, page, data_dir):
    create_account(data_dir, "coord_mine", "coordinator", "CHL")
    log_in(page, server, "coord_mine", PASSWORD)
    menu_link(page, "compare").click()
    page.wait_for_url("**/compare?**")
    wait_ready(page)
    assert "mine=CHL" in page.url
    svg = chart_svg(page)
    assert svg.evaluate(BAND) == 0  # Chile has no grade-6 reading figure in 2019 to sit on
    expect(page.get_by_text("Chile no tiene datos en esta selección.", exact=False).first).to_be_visible()
    menu_link(page, "country").click()
    page.wait_for_url("**/country?**")
    wait_ready(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chile")


def test_a_follower_sees_their_country_and_the_projector_does_not(server, browser, data_dir):
    engine = make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")
    try:  # the sample's deck (other tests save their own), on its first slide: the ranking
        save_deck(engine=engine, actor=CLI_ACTOR, slides=DEFAULT_DECK)
        state = get_presenter_state(engine)
        set_presenter_state(engine=engine, actor=CLI_ACTOR, slide=0, paused=True, expected=state.changed_at)
    finally:
        engine.dispose()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        phone.goto(f"{server}/present?follow=1&lang=es&mine=PER")
        wait_ready(phone)
        assert "Perú" in chart_svg(phone).evaluate(BOLD_LABEL)  # slide 1: the grade-6 reading ranking
        expect(phone.get_by_text("Perú: 741,2", exact=False).first).to_be_visible()
    finally:
        context.close()
    create_account(data_dir, "org_mine", "organizer")
    projector = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        log_in(projector, server, "org_mine", PASSWORD)
        choose_mine(projector, "Perú")
        menu_link(projector, "present").click()
        projector.wait_for_url("**/present**")
        wait_ready(projector)
        projector.get_by_role("button", name=t("present.open_projector", "es")).click()
        projector.wait_for_url("**screen=projector**")
        wait_ready(projector)
        assert "Perú" not in chart_svg(projector).evaluate(BOLD_LABEL)  # a room shares the projector
    finally:
        projector.close()
