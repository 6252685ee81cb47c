"""Writers racing on one store, on SQLite and on PostgreSQL: publishes of one country from several
threads get versions 1..N with no gap or twin and one active version; the presenter's
compare-and-set lets exactly one of several tabs move a slide. What SQLite's BEGIN IMMEDIATE gives,
PostgreSQL's advisory lock (data_access.core.store) must give too.

Layer: tests (unit). Real workbooks through import_file; threads stand in for app processes.
"""

from __future__ import annotations

import threading

import pytest
from result_workbooks import results_xlsx, row
from sqlalchemy import func, select

from data_access.core.actors import CLI_ACTOR
from data_access.core.models import Submission
from data_access.core.store import get_data_version, make_engine
from data_access.meeting.deck import get_presenter_state, set_presenter_state
from data_access.publishing.imports import import_file

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL
WRITERS, EACH = 4, 5


def _in_threads(count: int, work) -> list[BaseException]:
    """Run WORK(i) in COUNT threads released together; the errors they raised."""
    start, errors = threading.Barrier(count), []

    def run(i: int) -> None:
        start.wait()
        try:
            work(i)
        except BaseException as error:  # reported, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_racing_publishes_of_one_country_get_every_version_once(engine, settings) -> None:
    before = get_data_version(engine)
    engines = [make_engine(settings.database_url) for _ in range(WRITERS)]  # one per "process"

    def publish(i: int) -> None:
        for step in range(EACH):
            data = results_xlsx(row(value=600.0 + i * 10 + step))
            result = import_file(
                engine=engines[i],
                settings=settings,
                data=data,
                file_name=f"w{i}-{step}.xlsx",
                actor=CLI_ACTOR,
            )
            assert result.published and not result.outcome.unchanged, result.report.problems

    assert _in_threads(WRITERS, publish) == []
    for each in engines:
        each.dispose()
    with engine.connect() as conn:
        versions = conn.execute(
            select(Submission.version, Submission.status).where(Submission.country_iso3 == "PER")
        ).all()
        active = conn.execute(
            select(func.count()).where(Submission.country_iso3 == "PER", Submission.status == "active")
        ).scalar_one()
    assert sorted(v for v, _ in versions) == list(range(1, WRITERS * EACH + 1))
    assert active == 1
    assert get_data_version(engine) == before + WRITERS * EACH


def test_the_presenters_compare_and_set_lets_one_tab_win(engine, settings) -> None:
    seen = get_presenter_state(engine).changed_at
    engines = [make_engine(settings.database_url) for _ in range(WRITERS)]
    moved = []

    def move(i: int) -> None:
        state = set_presenter_state(
            engine=engines[i], actor=CLI_ACTOR, slide=i + 1, paused=False, expected=seen
        )
        if state.slide == i + 1 and state.changed_at != seen:
            moved.append(i)

    assert _in_threads(WRITERS, move) == []
    for each in engines:
        each.dispose()
    assert len(moved) == 1  # the others saw the winner's move and kept it
    assert get_presenter_state(engine).slide == moved[0] + 1
