"""An address that names no page goes to the overview with the segment and the language, over
HTTP from a served app; pages, files, Streamlit's and our own paths pass untouched."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from routes.unknown_pages import known_pages, missing_page

HTML = [(b"accept", b"text/html,application/xhtml+xml")]


def scope(path: str, headers: list | None = None, method: str = "GET") -> dict:
    return {"type": "http", "method": method, "path": path, "headers": headers or HTML, "query_string": b""}


def test_only_a_browsers_one_segment_address_that_names_no_page_is_missing():
    pages = known_pages()
    assert {"compare", "country", "working_groups", "actions", "present", "upload", "admin"} <= pages
    assert missing_page(scope("/zzz"), pages) == "zzz"
    for path in ("/", "/compare", "/favicon.png", "/_stcore/health", "/api/v1/live", "/static/js/x.js"):
        assert missing_page(scope(path), pages) is None, path
    assert missing_page(scope("/zzz", [(b"accept", b"application/json")]), pages) is None
    assert missing_page(scope("/zzz", method="POST"), pages) is None


def get(url: str, path: str, accept: str = "text/html") -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", path, headers={"Accept": accept})
    return connection.getresponse()


def test_the_served_app_redirects_with_the_language(served):
    server, _ = served
    response = get(server, "/zzz?lang=pt")
    assert response.status == 307 and response.getheader("location") == "/?missing=zzz&lang=pt"
    assert get(server, "/compare?lang=pt").status == 200
    assert get(server, "/_stcore/health", "*/*").status == 200
    assert get(server, "/healthz").status == 200  # our own route, even asked for by a browser
