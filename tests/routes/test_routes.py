"""The HTTP routes beside the pages, through a real `streamlit run serve.py`: the live state the
watchers poll, and the map boundaries the charts refer to."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

from data_access.core.actors import Actor
from data_access.core.catalogues import BOUNDARIES_FILE, BOUNDARIES_URL
from data_access.core.store import get_data_version, make_engine
from data_access.meeting.deck import set_presenter_state
from data_access.meeting.live import LIVE_PATH

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_the_live_route_answers_the_stores_version_and_slide(served):
    url, data_dir = served
    engine = make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")
    set_presenter_state(engine=engine, actor=Actor("org", "organizer"), slide=2, paused=False)
    status, headers, body = get(url + LIVE_PATH)
    state = json.loads(body)
    assert status == 200 and headers["cache-control"] == "no-store"
    assert set(state) == {"data_version", "slide", "paused", "changed_at"}
    assert state["data_version"] == get_data_version(engine)
    set_presenter_state(engine=engine, actor=Actor("org", "organizer"), slide=3, paused=False)
    for _ in range(30):  # another process's write shows within about a second
        if json.loads(get(url + LIVE_PATH)[2])["slide"] == 3:
            break
        time.sleep(0.1)
    assert json.loads(get(url + LIVE_PATH)[2])["slide"] == 3
    engine.dispose()


def test_the_boundaries_are_served_once_and_cached_by_the_browser(served):
    url, _ = served
    status, headers, body = get(url + BOUNDARIES_URL)
    assert status == 200 and body == BOUNDARIES_FILE.read_bytes()
    assert "max-age" in headers["cache-control"] and headers.get("etag")
