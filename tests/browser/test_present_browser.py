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


def open_presenter(browser, server: str, data_dir: Path, name: str):
    reset_to_first_slide(data_dir, name)
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    log_in(page, server, name, PASSWORD)
    page.get_by_test_id("stSidebar").get_by_role("link", name=t("nav.present", "es")).click()
    page.wait_for_url(re.compile(r"/present"))
    page.wait_for_selector(CHART, timeout=30_000)
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
        page.get_by_role("button", name=t("present.next", "es")).click()
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
