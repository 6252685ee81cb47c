"""/working_groups in Chromium: no contact details for an anonymous visitor; a logged-in coordinator
gets them, and the CSV they download keeps formula-like cells as text."""

from __future__ import annotations

import csv
import io

import pytest

from data_access.core.i18n import t
from tests.browser.conftest import PASSWORD, create_account, log_in, wait_ready

pytestmark = pytest.mark.browser
DOWNLOAD = '[data-testid="stDownloadButton"]'
CARD_TITLE = '[class*="st-key-working_groups_card_"] h3'


def _open_anonymous(page, server: str, query: str = "") -> None:
    page.goto(f"{server}/working_groups{query}")
    page.wait_for_selector(CARD_TITLE)
    wait_ready(page)


def test_anonymous_visitor_sees_rosters_but_no_contact_details(server, page):
    _open_anonymous(page, server)
    body = page.locator("body").inner_text()
    assert t("groups.title", "es") in body and "Lucía Quispe Valdivia" in body
    assert "@example.org" not in body and "+00 555" not in body
    assert page.locator(DOWNLOAD).count() == 0
    assert page.dialogs == []


def test_a_shared_link_opens_the_same_filtered_view(server, page):
    _open_anonymous(page, server, "?group=ser&country=PER&lang=en")
    cards = page.locator(CARD_TITLE)
    assert cards.count() == 1 and "Socio-emotional (SER) assessment" in cards.first.inner_text()
    assert t("groups.shown", "en", shown=1, total=8) in page.locator("body").inner_text()


def test_coordinator_gets_contacts_and_a_formula_safe_csv(server, page, data_dir):
    create_account(data_dir, "coord_wg", "coordinator", "PER")
    log_in(page, server, "coord_wg", PASSWORD)
    page.get_by_test_id("stSidebar").get_by_role("link", name=t("nav.working_groups", "es")).click()
    page.locator(DOWNLOAD).first.wait_for()
    wait_ready(page)
    assert page.locator(DOWNLOAD).count() == 8
    assert t("groups.contacts_login", "es") not in page.locator("body").inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name=t("groups.download_csv", "es")).first.click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_bytes().decode("utf-8-sig"))))
    assert rows[0][6:] == [t("groups.csv_email", "es"), t("groups.csv_phone", "es")]
    assert "lucia.quispe@example.org" in {r[6] for r in rows[1:]}
    assert all(r[7].startswith("'+00 555") for r in rows[1:])  # "+..." would run as a formula
