"""/present in Debian's Chromium at 1920x1080: a chart slide renders, a command-line publish shows
up on the open projector within 10 s (banner and value), and a follower's phone moves with it."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from bench.server import CHROMIUM_ARGS
from data_access.core.actors import Actor
from data_access.core.i18n import t
from data_access.core.store import make_engine
from data_access.meeting.deck import save_deck, set_presenter_state
from tests.browser.conftest import PASSWORD, ROOT, browser_path, create_account, log_in, wait_ready

pytestmark = pytest.mark.browser

CHART = "[data-testid='stVegaLiteChart'] svg.marks"
ECUADOR_ROW, ECUADOR_VALUE = 310, 684.25  # score_mean, 2019, grade 6, reading, total
DECK = [
    {"kind": "compare", "params": {"chart": "ranking", "indicator": "score_mean", "grade": "6",
                                   "subject": "reading", "countries": "ECU"}, "seconds": 600},
    {"kind": "compare", "params": {"chart": "map", "indicator": "score_mean", "grade": "6",
                                   "subject": "reading"}, "seconds": 600},
]  # fmt: skip


@pytest.fixture(scope="module")
def presenter_name(data_dir: Path) -> str:
    """An organizer, and a two-slide deck on slide 1 that will not advance during a test."""
    name = create_account(data_dir, "presenter_org", "organizer")
    engine = make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")
    save_deck(engine=engine, actor=Actor(name, "organizer"), slides=DECK)
    engine.dispose()
    return name


def reset_to_first_slide(data_dir: Path, name: str) -> None:
    engine = make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")
    set_presenter_state(engine=engine, actor=Actor(name, "organizer"), slide=0, paused=True)
    engine.dispose()


def open_console(browser, server: str, name: str, viewport: dict | None = None):
    """The organizer's console, reached from the menu after logging in (the login lives in the tab)."""
    page = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}).new_page()
    log_in(page, server, name, PASSWORD)
    page.get_by_test_id("stSidebar").get_by_role("link", name=t("nav.present", "es")).click()
    page.wait_for_url(re.compile(r"/present"))
    page.wait_for_selector(CHART, timeout=30_000)  # what the projector shows now
    wait_ready(page)
    return page


def open_presenter(browser, server: str, data_dir: Path, name: str):
    """The projector screen at 1920x1080, opened from the console's link."""
    reset_to_first_slide(data_dir, name)
    page = open_console(browser, server, name, {"width": 1920, "height": 1080})
    page.get_by_role("button", name=t("present.open_projector", "es")).click()
    page.wait_for_url(re.compile(r"screen=projector"))
    page.wait_for_selector(".st-key-present_slide " + CHART, timeout=30_000)
    wait_ready(page)
    return page


