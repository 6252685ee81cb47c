"""Every chart kind, at 390 and 1920 px, in es, pt and en: no text of a chart overlaps another and
none is cut (ended with an ellipsis, or drawn outside the chart). Measured in Chromium on the
rendered SVG, since only the browser knows how wide a label really is.

Layer: tests (browser). Serves the app with the sample meeting; Debian's Chromium.
"""

from __future__ import annotations

import pytest

from data_access.core.i18n import t
from tests.browser.conftest import wait_ready

pytestmark = pytest.mark.browser

CHART_KINDS = ("ranking", "trend", "gaps", "levels", "heatmap", "map", "scatter")
# with a country highlighted (its bold labels are wider)
PAGES = [f"/compare?chart={kind}&mine=PER" for kind in CHART_KINDS] + ["/country?country=DOM", "/actions"]
# Every text box of one SVG: cut when it ends in "…" or leaves the SVG; overlapping when two boxes
# share more than 2 x 2 px.
MEASURE = """
svg => {
  const root = svg.getBoundingClientRect();
  const boxes = [...svg.querySelectorAll("text")]
    .filter(t => t.textContent.trim() && getComputedStyle(t).opacity !== "0")  // hidden: not shown
    .map(t => {
      const r = t.getBoundingClientRect();
      return {s: t.textContent, x: r.left, y: r.top, w: r.width, h: r.height};
    })
    .filter(b => b.w > 0 && b.h > 0);
  const outside = b => b.x < root.left - 1 || b.x + b.w > root.right + 1
    || b.y < root.top - 1 || b.y + b.h > root.bottom + 1;
  const cut = boxes.filter(b => b.s.endsWith("…") || outside(b)).map(b => b.s);
  const overlapping = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
    const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
    if (dx > 2 && dy > 2) overlapping.push(a.s + " / " + b.s);
  }
  return {texts: boxes.length, cut, overlapping};
}
"""


@pytest.mark.parametrize("width", [390, 1920])
@pytest.mark.parametrize("path", PAGES)
def test_chart_text_is_whole_and_apart(server, browser, path, width):
    context = browser.new_context(viewport={"width": width, "height": 1080 if width > 1000 else 844})
    page = context.new_page()
    problems = {}
    try:
        for lang in ("es", "pt", "en"):
            page.goto(f"{server}{path}&lang={lang}" if "?" in path else f"{server}{path}?lang={lang}")
            wait_ready(page)
            if path == "/actions":  # the timeline is the chart of /actions
                page.get_by_role("tab", name=t("actions.tab_timeline", lang)).click()
            charts = page.locator("[data-testid='stVegaLiteChart'] svg.marks")
            charts.first.wait_for(timeout=30_000)
            for index, svg in enumerate(charts.all()):
                found = svg.evaluate(MEASURE)
                if found["cut"] or found["overlapping"]:
                    problems[f"{lang} chart {index}"] = {k: found[k] for k in ("cut", "overlapping")}
    finally:
        context.close()
    assert problems == {}
