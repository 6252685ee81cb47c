"""Every registered page runs for every role, in every language, without an exception; pages a
role may not open say so and show nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_accounts import account, sign_in
from streamlit.testing.v1 import AppTest

from components.shell.navigation import PAGES
from data_access.core.actors import ANONYMOUS_ACTOR, Actor
from data_access.core.i18n import t
from data_access.core.store import make_engine

ROOT = Path(__file__).resolve().parents[2]
ACTORS = {
    "anonymous": ANONYMOUS_ACTOR,
    "coordinator": Actor("smoke_coord", "coordinator", "PER"),
    "organizer": Actor("smoke_org", "organizer"),
}


@pytest.mark.parametrize("lang", ["es", "pt", "en"])
@pytest.mark.parametrize("role", list(ACTORS))
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.key)
def test_page_runs_for_role(page, role, lang, app_store):
    actor = ACTORS[role]
    if actor.username:
        engine = make_engine(f"sqlite:///{app_store / 'encuentro.db'}")
        account(engine, actor.username, actor.role, actor.country_iso3)
        engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    if actor.username:
        sign_in(at, actor)
    at.run()
    if page.file != "app.py":
        at.switch_page(page.file)
        at.query_params["lang"] = lang
        at.run()
    assert not at.exception, at.exception
    refused = {w.value for w in at.warning} & {
        t("auth.page_needs_login", lang),
        t("auth.page_needs_organizer", lang),
        t("auth.page_not_for_role", lang),
    }
    assert bool(refused) == (not page.visible_to(role))
    if refused:
        assert not at.file_uploader and not at.get("tab") and not at.dataframe


@pytest.mark.parametrize("content", [b"", b"not a database" * 100], ids=["zero-bytes", "garbage"])
def test_an_unusable_store_is_named_on_the_page_not_raised(app_store, content):
    (app_store / "encuentro.db").write_bytes(content)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    (error,) = at.error
    assert "cannot be used" in error.value or "is empty" in error.value or "not a SQLite" in error.value
    assert "restore" in error.value
    assert (app_store / "encuentro.db").read_bytes() == content  # never written
