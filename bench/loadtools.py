"""Tools of the load tests (bench/load.py, bench/loadproto.py): the server to test, shared counters,
its CPU/RSS/threads from /proc, percentiles and summaries, keep-alive HTTP and the live watcher's
state, and the presenter's side (moving the projector, reading the follower's slide). Loopback only.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = ("127.0.0.1", "localhost", "::1")
SHOWN_WITHIN_S = 30.0
NET_ERRORS = (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError)


def check_loopback(url: str) -> tuple[str, int]:
    """(host, port) of URL; anything but this machine's loopback is refused."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK or parts.port is None:
        raise ValueError(f"load tests only go to 127.0.0.1/localhost/::1 with a port, not {url!r}")
    return parts.hostname, parts.port


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
    samples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str = "") -> None:
        """Count an error of KIND; keep the first few details."""
        self.errors[kind] += 1
        if detail and len(self.samples) < 10:
            self.samples.append(f"{kind}: {detail[:300]}")


class ProcMonitor:
    """CPU, RSS and threads of the server process, from /proc, with the peaks seen."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_rss, self.peak_threads = pid, 0.0, 0

    def sample(self) -> dict[str, float]:
        """CPU ms used so far, RSS MiB and threads now (zeros when the pid is unknown)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
            status = dict(
                line.split(":", 1) for line in Path(f"/proc/{self.pid}/status").read_text().splitlines()
            )
        except (OSError, IndexError):
            return {"cpu_ms": 0.0, "rss_mib": 0.0, "threads": 0}
        cpu = (int(stat[11]) + int(stat[12])) * 1000 / os.sysconf("SC_CLK_TCK")
        rss, threads = int(status["VmRSS"].split()[0]) / 1024, int(status["Threads"])
        self.peak_rss, self.peak_threads = max(self.peak_rss, rss), max(self.peak_threads, threads)
        return {"cpu_ms": cpu, "rss_mib": round(rss, 1), "threads": threads}

    async def run(self) -> None:
        """Sample every half second until cancelled."""
        while True:
            self.sample()
            await asyncio.sleep(0.5)


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


def find_server_pid(port: int) -> int:
    """The pid of the process started with --server.port PORT, or 0."""
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        for i, arg in enumerate(args[:-1]):
            if arg == b"--server.port" and args[i + 1] == str(port).encode() and proc.name.isdigit():
                return int(proc.name)
    return 0


def percentiles(values: list[float]) -> dict[str, float]:
    """n, p50, p95, p99 and max of VALUES (ms), nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return {"n": 0}
    at = {q: round(ordered[min(len(ordered) - 1, int(q * len(ordered) / 100))], 1) for q in (50, 95, 99)}
    return {"n": len(ordered), "p50": at[50], "p95": at[95], "p99": at[99], "max": round(ordered[-1], 1)}


def loadavg() -> list[float]:
    """The 1, 5 and 15 minute load averages of this machine."""
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def arrival_times(n: int, within: float, ramp: bool, rng: random.Random, start: float) -> list[float]:
    """When each of N tabs arrives: a random burst WITHIN s of START, or an even RAMP."""
    if ramp:
        return [start + i * within / n for i in range(n)]
    return sorted(start + rng.uniform(0, within) for _ in range(n))


class Watcher:
    """A live watcher element: DATA is its {url, every_ms, watch, seen[, rerun_in_ms]}; DUE its next tick."""

    def __init__(self, element_id: str, fragment_id: str, data: dict) -> None:
        self.id, self.fragment_id, self.data, self.quiet_until = element_id, fragment_id, data, 0.0
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
    from data_access.i18n import t
    from data_access.settings import LANGUAGES

    texts = [re.escape(t("present.following", lang, n="@N@", total="@T@")) for lang in LANGUAGES]
    return re.compile("|".join(x.replace("@N@", r"(\d+)").replace("@T@", r"\d+") for x in texts))


def presenter(data_dir: str) -> tuple[object, object]:
    """An engine on the server's store and an organizer, to move the projector as the console does."""
    from data_access.actors import ORGANIZER, Actor
    from data_access.settings import get_settings
    from data_access.store import engine_for

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
    from data_access.deck import set_presenter_state

    moves = []
    for k in range(1, advances + 1):
        if k > 1:
            await asyncio.sleep(every)
        moves.append((time.perf_counter(), k % count))
        await asyncio.to_thread(set_presenter_state, engine=engine, actor=actor, slide=k % count, paused=True)
    return moves


