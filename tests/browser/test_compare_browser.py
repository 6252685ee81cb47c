"""/compare and /country in Debian's Chromium: every chart renders on a phone and a projector,
a filter change rewrites the URL, that URL reproduces the chart, and every download opens."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from data_access.core.i18n import t
from tests.browser.conftest import choose, wait_ready

pytestmark = pytest.mark.browser

CHARTS = ("ranking", "trend", "gaps", "levels", "heatmap", "map", "scatter")
RENDERED = "[data-testid='stVegaLiteChart'] svg.marks"


def open_view(page, url: str) -> str:
    """Open URL and wait until its chart has drawn; returns the caption people read."""
    page.goto(url)
    page.wait_for_selector("h1")
    wait_ready(page)
    page.wait_for_selector(RENDERED, timeout=30_000)
    return page.get_by_test_id("stMarkdown").filter(has_text=re.compile(r"\d")).first.inner_text()


@pytest.fixture(params=[390, 1920], ids=["phone", "projector"])
def sized_page(request, browser):
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 1000 else 1080})
    page = context.new_page()
    yield page
    context.close()


def test_every_chart_renders(server, sized_page):
    for chart in CHARTS:
        open_view(sized_page, f"{server}/compare?chart={chart}")
        assert sized_page.locator(RENDERED).count() >= 1, chart
    open_view(sized_page, f"{server}/country?country=PER")
    sized_page.wait_for_function(f'document.querySelectorAll("{RENDERED}").length >= 3', timeout=30_000)


def test_a_filter_change_rewrites_the_url_and_the_url_reproduces_the_chart(server, page, browser):
    open_view(page, f"{server}/compare?chart=ranking&lang=en")
    page.get_by_test_id("stMain").get_by_test_id("stExpander").first.locator("summary").click()
    choose(page, t("compare.subject", "en"), "Mathematics", scope=page.get_by_test_id("stMain"))
    page.wait_for_url(re.compile(r"subject=mathematics"))
    wait_ready(page)
    page.wait_for_selector(RENDERED)
    caption = page.get_by_test_id("stMarkdown").filter(has_text=re.compile(r"\d")).first.inner_text()
    url = page.url
    fresh = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    try:
        assert open_view(fresh, url) == caption
        assert "subject=mathematics" in fresh.url and "lang=en" in fresh.url
    finally:
        fresh.context.close()


def test_navigating_away_and_back_returns_to_the_same_view(server, page):
    caption = open_view(page, f"{server}/compare?chart=gaps&pair=area&lang=pt")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name=t("nav.country", "pt")).click()
    page.wait_for_url(re.compile(r"/country"))
    assert "lang=pt" in page.url
    page.wait_for_selector(RENDERED)
    sidebar.get_by_role("link", name=t("nav.compare", "pt")).click()
    page.wait_for_url(re.compile(r"/compare.*pair=area"))
    assert "chart=gaps" in page.url and "lang=pt" in page.url
    page.wait_for_selector(RENDERED)
    wait_ready(page)
    assert page.get_by_test_id("stMarkdown").filter(has_text=re.compile(r"\d")).first.inner_text() == caption


def download(page, label: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    return info.value.path().read_bytes()


def test_each_download_opens_with_what_is_shown(server, page):
    open_view(
        page, f"{server}/compare?chart=ranking&indicator=score_mean&grade=6&subject=reading&countries=PER"
    )
    assert download(page, t("compare.download_png", "es")).startswith(b"\x89PNG\r\n\x1a\n")
    assert b"<svg" in download(page, t("compare.download_svg", "es"))[:400]
    csv = download(page, t("compare.download_csv", "es")).decode("utf-8-sig")
    assert "Perú" in csv and "741.22" in csv
    book = load_workbook(io.BytesIO(download(page, t("compare.download_xlsx", "es"))))
    sheet = book[t("compare.sheet_data", "es")]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index(t("table.country", "es"))] == "Perú"
    assert row[header.index(t("table.value", "es"))] == 741.22
    assert t("compare.sheet_sources", "es") in book.sheetnames
