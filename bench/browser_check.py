"""bench/load.py checked against real Chromium on one served app (loopback). compare: /compare's subject
changed 15 times by load.py's probe, then by Chromium: protocol time (rerun_script sent -> script_finished,
CDP frames) and DOM time (that send -> chart caption changed). followers: load.py's followers (N phones,
3 advances) in a thread beside 2 Chromium instances on /present?follow=1; advance -> shown by both.

  python bench/browser_check.py compare [--data-dir DIR] [--out compare.json]
  python bench/browser_check.py followers -n 50 [--data-dir DIR] [--out followers.json]
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

if __package__ in (None, ""):  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import loadtools as tools
from bench.load import COMPARE_QUERY, LoadConfig, run_load
from bench.server import CHROMIUM_ARGS, READY

CHROMIUM = "/usr/bin/chromium"
SUBJECT = ".st-key-compare_subject"
# In the page: the first websocket send after arming, and when the chart caption's text changed.
SEND_HOOK = """() => { const send = WebSocket.prototype.send; window.__bc = {sent: null, changed: null};
  WebSocket.prototype.send = function (data) { if (window.__bc.armed && window.__bc.sent === null)
    window.__bc.sent = performance.now(); return send.call(this, data); }; }"""
CAPTION_JS = """() => ([...document.querySelectorAll("[data-testid=stMain] [data-testid=stMarkdown]")]
  .map(e => e.innerText).find(t => /\\d/.test(t)) || "")"""  # the chart's summary: the first with a digit
ARM_JS = f"""old => {{ const caption = {CAPTION_JS}; Object.assign(window.__bc, {{armed: true, sent: null,
  changed: null}}); const tick = () => {{ if (caption() !== old) window.__bc.changed = performance.now();
  else requestAnimationFrame(tick); }}; requestAnimationFrame(tick); }}"""
# In a follower: every slide number the caption shows, with its epoch ms, seen by a MutationObserver.
FOLLOW_JS = """prefix => { window.__slides = []; const look = () => {
  const text = [...document.querySelectorAll("[data-testid=stCaptionContainer]")].map(e => e.textContent)
    .find(t => t.includes(prefix)), n = text && parseInt(text.split(prefix)[1], 10);
  const last = window.__slides.at(-1);
  if (n && (!last || last[1] !== n)) window.__slides.push([performance.timeOrigin + performance.now(), n]); };
  const changes = {subtree: true, childList: true, characterData: true};
  new MutationObserver(look).observe(document.body, changes); look(); }"""


@contextmanager
def served(data_dir: str) -> Iterator[tuple[str, str]]:
    """The app on DATA_DIR (a seeded temp store when empty or missing); yields (url, data dir)."""
    with tempfile.TemporaryDirectory(prefix="browser-check-") as temp:
        folder = Path(data_dir or temp).resolve()  # manage.py seed makes a missing folder
        with tools.server("", str(folder)) as url:  # seeds the store first when it has no database
            yield url, str(folder)


def ratios(a: dict, b: dict) -> dict[str, float | None]:
    """A / B at p50 and p95 (percentiles dicts), None where either is missing."""
    return {k: round(a[k] / b[k], 2) if a.get(k) and b.get(k) else None for k in ("p50", "p95")}


class Frames:
    """A page's websocket frames from CDP: (monotonic s, 'sent' or 'received', decoded message type)."""

    def __init__(self, page: object) -> None:
        self.log: list[tuple[float, str, str]] = []
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameSent", lambda p: self.add(p, "sent", BackMsg))
        cdp.on("Network.webSocketFrameReceived", lambda p: self.add(p, "received", ForwardMsg))

    def add(self, params: dict, way: str, proto: type) -> None:
        """Decode one binary frame (opcode 2) and log its message type at the browser's timestamp."""
        frame = params["response"]
        if frame.get("opcode") == 2:
            msg = proto.FromString(base64.b64decode(frame["payloadData"]))
            self.log.append((params["timestamp"], way, msg.WhichOneof("type") or ""))

    def rerun_ms(self, since: int) -> float | None:
        """After log entry SINCE: the first rerun_script sent -> the next script_finished, in ms."""
        frames = self.log[since:]
        sent = next((t for t, way, kind in frames if way == "sent" and kind == "rerun_script"), None)
        done = (t for t, way, kind in frames if way == "received" and kind == "script_finished")
        finished = next((t for t in done if sent is not None and t >= sent), None)
        return None if finished is None else 1000 * (finished - sent)


