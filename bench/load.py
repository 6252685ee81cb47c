"""Load tests of Encuentro over Streamlit's own websocket protocol (bench/loadproto.py), loopback only.

delegates: N tabs arrive within --arrive s, open / then /compare, then every THINK*U(0.5,1.5) s
change a filter, the chart type or open /country. followers: N phones on /present?follow=1 while
the presenter advances every --advance s. probe: one page, a few reruns, to set beside a browser.
Without --url, --processes servers (default 1) are started on --data-dir (seeded when empty) with
bench.server.serve; --url takes a comma-separated list. Tabs go round-robin to the processes and stay
there (sticky sessions behind a proxy), their live-route polls too; server figures are summed.

  python bench/load.py delegates --data-dir /tmp/lt -n 25 --think 5 --duration 60 --out d.json
  python bench/load.py delegates --data-dir /tmp/lt --processes 2 -n 100 --out d2.json
  python bench/load.py followers --data-dir /tmp/lt -n 50 --advance 20 --advances 3 --out f.json
  python bench/load.py probe --url http://127.0.0.1:8501 --page compare --widget compare_subject
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import websockets

from bench import loadserve
from bench import loadtools as tools
from bench.loadproto import Session
from bench.loadserve import ProcMonitor
from bench.loadtools import Arrivals, Stats

COMPARE_QUERY = "chart=ranking&indicator=score_mean&grade=6&subject=reading&group=total"
FILTERS = ("compare_subject", "compare_grade", "compare_year", "compare_indicator", "compare_group")
CONNECT_ERRORS = (OSError, TimeoutError, websockets.WebSocketException)
COUNTRIES = ("PER", "CHL", "MEX", "BRA", "COL", "URY", "ARG", "ECU", "GTM", "PRY")


@dataclass
class LoadConfig:
    """One run: the scenario, where, how many tabs, and for how long."""

    scenario: str = "delegates"  # delegates, followers or probe
    url: str = ""  # running servers on loopback, comma-separated; empty: start them on data_dir
    processes: int = 1  # app processes; tabs go to them round-robin and stay (with url: one per URL)
    data_dir: str = ""  # the store (followers move its presenter)
    sessions: int = 10
    arrive: float = 10.0  # every tab arrives within this many seconds
    ramp: bool = False  # evenly spaced arrivals instead of a random burst
    think: float = 5.0
    duration: float = 60.0  # delegates: wall clock from the first arrival to the last action
    advance: float = 20.0  # followers: seconds between advances (and of the quiet window first)
    advances: int = 3
    page: str = "compare"  # probe: the page, its query, the widget key changed, how often
    query: str = COMPARE_QUERY
    widget: str = "compare_subject"
    reruns: int = 10
    seed: int = 1
    timeout: float = 30.0
    max_actions: int = 1000
    warmup: bool = True  # one tab opens / and /compare first, so imports are not measured
    server_pid: int = 0  # 0: found by the server's --server.port
    nginx: bool = False  # start the processes behind nginx (bench/cluster.py); tabs go through it
    out: str = ""


def pick(session: Session, keys: tuple[str, ...], rng: random.Random) -> tuple[str, str] | None:
    """One of KEYS drawn on the page (each as likely) and another of its options (a label), or None."""
    choices = {}
    for key in keys:
        widget = session.widgets.get(key)
        if widget is None or widget.DESCRIPTOR.name not in ("Selectbox", "ButtonGroup"):
            continue
        labels = [getattr(option, "content", option) for option in widget.options]
        current = {widget.raw_value} if widget.DESCRIPTOR.name == "Selectbox" else set(widget.raw_values)
        if not current and len(widget.default):
            current = {labels[i] for i in widget.default}
        choices[key] = [label for label in labels if label not in current]
    keys = sorted(key for key, labels in choices.items() if labels)
    key = rng.choice(keys) if keys else None
    return (key, rng.choice(choices[key])) if key else None


async def act(session: Session, rng: random.Random, memory: dict[str, str], stats: Stats) -> None:
    """One delegate's click: a filter, the chart type, or another page and back."""
    roll = rng.random()
    if session.path == "country":
        change = pick(session, ("country_choice",), rng) if roll < 0.5 else None
        if change is None:
            await session.navigate("compare", memory.get("compare", COMPARE_QUERY))
            stats.counts["act_back_to_compare"] += 1
            return
    elif roll < 0.85:
        change = pick(session, FILTERS if roll < 0.6 else ("compare_chart",), rng)
    else:
        memory["compare"] = session.query
        await session.navigate("country", f"country={rng.choice(COUNTRIES)}")
        stats.counts["act_open_country"] += 1
        return
    if change is not None:
        stats.counts[f"act_{change[0]}"] += 1
        await session.change(*change)


