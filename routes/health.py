"""GET /healthz: whether the store answers, for a reverse proxy, a container or a monitor.

Layer: routes. A small read in a worker thread (the event loop serves every open tab); 200 with
the data version when the store answers, 503 when it does not. It says nothing else about the
store: no address, no path, no error text.
"""

from __future__ import annotations

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from data_access.core.errors import EncuentroError
from data_access.core.store import STORE_ERRORS, configured_engine, get_data_version

HEALTH_PATH = "/healthz"
NO_STORE = {"Cache-Control": "no-store"}


def store_version() -> int:
    return get_data_version(configured_engine())


async def healthz(request: Request) -> JSONResponse:
    """200 {"status": "ok", "data_version": N} when the store answers, else 503."""
    try:
        version = await to_thread.run_sync(store_version)
    except (EncuentroError, *STORE_ERRORS):
        return JSONResponse({"status": "unavailable"}, status_code=503, headers=NO_STORE)
    return JSONResponse({"status": "ok", "data_version": version}, headers=NO_STORE)


def health_routes() -> list[Route]:
    """The routes this module serves."""
    return [Route(HEALTH_PATH, healthz, methods=["GET", "HEAD"])]
