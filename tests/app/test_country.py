"""/country through AppTest: Peru against the region from its published figures, its trend, its
gaps, its versions and the joint actions it leads or joins; provisional figures are marked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from app_accounts import account, sign_in
from streamlit.testing.v1 import AppTest
from test_compare import ROOT, charts, data_of, find_row, open_page

from data_access.core.actors import CLI_ACTOR
from data_access.core.i18n import t
from data_access.meeting.meeting_settings import MeetingInfo, save_meeting_settings


def test_profile_holds_perus_published_reading_score_against_the_region():
    at = open_page("pages/country.py", country="PER")
    assert at.title[0].value == t("country.title", "es", country="Perú")
    profile = data_of(charts(at)[0])
    rows = next(f for f in profile if "row_label" in f.columns)
    reading = rows[
        (rows["indicator_code"] == "score_mean") & (rows["subject"] == "reading") & (rows["grade"] == 6)
    ]
    assert reading["value"].tolist() == [741.22]
    assert not rows["indicator_code"].str.startswith("level_").any()  # levels have their own chart


def test_trend_and_gaps_are_perus_own():
    at = open_page("pages/country.py", country="PER", grade="6", subject="reading", year="2019")
    trend = next(f for f in data_of(charts(at)[1]) if "year" in f.columns and "country_iso3" in f.columns)
    assert set(trend["country_iso3"]) == {"PER"}
    assert trend.set_index("year")["value"].to_dict() == {2013: 703.05, 2019: 741.22}
    gaps = next(f for f in data_of(charts(at)[2]) if "value_a" in f.columns)
    girls_boys = gaps[gaps["country"] == "Niñas / Niños"].iloc[0]
    assert (girls_boys["value_a"], girls_boys["value_b"]) == (752.22, 731.13)


def test_actions_it_leads_or_joins_are_listed_with_a_link_to_follow_them():
    at = open_page("pages/country.py", country="PER")
    tables = [d.value for d in at.dataframe]
    actions = next(tb for tb in tables if t("actions.col_code", "es") in tb.columns)
    assert sorted(actions[t("actions.col_code", "es")]) == ["A01", "A02", "A09"]
    links = [link.proto for link in at.get("page_link")]
    assert any(link.page.endswith("actions") and "country=PER" in link.query_string for link in links)


def test_versions_are_listed():
    at = open_page("pages/country.py", country="BRA")
    versions = next(d.value for d in at.dataframe if t("upload_history.col_rows", "es") in d.value.columns)
    assert list(versions[t("table.version", "es")]) == [1]


def test_a_coordinator_opens_their_own_country_by_default(engine):
    actor = account(engine, "coord_col", country="COL")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in(at, actor)
    at.run()
    at.switch_page("pages/country.py")
    at.run()
    assert not at.exception
    assert at.query_params["country"] == "COL"


def test_an_unknown_country_opens_a_real_one():
    at = open_page("pages/country.py", country="<script>")
    assert at.query_params["country"] != "<script>" and len(at.query_params["country"]) == 3


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_page_follows_the_language(lang):
    at = open_page("pages/country.py", lang=lang, country="PER")
    headers = [s.value for s in at.subheader]
    assert t("country.section_profile", lang) in headers and t("country.section_actions", lang) in headers


def test_figures_published_during_the_meeting_are_marked_provisional(engine):
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    save_meeting_settings(engine=engine, actor=CLI_ACTOR, info=MeetingInfo(name="E", start=yesterday))
    at = open_page("pages/compare.py", chart="ranking", countries="PER")
    sources = at.dataframe[1].value
    assert set(sources[t("table.status", "es")]) == {t("compare.provisional", "es")}
    assert t("compare.provisional_note", "es") in [c.value for c in at.caption]
    peru = find_row(data_of(charts(at)[0]), "PER")
    assert peru["value"] == 741.22
