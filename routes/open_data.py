"""The open data API, read-only and anonymous: /api/v1/figures.csv and .json with /compare's
filters, /api/v1/versions, /api/v1/indicators and /api/v1/datapackage.json.

Layer: routes. Each answer depends only on the data version and the query, so it is built once per
process and shared (at most CACHED answers are kept), carries an ETag from both, and a client that
sends it back gets 304 without a body. The data version comes from the live route's shared copy
(at most a second old), so a request reads the store only for an answer not yet built.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from data_access.core.errors import EncuentroError
from data_access.core.i18n import normalize_lang
from data_access.core.store import configured_engine
from data_access.meeting.meeting_settings import get_meeting_settings
from data_access.reports import open_data
from data_access.reports.datapackage import datapackage
from routes.live import live_cache

CACHED = 64
TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
OPEN = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=60"}


@lru_cache(maxsize=CACHED)
def _answer(resource: str, fmt: str, query: open_data.FigureQuery | None, data_version: int) -> bytes:
    """The body for RESOURCE in FMT (QUERY for the figures); DATA_VERSION keys the cache."""
    engine = configured_engine()
    if query is not None:
        frame = open_data.list_figures(engine, query)
    elif resource == "versions":
        frame = open_data.list_versions(engine)
    elif resource == "indicators":
        frame = open_data.list_indicators(engine)
    else:  # the data package
        title = get_meeting_settings(engine).name or "Encuentro"
        return json.dumps(datapackage(title, data_version), ensure_ascii=False, indent=2).encode("utf-8")
    if fmt == "csv":
        return open_data.to_csv(frame)
    return open_data.to_json(frame, resource, data_version, query)


def _lang(request: Request) -> str:
    wanted = request.query_params.get("lang") or request.headers.get("accept-language", "")[:2]
    return normalize_lang(wanted)


async def _serve(request: Request, resource: str, fmt: str) -> Response:
    cache = live_cache()
    version = (cache.peek() or await to_thread.run_sync(cache.get)).data_version
    query = None
    if resource == "figures":
        codes = await to_thread.run_sync(_indicator_codes, version)
        try:
            query = open_data.parse_figure_query(dict(request.query_params), codes)
        except EncuentroError as error:
            body = {"error": error.message(_lang(request)), **{k: str(v) for k, v in error.params.items()}}
            return JSONResponse(body, status_code=400, headers=OPEN)
    key = query.key() if query is not None else ""
    tag = f'W/"{version}-{hashlib.sha256(f"{resource}.{fmt}?{key}".encode()).hexdigest()[:16]}"'
    headers = {**OPEN, "ETag": tag}
    if tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = await to_thread.run_sync(_answer, resource, fmt, query, version)
    return Response(body, media_type=TYPES[fmt], headers=headers)


@lru_cache(maxsize=2)
def _indicator_codes(data_version: int) -> frozenset[str]:
    """The catalogue's codes (organizers add indicators); DATA_VERSION keys the cache."""
    return frozenset(open_data.list_indicators(configured_engine())["code"])


def _route(path: str, resource: str, fmt: str) -> Route:
    async def endpoint(request: Request) -> Response:
        return await _serve(request, resource, fmt)

    return Route(f"{open_data.API}/{path}", endpoint, methods=["GET", "HEAD"])


def open_data_routes() -> list[Route]:
    """The routes this module serves."""
    routes = [_route("datapackage.json", "datapackage", "json")]
    for resource in ("figures", "versions", "indicators"):
        routes += [_route(f"{resource}.{fmt}", resource, fmt) for fmt in TYPES]
        routes.append(_route(resource, resource, "json"))
    return routes
