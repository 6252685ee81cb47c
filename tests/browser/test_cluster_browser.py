"""Two app processes behind nginx (bench/cluster.py), as the README's Scale-out runs them: a
coordinator's browser logs in, uploads and publishes through one process, and a delegate's browser
held on the other process sees the new version within the refresh interval.

Layer: tests (browser). Debian's nginx, PostgreSQL and Chromium; both processes share the store.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench.cluster import cluster
from data_access.core.accounts import create_user
from data_access.core.actors import CLI_ACTOR
from data_access.core.i18n import t
from data_access.core.store import make_engine
from data_access.publishing.versions import list_versions
from tests.browser.conftest import PASSWORD, wait_ready
from tests.browser.test_upload_browser import download_template, fill_template, upload
from tests.tools import require_program

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
NODE = "encuentro_node"


def node_cookie(url: str, backend: str) -> str:
    """A value of nginx's stickiness cookie that sends a browser to BACKEND ("127.0.0.1:PORT")."""
    for i in range(200):
        request = urllib.request.Request(f"{url}/healthz", headers={"Cookie": f"{NODE}=pin{i}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            if answer.headers["X-Encuentro-Upstream"] == backend:
                return f"pin{i}"
    raise AssertionError(f"no cookie value reaches {backend}")


def test_a_publish_through_one_process_shows_in_a_browser_on_the_other(browser, postgres, tmp_path):
    """On PostgreSQL, as a meeting that outgrew one process would run it."""
    require_program("nginx", "nginx")
    store = postgres.create()
    env = {"ENCUENTRO_DATA_DIR": str(tmp_path / "data"), "ENCUENTRO_REFRESH_S": "2", "DATABASE_URL": store}
    seed = [sys.executable, "manage.py", "seed"]
    subprocess.run(seed, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    engine = make_engine(store)
    create_user(
        engine=engine,
        actor=CLI_ACTOR,
        username="coord_chl_cluster",
        password=PASSWORD,
        role="coordinator",
        country_iso3="CHL",
    )
    with cluster(env, processes=2) as running:
        url, (first, second) = running["url"], running["backends"]
        host = url.split("//")[1].split(":")[0]
        contexts = []
        for backend in (first, second):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_cookies(
                [{"name": NODE, "value": node_cookie(url, backend), "domain": host, "path": "/"}]
            )
            contexts.append(context)
        coordinator, delegate = (context.new_page() for context in contexts)

        delegate.goto(f"{url}/?lang=es")  # on the second process, waiting for news
        wait_ready(delegate)
        expect(delegate.get_by_text("Chile publicó la versión 2")).to_have_count(0)

        coordinator.goto(f"{url}/upload?lang=es")  # on the first: the gated page's own login form
        wait_ready(coordinator)
        form = coordinator.locator("form.encuentro-login-page")
        form.get_by_label(t("auth.username", "es")).fill("coord_chl_cluster")
        form.get_by_label(t("auth.password", "es")).fill(PASSWORD)
        form.get_by_role("button", name=t("auth.log_in", "es")).click()
        template = download_template(coordinator, tmp_path)
        upload(coordinator, fill_template(template, tmp_path / "chile.xlsx", 751.5, "cluster"))
        rows = int(list_versions(engine, "CHL")["row_count"].iloc[0]) + 1  # the update adds one row
        coordinator.get_by_role("button", name=t("upload.publish", "es", country="Chile")).click()
        published = t("upload.published", "es", version=2, country="Chile", rows=rows)
        coordinator.wait_for_selector(f"text={published}")
        assert list_versions(engine, "CHL")["version"].max() == 2
        engine.dispose()

        # The delegate's process learns it from the shared store within its 2 s check.
        expect(delegate.get_by_text("Chile publicó la versión 2")).to_be_visible(timeout=15_000)

        # The login lives in the store: the coordinator's browser moved to the other process is
        # still logged in there.
        moved = [{"name": NODE, "value": node_cookie(url, second), "domain": host, "path": "/"}]
        contexts[0].add_cookies(moved)
        there = contexts[0].new_page()
        with there.expect_response(f"{url}/upload?lang=es") as answer:
            there.goto(f"{url}/upload?lang=es")
        assert answer.value.headers["x-encuentro-upstream"] == second
        wait_ready(there)
        expect(there.get_by_test_id("stFileUploader")).to_be_visible()
        for context in contexts:
            context.close()