def open_options(page: object) -> list[str]:
    """Open the subject list: its options, or [] when the click was swallowed (as after a rerun)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.locator(SUBJECT).get_by_role("button", name="Open").click()
    try:
        page.get_by_role("option").first.wait_for(timeout=1_000)
    except PlaywrightTimeout:
        page.keyboard.press("Escape")
        return []
    return [o.strip() for o in page.get_by_role("option").all_inner_texts()]


def pick(page: object, option: str) -> None:
    """Choose OPTION in the subject selectbox, retried as tests/browser/conftest.py choose() does."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    for _ in range(10):
        try:
            if option in open_options(page):
                page.get_by_role("option", name=option, exact=True).click(timeout=1_000)
                expect(page.locator(SUBJECT).get_by_role("combobox")).to_have_value(option, timeout=2_000)
                return
        except (PlaywrightTimeout, AssertionError):
            pass
        page.keyboard.press("Escape")
    raise RuntimeError(f"could not choose {option!r}")


def open_compare(page: object, url: str) -> list[str]:
    """Open /compare with the probe's query and its filters; the subject options, in order."""
    page.add_init_script(script=f"({SEND_HOOK})()")
    page.goto(f"{url}/compare?{COMPARE_QUERY}")
    page.wait_for_selector(READY, timeout=60_000)
    page.wait_for_selector("[data-testid='stVegaLiteChart'] svg.marks", timeout=30_000)
    page.get_by_test_id("stMain").get_by_test_id("stExpander").first.locator("summary").click()
    options = next(filter(None, (open_options(page) for _ in range(10))), None)
    if not options:
        raise RuntimeError("the subject selectbox did not open")
    page.keyboard.press("Escape")
    return options


def browser_changes(page: object, url: str, changes: int, think: float) -> dict:
    """CHANGES subject changes in Chromium, THINK s apart: protocol and DOM times (ms) of each."""
    frames, options = Frames(page), open_compare(page, url)
    monitor = tools.ProcMonitor(tools.find_server_pid(tools.check_loopback(url)[1]))
    cpu = monitor.sample()["cpu_ms"]
    current = page.locator(SUBJECT).get_by_role("combobox").input_value()
    cycle = [o for o in options if o != current] + [current]
    protocol, dom = [], []
    for k in range(changes):
        page.wait_for_timeout(1000 * think)
        since = len(frames.log)
        page.evaluate(ARM_JS, page.evaluate(CAPTION_JS))
        pick(page, cycle[k % len(cycle)])
        page.wait_for_function("() => window.__bc.changed !== null", timeout=30_000)
        page.wait_for_selector(READY, timeout=30_000)
        for _ in range(40):  # CDP events reach Python a little after the page saw them
            if frames.rerun_ms(since) is None:
                page.wait_for_timeout(50)
        protocol.append(frames.rerun_ms(since))
        marks = page.evaluate("() => window.__bc")
        dom.append(marks["changed"] - marks["sent"] if marks["sent"] is not None else None)
    cpu = round((monitor.sample()["cpu_ms"] - cpu) / changes, 1)  # with the page's own polls
    return {"options": options, "protocol_ms": protocol, "dom_ms": dom, "server_cpu_ms_per_change": cpu}


def check_compare(data_dir: str, changes: int, think: float) -> dict:
    """The compare check: load.py's probe, then Chromium, one after the other on one server."""
    from playwright.sync_api import sync_playwright

    with served(data_dir) as (url, _):
        probe = run_load(LoadConfig("probe", url=url, widget="compare_subject", reruns=changes, think=think))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            seen = browser_changes(page, url, changes, think)
            browser.close()
    times = (probe["rerun_ms"], seen["protocol_ms"], seen["dom_ms"])
    client, protocol, dom = (tools.percentiles([ms for ms in v if ms is not None]) for v in times)
    cpu = [probe["server"]["cpu_ms_per_run"], seen["server_cpu_ms_per_change"]]
    figures = {
        "client rerun ms (load.py probe)": client,
        "chromium protocol ms": protocol,
        "chromium DOM ms": dom,
        "protocol/client": ratios(protocol, client),
        "DOM/client": ratios(dom, client),
        "server CPU ms per change, client/chromium": cpu,
        "client errors": probe["errors"] or "none",
    }
    raw = {"client_ms": probe["rerun_ms"], "client_load_ms": probe["load_ms"], **seen}
    return {"check": "compare", "url": url, "query": COMPARE_QUERY, "figures": figures, "raw": raw}


