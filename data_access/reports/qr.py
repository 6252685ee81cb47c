"""QR codes that bring a delegate's phone to the view on the projector.

Layer: data_access. segno draws the code; the address is the meeting's public address (or the
app's own) with the page and the view's query parameters, so the phone opens the same chart.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno

PAGE_PATHS = {
    "compare": "/compare",
    "country": "/country",
    "groups": "/working_groups",
    "actions": "/actions",
}


def view_url(base: str, kind: str, params: Mapping[str, str], lang: str) -> str:
    """The absolute address of a slide's page with its view: BASE's scheme and host, our path."""
    parts = urlsplit(base)
    prefix = parts.path.rstrip("/")  # a meeting served under a sub-path keeps it
    query = urlencode({**{k: v for k, v in params.items() if k != "lang"}, "lang": lang})
    return urlunsplit((parts.scheme, parts.netloc, prefix + PAGE_PATHS.get(kind, "/"), query, ""))


def qr_png(url: str, scale: int = 6) -> bytes:
    """URL as a QR code PNG; error correction M survives a projector's glare and a phone's angle."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
