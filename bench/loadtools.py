"""Tools of the load tests (bench/load.py, bench/loadproto.py): shared counters, percentiles and
summaries, keep-alive HTTP and the live watcher's state, and the presenter's side (moving the
projector, reading the follower's slide). The servers and their /proc figures: bench/loadserve.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bench.loadserve import ProcMonitor, check_loopback, find_server_pid, server  # noqa: F401 (browser_check)

SHOWN_WITHIN_S = 30.0
NET_ERRORS = (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError)


class Poller:
    """One keep-alive HTTP/1.1 connection, as a phone's browser keeps one to the app."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout, self.lock = host, port, timeout, asyncio.Lock()
        self.conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        """GET PATH: (status, body); a kept connection that went away is opened again once."""
        async with self.lock:
            for reused in (self.conn is not None, False):
                try:
                    return await asyncio.wait_for(self._get(path), self.timeout)
                except NET_ERRORS:
                    self.close()
                    if not reused:
                        raise
        raise AssertionError("unreachable")

    async def _get(self, path: str) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.conn
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: */*\r\n\r\n".encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower().split("\r\n")
        headers = {k.strip(): v.strip() for k, _, v in (h.partition(":") for h in head[1:] if h)}
        if "content-length" not in headers:
            raise ValueError(f"no content-length in the answer to {path}")  # chunked: not from uvicorn
        body = await reader.readexactly(int(headers["content-length"]))
        if headers.get("connection") == "close":
            self.close()
        return int(head[0].split()[1]), body

    def close(self) -> None:
        """Drop the connection (the next get opens a new one)."""
        if self.conn is not None:
            self.conn[1].close()
            self.conn = None


@dataclass
class Stats:
    """What all sessions of one run measure: latencies (ms) by kind, errors, counters."""

    latency: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    counts: Counter = field(default_factory=Counter)
    by_url: Counter = field(default_factory=Counter)  # script runs finished, by the server's URL
    samples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str = "") -> None:
        """Count an error of KIND; keep the first few details."""
        self.errors[kind] += 1
        if detail and len(self.samples) < 10:
            self.samples.append(f"{kind}: {detail[:300]}")


class Arrivals:
    """Counts tabs done loading; samples the server once all have."""

    def __init__(self, n: int, monitor: ProcMonitor) -> None:
        self.n, self.monitor, self.done, self.ok = n, monitor, 0, 0
        self.sample: dict[str, float] = {}
        self.started = time.perf_counter()

    def add(self, ok: bool) -> None:
        """One more tab finished its first page(s), loaded or not."""
        self.done, self.ok = self.done + 1, self.ok + ok
        if self.done == self.n:
            self.sample = self.monitor.sample()


def percentiles(values: list[float]) -> dict[str, float]:
    """n, p50, p95, p99 and max of VALUES (ms), nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return {"n": 0}
    at = {q: round(ordered[min(len(ordered) - 1, int(q * len(ordered) / 100))], 1) for q in (50, 95, 99)}
    return {"n": len(ordered), "p50": at[50], "p95": at[95], "p99": at[99], "max": round(ordered[-1], 1)}


def arrival_times(n: int, within: float, ramp: bool, rng: random.Random, start: float) -> list[float]:
    """When each of N tabs arrives: a random burst WITHIN s of START, or an even RAMP."""
    if ramp:
        return [start + i * within / n for i in range(n)]
    return sorted(start + rng.uniform(0, within) for _ in range(n))


class Watcher:
    """A live watcher element: DATA is its {url, every_ms, watch, seen[, rerun_in_ms, spread_ms]};
    DUE its next tick; PENDING a spread-out report on its way."""

    def __init__(self, element_id: str, fragment_id: str, data: dict) -> None:
        self.id, self.fragment_id, self.data, self.quiet_until = element_id, fragment_id, data, 0.0
        self.pending = False
        self.due = time.monotonic() + data["every_ms"] / 1000  # setInterval: first tick after one period
        expiry = data.get("rerun_in_ms")  # a one-shot setTimeout that fires "expired"
        self.expires = (
            time.monotonic() + expiry / 1000 if isinstance(expiry, int | float) and expiry else None
        )


def js_string(state: dict, key: str) -> str:
    """What the watcher's `String(state[key])` gives in the browser."""
    value = state.get(key, "undefined")
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def slide_pattern() -> re.Pattern:
    """The follower's caption 'diapositiva N de M' (data_access/texts present.following), any language."""
    from data_access.core.i18n import t
    from data_access.core.settings import LANGUAGES

    texts = [re.escape(t("present.following", lang, n="@N@", total="@T@")) for lang in LANGUAGES]
    return re.compile("|".join(x.replace("@N@", r"(\d+)").replace("@T@", r"\d+") for x in texts))


def presenter(data_dir: str) -> tuple[object, object]:
    """An engine on the server's store and an organizer, to move the projector as the console does."""
    from data_access.core.actors import ORGANIZER, Actor
    from data_access.core.settings import get_settings
    from data_access.core.store import engine_for

    return engine_for(get_settings({**os.environ, "ENCUENTRO_DATA_DIR": data_dir})), Actor("bench", ORGANIZER)


def window(monitor: ProcMonitor, stats: Stats, before: dict[str, float], polls: int, runs: int) -> dict:
    """Server CPU over a quiet window: per poll, per second, and the script runs in it."""
    after, seconds = monitor.sample(), (time.perf_counter() - before["at"])
    cpu, polls = after["cpu_ms"] - before["cpu_ms"], stats.counts["polls"] - polls
    figures = {
        "seconds": round(seconds, 1),
        "polls": polls,
        "script_runs": stats.counts["runs_finished"] - runs,
    }
    per_poll = round(cpu / polls, 2) if polls else None
    return figures | {
        "cpu_ms": round(cpu, 1),
        "cpu_ms_per_poll": per_poll,
        "cpu_pct": round(cpu / seconds / 10, 1),
    }


async def move_slides(engine: object, actor: object, count: int, advances: int, every: float) -> list:
    """The presenter: ADVANCES moves EVERY s apart, as the console's Next does; [(time, slide)]."""
    from data_access.meeting.deck import set_presenter_state

    moves = []
    for k in range(1, advances + 1):
        if k > 1:
            await asyncio.sleep(every)
        moves.append((time.perf_counter(), k % count))
        await asyncio.to_thread(set_presenter_state, engine=engine, actor=actor, slide=k % count, paused=True)
    return moves


async def until_shown(seen: list[list[tuple[float, int]]], at: float, slide: int) -> None:
    """Wait (at most SHOWN_WITHIN_S) until every follower that loaded drew SLIDE after AT."""
    waiting = [tab for tab in seen if tab]
    while waiting and time.perf_counter() < at + SHOWN_WITHIN_S:
        waiting = [tab for tab in waiting if not any(t >= at and s == slide for t, s in tab)]
        await asyncio.sleep(0.2)


def shown_after(moves: list[tuple[float, int]], seen: list[list[tuple[float, int]]]) -> dict:
    """Advance -> shown per follower: percentiles (ms), and how many saw each slide within 30 s."""
    delays, got = [], []
    for at, slide in moves:
        times = [next((t - at for t, s in tab if s == slide and t >= at), None) for tab in seen]
        delays += [1000 * d for d in times if d is not None and d <= SHOWN_WITHIN_S]
        got.append(sum(d is not None and d <= SHOWN_WITHIN_S for d in times))
    return {"advance_to_shown_ms": percentiles(delays), "followers_per_advance": got, "advances": len(moves)}


def summary(report: dict) -> str:
    """A few lines for a person: latencies, errors, throughput, server (each process too) and client cost."""
    srv, sessions = report["server"], f"{report.get('loaded')}/{report['sessions']} sessions loaded"
    k = report.get("processes", 1)
    lines = [f"{report['scenario']}: {sessions}, processes {k}, {report['elapsed_s']} s"]
    for kind, p in report["latency_ms"].items():
        lines.append(f"  {kind:<8} n={p['n']:<5} p50={p.get('p50')} p95={p.get('p95')} p99={p.get('p99')} ms")
    extra = ("advance_to_shown_ms", "followers_per_advance", "quiet_window", "actions", "load_ms", "rerun_ms")
    lines += [f"  {key}: {report[key]}" for key in extra if key in report]
    lines += [
        f"  errors: {report['errors'] or 'none'}",
        f"  reruns/s {report['reruns_per_s']}, script runs/s {report['script_runs_per_s']}",
        f"  server{' (sum)' if k > 1 else ''}: {srv['cpu_ms_per_run']} ms CPU/run, RSS MiB {srv['rss_mib']}, "
        f"{srv['rss_growth_per_session_mib']} MiB/session, threads {srv['threads']}",
    ]
    lines += [
        f"    pid {row['pid']} {row['url']}: {row['tabs']} tabs, {row['script_runs']} runs, "
        f"{row['cpu_ms_per_run']} ms CPU/run, RSS MiB {row['rss_mib']}, threads {row['threads']}"
        for row in (srv.get("per_process", []) if k > 1 else [])
    ]
    lines.append(f"  loadavg {report['loadavg']}, client CPU {report['client']['cpu_pct']} % of a core")
    return "\n".join(lines)
