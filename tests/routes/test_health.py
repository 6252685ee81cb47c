"""GET /healthz over HTTP from a served app: 200 with the data version while the store answers,
503 with nothing about the store once it no longer does."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from bench.server import serve
from data_access.core.store import get_data_version, make_engine
from routes.health import HEALTH_PATH
from tests.routes.conftest import init_store

pytestmark = pytest.mark.slow


def get(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_healthz_says_whether_the_store_answers(tmp_path):
    env = init_store(tmp_path)
    store = tmp_path / "encuentro.db"
    engine = make_engine(f"sqlite:///{store}")
    version = get_data_version(engine)
    engine.dispose()
    with serve(env) as url:
        status, headers, body = get(url + HEALTH_PATH)
        assert status == 200 and headers["cache-control"] == "no-store"
        assert json.loads(body) == {"status": "ok", "data_version": version}
        assert get(url + HEALTH_PATH, "HEAD")[0] == 200
        for leftover in tmp_path.glob("encuentro.db-*"):  # the write-ahead log and its index
            leftover.unlink()
        store.write_bytes(b"not a database" * 1000)  # the store no longer answers
        status, headers, body = get(url + HEALTH_PATH)
        assert status == 503 and json.loads(body) == {"status": "unavailable"}
        assert str(tmp_path) not in body.decode() and headers["cache-control"] == "no-store"
