"""Reliability drills, bounded in time: a login flood while a coordinator publishes; the workbook
reader outliving its parent.

Layer: tests (unit). A real SQLite store, real argon2 hashes, real workbooks through import_file,
threads standing in for the browser tabs of an attacker on the meeting's wifi.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from result_workbooks import results_xlsx, row

from data_access import accounts
from data_access.actors import CLI_ACTOR, COORDINATOR, ORGANIZER
from data_access.errors import InvalidCredentials
from data_access.imports import import_file
from data_access.versions import list_versions

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
FLOOD_THREADS = 4
PUBLISHES = 5


def test_a_login_flood_never_blocks_a_publish_nor_shows_an_error(engine, settings) -> None:
    """Four tabs submit wrong logins without pause (existing and unknown names, from one address and
    from ever-new ones, so many attempts are really hashed) while five publishes go through."""
    accounts.create_user(
        engine=engine, actor=CLI_ACTOR, username="organizer", password=PASSWORD, role=ORGANIZER
    )
    accounts.create_user(
        engine=engine,
        actor=CLI_ACTOR,
        username="coord_per",
        password=PASSWORD,
        role=COORDINATOR,
        country_iso3="PER",
    )
    stop, unexpected, attempts = threading.Event(), [], [0] * FLOOD_THREADS

    def flood(tab: int) -> None:
        rng = random.Random(tab)
        while not stop.is_set():
            name = rng.choice(["organizer", "coord_per", f"nobody{rng.randrange(10_000)}"])
            address = "198.51.100.1" if tab % 2 else f"203.0.113.{rng.randrange(1, 255)}"
            try:
                accounts.authenticate(engine, name, "wrong password", address)
            except InvalidCredentials:
                attempts[tab] += 1
            except Exception as error:  # anything else would reach the login form
                unexpected.append(repr(error))

    tabs = [threading.Thread(target=flood, args=(tab,), daemon=True) for tab in range(FLOOD_THREADS)]
    for tab in tabs:
        tab.start()
    try:
        time.sleep(0.5)  # the flood is under way
        for step in range(PUBLISHES):
            result = import_file(
                engine=engine,
                settings=settings,
                data=results_xlsx(row(value=700.0 + step)),
                file_name=f"per-{step}.xlsx",
                actor=CLI_ACTOR,
                country="PER",
            )
            assert result.published, [p.code for p in result.report.problems]
    finally:
        stop.set()
        for tab in tabs:
            tab.join(timeout=30)
    assert unexpected == []
    assert list_versions(engine, "PER")["version"].max() == PUBLISHES
    assert min(attempts) >= 2  # every tab was flooding while the publishes went through
    assert accounts.authenticate(engine, "organizer", PASSWORD, "192.0.2.1").role == ORGANIZER


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state  # a zombie is gone, only not yet reaped


def test_the_workbook_reader_dies_with_its_parent() -> None:
    """An app process killed mid-read must not leave its reader running (its time limit lived in
    the parent): the child asks the kernel to kill it when the parent goes."""
    read_end, write_end = os.pipe()  # this test holds the write end: the reader never sees the end
    parent_code = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-m', 'data_access.sheet_worker', '256', '10', '60'],"
        " stdin=int(sys.argv[1]))\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_code, str(read_end)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        pass_fds=(read_end,),
    )
    os.close(read_end)
    try:
        child = int(parent.stdout.readline())
        time.sleep(1.0)  # the child has set itself up
        assert _alive(child)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(child)
    finally:
        os.close(write_end)
