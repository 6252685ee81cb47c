"""Catalogue edits: every refused value named by row and column, nothing changed on refusal; good
edits saved with an audit event; ranges that would orphan published values refused."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select, text

from data_access.core.actors import CLI_ACTOR, Actor
from data_access.core.catalogues import direction_name, list_indicators
from data_access.core.errors import NotAllowed
from data_access.core.models import AuditEvent, Indicator
from data_access.core.sheet_writing import workbook_bytes
from data_access.core.store import content_hash, get_data_version, session_scope
from data_access.publishing.catalogue_edit import (
    FIELDS,
    CatalogueRejected,
    get_catalogue_state,
    read_indicator_file,
    save_indicators,
    validate_indicators,
)
from data_access.publishing.ingest import publish_results
from data_access.reports.exports import write_indicators_workbook
from data_access.stats.queries import list_indicator_frame
from data_access.workbooks.problems import Code

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

ORGANIZER = Actor("org", "organizer")
SCORE = {"code": "score_mean", "domain": "learning", "unit": "score", "min_value": 300.0, "max_value": 1100.0}
NEW = {
    "code": "teachers_trained_pct",
    "domain": "system",
    "unit": "percent",
    "min_value": 0.0,
    "max_value": 100.0,
    "higher_is_better": True,
    "name_es": "Docentes formados",
    "name_pt": "Docentes formados",
    "name_en": "Teachers trained",
}


@pytest.fixture
def catalogue(engine) -> pd.DataFrame:
    """The stored catalogue in the columns of reference/indicators.csv, one row per indicator; a
    direction of neither written as the CSV and the editor write it (a blank cell is refused)."""
    frame = list_indicator_frame(engine).loc[:, list(FIELDS)].astype(object)
    frame["higher_is_better"] = [
        direction_name(h) if h is None or h != h else h for h in frame["higher_is_better"]
    ]
    return frame


def _state(engine):
    with session_scope(engine) as session:
        return get_catalogue_state(session=session)


def _row_of(frame: pd.DataFrame, code: str) -> int:
    return int(frame.index[frame["code"] == code][0])


def _with_new_row(frame: pd.DataFrame, **values: object) -> pd.DataFrame:
    return pd.concat([frame, pd.DataFrame([NEW | values])], ignore_index=True)


def _set(code: str, column: str, value: object):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[_row_of(frame, code), column] = value
        return frame

    return change


def _score(column: str, value: object):
    """A change to one cell of score_mean's row."""
    return _set("score_mean", column, value)


SM = "score_mean"
# (what is wrong, how the frame is changed, the code and column reported, the code of its row;
# None: the new row added at the bottom)
BAD_EDITS = [
    ("code with capitals", lambda f: _with_new_row(f, code="Teachers Pct"), Code.TYPE_ERROR, "code", None),
    ("code with an accent", lambda f: _with_new_row(f, code="año_pct"), Code.TYPE_ERROR, "code", None),
    ("code left empty", lambda f: _with_new_row(f, code=None), Code.MISSING_VALUE, "code", None),
    ("code twice", lambda f: _with_new_row(f, **SCORE), Code.DUPLICATE_ROW, "code", None),
    ("unknown domain", _score("domain", "politics"), Code.TYPE_ERROR, "domain", SM),
    ("unknown unit", _score("unit", "points"), Code.TYPE_ERROR, "unit", SM),
    ("unit changed", _score("unit", "percent"), Code.TYPE_ERROR, "unit", SM),
    ("domain changed", _score("domain", "system"), Code.TYPE_ERROR, "domain", SM),
    ("min equals max", _score("max_value", 300.0), Code.OUT_OF_RANGE, "max_value", SM),
    ("max below min", lambda f: _with_new_row(f, max_value=-1.0), Code.OUT_OF_RANGE, "max_value", None),
    ("percent past 100", lambda f: _with_new_row(f, max_value=600.0), Code.OUT_OF_RANGE, "max_value", None),
    ("percent below 0", lambda f: _with_new_row(f, min_value=-5.0), Code.OUT_OF_RANGE, "min_value", None),
    ("min as text", _score("min_value", "abc"), Code.TYPE_ERROR, "min_value", SM),
    ("min empty", _score("min_value", None), Code.MISSING_VALUE, "min_value", SM),
    ("max infinite", _score("max_value", float("inf")), Code.NOT_FINITE, "max_value", SM),
    ("direction", _score("higher_is_better", "perhaps"), Code.TYPE_ERROR, "higher_is_better", SM),
    ("name_es blank", _score("name_es", "   "), Code.MISSING_VALUE, "name_es", SM),
    ("name_pt missing", lambda f: _with_new_row(f, name_pt=None), Code.MISSING_VALUE, "name_pt", None),
    ("name_en control", _score("name_en", "Mean\x07score"), Code.CONTROL_CHARACTERS, "name_en", SM),
    ("name too long", _score("name_en", "x" * 201), Code.TEXT_TOO_LONG, "name_en", SM),
]


