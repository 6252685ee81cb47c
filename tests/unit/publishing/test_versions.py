"""Versions of a country's results: history, kept originals, rollback, checking without writing,
and the diff the upload page previews.

Layer: tests (unit). Store tests get a fresh SQLite store each; the diff tests are pure frames.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from result_workbooks import results_xlsx, row, xlsx
from sqlalchemy import func, select

from data_access.core.actors import ANONYMOUS_ACTOR, CLI_ACTOR, COORDINATOR, ORGANIZER, Actor
from data_access.core.audit import sha256_of
from data_access.core.errors import NotAllowed, NotFound
from data_access.core.models import AuditEvent, Observation
from data_access.core.store import content_hash, get_data_version
from data_access.publishing import versions
from data_access.publishing.diff import DIFF_COLUMNS, diff_results, summarize_diff
from data_access.publishing.imports import check_file, import_file
from data_access.publishing.ingest import OBSERVATION_COLUMNS
from data_access.publishing.publish_plan import REPLACE

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

V1 = results_xlsx(row(), row(grade=3, value=700.5))
V2 = results_xlsx(row(value=750.0), row(subject="mathematics", value=720.0), row(grade=None, subject=None))
COORDINATOR_PER = Actor("coordinacion-per", COORDINATOR, "PER")
COORDINATOR_COL = Actor("coordinacion-col", COORDINATOR, "COL")


def _publish(engine, settings, data: bytes, name: str, actor: Actor = CLI_ACTOR):
    """Each file is PER's whole set (replace): the versions below are the files' rows."""
    result = import_file(
        engine=engine,
        settings=settings,
        data=data,
        file_name=name,
        actor=actor,
        country="PER",
        mode=REPLACE,
        confirm_removals=True,
    )
    assert result.published and not result.outcome.unchanged, result.report.problems
    return result.outcome


@pytest.fixture
def two_versions(engine, settings):
    """PER published twice: v1 (two rows, by the command line), then v2 (three rows, by PER)."""
    _publish(engine, settings, V1, "peru-v1.xlsx")
    _publish(engine, settings, V2, "peru-v2.xlsx", COORDINATOR_PER)
    return engine


def test_list_versions_shows_every_version_newest_first(two_versions):
    frame = versions.list_versions(two_versions, "PER")
    assert list(frame.columns[:8]) == [
        "id", "version", "created_at", "uploader", "file_name", "row_count", "status", "sha256",
    ]  # fmt: skip
    assert frame[["version", "status", "file_name", "row_count", "uploader"]].values.tolist() == [
        [2, "active", "peru-v2.xlsx", 3, "coordinacion-per"],
        [1, "superseded", "peru-v1.xlsx", 2, "cli"],
    ]
    assert frame["sha256"].tolist() == [sha256_of(V2), sha256_of(V1)]
    assert versions.list_versions(two_versions, "COL").empty


def test_active_results_are_the_active_versions_rows_in_canonical_columns(two_versions):
    frame = versions.active_results(two_versions, "PER")
    assert list(frame.columns) == list(OBSERVATION_COLUMNS)
    assert sorted(frame["value"]) == [720.0, 741.22, 750.0]
    assert frame["grade"].dtype == "Int64" and frame["grade"].isna().sum() == 1
    empty = versions.active_results(two_versions, "COL")
    assert empty.empty and list(empty.columns) == list(OBSERVATION_COLUMNS)


@pytest.mark.parametrize(
    "actor",
    [CLI_ACTOR, Actor("secretaria", ORGANIZER), COORDINATOR_PER],
    ids=["cli", "organizer", "own-country"],
)
def test_get_original_returns_the_exact_bytes(two_versions, actor):
    first = versions.list_versions(two_versions, "PER").iloc[-1]
    name, data = versions.get_original(two_versions, actor=actor, submission_id=int(first["id"]))
    assert (name, data) == ("peru-v1.xlsx", V1)


@pytest.mark.parametrize(
    ("actor", "error"),
    [(COORDINATOR_COL, NotAllowed), (ANONYMOUS_ACTOR, NotAllowed), (Actor("x", COORDINATOR), NotAllowed)],
    ids=["other-country", "anonymous", "coordinator-without-country"],
)
def test_get_original_is_refused_to_others(two_versions, actor, error):
    submission_id = int(versions.list_versions(two_versions, "PER").iloc[0]["id"])
    with pytest.raises(error):
        versions.get_original(two_versions, actor=actor, submission_id=submission_id)


def test_get_original_of_a_missing_version(two_versions):
    with pytest.raises(NotFound):
        versions.get_original(two_versions, actor=CLI_ACTOR, submission_id=999)
    with pytest.raises(NotAllowed):  # anonymous learns nothing, not even that it is missing
        versions.get_original(two_versions, actor=ANONYMOUS_ACTOR, submission_id=999)


def test_rollback_publishes_a_new_version_with_the_old_rows(two_versions):
    engine = two_versions
    data_version = get_data_version(engine)
    outcome = versions.rollback(engine=engine, actor=COORDINATOR_PER, country_iso3="PER", version=1)
    assert (outcome.country_iso3, outcome.version, outcome.row_count, outcome.unchanged) == (
        "PER",
        3,
        2,
        False,
    )
    history = versions.list_versions(engine, "PER")
    assert history[["version", "status"]].values.tolist() == [
        [3, "active"], [2, "superseded"], [1, "superseded"],
    ]  # fmt: skip
    v3, v1 = history.iloc[0], history.iloc[2]
    assert (v3["file_name"], v3["sha256"], v3["row_count"]) == (
        v1["file_name"],
        v1["sha256"],
        v1["row_count"],
    )
    assert v3["uploader"] == "coordinacion-per" and v3["note"] == "rollback:1"
    assert versions.get_original(engine, actor=CLI_ACTOR, submission_id=int(v3["id"])) == ("peru-v1.xlsx", V1)
    assert_frame_equal(
        versions.list_version_results(engine, "PER", 3), versions.list_version_results(engine, "PER", 1)
    )
    assert_frame_equal(
        versions.active_results(engine, "PER"), versions.list_version_results(engine, "PER", 1)
    )
    assert get_data_version(engine) == data_version + 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Observation)).scalar_one() == 2 + 3 + 2
        event = conn.execute(select(AuditEvent).where(AuditEvent.action == "rollback")).one()
    detail = json.loads(event.detail)
    assert (event.actor, detail["from_version"], detail["to_version"], detail["version"]) == (
        "coordinacion-per", 2, 1, 3,
    )  # fmt: skip


def test_rolling_forward_again_restores_the_later_version(two_versions):
    versions.rollback(engine=two_versions, actor=CLI_ACTOR, country_iso3="PER", version=1)
    versions.rollback(engine=two_versions, actor=CLI_ACTOR, country_iso3="PER", version=2)
    assert_frame_equal(
        versions.active_results(two_versions, "PER"), versions.list_version_results(two_versions, "PER", 2)
    )
    assert versions.list_versions(two_versions, "PER")["version"].tolist() == [4, 3, 2, 1]


@pytest.mark.parametrize(
    ("actor", "version", "error"),
    [
        (COORDINATOR_COL, 1, NotAllowed),
        (ANONYMOUS_ACTOR, 1, NotAllowed),
        (CLI_ACTOR, 2, versions.AlreadyActive),
        (CLI_ACTOR, 7, NotFound),
    ],
    ids=["other-country", "anonymous", "already-active", "missing-version"],
)
def test_a_refused_rollback_changes_nothing(two_versions, actor, version, error):
    before = content_hash(two_versions)
    with pytest.raises(error) as raised:
        versions.rollback(engine=two_versions, actor=actor, country_iso3="PER", version=version)
    assert raised.value.message("en")
    assert content_hash(two_versions) == before


def test_rolling_back_to_what_is_already_published_is_refused(two_versions):
    versions.rollback(engine=two_versions, actor=CLI_ACTOR, country_iso3="PER", version=1)
    before = content_hash(two_versions)
    for version in (1, 3):  # v3 is v1 restored: the same file, already published
        with pytest.raises(versions.AlreadyActive):
            versions.rollback(engine=two_versions, actor=CLI_ACTOR, country_iso3="PER", version=version)
    assert content_hash(two_versions) == before


def test_already_active_names_the_version():
    assert "2" in versions.AlreadyActive(version=2).message("es")


def test_check_file_validates_without_writing_and_previews_the_diff(two_versions, settings):
    before = content_hash(two_versions)
    checked = check_file(
        engine=two_versions, settings=settings, data=V1, file_name="peru-v1.xlsx", country="PER"
    )
    assert content_hash(two_versions) == before
    assert (checked.kind, checked.report.ok, checked.countries) == ("results", True, ("PER",))
    assert checked.publishable() and len(checked.results) == 2
    diff = diff_results(versions.active_results(two_versions, "PER"), checked.results)
    assert sorted(diff["status"]) == ["added", "changed", "removed", "removed"]


@pytest.mark.parametrize(
    ("data", "country", "kind", "code"),
    [
        (results_xlsx(row(country="COL")), "PER", "results", "wrong-country"),
        (b"not a workbook at all", None, "results", "not-a-workbook"),
        (
            xlsx({"actions": [["code", "title", "status"], ["A1", "Title", "finished"]]}),
            None,
            "actions",
            None,
        ),
    ],
    ids=["wrong-country", "not-a-workbook", "actions"],
)
def test_check_file_reports_problems_and_writes_nothing(engine, settings, data, country, kind, code):
    before = content_hash(engine)
    checked = check_file(engine=engine, settings=settings, data=data, file_name="f.xlsx", country=country)
    assert checked.kind == kind
    assert not checked.publishable()
    if code:
        assert code in checked.report.counts()
    if kind == "actions":
        assert checked.actions is not None and checked.results is None
    assert content_hash(engine) == before


# The diff, on hand-made frames: the key is (indicator, year, grade, subject, group), nulls included.
KEYS = ["indicator_code", "year", "grade", "subject", "group"]


def _frame(*rows: tuple) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[*KEYS, "value", "se"])
    frame["grade"] = frame["grade"].astype("Int64")
    frame["country_iso3"] = "PER"
    return frame


OLD = _frame(
    ("score_mean", 2019, 6, "reading", "total", 700.0, 2.0),  # unchanged
    ("score_mean", 2019, 3, "reading", "total", 650.0, 2.0),  # removed
    ("score_mean", 2019, 6, "mathematics", "total", 690.0, 2.0),  # changed value
    ("pct_below_min", 2019, None, None, "total", 30.0, None),  # changed se, null keys
    ("pct_below_min", 2019, None, None, "female", 28.0, None),  # unchanged, null keys
)
NEW = _frame(
    ("score_mean", 2019, 6, "reading", "total", 700.0, 2.0),
    ("score_mean", 2019, 6, "mathematics", "total", 695.0, 2.0),
    ("pct_below_min", 2019, None, None, "total", 30.0, 1.5),
    ("pct_below_min", 2019, None, None, "female", 28.0, None),
    ("score_mean", 2019, 6, "science", "total", 710.0, None),  # added
)


@pytest.mark.parametrize(
    ("key", "status", "old_value", "new_value"),
    [
        (("score_mean", 2019, 6, "reading", "total"), "unchanged", 700.0, 700.0),
        (("score_mean", 2019, 3, "reading", "total"), "removed", 650.0, None),
        (("score_mean", 2019, 6, "mathematics", "total"), "changed", 690.0, 695.0),
        (("pct_below_min", 2019, None, None, "total"), "changed", 30.0, 30.0),
        (("pct_below_min", 2019, None, None, "female"), "unchanged", 28.0, 28.0),
        (("score_mean", 2019, 6, "science", "total"), "added", None, 710.0),
    ],
    ids=["unchanged", "removed", "changed-value", "changed-se-null-keys", "unchanged-null-keys", "added"],
)
def test_diff_results_classifies_each_key(key, status, old_value, new_value):
    diff = diff_results(OLD, NEW)
    assert list(diff.columns) == list(DIFF_COLUMNS) and len(diff) == 6
    indicator, year, grade, subject, group = key
    match = (diff["indicator_code"] == indicator) & (diff["group"] == group) & (diff["year"] == year)
    match &= diff["grade"].isna() if grade is None else diff["grade"].eq(grade).fillna(False)
    match &= diff["subject"].isna() if subject is None else diff["subject"].eq(subject)
    found = diff[match]
    assert len(found) == 1
    got = found.iloc[0]
    assert got["status"] == status
    for column, expected in (("old_value", old_value), ("new_value", new_value)):
        assert np.isnan(got[column]) if expected is None else got[column] == expected


def test_summarize_diff_counts_per_indicator():
    summary = summarize_diff(diff_results(OLD, NEW))
    assert summary.to_dict("records") == [
        {"indicator_code": "pct_below_min", "added": 0, "removed": 0, "changed": 1, "unchanged": 1},
        {"indicator_code": "score_mean", "added": 1, "removed": 1, "changed": 1, "unchanged": 1},
    ]


def test_diff_against_nothing_published_is_all_added(two_versions):
    nothing = versions.active_results(two_versions, "COL")
    diff = diff_results(nothing, OLD)
    assert set(diff["status"]) == {"added"} and len(diff) == len(OLD)
    assert summarize_diff(diff_results(nothing, nothing)).empty


def test_diff_of_100000_rows_is_vectorised():
    rng = np.random.default_rng(42)
    size = 100_000
    old = pd.DataFrame(
        {
            "country_iso3": "PER",
            "indicator_code": rng.choice(["score_mean", "pct_below_min"], size),
            "year": np.arange(size) + 1,
            "grade": pd.array(np.where(rng.random(size) < 0.5, None, 6), dtype="Int64"),
            "subject": np.where(rng.random(size) < 0.5, None, "reading"),
            "group": "total",
            "value": rng.normal(500, 50, size),
        }
    )
    new = old.copy()
    new.loc[new.index % 10 == 0, "value"] += 1.0
    summary = summarize_diff(diff_results(old, new))
    assert summary[["changed", "unchanged"]].sum().tolist() == [size // 10, size - size // 10]
