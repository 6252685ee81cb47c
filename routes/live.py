"""GET /api/v1/live: the data version and the presenter's slide, answered from memory.

Layer: routes. Open pages poll this instead of running a script per check (a script run costs
~8.5 ms of server CPU and a thread; this answer ~1-2 ms on the event loop).
"""

from __future__ import annotations

from functools import cache

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from data_access.core.store import configured_engine
from data_access.meeting.live import LIVE_PATH, LiveCache, shared_live_cache

NO_STORE = {"Cache-Control": "no-store"}


@cache
def live_cache() -> LiveCache:
    """One shared copy per process, made on the first request (nothing connects at import)."""
    return shared_live_cache(configured_engine())


async def live(request: Request) -> JSONResponse:
    """The shared state; the store is read in a worker thread, at most once a second."""
    cache_ = live_cache()
    state = cache_.peek()
    if state is None:
        state = await to_thread.run_sync(cache_.get)
    return JSONResponse(state.to_dict(), headers=NO_STORE)


def live_routes() -> list[Route]:
    """The routes this module serves."""
    return [Route(LIVE_PATH, live, methods=["GET"])]
