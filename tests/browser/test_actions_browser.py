"""The joint-actions page in Chromium: the board and the timeline render; an organizer changes an
action's status and its history shows it; the lead country's coordinator posts a follow-up."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from data_access.core.i18n import t
from data_access.core.store import make_engine
from data_access.meeting.actions import list_action_history
from data_access.workbooks.columns import ACTION_STATUSES
from tests.browser.conftest import PASSWORD, choose, create_account, log_in, wait_ready

pytestmark = pytest.mark.browser


def open_actions(page) -> None:
    """Through the sidebar link: a page.goto would start a new session and lose the login."""
    page.get_by_test_id("stSidebar").get_by_role("link", name=t("nav.actions", "es")).click()
    page.wait_for_selector("[data-testid='stDataFrame']")
    wait_ready(page)


def history_grid(page):
    """The history table's accessible grid (Streamlit draws the cells on a canvas)."""
    return (
        page.get_by_test_id("stDataFrame")
        .filter(has_text=t("actions.hist_author", "es"))
        .locator("table[role='grid']")
    )


def history(data_dir, code: str):
    engine = make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")
    try:
        return list_action_history(engine, code)
    finally:
        engine.dispose()


def submit_follow_up(page, status: str, note: str) -> None:
    form = page.get_by_test_id("stForm")
    choose(page, t("actions.col_status", "es"), t(f"status.{status}", "es"), scope=form)
    form.get_by_role("textbox").fill(note)
    form.get_by_role("button", name=t("actions.follow_submit", "es")).click()
    page.get_by_test_id("stAlertContentSuccess").wait_for()
    wait_ready(page)


def test_board_and_timeline_render(server, page):
    page.goto(server + "/actions?lang=es")
    page.wait_for_selector("[data-testid='stDataFrame']")
    wait_ready(page)
    page.get_by_role("tab", name=t("actions.tab_board", "es")).click()
    for status in ACTION_STATUSES:
        heading = re.compile(rf"^{re.escape(t(f'status.{status}', 'es').capitalize())} \(\d+\)$")
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.get_by_role("tab", name=t("actions.tab_timeline", "es")).click()
    page.wait_for_selector("[data-testid='stVegaLiteChart'] svg.marks")
    assert page.dialogs == []


def test_organizer_changes_a_status_and_the_history_shows_it(server, page, data_dir):
    create_account(data_dir, "org_actions", "organizer")
    log_in(page, server, "org_actions", PASSWORD)
    open_actions(page)
    choose(
        page, t("actions.choose_action", "es"), "A03 · Seguimiento del abandono con registros administrativos"
    )
    expect(history_grid(page)).to_have_attribute("aria-rowcount", "2")
    submit_follow_up(page, "agreed", "Acordada en plenaria")
    expect(history_grid(page)).to_have_attribute("aria-rowcount", "3")
    newest = history_grid(page).locator("tbody tr").first
    expect(newest).to_contain_text("org_actions")
    expect(newest).to_contain_text(t("status.agreed", "es"))
    latest = history(data_dir, "A03").iloc[0]
    assert (latest["author"], latest["status"], latest["note"]) == (
        "org_actions",
        "agreed",
        "Acordada en plenaria",
    )


def test_lead_coordinator_posts_a_follow_up(server, page, data_dir):
    create_account(data_dir, "coord_pan", "coordinator", "PAN")
    log_in(page, server, "coord_pan", PASSWORD)
    open_actions(page)
    choose(
        page, t("actions.choose_action", "es"), "A10 · Calendario regional de evaluaciones"
    )  # Panama leads
    submit_follow_up(page, "in_progress", "Primer borrador circulado")
    newest = history_grid(page).locator("tbody tr").first
    expect(newest).to_contain_text("coord_pan")
    expect(newest).to_contain_text("Primer borrador circulado")
    assert history(data_dir, "A10").iloc[0]["author"] == "coord_pan"
    # an action Panama neither leads nor reviews offers no form
    choose(page, t("actions.choose_action", "es"), "A01 · Protocolo común de evaluación diagnóstica")
    expect(page.get_by_test_id("stForm")).to_have_count(0)