def recording(moves: list[tuple[float, int]]) -> Callable[..., Awaitable[list]]:
    """tools.move_slides that also appends load.py's presenter moves (perf_counter s, slide) to MOVES."""
    original = tools.move_slides

    async def move_slides(*args: object, **kwargs: object) -> list:
        """The original, its moves kept."""
        done = await original(*args, **kwargs)
        moves.extend(done)
        return done

    return move_slides


def open_follower(pw: object, url: str, prefix: str) -> tuple[object, object]:
    """A separate Chromium with a phone on /present?follow=1 that logs each slide it shows."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{url}/present?follow=1")
    page.wait_for_selector(READY, timeout=60_000)
    page.get_by_text(prefix).first.wait_for(timeout=30_000)
    page.evaluate(FOLLOW_JS, prefix)
    return browser, page


def browser_delays(moves: list[tuple[float, int]], slides: list[list]) -> list[float | None]:
    """Advance -> the slide's caption shown in one browser (ms) per move, None when never."""
    offset_ms = 1000 * (time.time() - time.perf_counter())  # page times are epoch ms
    delays = []
    for at, slide in moves:
        at_ms = 1000 * at + offset_ms
        shown = next((t - at_ms for t, n in slides if n == slide + 1 and t >= at_ms), None)
        delays.append(None if shown is None else round(shown, 1))
    return delays


def follow(url: str, folder: str, cfg: LoadConfig) -> tuple[dict, list, list[list]]:
    """Two Chromium followers alongside load.py's followers; (its report, moves, each browser's log)."""
    from playwright.sync_api import sync_playwright

    from data_access.core.i18n import t
    from data_access.meeting.deck import set_presenter_state

    engine, actor = tools.presenter(folder)
    set_presenter_state(engine=engine, actor=actor, slide=0, paused=True)
    engine.dispose()
    prefix = t("present.following", "es", n="@N@", total="@T@").split("@N@")[0]
    moves = []
    with sync_playwright() as pw, ThreadPoolExecutor(1) as pool:
        opened = [open_follower(pw, url, prefix) for _ in range(2)]
        with mock.patch.object(tools, "move_slides", recording(moves)):  # looked up when it moves
            done = pool.submit(run_load, cfg)
            while not done.done():
                opened[0][1].wait_for_timeout(500)
        logs = [page.evaluate("() => window.__slides") for _, page in opened]
        for browser, _ in opened:
            browser.close()
    return done.result(), moves, logs


def check_followers(data_dir: str, sessions: int, advance: float, advances: int) -> dict:
    """The followers check: each advance as load.py's N phones and 2 Chromium phones saw it."""
    with served(data_dir) as (url, folder):
        cfg = LoadConfig("followers", url, folder, sessions, advance=advance, advances=advances)
        report, moves, logs = follow(url, folder, cfg)
    per_browser = [browser_delays(moves, slides) for slides in logs]
    browser = tools.percentiles([ms for delays in per_browser for ms in delays if ms is not None])
    client = report.get("advance_to_shown_ms") or {}
    figures = {
        "protocol phones loaded": f"{report.get('loaded')}/{sessions}",
        "moves to slide": [slide for _, slide in moves],
        "client advance->shown ms": client,
        "client phones that saw each advance": report.get("followers_per_advance"),
        "chromium advance->shown ms": browser,
        "chromium per browser, per advance ms": per_browser,
        "chromium/client": ratios(browser, client),
        "client errors": report.get("errors") or "none",
    }
    raw = {"client_report": report, "browser_slide_logs": logs, "moves_perf_counter": moves}
    return {"check": "followers", "url": url, "figures": figures, "raw": raw}


def main(argv: list[str] | None = None) -> int:
    """Run one check from the command line, print its summary and write its JSON."""
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("check", choices=("compare", "followers"))
    for flags, kind, default, note in (
        (["--data-dir"], str, "", "the store (a seeded temp store when empty; seeded when it has no db)"),
        (["--out"], str, "", "write the result here as JSON"),
        (["-n", "--sessions"], int, 50, "followers: load.py's phones"),
        (["--changes"], int, 15, "compare: subject changes, each way"),
        (["--think"], float, 1.0, "compare: seconds between changes"),
        (["--advance"], float, 10.0, "followers: seconds between advances"),
        (["--advances"], int, 3, "followers: how many advances"),
    ):
        parser.add_argument(*flags, type=kind, default=default, help=note)
    args = parser.parse_args(argv)
    if args.check == "compare":
        result = check_compare(args.data_dir, args.changes, args.think)
    else:
        result = check_followers(args.data_dir, args.sessions, args.advance, args.advances)
    lines = [f"{result['check']} on {result['url']}:"]
    print("\n".join(lines + [f"  {label}: {value}" for label, value in result["figures"].items()]))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
