"""Reliability drills, bounded in time: a login flood while a coordinator publishes; the workbook
reader outliving its parent; publishes killed at twenty moments; damaged workbooks.

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

import hostile_files as hf
import pytest
from openpyxl import Workbook
from result_workbooks import results_xlsx, row
from sqlalchemy import func, select

from data_access.core import accounts
from data_access.core.actors import CLI_ACTOR, COORDINATOR, ORGANIZER
from data_access.core.errors import InvalidCredentials
from data_access.core.models import Observation, Submission
from data_access.core.store import make_engine
from data_access.operations import backup
from data_access.publishing.imports import check_file, import_file
from data_access.publishing.versions import list_versions
from data_access.stats import queries

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "correct horse battery"
FLOOD_THREADS = 4
PUBLISHES = 20


@pytest.mark.both_engines
def test_a_login_flood_never_blocks_two_writers_nor_their_readers(engine, settings) -> None:
    """Four tabs submit wrong logins without pause (existing and unknown names, from one address and
    from ever-new ones, so many attempts are really hashed) while two coordinators publish 20
    versions each and a reader keeps reading: no error reaches anyone, no version is missing."""
    for name, country in (("coord_per", "PER"), ("coord_col", "COL")):
        accounts.create_user(
            engine=engine,
            actor=CLI_ACTOR,
            username=name,
            password=PASSWORD,
            role=COORDINATOR,
            country_iso3=country,
        )
    accounts.create_user(
        engine=engine, actor=CLI_ACTOR, username="organizer", password=PASSWORD, role=ORGANIZER
    )
    stop, unexpected, attempts, reads = threading.Event(), [], [0] * FLOOD_THREADS, [0]

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

    def read() -> None:
        while not stop.is_set():
            try:
                queries.list_observations(engine)
                reads[0] += 1
            except Exception as error:
                unexpected.append(repr(error))

    def write(country: str) -> None:
        for step in range(PUBLISHES):
            try:
                result = import_file(
                    engine=engine,
                    settings=settings,
                    data=results_xlsx(row(country=country, value=700.0 + step)),
                    file_name=f"{country}-{step}.xlsx",
                    actor=CLI_ACTOR,
                    country=country,
                )
                assert result.published, [p.code for p in result.report.problems]
            except Exception as error:
                unexpected.append(repr(error))

    background = [threading.Thread(target=flood, args=(tab,), daemon=True) for tab in range(FLOOD_THREADS)]
    background.append(threading.Thread(target=read, daemon=True))
    writers = [threading.Thread(target=write, args=(country,)) for country in ("PER", "COL")]
    for thread in background:
        thread.start()
    time.sleep(0.5)  # the flood is under way
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=300)
    stop.set()
    for thread in background:
        thread.join(timeout=30)
    assert unexpected == []
    for country in ("PER", "COL"):
        assert list_versions(engine, country)["version"].tolist() == list(range(PUBLISHES, 0, -1))
    assert min(attempts) >= 2 and reads[0] >= 2  # the flood and the reader ran all along
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
        "child = subprocess.Popen([sys.executable, '-m', 'data_access.workbooks.sheet_worker',"
        " '256', '10', '60'], stdin=int(sys.argv[1]))\n"
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


def _big_workbook(path: Path, rows: int, value: float) -> Path:
    """A PER results workbook of ROWS figures (one year each), written by openpyxl."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("resultados")
    sheet.append(["país", "indicador", "año", "grado", "área", "grupo", "valor"])
    for number in range(rows):
        sheet.append(
            [
                "PER",
                "score_mean",
                1990 + number % 100,
                3 + 3 * (number // 100 % 2),
                ("reading", "mathematics", "science")[number // 200 % 3],
                ("total", "female", "male", "urban", "rural")[number // 600 % 5],
                value + number % 7,
            ]
        )
    book.save(path)
    return path


def test_sigkill_of_a_publish_at_twenty_moments_leaves_a_whole_store(settings, tmp_path: Path) -> None:
    """`manage.py import` killed at 20 moments of its run: each time the store passes SQLite's
    integrity check and `manage.py check`, and PER's published version is whole (the previous or
    the new one, never a part); the original of a version is whole or absent with it."""
    env = {**os.environ, "ENCUENTRO_DATA_DIR": str(settings.data_dir)}
    env.pop("DATABASE_URL", None)
    first = _big_workbook(tmp_path / "first.xlsx", 3000, 700.0)
    subprocess.run(
        [sys.executable, "manage.py", "import", first], cwd=ROOT, env=env, check=True, capture_output=True
    )
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "import", _big_workbook(tmp_path / "t.xlsx", 3000, 800.0)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    whole_run = time.monotonic() - started
    rng = random.Random(20)
    for kill in range(20):
        path = _big_workbook(tmp_path / f"k{kill}.xlsx", 3000, 900.0 + kill)
        victim = subprocess.Popen(
            [sys.executable, "manage.py", "import", str(path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, whole_run * 1.1))
        victim.kill()
        victim.wait()
        engine = make_engine(f"sqlite:///{settings.data_dir / 'encuentro.db'}")
        try:
            report = backup.check_store(engine)
            assert report.ok, (kill, report)
            with engine.connect() as conn:
                active_rows, declared = conn.execute(
                    select(func.count(Observation.id), Submission.row_count)
                    .join(Submission, Submission.id == Observation.submission_id)
                    .where(Submission.country_iso3 == "PER", Submission.status == "active")
                    .group_by(Submission.id)
                ).one()
            assert active_rows == declared == 3000, kill
        finally:
            engine.dispose()


def _mutants(seed: bytes, rng: random.Random, count: int) -> list[bytes]:
    """SEED with bytes flipped, runs zeroed, a cut or a repeat: what damaged uploads look like."""
    out = []
    for _ in range(count):
        data = bytearray(seed)
        kind = rng.randrange(4)
        if kind == 0:
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif kind == 1:
            start = rng.randrange(len(data))
            data[start : start + rng.randint(1, 512)] = bytes(min(512, len(data) - start))
        elif kind == 2:
            data = data[: rng.randrange(1, len(data))]
        else:
            start = rng.randrange(len(data))
            data[start:start] = data[start : start + rng.randint(1, 2048)]
        out.append(bytes(data))
    return out


def test_fuzzed_workbooks_give_only_the_projects_own_errors(engine, settings) -> None:
    """Damaged .xlsx and .ods bytes through the real reader and checks: a report, never another
    exception (200 files, a few seconds: most damage is caught before the reader starts)."""
    rng = random.Random(60)
    sources = [
        results_xlsx(row(), row(grade=3)),
        hf.zip_bytes(hf.minimal_ods([["país", "valor"], ["PER", 1]])),
    ]
    for number, data in enumerate(m for source in sources for m in _mutants(source, rng, 30)):
        checked = check_file(engine=engine, settings=settings, data=data, file_name=f"f{number}.xlsx")
        assert checked.report is not None
