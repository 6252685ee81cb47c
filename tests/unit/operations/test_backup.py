"""Backups, restores, the store check and unusable stores, on real SQLite files and through the
command line as people run it.

Layer: tests (unit).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from cli_store import Store
from result_workbooks import results_xlsx, row
from sqlalchemy import update

from data_access.core.actors import CLI_ACTOR, COORDINATOR, Actor
from data_access.core.errors import NotAllowed
from data_access.core.models import Submission
from data_access.core.settings import get_settings
from data_access.core.store import StoreUnusable, content_hash, engine_for, make_engine, session_scope
from data_access.operations import backup
from data_access.publishing.imports import import_file


def _publish(engine, settings, step: int) -> None:
    data = results_xlsx(row(value=700.0 + step))
    result = import_file(
        engine=engine, settings=settings, data=data, file_name=f"v{step}.xlsx", actor=CLI_ACTOR, country="PER"
    )
    assert result.published


def test_a_backup_taken_while_publishing_is_a_whole_store(engine, settings, tmp_path: Path) -> None:
    _publish(engine, settings, 0)
    done = threading.Event()

    def publish_more() -> None:
        for step in range(1, 15):
            _publish(engine, settings, step)
        done.set()

    writer = threading.Thread(target=publish_more)
    writer.start()
    copies = []
    while not done.is_set():
        out = tmp_path / f"copy-{len(copies)}.db"
        backup.backup_to(engine, out)
        copies.append(out)
    writer.join()
    assert copies
    for out in copies:
        copy = make_engine(f"sqlite:///{out}")
        report = backup.check_store(copy)
        copy.dispose()
        assert report.ok, (out.name, report)
        assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_backup_then_restore_gives_the_same_store_and_keeps_the_replaced_one(
    engine, settings, tmp_path: Path
) -> None:
    for step in range(3):
        _publish(engine, settings, step)
    before = content_hash(engine)
    out = tmp_path / "copy.db"
    backup.backup_to(engine, out)
    with pytest.raises(backup.BackupRefused):  # never over an existing file
        backup.backup_to(engine, out)
    _publish(engine, settings, 9)  # a change after the backup
    store = Path(str(engine.url).split("///", 1)[1])
    engine.dispose()
    kept = backup.restore_from(store, out)
    restored = make_engine(f"sqlite:///{store}")
    assert content_hash(restored) == before
    restored.dispose()
    assert kept is not None and kept.exists()
    old = make_engine(f"sqlite:///{kept}")
    assert content_hash(old) != before  # the replaced store, version 4 included, is still there
    old.dispose()


@pytest.mark.parametrize("kind", ["missing", "empty", "garbage", "other-sqlite", "truncated"])
def test_restore_refuses_what_is_not_a_whole_store_and_changes_nothing(
    engine, settings, tmp_path: Path, kind: str
) -> None:
    _publish(engine, settings, 0)
    store = Path(str(engine.url).split("///", 1)[1])
    bad = tmp_path / "bad.db"
    if kind == "empty":
        bad.touch()
    elif kind == "garbage":
        bad.write_bytes(os.urandom(8192))
    elif kind == "other-sqlite":
        with sqlite3.connect(bad) as conn:
            conn.execute("CREATE TABLE t (x)")
        conn.close()
    elif kind == "truncated":
        good = tmp_path / "good.db"
        backup.backup_to(engine, good)
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    before = content_hash(engine)
    with pytest.raises(backup.BackupRefused) as refused:
        backup.restore_from(store, bad)
    assert refused.value.message("en")
    assert content_hash(engine) == before
    assert not list(store.parent.glob("*.replaced-*"))


def test_the_check_finds_a_changed_original_and_a_broken_version_chain(engine, settings) -> None:
    for step in range(3):
        _publish(engine, settings, step)
    assert backup.check_store(engine).ok
    with session_scope(engine) as session:
        session.execute(update(Submission).where(Submission.version == 1).values(original=b"not the file"))
        session.execute(update(Submission).where(Submission.version == 2).values(version=7))
    report = backup.check_store(engine)
    assert not report.ok
    kinds = {what for what, _ in report.findings}
    assert kinds == {"original", "versions"}


def test_only_organizers_download_a_backup(engine) -> None:
    with pytest.raises(NotAllowed):
        backup.backup_bytes(engine, Actor("coord", COORDINATOR, "PER"))


@pytest.mark.parametrize("content", [b"", b"garbage" * 100], ids=["zero-bytes", "garbage"])
def test_an_unusable_store_file_is_refused_and_never_written(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "encuentro.db").write_bytes(content)
    settings = get_settings({"ENCUENTRO_DATA_DIR": str(folder)})
    with pytest.raises(StoreUnusable) as refused:
        engine_for(settings)
    assert refused.value.params["reason"] == ("empty" if not content else "not_sqlite")
    assert "restore" in refused.value.message("es")
    assert (folder / "encuentro.db").read_bytes() == content


def test_the_store_is_private_whatever_existed_before(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    engine = engine_for(get_settings({"ENCUENTRO_DATA_DIR": str(folder)}))
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "encuentro.db").stat().st_mode) == 0o600
    (folder / "encuentro.db").chmod(0o644)
    engine_for(get_settings({"ENCUENTRO_DATA_DIR": str(folder)})).dispose()
    assert stat.S_IMODE((folder / "encuentro.db").stat().st_mode) == 0o600


def test_cli_backup_check_and_restore(seeded: Store, tmp_path: Path) -> None:
    out = tmp_path / "copy.db"
    done = seeded.run("backup", out, lang="en")
    assert done.returncode == 0, done.stderr
    assert "Backup written" in done.stdout
    checked = seeded.run("check", lang="en")
    assert checked.returncode == 0 and "The store is sound." in checked.stdout, checked.stdout
    before = seeded.hash()
    refused = seeded.run("restore", out, lang="en")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    restored = seeded.run("restore", out, "--yes", lang="en")
    assert restored.returncode == 0, restored.stderr
    assert seeded.hash() == before
    assert list(seeded.folder.glob("encuentro.db.replaced-*"))


def test_cli_on_an_empty_store_file_says_what_is_wrong_and_seeds_nothing(fresh: Store) -> None:
    fresh.folder.mkdir()
    (fresh.folder / "encuentro.db").touch()
    for command in ("init", "seed"):
        done = fresh.run(command, lang="en")
        assert done.returncode == 1
        assert "exists but is empty" in done.stderr and "Traceback" not in done.stderr
    assert (fresh.folder / "encuentro.db").stat().st_size == 0
    assert not (fresh.folder / "initial-organizer.txt").exists()


def test_cli_on_a_damaged_store_names_it_without_a_traceback(seeded: Store, tmp_path: Path) -> None:
    store = seeded.folder / "encuentro.db"
    whole = tmp_path / "whole.db"
    shutil.copyfile(store, whole)
    store.write_bytes(whole.read_bytes()[:40_000])
    done = seeded.run("export", tmp_path / "out.csv", lang="en")
    assert done.returncode == 1
    assert "is damaged" in done.stderr and "Traceback" not in done.stderr


def test_file_names_are_shown_with_invisible_characters_made_visible_and_capped() -> None:
    from data_access.core.formatting import visible_text

    assert visible_text("informe\u202eslx.exe") == "informe⟨U+202E⟩slx.exe"
    assert visible_text("a\x00b\tc") == "a⟨U+0000⟩b⟨U+0009⟩c"
    assert visible_text("resultados PER 2019.xlsx") == "resultados PER 2019.xlsx"
    long = visible_text("x" * 5000)
    assert len(long) == 120 and long.endswith("…")
