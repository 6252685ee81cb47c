"""The browser's side of Streamlit's websocket protocol (/work/shared/LOAD.md), one Session per tab:
it loads pages, follows page links, changes widgets, ticks `run_every` fragments (auto_rerun) and
plays the live watcher component (components/shell/live.py): polls its URL, triggers a rerun when it moved.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.loadserve import check_loopback
from bench.loadtools import NET_ERRORS, Poller, Stats, Watcher, js_string

# streamlit/components/v2/bidi_component/main.py _make_trigger_id: PREFIX + "_" + base + "__" + event
TRIGGER_ID = "$$STREAMLIT_INTERNAL_KEY_{}__events"
FULL_OK, COMPILE_ERROR, INTERRUPTED, FRAGMENT_OK = 0, 1, 2, 3
TICK_S = 0.25
SUBPROTOCOLS = ["streamlit", "PLACEHOLDER_AUTH_TOKEN"]  # what the frontend offers
WS_OPTIONS = {"compression": None, "max_size": None, "proxy": None, "ping_interval": None}  # LOAD.md 5.


class Waiter:
    """A rerun request waiting for the run that answers it; SEQ counts runs started before it."""

    def __init__(self, kind: str, seq: int, fragment_id: str) -> None:
        self.kind, self.seq, self.fragment_id, self.sent = kind, seq, fragment_id, time.perf_counter()
        self.future: asyncio.Future = asyncio.get_running_loop().create_future()


class Session:
    """One browser tab speaking BackMsg/ForwardMsg over /_stcore/stream."""

    def __init__(self, base_url: str, stats: Stats, timeout: float = 30.0) -> None:
        self.host, self.port = check_loopback(base_url)
        self.base_url, self.stats, self.timeout = base_url.rstrip("/"), stats, timeout
        self.poller = Poller(self.host, self.port, timeout)
        self.ws: websockets.ClientConnection | None = None
        self.tasks: set[asyncio.Task] = set()
        self.waiters: list[Waiter] = []
        self.auto: dict[str, tuple[float, asyncio.Task]] = {}  # fragment -> (interval, its timer)
        self.watchers: dict[str, Watcher] = {}  # element id -> watcher
        self.widgets: dict[str, object] = {}  # user key -> element proto, as the page now shows it
        self.values: dict[str, WidgetState] = {}  # widget id -> the value this tab set
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.cache: dict[str, tuple[int, str]] = {}  # ForwardMsg hash -> (run last used, fragment)
        self.run_ids: dict[str, int] = {}  # script_run_id -> its place in the order runs started
        self.seen: set[str] = set()  # element ids drawn by the current run
        self.fragment_of: dict[str, str] = {}  # element id -> the fragment that drew it ("" none)
        self.page_hash = self.query = self.path = ""
        self.max_age = self.run_count = self.run_seq = 0
        self.closing = self.ended = False
        self.on_text: Callable[[str], None] | None = None  # called with every markdown/caption body

    async def open(self) -> float:
        """Connect the websocket and start reading; returns the connect time in ms."""
        started, url = time.perf_counter(), f"ws://{self.host}:{self.port}/_stcore/stream"
        options = {"subprotocols": SUBPROTOCOLS, "open_timeout": self.timeout, **WS_OPTIONS}
        self.ws = await websockets.connect(url, close_timeout=2, **options)
        self._spawn(self._read())
        self._spawn(self._housekeep())
        return 1000 * (time.perf_counter() - started)

    async def close(self) -> None:
        """Close the tab: timers, polls and the websocket."""
        self.closing = True
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.ws is not None:
            await self.ws.close()
        self.poller.close()
        self._drop_waiters()

    async def load(self, page: str, query: str = "") -> float | None:
        """Open /PAGE?QUERY in this tab (the first rerun carries the page name); ms or None."""
        self.path, self.query = page, query
        return await self.rerun("load", page_name=page)

    async def navigate(self, page: str, query: str = "") -> float | None:
        """Follow a page link: the page's script hash and query; timers and widget values dropped."""
        self._stop_auto()
        self.watchers, self.values = {}, {}
        self.page_hash, self.path, self.query = self.pages[page], page, query
        return await self.rerun("nav")

    async def change(self, key: str, value: str) -> float | None:
        """Set the widget keyed KEY to the option labelled VALUE, as a click would; ms or None."""
        widget = self.widgets[key]
        array = widget.DESCRIPTOR.name in ("ButtonGroup", "Multiselect")  # LOAD.md 1.4: value fields
        field = {"string_array_value": {"data": [value]}} if array else {"string_value": value}
        self.values[widget.id] = WidgetState(id=widget.id, **field)  # in a fragment: reruns just that
        return await self.rerun("action", fragment_id=self.fragment_of.get(widget.id, ""))

    async def rerun(self, kind: str, **options: object) -> float | None:
        """Send a rerun and wait for the run that answers it: the latency in ms, None if none came."""
        waiter = await self.send_rerun(kind, **options)
        return await waiter.future if waiter else None

    async def send_rerun(
        self, kind: str, page_name: str = "", fragment_id: str = "", trigger: WidgetState | None = None
    ) -> Waiter | None:
        """Send a rerun_script as the frontend builds it; returns the Waiter its run resolves."""
        if self.ws is None or self.closing or self.ended:
            return None
        msg = BackMsg()
        state = msg.rerun_script
        state.page_name, state.page_script_hash, state.query_string = page_name, self.page_hash, self.query
        state.widget_states.widgets.extend([*self.values.values(), *([trigger] if trigger else [])])
        state.fragment_id, state.is_auto_rerun = fragment_id, kind.startswith("auto")
        state.cached_message_hashes.extend(self.cache)
        ctx = state.context_info
        ctx.timezone, ctx.locale, ctx.color_scheme = "UTC", "es-419", "light"
        ctx.url = f"{self.base_url}/{self.path}" + (f"?{self.query}" if self.query else "")
        waiter = Waiter(kind, self.run_seq, fragment_id)
        self.waiters.append(waiter)
        self.stats.counts[f"sent_{kind}"] += 1
        try:
            await self.ws.send(msg.SerializeToString())
        except websockets.ConnectionClosed:
            self._resolve(waiter, None)  # the reader counts the disconnect
        return waiter

    def _spawn(self, coro: object) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def _stop_auto(self, fragment_ids: list[str] | None = None) -> None:
        for fragment_id in list(self.auto) if fragment_ids is None else fragment_ids:
            if fragment_id in self.auto:
                self.auto.pop(fragment_id)[1].cancel()

    async def _read(self) -> None:
        detail = "closed by the server"
        try:
            async for data in self.ws:
                self.stats.counts.update({"msgs_in": 1, "bytes_in": len(data)})
                self._handle(ForwardMsg.FromString(data))
        except websockets.ConnectionClosed as closed:
            detail = str(closed)
        if not self.closing:
            self.stats.error("disconnect", detail)
        self.ended = True
        self._drop_waiters()

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._on_new_session(msg)
        elif kind == "navigation":  # the page that runs (new_session's hash is the main script's)
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            self.stats.error("page_not_found", msg.page_not_found.page_name)
        elif kind == "delta":
            self._on_delta(msg)
        elif kind == "ref_hash":
            self.stats.counts["cache_hits" if msg.ref_hash in self.cache else "cache_misses"] += 1
            self.cache[msg.ref_hash] = (self.run_count, self.cache.get(msg.ref_hash, (0, ""))[1])
        elif kind == "auto_rerun":
            self._on_auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._stop_auto(list(msg.stop_auto_rerun.fragment_ids))
        elif kind == "script_finished":
            self._on_finished(msg)

    def _on_new_session(self, msg: ForwardMsg) -> None:
        self.run_seq += 1
        self.run_ids[msg.metadata.run.script_run_id] = self.run_seq
        self.max_age = msg.new_session.config.max_cached_message_age or self.max_age or 2
        self.seen = set()
        if not msg.metadata.run.fragment_ids:  # a full run: the frontend drops its timers
            self._stop_auto()

    def _on_delta(self, msg: ForwardMsg) -> None:
        if msg.metadata.cacheable:
            self.cache[msg.hash] = (self.run_count, msg.delta.fragment_id)
        element = msg.delta.new_element
        kind = element.WhichOneof("type") if msg.delta.WhichOneof("type") == "new_element" else None
        proto = getattr(element, kind) if kind else None
        if kind == "exception":
            self.stats.error("exception", f"{proto.type}: {proto.message}")
        elif kind == "markdown" and self.on_text is not None:
            self.on_text(proto.body)
        elif kind == "bidi_component":
            self._on_component(proto, msg.delta.fragment_id)
        element_id = getattr(proto, "id", "")
        if element_id:
            self.seen.add(element_id)
            self.fragment_of[element_id] = msg.delta.fragment_id
            self.widgets[element_id.split("-", 2)[-1]] = proto
            if getattr(proto, "set_value", False):
                self.values.pop(element_id, None)  # the script set it: the browser takes its value

    def _on_component(self, proto: object, fragment_id: str) -> None:
        raw = proto.json if proto.WhichOneof("data") == "json" else proto.mixed.json
        data = json.loads(raw) if raw.startswith("{") else {}  # written by json.dumps on the server
        if not {"url", "every_ms", "watch", "seen"} <= data.keys():
            return
        old = self.watchers.get(proto.id)
        if old is None or old.data != data:  # new data: the component mounts again, a new timer
            self.watchers[proto.id] = Watcher(proto.id, fragment_id, data)

    def _on_auto_rerun(self, fragment_id: str, interval: float) -> None:
        if self.auto.get(fragment_id, (None,))[0] != interval:  # the same interval keeps its timer
            self._stop_auto([fragment_id])
            self.auto[fragment_id] = (interval, self._spawn(self._tick(fragment_id, interval)))

    async def _tick(self, fragment_id: str, interval: float) -> None:
        """A `run_every` timer: the browser asks for the fragment every INTERVAL, run or not."""
        while not self.closing:
            await asyncio.sleep(interval)
            pending = any(w.fragment_id == fragment_id and w.kind == "auto" for w in self.waiters)
            await self.send_rerun("auto_extra" if pending else "auto", fragment_id=fragment_id)

    def _on_finished(self, msg: ForwardMsg) -> None:
        status, fragments = msg.script_finished, list(msg.metadata.run.fragment_ids)
        seq = self.run_ids.pop(msg.metadata.run.script_run_id, self.run_seq)
        self.stats.counts.update(("runs_finished", f"status_{status}"))
        self.stats.by_url[self.base_url] += 1  # which app process ran it
        if status not in (FULL_OK, INTERRUPTED, FRAGMENT_OK):
            self.stats.error("compile_error" if status == COMPILE_ERROR else f"status_{status}")
        self.run_count += 1
        for digest, (used, fragment_id) in list(self.cache.items()):  # the frontend's cache expiry
            if (not fragments or fragment_id in fragments) and self.run_count - used > self.max_age:
                del self.cache[digest]
        if status == INTERRUPTED:
            return
        redrawn = set(fragments) or set(self.fragment_of.values())  # a full run redraws everything
        gone = {k for k, f in self.fragment_of.items() if f in redrawn and k not in self.seen}
        self.values = {k: v for k, v in self.values.items() if k not in gone}  # no longer on the page
        self.watchers = {k: v for k, v in self.watchers.items() if k not in gone}
        self.widgets = {k: v for k, v in self.widgets.items() if v.id not in gone}
        self.fragment_of = {k: v for k, v in self.fragment_of.items() if k not in gone}
        for waiter in [w for w in self.waiters if w.seq < seq]:
            if not fragments or waiter.fragment_id in fragments:
                self._resolve(waiter, 1000 * (time.perf_counter() - waiter.sent))

    def _drop_waiters(self) -> None:
        for waiter in list(self.waiters):
            self._resolve(waiter, None)

    def _resolve(self, waiter: Waiter, ms: float | None) -> None:
        if waiter in self.waiters:
            self.waiters.remove(waiter)
        if ms is not None and waiter.kind != "auto_extra":
            self.stats.latency[waiter.kind].append(ms)
        if not waiter.future.done():
            waiter.future.set_result(ms)

    async def _housekeep(self) -> None:
        """Every TICK_S: expire unanswered reruns, and tick the live watchers that are due."""
        while not self.closing:
            await asyncio.sleep(TICK_S)
            for waiter in [w for w in self.waiters if time.perf_counter() - w.sent > self.timeout]:
                self.stats.error(f"timeout_{waiter.kind}")
                self._resolve(waiter, None)
            now = time.monotonic()
            for watcher in [w for w in self.watchers.values() if now >= w.due]:
                watcher.due = max(watcher.due, now - TICK_S) + watcher.data["every_ms"] / 1000
                if now >= watcher.quiet_until and not watcher.pending:
                    self._spawn(self._poll(watcher))
            for watcher in [w for w in self.watchers.values() if w.expires and now >= w.expires]:
                watcher.expires = None
                self._spawn(self._fire(watcher, "expired"))

    async def _poll(self, watcher: Watcher) -> None:
        """One tick of the watcher's JS: GET the URL, compare, and trigger a rerun if it moved."""
        data, started, now = watcher.data, time.perf_counter(), None
        try:
            status, body = await self.poller.get(data["url"])
            self.stats.latency["poll"].append(1000 * (time.perf_counter() - started))
            now = ":".join(js_string(json.loads(body), k) for k in data["watch"]) if status == 200 else None
        except NET_ERRORS as exc:  # the JS treats a failed or non-JSON answer as "moved"
            self.stats.error("poll", repr(exc)[:200])
        self.stats.counts["polls"] += 1
        if self.closing or self.watchers.get(watcher.id) is not watcher or now == data["seen"]:
            return
        if now is not None and data.get("spread_ms"):  # the JS's setTimeout(random * spread_ms)
            watcher.pending = True
            await asyncio.sleep(random.random() * data["spread_ms"] / 1000)
            watcher.pending = False
            if self.closing or self.watchers.get(watcher.id) is not watcher:
                return
        await self._fire(watcher, now if now is not None else f"?{int(time.time() * 1000)}")

    async def _fire(self, watcher: Watcher, value: str) -> None:
        """The watcher's setTriggerValue("moved", VALUE): a rerun of its fragment, then quiet."""
        watcher.quiet_until = time.monotonic() + 2 * watcher.data["every_ms"] / 1000
        trigger = WidgetState(id=TRIGGER_ID.format(watcher.id))
        trigger.json_trigger_value = json.dumps([{"event": "moved", "value": value}], separators=(",", ":"))
        self.stats.counts["triggers"] += 1
        await self.send_rerun("trigger", fragment_id=watcher.fragment_id, trigger=trigger)
