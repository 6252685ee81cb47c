"""POST /auth/login and /auth/logout over HTTP from a served app: the session cookie's flags, the
one answer for every bad login, the refusal of cross-site posts and of redirects to other hosts.

Layer: tests (routes). The browser tests (tests/browser/test_sessions_browser.py) go through the
forms; these check what the forms cannot show.
"""

from __future__ import annotations

import http.client
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest

from data_access.core.accounts import create_user, set_active
from data_access.core.actors import CLI_ACTOR
from data_access.core.logins import SESSION_COOKIE, list_sessions, session_actor, token_hash
from data_access.core.settings import get_settings
from data_access.core.store import make_engine

pytestmark = pytest.mark.slow
PASSWORD = "a-long-route-password"


@pytest.fixture(scope="module")
def app(served):
    """The served app with an account: (host:port, engine)."""
    url, data_dir = served
    engine = make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")
    create_user(engine=engine, actor=CLI_ACTOR, username="ana", password=PASSWORD, role="organizer")
    yield urlsplit(url).netloc, engine
    engine.dispose()


def post(host: str, path: str, form: dict[str, str], origin: str | None = "self", cookie: str = ""):
    """POST FORM without following redirects: (status, headers as a dict of lists, body)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Host": host}
    if origin:
        headers["Origin"] = f"http://{host}" if origin == "self" else origin
    if cookie:
        headers["Cookie"] = f"{SESSION_COOKIE}={cookie}"
    conn = http.client.HTTPConnection(host, timeout=15)
    conn.request("POST", path, body=urlencode(form), headers=headers)
    response = conn.getresponse()
    out: dict[str, list[str]] = {}
    for key, value in response.getheaders():
        out.setdefault(key.lower(), []).append(value)
    body = response.read()
    conn.close()
    return response.status, out, body


def _session_cookie(headers: dict[str, list[str]]) -> tuple[str, str]:
    """The session cookie's value and its whole Set-Cookie line."""
    (line,) = [c for c in headers.get("set-cookie", []) if c.startswith(SESSION_COOKIE + "=")]
    return SimpleCookie(line)[SESSION_COOKIE].value, line


def test_a_login_sets_an_httponly_samesite_cookie_whose_hash_alone_is_stored(app):
    host, engine = app
    form = {"username": "ana", "password": PASSWORD, "next": "/upload?lang=pt", "lang": "pt"}
    status, headers, _ = post(host, "/auth/login", form)
    assert status == 303 and headers["location"] == [
        "/upload?lang=pt&auth=ok"
    ]  # the page closes a phone's menu
    token, line = _session_cookie(headers)
    flags = {part.strip().lower() for part in line.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/"} <= flags and "secure" not in flags  # plain http here
    idle = get_settings().session_idle
    assert session_actor(engine, token, idle).username == "ana"
    assert all(
        token not in repr(s) and token_hash(token) not in repr(s) for s in list_sessions(engine, CLI_ACTOR)
    )
    status, headers, _ = post(host, "/auth/logout", {"next": "/compare?lang=pt"}, cookie=token)
    assert status == 303 and headers["location"] == ["/compare?lang=pt"]
    assert any(
        c.startswith(f'{SESSION_COOKIE}=""') or "max-age=0" in c.lower() for c in headers["set-cookie"]
    )
    assert session_actor(engine, token, idle) is None  # ended on the server, not only in this browser


@pytest.mark.parametrize("who", [("ana", "wrong password"), ("nobody", PASSWORD)], ids=["password", "name"])
def test_a_bad_login_comes_back_to_its_page_without_a_cookie(app, who):
    host, _ = app
    form = {"username": who[0], "password": who[1], "next": "/upload?lang=es&country=PER"}
    status, headers, _ = post(host, "/auth/login", form)
    assert status == 303 and headers["location"] == ["/upload?lang=es&country=PER&auth=failed"]
    assert "set-cookie" not in headers


@pytest.mark.parametrize("origin", ["http://evil.example", "null", None], ids=["other-site", "null", "none"])
def test_a_cross_site_login_is_refused(app, origin):
    host, engine = app
    before = len(list_sessions(engine, CLI_ACTOR))
    form = {"username": "ana", "password": PASSWORD, "next": "/", "lang": "en"}
    status, headers, body = post(host, "/auth/login", form, origin=origin)
    assert status == 403 and "set-cookie" not in headers
    assert body.decode() == "Login refused: the form did not come from this site."
    assert len(list_sessions(engine, CLI_ACTOR)) == before
    assert post(host, "/auth/logout", {"next": "/"}, origin=origin)[0] == 403


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "upload"])
def test_a_login_never_redirects_to_another_host(app, target):
    host, _ = app
    status, headers, _ = post(host, "/auth/login", {"username": "ana", "password": PASSWORD, "next": target})
    assert status == 303 and headers["location"] == ["/?auth=ok"]


def test_a_disabled_account_cannot_log_in_and_says_nothing_more(app):
    host, engine = app
    create_user(engine=engine, actor=CLI_ACTOR, username="gone", password=PASSWORD, role="organizer")
    set_active(engine=engine, actor=CLI_ACTOR, username="gone", active=False)
    status, headers, _ = post(host, "/auth/login", {"username": "gone", "password": PASSWORD, "next": "/"})
    assert status == 303 and headers["location"] == ["/?auth=failed"] and "set-cookie" not in headers


def test_an_oversized_form_is_refused(app):
    host, _ = app
    status, headers, _ = post(host, "/auth/login", {"username": "ana", "password": "x" * 10_000})
    assert status == 403 and "set-cookie" not in headers