def publish_ecuador(data_dir: Path, tmp_path: Path, value: float) -> None:
    book = openpyxl.load_workbook(ROOT / "sample_data" / "results" / "ECU.xlsx")
    sheet = book.worksheets[0]
    column = [c.value for c in sheet[1]].index("valor") + 1
    assert sheet.cell(row=ECUADOR_ROW, column=column).value == ECUADOR_VALUE
    sheet.cell(row=ECUADOR_ROW, column=column).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    (tmp_path / "ECU.xlsx").write_bytes(buffer.getvalue())
    env = {**os.environ, "ENCUENTRO_DATA_DIR": str(data_dir)}
    cmd = [sys.executable, "manage.py", "import", str(tmp_path / "ECU.xlsx"), "--country", "ECU"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_publish_reaches_the_open_projector_within_ten_seconds(
    server, browser, data_dir, presenter_name, tmp_path
):
    page = open_presenter(browser, server, data_dir, presenter_name)
    try:
        assert "Ecuador: 684,2" in page.inner_text("body")
        assert page.locator("[data-testid='stHeader']").is_hidden()  # Streamlit's chrome is gone
        assert page.get_by_test_id("stImage").count() >= 1  # the QR code
        publish_ecuador(data_dir, tmp_path, 714.25)
        banner = t("present.banner_publish", "es", country="Ecuador", version=2)
        page.wait_for_function(
            "texts => texts.every(t => document.body.innerText.includes(t))",
            arg=[banner, "Ecuador: 714,2"],
            timeout=10_000,
        )
    finally:
        page.context.close()


def open_follower(browser, server: str):
    """A phone on /present?follow=1 that records its live-route polls and its websocket sends."""
    follower = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    follower.polls, follower.sends = [], []
    follower.on("request", lambda r: follower.polls.append(r.url) if "/api/v1/live" in r.url else None)
    follower.on("websocket", lambda ws: ws.on("framesent", lambda frame: follower.sends.append(frame)))
    follower.goto(server + "/present?follow=1")
    follower.wait_for_selector(CHART, timeout=30_000)
    wait_ready(follower)
    return follower


def test_two_followers_move_when_the_presenter_moves(server, browser, data_dir, presenter_name):
    """One follower in this Chromium, one in a second Chromium: both show the next slide, and
    while nothing moves they only ask the live route, never the server for a script run."""
    page = open_presenter(browser, server, data_dir, presenter_name)
    other = browser.browser_type.launch(executable_path=browser_path(), args=CHROMIUM_ARGS)
    followers = [open_follower(browser, server), open_follower(other, server)]
    try:
        ranking = t("compare.chart.ranking", "es")
        for follower in followers:
            assert follower.get_by_test_id("stHeading").filter(has_text=ranking).count() == 1
            follower.sends.clear()
        followers[0].wait_for_timeout(5_000)  # quiet: two or more polls each, no rerun asked
        for follower in followers:
            assert len(follower.polls) >= 2 and follower.sends == []
        page.keyboard.press("ArrowRight")  # the projector tab's own keyboard
        map_title = t("compare.chart.map", "es") + ":"
        for follower in followers:
            follower.wait_for_function(
                "t => document.body.innerText.includes(t)", arg=map_title, timeout=10_000
            )
            follower.wait_for_selector(CHART)
            assert t("present.following", "es", n=2, total=2) in follower.inner_text("body")
    finally:
        for follower in followers:
            follower.context.close()
        other.close()
        page.context.close()


def test_the_projector_shows_only_the_slide_and_the_console_drives_it(
    server, browser, data_dir, presenter_name
):
    """Nothing but the slide, its QR code and no chart toolbar on the projector; the console, on
    a phone, moves it and starts or stops the advance."""
    projector = open_presenter(browser, server, data_dir, presenter_name)
    console = open_console(browser, server, presenter_name)
    console.set_viewport_size({"width": 390, "height": 844})  # logged in, then held like a phone
    try:
        for label in ("present.previous", "present.next", "present.play"):
            assert projector.get_by_role("button", name=t(label, "es")).count() == 0
        assert projector.get_by_test_id("stDataFrame").count() == 0  # no deck editor
        projector.get_by_test_id("stVegaLiteChart").first.hover()
        assert not projector.get_by_test_id("stElementToolbar").first.is_visible()
        console.get_by_role("button", name=t("present.next", "es")).click()
        projector.wait_for_function(
            "t => document.body.innerText.includes(t)", arg=t("compare.chart.map", "es") + ":", timeout=10_000
        )
        projector.keyboard.press("ArrowLeft")
        projector.wait_for_function(
            "t => document.body.innerText.includes(t)", arg="Ecuador:", timeout=10_000
        )
        console.get_by_role("button", name=t("present.play", "es")).click()
        console.get_by_role("button", name=t("present.pause", "es")).wait_for(timeout=10_000)
        engine = make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")
        from data_access.meeting.deck import get_presenter_state

        assert not get_presenter_state(engine).paused
        engine.dispose()
    finally:
        projector.context.close()
        console.context.close()
