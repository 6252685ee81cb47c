"""A real streamlit server on a free port with the sample meeting, and Debian's Chromium.

Locally a missing browser skips these tests with the reason; under CI=true it fails them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.server import CHROMIUM_ARGS, READY, serve
from tests.tools import require_program

ROOT = Path(__file__).resolve().parents[2]


def browser_path() -> str:
    """Debian's Chromium; skips (locally) or fails (CI) when it is missing."""
    return require_program("chromium", "chromium")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store seeded with the sample meeting through the command line, as `make run` does."""
    path = tmp_path_factory.mktemp("browser-data")
    env = {**os.environ, "ENCUENTRO_DATA_DIR": str(path)}
    subprocess.run([sys.executable, "manage.py", "seed"], cwd=ROOT, env=env, check=True, capture_output=True)
    return path


@pytest.fixture(scope="session")
def server(data_dir: Path) -> Iterator[str]:
    """The app served on a free port; yields its base URL."""
    browser_path()
    with serve({"ENCUENTRO_DATA_DIR": str(data_dir), "ENCUENTRO_REFRESH_S": "2"}) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright, never a downloaded browser."""
    chromium = browser_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh context per test (no shared cookies or session)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def wait_ready(page) -> None:
    """A run has finished when the app says so (NOTES.md); wait for content first after a click."""
    page.wait_for_selector(READY, timeout=30_000)


PASSWORD = "correct horse battery"


def create_account(data_dir: Path, username: str, role: str, country_iso3: str | None = None) -> str:
    """An account in the served store, made the way `manage.py create-user` makes it."""
    from data_access.core import accounts
    from data_access.core.actors import CLI_ACTOR
    from data_access.core.store import make_engine

    engine = make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")
    accounts.create_user(
        engine=engine,
        actor=CLI_ACTOR,
        username=username,
        password=PASSWORD,
        role=role,
        country_iso3=country_iso3,
    )
    engine.dispose()
    return username


def log_in(page, server: str, username: str, password: str) -> None:
    """Through the sidebar form, as a person would; the session cookie then logs in every tab of
    this browser context (a reload too)."""
    from data_access.core.i18n import t

    page.goto(server + "/")
    page.wait_for_selector("h1")
    wait_ready(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text(t("auth.log_in", "es"), exact=True).first.click()
    sidebar.get_by_label(t("auth.username", "es")).fill(username)
    sidebar.get_by_label(t("auth.password", "es")).fill(password)
    sidebar.get_by_role("button", name=t("auth.log_in", "es")).click()
    page.wait_for_selector(f"text={username}")
    wait_ready(page)


def choose(page, label: str, option: str, scope=None) -> None:
    """Pick OPTION in the selectbox labelled LABEL (within SCOPE), then wait for the rerun.

    Right after a rerun the combobox can swallow a click (the list opens late, or closes before
    the option is taken), so the whole open-pick-check cycle is retried until the value shows."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    box = (scope or page).get_by_test_id("stSelectbox").filter(has_text=label).first
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(10):
        box.get_by_role("button", name="Open").click()
        try:
            wanted.wait_for(timeout=1_000)
            wanted.click()
            expect(box.get_by_role("combobox")).to_have_value(option, timeout=2_000)
            break
        except (PlaywrightTimeout, AssertionError):
            page.keyboard.press("Escape")
    expect(box.get_by_role("combobox")).to_have_value(option)
    wait_ready(page)