@pytest.mark.parametrize(
    ("case", "change", "code", "column", "row_code"), BAD_EDITS, ids=[c[0] for c in BAD_EDITS]
)
def test_each_refused_value_is_reported_with_its_row_and_column_and_nothing_changes(
    engine, catalogue, case, change, code, column, row_code
):
    frame = change(catalogue.copy())
    row = len(frame) if row_code is None else _row_of(frame, row_code) + 1  # rows as the editor counts
    clean, report = validate_indicators(frame, state=_state(engine))
    assert [(p.code, p.row, p.column) for p in report.errors] == [(code, row, column)], report.to_frame("en")
    assert len(clean) == len(frame) - 1  # only the refused row is left out
    for lang in ("es", "pt", "en"):
        assert report.problems[0].message(lang)
    before = content_hash(engine)
    with pytest.raises(CatalogueRejected):
        save_indicators(engine=engine, actor=ORGANIZER, frame=frame)
    assert content_hash(engine) == before


def test_headers_name_columns_as_the_editor_shows_them(engine, catalogue):
    frame = _set("score_mean", "name_en", "")(catalogue.copy())
    _, report = validate_indicators(frame, state=_state(engine), headers={"name_en": "nombre (en)"})
    assert report.errors[0].column == "nombre (en)"
    assert "nombre (en)" in report.errors[0].message("es")


def test_a_good_edit_is_saved_with_an_audit_event_and_a_new_data_version(engine, catalogue):
    frame = _set("score_mean", "name_en", "Average score")(catalogue.copy())
    frame = _set("score_mean", "max_value", 1200.0)(frame)
    frame = _with_new_row(frame)
    version = get_data_version(engine)
    outcome = save_indicators(engine=engine, actor=ORGANIZER, frame=frame)
    assert outcome.created == ("teachers_trained_pct",) and outcome.updated == ("score_mean",)
    assert get_data_version(engine) == version + 1
    with session_scope(engine) as session:
        stored = {i.code: i for i in list_indicators(session=session)}
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "edit-catalogue")).scalar_one()
        sql = "SELECT typeof(min_value), typeof(higher_is_better) FROM indicator WHERE code = :c"
        if engine.dialect.name == "postgresql":
            sql = sql.replace("typeof(min_value)", "pg_typeof(min_value)::text")
            sql = sql.replace("typeof(higher_is_better)", "pg_typeof(higher_is_better)::text")
        types = session.execute(text(sql), {"c": "teachers_trained_pct"}).one()
    assert stored["score_mean"].name_en == "Average score" and stored["score_mean"].max_value == 1200
    assert stored["teachers_trained_pct"].name_en == "Teachers trained"
    assert event.actor == "org" and "teachers_trained_pct" in event.entity_id
    assert '"max_value": [1100.0, 1200.0]' in event.detail
    # plain Python values, never numpy BLOBs (PostgreSQL would refuse those outright)
    assert types in (("real", "integer"), ("double precision", "boolean"))


def test_saving_an_unchanged_catalogue_writes_nothing(engine, catalogue):
    before = content_hash(engine)
    outcome = save_indicators(engine=engine, actor=ORGANIZER, frame=catalogue)
    assert outcome.created == outcome.updated == ()
    assert content_hash(engine) == before


def test_the_catalogue_only_grows(engine, catalogue):
    """A frame holding one indicator changes that one; the others are not deleted."""
    count = len(catalogue)
    frame = _set("score_mean", "source", "LLECE")(catalogue.copy())
    one = frame[frame["code"] == "score_mean"]
    assert save_indicators(engine=engine, actor=ORGANIZER, frame=one).updated == ("score_mean",)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Indicator)).scalar_one() == count


def _publish_score(engine, value: float) -> None:
    frame = pd.DataFrame(
        [{"country_iso3": "PER", "indicator_code": "score_mean", "year": 2019, "grade": 6,
          "subject": "reading", "group": "total", "value": value}]
    )  # fmt: skip
    publish_results(
        engine=engine, frame=frame, country_iso3="PER", file_name="PER.xlsx", data=b"x", actor=CLI_ACTOR
    )


