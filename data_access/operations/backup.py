"""Backups, restores and a check of the store: what an organizer needs before and after a mishap.

Layer: data_access. A backup uses SQLite's online backup API, so it is consistent while the app
runs and includes what still sits in the WAL file (a plain copy of encuentro.db can miss the
newest versions); the original uploads live in the store, so they are in it. A restore checks the
file first (SQLite, integrity, a schema this release knows) and keeps the store it replaces.
PostgreSQL stores use pg_dump and pg_restore instead (the README says how).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select
from sqlmodel import col

from data_access.core.actors import Actor, require_organizer
from data_access.core.errors import EncuentroError
from data_access.core.i18n import t
from data_access.core.models import Submission, UploadedFile
from data_access.core.store import (
    StoreUnusable,
    alembic_config,
    check_store_file,
    keep_private,
    sqlite_path,
)


class NotSqliteStore(EncuentroError):
    """Backup and restore here are SQLite's; a PostgreSQL store uses pg_dump."""

    key = "backup_needs_sqlite"


class BackupRefused(EncuentroError):
    """A file that cannot be restored (REASON), or a backup that would overwrite a file."""

    key = "backup_refused"

    def message(self, lang: str) -> str:
        return t(f"error.backup_{self.params['reason']}", lang, path=self.params.get("path", ""))


def _store_file(engine: Engine) -> Path:
    path = sqlite_path(str(engine.url))
    if path is None:
        raise NotSqliteStore()
    return path


def backup_to(engine: Engine, out: Path) -> int:
    """A consistent copy of ENGINE's store at OUT (never over an existing file), private (0600);
    returns its size in bytes."""
    source = _store_file(engine)
    if out.exists():
        raise BackupRefused(reason="exists", path=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, out)
    return out.stat().st_size


def _copy(source: Path, target: Path) -> None:
    """SOURCE's pages into a new private file TARGET through the online backup API, as one file."""
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # no WAL beside the copy


def backup_bytes(engine: Engine, actor: Actor) -> bytes:
    """A backup as bytes, for an organizer's download from /admin."""
    require_organizer(actor)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "backup.db"
        backup_to(engine, out)
        return out.read_bytes()


def backup_name(now: datetime | None = None) -> str:
    """encuentro-backup-20261205-1430.db: sortable, and says what it is."""
    return f"encuentro-backup-{(now or datetime.now(UTC)):%Y%m%d-%H%M}.db"


def _known_revisions() -> set[str]:
    cfg = alembic_config(None)
    return {script.revision for script in ScriptDirectory.from_config(cfg).walk_revisions()}


def verify_backup(path: Path) -> None:
    """Refuse a file that is not a whole Encuentro store this release can open."""
    try:
        check_store_file(path)
    except StoreUnusable as err:
        raise BackupRefused(reason="not_a_store", path=str(path)) from err
    if not path.exists():
        raise BackupRefused(reason="missing", path=str(path))
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = (
                conn.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables
                else None
            )
    except sqlite3.DatabaseError:
        raise BackupRefused(reason="damaged", path=str(path)) from None
    if not ok:
        raise BackupRefused(reason="damaged", path=str(path))
    if (
        revision is None
        or not {"submission", "observation"} <= tables
        or revision[0] not in _known_revisions()
    ):
        raise BackupRefused(reason="not_a_store", path=str(path))


def restore_from(store: Path, backup: Path, now: datetime | None = None) -> Path | None:
    """Make BACKUP the store at STORE after checking it; the store it replaces is kept beside it
    (encuentro.db.replaced-YYYYMMDD-HHMMSS) and its path returned. Stop the app first."""
    verify_backup(backup)
    stamp = f"{(now or datetime.now(UTC)):%Y%m%d-%H%M%S}"
    fresh = store.with_name(f".{store.name}.restoring-{stamp}")
    _copy(backup, fresh)
    kept = None
    if store.exists():
        try:
            with closing(sqlite3.connect(store)) as conn:  # fold the WAL in: the kept file is whole alone
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError:
            pass  # an unusable store is kept exactly as it was
        kept = store.with_name(f"{store.name}.replaced-{stamp}")
        os.replace(store, kept)
        for side in ("-wal", "-shm"):
            store.with_name(store.name + side).unlink(missing_ok=True)
    os.replace(fresh, store)
    keep_private(store.parent, store)
    return kept


@dataclass
class StoreCheck:
    """What `manage.py check` found: each finding is (what, detail)."""

    integrity: str = "ok"
    originals: int = 0
    findings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and not self.findings


def check_store(engine: Engine) -> StoreCheck:
    """SQLite's integrity check, every kept original against its sha256, and each country's
    version chain (1..N without gaps, exactly one active version)."""
    report = StoreCheck()
    path = sqlite_path(str(engine.url))
    if path is not None:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            report.integrity = "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check(20)"))
    with engine.connect() as conn:
        for table in (Submission, UploadedFile):
            rows = conn.execute(select(col(table.id), col(table.sha256), col(table.original))).yield_per(100)
            for row_id, sha, original in rows:
                report.originals += 1
                if hashlib.sha256(bytes(original)).hexdigest() != sha:
                    report.findings.append(("original", f"{table.__tablename__} {row_id}"))
        chains: dict[str, list[tuple[int, str]]] = {}
        for iso3, version, status in conn.execute(
            select(col(Submission.country_iso3), col(Submission.version), col(Submission.status))
        ):
            chains.setdefault(iso3, []).append((version, status))
    for iso3, chain in sorted(chains.items()):
        versions = sorted(v for v, _ in chain)
        if versions != list(range(1, len(versions) + 1)):
            report.findings.append(("versions", f"{iso3}: {versions}"))
        if sum(status == "active" for _, status in chain) != 1:
            report.findings.append(("active", iso3))
    return report
