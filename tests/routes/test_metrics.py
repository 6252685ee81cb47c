"""GET /metrics over HTTP from a served app: Prometheus' text format with what the issue names,
readable from loopback or with the configured token, and a 404 for anyone else.

Layer: tests (routes). Reruns are made by a real tab over Streamlit's websocket (bench/load.py).
"""

from __future__ import annotations

import asyncio
import http.client
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bench.load import warm_up
from bench.server import serve
from routes.metrics import METRICS_PATH
from tests.routes.conftest import init_store

pytestmark = pytest.mark.slow
TOKEN = "a-scraper-token-of-some-length"


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, {}, error.read().decode()


def samples(text: str) -> dict[str, float]:
    """Every sample by name and labels ("encuentro_rerun_seconds_count{page=compare}")."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            out[sample.name + (f"{{{labels}}}" if labels else "")] = sample.value
    return out


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    env = init_store(tmp_path_factory.mktemp("metrics")) | {"ENCUENTRO_METRICS_TOKEN": TOKEN}
    with serve(env) as url:
        yield url


def test_metrics_count_what_the_people_running_the_server_watch(app):
    status, headers, text = get(app + METRICS_PATH)
    assert status == 200 and headers["content-type"].startswith("text/plain; version=0.0.4")
    before = samples(text)
    for name in ("encuentro_data_version", "encuentro_open_login_sessions", "encuentro_published_versions"):
        assert name in before, name
    assert "process_cpu_seconds_total" in before and before["encuentro_failed_logins_total"] == 0
    # A tab opens the overview and /compare over the websocket; in a thread of its own, since
    # Playwright's sync API may hold this thread's event loop when the browser tests ran first.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, warm_up(app, 60)).result()
    host = app.split("//")[1]
    conn = http.client.HTTPConnection(host, timeout=20)
    form = urlencode({"username": "nobody", "password": "wrong password", "next": "/"})
    headers = {"Origin": f"http://{host}", "Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/auth/login", body=form, headers=headers)
    assert conn.getresponse().status == 303
    conn.close()
    after = samples(get(app + METRICS_PATH)[2])
    assert after["encuentro_failed_logins_total"] == 1
    assert after["encuentro_rerun_seconds_count{page=overview}"] >= 1
    assert after["encuentro_rerun_seconds_count{page=compare}"] >= 1  # an empty store: no filter to move
    assert after["encuentro_rerun_seconds_sum{page=compare}"] > 0


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"X-Forwarded-For": "203.0.113.9"}, 404),  # through a proxy on this host: not loopback
        ({"X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer wrong"}, 404),
        ({"X-Forwarded-For": "203.0.113.9", "Authorization": f"Bearer {TOKEN}"}, 200),
        ({"Forwarded": "for=203.0.113.9"}, 404),
    ],
    ids=["proxied", "wrong-token", "token", "forwarded"],
)
def test_metrics_are_for_loopback_or_the_token_only(app, headers, status):
    code, _, body = get(app + METRICS_PATH, headers)
    assert code == status
    assert ("encuentro_data_version" in body) == (status == 200)
