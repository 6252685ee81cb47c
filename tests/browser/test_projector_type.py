"""The projector at 1920x1080: no text under 18 px on any kind of slide (every chart kind, a
country profile, the working groups, the actions board), read from the rendered page.

Layer: tests (browser). Serves the app with the sample meeting; Debian's Chromium.
"""

from __future__ import annotations

import re

import pytest

from components.present.slide import ROOM_FONT
from data_access.core.actors import Actor
from data_access.core.i18n import t
from data_access.core.store import make_engine
from data_access.meeting.deck import DEFAULT_DECK, get_presenter_state, save_deck, set_presenter_state
from tests.browser.conftest import PASSWORD, create_account, log_in, wait_ready

pytestmark = pytest.mark.browser

KINDS = ("ranking", "trend", "gaps", "levels", "heatmap", "map", "scatter")
DECK = [{"kind": "compare", "params": {"chart": kind}, "seconds": 600} for kind in KINDS]
DECK += [
    {"kind": "country", "params": {"country": "PER"}, "seconds": 600},
    {"kind": "groups", "params": {}, "seconds": 600},
    {"kind": "actions", "params": {}, "seconds": 600},
]
TITLES = [t(f"compare.chart.{kind}", "es") + ":" for kind in KINDS]
TITLES += [
    f"Perú: {t('country.section_profile', 'es')}",
    t("nav.working_groups", "es"),
    t("nav.actions", "es"),
]
# Every visible text on the page (HTML and the charts' SVG) smaller than the floor, with its size
SMALL_TEXT = """floor => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!node.textContent.trim() || !element) continue;
    const box = element.getBoundingClientRect(), style = getComputedStyle(element);
    if (box.width <= 1 || box.height <= 1 || style.visibility === "hidden" || style.opacity === "0") continue;
    if (box.right <= 0 || box.bottom <= 0 || box.left >= innerWidth) continue;  // a skip link, off screen
    const size = parseFloat(style.fontSize);
    if (size < floor) small.push(`${node.textContent.trim().slice(0, 30)} (${size}px)`);
  }
  return small;
}"""


def engine_for(data_dir):
    return make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")


@pytest.fixture
def every_kind_of_slide(data_dir):
    """A deck with one slide of each kind, the sample's deck again afterwards."""
    name = create_account(data_dir, "type_org", "organizer")
    actor = Actor(name, "organizer")
    engine = engine_for(data_dir)
    save_deck(engine=engine, actor=actor, slides=DECK)
    yield actor
    save_deck(engine=engine, actor=actor, slides=DEFAULT_DECK)
    engine.dispose()


def test_no_text_under_18_px_on_any_slide(server, browser, data_dir, every_kind_of_slide):
    actor = every_kind_of_slide
    projector = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    engine = engine_for(data_dir)
    problems = {}
    try:
        state = get_presenter_state(engine)
        set_presenter_state(engine=engine, actor=actor, slide=0, paused=True, expected=state.changed_at)
        log_in(projector, server, actor.username, PASSWORD)
        projector.get_by_test_id("stSidebar").get_by_role("link", name=t("nav.present", "es")).click()
        projector.wait_for_url(re.compile(r"/present"))
        wait_ready(projector)
        projector.get_by_role("button", name=t("present.open_projector", "es")).click()
        projector.wait_for_url(re.compile(r"screen=projector"))
        for index, title in enumerate(TITLES):
            state = get_presenter_state(engine)
            set_presenter_state(
                engine=engine, actor=actor, slide=index, paused=True, expected=state.changed_at
            )
            slide = projector.locator(".st-key-present_slide")
            slide.get_by_text(title, exact=False).first.wait_for(timeout=20_000)
            if index < len(KINDS) + 1:  # a chart slide: wait for its drawing
                slide.locator("[data-testid='stVegaLiteChart'] svg.marks").first.wait_for(timeout=20_000)
            projector.wait_for_timeout(500)
            small = projector.evaluate(SMALL_TEXT, ROOM_FONT)
            if small:
                problems[title] = small[:8]
    finally:
        projector.context.close()
        engine.dispose()
    assert problems == {}
