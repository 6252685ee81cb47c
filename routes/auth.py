"""POST /auth/login and POST /auth/logout: the login form posts here, never through a widget.

Layer: routes. A password never enters a Streamlit session's state: the browser posts it to this
route, which checks it (the same throttle and message as before), opens a session in the store
and sets its token in an HttpOnly, SameSite=Lax cookie (Secure over https); every page then reads
the actor from that cookie. A request from another site is refused (its Origin, or failing that
its Referer, must be this host), and the redirect target must be a path on this site.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from data_access.core import accounts, logins
from data_access.core.errors import EncuentroError
from data_access.core.i18n import normalize_lang, t
from data_access.core.settings import get_settings
from data_access.core.store import configured_engine
from data_access.operations.metrics import FAILED_LOGINS

MAX_FORM_BYTES = 4096  # a name, a password and a path: anything longer is not our form
COOKIE_DAYS = 30  # the browser may keep the cookie this long; the store ends idle sessions sooner


def same_origin(request: Request) -> bool:
    """Whether the request comes from a page of this site: Origin (or Referer) names this host."""
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    parts = urlsplit(source)
    return bool(parts.netloc) and parts.netloc == request.headers.get("host", "")


def local_path(target: str) -> str:
    """TARGET when it is a path on this site ("/upload?lang=pt"), else "/": never another host."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return urlunsplit(("", "", parts.path, parts.query, ""))


def _with_param(path: str, key: str, value: str) -> str:
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != key] + [(key, value)]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


async def _form(request: Request) -> dict[str, str] | None:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _refused(form: dict[str, str] | None) -> Response:
    lang = normalize_lang((form or {}).get("lang"))
    return PlainTextResponse(t("auth.cross_site", lang), status_code=403)


def _open_session(username: str, password: str, address: str) -> str:
    """Check the password (argon2, so in a worker thread) and open a session; its token."""
    engine = configured_engine()
    actor = accounts.authenticate(engine, username, password, address)
    return logins.start_session(engine, actor.username, address, get_settings().session_idle)


async def log_in(request: Request) -> Response:
    """303 back to the page with the session cookie, or with ?auth=failed and no cookie."""
    form = await _form(request)
    if form is None or not same_origin(request):
        return _refused(form)
    target = local_path(form.get("next", "/"))
    address = request.client.host if request.client else "unknown"
    try:
        token = await to_thread.run_sync(
            _open_session, form.get("username", "").strip(), form.get("password", ""), address
        )
    except EncuentroError:  # wrong name, wrong password, throttled: one answer for all
        FAILED_LOGINS.inc()
        return RedirectResponse(_with_param(target, logins.AUTH_PARAM, "failed"), status_code=303)
    response = RedirectResponse(_with_param(target, logins.AUTH_PARAM, "ok"), status_code=303)
    response.set_cookie(
        logins.SESSION_COOKIE,
        token,
        max_age=COOKIE_DAYS * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


async def log_out(request: Request) -> Response:
    """End the session on the server (every tab holding it), drop the cookie, back to the page."""
    form = await _form(request)
    if form is None or not same_origin(request):
        return _refused(form)
    token = request.cookies.get(logins.SESSION_COOKIE)
    if token:
        await to_thread.run_sync(logins.end_session, configured_engine(), token)
    response = RedirectResponse(local_path(form.get("next", "/")), status_code=303)
    response.delete_cookie(logins.SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


def auth_routes() -> list[Route]:
    """The routes this module serves."""
    return [
        Route(logins.LOGIN_PATH, log_in, methods=["POST"]),
        Route(logins.LOGOUT_PATH, log_out, methods=["POST"]),
    ]
