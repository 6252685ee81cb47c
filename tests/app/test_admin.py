"""The admin page through AppTest: who may open it, accounts, the audit log, catalogue edits, settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from app_accounts import PASSWORD, account, sign_in
from streamlit.testing.v1 import AppTest

from components.admin.accounts import MANAGE_KEY, NEW_COUNTRY_KEY, NEW_GENERATE_KEY, NEW_NAME_KEY
from components.admin.catalogue import EDITOR_KEY
from components.admin.sessions import EDITOR_KEY as SESSIONS_EDITOR_KEY
from components.admin.sessions import END_KEY as SESSIONS_END_KEY
from data_access.core import accounts, logins
from data_access.core.actors import CLI_ACTOR, Actor
from data_access.core.i18n import load_texts, t
from data_access.core.settings import get_settings
from data_access.core.store import content_hash
from data_access.meeting.meeting_settings import get_meeting_settings
from data_access.stats.queries import list_indicator_frame

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def organizer(engine) -> Actor:
    return account(engine, "org")


def open_admin(actor: Actor | None, lang: str = "en", **state: object) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    if actor is not None:
        sign_in(at, actor)
    for key, value in state.items():
        at.session_state[key] = value
    return rerun(at.switch_page("pages/admin.py"))


def rerun(target) -> AppTest:
    """Run the script again (TARGET: the AppTest, or a widget just changed) and check it ran clean."""
    at = target.run()
    assert not at.exception, at.exception
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page that has COLUMN."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def user(engine, username: str):
    return next((u for u in accounts.list_users(engine) if u.username == username), None)


def test_anonymous_visitors_are_sent_to_log_in(engine):
    at = open_admin(None)
    assert [w.value for w in at.warning] == [t("auth.page_needs_organizer", "en")]  # not coordinators
    assert not at.title and not at.tabs


def test_coordinators_are_refused(engine):
    at = open_admin(account(engine, "per", "coordinator", "PER"))
    assert [w.value for w in at.warning] == [t("auth.page_not_for_role", "en")]
    assert not at.title and not at.tabs


def test_a_disabled_organizer_loses_the_page_on_the_next_run(engine, organizer):
    accounts.set_active(engine=engine, actor=CLI_ACTOR, username="org", active=False)
    at = open_admin(organizer)
    assert [w.value for w in at.warning] == [t("auth.page_needs_organizer", "en")]


def test_organizers_see_seven_tabs_and_every_account_without_its_hash(engine, organizer):
    account(engine, "per", "coordinator", "PER")
    at = open_admin(organizer)
    assert [tab.label for tab in at.tabs] == [
        t("admin.tab_accounts", "en"),
        t("auth.sessions_tab", "en"),
        *(t(f"admin.tab_{k}", "en") for k in ("audit", "catalogue", "meeting")),
        t("outcome.admin_tab", "en"),
        t("admin.tab_backup", "en"),
    ]
    users = table_with(at, t("admin.col_username", "en"))
    assert {"org", "per"} <= set(users[t("admin.col_username", "en")])
    assert "Peru" in set(users[t("admin.col_country", "en")])
    cells = " ".join(str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())
    assert "argon2" not in cells and "$argon2" not in cells


def test_an_organizer_creates_a_coordinator_whose_password_is_shown_once(engine, organizer):
    at = open_admin(organizer)
    at.text_input(key=NEW_NAME_KEY).input("coord_per")
    at.selectbox(key=NEW_COUNTRY_KEY).select("PER")
    rerun(at.button(key="admin_create").click())
    created = user(engine, "coord_per")
    assert (created.role, created.country_iso3, created.active) == ("coordinator", "PER", True)
    password = at.code[0].value
    assert len(password) >= accounts.MIN_PASSWORD
    assert accounts.authenticate(engine, "coord_per", password) == Actor("coord_per", "coordinator", "PER")
    assert password not in " ".join(e.value for e in at.text)
    assert at.text_input(key=NEW_NAME_KEY).value == ""  # the form is emptied for the next account
    rerun(at)
    assert not at.code  # shown once


def test_typed_passwords_must_match_and_an_odd_name_is_refused(engine, organizer):
    at = open_admin(organizer, **{NEW_GENERATE_KEY: False})
    at.text_input(key=NEW_NAME_KEY).input("[x](javascript:alert)")
    at.selectbox(key=NEW_COUNTRY_KEY).select("COL")
    at.text_input(key="admin_new_password").input(PASSWORD)
    at.text_input(key="admin_new_password_again").input(PASSWORD)
    rerun(at.button(key="admin_create").click())
    assert [e.value for e in at.error] == [t("admin.username_format", "en")]
    at.text_input(key=NEW_NAME_KEY).input("coord_col")
    at.text_input(key="admin_new_password_again").input(PASSWORD + "!")
    rerun(at.button(key="admin_create").click())
    assert [e.value for e in at.error] == [t("admin.passwords_differ", "en")]
    assert user(engine, "coord_col") is None
    at.text_input(key="admin_new_password_again").input(PASSWORD)
    rerun(at.button(key="admin_create").click())
    assert accounts.authenticate(engine, "coord_col", PASSWORD).country_iso3 == "COL"
    assert not at.code  # a typed password is never shown back


def test_an_organizer_disables_an_account_and_the_audit_log_shows_it(engine, organizer):
    account(engine, "per", "coordinator", "PER")
    at = open_admin(organizer)
    at.selectbox(key=MANAGE_KEY).select("per")
    rerun(at.button(key="admin_toggle_active").click())
    assert user(engine, "per").active is False
    log = table_with(at, t("admin.audit_col_action", "en"))
    actions = list(
        zip(log[t("admin.audit_col_action", "en")], log[t("admin.audit_col_entity_id", "en")], strict=True)
    )
    assert actions[0] == ("disable-user", "per")  # newest first
    assert ("create-user", "per") in actions


def test_an_organizer_cannot_disable_their_own_account(engine, organizer):
    at = open_admin(organizer)
    at.selectbox(key=MANAGE_KEY).select("org")
    assert rerun(at).button(key="admin_toggle_active").disabled


def test_a_reset_password_is_shown_once_and_works(engine, organizer):
    account(engine, "per", "coordinator", "PER")
    at = open_admin(organizer)
    at.selectbox(key=MANAGE_KEY).select("per")
    rerun(at.button(key="admin_reset_password").click())
    assert accounts.authenticate(engine, "per", at.code[0].value).username == "per"


def test_the_audit_log_filters_by_actor(engine, organizer):
    account(engine, "per", "coordinator", "PER")
    at = open_admin(organizer)
    at.selectbox(key="admin_audit_actor").select("cli")
    log = table_with(rerun(at), t("admin.audit_col_action", "en"))
    assert set(log[t("admin.audit_col_actor", "en")]) == {"cli"}
    assert "create-user" in set(log[t("admin.audit_col_action", "en")])


def _editor_row(engine, code: str) -> int:
    return int(list_indicator_frame(engine)["code"].tolist().index(code))


def test_a_refused_catalogue_edit_is_listed_and_changes_nothing(engine, organizer):
    """The sample meeting publishes mean scores near 700: a maximum of 600 would orphan them."""
    before = content_hash(engine)
    row = _editor_row(engine, "score_mean")
    edits = {"edited_rows": {row: {"max_value": 600.0, "name_en": ""}}, "added_rows": [], "deleted_rows": []}
    at = open_admin(organizer, **{EDITOR_KEY: edits})
    assert t("admin.refused", "en", count=2) in [e.value for e in at.error]
    report = table_with(at, t("report.message", "en").capitalize())
    assert set(report[t("admin.col_code", "en")]) == {"score_mean"}
    assert set(report[t("report.column", "en").capitalize()]) == {
        t("column.max_value", "en"),
        t("column.name_en", "en"),
    }
    assert set(report[t("report.row", "en").capitalize()]) == {row + 1}
    assert not [b for b in at.button if b.key == "admin_catalogue_save"]
    assert content_hash(engine) == before


def test_a_good_catalogue_edit_is_saved_after_the_check(engine, organizer):
    row = _editor_row(engine, "score_mean")
    new = {"_index": "teachers_trained_pct", "domain": "system", "unit": "percent", "min_value": 0.0,
           "max_value": 100.0, "higher_is_better": True, "name_es": "Docentes formados",
           "name_pt": "Docentes formados", "name_en": "Teachers trained"}  # fmt: skip
    edits = {"edited_rows": {row: {"name_en": "Average score"}}, "added_rows": [new], "deleted_rows": []}
    at = open_admin(organizer, **{EDITOR_KEY: edits})
    assert t("admin.ready", "en", created=1, updated=1) in [i.value for i in at.info]
    rerun(at.button(key="admin_catalogue_save").click())
    assert t("admin.saved", "en", created=1, updated=1) in [s.value for s in at.success]
    catalogue = list_indicator_frame(engine).set_index("code")
    assert catalogue.loc["score_mean", "name_en"] == "Average score"
    assert catalogue.loc["teachers_trained_pct", "unit"] == "percent"


def test_meeting_settings_are_saved_and_a_bad_address_is_refused(engine, organizer):
    at = open_admin(organizer)
    at.text_input(key="admin_meeting_name").input("IV Encuentro")
    at.text_input(key="admin_meeting_city").input("Lima")
    at.date_input(key="admin_meeting_start").set_value(date(2026, 5, 12))
    at.date_input(key="admin_meeting_end").set_value(date(2026, 5, 13))
    at.text_input(key="admin_meeting_url").input("ftp://encuentro.example.org")
    rerun(at.button(key="admin_meeting_save").click())
    assert any(t("admin.meeting_problem.public_url_invalid", "en") in e.value for e in at.error)
    assert get_meeting_settings(engine).name == ""
    at.text_input(key="admin_meeting_url").input("https://encuentro.example.org")
    rerun(at.button(key="admin_meeting_save").click())
    info = get_meeting_settings(engine)
    assert (info.name, info.city, info.start, info.public_url) == (
        "IV Encuentro",
        "Lima",
        date(2026, 5, 12),
        "https://encuentro.example.org",
    )
    assert t("admin.meeting_saved", "en") in [s.value for s in at.success]


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_no_spanish_is_left_in_portuguese_or_english(engine, organizer, lang):
    at = open_admin(organizer, lang)
    spanish = {e["es"] for e in load_texts().values() if e["es"] != e[lang] and "{" not in e["es"]}
    shown = [tab.label for tab in at.tabs] + [s.value for s in at.subheader] + [c.value for c in at.caption]
    shown += [w.label for kind in ("text_input", "selectbox", "button", "toggle") for w in at.get(kind)]
    shown += [str(c) for df in at.dataframe for c in df.value.columns]
    assert [text for text in shown if text in spanish] == []


def test_organizers_see_open_sessions_and_end_the_ticked_ones(engine, organizer):
    ana = account(engine, "ana_per", country="PER")
    idle = get_settings().session_idle
    elsewhere = [logins.start_session(engine, "ana_per", f"10.0.0.{i}", idle) for i in (1, 2)]
    at = open_admin(organizer)
    address = "address"  # the editor's columns keep their codes; column_config labels them
    shown = table_with(at, address)
    assert sorted(shown[address]) == ["10.0.0.1", "10.0.0.2", "apptest"]
    assert f"org {t('auth.your_session', 'en')}" in list(shown["username"])
    assert at.button(key=SESSIONS_END_KEY).disabled  # nothing ticked yet
    row = list(shown[address]).index("10.0.0.1")
    edits = {"edited_rows": {row: {"end": True}}, "added_rows": [], "deleted_rows": []}
    at.session_state[SESSIONS_EDITOR_KEY] = edits
    at = rerun(at)
    assert at.button(key=SESSIONS_END_KEY).label == t("auth.end_sessions", "en", n=1)
    at = rerun(at.button(key=SESSIONS_END_KEY).click())
    assert t("auth.sessions_ended", "en", n=1) in [s.value for s in at.success]
    assert logins.session_actor(engine, elsewhere[0], idle) is None
    assert logins.session_actor(engine, elsewhere[1], idle) == ana
    assert sorted(table_with(at, address)[address]) == ["10.0.0.2", "apptest"]