async def delegate(
    cfg: LoadConfig, url: str, stats: Stats, rng: random.Random, start: float, arrivals: Arrivals
) -> None:
    """One delegate: arrives at START, opens / and /compare, then acts until the deadline."""
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    session, loaded, memory = Session(url, stats, cfg.timeout), False, {}
    try:
        stats.latency["connect"].append(await session.open())
        loaded = await session.load("") is not None
        loaded = loaded and await session.navigate("compare", COMPARE_QUERY) is not None
    except CONNECT_ERRORS as exc:
        stats.error("connect", repr(exc))
    arrivals.add(loaded)
    deadline = arrivals.started + cfg.duration
    for _ in range(cfg.max_actions if loaded else 0):
        pause = cfg.think * rng.uniform(0.5, 1.5)
        if session.ended or time.perf_counter() + pause > deadline:
            break
        await asyncio.sleep(pause)
        await act(session, rng, memory, stats)
    await session.close()


async def delegates(cfg: LoadConfig, urls: list[str], stats: Stats, monitor: ProcMonitor) -> dict:
    """The delegates scenario; returns its own part of the report."""
    rng, arrivals = random.Random(cfg.seed), Arrivals(cfg.sessions, monitor)
    times = tools.arrival_times(cfg.sessions, cfg.arrive, cfg.ramp, rng, arrivals.started)
    tabs = [
        delegate(cfg, url, stats, random.Random(rng.random()), at, arrivals)
        for url, at in zip(loadserve.sticky(urls, cfg.sessions), times, strict=True)
    ]
    await asyncio.gather(*tabs)
    actions = {k[4:]: v for k, v in sorted(stats.counts.items()) if k.startswith("act_")}
    return {"loaded": arrivals.ok, "all_loaded": arrivals.sample, "actions": actions}


async def follower(
    cfg: LoadConfig, url: str, stats: Stats, start: float, arrivals: Arrivals, shown: list[tuple[float, int]]
) -> Session:
    """One phone opens /present?follow=1 at START; SHOWN gets (time, slide index) at each slide it draws."""
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    session, pattern = Session(url, stats, cfg.timeout), tools.slide_pattern()

    def on_text(body: str) -> None:
        found = pattern.search(body)
        slide = int(next(g for g in found.groups() if g)) - 1 if found else None
        if slide is not None and (not shown or slide != shown[-1][1]):
            shown.append((time.perf_counter(), slide))

    session.on_text, loaded = on_text, False
    try:
        stats.latency["connect"].append(await session.open())
        loaded = await session.load("present", "follow=1") is not None and bool(shown)
    except CONNECT_ERRORS as exc:
        stats.error("connect", repr(exc))
    arrivals.add(loaded)
    return session


async def followers(cfg: LoadConfig, urls: list[str], stats: Stats, monitor: ProcMonitor) -> dict:
    """The followers scenario: arrivals, a quiet window, then the advances; its part of the report."""
    from data_access.meeting.deck import get_deck, set_presenter_state

    engine, actor = tools.presenter(cfg.data_dir)
    count = len(get_deck(engine))
    set_presenter_state(engine=engine, actor=actor, slide=0, paused=True)
    arrivals, seen = Arrivals(cfg.sessions, monitor), [[] for _ in range(cfg.sessions)]
    times = tools.arrival_times(cfg.sessions, cfg.arrive, cfg.ramp, random.Random(cfg.seed), arrivals.started)
    where = zip(loadserve.sticky(urls, cfg.sessions), times, seen, strict=True)
    sessions = await asyncio.gather(*(follower(cfg, url, stats, at, arrivals, tab) for url, at, tab in where))
    await asyncio.sleep(1.0)
    quiet = {**monitor.sample(), "at": time.perf_counter()}
    polls, runs = stats.counts["polls"], stats.counts["runs_finished"]
    await asyncio.sleep(cfg.advance)
    quiet = tools.window(monitor, stats, quiet, polls, runs)
    moves = await tools.move_slides(engine, actor, count, cfg.advances, cfg.advance)
    if moves:
        await tools.until_shown(seen, *moves[-1])
    await asyncio.gather(*(session.close() for session in sessions))
    engine.dispose()
    report = {"loaded": arrivals.ok, "all_loaded": arrivals.sample, "slides": count, "quiet_window": quiet}
    return report | tools.shown_after(moves, seen)


async def probe(cfg: LoadConfig, urls: list[str], stats: Stats, monitor: ProcMonitor) -> dict:
    """One tab on cfg.page (of the first server): its load, then cfg.reruns changes of cfg.widget."""
    session, rng = Session(urls[0], stats, cfg.timeout), random.Random(cfg.seed)
    await session.open()
    load_ms, reruns = await session.load(cfg.page, cfg.query), []
    for _ in range(cfg.reruns if load_ms is not None else 0):
        await asyncio.sleep(cfg.think)
        change = pick(session, (cfg.widget,), rng)
        if change is None:
            stats.error("probe_no_widget", cfg.widget)
            break
        reruns.append(await session.change(*change))
    await session.close()
    return {"sessions": 1, "loaded": int(load_ms is not None), "load_ms": load_ms, "rerun_ms": reruns}


