"""GET /metrics: Prometheus' text format for the people who run the server (see
data_access.operations.metrics for what is counted).

Layer: routes. Answered to loopback callers that reached the app directly, or to a request with
`Authorization: Bearer <ENCUENTRO_METRICS_TOKEN>`; anyone else gets 404, as if there were nothing.
The store's gauges are read in a worker thread.
"""

from __future__ import annotations

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from data_access.core.settings import get_settings
from data_access.core.store import configured_engine
from data_access.operations.metrics import CONTENT_TYPE, may_read_metrics, render_metrics

METRICS_PATH = "/metrics"


async def metrics(request: Request) -> Response:
    """The metrics, or 404 for a caller who may not read them."""
    client = request.client.host if request.client else None
    if not may_read_metrics(client, request.headers, get_settings().metrics_token):
        return PlainTextResponse("Not Found", status_code=404)
    body = await to_thread.run_sync(render_metrics, configured_engine())
    return Response(body, media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def metrics_routes() -> list[Route]:
    """The routes this module serves."""
    return [Route(METRICS_PATH, metrics, methods=["GET"])]
