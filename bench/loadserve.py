"""The servers a load test talks to (bench/load.py): one or K app processes on one store, as behind a
reverse proxy with sticky sessions, each found by its port; their CPU, RSS and threads from /proc,
summed and per process, and the server part of the report. Loopback only.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bench.loadtools import Stats

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = ("127.0.0.1", "localhost", "::1")
FIGURES = ("cpu_ms", "rss_mib", "threads")


def check_loopback(url: str) -> tuple[str, int]:
    """(host, port) of URL; anything but this machine's loopback is refused."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK or parts.port is None:
        raise ValueError(f"load tests only go to 127.0.0.1/localhost/::1 with a port, not {url!r}")
    return parts.hostname, parts.port


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


def server_pids(urls: list[str], given: int = 0) -> list[int]:
    """The pid serving each of URLS, found by its port; GIVEN (not 0) stands for a lone server's."""
    if given and len(urls) > 1:
        raise ValueError("--server-pid names one server; several are found by their ports")
    return [given] if given else [find_server_pid(check_loopback(url)[1]) for url in urls]


def sticky(urls: list[str], n: int) -> list[str]:
    """The server of each of N tabs, by tab index: round-robin, and a tab stays on its server."""
    return [urls[i % len(urls)] for i in range(n)]


def read_proc(pid: int) -> dict[str, float]:
    """CPU ms used so far, RSS MiB and threads of PID now (zeros when the pid is unknown or gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
        rss, threads = int(status["VmRSS"].split()[0]) / 1024, int(status["Threads"])
    except (OSError, IndexError, KeyError, ValueError):
        return {"cpu_ms": 0.0, "rss_mib": 0.0, "threads": 0}
    cpu = (int(stat[11]) + int(stat[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    return {"cpu_ms": cpu, "rss_mib": rss, "threads": threads}


class ProcMonitor:
    """CPU, RSS and threads of the server process(es), from /proc: summed, each, and the peaks seen."""

    def __init__(self, pids: int | list[int]) -> None:
        self.pids = [pids] if isinstance(pids, int) else list(pids)
        self.pid = self.pids[0] if self.pids else 0
        self.peak_rss, self.peak_threads = 0.0, 0  # of the sums over the processes
        self.peaks = [(0.0, 0)] * len(self.pids)  # (RSS MiB, threads) of each process

    def sample(self) -> dict:
        """Sums over the processes (CPU ms so far, RSS MiB, threads); with several, each under "each"."""
        each = [read_proc(pid) for pid in self.pids]
        total = {key: sum(one[key] for one in each) for key in FIGURES}
        total["rss_mib"] = round(total["rss_mib"], 1)
        self.peak_rss, self.peak_threads = (
            max(self.peak_rss, total["rss_mib"]),
            max(self.peak_threads, total["threads"]),
        )
        pairs = zip(self.peaks, each, strict=True)
        self.peaks = [(max(rss, one["rss_mib"]), max(n, one["threads"])) for (rss, n), one in pairs]
        if len(each) < 2:
            return total
        return total | {"each": [one | {"rss_mib": round(one["rss_mib"], 1)} for one in each]}

    async def run(self) -> None:
        """Sample every half second until cancelled."""
        while True:
            self.sample()
            await asyncio.sleep(0.5)


def loadavg() -> list[float]:
    """The 1, 5 and 15 minute load averages of this machine."""
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def seeded_env(data_dir: str) -> dict[str, str]:
    """The servers' environment on DATA_DIR's store, seeded with the sample meeting when it has none."""
    env = {"ENCUENTRO_DATA_DIR": str(Path(data_dir).resolve())}
    if not (Path(data_dir) / "encuentro.db").exists():
        seed = [sys.executable, "manage.py", "seed"]
        subprocess.run(seed, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    return env


@contextmanager
def servers(url: str, data_dir: str, processes: int = 1) -> Iterator[list[str]]:
    """The loopback URLs in URL (comma-separated), else PROCESSES servers started on DATA_DIR's store."""
    if processes < 1:
        raise ValueError(f"--processes must be at least 1, not {processes}")
    if url:
        urls = [part.strip().rstrip("/") for part in url.split(",") if part.strip()]
        for each in urls:
            check_loopback(each)
        if not urls or len(set(urls)) < len(urls) or processes not in (1, len(urls)):
            raise ValueError(f"--url needs distinct URLs, as many as --processes ({processes}): {url!r}")
        yield urls
        return
    from bench.server import serve

    env = seeded_env(data_dir)
    with ExitStack() as stack:  # each on its own free port; all stopped when the block ends
        yield [stack.enter_context(serve(env)) for _ in range(processes)]


@contextmanager
def server(url: str, data_dir: str) -> Iterator[str]:
    """URL if given, else a server started on DATA_DIR (seeded with the sample meeting first)."""
    with servers(url.split(",")[0] if url else "", data_dir) as urls:
        yield urls[0]


def per_process(monitor: ProcMonitor, start: dict, end: dict, stats: Stats, urls: list[str], n: int) -> list:
    """Each server: pid, URL, tabs (round-robin), script runs, CPU, RSS and threads start/peak/end."""
    rows, firsts, lasts, tabs = [], start.get("each", [start]), end.get("each", [end]), sticky(urls, n)
    if len(urls) != len(monitor.pids):  # behind nginx: which process ran what is nginx's choice
        urls = [""] * len(monitor.pids)
    places = zip(monitor.pids, urls, firsts, lasts, monitor.peaks, strict=True)
    for pid, url, first, last, (rss, threads) in places:
        cpu, runs = last["cpu_ms"] - first["cpu_ms"], stats.by_url.get(url, 0)
        row = {"pid": pid, "url": url, "tabs": tabs.count(url), "script_runs": runs}
        row |= {"cpu_ms": round(cpu, 1), "cpu_ms_per_run": round(cpu / runs, 1) if runs else None}
        row["rss_mib"] = {"start": first["rss_mib"], "peak": round(rss, 1), "end": last["rss_mib"]}
        row["threads"] = {"start": first["threads"], "peak": threads, "end": last["threads"]}
        rows.append(row)
    return rows


def server_figures(
    monitor: ProcMonitor, start: dict, end: dict, stats: Stats, part: dict, urls: list[str], n: int
) -> dict:
    """Server CPU per script run, RSS start/all loaded/peak/end and per tab, threads: summed, then each."""
    cpu, runs = end["cpu_ms"] - start["cpu_ms"], stats.counts["runs_finished"]
    loaded = part.get("all_loaded") or {}
    growth = round((loaded["rss_mib"] - start["rss_mib"]) / n, 3) if loaded and n else None
    rss = [start["rss_mib"], loaded.get("rss_mib"), round(monitor.peak_rss, 1), end["rss_mib"]]
    figures = {"pid": monitor.pid, "pids": monitor.pids, "cpu_ms": round(cpu, 1), "script_runs": runs}
    figures["cpu_ms_per_run"] = round(cpu / runs, 1) if runs else None
    figures["rss_mib"] = dict(zip(("start", "all_loaded", "peak", "end"), rss, strict=True))
    figures["rss_growth_per_session_mib"] = growth
    figures["threads"] = {"start": start["threads"], "peak": monitor.peak_threads, "end": end["threads"]}
    figures["per_process"] = per_process(monitor, start, end, stats, urls, n)
    return figures
