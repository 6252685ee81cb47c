"""The store: migrations, pragmas, the data version, publishing versions, plain SQLite types."""

from __future__ import annotations

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from data_access.core.actors import CLI_ACTOR
from data_access.core.models import AuditEvent, Observation, Submission
from data_access.core.store import (
    MIGRATIONS,
    alembic_config,
    content_hash,
    get_data_version,
    make_engine,
    migrate,
    session_scope,
)
from data_access.publishing.ingest import publish_results


def _frame(value: float = 741.22, rows: int = 1) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country_iso3": ["PER"] * rows,
            "indicator_code": ["score_mean"] * rows,
            "year": pd.Series([2019 + i for i in range(rows)], dtype="int64"),
            "grade": pd.Series([6] * rows, dtype="Int64"),
            "subject": ["reading"] * rows,
            "group": ["total"] * rows,
            "value": [value] * rows,
            "se": [None] * rows,
            "n": pd.Series([None] * rows, dtype="Int64"),
        }
    )


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


def test_store_made_by_an_older_release_opens_in_this_one(tmp_path):
    """A store at the first revision, holding results, upgrades in place and keeps them."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    first = ScriptDirectory(str(MIGRATIONS)).get_base()
    migrate(engine, first)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO country (iso3, iso2, numeric, subregion) VALUES ('PER','PE','604','005')")
        )
        conn.execute(
            text(
                "INSERT INTO indicator (code, domain, unit, min_value, max_value, higher_is_better, "
                "name_es, name_pt, name_en, description_es, description_pt, description_en, rule_es, "
                "rule_pt, rule_en, source) VALUES ('score_mean','learning','score',300,1100,1,'a','b',"
                "'c','','','','','','','')"
            )
        )
    publish_results(
        engine=engine, frame=_frame(), country_iso3="PER", file_name="PER.xlsx", data=b"x", actor=CLI_ACTOR
    )
    before = content_hash(engine)
    migrate(engine)
    with engine.connect() as conn:
        head = MigrationContext.configure(conn).get_current_revision()
        assert conn.execute(select(Observation.value)).scalar_one() == pytest.approx(741.22)
    assert head == ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head != first
    assert content_hash(engine) != before  # new tables exist, old rows untouched
    with engine.connect() as conn:
        assert conn.execute(select(Submission.version)).scalar_one() == 1


def test_migrations_downgrade_to_base_and_up_again(tmp_path):
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    migrate(engine)
    command.downgrade(alembic_config(engine), "base")
    migrate(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


def test_sqlite_runs_in_wal_with_foreign_keys(engine):
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_publish_makes_versions_and_supersedes(engine):
    first = publish_results(
        engine=engine, frame=_frame(), country_iso3="PER", file_name="a.xlsx", data=b"a", actor=CLI_ACTOR
    )
    second = publish_results(
        engine=engine,
        frame=_frame(700.0, rows=2),
        country_iso3="PER",
        file_name="b.xlsx",
        data=b"b",
        actor=CLI_ACTOR,
    )
    assert (first.version, second.version) == (1, 2)
    with session_scope(engine) as session:
        subs = session.execute(select(Submission).order_by(Submission.version)).scalars().all()
        assert [(s.version, s.status, s.original) for s in subs] == [
            (1, "superseded", b"a"),
            (2, "active", b"b"),
        ]
        assert session.execute(select(AuditEvent.action)).scalars().all() == ["publish", "publish"]
        # nothing was deleted: version 1's rows are still there
        assert len(session.execute(select(Observation)).scalars().all()) == 3
    assert get_data_version(engine) == 2


def test_identical_bytes_are_recognised(engine):
    publish_results(
        engine=engine, frame=_frame(), country_iso3="PER", file_name="a.xlsx", data=b"same", actor=CLI_ACTOR
    )
    before = content_hash(engine)
    again = publish_results(
        engine=engine, frame=_frame(), country_iso3="PER", file_name="a2.xlsx", data=b"same", actor=CLI_ACTOR
    )
    assert again.unchanged and again.version == 1
    assert content_hash(engine) == before


def test_values_are_stored_as_plain_sqlite_types(engine):
    """numpy scalars would be stored as BLOBs and poison later reads (NOTES.md)."""
    publish_results(
        engine=engine, frame=_frame(), country_iso3="PER", file_name="a.xlsx", data=b"a", actor=CLI_ACTOR
    )
    with engine.connect() as conn:
        row = conn.execute(
            text(
                'SELECT typeof(year), typeof(grade), typeof(value), typeof(se), typeof(n), typeof("group") '
                "FROM observation"
            )
        ).one()
    assert tuple(row) == ("integer", "integer", "real", "null", "null", "text")


def test_failed_publish_changes_nothing(engine):
    """A frame that breaks a constraint rolls the whole publish back."""
    before, version = content_hash(engine), get_data_version(engine)
    bad = _frame(rows=2)
    bad["year"] = 2019  # duplicate key inside one submission
    with pytest.raises(Exception, match="UNIQUE"):
        publish_results(
            engine=engine, frame=bad, country_iso3="PER", file_name="a.xlsx", data=b"a", actor=CLI_ACTOR
        )
    assert content_hash(engine) == before and get_data_version(engine) == version


def test_concurrent_publishes_for_one_country_get_consecutive_versions(engine):
    """Each publish takes the write lock as it begins, so none races for a version number."""
    import threading

    errors: list[BaseException] = []

    def publish(i: int) -> None:
        try:
            publish_results(
                engine=engine,
                frame=_frame(700.0 + i, rows=50),
                country_iso3="PER",
                file_name=f"{i}.xlsx",
                data=str(i).encode(),
                actor=CLI_ACTOR,
            )
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as conn:
        versions = sorted(conn.execute(select(Submission.version)).scalars())
        active = conn.execute(select(func.count()).where(Submission.status == "active")).scalar_one()
    assert versions == [1, 2, 3, 4] and active == 1
