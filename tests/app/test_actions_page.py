"""The joint-actions page through AppTest: what an anonymous visitor, a coordinator and an organizer
see, filters bound to the URL, posting a follow-up and editing with every refused value listed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from app_accounts import account, sign_in
from streamlit.testing.v1 import AppTest

from components.actions.editor import EDITOR_KEY
from data_access.core.actors import Actor
from data_access.core.i18n import t
from data_access.meeting.actions import list_action_history, list_actions
from data_access.workbooks.columns import ACTION_STATUSES, COMPLETIONS

ROOT = Path(__file__).resolve().parents[2]


def open_actions(actor: Actor | None, lang: str = "en", params: dict | None = None, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    if actor is not None:
        sign_in(at, actor)
    at.run()
    at.switch_page("pages/actions.py")
    for key, value in (params or {}).items():
        at.query_params[key] = value
    for key, value in state.items():
        at.session_state[key] = value
    return rerun(at)


def rerun(target) -> AppTest:
    at = target.run()
    assert not at.exception, at.exception
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def follow_up_form(at: AppTest):
    """The follow-up form's submit button, when the form is there."""
    return [b for b in at.button if b.label == t("actions.follow_submit", "en")]


def test_anonymous_sees_table_board_and_timeline_but_cannot_write(engine):
    at = open_actions(None)
    assert [tab.label for tab in at.tabs] == [
        t("actions.tab_table", "en"),
        t("actions.tab_board", "en"),
        t("actions.tab_timeline", "en"),
    ]
    table = table_with(at, t("actions.col_title", "en"))
    assert len(table) == len(list_actions(engine))
    assert "Peru" in set(table[t("actions.col_lead", "en")])
    board_heads = [h.value for h in at.subheader]
    assert any(h.startswith(t("status.in_progress", "en").capitalize()) for h in board_heads)
    charts = at.get("vega_lite_chart")
    assert charts
    spec = json.loads(charts[0].proto.spec)
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert "rule" in marks and "point" in marks
    assert not follow_up_form(at)
    assert EDITOR_KEY not in at.session_state
    assert t("actions.follow_login", "en") in [c.value for c in at.caption]


def test_filters_come_from_the_url(engine):
    at = open_actions(None, params={"status": "done"})
    table = table_with(at, t("actions.col_title", "en"))
    assert set(table[t("actions.col_status", "en")]) == {t("status.done", "en")}
    at = open_actions(None, params={"country": "URY"})
    codes = set(table_with(at, t("actions.col_title", "en"))[t("actions.col_code", "en")])
    assert codes == {"A04", "A05", "A07"}  # led by Uruguay or with Uruguay taking part


def test_detail_shows_evidence_as_text_and_history(engine):
    at = open_actions(None, params={"action": "A01"})
    texts = [x.value for x in at.text]
    assert any("Protocolo común" in x for x in texts)
    assert any(x.endswith(" in Peru") for x in texts)  # the evidence: indicator name and country
    history = table_with(at, t("actions.hist_author", "en"))
    assert list(history[t("actions.hist_author", "en")]) == ["sample"]


def test_lead_coordinator_posts_a_follow_up(engine):
    coordinator = account(engine, "per", "coordinator", "PER")
    at = open_actions(coordinator, params={"action": "A01"})  # Peru leads A01
    assert follow_up_form(at)
    at.selectbox(key="actions_follow_up_status_A01").select_index(ACTION_STATUSES.index("done"))
    at.selectbox(key="actions_follow_up_completion_A01").select_index(COMPLETIONS.index("complete"))
    at.text_area(key="actions_follow_up_note").input("Finished in March")
    at = rerun(follow_up_form(at)[0].click())
    assert t("actions.follow_saved", "en", code="A01") in [s.value for s in at.success]
    history = list_action_history(engine, "A01")
    assert history.iloc[0]["author"] == "per" and history.iloc[0]["status"] == "done"
    assert history.iloc[0]["note"] == "Finished in March"
    shown = table_with(at, t("actions.hist_author", "en"))
    assert shown.iloc[0][t("actions.hist_note", "en")] == "Finished in March"


def test_coordinator_of_another_country_gets_no_form(engine):
    at = open_actions(account(engine, "arg", "coordinator", "ARG"), params={"action": "A01"})
    assert not follow_up_form(at)
    assert EDITOR_KEY not in at.session_state


def test_organizer_gets_the_editor_and_refused_values_are_listed(engine):
    organizer = account(engine, "org")
    edits = {
        "edited_rows": {0: {"status": "bogus"}, 1: {"lead_country": "Narnia"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = open_actions(organizer, **{EDITOR_KEY: edits})
    assert EDITOR_KEY in at.session_state
    assert t("actions.refused", "en", count=2) in [e.value for e in at.error]
    report = table_with(at, t("report.value", "en").capitalize())
    assert set(report[t("report.value", "en").capitalize()]) == {"bogus", "Narnia"}
    assert list(report[t("report.row", "en").capitalize()]) == [1, 2]
    assert list_actions(engine).iloc[0]["status"] == "in_progress"  # nothing saved


def test_organizer_saves_a_status_change(engine):
    organizer = account(engine, "org")
    edits = {"edited_rows": {1: {"status": "in progress"}}, "added_rows": [], "deleted_rows": []}
    at = open_actions(organizer, **{EDITOR_KEY: edits})
    assert t("actions.ready", "en", rows=len(list_actions(engine))) in [i.value for i in at.info]
    at = rerun(at.button(key="actions_editor_save").click())
    assert list_actions(engine).set_index("code").loc["A02", "status"] == "in_progress"
    history = list_action_history(engine, "A02")
    assert history.iloc[0]["author"] == "org" and history.iloc[0]["status"] == "in_progress"


def test_the_evidence_opens_its_compare_view_and_the_countrys_profile():
    at = open_actions(None, params={"action": "A04"})
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    evidence = links[t("actions.evidence_open", "en")]
    assert evidence.page.endswith("compare")
    assert "indicator=ser_empathy" in evidence.query_string and "countries=CRI" in evidence.query_string
    profile = links[t("compare.open_country", "en", country="Costa Rica")]
    assert profile.page.endswith("country") and "country=CRI" in profile.query_string
    at.switch_page("pages/compare.py")
    for key, value in (p.split("=") for p in evidence.query_string.split("&")):
        at.query_params[key] = value
    at = rerun(at)
    assert "Costa Rica" in at.markdown[0].value


def test_evidence_without_published_figures_links_only_to_the_country():
    at = open_actions(None, params={"action": "A03"})  # dropout rate: no country has published it
    labels = [link.proto.label for link in at.get("page_link")]
    assert t("actions.evidence_open", "en") not in labels
    assert t("compare.open_country", "en", country="Dominican Republic") in labels
