"""/working_groups for an anonymous visitor, a coordinator and an organizer: rosters for everyone,
contact details and their downloads only for logged-in users; filters bound to the URL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_accounts import account, sign_in
from streamlit.testing.v1 import AppTest

from components.groups.cards import plain_markdown
from components.groups.loaders import WG_COUNTRY_KEY, WG_GROUP_KEY
from data_access.core.actors import ANONYMOUS_ACTOR, Actor
from data_access.core.i18n import t
from data_access.core.store import make_engine

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/working_groups.py"
COORDINATOR = Actor("wg_coord", "coordinator", "PER")
ORGANIZER = Actor("wg_org", "organizer")
PHONE = re.compile(r"\+00 ?555")


def _open(app_store: Path, actor: Actor = ANONYMOUS_ACTOR, **params: str) -> AppTest:
    if actor.username:
        engine = make_engine(f"sqlite:///{app_store / 'encuentro.db'}")
        account(engine, actor.username, actor.role, actor.country_iso3)
        engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if actor.username:
        sign_in(at, actor)
    at.run()
    at.switch_page(PAGE)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _elements(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _elements(child)


def _downloads(at: AppTest) -> list:
    return [e for e in _elements(at._tree) if e.type == "download_button"]


def _stylesheet(element: object) -> bool:
    """The app's own static stylesheets (st.html with only a <style>): code, not page content."""
    body = str(getattr(getattr(element, "proto", None), "body", ""))
    body = body.strip()
    return element.type == "html" and body.startswith("<style>") and body.endswith("</style>")


def _all_text(at: AppTest) -> str:
    """Everything the page sends: each element's message, and every dataframe's cells (its message
    is Arrow bytes, where an "@" can be any byte)."""
    shown = [e for e in _elements(at._tree) if e.type != "dataframe" and not _stylesheet(e)]
    parts = [str(getattr(e, "proto", "")) for e in shown]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(parts)


def _names(at: AppTest) -> set[str]:
    return {name for frame in at.dataframe if "Nombre" in frame.value for name in frame.value["Nombre"]}


def test_anonymous_sees_groups_and_names_but_no_contact_details(app_store):
    at = _open(app_store)
    subheaders = [s.value for s in at.subheader]
    assert "Evaluación socioemocional \\(SER\\)" in subheaders and len(at.dataframe) == 5
    assert {"Lucía Quispe Valdivia", "Andrés Huamán Castillo"} <= _names(at)
    assert any("Presidencia: Lucía Quispe Valdivia (Perú)" in x.value.splitlines() for x in at.text)
    text = _all_text(at)
    assert "@" not in text and not PHONE.search(text)
    assert not _downloads(at)
    assert t("groups.contacts_login", "es") in [c.value for c in at.caption]
    assert t("groups.fictional_note", "es") in [i.value for i in at.info]


@pytest.mark.parametrize("actor", [COORDINATOR, ORGANIZER], ids=["coordinator", "organizer"])
def test_logged_in_users_see_contacts_and_downloads(app_store, actor):
    at = _open(app_store, actor)
    text = _all_text(at)
    assert "lucia.quispe@example.org" in text and PHONE.search(text)
    labels = [d.proto.label for d in _downloads(at)]
    assert labels.count(t("groups.download_csv", "es")) == 4
    assert labels.count(t("groups.download_vcard", "es")) == 4
    assert t("groups.contacts_login", "es") not in [c.value for c in at.caption]


def test_countries_in_no_group_and_members_per_country(app_store):
    at = _open(app_store, lang="en")
    assert [x.value for x in at.text if x.value.startswith("•")] == ["• Cuba", "• Nicaragua"]
    per_country = at.dataframe[-1].value.set_index("Country")
    assert per_country.loc["Peru", "Members"] == 2 and per_country.loc["Peru", "Groups"] == 3
    assert per_country["Members"].sum() == 32


def test_filters_come_from_the_url_and_narrow_the_cards(app_store):
    at = _open(app_store, group="ser", country="PER,COL")
    assert at.session_state[WG_GROUP_KEY] == "ser"
    assert at.session_state[WG_COUNTRY_KEY] == ["PER", "COL"]
    assert next(s.value for s in at.subheader) == "Evaluación socioemocional \\(SER\\)"
    assert _names(at) == {"Andrés Huamán Castillo"}
    assert t("groups.shown", "es", shown=1, total=8) in [c.value for c in at.caption]


def test_choosing_a_filter_writes_the_url(app_store):
    at = _open(app_store)
    at.multiselect(key=WG_COUNTRY_KEY).set_value(["MEX"]).run()
    assert at.query_params["country"] == "MEX"
    assert _names(at) == {"Fernanda Olvera Trejo", "Alejandra Cázares Montiel", "Rodrigo Villaseñor Ibarra"}
    at.selectbox(key=WG_GROUP_KEY).set_value("framework").run()
    assert at.query_params["group"] == "framework" and _names(at) == {"Rodrigo Villaseñor Ibarra"}


def test_unknown_url_values_are_ignored(app_store):
    at = _open(app_store, group="nope", country="XXX", institution="=1+1")
    assert at.session_state[WG_GROUP_KEY] is None and at.session_state[WG_COUNTRY_KEY] == []
    assert len(at.subheader) == 6


def test_typed_group_names_cannot_write_markdown():
    assert plain_markdown("**x** :red[y] <b>") == "\\*\\*x\\*\\* \\:red\\[y\\] \\<b\\>"
