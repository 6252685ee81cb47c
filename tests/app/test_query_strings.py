"""A URL is input too: every page, for an organizer (who sees every page), survives generated query
strings (unknown codes, wrong types, huge values, stray keys) without an exception element; the
values it cannot use are replaced, and /compare and /country say so.

Layer: tests (app). Property-based (hypothesis), a few examples per page so the suite stays short;
derandomized, so CI runs the same cases every time.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from app_accounts import account, sign_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from components.shell.navigation import PAGES
from data_access.core.accounts import UserExists
from data_access.core.actors import Actor
from data_access.core.i18n import t
from data_access.core.settings import get_settings
from data_access.core.store import make_engine

ROOT = Path(__file__).resolve().parents[2]
ORGANIZER = Actor("fuzz_org", "organizer")
KEYS = (
    "chart", "indicator", "grade", "subject", "year", "group", "countries", "sort", "pair", "domain",
    "y", "ysubject", "country", "lang", "action", "follow", "slide", "status", "theme", "q",
)  # fmt: skip
ODD = (
    "XXX", "", " ", "-1", "0", "2019.5", "1e309", "nan", "None", "PER,XXX,,per", "ARG,ARG", "score_mean",
    "../../etc/passwd", "<script>alert(1)</script>", "[x](javascript:alert(1))", "$x^2$", "\u202eevil",
    "\x00", "9" * 40, "ranking", "map", "es", "pt", "zz",
)  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=30),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ,", min_size=1, max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.text(min_size=300, max_size=3000),
)
QUERIES = st.dictionaries(
    st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12)), VALUES, max_size=6
)


def _run(page_file: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    engine = make_engine(get_settings().database_url)
    with contextlib.suppress(UserExists):  # the store lives across a hypothesis test's examples
        account(engine, ORGANIZER.username, ORGANIZER.role)
    engine.dispose()
    sign_in(at, ORGANIZER)
    at.run()
    if page_file != "app.py":
        at.switch_page(page_file)
        at.run()
    return at


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.key)
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=QUERIES)
def test_no_query_string_raises_an_exception(page, app_store, query) -> None:
    at = _run(page.file, query)
    assert not at.exception, (page.key, query, [e.value for e in at.exception])


def test_unknown_countries_on_compare_are_replaced_and_named(app_store) -> None:
    at = _run("pages/compare.py", {"lang": "en", "countries": "PER,XXX", "year": "abc"})
    assert not at.exception
    notice = t("compare.url_ignored", "en", values="«XXX», «abc»")
    assert notice in [c.value for c in at.caption]


def test_an_unknown_country_on_country_is_named_not_silently_swapped(app_store) -> None:
    at = _run("pages/country.py", {"lang": "en", "country": "XXX"})
    assert not at.exception
    assert any("“XXX”" in c.value and "not a country of the region" in c.value for c in at.caption)
