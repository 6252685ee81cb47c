"""Benchmark: publish-to-visible latency. A browser keeps the overview open while a coordinator's
new version is published through the command line; how long until the page shows it, with no
reload? The page polls the data version every ENCUENTRO_REFRESH_S seconds, so the figure to
compare against is that interval (ratio = latency / interval, measured in the same run).
With --load N, N protocol delegates (bench/load.py) act every 5 s on the same server meanwhile;
with --processes K, K app processes share the store, the delegates spread over them (as sticky
sessions behind a proxy would) and the browser watches the first.

    .venv/bin/python bench/visibility.py [--runs 7] [--refresh 5] [--load 100 --gap 30] [--processes 2]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench.load import LoadConfig, run_load  # noqa: E402
from bench.results import record  # noqa: E402
from bench.server import CHROMIUM_ARGS, READY, serve  # noqa: E402

SAMPLE = ROOT / "sample_data" / "results" / "PER.xlsx"


def changed_workbook(folder: Path, step: int) -> Path:
    """PER's sample workbook with its first value nudged, so each publish is a new version."""
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book.worksheets[0]
    header_row = next(r for r in range(1, 10) if "valor" in [c.value for c in sheet[r]])
    column = [c.value for c in sheet[header_row]].index("valor") + 1
    cell = sheet.cell(row=header_row + 1, column=column)
    cell.value = float(cell.value) + step / 100
    buffer = io.BytesIO()
    book.save(buffer)
    path = folder / f"PER-{step}.xlsx"
    path.write_bytes(buffer.getvalue())
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--refresh", type=int, default=5)
    parser.add_argument("--load", type=int, default=0, help="delegates acting meanwhile (bench/load.py)")
    parser.add_argument("--gap", type=float, default=0, help="least seconds between publishes")
    parser.add_argument("--processes", type=int, default=1, help="app processes sharing the store")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {"ENCUENTRO_DATA_DIR": str(folder / "data"), "ENCUENTRO_REFRESH_S": str(args.refresh)}
        run_env = {**os.environ, **env}
        subprocess.run(
            [sys.executable, "manage.py", "seed"], cwd=ROOT, env=run_env, check=True, capture_output=True
        )
        publish, visible = [], []
        with contextlib.ExitStack() as stack, sync_playwright() as pw:
            urls = [stack.enter_context(serve(env)) for _ in range(args.processes)]
            url = urls[0]
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            seconds = args.runs * (args.refresh * 2 + args.gap) + 30
            load = background_load(",".join(urls), folder / "data", args.load, seconds)
            page.goto(url + "/?lang=en")
            page.wait_for_selector(READY)
            rng = random.Random(42)
            for step in range(1, args.runs + 1):
                path = changed_workbook(folder, step)
                time.sleep(args.gap + rng.uniform(0, args.refresh))  # anywhere between two polls
                start = time.perf_counter()
                cmd = [sys.executable, "manage.py", "import", str(path), "--country", "PER"]
                subprocess.run(cmd, cwd=ROOT, env=run_env, check=True, capture_output=True)
                done = time.perf_counter()
                expected = f"Peru published version {step + 1}"
                page.wait_for_function(
                    "t => document.body.innerText.includes(t)", arg=expected, timeout=60_000
                )
                visible.append(time.perf_counter() - done)
                publish.append(done - start)
            browser.close()
            load_lines = finish_load(load)
    cli, seen = statistics.median(publish), statistics.median(visible)
    lines = [
        f"- runs: {args.runs}, at least {args.gap:.0f} s apart; page polls every {args.refresh} s "
        f"(ENCUENTRO_REFRESH_S); {args.processes} app process(es)",
        f"- publish through `manage.py import` (process start to exit): {cli:.2f} s (median)",
        f"- publish finished -> new version on the open overview, no reload: {seen:.2f} s "
        f"(median; min {min(visible):.2f}, max {max(visible):.2f})",
        f"- **latency / poll interval = {seen / args.refresh:.2f}** (expected about 0.5: "
        "a publish lands on average half an interval before the next poll)",
        *load_lines,
    ]
    print("\n".join(lines))
    record("visibility", "bench/visibility.py: publish-to-visible latency on the overview", lines)


def background_load(url: str, data_dir: Path, sessions: int, seconds: float) -> dict:
    """N delegates acting on URL in a thread for SECONDS; returns the holder of their report."""
    holder: dict = {"sessions": sessions}
    if sessions:
        cfg = LoadConfig("delegates", url=url, data_dir=str(data_dir), sessions=sessions, duration=seconds)
        holder["thread"] = threading.Thread(target=lambda: holder.update(report=run_load(cfg)), daemon=True)
        holder["thread"].start()
        time.sleep(cfg.arrive + 5)  # everyone has arrived and is acting
    return holder


def finish_load(holder: dict) -> list[str]:
    """Wait for the background delegates; one line on how they fared."""
    if not holder["sessions"]:
        return ["- no other load on the server"]
    holder["thread"].join()
    report = holder["report"]
    action = report["latency_ms"].get("action", {})
    return [
        f"- meanwhile {holder['sessions']} protocol delegates acted every 5 s (bench/load.py): action "
        f"p50/p95 {action.get('p50')}/{action.get('p95')} ms, errors {report['errors'] or 'none'}"
    ]


if __name__ == "__main__":
    main()