def shown_after(moves: list[tuple[float, int]], seen: list[list[tuple[float, int]]]) -> dict:
    """Advance -> shown per follower: percentiles (ms), and how many saw each slide within 30 s."""
    delays, got = [], []
    for at, slide in moves:
        times = [next((t - at for t, s in tab if s == slide and t >= at), None) for tab in seen]
        delays += [1000 * d for d in times if d is not None and d <= SHOWN_WITHIN_S]
        got.append(sum(d is not None and d <= SHOWN_WITHIN_S for d in times))
    return {"advance_to_shown_ms": percentiles(delays), "followers_per_advance": got, "advances": len(moves)}


def server_figures(monitor: ProcMonitor, start: dict, end: dict, stats: Stats, part: dict, n: int) -> dict:
    """Server CPU per script run, RSS start/all loaded/peak/end and growth per tab, threads."""
    cpu, runs = end["cpu_ms"] - start["cpu_ms"], stats.counts["runs_finished"]
    loaded = part.get("all_loaded") or {}
    growth = round((loaded["rss_mib"] - start["rss_mib"]) / n, 3) if loaded and n else None
    rss = [start["rss_mib"], loaded.get("rss_mib"), round(monitor.peak_rss, 1), end["rss_mib"]]
    figures = {"pid": monitor.pid, "cpu_ms": round(cpu, 1), "script_runs": runs}
    figures["cpu_ms_per_run"] = round(cpu / runs, 1) if runs else None
    figures["rss_mib"] = dict(zip(("start", "all_loaded", "peak", "end"), rss, strict=True))
    figures["rss_growth_per_session_mib"] = growth
    figures["threads"] = {"start": start["threads"], "peak": monitor.peak_threads, "end": end["threads"]}
    return figures


def summary(report: dict) -> str:
    """A few lines for a person: latencies, errors, throughput, server and client cost."""
    srv, sessions = report["server"], f"{report.get('loaded')}/{report['sessions']} sessions loaded"
    lines = [f"{report['scenario']}: {sessions}, {report['elapsed_s']} s"]
    for kind, p in report["latency_ms"].items():
        lines.append(f"  {kind:<8} n={p['n']:<5} p50={p.get('p50')} p95={p.get('p95')} p99={p.get('p99')} ms")
    extra = ("advance_to_shown_ms", "followers_per_advance", "quiet_window", "actions", "load_ms", "rerun_ms")
    lines += [f"  {key}: {report[key]}" for key in extra if key in report]
    lines += [
        f"  errors: {report['errors'] or 'none'}",
        f"  reruns/s {report['reruns_per_s']}, script runs/s {report['script_runs_per_s']}",
        f"  server: {srv['cpu_ms_per_run']} ms CPU/run, RSS MiB {srv['rss_mib']}, "
        f"{srv['rss_growth_per_session_mib']} MiB/session, threads {srv['threads']}",
        f"  loadavg {report['loadavg']}, client CPU {report['client']['cpu_pct']} % of a core",
    ]
    return "\n".join(lines)


@contextmanager
def server(url: str, data_dir: str) -> Iterator[str]:
    """URL if given, else a server started on DATA_DIR (seeded with the sample meeting first)."""
    if url:
        check_loopback(url)
        yield url.rstrip("/")
        return
    from bench.server import serve

    env = {"ENCUENTRO_DATA_DIR": str(Path(data_dir).resolve())}
    if not (Path(data_dir) / "encuentro.db").exists():
        seed = [sys.executable, "manage.py", "seed"]
        subprocess.run(seed, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    with serve(env) as served:
        yield served