@pytest.mark.parametrize(
    ("column", "value", "published"),
    [("max_value", 700.0, 741.5), ("min_value", 800.0, 741.5), ("min_value", 741.6, 741.5)],
)
def test_a_range_that_would_orphan_published_values_is_refused(engine, catalogue, column, value, published):
    _publish_score(engine, published)
    frame = _set("score_mean", column, value)(catalogue.copy())
    _, report = validate_indicators(frame, state=_state(engine))
    problem = report.errors[0]
    assert (problem.code, problem.column, problem.row) == (
        Code.OUT_OF_RANGE,
        column,
        _row_of(frame, "score_mean") + 1,
    )
    assert problem.params["published"] == published
    assert "741,5" in problem.message("es")
    before = content_hash(engine)
    with pytest.raises(CatalogueRejected):
        save_indicators(engine=engine, actor=ORGANIZER, frame=frame)
    assert content_hash(engine) == before


def test_a_range_that_still_holds_every_published_value_is_saved(engine, catalogue):
    _publish_score(engine, 741.5)
    frame = _set("score_mean", "min_value", 741.5)(catalogue.copy())
    frame = _set("score_mean", "max_value", 900.0)(frame)
    assert save_indicators(engine=engine, actor=ORGANIZER, frame=frame).updated == ("score_mean",)


@pytest.mark.parametrize("actor", [Actor("per", "coordinator", "PER"), Actor("", "anonymous")])
def test_only_organizers_edit_the_catalogue(engine, catalogue, actor):
    before = content_hash(engine)
    with pytest.raises(NotAllowed):
        save_indicators(engine=engine, actor=actor, frame=_with_new_row(catalogue))
    assert content_hash(engine) == before


def test_the_downloaded_workbook_imports_again_unchanged(engine, settings):
    state = _state(engine)
    data = write_indicators_workbook(state.indicators.values())
    clean, report = read_indicator_file(data, settings=settings, state=state)
    assert report.problems == () and len(clean) == len(state.indicators)
    assert save_indicators(engine=engine, actor=ORGANIZER, frame=clean).updated == ()


def test_a_workbook_problem_names_the_sheet_and_the_excel_row(engine, settings):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Indicadores"
    ws.append(["Catálogo del encuentro"])  # a title row above the header is skipped
    ws.append(list(FIELDS[:9]))
    ws.append([NEW[c] for c in FIELDS[:9]])
    ws.append([*(NEW[c] for c in FIELDS[:3]), 0, "cien", True, "a", "b", "c"])
    clean, report = read_indicator_file(workbook_bytes(wb), settings=settings, state=_state(engine))
    found = [(p.code, p.sheet, p.row, p.column) for p in report.errors]
    assert found == [
        (Code.DUPLICATE_ROW, "Indicadores", 4, "code"),
        (Code.TYPE_ERROR, "Indicadores", 4, "max_value"),
    ]
    assert report.errors[1].message("es").startswith("Hoja «Indicadores», fila 4, columna «max_value»")
    assert list(clean["code"]) == ["teachers_trained_pct"]


def test_a_file_that_is_not_a_workbook_is_one_problem(engine, settings):
    _, report = read_indicator_file(b"code,domain\n", settings=settings, state=_state(engine))
    assert [p.code for p in report.errors] == [Code.NOT_A_WORKBOOK]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("más bajo es mejor", False),
        ("neither", None),
        ("Ninguno es mejor", None),
        ("sí", True),
        ("higher", True),
    ],
)
def test_a_direction_is_read_in_any_language_and_neither_is_kept(engine, catalogue, typed, stored):
    frame = _with_new_row(catalogue.copy(), higher_is_better=typed)
    save_indicators(engine=engine, actor=ORGANIZER, frame=frame)
    with session_scope(engine) as session:
        saved = {i.code: i for i in list_indicators(session=session)}["teachers_trained_pct"]
    assert saved.higher_is_better is stored


def test_an_unreadable_direction_names_the_three_choices(engine, catalogue):
    frame = _with_new_row(catalogue.copy(), higher_is_better="depende")
    _, report = validate_indicators(frame, state=_state(engine))
    [problem] = [p for p in report.problems if p.column == "higher_is_better"]
    assert problem.code == Code.TYPE_ERROR and problem.params.get("expect") == "direction"


def test_the_shipped_level_ii_share_is_neither_way_better(engine):
    """Level II is below the minimum in grade 6 and at it in grade 3: no direction of its own."""
    with session_scope(engine) as session:
        stored = {i.code: i.higher_is_better for i in list_indicators(session=session)}
    assert stored["level_2_pct"] is None and stored["level_1_pct"] is False and stored["score_mean"] is True