SCENARIOS = {"delegates": delegates, "followers": followers, "probe": probe}


async def warm_up(url: str, timeout: float) -> None:
    """One tab opens / and /compare and changes a filter, so first imports are not measured."""
    session = Session(url, Stats(), timeout)
    await session.open()
    if await session.load("") is not None and await session.navigate("compare", COMPARE_QUERY) is not None:
        change = pick(session, FILTERS, random.Random(0))
        if change:
            await session.change(*change)
    await session.close()


async def measure(cfg: LoadConfig, urls: list[str], pids: list[int]) -> dict:
    """Run the scenario between samples of the servers, the client and the machine; the report."""
    if cfg.warmup:
        await asyncio.gather(*(warm_up(url, cfg.timeout) for url in urls))
    stats, monitor = Stats(), ProcMonitor(pids)
    start, load_before, client = monitor.sample(), loadserve.loadavg(), os.times()
    sampler, started = asyncio.ensure_future(monitor.run()), time.perf_counter()
    part = await SCENARIOS[cfg.scenario](cfg, urls, stats, monitor)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(2.0)  # what closed tabs held is let go
    sampler.cancel()
    end, used = monitor.sample(), os.times()
    client_s = used.user + used.system - client.user - client.system
    reruns = sum(len(stats.latency.get(k, ())) for k in ("load", "nav", "action", "trigger", "auto"))
    sessions = part.get("sessions", cfg.sessions)
    return {
        "scenario": cfg.scenario,
        "config": asdict(cfg),
        "url": ",".join(urls),
        "processes": cfg.processes if cfg.nginx else len(urls),
        "behind_nginx": cfg.nginx,
        "elapsed_s": round(elapsed, 1),
        "sessions": cfg.sessions,
        **part,
        "latency_ms": {k: tools.percentiles(v) for k, v in stats.latency.items()},
        "errors": dict(stats.errors),
        "error_samples": stats.samples,
        "counts": dict(stats.counts),
        "reruns_per_s": round(reruns / elapsed, 2),
        "script_runs_per_s": round(stats.counts["runs_finished"] / elapsed, 2),
        "server": loadserve.server_figures(monitor, start, end, stats, part, urls, sessions),
        "loadavg": {"before": load_before, "after": loadserve.loadavg()},
        "client": {"cpu_s": round(client_s, 2), "cpu_pct": round(100 * client_s / elapsed, 1)},
    }


def run_load(cfg: LoadConfig) -> dict:
    """Run CFG's scenario (starting cfg.processes servers without cfg.url); the report, also in cfg.out."""
    if cfg.scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {cfg.scenario!r}")
    if not cfg.data_dir and (cfg.scenario == "followers" or not cfg.url):
        raise ValueError("--data-dir is needed: the store to serve, and the one the presenter moves")
    phases = cfg.arrive + cfg.duration + (cfg.advances + 1) * cfg.advance + cfg.reruns * cfg.think
    limit = phases + 4 * cfg.timeout + 60
    if cfg.nginx:  # one URL, nginx's; the server CPU is the app processes' behind it
        from bench.cluster import cluster

        with cluster(loadserve.seeded_env(cfg.data_dir), cfg.processes) as running:
            report = asyncio.run(asyncio.wait_for(measure(cfg, [running["url"]], running["pids"]), limit))
    else:
        with loadserve.servers(cfg.url, cfg.data_dir, cfg.processes) as urls:  # nothing outlives its phases
            pids = loadserve.server_pids(urls, cfg.server_pid)
            report = asyncio.run(asyncio.wait_for(measure(cfg, urls, pids), limit))
    if cfg.out:
        Path(cfg.out).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


def parse_args(argv: list[str] | None) -> LoadConfig:
    """LoadConfig from the command line: every field is an option (--data-dir, -n/--sessions, ...)."""
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    defaults = LoadConfig()
    for f in fields(LoadConfig)[1:]:
        names = [f"--{f.name.replace('_', '-')}", *(["-n"] if f.name == "sessions" else [])]
        value = getattr(defaults, f.name)
        if isinstance(value, bool):
            parser.add_argument(*names, action=argparse.BooleanOptionalAction, default=value)
        else:
            parser.add_argument(*names, type=type(value), default=value, help=f"default {value!r}")
    return LoadConfig(**vars(parser.parse_args(argv)))


def main(argv: list[str] | None = None) -> int:
    """Run one scenario from the command line; exit 1 when any error was counted."""
    report = run_load(parse_args(argv))
    print(tools.summary(report))
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
