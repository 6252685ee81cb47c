"""An address that names no page goes to the overview, which says so in the visitor's language
(Streamlit's own "Page not found" dialog is English only and cannot be translated).

Layer: routes. A small ASGI middleware: a browser's GET of a one-segment address that is neither
a page, nor a file, nor one of Streamlit's or our own paths is redirected to
`/?missing=<segment>` with the same language.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from starlette.datastructures import Headers
from starlette.responses import RedirectResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"
MISSING_PARAM = "missing"
LONGEST = 80  # longer segments are cut before they travel back in the redirect


def known_pages() -> frozenset[str]:
    """The url names Streamlit gives the files in pages/ (a file's name without .py)."""
    return frozenset(path.stem for path in PAGES_DIR.glob("*.py"))


def missing_page(scope: Scope, pages: frozenset[str]) -> str | None:
    """The segment a browser asked for when it names no page; None for anything else."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return None
    segments = [s for s in scope["path"].split("/") if s]
    if len(segments) != 1 or "." in segments[0] or segments[0].startswith("_"):
        return None
    if segments[0] in pages or "text/html" not in Headers(scope=scope).get("accept", ""):
        return None
    return segments[0]


class UnknownPageRedirect:
    """Send a browser asking for a page that does not exist to the overview, which names it."""

    def __init__(self, app: ASGIApp, routes: Sequence[Route] = ()) -> None:
        self.app = app
        # pages, and the first segment of our own routes (/healthz, /api/...): never redirected
        self.pages = known_pages() | {route.path.strip("/").split("/")[0] for route in routes}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        segment = missing_page(scope, self.pages)
        if segment is None:
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        params = {MISSING_PARAM: segment[:LONGEST], **({"lang": query["lang"][0]} if "lang" in query else {})}
        await RedirectResponse(f"/?{urlencode(params)}", status_code=307)(scope, receive, send)
