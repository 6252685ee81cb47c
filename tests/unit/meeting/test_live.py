"""The shared live state: one read per second per process serves every watcher, and a write made
in this process shows on the next read, not a second later."""

from __future__ import annotations

import time

import pytest

from data_access.core.actors import Actor
from data_access.core.store import bump_data_version, get_data_version, make_engine, session_scope
from data_access.meeting.deck import set_presenter_state
from data_access.meeting.live import LiveCache, read_live_state, shared_live_cache

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

ORGANIZER = Actor("org", "organizer")


def test_the_live_state_reads_the_version_and_the_slide(engine):
    set_presenter_state(engine=engine, actor=ORGANIZER, slide=3, paused=True)
    state = read_live_state(engine)
    assert (state.data_version, state.slide, state.paused) == (get_data_version(engine), 3, True)
    assert state.to_dict()["slide"] == 3 and state.changed_at


def test_a_fresh_copy_is_served_without_reading_the_store(engine):
    cache = LiveCache(engine, max_age_s=60)
    first = cache.get()
    with session_scope(engine) as session:  # as another process would write: this copy is not told
        bump_data_version(session=session)
    assert cache.peek() == first and cache.get() == first


def test_a_stale_copy_is_read_again(engine):
    cache = LiveCache(engine, max_age_s=0.05)
    before = cache.get().data_version
    with session_scope(engine) as session:
        bump_data_version(session=session)
    time.sleep(0.06)
    assert cache.get().data_version == before + 1


def test_a_write_in_this_process_expires_every_copy_at_once(engine):
    cache = shared_live_cache(engine)
    before = cache.get().data_version
    with session_scope(engine) as session:
        bump_data_version(session=session)
    assert cache.peek() is None
    assert cache.get().data_version == before + 1


def test_one_copy_per_database(engine, tmp_path):
    assert shared_live_cache(engine) is shared_live_cache(make_engine(str(engine.url)))
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    assert shared_live_cache(other) is not shared_live_cache(engine)
