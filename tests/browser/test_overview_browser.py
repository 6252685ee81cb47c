"""The overview in Debian's Chromium: Spanish by default, every string switches with ?lang=."""

from __future__ import annotations

import re

import pytest

from data_access.core.i18n import load_texts, t
from tests.browser.conftest import wait_ready

pytestmark = pytest.mark.browser


def open_page(page, url: str) -> str:
    page.goto(url)
    page.wait_for_selector("h1")
    wait_ready(page)
    page.wait_for_selector("[data-testid='stTable'] table")
    return page.inner_text("body")


def test_overview_lists_the_countries_in_spanish(server, page):
    body = open_page(page, server + "/")
    assert t("overview.title", "es") in body
    rows = page.locator("[data-testid='stTable'] tbody tr")
    cells = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert len([c for c in cells if "2019" in c]) == 16
    assert any(c.startswith("Perú") for c in cells) and any(c.startswith("Brasil") for c in cells)
    assert page.dialogs == []


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_every_visible_string_follows_the_language(server, page, lang):
    body = open_page(page, f"{server}/?lang={lang}")
    assert t("overview.title", lang) in body
    texts = load_texts().values()
    # a Spanish text that is also some text in LANG ("Encuentro", the app's name) proves nothing
    spanish_only = {e["es"] for e in texts if "{" not in e["es"]} - {e[lang] for e in texts}
    lines = {line.strip() for line in body.splitlines()}
    assert [s for s in spanish_only if s in lines] == []


def test_language_switch_rewrites_the_url(server, page):
    open_page(page, server + "/")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text=t("ui.language", "es")).click()
    page.get_by_role("option", name="English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    page.wait_for_selector(f"h1:has-text('{t('overview.title', 'en')}')")
    wait_ready(page)
    link = page.get_by_test_id("stSidebar").get_by_role("link", name=t("nav.overview", "en"))
    assert "lang=en" in (link.get_attribute("href") or "")


@pytest.mark.parametrize("width", [390, 1920])
def test_overview_reads_on_a_phone_and_a_projector(server, browser, width, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": 1080 if width > 1000 else 844})
    page = context.new_page()
    try:
        open_page(page, server + "/")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"horizontal scroll of {overflow}px at {width}px"
        page.screenshot(path=str(tmp_path / f"overview-{width}.png"), full_page=True)
    finally:
        context.close()
