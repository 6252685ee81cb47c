"""GET /api/v1/boundaries.geojson: the map's country boundaries, shipped with the app.

Layer: routes. Charts refer to them by URL, so a phone fetches 175 kB once and caches it instead
of receiving them inside every map.
"""

from __future__ import annotations

from starlette.responses import FileResponse
from starlette.routing import Route

from data_access.core.catalogues import BOUNDARIES_FILE, BOUNDARIES_URL

A_DAY = {"Cache-Control": "public, max-age=86400"}


async def boundaries(request: object) -> FileResponse:
    """The shipped GeoJSON, with ETag and Last-Modified so a revalidation costs nothing."""
    return FileResponse(BOUNDARIES_FILE, media_type="application/geo+json", headers=A_DAY)


def reference_routes() -> list[Route]:
    """The routes this module serves."""
    return [Route(BOUNDARIES_URL, boundaries, methods=["GET", "HEAD"])]
